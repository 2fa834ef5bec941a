//! From OSM ways to a compact road graph: clipping to a bounding box, cutting ways at
//! intersections, contracting degree-2 chains (geometry kept), and keeping the largest strongly
//! connected component.

use geo::Rect;

use super::graph::{BACKWARD, Edge, FORWARD, RoadGraph, dist_e7};
use super::osm::{RawOsm, Via};
use super::profile::NodeBarrier;

/// Graph-building options.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Keep only the parts of ways inside this box (lon/lat degrees); `None`: everything.
    pub clip: Option<Rect<f64>>,
    /// Time lost at a traffic light (`highway=traffic_signals` node), seconds; an average over
    /// green and red phases.
    pub signal_penalty_s: f64,
    /// Flat time added to every edge entering an intersection (a node joining three edges or
    /// more), seconds. 0 by default: turns are costed one by one ([`super::turns`]); kept for
    /// experiments.
    pub intersection_penalty_s: f64,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            clip: None,
            signal_penalty_s: 8.0,
            intersection_penalty_s: 0.0,
        }
    }
}

/// What turn modelling needs to know about each graph edge, beyond [`Edge`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeInfo {
    /// OSM way the edge starts on (at `from`).
    pub way_at_from: i64,
    /// OSM way the edge ends on (at `to`).
    pub way_at_to: i64,
    /// Local traffic only from `from` to `to`.
    pub restricted_fwd: bool,
    /// Local traffic only from `to` to `from`.
    pub restricted_bwd: bool,
    /// Part of a roundabout.
    pub roundabout: bool,
}

/// A built graph with what the turn model needs.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// The road graph.
    pub graph: RoadGraph,
    /// One entry per graph edge.
    pub info: Vec<EdgeInfo>,
    /// Graph vertex of each OSM node index of the input (`u32::MAX` if not a vertex).
    pub vertex_of: Vec<u32>,
    /// The barrier at each graph node.
    pub barriers: Vec<NodeBarrier>,
}

/// An edge under construction (node indices are OSM node indices, then vertex indices).
#[derive(Debug, Clone)]
struct BEdge {
    a: u32,
    b: u32,
    geom: Vec<u32>,
    dist: f64,
    dur_f: f64,
    dur_b: f64,
    flags: u8,
    maxw: Option<f32>,
    maxh: Option<f32>,
    maxl: Option<f32>,
    maxa: Option<f32>,
    alive: bool,
    way_a: i64,
    way_b: i64,
    restricted_f: bool,
    restricted_b: bool,
    roundabout: bool,
}

impl BEdge {
    fn reverse(&mut self) {
        std::mem::swap(&mut self.a, &mut self.b);
        self.geom.reverse();
        std::mem::swap(&mut self.dur_f, &mut self.dur_b);
        std::mem::swap(&mut self.way_a, &mut self.way_b);
        std::mem::swap(&mut self.restricted_f, &mut self.restricted_b);
        self.flags = ((self.flags & FORWARD) << 1) | ((self.flags & BACKWARD) >> 1);
    }

    fn dead() -> BEdge {
        BEdge {
            a: 0,
            b: 0,
            geom: Vec::new(),
            dist: 0.0,
            dur_f: 0.0,
            dur_b: 0.0,
            flags: 0,
            maxw: None,
            maxh: None,
            maxl: None,
            maxa: None,
            alive: false,
            way_a: 0,
            way_b: 0,
            restricted_f: false,
            restricted_b: false,
            roundabout: false,
        }
    }
}

/// Build the road graph from the ways and nodes read from a PBF file.
pub fn build_graph(raw: &RawOsm, opts: &BuildOptions) -> RoadGraph {
    build(raw, opts).graph
}

/// Build the road graph and the per-edge facts the turn model needs.
pub fn build(raw: &RawOsm, opts: &BuildOptions) -> Built {
    let n = raw.node_ids.len();
    let clip = opts.clip.map(|r| {
        let (min, max) = (r.min(), r.max());
        [
            (min.x * 1e7).floor() as i64,
            (min.y * 1e7).floor() as i64,
            (max.x * 1e7).ceil() as i64,
            (max.y * 1e7).ceil() as i64,
        ]
    });
    let inside: Vec<bool> = raw
        .coords
        .iter()
        .map(|c| match (c, clip) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some([x, y]), Some(b)) => {
                let (x, y) = (i64::from(*x), i64::from(*y));
                x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]
            }
        })
        .collect();
    // Intersections: nodes used twice or more, and ends of kept runs.
    let mut count = vec![0u8; n];
    let mut vertex = vec![false; n];
    for w in &raw.ways {
        let refs = &raw.refs[w.refs_start..w.refs_start + w.refs_len];
        for (k, &r) in refs.iter().enumerate() {
            let r = r as usize;
            if !inside[r] {
                continue;
            }
            count[r] = count[r].saturating_add(1);
            let prev_in = k > 0 && inside[refs[k - 1] as usize];
            let next_in = k + 1 < refs.len() && inside[refs[k + 1] as usize];
            if !prev_in || !next_in {
                vertex[r] = true;
            }
        }
    }
    for (i, (v, c)) in vertex.iter_mut().zip(&count).enumerate() {
        // Barriers cut their way: passing them is a turn, which may be forbidden.
        let barrier = raw.barriers.get(i).is_some_and(|b| *b != NodeBarrier::None);
        if *c >= 2 || (barrier && *c >= 1) {
            *v = true;
        }
    }
    drop(count);
    // Cut ways at intersections.
    let mut edges: Vec<BEdge> = Vec::new();
    for w in &raw.ways {
        let way_start = edges.len();
        let refs = &raw.refs[w.refs_start..w.refs_start + w.refs_len];
        let p = &w.profile;
        let mps = f64::from(p.speed_kmh) / 3.6;
        let mps_b = f64::from(p.speed_bwd_kmh) / 3.6;
        let new_edge = |r: u32| BEdge {
            a: r,
            b: r,
            geom: Vec::new(),
            dist: 0.0,
            dur_f: 0.0,
            dur_b: 0.0,
            flags: (u8::from(p.forward) * FORWARD) | (u8::from(p.backward) * BACKWARD),
            maxw: p.maxweight_t,
            maxh: p.maxheight_m,
            maxl: p.maxlength_m,
            maxa: p.maxaxleload_t,
            alive: true,
            way_a: w.id,
            way_b: w.id,
            restricted_f: p.restricted_fwd,
            restricted_b: p.restricted_bwd,
            roundabout: p.roundabout,
        };
        let mut cur: Option<BEdge> = None;
        // Seconds lost at nodes so far on the current edge: [forward, backward].
        let mut signals = [0.0f64; 2];
        for (k, &r) in refs.iter().enumerate() {
            let ri = r as usize;
            if !inside[ri] {
                cur = None;
                continue;
            }
            // Seconds lost passing the node: traffic light, stop or give-way sign, in the
            // directions the node's `direction` tag gives (relative to this way).
            let sig = if raw.signals[ri] {
                opts.signal_penalty_s
            } else {
                0.0
            } + raw.stops.get(ri).map_or(0.0, |s| f64::from(*s));
            let dir = raw.obstacle_dir.get(ri).copied().unwrap_or(0);
            let sig = [
                if dir == 2 { 0.0 } else { sig },
                if dir == 1 { 0.0 } else { sig },
            ];
            match cur.as_mut() {
                None => {
                    cur = Some(new_edge(r));
                    signals = sig.map(|x| x * 0.5);
                }
                Some(e) => {
                    let prev = refs[k - 1] as usize;
                    e.dist += dist_e7(
                        raw.coords[prev].unwrap_or_default(),
                        raw.coords[ri].unwrap_or_default(),
                    );
                    if vertex[ri] {
                        signals[0] += sig[0] * 0.5;
                        signals[1] += sig[1] * 0.5;
                        let mut done = cur.take().expect("matched Some");
                        done.b = r;
                        done.dur_f = done.dist / mps + signals[0];
                        done.dur_b = done.dist / mps_b + signals[1];
                        edges.push(done);
                        signals = sig.map(|x| x * 0.5);
                        cur = Some(new_edge(r));
                    } else {
                        signals[0] += sig[0];
                        signals[1] += sig[1];
                        e.geom.push(r);
                    }
                }
            }
        }
        dedup_way_edges(&mut edges, way_start);
    }
    // Via nodes of restrictions stay vertices, and so do the ends of via ways.
    let mut keep: Vec<bool> = (0..n)
        .map(|i| raw.barriers.get(i).is_some_and(|b| *b != NodeBarrier::None))
        .collect();
    for r in &raw.restrictions {
        if let Via::Node(id) = r.via
            && let Ok(i) = raw.node_ids.binary_search(&id)
        {
            keep[i] = true;
        }
    }
    contract_chains(&mut edges, n, &keep);
    // Renumber vertices.
    let mut new_id = vec![u32::MAX; n];
    let mut nodes: Vec<u32> = Vec::new();
    for e in edges.iter_mut().filter(|e| e.alive) {
        for v in [&mut e.a, &mut e.b] {
            if new_id[*v as usize] == u32::MAX {
                new_id[*v as usize] = nodes.len() as u32;
                nodes.push(*v);
            }
            *v = new_id[*v as usize];
        }
    }
    edges.retain(|e| e.alive);
    // Largest strongly connected component.
    let mut arcs: Vec<(u32, u32)> = Vec::with_capacity(edges.len() * 2);
    for e in &edges {
        if e.flags & FORWARD != 0 {
            arcs.push((e.a, e.b));
        }
        if e.flags & BACKWARD != 0 {
            arcs.push((e.b, e.a));
        }
    }
    let comp = largest_scc(nodes.len(), &arcs);
    drop(arcs);
    let mut final_id = vec![u32::MAX; nodes.len()];
    let mut graph = RoadGraph::default();
    for (v, &osm) in nodes.iter().enumerate() {
        if comp[v] {
            final_id[v] = graph.nodes.len() as u32;
            graph
                .nodes
                .push(raw.coords[osm as usize].unwrap_or_default());
        }
    }
    let mut vertex_of = vec![u32::MAX; n];
    for (v, &osm) in nodes.iter().enumerate() {
        vertex_of[osm as usize] = final_id[v];
    }
    let mut info = Vec::with_capacity(edges.len());
    let mut degree = vec![0u32; graph.nodes.len()];
    for e in &edges {
        let (a, b) = (final_id[e.a as usize], final_id[e.b as usize]);
        if a != u32::MAX && b != u32::MAX {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
    }
    let crossing = |v: u32| {
        if degree[v as usize] >= 3 {
            opts.intersection_penalty_s
        } else {
            0.0
        }
    };
    for e in &edges {
        let (a, b) = (final_id[e.a as usize], final_id[e.b as usize]);
        if a == u32::MAX || b == u32::MAX {
            continue;
        }
        let geom_start = graph.geometry.len() as u32;
        graph.geometry.extend(
            e.geom
                .iter()
                .map(|&g| raw.coords[g as usize].unwrap_or_default()),
        );
        let ms = |s: f64| (s * 1000.0).round().max(1.0) as u32;
        info.push(EdgeInfo {
            way_at_from: e.way_a,
            way_at_to: e.way_b,
            restricted_fwd: e.restricted_f,
            restricted_bwd: e.restricted_b,
            roundabout: e.roundabout,
        });
        graph.edges.push(Edge {
            from: a,
            to: b,
            geom_start,
            geom_len: e.geom.len() as u32,
            dist_m: e.dist as f32,
            dur_fwd_ms: if e.flags & FORWARD != 0 {
                ms(e.dur_f + crossing(b))
            } else {
                0
            },
            dur_bwd_ms: if e.flags & BACKWARD != 0 {
                ms(e.dur_b + crossing(a))
            } else {
                0
            },
            flags: e.flags,
            maxweight_100kg: e
                .maxw
                .map_or(0, |t| (t * 10.0).round().clamp(1.0, 65535.0) as u16),
            maxheight_cm: e
                .maxh
                .map_or(0, |m| (m * 100.0).round().clamp(1.0, 65535.0) as u16),
            maxlength_dm: e
                .maxl
                .map_or(0, |m| (m * 10.0).round().clamp(1.0, 65535.0) as u16),
            maxaxleload_100kg: e
                .maxa
                .map_or(0, |t| (t * 10.0).round().clamp(1.0, 65535.0) as u16),
        });
    }
    let mut barriers = vec![NodeBarrier::None; graph.nodes.len()];
    for (v, &osm) in nodes.iter().enumerate() {
        if final_id[v] != u32::MAX
            && let Some(b) = raw.barriers.get(osm as usize)
        {
            barriers[final_id[v] as usize] = *b;
        }
    }
    Built {
        graph,
        info,
        vertex_of,
        barriers,
    }
}

/// Merge edges through nodes that join exactly two edges with the same directions allowed.
/// A way that goes back and forth over the same nodes (e.g. 2,000 references alternating
/// between two nodes) yields the same edge many times, and the turn model and the contraction
/// then work on every pair of them. Keep the first of the edges of one way (from `start`) that
/// share their ends, in the same order, and their intermediate nodes.
fn dedup_way_edges(edges: &mut Vec<BEdge>, start: usize) {
    if edges.len() - start < 2 {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    let mut k = start;
    for i in start..edges.len() {
        if seen.insert((edges[i].a, edges[i].b, edges[i].geom.clone())) {
            edges.swap(k, i);
            k += 1;
        }
    }
    edges.truncate(k);
}

fn contract_chains(edges: &mut [BEdge], n: usize, keep: &[bool]) {
    let mut degree = vec![0u8; n];
    let mut inc = vec![[u32::MAX; 2]; n];
    for (i, e) in edges.iter().enumerate() {
        for v in [e.a, e.b] {
            let d = &mut degree[v as usize];
            if (*d as usize) < 2 {
                inc[v as usize][*d as usize] = i as u32;
            }
            *d = d.saturating_add(1);
        }
    }
    for v in 0..n {
        if degree[v] != 2 || keep[v] {
            continue;
        }
        let [i1, i2] = inc[v];
        if i1 == i2 {
            continue; // a loop through v
        }
        let (i1, i2) = (i1 as usize, i2 as usize);
        let v32 = v as u32;
        // Orient e1 as x → v and e2 as v → y.
        if edges[i1].b != v32 {
            edges[i1].reverse();
        }
        if edges[i2].a != v32 {
            edges[i2].reverse();
        }
        let (x, y) = (edges[i1].a, edges[i2].b);
        let (e1, e2) = (&edges[i1], &edges[i2]);
        if x == y
            || e1.flags != e2.flags
            || e1.restricted_f != e2.restricted_f
            || e1.restricted_b != e2.restricted_b
            || e1.roundabout != e2.roundabout
            // A limit starts or ends here (a bridge): kept apart, so that only the stretch
            // it applies to is avoided.
            || e1.maxw != e2.maxw
            || e1.maxh != e2.maxh
            || e1.maxl != e2.maxl
            || e1.maxa != e2.maxa
        {
            continue;
        }
        let e2 = std::mem::replace(&mut edges[i2], BEdge::dead());
        let e1 = &mut edges[i1];
        e1.geom.push(v32);
        e1.geom.extend_from_slice(&e2.geom);
        e1.b = y;
        e1.way_b = e2.way_b;
        e1.dist += e2.dist;
        e1.dur_f += e2.dur_f;
        e1.dur_b += e2.dur_b;
        let slot = &mut inc[y as usize];
        for s in slot.iter_mut() {
            if *s == i2 as u32 {
                *s = i1 as u32;
            }
        }
        degree[v] = 0;
    }
}

/// Membership in the largest strongly connected component of a directed graph (iterative
/// Tarjan).
pub fn largest_scc(n: usize, arcs: &[(u32, u32)]) -> Vec<bool> {
    let mut start = vec![0u32; n + 1];
    for &(a, _) in arcs {
        start[a as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut adj = vec![0u32; arcs.len()];
    let mut fill = start.clone();
    for &(a, b) in arcs {
        adj[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
    }
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut comp = vec![u32::MAX; n];
    let mut comp_sizes: Vec<usize> = Vec::new();
    let mut next = 0u32;
    let mut call: Vec<(u32, u32)> = Vec::new(); // (node, next arc position)
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        call.push((root, start[root as usize]));
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let vu = v as usize;
            if *pos < start[vu + 1] {
                let w = adj[*pos as usize];
                *pos += 1;
                let wu = w as usize;
                if index[wu] == UNSEEN {
                    index[wu] = next;
                    low[wu] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[wu] = true;
                    call.push((w, start[wu]));
                } else if on_stack[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    let pu = parent as usize;
                    low[pu] = low[pu].min(low[vu]);
                }
                if low[vu] == index[vu] {
                    let c = comp_sizes.len() as u32;
                    let mut size = 0;
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        comp[w as usize] = c;
                        size += 1;
                        if w == v {
                            break;
                        }
                    }
                    comp_sizes.push(size);
                }
            }
        }
    }
    let best = comp_sizes
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| **s)
        .map(|(i, _)| i as u32);
    comp.iter().map(|&c| Some(c) == best).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scc_of_two_cycles_and_a_tail() {
        // 0→1→2→0 (size 3), 3↔4 (size 2), 2→3, 5→0.
        let arcs = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 3), (2, 3), (5, 0)];
        let c = largest_scc(6, &arcs);
        assert_eq!(c, vec![true, true, true, false, false, false]);
    }
}
