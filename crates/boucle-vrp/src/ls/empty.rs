//! Moves into an empty vehicle: `u` alone, or the tail of `u`'s route from `u` (2-opt* with an
//! empty route), one empty vehicle per type.

use super::{DUMP, IMPROVE, Ls};

impl Ls<'_> {
    /// One empty route per vehicle type (`usize::MAX` when the type has none), for
    /// [`Self::move_to_empty`]. Only that move fills an empty route during a descent, so the list
    /// stays valid until it succeeds.
    pub(super) fn find_empties(&mut self) {
        self.empties.clear();
        self.empties.resize(self.inst.types.len(), usize::MAX);
        for (r, route) in self.routes.iter().enumerate() {
            if route.ncust == 0 && self.empties[route.ty] == usize::MAX {
                self.empties[route.ty] = r;
            }
        }
    }

    /// Moves `u` alone into an empty vehicle, one per type, or cuts `u`'s route before `u`,
    /// the tail from `u` going to an empty vehicle (2-opt* with an empty route).
    pub(super) fn move_to_empty(&mut self, u: u32) -> bool {
        let (ru, ku) = self.at[u as usize];
        let (ru, ku) = (ru as usize, ku as usize);
        let a = &self.routes[ru];
        if a.ncust == 1 {
            return false;
        }
        let tu = a.ty;
        let na = self.cat(tu, &a.fwd[ku], &a.bwd[ku + 1]);
        let base = self.cost_of(tu, &na, a.ncust - 1) - a.cost;
        let head_n = a.nodes[..ku].iter().filter(|&&z| z != DUMP).count();
        let head_cost = (head_n > 0).then(|| {
            let na = self.cat(tu, &a.fwd[ku], &self.inst.types[tu].end_seg);
            self.cost_of(tu, &na, head_n) - a.cost
        });
        // (delta, empty route, whether the whole tail moves)
        let mut best: Option<(f64, usize, bool)> = None;
        for &r in &self.empties {
            if r == usize::MAX {
                continue;
            }
            let ty = self.routes[r].ty;
            let td = &self.inst.types[ty];
            let s = self.cat(
                ty,
                &self.cat(ty, &td.start_seg, self.inst.seg(u, ty)),
                &td.end_seg,
            );
            let delta = base + self.cost_of(ty, &s, 1);
            self.work += 1;
            if delta < -IMPROVE && best.is_none_or(|b| delta < b.0) {
                best = Some((delta, r, false));
            }
            if let Some(hc) = head_cost
                && self.inst.compat[ty][tu]
            {
                let s = self.cat(ty, &td.start_seg, &a.bwd[ku]);
                let delta = hc + self.cost_of(ty, &s, a.ncust - head_n);
                self.work += 1;
                if delta < -IMPROVE && best.is_none_or(|b| delta < b.0) {
                    best = Some((delta, r, true));
                }
            }
        }
        let Some((_delta, r, tail)) = best else {
            return false;
        };
        #[cfg(debug_assertions)]
        let before = self.routes[ru].cost + self.routes[r].cost;
        if tail {
            self.routes[r].nodes = self.routes[ru].nodes.split_off(ku);
        } else {
            self.routes[ru].nodes.remove(ku);
            self.routes[r].nodes = vec![u];
        }
        self.update(ru);
        self.update(r);
        #[cfg(debug_assertions)]
        {
            let after = self.routes[ru].cost + self.routes[r].cost;
            // Priced exactly, or as an upper bound when the head ends with an unloading (then
            // dropped): never a rise.
            debug_assert!(
                after <= before + _delta + 1e-6 * (1.0 + before.abs()),
                "move to an empty vehicle priced {_delta}, changed the cost from {before} to {after}"
            );
        }
        self.find_empties();
        true
    }
}
