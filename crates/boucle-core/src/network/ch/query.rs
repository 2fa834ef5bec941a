//! Queries on the hierarchy: upward searches (with stall on demand), the bidirectional
//! one-to-one query and the unpacking of shortcuts into original edges.

use std::cmp::Reverse;

use super::{Ch, INF, PathResult, SHORTCUT, Search, Seed};

impl Ch {
    /// Settle the whole upward search space from `seeds` (forward if `forward`, else backward),
    /// calling `visit(node, weight, dist)` on each settled node.
    pub(super) fn upward(
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
    pub(super) fn start(s: &mut Search, seeds: &[Seed]) {
        s.reset();
        for sd in seeds {
            s.relax(sd.node, sd.weight, sd.dist_m, (u32::MAX, u32::MAX));
        }
    }

    /// Settle the next node of an upward search that is not stalled, relax its arcs, mark it
    /// `done` and return it; `None` once the heap is empty.
    pub(super) fn step(&self, s: &mut Search, forward: bool) -> Option<u32> {
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
}
