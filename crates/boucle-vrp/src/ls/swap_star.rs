//! SWAP* (Vidal 2022): `u` and `v` of two related routes exchanged, each inserted at its best
//! place in the other route (not necessarily where the other was), with the three cheapest
//! insertion positions of every node kept per route pair. Used without time windows, where
//! costs are additive over arcs.

use super::{DUMP, IMPROVE, Ls};

impl Ls<'_> {
    /// One pass of SWAP* (Vidal 2022) over pairs of related single-trip routes (a customer of
    /// one has a granular neighbour in the other): exchange u and v, each inserted at its best
    /// place in the other route. Used without time windows, where costs are additive over arcs.
    pub(super) fn swap_star_pass(&mut self) -> bool {
        let nr = self.routes.len();
        let live: Vec<usize> = (0..nr)
            .filter(|&r| self.routes[r].ncust > 0 && !self.routes[r].nodes.contains(&DUMP))
            .collect();
        if live.len() < 2 {
            return false;
        }
        let mut idx = vec![usize::MAX; nr];
        for (i, &r) in live.iter().enumerate() {
            idx[r] = i;
        }
        let mut related = vec![false; live.len() * live.len()];
        for u in 0..self.inst.n {
            let ru = idx[self.at[u].0 as usize];
            if ru == usize::MAX {
                continue;
            }
            for &v in &self.neigh[u] {
                let rv = idx[self.at[v as usize].0 as usize];
                if rv != usize::MAX && rv != ru {
                    related[ru.min(rv) * live.len() + ru.max(rv)] = true;
                }
            }
        }
        let mut improved = false;
        for i in 0..live.len() {
            if self.out_of_time() {
                break;
            }
            for j in i + 1..live.len() {
                if related[i * live.len() + j] {
                    let (r1, r2) = (live[i], live[j]);
                    // Routes may have changed (or emptied) earlier in this pass.
                    let key = r1 * nr + r2;
                    let changed = self.routes[r1].modified.max(self.routes[r2].modified);
                    if self.routes[r1].ncust > 0
                        && self.routes[r2].ncust > 0
                        && self.swap_seen[key] <= changed
                    {
                        self.swap_seen[key] = self.step;
                        self.step += 1;
                        improved |= self.swap_star(r1, r2);
                    }
                }
            }
        }
        improved
    }

    /// Cheapest three insertion positions of each node of `from` into route `to`: (cost, p)
    /// where p inserts between extended positions p and p + 1 of `to`.
    fn top3(&self, from: usize, to: usize) -> Vec<[(f64, usize); 3]> {
        let tt = self.routes[to].ty;
        let len = self.routes[to].nodes.len();
        self.routes[from]
            .nodes
            .iter()
            .map(|&u| {
                let lu = self.inst.cust_loc[u as usize];
                let mut best = [(f64::INFINITY, usize::MAX); 3];
                for p in 0..=len {
                    let (a, b) = (self.ext_loc(to, p), self.ext_loc(to, p + 1));
                    let c = self.inst.detour(tt, a, lu, b);
                    if c < best[2].0 {
                        best[2] = (c, p);
                        if best[2].0 < best[1].0 {
                            best.swap(1, 2);
                            if best[1].0 < best[0].0 {
                                best.swap(0, 1);
                            }
                        }
                    }
                }
                best
            })
            .collect()
    }

    /// Best SWAP* between routes `r1` and `r2`, applied if it lowers their penalised cost.
    fn swap_star(&mut self, r1: usize, r2: usize) -> bool {
        let (t1, t2) = (self.routes[r1].ty, self.routes[r2].ty);
        let ins_u = self.top3(r1, r2);
        let ins_v = self.top3(r2, r1);
        let (a, b) = (&self.routes[r1], &self.routes[r2]);
        let cap1 = self.inst.types[t1].cap;
        let cap2 = self.inst.types[t2].cap;
        let (l1, l2) = (a.load, b.load);
        let cap_pen = |l: [f64; 2], cap: [f64; 2]| self.pen.excess(l, cap);
        let (p1, p2) = (cap_pen(l1, cap1), cap_pen(l2, cap2));
        let rem = |r: usize, k: usize, t: usize| {
            let route = &self.routes[r];
            let u = route.nodes[k];
            let lu = self.inst.cust_loc[u as usize];
            let (p, x) = (self.ext_loc(r, k), self.ext_loc(r, k + 2));
            self.inst.removal(t, p, lu, x) - self.svc(t, u)
        };
        let rem1: Vec<f64> = (0..a.nodes.len()).map(|k| rem(r1, k, t1)).collect();
        let rem2: Vec<f64> = (0..b.nodes.len()).map(|k| rem(r2, k, t2)).collect();
        let mut best: Option<(f64, usize, usize, usize, usize)> = None;
        for (i, &u) in a.nodes.iter().enumerate() {
            let du = self.inst.demand[u as usize];
            let lu = self.inst.cust_loc[u as usize];
            for (j, &v) in b.nodes.iter().enumerate() {
                let dv = self.inst.demand[v as usize];
                let lv = self.inst.cust_loc[v as usize];
                let n1 = [l1[0] - du[0] + dv[0], l1[1] - du[1] + dv[1]];
                let n2 = [l2[0] + du[0] - dv[0], l2[1] + du[1] - dv[1]];
                let dpen = cap_pen(n1, cap1) - p1 + cap_pen(n2, cap2) - p2;
                let base = rem1[i] + rem2[j] + dpen;
                if base >= 0.0 {
                    // Removal gains cannot be beaten by insertions, which cost at least the
                    // triangle slack (non-negative on metric matrices; a heuristic filter).
                    continue;
                }
                // u into r2 without v: in v's place, or at a top-3 position away from v.
                let (pv, yv) = (self.ext_loc(r2, j), self.ext_loc(r2, j + 2));
                let mut iu = (self.inst.detour(t2, pv, lu, yv), usize::MAX);
                for &(c, p) in &ins_u[i] {
                    if p != usize::MAX && p != j && p != j + 1 && c < iu.0 {
                        iu = (c, p);
                        break;
                    }
                }
                let (pu, xu) = (self.ext_loc(r1, i), self.ext_loc(r1, i + 2));
                let mut iv = (self.inst.detour(t1, pu, lv, xu), usize::MAX);
                for &(c, p) in &ins_v[j] {
                    if p != usize::MAX && p != i && p != i + 1 && c < iv.0 {
                        iv = (c, p);
                        break;
                    }
                }
                let delta = base + iu.0 + iv.0 + self.svc(t2, u) + self.svc(t1, v);
                if delta < -IMPROVE && best.is_none_or(|b| delta < b.0) {
                    best = Some((delta, i, j, iu.1, iv.1));
                }
            }
        }
        let Some((_, i, j, pu_ins, pv_ins)) = best else {
            return false;
        };
        let u = self.routes[r1].nodes[i];
        let v = self.routes[r2].nodes[j];
        // New r1: remove u, insert v (in u's place or between extended p and p + 1).
        let build = |nodes: &[u32], k: usize, w: u32, p: usize| -> Vec<u32> {
            let mut out = Vec::with_capacity(nodes.len());
            if p == usize::MAX {
                out.extend_from_slice(nodes);
                out[k] = w;
                return out;
            }
            for (q, &z) in nodes.iter().enumerate() {
                if q == p {
                    out.push(w);
                }
                if q != k {
                    out.push(z);
                }
            }
            if p == nodes.len() {
                out.push(w);
            }
            out
        };
        let n1 = build(&self.routes[r1].nodes, i, v, pv_ins);
        let n2 = build(&self.routes[r2].nodes, j, u, pu_ins);
        let c1 = self.eval_nodes(t1, &n1);
        let c2 = self.eval_nodes(t2, &n2);
        if c1 + c2 < self.routes[r1].cost + self.routes[r2].cost - IMPROVE {
            self.routes[r1].nodes = n1;
            self.routes[r2].nodes = n2;
            self.update(r1);
            self.update(r2);
            true
        } else {
            false
        }
    }
}
