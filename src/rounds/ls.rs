//! Local search on penalised costs with granular neighbourhoods (HGS-CVRP style): relocate of one
//! or two nodes (or-opt), swaps 1-1 / 2-1 / 2-2, 2-opt inside a route, 2-opt* between routes, a
//! move to an empty vehicle, and re-placement of the unloading visits of multi-trip rounds.

use rand::Rng;
use rand::seq::SliceRandom;

use super::instance::{DUMP, Inst, Pen, Seg};

const IMPROVE: f64 = 1e-7;

#[derive(Debug, Clone)]
struct Route {
    ty: usize,
    nodes: Vec<u32>,
    /// fwd[k]: start + nodes[..k] (k = 0..=len).
    fwd: Vec<Seg>,
    /// bwd[k]: nodes[k..] + end (k = 0..=len).
    bwd: Vec<Seg>,
    ncust: usize,
    cost: f64,
    /// Cost without penalties.
    base: f64,
    modified: u64,
}

/// Local-search state over one solution.
pub(crate) struct Ls<'a> {
    inst: &'a Inst,
    /// Current penalty weights.
    pub pen: Pen,
    routes: Vec<Route>,
    /// (route, position in `nodes`) of each customer.
    at: Vec<(u32, u32)>,
    order: Vec<u32>,
    neigh: Vec<Vec<u32>>,
    step: u64,
    tested: Vec<u64>,
    scratch: Vec<u32>,
    /// Work counter (move evaluations), the engine's deterministic clock.
    pub work: u64,
}

impl<'a> Ls<'a> {
    /// A new local search for `inst`.
    pub fn new(inst: &'a Inst, pen: Pen) -> Self {
        Ls {
            inst,
            pen,
            routes: Vec::new(),
            at: vec![(0, 0); inst.n],
            order: (0..inst.n as u32).collect(),
            neigh: inst.neigh.clone(),
            step: 0,
            tested: vec![0; inst.n],
            scratch: Vec::new(),
            work: 0,
        }
    }

    /// Loads a solution given as one node list per slot.
    pub fn load(&mut self, slots: &[Vec<u32>]) {
        self.routes.clear();
        for (i, nodes) in slots.iter().enumerate() {
            self.routes.push(Route {
                ty: self.inst.slots[i],
                nodes: nodes.clone(),
                fwd: Vec::new(),
                bwd: Vec::new(),
                ncust: 0,
                cost: 0.0,
                base: 0.0,
                modified: 0,
            });
        }
        self.step = 1;
        for r in 0..self.routes.len() {
            self.update(r);
        }
        self.tested.iter_mut().for_each(|t| *t = 0);
    }

    /// The current solution, one node list per slot.
    pub fn export(&self) -> Vec<Vec<u32>> {
        self.routes.iter().map(|r| r.nodes.clone()).collect()
    }

    fn update(&mut self, r: usize) {
        let inst = self.inst;
        let route = &mut self.routes[r];
        // Drop unloadings that serve nothing (leading, trailing, repeated).
        let mut cleaned = Vec::with_capacity(route.nodes.len());
        for &x in &route.nodes {
            if x == DUMP && (cleaned.is_empty() || cleaned.last() == Some(&DUMP)) {
                continue;
            }
            cleaned.push(x);
        }
        while cleaned.last() == Some(&DUMP) {
            cleaned.pop();
        }
        route.nodes = cleaned;
        let ty = route.ty;
        let td = &inst.types[ty];
        let len = route.nodes.len();
        route.fwd.clear();
        route.fwd.push(td.start_seg);
        for k in 0..len {
            let s = inst.cat(&route.fwd[k], inst.seg(route.nodes[k], ty), &td.cap);
            route.fwd.push(s);
        }
        route.bwd.clear();
        route.bwd.resize(len + 1, td.end_seg);
        for k in (0..len).rev() {
            route.bwd[k] = inst.cat(inst.seg(route.nodes[k], ty), &route.bwd[k + 1], &td.cap);
        }
        route.ncust = route.nodes.iter().filter(|&&x| x != DUMP).count();
        if route.ncust == 0 {
            route.cost = 0.0;
            route.base = 0.0;
        } else {
            let full = inst.cat(&route.fwd[len], &td.end_seg, &td.cap);
            route.base = inst.base_cost(ty, &full);
            route.cost = route.base + inst.viol(ty, &full).penalty(&self.pen);
        }
        route.modified = self.step;
        self.step += 1;
        for (k, &x) in route.nodes.iter().enumerate() {
            if x != DUMP {
                self.at[x as usize] = (r as u32, k as u32);
            }
        }
    }

    /// Changes the penalty weights (route costs are recomputed).
    pub fn set_pen(&mut self, pen: Pen) {
        self.pen = pen;
        for r in 0..self.routes.len() {
            self.update(r);
        }
    }

    #[inline]
    fn cost_of(&self, ty: usize, s: &Seg, ncust: usize) -> f64 {
        if ncust == 0 {
            0.0
        } else {
            self.inst.pcost(ty, s, &self.pen)
        }
    }

    /// Location at extended position `e` of route `r`: 0 is the start depot, 1..=len the nodes,
    /// len + 1 the final unloading.
    #[inline]
    fn ext_loc(&self, r: usize, e: usize) -> u32 {
        let route = &self.routes[r];
        let td = &self.inst.types[route.ty];
        if e == 0 {
            td.start_seg.last
        } else if e > route.nodes.len() {
            td.end_seg.first
        } else {
            self.inst.seg(route.nodes[e - 1], route.ty).first
        }
    }

    /// Travel cost of an arc for a vehicle type (distance and time terms).
    #[inline]
    fn arc(&self, ty: usize, a: u32, b: u32) -> f64 {
        let td = &self.inst.types[ty];
        self.inst.d(a, b) * td.c_m + self.inst.t(a, b) * td.c_s
    }

    /// Service cost of customer `u` in a vehicle of type `ty`.
    #[inline]
    fn svc(&self, ty: usize, u: u32) -> f64 {
        self.inst.cust_seg[u as usize].dur * self.inst.types[ty].c_s
    }

    #[inline]
    fn cat(&self, ty: usize, a: &Seg, b: &Seg) -> Seg {
        self.inst.cat(a, b, &self.inst.types[ty].cap)
    }

    fn eval_nodes(&mut self, ty: usize, nodes: &[u32]) -> f64 {
        // Work in units of about one segment concatenation pair.
        self.work += 1 + nodes.len() as u64 / 2;
        let s = self.inst.route_seg(ty, nodes);
        let nc = nodes.iter().filter(|&&x| x != DUMP).count();
        self.cost_of(ty, &s, nc)
    }

    /// Runs the local search to a local optimum (with unloading re-placement for multi-trip
    /// types).
    pub fn run<R: Rng>(&mut self, rng: &mut R) {
        self.order.shuffle(rng);
        for nb in &mut self.neigh {
            nb.shuffle(rng);
        }
        loop {
            self.descent();
            let mut changed = false;
            for r in 0..self.routes.len() {
                if self.routes[r].ncust > 0 && self.inst.types[self.routes[r].ty].max_trips > 1 {
                    changed |= self.replace_dumps(r);
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn descent(&mut self) {
        let mut loop_id = 0u32;
        let mut improved = true;
        // At least two passes: moves to empty vehicles are tried from the second pass on.
        while improved || loop_id < 2 {
            improved = false;
            for oi in 0..self.order.len() {
                let u = self.order[oi];
                let last = self.tested[u as usize];
                self.tested[u as usize] = self.step;
                for ni in 0..self.neigh[u as usize].len() {
                    let v = self.neigh[u as usize][ni];
                    let ru = self.at[u as usize].0 as usize;
                    let rv = self.at[v as usize].0 as usize;
                    if loop_id == 0 || self.routes[ru].modified.max(self.routes[rv].modified) > last
                    {
                        let done = if ru == rv {
                            self.intra(u, v)
                        } else {
                            self.inter(u, v)
                        };
                        if done {
                            improved = true;
                        }
                    }
                }
                if loop_id > 0 && self.move_to_empty(u) {
                    improved = true;
                }
            }
            loop_id += 1;
        }
    }

    /// Moves between two routes, evaluated by segment concatenation in O(1).
    fn inter(&mut self, u: u32, v: u32) -> bool {
        let inst = self.inst;
        let (ru, ku) = self.at[u as usize];
        let (rv, kv) = self.at[v as usize];
        let (ru, ku, rv, kv) = (ru as usize, ku as usize, rv as usize, kv as usize);
        let (tu, tv) = (self.routes[ru].ty, self.routes[rv].ty);
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        let old = a.cost + b.cost;
        let su = inst.seg(u, tu);
        let sv = inst.seg(v, tv);
        let x = a.nodes.get(ku + 1).copied().filter(|&x| x != DUMP);
        let y = b.nodes.get(kv + 1).copied().filter(|&y| y != DUMP);
        let mut best: Option<(f64, u8)> = None;
        let mut consider = |delta: f64, m: u8| {
            if delta < -IMPROVE && best.is_none_or(|b| delta < b.0) {
                best = Some((delta, m));
            }
        };
        let mut work = 0u64;
        // Arc-based lower bounds (HGS-style pruning): without time windows a route's cost is
        // additive over arcs and services, so a move whose arc delta does not beat the current
        // penalties cannot improve.
        let prune = !inst.timed;
        let pen_old = (a.cost - a.base) + (b.cost - b.base);
        let gate = |d: f64, empties: bool| !prune || empties || d < pen_old - IMPROVE;
        let (lu, lv) = (su.first, sv.first);
        let (pu, xu) = (self.ext_loc(ru, ku), self.ext_loc(ru, ku + 2));
        let (pv, yv) = (self.ext_loc(rv, kv), self.ext_loc(rv, kv + 2));
        let arc = |t: usize, p: u32, q: u32| self.arc(t, p, q);
        let rem_u = arc(tu, pu, xu) - arc(tu, pu, lu) - arc(tu, lu, xu) - self.svc(tu, u);
        // 1: relocate u after v.
        let d1 = rem_u + arc(tv, lv, lu) + arc(tv, lu, yv) - arc(tv, lv, yv) + self.svc(tv, u);
        let before_v = kv == 0 || b.nodes[kv - 1] == DUMP;
        let d2 = rem_u + arc(tv, pv, lu) + arc(tv, lu, lv) - arc(tv, pv, lv) + self.svc(tv, u);
        let g1 = gate(d1, a.ncust == 1);
        let g2 = before_v && gate(d2, a.ncust == 1);
        if g1 || g2 {
            let na = self.cat(tu, &a.fwd[ku], &a.bwd[ku + 1]);
            let ca = self.cost_of(tu, &na, a.ncust - 1);
            if g1 {
                let nb = self.cat(tv, &self.cat(tv, &b.fwd[kv + 1], su), &b.bwd[kv + 1]);
                work += 1;
                consider(ca + self.cost_of(tv, &nb, b.ncust + 1) - old, 1);
            }
            // 1b: relocate u before v (v after a depot or an unloading).
            if g2 {
                let nb = self.cat(tv, &self.cat(tv, &b.fwd[kv], su), &b.bwd[kv]);
                work += 1;
                consider(ca + self.cost_of(tv, &nb, b.ncust + 1) - old, 2);
            }
        }
        if let Some(x) = x {
            let sx = inst.seg(x, tu);
            let lx = sx.first;
            let xx = self.ext_loc(ru, ku + 3);
            let svc_ux_u = self.svc(tu, u) + self.svc(tu, x);
            let svc_ux_v = self.svc(tv, u) + self.svc(tv, x);
            let rem_ux =
                arc(tu, pu, xx) - arc(tu, pu, lu) - arc(tu, lu, lx) - arc(tu, lx, xx) - svc_ux_u;
            // 3: relocate (u, x) after v; 4: relocate (x, u) after v.
            let d3 = rem_ux + arc(tv, lv, lu) + arc(tv, lu, lx) + arc(tv, lx, yv) - arc(tv, lv, yv)
                + svc_ux_v;
            let d4 = rem_ux + arc(tv, lv, lx) + arc(tv, lx, lu) + arc(tv, lu, yv) - arc(tv, lv, yv)
                + svc_ux_v;
            let (g3, g4) = (gate(d3, a.ncust == 2), gate(d4, a.ncust == 2));
            if g3 || g4 {
                let na = self.cat(tu, &a.fwd[ku], &a.bwd[ku + 2]);
                let ca = self.cost_of(tu, &na, a.ncust - 2);
                let pre = b.fwd[kv + 1];
                if g3 {
                    let nb = self.cat(
                        tv,
                        &self.cat(tv, &self.cat(tv, &pre, su), sx),
                        &b.bwd[kv + 1],
                    );
                    consider(ca + self.cost_of(tv, &nb, b.ncust + 2) - old, 3);
                    work += 1;
                }
                if g4 {
                    let nb = self.cat(
                        tv,
                        &self.cat(tv, &self.cat(tv, &pre, sx), su),
                        &b.bwd[kv + 1],
                    );
                    consider(ca + self.cost_of(tv, &nb, b.ncust + 2) - old, 4);
                    work += 1;
                }
            }
            // 6: swap (u, x) with v.
            let d6 = arc(tu, pu, lv) + arc(tu, lv, xx)
                - arc(tu, pu, lu)
                - arc(tu, lu, lx)
                - arc(tu, lx, xx)
                + self.svc(tu, v)
                - svc_ux_u
                + arc(tv, pv, lu)
                + arc(tv, lu, lx)
                + arc(tv, lx, yv)
                - arc(tv, pv, lv)
                - arc(tv, lv, yv)
                + svc_ux_v
                - self.svc(tv, v);
            if gate(d6, false) {
                let na = self.cat(tu, &self.cat(tu, &a.fwd[ku], sv), &a.bwd[ku + 2]);
                let nb = self.cat(
                    tv,
                    &self.cat(tv, &self.cat(tv, &b.fwd[kv], su), sx),
                    &b.bwd[kv + 1],
                );
                consider(
                    self.cost_of(tu, &na, a.ncust - 1) + self.cost_of(tv, &nb, b.ncust + 1) - old,
                    6,
                );
                work += 1;
            }
            // 7: swap (u, x) with (v, y).
            if let Some(y) = y {
                let sy = inst.seg(y, tv);
                let ly = sy.first;
                let yy = self.ext_loc(rv, kv + 3);
                let d7 = arc(tu, pu, lv) + arc(tu, lv, ly) + arc(tu, ly, xx)
                    - arc(tu, pu, lu)
                    - arc(tu, lu, lx)
                    - arc(tu, lx, xx)
                    + self.svc(tu, v)
                    + self.svc(tu, y)
                    - svc_ux_u
                    + arc(tv, pv, lu)
                    + arc(tv, lu, lx)
                    + arc(tv, lx, yy)
                    - arc(tv, pv, lv)
                    - arc(tv, lv, ly)
                    - arc(tv, ly, yy)
                    + svc_ux_v
                    - self.svc(tv, v)
                    - self.svc(tv, y);
                if gate(d7, false) {
                    let na = self.cat(
                        tu,
                        &self.cat(tu, &self.cat(tu, &a.fwd[ku], sv), sy),
                        &a.bwd[ku + 2],
                    );
                    let nb = self.cat(
                        tv,
                        &self.cat(tv, &self.cat(tv, &b.fwd[kv], su), sx),
                        &b.bwd[kv + 2],
                    );
                    consider(
                        self.cost_of(tu, &na, a.ncust) + self.cost_of(tv, &nb, b.ncust) - old,
                        7,
                    );
                    work += 1;
                }
            }
        }
        // 5: swap u and v.
        let d5 = arc(tu, pu, lv) + arc(tu, lv, xu) - arc(tu, pu, lu) - arc(tu, lu, xu)
            + self.svc(tu, v)
            - self.svc(tu, u)
            + arc(tv, pv, lu)
            + arc(tv, lu, yv)
            - arc(tv, pv, lv)
            - arc(tv, lv, yv)
            + self.svc(tv, u)
            - self.svc(tv, v);
        if gate(d5, false) {
            let na = self.cat(tu, &self.cat(tu, &a.fwd[ku], sv), &a.bwd[ku + 1]);
            let nb = self.cat(tv, &self.cat(tv, &b.fwd[kv], su), &b.bwd[kv + 1]);
            consider(
                self.cost_of(tu, &na, a.ncust) + self.cost_of(tv, &nb, b.ncust) - old,
                5,
            );
            work += 1;
        }
        // 8: 2-opt* (tails after u and after v exchanged); 9: tails from u and from v.
        if inst.compat[tu][tv] {
            let cu_head = a.nodes[..=ku].iter().filter(|&&z| z != DUMP).count();
            let cv_head = b.nodes[..=kv].iter().filter(|&&z| z != DUMP).count();
            let na = self.cat(tu, &a.fwd[ku + 1], &b.bwd[kv + 1]);
            let nb = self.cat(tv, &b.fwd[kv + 1], &a.bwd[ku + 1]);
            consider(
                self.cost_of(tu, &na, cu_head + b.ncust - cv_head)
                    + self.cost_of(tv, &nb, cv_head + a.ncust - cu_head)
                    - old,
                8,
            );
            let na = self.cat(tu, &a.fwd[ku], &b.bwd[kv]);
            let nb = self.cat(tv, &b.fwd[kv], &a.bwd[ku]);
            consider(
                self.cost_of(tu, &na, cu_head - 1 + b.ncust - cv_head + 1)
                    + self.cost_of(tv, &nb, cv_head - 1 + a.ncust - cu_head + 1)
                    - old,
                9,
            );
            work += 2;
        }
        self.work += work;
        let Some((_, m)) = best else { return false };
        let an = &mut self.routes[ru].nodes;
        let mut na: Vec<u32>;
        let mut nb: Vec<u32>;
        match m {
            1 | 2 => {
                an.remove(ku);
                let pos = if m == 1 { kv + 1 } else { kv };
                self.routes[rv].nodes.insert(pos, u);
            }
            3 | 4 => {
                let x = x.expect("x");
                an.drain(ku..ku + 2);
                let pair = if m == 3 { [u, x] } else { [x, u] };
                let bn = &mut self.routes[rv].nodes;
                bn.splice(kv + 1..kv + 1, pair);
            }
            5 => {
                an[ku] = v;
                self.routes[rv].nodes[kv] = u;
            }
            6 => {
                let x = x.expect("x");
                an.splice(ku..ku + 2, [v]);
                self.routes[rv].nodes.splice(kv..kv + 1, [u, x]);
            }
            7 => {
                let (x, y) = (x.expect("x"), y.expect("y"));
                an[ku] = v;
                an[ku + 1] = y;
                let bn = &mut self.routes[rv].nodes;
                bn[kv] = u;
                bn[kv + 1] = x;
            }
            8 | 9 => {
                let (cu, cv) = if m == 8 { (ku + 1, kv + 1) } else { (ku, kv) };
                na = an[..cu].to_vec();
                let bn = &self.routes[rv].nodes;
                nb = bn[..cv].to_vec();
                na.extend_from_slice(&bn[cv..]);
                nb.extend_from_slice(&self.routes[ru].nodes[cu..]);
                self.routes[ru].nodes = na;
                self.routes[rv].nodes = nb;
            }
            _ => unreachable!(),
        }
        self.update(ru);
        self.update(rv);
        true
    }

    /// Moves inside one route, evaluated on a scratch copy in O(length).
    fn intra(&mut self, u: u32, v: u32) -> bool {
        let (r, ku) = self.at[u as usize];
        let (_, kv) = self.at[v as usize];
        let (r, ku, kv) = (r as usize, ku as usize, kv as usize);
        let ty = self.routes[r].ty;
        let old = self.routes[r].cost;
        let len = self.routes[r].nodes.len();
        let x = self.routes[r]
            .nodes
            .get(ku + 1)
            .copied()
            .filter(|&x| x != DUMP);
        // Arc-based pruning as in `inter` (no time windows: costs additive over arcs).
        let prune = !self.inst.timed;
        let pen_old = old - self.routes[r].base;
        let gate = |d: f64| !prune || d < pen_old - IMPROVE;
        let arc = |p: u32, q: u32| self.arc(ty, p, q);
        let lu = self.inst.seg(u, ty).first;
        let lv = self.inst.seg(v, ty).first;
        let (pu, xu) = (self.ext_loc(r, ku), self.ext_loc(r, ku + 2));
        let (pv, yv) = (self.ext_loc(r, kv), self.ext_loc(r, kv + 2));
        let g_reloc = kv + 1 != ku
            && gate(
                arc(pu, xu) - arc(pu, lu) - arc(lu, xu) + arc(lv, lu) + arc(lu, yv) - arc(lv, yv),
            );
        let (g_pair, g_pair_rev) = match x {
            Some(x) if kv != ku + 1 && kv + 1 != ku => {
                let lx = self.inst.seg(x, ty).first;
                let xx = self.ext_loc(r, ku + 3);
                let rem = arc(pu, xx) - arc(pu, lu) - arc(lu, lx) - arc(lx, xx) - arc(lv, yv);
                (
                    gate(rem + arc(lv, lu) + arc(lu, lx) + arc(lx, yv)),
                    gate(rem + arc(lv, lx) + arc(lx, lu) + arc(lu, yv)),
                )
            }
            _ => (false, false),
        };
        let adjacent = ku.abs_diff(kv) <= 1;
        let g_swap = adjacent
            || gate(
                arc(pu, lv) + arc(lv, xu) - arc(pu, lu) - arc(lu, xu) + arc(pv, lu) + arc(lu, yv)
                    - arc(pv, lv)
                    - arc(lv, yv),
            );
        let (i, j) = if ku < kv { (ku + 1, kv) } else { (kv + 1, ku) };
        let g_2opt = i < j
            && j < len
            && (!self.inst.symmetric || {
                let (a, b) = if ku < kv { (u, v) } else { (v, u) };
                let (ea, eb) = if ku < kv { (ku, kv) } else { (kv, ku) };
                let (la, lb) = (self.inst.seg(a, ty).first, self.inst.seg(b, ty).first);
                let (na, nb) = (self.ext_loc(r, ea + 2), self.ext_loc(r, eb + 2));
                gate(arc(la, lb) + arc(na, nb) - arc(la, na) - arc(lb, nb))
            });
        if !(g_reloc || g_pair || g_pair_rev || g_swap || g_2opt) {
            return false;
        }
        let nodes = self.routes[r].nodes.clone();
        let mut best: Option<(f64, Vec<u32>)> = None;
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut try_seq = |ls: &mut Self, seq: &Vec<u32>| {
            let c = ls.eval_nodes(ty, seq);
            if c - old < -IMPROVE && best.as_ref().is_none_or(|b| c < b.0) {
                best = Some((c, seq.clone()));
            }
        };
        // Relocate u after v.
        if g_reloc {
            scratch.clear();
            scratch.extend_from_slice(&nodes);
            let uu = scratch.remove(ku);
            let pv = if kv > ku { kv } else { kv + 1 };
            scratch.insert(pv, uu);
            try_seq(self, &scratch);
        }
        // Relocate (u, x) after v, and (x, u).
        if let Some(x) = x
            && kv != ku + 1
        {
            let pv = if kv > ku { kv - 1 } else { kv + 1 };
            if g_pair {
                scratch.clear();
                scratch.extend_from_slice(&nodes);
                scratch.drain(ku..ku + 2);
                scratch.splice(pv..pv, [u, x]);
                try_seq(self, &scratch);
            }
            if g_pair_rev {
                scratch.clear();
                scratch.extend_from_slice(&nodes);
                scratch.drain(ku..ku + 2);
                scratch.splice(pv..pv, [x, u]);
                try_seq(self, &scratch);
            }
        }
        // Swap u and v.
        if g_swap {
            scratch.clear();
            scratch.extend_from_slice(&nodes);
            scratch.swap(ku, kv);
            try_seq(self, &scratch);
        }
        // 2-opt: reverse the nodes between u's successor and v (or between v's successor and u).
        if g_2opt {
            scratch.clear();
            scratch.extend_from_slice(&nodes);
            scratch[i..=j].reverse();
            try_seq(self, &scratch);
        }
        self.scratch = scratch;
        let Some((_, seq)) = best else { return false };
        self.routes[r].nodes = seq;
        self.update(r);
        true
    }

    /// Moves `u` alone into an empty vehicle, one per type.
    fn move_to_empty(&mut self, u: u32) -> bool {
        let (ru, ku) = self.at[u as usize];
        let (ru, ku) = (ru as usize, ku as usize);
        let a = &self.routes[ru];
        if a.ncust == 1 {
            return false;
        }
        let tu = a.ty;
        let na = self.cat(tu, &a.fwd[ku], &a.bwd[ku + 1]);
        let base = self.cost_of(tu, &na, a.ncust - 1) - a.cost;
        let mut best: Option<(f64, usize)> = None;
        let mut seen = vec![false; self.inst.types.len()];
        for (r, route) in self.routes.iter().enumerate() {
            if route.ncust > 0 || seen[route.ty] {
                continue;
            }
            seen[route.ty] = true;
            let td = &self.inst.types[route.ty];
            let s = self.cat(
                route.ty,
                &self.cat(route.ty, &td.start_seg, self.inst.seg(u, route.ty)),
                &td.end_seg,
            );
            let delta = base + self.cost_of(route.ty, &s, 1);
            self.work += 1;
            if delta < -IMPROVE && best.is_none_or(|b| delta < b.0) {
                best = Some((delta, r));
            }
        }
        let Some((_, r)) = best else { return false };
        self.routes[ru].nodes.remove(ku);
        self.routes[r].nodes = vec![u];
        self.update(ru);
        self.update(r);
        true
    }

    /// Re-places the unloading visits of route `r` optimally for its order of customers (dynamic
    /// programming on travel cost with hard capacity); keeps the result if the penalised cost
    /// improves.
    fn replace_dumps(&mut self, r: usize) -> bool {
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
