//! One routing interface for every consumer, implemented by the road graph ([`RoadRouter`]) and
//! by the crow-flies fallback ([`CrowFliesRouter`]); [`open_router`] picks the right one for a
//! territory folder.

use std::path::Path;
use std::sync::{Arc, Mutex};

use geo::{LineString, Point};
use serde::Serialize;

use super::ch::{Ch, INF, Seed};
use super::crow_flies::CrowFlies;
use super::file::{GRAPH_FILE, GraphFile, GraphMeta};
use super::graph::RoadGraph;
use super::snap::{DEFAULT_MAX_SNAP_M, Snap, Snapper, edge_slice};
use super::vehicle::{BrokenLimit, VehicleLimits};
use crate::error::{Error, Result};
use boucle_vrp::{CostMatrix, DenseMatrix, Method};

/// A point as given and where it was placed on the network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Snapped {
    /// The point as given (lon, lat).
    pub input: Point<f64>,
    /// The position used for routing (on the road; the input itself for crow flies).
    pub location: Point<f64>,
    /// Distance between the two, metres (0 for crow flies).
    pub distance_m: f64,
}

/// A travel-cost table between sources and destinations, with where each point was snapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Distances (m) and durations (s), row-major; `f64::INFINITY` where no path exists.
    pub matrix: DenseMatrix,
    /// The sources, snapped.
    pub sources: Vec<Snapped>,
    /// The destinations, snapped.
    pub destinations: Vec<Snapped>,
}

impl CostMatrix for Table {
    fn rows(&self) -> usize {
        self.matrix.rows
    }
    fn cols(&self) -> usize {
        self.matrix.cols
    }
    fn distance_m(&self, from: usize, to: usize) -> f64 {
        self.matrix.distance_m(from, to)
    }
    fn duration_s(&self, from: usize, to: usize) -> f64 {
        self.matrix.duration_s(from, to)
    }
    fn method(&self) -> Method {
        self.matrix.method
    }
}

/// One route between two points.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Length, metres (from snapped point to snapped point).
    pub distance_m: f64,
    /// Travel time, seconds.
    pub duration_s: f64,
    /// The path (lon, lat), from the snapped start to the snapped end.
    pub geometry: LineString<f64>,
    /// How it was obtained.
    pub method: Method,
    /// The start, snapped.
    pub from: Snapped,
    /// The end, snapped.
    pub to: Snapped,
}

/// Travel costs and routes between WGS84 points (lon, lat).
pub trait Router: Send + Sync {
    /// How this router computes costs.
    fn method(&self) -> Method;
    /// Distances and durations from every source to every destination.
    fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table>;
    /// The route from `from` to `to`, with its geometry.
    fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route>;
    /// The router of a vehicle of this size, which avoids the roads whose legal limits it
    /// breaks; `None` when its size changes nothing here (no such road, or no road graph).
    fn for_vehicle(&self, _vehicle: &VehicleLimits) -> Option<Arc<dyn Router>> {
        None
    }
    /// The limits the vehicle breaks on the route it would take without them: what made its
    /// own route differ (empty when nothing did).
    fn limits_on_route(
        &self,
        _from: Point<f64>,
        _to: Point<f64>,
        _vehicle: &VehicleLimits,
    ) -> Vec<BrokenLimit> {
        Vec::new()
    }
}

/// Routers kept per vehicle class (at most this many; the oldest is dropped).
const MAX_VEHICLE_CLASSES: usize = 16;

/// Router parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouterOptions {
    /// The fallback used when there is no graph.
    pub crow_flies: CrowFlies,
    /// Largest allowed distance from a point to the road, metres.
    pub max_snap_m: f64,
}

impl Default for RouterOptions {
    fn default() -> Self {
        RouterOptions {
            crow_flies: CrowFlies::default(),
            max_snap_m: DEFAULT_MAX_SNAP_M,
        }
    }
}

/// The road graph of `dir` (`DIR/network.graph`) if it exists, else the crow-flies fallback
/// (circuity 1.3, 50 km/h).
pub fn open_router(dir: &Path) -> Result<Box<dyn Router>> {
    open_router_with(dir, &RouterOptions::default())
}

/// [`open_router`] with explicit parameters.
pub fn open_router_with(dir: &Path, opts: &RouterOptions) -> Result<Box<dyn Router>> {
    let path = dir.join(GRAPH_FILE);
    if path.is_file() {
        let mut r = RoadRouter::open(&path)?;
        r.max_snap_m = opts.max_snap_m;
        Ok(Box::new(r))
    } else {
        Ok(Box::new(CrowFliesRouter(opts.crow_flies)))
    }
}

/// The fallback: great-circle distance × circuity at a constant speed, flagged
/// [`Method::CrowFlies`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CrowFliesRouter(pub CrowFlies);

fn unsnapped(p: Point<f64>) -> Snapped {
    Snapped {
        input: p,
        location: p,
        distance_m: 0.0,
    }
}

impl Router for CrowFliesRouter {
    fn method(&self) -> Method {
        Method::CrowFlies
    }
    fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table> {
        Ok(Table {
            matrix: self.0.matrix(sources, destinations),
            sources: sources.iter().map(|&p| unsnapped(p)).collect(),
            destinations: destinations.iter().map(|&p| unsnapped(p)).collect(),
        })
    }
    fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route> {
        let d = self.0.distance_m(from, to);
        Ok(Route {
            distance_m: d,
            duration_s: self.0.duration_for_m(d),
            geometry: LineString::from(vec![from, to]),
            method: Method::CrowFlies,
            from: unsnapped(from),
            to: unsnapped(to),
        })
    }
}

/// Shortest paths on the imported road graph: a contraction hierarchy over the edge-based graph
/// (nodes = directed edges, arcs = allowed turns; see [`super::turns`]).
///
/// A snapped point enters the graph on the directed edges through it. Search labels are the
/// cost of reaching the *end* of a directed edge, so a source seed costs the rest of its edge
/// and a target seed subtracts the part of its edge beyond the point; target seeds carry a
/// constant offset ([`RoadRouter::target_offset_ms`]) so that they stay non-negative, and the
/// offset is taken off the results. Two points on the same edge are handled apart: along the
/// edge if its direction allows, else by leaving it first.
#[derive(Debug)]
pub struct RoadRouter {
    /// The graph.
    pub graph: RoadGraph,
    /// Allowed turns between directed edges.
    pub turns: Vec<super::turns::Turn>,
    /// The hierarchy of the edge-based graph.
    pub ch: Ch,
    /// File metadata.
    pub meta: GraphMeta,
    snapper: Snapper,
    /// Directed edges of the main component of the edge-based graph: a point is placed only on
    /// an edge with a direction in it.
    main: Vec<bool>,
    /// Largest allowed snap distance, metres.
    pub max_snap_m: f64,
    /// Turns leaving each directed edge: CSR offsets into `turns` (sorted by `from`).
    turn_start: Vec<u32>,
    /// Drivable directed edges leaving / arriving at each node.
    leaving: Vec<Vec<u32>>,
    arriving: Vec<Vec<u32>>,
    /// Added to every target seed's weight (ms) and taken off the results.
    pub target_offset_ms: u32,
    /// The routers of the vehicle classes asked for so far: (edges avoided, router).
    by_vehicle: Mutex<Vec<(Vec<u32>, Arc<RoadRouter>)>>,
}

/// A snapped point this close to an edge's end (metres) counts as being at the node.
pub const NODE_SNAP_M: f64 = 0.5;

fn ms(x: f64) -> u32 {
    x.round().clamp(0.0, f64::from(INF - 1)) as u32
}

/// Position of a snap along directed edge `d` (0 at its tail, 1 at its head).
fn along(d: u32, fraction: f64) -> f64 {
    if super::turns::is_forward(d) {
        fraction
    } else {
        1.0 - fraction
    }
}

impl RoadRouter {
    /// Load a graph file.
    pub fn open(path: &Path) -> Result<RoadRouter> {
        Ok(Self::new(super::file::read(path)?))
    }

    /// A router over an in-memory graph file.
    ///
    /// Points are placed only on edges with a direction in the main component of the
    /// edge-based graph (its largest strongly connected set of directed edges, where barriers,
    /// turn restrictions and the u-turn rule are already applied): every snapped point can
    /// reach, and be reached from, every other through that direction. A point still leaves
    /// and is reached by every drivable direction of its edge (a vehicle may start either way
    /// along a street), which can only shorten its paths. A stretch that cannot be left
    /// (between two blocking barriers, behind a forbidden turn) is never snapped to; the
    /// nearest road of the main component is used and the snap distance says how far it is.
    /// When the graph is one component, that is all of it.
    pub fn new(mut f: GraphFile) -> RoadRouter {
        use super::turns::{directed, drivable, head, tail};
        let g = &f.graph;
        let n_d = 2 * g.edges.len();
        let arcs: Vec<(u32, u32)> = f.turns.iter().map(|t| (t.from, t.to)).collect();
        let main = super::build::largest_scc(n_d, &arcs);
        drop(arcs);
        // Copies made for via-way restrictions are entered by turns only.
        let copy = |e: usize| g.edges[e].flags & super::via_way::VIA_COPY != 0;
        let snapper = Snapper::of_edges(g, |e| (main[2 * e] || main[2 * e + 1]) && !copy(e));
        f.turns.sort_unstable_by_key(|t| (t.from, t.to));
        let mut turn_start = vec![0u32; n_d + 1];
        for t in &f.turns {
            turn_start[t.from as usize + 1] += 1;
        }
        for i in 0..n_d {
            turn_start[i + 1] += turn_start[i];
        }
        let mut leaving = vec![Vec::new(); g.nodes.len()];
        let mut arriving = vec![Vec::new(); g.nodes.len()];
        let mut offset = 1u32;
        for (i, e) in g.edges.iter().enumerate() {
            for fwd in [true, false] {
                let d = directed(i as u32, fwd);
                if drivable(g, d) && !copy(i) {
                    leaving[tail(g, d) as usize].push(d);
                    arriving[head(g, d) as usize].push(d);
                }
            }
            offset = offset.max(e.dur_fwd_ms.max(e.dur_bwd_ms).saturating_add(1));
        }
        RoadRouter {
            graph: f.graph,
            turns: f.turns,
            ch: f.ch,
            meta: f.meta,
            snapper,
            main,
            max_snap_m: DEFAULT_MAX_SNAP_M,
            turn_start,
            leaving,
            arriving,
            target_offset_ms: offset,
            by_vehicle: Mutex::new(Vec::new()),
        }
    }

    /// The router of a vehicle of this size (see [`super::vehicle`]): `None` when it breaks
    /// no limit of the graph, else a router over the graph without the roads it may not take,
    /// built the first time a vehicle of its class asks and then kept.
    pub fn for_vehicle(&self, vehicle: &VehicleLimits) -> Option<Arc<RoadRouter>> {
        let broken = vehicle.broken_edges(&self.graph);
        if broken.is_empty() {
            return None;
        }
        let mut cache = self.by_vehicle.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, r)) = cache.iter().find(|(b, _)| *b == broken) {
            return Some(r.clone());
        }
        let (graph, turns, ch) = super::vehicle::filtered(&self.graph, &self.turns, &broken);
        let mut r = RoadRouter::new(GraphFile {
            meta: self.meta.clone(),
            graph,
            turns,
            ch,
        });
        r.max_snap_m = self.max_snap_m;
        let r = Arc::new(r);
        if cache.len() >= MAX_VEHICLE_CLASSES {
            cache.remove(0);
        }
        cache.push((broken, r.clone()));
        Some(r)
    }

    /// The graph edges a route from `from` to `to` drives along, in order (with the route).
    pub fn route_edges(&self, from: Point<f64>, to: Point<f64>) -> Result<(Route, Vec<u32>)> {
        self.route_with_edges(from, to)
    }

    /// Snap a point, or fail naming it (`what` e.g. "source 3").
    pub fn snap(&self, p: Point<f64>, what: &str) -> Result<Snap> {
        self.snap_with(p, || what.to_owned())
    }

    /// [`RoadRouter::snap`] with the point's name built only on error.
    pub fn snap_with(&self, p: Point<f64>, what: impl Fn() -> String) -> Result<Snap> {
        let s = self
            .snapper
            .snap(p)
            .ok_or_else(|| Error::Invalid("the road graph is empty".into()))?;
        if s.distance_m > self.max_snap_m {
            return Err(Error::Invalid(format!(
                "{} (lon {}, lat {}) is {:.0} m from the nearest road (limit {:.0} m)",
                what(),
                p.x(),
                p.y(),
                s.distance_m,
                self.max_snap_m
            )));
        }
        Ok(s)
    }

    /// Whether directed edge `d` is drivable and in the main component (see [`RoadRouter::new`]).
    pub fn in_main(&self, d: u32) -> bool {
        self.main.get(d as usize).copied().unwrap_or(false)
            && super::turns::drivable(&self.graph, d)
    }

    /// How many edges of the graph points may be placed on (a direction of them is in the
    /// main component).
    pub fn snappable_edges(&self) -> usize {
        (0..self.graph.edges.len())
            .filter(|&e| {
                (self.main[2 * e] || self.main[2 * e + 1])
                    && self.graph.edges[e].flags & super::via_way::VIA_COPY == 0
            })
            .count()
    }

    /// Turns leaving directed edge `d`.
    pub fn turns_from(&self, d: u32) -> &[super::turns::Turn] {
        &self.turns[self.turn_start[d as usize] as usize..self.turn_start[d as usize + 1] as usize]
    }

    fn dir_len(&self, d: u32) -> f64 {
        f64::from(self.graph.edges[(d / 2) as usize].dist_m)
    }

    fn dir_ms(&self, d: u32) -> f64 {
        f64::from(super::turns::duration_ms(&self.graph, d))
    }

    /// Seeds to leave a snapped point: the directed edges through it, weighing the rest of the
    /// edge (label = cost at the edge's end). A point at a node (within [`NODE_SNAP_M`]) may also
    /// leave by any edge from that node.
    pub fn source_seeds(&self, s: &Snap) -> Vec<Seed> {
        let e = s.edge;
        let len = self.dir_len(2 * e);
        let mut v = Vec::with_capacity(2);
        for fwd in [true, false] {
            let d = super::turns::directed(e, fwd);
            if super::turns::drivable(&self.graph, d) {
                let rest = 1.0 - along(d, s.fraction);
                v.push(Seed {
                    node: d,
                    weight: ms(rest * self.dir_ms(d)),
                    dist_m: rest * len,
                });
            }
        }
        for node in self.nodes_at(s) {
            for &d in &self.leaving[node as usize] {
                if !v.iter().any(|x| x.node == d) {
                    v.push(Seed {
                        node: d,
                        weight: ms(self.dir_ms(d)),
                        dist_m: self.dir_len(d),
                    });
                }
            }
        }
        v
    }

    /// The end nodes of the snapped edge the point is at (within [`NODE_SNAP_M`]).
    fn nodes_at(&self, s: &Snap) -> Vec<u32> {
        let e = &self.graph.edges[s.edge as usize];
        let len = f64::from(e.dist_m);
        let mut v = Vec::new();
        if s.fraction * len <= NODE_SNAP_M {
            v.push(e.from);
        }
        if (1.0 - s.fraction) * len <= NODE_SNAP_M {
            v.push(e.to);
        }
        v
    }

    /// Seeds to reach a snapped point: the directed edges through it, their weight lowered by
    /// the part of the edge beyond the point, plus [`RoadRouter::target_offset_ms`]. A point
    /// at a node may also be reached by any edge into that node.
    pub fn target_seeds(&self, s: &Snap) -> Vec<Seed> {
        let e = s.edge;
        let len = self.dir_len(2 * e);
        let k = f64::from(self.target_offset_ms);
        let mut v = Vec::with_capacity(2);
        for fwd in [true, false] {
            let d = super::turns::directed(e, fwd);
            if super::turns::drivable(&self.graph, d) {
                let beyond = 1.0 - along(d, s.fraction);
                v.push(Seed {
                    node: d,
                    weight: ms(k - beyond * self.dir_ms(d)),
                    dist_m: -beyond * len,
                });
            }
        }
        for node in self.nodes_at(s) {
            for &d in &self.arriving[node as usize] {
                if !v.iter().any(|x| x.node == d) {
                    v.push(Seed {
                        node: d,
                        weight: self.target_offset_ms,
                        dist_m: 0.0,
                    });
                }
            }
        }
        v
    }

    /// Source seeds moved past the first turn: for two points on the same edge, so that a path
    /// cannot "reach" a point behind the start on the same directed edge without going round.
    pub fn source_seeds_after_turn(&self, s: &Snap) -> Vec<Seed> {
        let mut v: Vec<Seed> = Vec::new();
        for sd in self.source_seeds(s) {
            for t in self.turns_from(sd.node) {
                let w = sd
                    .weight
                    .saturating_add(t.cost_ms)
                    .saturating_add(ms(self.dir_ms(t.to)));
                let d = sd.dist_m + self.dir_len(t.to);
                match v.iter_mut().find(|x| x.node == t.to) {
                    Some(x) if (w, d) < (x.weight, x.dist_m) => {
                        x.weight = w;
                        x.dist_m = d;
                    }
                    Some(_) => {}
                    None => v.push(Seed {
                        node: t.to,
                        weight: w,
                        dist_m: d,
                    }),
                }
            }
        }
        v
    }

    /// Travel along a single edge when both points are on it: (ms, m, forward?).
    fn same_edge(&self, a: &Snap, b: &Snap) -> Option<(u32, f64, bool)> {
        if a.edge != b.edge {
            return None;
        }
        let e = &self.graph.edges[a.edge as usize];
        let len = f64::from(e.dist_m);
        let dt = b.fraction - a.fraction;
        let fwd =
            (e.forward() && dt >= 0.0).then(|| (ms(dt * f64::from(e.dur_fwd_ms)), dt * len, true));
        let bwd = (e.backward() && dt <= 0.0)
            .then(|| (ms(-dt * f64::from(e.dur_bwd_ms)), -dt * len, false));
        match (fwd, bwd) {
            (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
            (x, y) => x.or(y),
        }
    }

    /// Cost between two points on the same edge: along it, or leaving it and coming back.
    /// `(ms, m)`, `INF` when unreachable.
    fn same_edge_cost(&self, a: &Snap, b: &Snap) -> (u32, f64) {
        let mut best = (INF, f64::INFINITY);
        if let Some((w, d, _)) = self.same_edge(a, b) {
            best = (w, d);
            // Leaving the edge costs at least the cheapest source seed, and coming back onto
            // it at least the part of a target seed's edge before the point: if the direct
            // way is no dearer, no detour can beat it.
            let leave = self
                .source_seeds(a)
                .iter()
                .map(|s| s.weight)
                .min()
                .unwrap_or(0);
            let enter = self
                .target_seeds(b)
                .iter()
                .map(|s| {
                    (s.weight + super::turns::duration_ms(&self.graph, s.node))
                        .saturating_sub(self.target_offset_ms)
                })
                .min()
                .unwrap_or(0);
            if w <= leave.saturating_add(enter) {
                return best;
            }
        }
        if let Some(p) = self
            .ch
            .one_to_one(&self.source_seeds_after_turn(a), &self.target_seeds(b))
        {
            let w = p.weight_ms - self.target_offset_ms;
            if w < best.0 {
                best = (w, p.dist_m);
            }
        }
        best
    }

    fn snapped(p: Point<f64>, s: &Snap) -> Snapped {
        Snapped {
            input: p,
            location: s.location,
            distance_m: s.distance_m,
        }
    }

    /// The polyline of a path through directed edges `legs`, from the start position on the
    /// first (`begin`, along it) to the end position on the last (`end`).
    fn legs_geometry(&self, legs: &[u32], begin: f64, end: f64) -> Vec<Point<f64>> {
        let mut pts = Vec::new();
        for (k, &d) in legs.iter().enumerate() {
            let t0 = if k == 0 { begin } else { 0.0 };
            let t1 = if k + 1 == legs.len() { end } else { 1.0 };
            let (f0, f1) = if super::turns::is_forward(d) {
                (t0, t1)
            } else {
                (1.0 - t0, 1.0 - t1)
            };
            pts.extend(edge_slice(&self.graph, (d / 2) as usize, f0, f1));
        }
        pts
    }
}

impl RoadRouter {
    fn route_with_edges(&self, from: Point<f64>, to: Point<f64>) -> Result<(Route, Vec<u32>)> {
        let a = self.snap(from, "start")?;
        let b = self.snap(to, "end")?;
        let k = self.target_offset_ms;
        let g = &self.graph;
        let same = a.edge == b.edge;
        let direct = self.same_edge(&a, &b);
        let path = if same && direct.is_some_and(|x| x.0 == 0) {
            None
        } else if same {
            self.ch
                .one_to_one(&self.source_seeds_after_turn(&a), &self.target_seeds(&b))
        } else {
            self.ch
                .one_to_one(&self.source_seeds(&a), &self.target_seeds(&b))
        };
        let mut pts: Vec<Point<f64>>;
        let mut driven: Vec<u32> = vec![a.edge];
        let (w, d) = match (direct, &path) {
            (Some((w, d, _)), p) if p.as_ref().is_none_or(|p| w <= p.weight_ms - k) => {
                pts = edge_slice(g, a.edge as usize, a.fraction, b.fraction);
                (w, d)
            }
            (_, Some(p)) => {
                let mut legs: Vec<u32> = Vec::with_capacity(p.edges.len() + 2);
                if same {
                    // Seeds were moved past the first turn: put back the directed edge left.
                    let first = self
                        .source_seeds(&a)
                        .into_iter()
                        .map(|s| s.node)
                        .find(|&d| self.turns_from(d).iter().any(|t| t.to == p.start));
                    legs.extend(first);
                }
                legs.push(p.start);
                legs.extend(p.edges.iter().map(|&(d, _)| d));
                let begin = if legs[0] / 2 == a.edge {
                    along(legs[0], a.fraction)
                } else {
                    0.0
                };
                let last = *legs.last().expect("at least the start");
                let end = if last / 2 == b.edge && last == p.end {
                    along(last, b.fraction)
                } else {
                    1.0
                };
                pts = self.legs_geometry(&legs, begin, end);
                driven = legs.iter().map(|&d| d / 2).collect();
                driven.dedup();
                (p.weight_ms - k, p.dist_m)
            }
            _ => {
                return Err(Error::Invalid(format!(
                    "no road path from (lon {}, lat {}) to (lon {}, lat {})",
                    from.x(),
                    from.y(),
                    to.x(),
                    to.y()
                )));
            }
        };
        pts.dedup();
        if pts.len() == 1 {
            pts.push(pts[0]);
        }
        Ok((
            Route {
                distance_m: d,
                duration_s: f64::from(super::turns::travel_ms(w)) / 1000.0,
                geometry: LineString::from(pts),
                method: Method::Road,
                from: Self::snapped(from, &a),
                to: Self::snapped(to, &b),
            },
            driven,
        ))
    }
}

impl Router for RoadRouter {
    fn method(&self) -> Method {
        Method::Road
    }

    fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table> {
        let ss: Vec<Snap> = sources
            .iter()
            .enumerate()
            .map(|(i, &p)| self.snap_with(p, || format!("source {i}")))
            .collect::<Result<_>>()?;
        // A square table (the usual case) snaps each point once.
        let ds: Vec<Snap> = if destinations == sources {
            ss.clone()
        } else {
            destinations
                .iter()
                .enumerate()
                .map(|(i, &p)| self.snap_with(p, || format!("destination {i}")))
                .collect::<Result<_>>()?
        };
        let seeds_s: Vec<Vec<Seed>> = ss.iter().map(|s| self.source_seeds(s)).collect();
        let seeds_d: Vec<Vec<Seed>> = ds.iter().map(|s| self.target_seeds(s)).collect();
        let cells = self.ch.many_to_many(&seeds_s, &seeds_d);
        let cols = ds.len();
        let k = self.target_offset_ms;
        let mut distances_m = Vec::with_capacity(cells.len());
        let mut durations_s = Vec::with_capacity(cells.len());
        for (c, &(w, d)) in cells.iter().enumerate() {
            let (i, j) = (c / cols.max(1), c % cols.max(1));
            let (w, d) = if ss[i].edge == ds[j].edge {
                self.same_edge_cost(&ss[i], &ds[j])
            } else if w == INF {
                (INF, d)
            } else {
                (w - k, d)
            };
            if w == INF {
                distances_m.push(f64::INFINITY);
                durations_s.push(f64::INFINITY);
            } else {
                distances_m.push(d);
                durations_s.push(f64::from(super::turns::travel_ms(w)) / 1000.0);
            }
        }
        Ok(Table {
            matrix: DenseMatrix {
                rows: ss.len(),
                cols,
                distances_m,
                durations_s,
                method: Method::Road,
            },
            sources: sources
                .iter()
                .zip(&ss)
                .map(|(&p, s)| Self::snapped(p, s))
                .collect(),
            destinations: destinations
                .iter()
                .zip(&ds)
                .map(|(&p, s)| Self::snapped(p, s))
                .collect(),
        })
    }

    fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route> {
        self.route_with_edges(from, to).map(|(r, _)| r)
    }

    fn for_vehicle(&self, vehicle: &VehicleLimits) -> Option<Arc<dyn Router>> {
        RoadRouter::for_vehicle(self, vehicle).map(|r| r as Arc<dyn Router>)
    }

    fn limits_on_route(
        &self,
        from: Point<f64>,
        to: Point<f64>,
        vehicle: &VehicleLimits,
    ) -> Vec<BrokenLimit> {
        let Ok((_, edges)) = self.route_with_edges(from, to) else {
            return Vec::new();
        };
        let mut out: Vec<BrokenLimit> = Vec::new();
        for e in edges {
            for b in vehicle.broken(&self.graph.edges[e as usize]) {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        out
    }
}
