//! Contraction hierarchies: preprocessing, one-to-one bidirectional queries, bucket
//! (Knopp et al. 2007) and RPHAST many-to-many, and path unpacking.
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
//!
//! Layout:
//! - this module: the types ([`Ch`], [`ChArc`], [`InputArc`], [`Seed`], [`PathResult`]), the
//!   constants, the reusable search state and the reference [`dijkstra`];
//! - `contraction`: node ordering and contraction, leaving the core ([`Ch::build_with_core`]);
//! - `witness`: the witness searches that decide which shortcuts a contraction needs;
//! - `query`: upward searches, one-to-one queries ([`Ch::one_to_one`]) and path unpacking;
//! - `many_to_many`: bucket and RPHAST tables ([`Ch::many_to_many`]).
//!
//! The submodules add methods to [`Ch`] and take the types from this module, which uses none
//! of them; among siblings, `contraction` uses `witness` and `many_to_many` uses the upward
//! searches of `query`.

mod contraction;
mod many_to_many;
mod query;
mod witness;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;

/// Marks an arc's `via` as a shortcut; the low bits are then the middle node.
pub const SHORTCUT: u32 = 1 << 31;
/// An unreachable cost.
pub const INF: u32 = u32::MAX;

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

/// An arc of the graph under contraction, stored at its tail (out-lists) or head (in-lists):
/// `node` is the other end.
#[derive(Debug, Clone, Copy)]
struct DArc {
    node: u32,
    weight: u32,
    dist: f32,
    via: u32,
    /// The input arcs this arc stands for (1 unless a shortcut).
    hops: u32,
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

impl Ch {
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

    /// The arcs stored at `v` for forward searches.
    fn fwd_arcs(&self, v: u32) -> &[ChArc] {
        &self.fwd[self.fwd_start[v as usize] as usize..self.fwd_start[v as usize + 1] as usize]
    }

    /// The arcs stored at `v` for backward searches.
    fn bwd_arcs(&self, v: u32) -> &[ChArc] {
        &self.bwd[self.bwd_start[v as usize] as usize..self.bwd_start[v as usize + 1] as usize]
    }

    /// A search state from the pool, or a new one.
    fn take_search(&self) -> Search {
        self.pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| Search::new(self.num_nodes()))
    }

    /// Reset `s` and return it to the pool.
    fn give_search(&self, mut s: Search) {
        s.reset();
        if let Ok(mut p) = self.pool.lock() {
            p.push(s);
        }
    }
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
