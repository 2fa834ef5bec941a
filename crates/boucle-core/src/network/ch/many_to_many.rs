//! Many-to-many tables: buckets (Knopp et al. 2007) and RPHAST (Delling et al. 2011), both
//! built on the upward searches of the query module.

use std::cmp::Reverse;

use super::{Ch, INF, RPHAST_CORE, Seed};

/// Below this much work (sources × bucket entries, or sources × RPHAST selection size), tables
/// are computed on the calling thread: waking a thread pool costs more.
const PARALLEL_WORK: usize = 2_000_000;

impl Ch {
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
                    let cw = fw.saturating_add(w);
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
