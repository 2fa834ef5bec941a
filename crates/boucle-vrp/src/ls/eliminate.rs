//! Route elimination: the route with the fewest customers emptied, each customer reinserted at
//! its cheapest place elsewhere; kept only if the total penalised cost falls.

use super::{DUMP, IMPROVE, Ls};

impl Ls<'_> {
    /// Route elimination: empties the route with the fewest customers, reinserting each at its
    /// cheapest place in the other routes (then re-placing unloadings); kept only if the total
    /// penalised cost decreases. Saves vehicles (fixed costs) that single moves cannot.
    pub(super) fn eliminate_smallest(&mut self) -> bool {
        let live: Vec<usize> = (0..self.routes.len())
            .filter(|&r| self.routes[r].ncust > 0)
            .collect();
        if live.len() < 2 {
            return false;
        }
        let r = *live
            .iter()
            .min_by_key(|&&r| (self.routes[r].ncust, r))
            .expect("non-empty");
        let saved: Vec<(usize, Vec<u32>)> = live
            .iter()
            .map(|&q| (q, self.routes[q].nodes.clone()))
            .collect();
        let before: f64 = live.iter().map(|&q| self.routes[q].cost).sum();
        let custs: Vec<u32> = self.routes[r]
            .nodes
            .iter()
            .copied()
            .filter(|&x| x != DUMP)
            .collect();
        self.routes[r].nodes.clear();
        self.update(r);
        let mut touched = Vec::new();
        for c in custs {
            let mut best: Option<(f64, usize, usize)> = None;
            for &q in &live {
                if q == r {
                    continue;
                }
                let route = &self.routes[q];
                let ty = route.ty;
                let sc = self.inst.seg(c, ty);
                for k in 0..=route.nodes.len() {
                    let s = self.cat(ty, &self.cat(ty, &route.fwd[k], sc), &route.bwd[k]);
                    let d = self.cost_of(ty, &s, route.ncust + 1) - route.cost;
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, q, k));
                    }
                }
                self.work += route.nodes.len() as u64 + 1;
            }
            let (_, q, k) = best.expect("another route");
            self.routes[q].nodes.insert(k, c);
            self.update(q);
            if !touched.contains(&q) {
                touched.push(q);
            }
        }
        for &q in &touched {
            if self.inst.types[self.routes[q].ty].max_trips > 1 {
                self.replace_dumps(q);
            }
        }
        let after: f64 = live.iter().map(|&q| self.routes[q].cost).sum();
        if after < before - IMPROVE {
            return true;
        }
        for (q, nodes) in saved {
            if self.routes[q].nodes != nodes {
                self.routes[q].nodes = nodes;
                self.update(q);
            }
        }
        false
    }
}
