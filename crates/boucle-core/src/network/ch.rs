//! Contraction hierarchies: preprocessing, one-to-one bidirectional queries, bucket
//! many-to-many (Knopp et al. 2007) and path unpacking.
//!
//! Weights are integer milliseconds (the travel duration); each arc also carries its length in
//! metres so that the distance of the fastest path comes with the query. Node order: lazy
//! priority queue on *level + arcs added / arcs removed + 2 × original arcs added / original
//! arcs removed* (an arc's original arcs: the input arcs a shortcut stands for, as in OSRM's and
//! RoutingKit's orderings), recomputed only for nodes whose neighbourhood changed, with a
//! bounded witness search that stops once every neighbour is decided (settled, or reached
//! within its weight through the contracted node), its limit shrinking as neighbours are
//! decided.
//! Searches may start from several nodes with initial costs, which is how snapped points in the
//! middle of an edge enter the graph. Where the remaining graph gets dense (a network without
//! road hierarchy, such as a grid), the contraction stops and leaves a core that searches cross
//! like Dijkstra ([`Ch::build_with_core`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;

/// Marks an arc's `via` as a shortcut; the low bits are then the middle node.
pub const SHORTCUT: u32 = 1 << 31;
/// An unreachable cost.
pub const INF: u32 = u32::MAX;
/// Below this much work (sources × bucket entries, or sources × RPHAST selection size), tables
/// are computed on the calling thread: waking a thread pool costs more.
const PARALLEL_WORK: usize = 2_000_000;

/// An arc of the input graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputArc {
    /// Tail node.
    pub from: u32,
    /// Head node.
    pub to: u32,
    /// Travel time, ms.
    pub weight: u32,
    /// Length, m.
    pub dist_m: f32,
    /// The road-graph edge this arc runs along (must be < 2^31).
    pub edge: u32,
}

/// An arc of the hierarchy: `target` is the other end; `via` is the original edge id or
/// [`SHORTCUT`] | middle node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChArc {
    /// The other end (higher rank).
    pub target: u32,
    /// Travel time, ms.
    pub weight: u32,
    /// Length, m.
    pub dist_m: f32,
    /// Original edge, or [`SHORTCUT`] | middle node.
    pub via: u32,
}

/// A contraction hierarchy.
#[derive(Debug, Default)]
pub struct Ch {
    /// Contraction order of each node (higher = more important).
    pub rank: Vec<u32>,
    /// CSR offsets into `fwd` (n + 1 entries).
    pub fwd_start: Vec<u32>,
    /// Upward arcs `u → target` stored at `u`.
    pub fwd: Vec<ChArc>,
    /// CSR offsets into `bwd` (n + 1 entries).
    pub bwd_start: Vec<u32>,
    /// Upward arcs `target → u` stored at `u` (for backward searches).
    pub bwd: Vec<ChArc>,
    /// Nodes of this rank and above form the core (see [`Ch::build_with_core`]); the number of
    /// nodes if there is none.
    core_rank: u32,
    pool: Mutex<Vec<Search>>,
}

impl Clone for Ch {
    fn clone(&self) -> Self {
        Ch {
            rank: self.rank.clone(),
            fwd_start: self.fwd_start.clone(),
            fwd: self.fwd.clone(),
            bwd_start: self.bwd_start.clone(),
            bwd: self.bwd.clone(),
            core_rank: self.core_rank,
            pool: Mutex::new(Vec::new()),
        }
    }
}

impl PartialEq for Ch {
    fn eq(&self, o: &Self) -> bool {
        self.rank == o.rank
            && self.fwd_start == o.fwd_start
            && self.fwd == o.fwd
            && self.bwd_start == o.bwd_start
            && self.bwd == o.bwd
    }
}

/// A search start or end: a node and the cost to reach it from the point (or from it to the
/// point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    /// Node.
    pub node: u32,
    /// Initial travel time, ms.
    pub weight: u32,
    /// Initial distance, m.
    pub dist_m: f64,
}

#[derive(Debug, Clone, Copy)]
struct DArc {
    node: u32,
    weight: u32,
    dist: f32,
    via: u32,
    /// The input arcs this arc stands for (1 unless a shortcut).
    hops: u32,
}

/// Insert `a`, or lower the weight of the arc to the same node; true if `a` is a new arc.
fn upsert(list: &mut Vec<DArc>, a: DArc) -> bool {
    if let Some(x) = list.iter_mut().find(|x| x.node == a.node) {
        if a.weight < x.weight {
            *x = a;
        }
        false
    } else {
        list.push(a);
        true
    }
}

fn ch_arc(a: &DArc) -> ChArc {
    ChArc {
        target: a.node,
        weight: a.weight,
        dist_m: a.dist,
        via: a.via,
    }
}

/// Reusable Dijkstra state.
#[derive(Debug, Default, Clone)]
struct Search {
    w: Vec<u32>,
    d: Vec<f64>,
    parent: Vec<(u32, u32)>,
    /// Settled and not stalled (reset with the labels).
    done: Vec<bool>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
    /// Per-node scratch for the bucket search (all `u32::MAX` between uses; empty until
    /// first needed).
    slot: Vec<u32>,
}

impl Search {
    fn new(n: usize) -> Self {
        Search {
            w: vec![INF; n],
            d: vec![0.0; n],
            parent: vec![(u32::MAX, u32::MAX); n],
            done: vec![false; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            slot: Vec::new(),
        }
    }
    fn reset(&mut self) {
        for &t in &self.touched {
            self.w[t as usize] = INF;
            self.done[t as usize] = false;
        }
        self.touched.clear();
        self.heap.clear();
    }
    fn relax(&mut self, v: u32, w: u32, d: f64, parent: (u32, u32)) -> bool {
        let vu = v as usize;
        let old = self.w[vu];
        if w < old || (w == old && d < self.d[vu]) {
            if old == INF {
                self.touched.push(v);
            }
            self.w[vu] = w;
            self.d[vu] = d;
            self.parent[vu] = parent;
            self.heap.push(Reverse((w, v)));
            true
        } else {
            false
        }
    }
}

/// Per-node witness-search state: tentative weight, and the round and threshold of a target.
#[derive(Debug, Clone, Copy)]
struct Slot {
    w: u32,
    round: u32,
    threshold: u32,
}

/// Witness-search state: tentative weights only (no distance, no parent), nodes beyond the
/// limit never enter the heap; targets are marked in the per-node slots, stamped with the round
/// number (no clearing between searches) together with the weight a witness must not exceed.
struct Witness {
    slot: Vec<Slot>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<u64>>,
    round: u32,
    /// The out-arcs of the node being contracted, `(weight, head)` by decreasing weight: the
    /// targets of every search by decreasing threshold.
    targets: Vec<(u32, u32)>,
    /// The weight of the arc from the search's source to the node being contracted.
    base: u32,
}

impl Witness {
    fn new(n: usize) -> Self {
        Witness {
            slot: vec![
                Slot {
                    w: INF,
                    round: 0,
                    threshold: 0
                };
                n
            ],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            round: 0,
            targets: Vec::new(),
            base: 0,
        }
    }

    /// Start a new round of target marks.
    fn next_round(&mut self) {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            for s in &mut self.slot {
                s.round = 0;
            }
            self.round = 1;
        }
    }

    /// Mark `x` as a target of this round: decided once its tentative weight is at most
    /// `threshold` (a witness) or once it is settled.
    fn mark_target(&mut self, x: u32, threshold: u32) {
        let s = &mut self.slot[x as usize];
        s.round = self.round;
        s.threshold = threshold;
    }

    /// The largest threshold of an undecided target, from `k` on (advanced past decided ones).
    fn undecided_limit(&self, k: &mut usize) -> u32 {
        while let Some(&(t, x)) = self.targets.get(*k) {
            if self.slot[x as usize].round == self.round {
                return self.base.saturating_add(t);
            }
            *k += 1;
        }
        0
    }

    /// Shortest distances from `u` avoiding `skip` (and contracted nodes, which no remaining
    /// adjacency list holds), up to `limit`; stops after `max_settled` nodes, or once the
    /// `pending` targets (marked with the current round, listed in `targets`) are decided:
    /// settled, or reached within their threshold. A target reached within its threshold keeps a
    /// tentative weight at most the threshold whatever the search does next, so stopping then
    /// gives the same answer as settling it. The limit shrinks to the largest threshold of the
    /// undecided targets: nodes beyond it cannot witness any of them, and no longer use up the
    /// settled budget (so a search finds every witness it found without the shrinking).
    fn run(
        &mut self,
        out: &[Vec<DArc>],
        u: u32,
        skip: u32,
        limit: u32,
        max_settled: usize,
        mut pending: usize,
    ) {
        let mut limit = limit;
        let mut k = 0;
        for &t in &self.touched {
            self.slot[t as usize].w = INF;
        }
        self.touched.clear();
        self.heap.clear();
        self.slot[u as usize].w = 0;
        self.touched.push(u);
        // `skip` at weight 0 is never improved, hence never entered.
        self.slot[skip as usize].w = 0;
        self.touched.push(skip);
        self.heap.push(Reverse(u64::from(u)));
        let round = self.round;
        let mut settled = 0;
        while let Some(Reverse(key)) = self.heap.pop() {
            let (w, v) = ((key >> 32) as u32, key as u32);
            let sv = &mut self.slot[v as usize];
            if w > sv.w {
                continue;
            }
            if settled >= max_settled || w > limit {
                break;
            }
            settled += 1;
            if sv.round == round {
                sv.round = 0;
                pending -= 1;
                if pending == 0 {
                    break;
                }
                limit = self.undecided_limit(&mut k);
            }
            for a in &out[v as usize] {
                let x = a.node;
                let nw = w.saturating_add(a.weight);
                let sx = &mut self.slot[x as usize];
                let old = sx.w;
                if nw < old && nw <= limit {
                    sx.w = nw;
                    let decided = sx.round == round && nw <= sx.threshold;
                    if decided {
                        sx.round = 0;
                    }
                    if old == INF {
                        self.touched.push(x);
                    }
                    if decided {
                        pending -= 1;
                        if pending == 0 {
                            return;
                        }
                        limit = self.undecided_limit(&mut k);
                    }
                    self.heap
                        .push(Reverse((u64::from(nw) << 32) | u64::from(x)));
                }
            }
        }
    }
    fn dist(&self, v: u32) -> u32 {
        self.slot[v as usize].w
    }
}

/// The shortcuts contracting `v` needs, given to `emit(tail, arc)`. The adjacency lists hold
/// only uncontracted nodes.
fn shortcuts_for(
    v: u32,
    out: &[Vec<DArc>],
    inn: &[Vec<DArc>],
    wit: &mut Witness,
    max_settled: usize,
    mut emit: impl FnMut(u32, DArc),
) {
    let vu = v as usize;
    wit.targets.clear();
    wit.targets
        .extend(out[vu].iter().map(|a| (a.weight, a.node)));
    wit.targets.sort_unstable_by(|a, b| b.cmp(a));
    for a_in in &inn[vu] {
        let u = a_in.node;
        wit.next_round();
        wit.base = a_in.weight;
        let mut limit = 0u32;
        let mut pending = 0;
        for a_out in &out[vu] {
            if a_out.node != u {
                let via_v = a_in.weight.saturating_add(a_out.weight);
                limit = limit.max(via_v);
                wit.mark_target(a_out.node, via_v);
                pending += 1;
            }
        }
        if pending == 0 {
            continue;
        }
        wit.run(out, u, v, limit, max_settled, pending);
        for a_out in &out[vu] {
            let x = a_out.node;
            if x == u {
                continue;
            }
            let via_v = a_in.weight.saturating_add(a_out.weight);
            if wit.dist(x) > via_v {
                emit(
                    u,
                    DArc {
                        node: x,
                        weight: via_v,
                        dist: a_in.dist + a_out.dist,
                        via: SHORTCUT | v,
                        hops: a_in.hops.saturating_add(a_out.hops),
                    },
                );
            }
        }
    }
}

/// The contraction stops, and the remaining nodes form the core, once they hold more than this
/// many arcs per node. Real road networks never get there (at most 7 arcs per remaining node on
/// the edge-based graphs of the shared extracts, down to the last node); graphs without a road
/// hierarchy do (the synthetic grids pass 32 with about a seventh of their nodes left), where
/// the top of a full hierarchy would be a near-clique whose contraction costs time cubic in its
/// degree.
pub const CORE_ARCS_PER_NODE: usize = 32;

/// Above this many core nodes, tables use RPHAST rather than buckets (a small core adds little
/// to each bucket search; a large one adds its whole size to every target's buckets).
pub const RPHAST_CORE: usize = 1000;

impl Ch {
    /// Build the hierarchy of a graph of `n` nodes, leaving a core where it gets dense
    /// ([`CORE_ARCS_PER_NODE`]).
    pub fn build(n: usize, arcs: &[InputArc]) -> Ch {
        Ch::build_with_core(n, arcs, CORE_ARCS_PER_NODE)
    }

    /// Build the hierarchy, stopping the contraction once the uncontracted nodes hold more than
    /// `core_arcs_per_node` arcs per node (`usize::MAX`: contract every node).
    ///
    /// The uncontracted nodes form the *core* (Geisberger's core-based CH): they rank above
    /// every contracted node, in arbitrary order among themselves, and every arc between two
    /// of them is stored both ways (in the forward list of its tail and the backward list of
    /// its head), so that an upward search that reaches the core explores it like Dijkstra.
    /// The contraction keeps distances between the remaining nodes, so a shortest path still
    /// climbs to the core, crosses it and goes down, and every query below works unchanged:
    /// forward and backward searches meet in the core with exact labels there.
    pub fn build_with_core(n: usize, arcs: &[InputArc], core_arcs_per_node: usize) -> Ch {
        let mut out: Vec<Vec<DArc>> = vec![Vec::new(); n];
        let mut inn: Vec<Vec<DArc>> = vec![Vec::new(); n];
        // Arcs between uncontracted nodes.
        let mut live_arcs = 0usize;
        for a in arcs {
            if a.from == a.to {
                continue;
            }
            let w = a.weight.max(1);
            let fw = DArc {
                node: a.to,
                weight: w,
                dist: a.dist_m,
                via: a.edge,
                hops: 1,
            };
            let bw = DArc { node: a.from, ..fw };
            live_arcs += usize::from(upsert(&mut out[a.from as usize], fw));
            upsert(&mut inn[a.to as usize], bw);
        }
        let mut contracted = vec![false; n];
        let mut stale = vec![false; n];
        let mut level = vec![0i32; n];
        let mut wit = Witness::new(n);
        // Witness searches settle at most this many nodes when estimating a priority, and when
        // contracting (a search cut short only adds a superfluous shortcut). Measured on the
        // edge-based graphs of the shared extracts: these small limits cost few extra arcs and
        // no query speed, and halve the build time.
        const SIM_SETTLED: usize = 10;
        const REAL_SETTLED: usize = 100;
        let priority = |v: u32,
                        out: &[Vec<DArc>],
                        inn: &[Vec<DArc>],
                        level: &[i32],
                        wit: &mut Witness|
         -> i32 {
            // Level (depth in the hierarchy so far), the ratio of arcs added to arcs removed
            // and, weighing twice, the same ratio counted in original arcs: keeps the
            // hierarchy shallow and sparse (as RoutingKit does). The original-arc term steers
            // away from long shortcuts over long shortcuts; measured on Liechtenstein's
            // edge-based graph: 10 % fewer arcs, the same query search spaces, 40 % less build
            // time than without it.
            let (mut count, mut hops) = (0i64, 0i64);
            shortcuts_for(v, out, inn, wit, SIM_SETTLED, |_, a| {
                count += 1;
                hops += i64::from(a.hops);
            });
            let (o, i) = (&out[v as usize], &inn[v as usize]);
            let degree = (o.len() + i.len()).max(1) as i64;
            let removed: i64 = o.iter().chain(i).map(|a| i64::from(a.hops)).sum();
            let ratios = 1000 * count / degree + 2000 * hops / removed.max(1);
            1000 * level[v as usize] + ratios.min(i64::from(i32::MAX / 2)) as i32
        };
        let mut current = vec![0i32; n];
        let mut heap: BinaryHeap<Reverse<(i32, u32)>> = BinaryHeap::with_capacity(n);
        {
            // The first priorities are independent of one another: computed in parallel.
            use rayon::prelude::*;
            let first: Vec<i32> = (0..n as u32)
                .into_par_iter()
                .with_min_len(1024)
                .map_init(
                    || Witness::new(n),
                    |w, v| priority(v, &out, &inn, &level, w),
                )
                .collect();
            for (v, p) in first.into_iter().enumerate() {
                current[v] = p;
                heap.push(Reverse((p, v as u32)));
            }
        }
        let mut rank = vec![0u32; n];
        let mut fwd_lists: Vec<Vec<ChArc>> = vec![Vec::new(); n];
        let mut bwd_lists: Vec<Vec<ChArc>> = vec![Vec::new(); n];
        let mut order = 0u32;
        let mut new_arcs: Vec<(u32, DArc)> = Vec::new();
        while let Some(Reverse((p, v))) = heap.pop() {
            let vu = v as usize;
            if contracted[vu] || p != current[vu] {
                continue;
            }
            let remaining = n - order as usize;
            if live_arcs > core_arcs_per_node.saturating_mul(remaining) {
                break;
            }
            // A priority is recomputed only when a neighbour was contracted since it was last
            // computed (the ratio may have changed and the level has risen); otherwise it
            // stands (up to the witness searches' settled limit). A stale node whose new level
            // alone puts it behind the top of the queue goes back with that lower bound, without
            // a witness search (measured: 3–7 % smaller query search spaces, fewer arcs).
            if stale[vu] {
                let bound = 1000 * level[vu];
                if let Some(Reverse((top, _))) = heap.peek()
                    && bound > *top
                {
                    current[vu] = bound;
                    heap.push(Reverse((bound, v)));
                    continue;
                }
                stale[vu] = false;
                let p2 = priority(v, &out, &inn, &level, &mut wit);
                if let Some(Reverse((top, _))) = heap.peek()
                    && p2 > *top
                {
                    current[vu] = p2;
                    heap.push(Reverse((p2, v)));
                    continue;
                }
            }
            new_arcs.clear();
            shortcuts_for(v, &out, &inn, &mut wit, REAL_SETTLED, |u, a| {
                new_arcs.push((u, a))
            });
            contracted[vu] = true;
            rank[vu] = order;
            order += 1;
            let outs = std::mem::take(&mut out[vu]);
            let ins = std::mem::take(&mut inn[vu]);
            live_arcs -= outs.len() + ins.len();
            for a in &outs {
                fwd_lists[vu].push(ch_arc(a));
                inn[a.node as usize].retain(|b| b.node != v);
            }
            for a in &ins {
                bwd_lists[vu].push(ch_arc(a));
                out[a.node as usize].retain(|b| b.node != v);
            }
            for &(u, a) in &new_arcs {
                live_arcs += usize::from(upsert(&mut out[u as usize], a));
                upsert(&mut inn[a.node as usize], DArc { node: u, ..a });
            }
            let mut neighbours: Vec<u32> = outs.iter().chain(&ins).map(|a| a.node).collect();
            neighbours.sort_unstable();
            neighbours.dedup();
            // Lazy updates: a neighbour's level rises, its priority is recomputed when it
            // reaches the top of the queue (recomputing every neighbour at once cost twice as
            // many witness searches for the same hierarchy quality).
            for &x in &neighbours {
                level[x as usize] = level[x as usize].max(level[vu] + 1);
                stale[x as usize] = true;
            }
        }
        // The core, if the contraction stopped early: ranked above the rest, each arc stored at
        // both ends.
        for v in 0..n {
            if !contracted[v] {
                rank[v] = order;
                order += 1;
                fwd_lists[v] = out[v].iter().map(ch_arc).collect();
                bwd_lists[v] = inn[v].iter().map(ch_arc).collect();
            }
        }
        let (fwd_start, fwd) = csr(fwd_lists);
        let (bwd_start, bwd) = csr(bwd_lists);
        Ch::from_parts(rank, fwd_start, fwd, bwd_start, bwd)
    }

    /// Assemble a hierarchy from its stored parts (see the graph file).
    pub fn from_parts(
        rank: Vec<u32>,
        fwd_start: Vec<u32>,
        fwd: Vec<ChArc>,
        bwd_start: Vec<u32>,
        bwd: Vec<ChArc>,
    ) -> Ch {
        // The core starts at the lowest node with an arc to a lower node (none outside a core).
        let mut core_rank = rank.len() as u32;
        for (start, arcs) in [(&fwd_start, &fwd), (&bwd_start, &bwd)] {
            for (v, w) in start.windows(2).enumerate() {
                let r = rank[v];
                if r < core_rank
                    && arcs[w[0] as usize..w[1] as usize]
                        .iter()
                        .any(|a| rank[a.target as usize] < r)
                {
                    core_rank = r;
                }
            }
        }
        Ch {
            rank,
            fwd_start,
            fwd,
            bwd_start,
            bwd,
            core_rank,
            pool: Mutex::new(Vec::new()),
        }
    }

    /// Nodes in the core (0 when every node was contracted).
    pub fn core_size(&self) -> usize {
        self.rank.len() - self.core_rank as usize
    }

    /// Number of nodes.
    pub fn num_nodes(&self) -> usize {
        self.rank.len()
    }

    fn fwd_arcs(&self, v: u32) -> &[ChArc] {
        &self.fwd[self.fwd_start[v as usize] as usize..self.fwd_start[v as usize + 1] as usize]
    }

    fn bwd_arcs(&self, v: u32) -> &[ChArc] {
        &self.bwd[self.bwd_start[v as usize] as usize..self.bwd_start[v as usize + 1] as usize]
    }

    fn take_search(&self) -> Search {
        self.pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| Search::new(self.num_nodes()))
    }

    fn give_search(&self, mut s: Search) {
        s.reset();
        if let Ok(mut p) = self.pool.lock() {
            p.push(s);
        }
    }

    /// Settle the whole upward search space from `seeds` (forward if `forward`, else backward),
    /// calling `visit(node, weight, dist)` on each settled node.
    fn upward(
        &self,
        s: &mut Search,
        seeds: &[Seed],
        forward: bool,
        mut visit: impl FnMut(u32, u32, f64),
    ) {
        Self::start(s, seeds);
        while let Some(v) = self.step(s, forward) {
            visit(v, s.w[v as usize], s.d[v as usize]);
        }
    }

    /// Reset `s` and enter the seeds.
    fn start(s: &mut Search, seeds: &[Seed]) {
        s.reset();
        for sd in seeds {
            s.relax(sd.node, sd.weight, sd.dist_m, (u32::MAX, u32::MAX));
        }
    }

    /// Settle the next node of an upward search that is not stalled, relax its arcs, mark it
    /// `done` and return it; `None` once the heap is empty.
    fn step(&self, s: &mut Search, forward: bool) -> Option<u32> {
        while let Some(Reverse((w, v))) = s.heap.pop() {
            if w > s.w[v as usize] {
                continue;
            }
            let arcs = if forward {
                self.fwd_arcs(v)
            } else {
                self.bwd_arcs(v)
            };
            // Stall on demand: a node reached more cheaply from above is not on a shortest path.
            // Not in the core, where the search follows every arc (it would never stall).
            let stall = if self.rank[v as usize] >= self.core_rank {
                &[]
            } else if forward {
                self.bwd_arcs(v)
            } else {
                self.fwd_arcs(v)
            };
            if stall.iter().any(|a| {
                let wt = s.w[a.target as usize];
                wt != INF && wt.saturating_add(a.weight) < w
            }) {
                continue;
            }
            let d = s.d[v as usize];
            s.done[v as usize] = true;
            let base = if forward {
                self.fwd_start[v as usize]
            } else {
                self.bwd_start[v as usize]
            };
            for (k, a) in arcs.iter().enumerate() {
                s.relax(
                    a.target,
                    w.saturating_add(a.weight),
                    d + f64::from(a.dist_m),
                    (v, base + k as u32),
                );
            }
            return Some(v);
        }
        None
    }

    /// Fastest path between seed sets: (weight ms, distance m, list of hierarchy arcs as
    /// `(from, to, via)` in travel order, unpacked to original edges), or `None` if unreachable.
    pub fn one_to_one(&self, sources: &[Seed], targets: &[Seed]) -> Option<PathResult> {
        let mut fs = self.take_search();
        let mut bs = self.take_search();
        // Both searches in turn, the one with the smaller key first. Nodes settled (not
        // stalled) by both are the meeting points; a search stops once its smallest key
        // exceeds the best meeting (ties go on, for the shorter distance). Through a core this
        // spares crossing all of it from both ends.
        Self::start(&mut fs, sources);
        Self::start(&mut bs, targets);
        let mut best: Option<(u32, f64, u32)> = None;
        loop {
            let key = |s: &Search| {
                s.heap
                    .peek()
                    .map(|r| r.0.0)
                    .filter(|&k| best.is_none_or(|b| k <= b.0))
            };
            let forward = match (key(&fs), key(&bs)) {
                (None, None) => break,
                (Some(f), Some(b)) => f <= b,
                (f, _) => f.is_some(),
            };
            let (s, other) = if forward {
                (&mut fs, &bs)
            } else {
                (&mut bs, &fs)
            };
            let Some(v) = self.step(s, forward) else {
                continue;
            };
            let vu = v as usize;
            if other.done[vu] {
                let total = s.w[vu].saturating_add(other.w[vu]);
                let dist = s.d[vu] + other.d[vu];
                if best.is_none_or(|(bw, bd, _)| total < bw || (total == bw && dist < bd)) {
                    best = Some((total, dist, v));
                }
            }
        }
        let result = best.map(|(w, d, meet)| {
            let mut arcs: Vec<(u32, u32, u32)> = Vec::new();
            let mut v = meet;
            while fs.parent[v as usize].0 != u32::MAX {
                let (p, k) = fs.parent[v as usize];
                arcs.push((p, v, self.fwd[k as usize].via));
                v = p;
            }
            arcs.reverse();
            let start = v;
            let mut v = meet;
            while bs.parent[v as usize].0 != u32::MAX {
                let (p, k) = bs.parent[v as usize];
                // Backward arc stored at p: original direction v → p.
                arcs.push((v, p, self.bwd[k as usize].via));
                v = p;
            }
            let end = v;
            let mut edges = Vec::new();
            for (a, b, via) in arcs {
                self.unpack(a, b, via, &mut edges);
            }
            PathResult {
                weight_ms: w,
                dist_m: d,
                start,
                end,
                edges,
            }
        });
        self.give_search(fs);
        self.give_search(bs);
        result
    }

    /// Expand an arc `a → b` into original edges `(edge, tail node)` in travel order.
    pub fn unpack(&self, a: u32, b: u32, via: u32, out: &mut Vec<(u32, u32)>) {
        if via & SHORTCUT == 0 {
            out.push((via, a));
            return;
        }
        let m = via & !SHORTCUT;
        // a → m is stored in bwd[m] (target a); m → b in fwd[m] (target b).
        let first = self
            .bwd_arcs(m)
            .iter()
            .find(|x| x.target == a)
            .map(|x| x.via);
        let second = self
            .fwd_arcs(m)
            .iter()
            .find(|x| x.target == b)
            .map(|x| x.via);
        if let (Some(f), Some(s)) = (first, second) {
            self.unpack(a, m, f, out);
            self.unpack(m, b, s, out);
        }
    }

    /// Many-to-many table: `(weight ms, distance m)` row-major, `INF` where unreachable. Uses
    /// buckets (measured faster than RPHAST on the edge-based graphs of every real extract,
    /// whatever the selection size: `cargo bench --bench network -- matrix`), or RPHAST when
    /// the hierarchy has a core of more than [`RPHAST_CORE`] nodes: every search then crosses
    /// the core, and buckets would hold each target's whole core (100 × 100 on the synthetic
    /// grids: 0.14 s against 0.45 s on grid100, 2.5 s against 8 s on grid300).
    pub fn many_to_many(&self, sources: &[Vec<Seed>], targets: &[Vec<Seed>]) -> Vec<(u32, f64)> {
        if self.core_size() > RPHAST_CORE {
            self.many_to_many_rphast(sources, targets)
        } else {
            self.many_to_many_buckets(sources, targets)
        }
    }

    /// Many-to-many table by the bucket algorithm (Knopp et al. 2007): one backward upward
    /// search per target fills buckets, one forward upward search per source scans them.
    pub fn many_to_many_buckets(
        &self,
        sources: &[Vec<Seed>],
        targets: &[Vec<Seed>],
    ) -> Vec<(u32, f64)> {
        let nt = targets.len();
        let mut buckets: Vec<(u32, u32, u32, f64)> = Vec::new(); // node, target, w, d
        let mut ws = self.take_search();
        for (j, t) in targets.iter().enumerate() {
            self.upward(&mut ws, t, false, |v, w, d| {
                buckets.push((v, j as u32, w, d))
            });
        }
        ws.reset();
        buckets.sort_unstable_by_key(|b| b.0);
        // Each bucket node's range of entries, found by one array read (`slot`, reset below).
        if ws.slot.len() != self.num_nodes() {
            ws.slot = vec![u32::MAX; self.num_nodes()];
        }
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut lo = 0;
        while lo < buckets.len() {
            let v = buckets[lo].0;
            let mut hi = lo + 1;
            while hi < buckets.len() && buckets[hi].0 == v {
                hi += 1;
            }
            ws.slot[v as usize] = ranges.len() as u32;
            ranges.push((lo as u32, hi as u32));
            lo = hi;
        }
        let slot = &ws.slot;
        use rayon::prelude::*;
        let row_for = |(src, row): (&Vec<Seed>, &mut [(u32, f64)])| {
            let mut s = self.take_search();
            self.upward(&mut s, src, true, |v, w, d| {
                let k = slot[v as usize];
                if k == u32::MAX {
                    return;
                }
                let (lo, hi) = ranges[k as usize];
                for &(_, j, bw, bd) in &buckets[lo as usize..hi as usize] {
                    let total = w.saturating_add(bw);
                    let dist = d + bd;
                    let cell = &mut row[j as usize];
                    if total < cell.0 || (total == cell.0 && dist < cell.1) {
                        *cell = (total, dist);
                    }
                }
            });
            self.give_search(s);
        };
        let mut table = vec![(INF, f64::INFINITY); sources.len() * nt];
        if nt > 0 {
            // Threads pay off only on big tables.
            if sources.len() * buckets.len() < PARALLEL_WORK {
                sources.iter().zip(table.chunks_mut(nt)).for_each(row_for);
            } else {
                sources
                    .par_iter()
                    .zip(table.par_chunks_mut(nt))
                    .for_each(row_for);
            }
        }
        for b in &buckets {
            ws.slot[b.0 as usize] = u32::MAX;
        }
        self.give_search(ws);
        table
    }
}

impl Ch {
    /// Many-to-many table by RPHAST (Delling et al. 2011): select the nodes the targets reach
    /// upwards, then for each source an upward search followed by one linear downward sweep over
    /// the selection in decreasing rank. Faster than buckets when search spaces overlap heavily
    /// (small or dense graphs, many targets). Same output as [`Ch::many_to_many`].
    pub fn many_to_many_rphast(
        &self,
        sources: &[Vec<Seed>],
        targets: &[Vec<Seed>],
    ) -> Vec<(u32, f64)> {
        self.rphast_with_limit(sources, targets, usize::MAX)
            .expect("no limit")
    }

    /// RPHAST, or `None` when the selection exceeds `limit` nodes.
    fn rphast_with_limit(
        &self,
        sources: &[Vec<Seed>],
        targets: &[Vec<Seed>],
        limit: usize,
    ) -> Option<Vec<(u32, f64)>> {
        let n = self.num_nodes();
        // Selection: every node reachable upwards (backward arcs) from a target seed.
        let mut local = vec![u32::MAX; n];
        let mut sel: Vec<u32> = Vec::new();
        let mut stack: Vec<u32> = targets.iter().flatten().map(|s| s.node).collect();
        while let Some(v) = stack.pop() {
            if local[v as usize] != u32::MAX {
                continue;
            }
            local[v as usize] = 0;
            sel.push(v);
            if sel.len() > limit {
                return None;
            }
            for a in self.bwd_arcs(v) {
                if local[a.target as usize] == u32::MAX {
                    stack.push(a.target);
                }
            }
        }
        sel.sort_unstable_by_key(|&v| Reverse(self.rank[v as usize]));
        for (k, &v) in sel.iter().enumerate() {
            local[v as usize] = k as u32;
        }
        // Downward arcs into each selected node, from higher nodes (local if selected).
        const GLOBAL: u32 = 1 << 31;
        let mut arc_start = Vec::with_capacity(sel.len() + 1);
        let mut arcs: Vec<(u32, u32, f32)> = Vec::new();
        arc_start.push(0u32);
        for &v in &sel {
            for a in self.bwd_arcs(v) {
                // In a core, arcs also come from lower core nodes, swept later: skipped, as a
                // core node's upward-search label is already exact (see `build_with_core`).
                if self.rank[a.target as usize] < self.rank[v as usize] {
                    continue;
                }
                let l = local[a.target as usize];
                let from = if l == u32::MAX { GLOBAL | a.target } else { l };
                arcs.push((from, a.weight, a.dist_m));
            }
            arc_start.push(arcs.len() as u32);
        }
        let target_seeds: Vec<Vec<(u32, u32, f64)>> = targets
            .iter()
            .map(|t| {
                t.iter()
                    .map(|s| (local[s.node as usize], s.weight, s.dist_m))
                    .collect()
            })
            .collect();
        drop(local);
        use rayon::prelude::*;
        let init = || (vec![INF; sel.len()], vec![0.0f64; sel.len()]);
        let row_for = |(lw, ld): &mut (Vec<u32>, Vec<f64>), src: &Vec<Seed>| -> Vec<(u32, f64)> {
            let mut s = self.take_search();
            self.upward(&mut s, src, true, |_, _, _| {});
            for (k, &v) in sel.iter().enumerate() {
                let (mut bw, mut bd) = (s.w[v as usize], s.d[v as usize]);
                for &(from, w, d) in &arcs[arc_start[k] as usize..arc_start[k + 1] as usize] {
                    let (fw, fd) = if from & GLOBAL != 0 {
                        let g = (from & !GLOBAL) as usize;
                        (s.w[g], s.d[g])
                    } else {
                        (lw[from as usize], ld[from as usize])
                    };
                    if fw == INF {
                        continue;
                    }
                    let cw = fw + w;
                    let cd = fd + f64::from(d);
                    if cw < bw || (cw == bw && cd < bd) {
                        bw = cw;
                        bd = cd;
                    }
                }
                lw[k] = bw;
                ld[k] = if bw == INF { 0.0 } else { bd };
            }
            self.give_search(s);
            target_seeds
                .iter()
                .map(|t| {
                    let mut best = (INF, f64::INFINITY);
                    for &(l, w, d) in t {
                        let lwv = lw[l as usize];
                        if lwv == INF {
                            continue;
                        }
                        let c = (lwv.saturating_add(w), ld[l as usize] + d);
                        if c.0 < best.0 || (c.0 == best.0 && c.1 < best.1) {
                            best = c;
                        }
                    }
                    best
                })
                .collect()
        };
        let rows: Vec<Vec<(u32, f64)>> = if sources.len() * (sel.len() + arcs.len()) < PARALLEL_WORK
        {
            let mut state = init();
            sources.iter().map(|src| row_for(&mut state, src)).collect()
        } else {
            sources.par_iter().map_init(init, row_for).collect()
        };
        Some(rows.into_iter().flatten().collect())
    }
}

/// A path found by [`Ch::one_to_one`].
#[derive(Debug, Clone, PartialEq)]
pub struct PathResult {
    /// Travel time, ms (seed costs included).
    pub weight_ms: u32,
    /// Length, m (seed distances included).
    pub dist_m: f64,
    /// The source seed node the path starts from.
    pub start: u32,
    /// The target seed node the path ends at.
    pub end: u32,
    /// Original edges in travel order, each with the node it is entered from.
    pub edges: Vec<(u32, u32)>,
}

fn csr(lists: Vec<Vec<ChArc>>) -> (Vec<u32>, Vec<ChArc>) {
    let mut start = Vec::with_capacity(lists.len() + 1);
    let mut all = Vec::new();
    start.push(0);
    for l in lists {
        all.extend(l);
        start.push(all.len() as u32);
    }
    (start, all)
}

/// Plain Dijkstra on the input arcs from seeds to every node: `(weight ms, distance m)` — the
/// reference the hierarchy is checked against.
pub fn dijkstra(n: usize, arcs: &[InputArc], sources: &[Seed]) -> Vec<(u32, f64)> {
    let mut adj: Vec<Vec<&InputArc>> = vec![Vec::new(); n];
    for a in arcs {
        adj[a.from as usize].push(a);
    }
    let mut s = Search::new(n);
    for sd in sources {
        s.relax(sd.node, sd.weight, sd.dist_m, (0, 0));
    }
    while let Some(Reverse((w, v))) = s.heap.pop() {
        if w > s.w[v as usize] {
            continue;
        }
        let d = s.d[v as usize];
        for a in &adj[v as usize] {
            s.relax(
                a.to,
                w.saturating_add(a.weight.max(1)),
                d + f64::from(a.dist_m),
                (0, 0),
            );
        }
    }
    (0..n)
        .map(|v| {
            if s.w[v] == INF {
                (INF, f64::INFINITY)
            } else {
                (s.w[v], s.d[v])
            }
        })
        .collect()
}
