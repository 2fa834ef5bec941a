//! Placement of the unloading visits of multi-trip rounds: for a route's order of customers, the
//! cheapest trips that each respect the capacity (dynamic programming on travel cost).

use super::{DUMP, IMPROVE, Inst, Ls};

impl Ls<'_> {
    /// Re-places the unloading visits of route `r` optimally for its order of customers (dynamic
    /// programming on travel cost with hard capacity); keeps the result if the penalised cost
    /// improves.
    pub(super) fn replace_dumps(&mut self, r: usize) -> bool {
        let route = &self.routes[r];
        let custs: Vec<u32> = route.nodes.iter().copied().filter(|&x| x != DUMP).collect();
        let Some(nodes) = place_dumps(self.inst, route.ty, &custs) else {
            return false;
        };
        if nodes == route.nodes {
            return false;
        }
        let c = self.eval_nodes(route.ty, &nodes);
        if c < self.routes[r].cost - IMPROVE {
            self.routes[r].nodes = nodes;
            self.update(r);
            true
        } else {
            false
        }
    }
}

/// Best places for the unloading visits in a sequence of customers of a route of type `ty`:
/// minimum travel cost such that every trip respects the capacity, with at most `max_trips` trips.
/// `None` when no such placement exists.
pub(crate) fn place_dumps(inst: &Inst, ty: usize, custs: &[u32]) -> Option<Vec<u32>> {
    let td = &inst.types[ty];
    let n = custs.len();
    if n == 0 {
        return Some(Vec::new());
    }
    let arc = |a: u32, b: u32| inst.d(a, b) * td.c_m + inst.t(a, b) * td.c_s;
    let loc = |c: u32| inst.cust_loc[c as usize];
    let (start, dump) = (td.start_seg.last, td.dump_seg.first);
    let unload = td.dump_seg.dur * td.c_s;
    // best[j][k]: cheapest cost of serving custs[..j] in k complete trips (ending at the dump).
    let max_k = (td.max_trips as usize).min(n);
    let inf = f64::INFINITY;
    let mut best = vec![vec![inf; max_k + 1]; n + 1];
    let mut from = vec![vec![0usize; max_k + 1]; n + 1];
    best[0][0] = 0.0;
    for i in 0..n {
        for k in 0..max_k {
            if best[i][k] == inf {
                continue;
            }
            let origin = if k == 0 { start } else { dump };
            let mut load = [0.0; 2];
            let mut c = best[i][k] + arc(origin, loc(custs[i]));
            for j in i..n {
                if j > i {
                    c += arc(loc(custs[j - 1]), loc(custs[j]));
                }
                let dem = &inst.demand[custs[j] as usize];
                load[0] += dem[0];
                load[1] += dem[1];
                if load[0] > td.cap[0] + 1e-9 || load[1] > td.cap[1] + 1e-9 {
                    break;
                }
                let total = c + arc(loc(custs[j]), dump) + unload;
                if total < best[j + 1][k + 1] {
                    best[j + 1][k + 1] = total;
                    from[j + 1][k + 1] = i;
                }
            }
        }
    }
    let (mut k, _) = (1..=max_k)
        .map(|k| (k, best[n][k]))
        .filter(|x| x.1 < inf)
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let mut cuts = Vec::new();
    let mut j = n;
    while k > 0 {
        let i = from[j][k];
        cuts.push(i);
        j = i;
        k -= 1;
    }
    cuts.reverse();
    let mut out = Vec::with_capacity(n + cuts.len());
    for (idx, &c) in custs.iter().enumerate() {
        if idx > 0 && cuts.contains(&idx) {
            out.push(DUMP);
        }
        out.push(c);
    }
    Some(out)
}
