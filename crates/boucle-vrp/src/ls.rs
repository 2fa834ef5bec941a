//! Local search on penalised costs with granular neighbourhoods (HGS-CVRP style): relocate of one
//! or two nodes (or-opt), swaps 1-1 / 2-1 / 2-2, 2-opt inside a route, 2-opt* between routes
//! (tails exchanged, and on symmetric round trips also the reversing variant, HGS-CVRP's move 8),
//! a move of one node or of a route's tail to an empty vehicle, SWAP*, route elimination, and
//! re-placement of the unloading visits of multi-trip rounds.

use rand::Rng;
use rand::seq::SliceRandom;

use super::instance::{DUMP, Inst, Pen, Seg};

const IMPROVE: f64 = 1e-7;
/// Work units of one move priced by segment concatenation, relative to one priced from arc
/// deltas and loads (about the ratio of their running times), so that the work clock runs at a
/// similar rate on plain and on timed or multi-trip instances.
const SEG_WEIGHT: u64 = 3;

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
    /// Total load per dimension (all trips together).
    load: [f64; 2],
    /// Whether the route has an intermediate unloading.
    has_dump: bool,
    /// Penalised cost minus the arc-additive part (arcs, services, unloadings, fixed cost):
    /// penalties plus waiting. A move whose arc delta is not below the slack of the routes it
    /// touches cannot improve them, with or without time windows.
    slack: f64,
    /// `sub[i * sub_len + j]`: segment of nodes `i..=j` (i <= j) when the route is short enough
    /// (`sub_len` = its length), else empty with `sub_len` 0.
    sub: Vec<Seg>,
    sub_len: usize,
    modified: u64,
}

/// Two routes after an inter-route move on plain routes: base-cost delta, loads and customer
/// counts of each.
#[derive(Debug, Clone, Copy)]
struct Parts {
    da: f64,
    la: [f64; 2],
    na: usize,
    db: f64,
    lb: [f64; 2],
    nb: usize,
}

/// Part of a candidate route order in an intra-route move.
#[derive(Debug, Clone, Copy)]
enum Piece {
    None,
    /// One node.
    One(u32),
    /// The route's nodes `i..=j` in order (empty when `i > j`).
    Run(usize, usize),
    /// The route's nodes `i..=j` reversed.
    Rev(usize, usize),
}

/// Longest route whose sub-sequence segments are cached (memory and update time grow with the
/// square of the length).
const SUB_MAX: usize = 48;

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
    /// See [`Self::find_empties`].
    empties: Vec<usize>,
    /// `swap_seen[r1 * routes + r2]`: step at which SWAP* last tested routes r1 < r2.
    swap_seen: Vec<u64>,
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
            empties: Vec::new(),
            swap_seen: Vec::new(),
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
                load: [0.0; 2],
                has_dump: false,
                slack: 0.0,
                sub: Vec::new(),
                sub_len: 0,
                modified: 0,
            });
        }
        // `step` keeps growing across loads, so stamps of earlier loads are all older than the
        // routes just loaded.
        self.step += 1;
        let nr = self.routes.len();
        if self.swap_seen.len() != nr * nr {
            self.swap_seen = vec![0; nr * nr];
        }
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
        route.sub_len = 0;
        route.ncust = 0;
        route.load = [0.0; 2];
        route.has_dump = false;
        for &x in &route.nodes {
            if x == DUMP {
                route.has_dump = true;
            } else {
                route.ncust += 1;
                let d = &inst.demand[x as usize];
                route.load[0] += d[0];
                route.load[1] += d[1];
            }
        }
        if route.ncust == 0 {
            route.cost = 0.0;
            route.base = 0.0;
            route.slack = 0.0;
        } else {
            let full = inst.cat(&route.fwd[len], &td.end_seg, &td.cap);
            route.base = inst.base_cost(ty, &full);
            route.cost = route.base + inst.viol(ty, &full).penalty(&self.pen);
            let mut additive = td.fixed + td.end_seg.dist * td.c_m + td.end_seg.dur * td.c_s;
            let mut prev = td.start_seg.last;
            for &x in &route.nodes {
                let sx = inst.seg(x, ty);
                additive += inst.arc(ty, prev, sx.first) + sx.dur * td.c_s;
                prev = sx.first;
            }
            additive += inst.arc(ty, prev, td.end_seg.first);
            route.slack = (route.cost - additive).max(0.0);
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
        self.inst.arc(ty, a, b)
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
        let mut first = true;
        loop {
            self.descent(first);
            first = false;
            let mut changed = false;
            if !self.inst.timed && self.swap_star_pass() {
                changed = true;
            }
            for r in 0..self.routes.len() {
                if self.routes[r].ncust > 0 && self.inst.types[self.routes[r].ty].max_trips > 1 {
                    changed |= self.replace_dumps(r);
                }
            }
            if !changed && self.eliminate_smallest() {
                changed = true;
            }
            if !changed {
                break;
            }
        }
    }

    /// Granular descent. The first call tests every pair; later calls (after SWAP* or unloading
    /// changes) only re-test pairs whose routes changed since their last test.
    fn descent(&mut self, first: bool) {
        let mut loop_id = if first { 0u32 } else { 1 };
        let mut passes = 0;
        let mut improved = true;
        // At least two passes: moves to empty vehicles are tried from the second pass on.
        while improved || passes < 2 {
            passes += 1;
            improved = false;
            self.find_empties();
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

    /// Whether moves between routes `r1` and `r2` (possibly equal) can be priced from arc
    /// deltas and loads (see [`super::instance::TypeData::plain`]).
    #[inline]
    fn plain_pair(&self, r1: usize, r2: usize) -> bool {
        let (a, b) = (&self.routes[r1], &self.routes[r2]);
        !self.inst.timed
            && !a.has_dump
            && !b.has_dump
            && self.inst.types[a.ty].plain
            && self.inst.types[b.ty].plain
    }

    /// Best improving move between the routes of `u` and `v`, applied if any.
    fn inter(&mut self, u: u32, v: u32) -> bool {
        let (ru, rv) = (
            self.at[u as usize].0 as usize,
            self.at[v as usize].0 as usize,
        );
        let m = if self.plain_pair(ru, rv) {
            self.eval_inter_plain(u, v)
        } else {
            self.eval_inter_segs(u, v)
        };
        match m {
            Some(m) => {
                #[cfg(debug_assertions)]
                let before = self.routes[ru].cost + self.routes[rv].cost;
                self.apply_inter(u, v, m);
                #[cfg(debug_assertions)]
                {
                    let after = self.routes[ru].cost + self.routes[rv].cost;
                    debug_assert!(
                        after < before + 1e-6 * (1.0 + before.abs()),
                        "move {m} priced as improving raised the cost from {before} to {after}"
                    );
                }
                true
            }
            None => false,
        }
    }

    /// Penalised cost of a plain route with base cost `base`, load `load` and `ncust` customers.
    #[inline]
    fn plain_cost(&self, ty: usize, base: f64, load: [f64; 2], ncust: usize) -> f64 {
        if ncust == 0 {
            return 0.0;
        }
        let cap = &self.inst.types[ty].cap;
        base + self.pen.cap[0] * (load[0] - cap[0]).max(0.0)
            + self.pen.cap[1] * (load[1] - cap[1]).max(0.0)
    }

    /// Moves between two plain routes (no time windows, limits or unloadings) priced in O(1) from
    /// arc deltas and loads, as in HGS-CVRP. Same move numbering as [`Self::eval_inter_segs`].
    fn eval_inter_plain(&mut self, u: u32, v: u32) -> Option<u8> {
        let inst = self.inst;
        let (ru, ku) = self.at[u as usize];
        let (rv, kv) = self.at[v as usize];
        let (ru, ku, rv, kv) = (ru as usize, ku as usize, rv as usize, kv as usize);
        let a = &self.routes[ru];
        let b = &self.routes[rv];
        let (tu, tv) = (a.ty, b.ty);
        let old = a.cost + b.cost;
        let (na, nb) = (a.ncust, b.ncust);
        let (la, lb) = (a.load, b.load);
        let dem = |c: u32| inst.demand[c as usize];
        let (du, dv) = (dem(u), dem(v));
        let lu = inst.cust_loc[u as usize];
        let lv = inst.cust_loc[v as usize];
        let (pu, xu) = (self.ext_loc(ru, ku), self.ext_loc(ru, ku + 2));
        let (pv, yv) = (self.ext_loc(rv, kv), self.ext_loc(rv, kv + 2));
        let arc = |t: usize, p: u32, q: u32| inst.arc(t, p, q);
        let svc = |t: usize, c: u32| self.svc(t, c);
        let add = |l: [f64; 2], x: [f64; 2], y: [f64; 2]| [l[0] + x[0] - y[0], l[1] + x[1] - y[1]];
        const Z: [f64; 2] = [0.0; 2];
        let mut best: Option<(f64, u8)> = None;
        let mut work = 0u64;
        // New cost of both routes from their base-cost deltas, loads and customer counts.
        let mut consider = |ls: &Self,
                            m: u8,
                            da: f64,
                            la2: [f64; 2],
                            na2: usize,
                            db: f64,
                            lb2: [f64; 2],
                            nb2: usize| {
            work += 1;
            let c = ls.plain_cost(tu, a.base + da, la2, na2)
                + ls.plain_cost(tv, b.base + db, lb2, nb2)
                - old;
            if c < -IMPROVE && best.is_none_or(|bb| c < bb.0) {
                best = Some((c, m));
            }
        };
        let rem_u = arc(tu, pu, xu) - arc(tu, pu, lu) - arc(tu, lu, xu) - svc(tu, u);
        // 1: relocate u after v; 2: before v (first of its route).
        let la_u = add(la, Z, du);
        let lb_u = add(lb, du, Z);
        consider(
            self,
            1,
            rem_u,
            la_u,
            na - 1,
            arc(tv, lv, lu) + arc(tv, lu, yv) - arc(tv, lv, yv) + svc(tv, u),
            lb_u,
            nb + 1,
        );
        if kv == 0 {
            consider(
                self,
                2,
                rem_u,
                la_u,
                na - 1,
                arc(tv, pv, lu) + arc(tv, lu, lv) - arc(tv, pv, lv) + svc(tv, u),
                lb_u,
                nb + 1,
            );
        }
        let x = a.nodes.get(ku + 1).copied();
        let y = b.nodes.get(kv + 1).copied();
        if let Some(x) = x {
            let lx = inst.cust_loc[x as usize];
            let dx = dem(x);
            let xx = self.ext_loc(ru, ku + 3);
            let dux = [du[0] + dx[0], du[1] + dx[1]];
            let rem_ux = arc(tu, pu, xx)
                - arc(tu, pu, lu)
                - arc(tu, lu, lx)
                - arc(tu, lx, xx)
                - svc(tu, u)
                - svc(tu, x);
            let ins = svc(tv, u) + svc(tv, x) - arc(tv, lv, yv);
            let (la_ux, lb_ux) = (add(la, Z, dux), add(lb, dux, Z));
            // 3: (u, x) after v; 4: (x, u) after v.
            consider(
                self,
                3,
                rem_ux,
                la_ux,
                na - 2,
                ins + arc(tv, lv, lu) + arc(tv, lu, lx) + arc(tv, lx, yv),
                lb_ux,
                nb + 2,
            );
            consider(
                self,
                4,
                rem_ux,
                la_ux,
                na - 2,
                ins + arc(tv, lv, lx) + arc(tv, lx, lu) + arc(tv, lu, yv),
                lb_ux,
                nb + 2,
            );
            // 6: swap (u, x) with v.
            let da = arc(tu, pu, lv) + arc(tu, lv, xx)
                - arc(tu, pu, lu)
                - arc(tu, lu, lx)
                - arc(tu, lx, xx)
                + svc(tu, v)
                - svc(tu, u)
                - svc(tu, x);
            let db = arc(tv, pv, lu) + arc(tv, lu, lx) + arc(tv, lx, yv)
                - arc(tv, pv, lv)
                - arc(tv, lv, yv)
                + svc(tv, u)
                + svc(tv, x)
                - svc(tv, v);
            consider(
                self,
                6,
                da,
                add(la, dv, dux),
                na - 1,
                db,
                add(lb, dux, dv),
                nb + 1,
            );
            // 7: swap (u, x) with (v, y).
            if let Some(y) = y {
                let ly = inst.cust_loc[y as usize];
                let dy = dem(y);
                let yy = self.ext_loc(rv, kv + 3);
                let dvy = [dv[0] + dy[0], dv[1] + dy[1]];
                let da = arc(tu, pu, lv) + arc(tu, lv, ly) + arc(tu, ly, xx)
                    - arc(tu, pu, lu)
                    - arc(tu, lu, lx)
                    - arc(tu, lx, xx)
                    + svc(tu, v)
                    + svc(tu, y)
                    - svc(tu, u)
                    - svc(tu, x);
                let db = arc(tv, pv, lu) + arc(tv, lu, lx) + arc(tv, lx, yy)
                    - arc(tv, pv, lv)
                    - arc(tv, lv, ly)
                    - arc(tv, ly, yy)
                    + svc(tv, u)
                    + svc(tv, x)
                    - svc(tv, v)
                    - svc(tv, y);
                consider(
                    self,
                    7,
                    da,
                    add(la, dvy, dux),
                    na,
                    db,
                    add(lb, dux, dvy),
                    nb,
                );
            }
        }
        // 5: swap u and v.
        let da = arc(tu, pu, lv) + arc(tu, lv, xu) - arc(tu, pu, lu) - arc(tu, lu, xu) + svc(tu, v)
            - svc(tu, u);
        let db = arc(tv, pv, lu) + arc(tv, lu, yv) - arc(tv, pv, lv) - arc(tv, lv, yv) + svc(tv, u)
            - svc(tv, v);
        consider(self, 5, da, add(la, dv, du), na, db, add(lb, du, dv), nb);
        // 8: 2-opt* (tails after u and after v exchanged); 9: tails from u and from v.
        if inst.compat[tu][tv] {
            for (m, cu, cv) in [(8u8, ku + 1, kv + 1), (9, ku, kv)] {
                let (fa, fb) = (&a.fwd[cu], &b.fwd[cv]);
                let (ba, bb) = (&a.bwd[cu], &b.bwd[cv]);
                let ext = |t: usize, f: &Seg, bk: &Seg| {
                    let td = &inst.types[t];
                    (f.dist + bk.dist + inst.d(f.last, bk.first)) * td.c_m
                        + (f.dur + bk.dur + inst.t(f.last, bk.first)) * td.c_s
                        + td.fixed
                };
                let (pa, pb) = (fa.back, fb.back);
                consider(
                    self,
                    m,
                    ext(tu, fa, bb) - a.base,
                    add(pa, lb, pb),
                    cu + nb - cv,
                    ext(tv, fb, ba) - b.base,
                    add(pb, la, pa),
                    cv + na - cu,
                );
            }
        }
        // 10: 2-opt* with reversal (HGS-CVRP's move 8): (u, x), (v, y) become (u, v), (x, y);
        // route A keeps its head to u then takes v's head backwards, route B takes A's tail
        // from x backwards, then v's tail from y. 11: the same with v's route start in place of
        // v (A's tail, reversed, goes to the front of B). Priced in O(1) on a symmetric matrix
        // when both routes start and end at the same place.
        if self.reversible(tu, tv) {
            for (m, cv) in [(10u8, kv + 1), (11, 0)] {
                if m == 11 && kv != 0 {
                    continue;
                }
                let r = self.reverse_parts(ru, ku, rv, cv);
                consider(self, m, r.da, r.la, r.na, r.db, r.lb, r.nb);
            }
        }
        self.work += work;
        best.map(|b| b.1)
    }

    /// The two routes after the reversing 2-opt* (moves 10 and 11) on plain routes `ra` and `rb`
    /// (see [`Self::reversible`]): `ra` keeps its nodes up to position `ka` then takes the first
    /// `cb` nodes of `rb` backwards; `rb` takes the rest of `ra` backwards, then its own nodes
    /// from position `cb`. Base-cost deltas, loads and customer counts of both.
    fn reverse_parts(&self, ra: usize, ka: usize, rb: usize, cb: usize) -> Parts {
        let inst = self.inst;
        let (a, b) = (&self.routes[ra], &self.routes[rb]);
        let (ta, tb) = (&inst.types[a.ty], &inst.types[b.ty]);
        let ea = &ta.end_seg;
        let (fa, ba) = (&a.fwd[ka + 1], &a.bwd[ka + 1]);
        let (fb, bb) = (&b.fwd[cb], &b.bwd[cb]);
        let la = fa.last;
        let dist_a = fa.dist + inst.d(la, fb.last) + fb.dist + ea.dist;
        let dur_a = fa.dur + inst.t(la, fb.last) + fb.dur + ea.dur;
        let dist_b = ba.dist - ea.dist + inst.d(ba.first, bb.first) + bb.dist;
        let dur_b = ba.dur - ea.dur + inst.t(ba.first, bb.first) + bb.dur;
        let head = [fa.back[0] + fb.back[0], fa.back[1] + fb.back[1]];
        Parts {
            da: dist_a * ta.c_m + dur_a * ta.c_s + ta.fixed - a.base,
            la: head,
            na: ka + 1 + cb,
            db: dist_b * tb.c_m + dur_b * tb.c_s + tb.fixed - b.base,
            lb: [
                a.load[0] + b.load[0] - head[0],
                a.load[1] + b.load[1] - head[1],
            ],
            nb: a.ncust + b.ncust - ka - 1 - cb,
        }
    }

    /// Whether the reversing 2-opt* (moves 10 and 11) can be priced between plain routes of types `a`
    /// and `b`: symmetric travel, both start and end at one place (no separate unloading), and
    /// each type may take the other's tail.
    #[inline]
    fn reversible(&self, a: usize, b: usize) -> bool {
        let inst = self.inst;
        let (ta, tb) = (&inst.types[a], &inst.types[b]);
        let round_trip = |t: &super::instance::TypeData| {
            t.start_seg.last == t.end_seg.first
                && t.start_seg.dist == 0.0
                && t.start_seg.dur == 0.0
                && t.end_seg.dist == 0.0
        };
        inst.symmetric
            && round_trip(ta)
            && round_trip(tb)
            && ta.start_seg.last == tb.start_seg.last
            && inst.compat[a][b]
            && inst.compat[b][a]
    }

    /// Moves between two routes, evaluated by segment concatenation in O(1).
    fn eval_inter_segs(&mut self, u: u32, v: u32) -> Option<u8> {
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
        // Arc-based lower bounds (HGS-style pruning): a route costs at least its arcs, services,
        // unloadings and fixed cost, so a move whose arc delta does not beat the routes' slack
        // (penalties and waiting) cannot improve.
        let slack = a.slack + b.slack;
        let gate = |d: f64, empties: bool| empties || d < slack - IMPROVE;
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
        self.work += SEG_WEIGHT * work;
        best.map(|b| b.1)
    }

    /// Applies inter-route move `m` (numbered as in [`Self::eval_inter_segs`]) on `u` and `v`.
    fn apply_inter(&mut self, u: u32, v: u32, m: u8) {
        let (ru, ku) = self.at[u as usize];
        let (rv, kv) = self.at[v as usize];
        let (ru, ku, rv, kv) = (ru as usize, ku as usize, rv as usize, kv as usize);
        let x = self.routes[ru]
            .nodes
            .get(ku + 1)
            .copied()
            .filter(|&x| x != DUMP);
        let y = self.routes[rv]
            .nodes
            .get(kv + 1)
            .copied()
            .filter(|&y| y != DUMP);
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
            10 | 11 => {
                let cv = if m == 10 { kv + 1 } else { 0 };
                let (an, bn) = (&self.routes[ru].nodes, &self.routes[rv].nodes);
                na = an[..=ku].to_vec();
                na.extend(bn[..cv].iter().rev());
                nb = an[ku + 1..].iter().rev().copied().collect();
                nb.extend_from_slice(&bn[cv..]);
                self.routes[ru].nodes = na;
                self.routes[rv].nodes = nb;
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
    }

    /// Moves inside one plain route (see [`Self::plain_pair`]): the load and the penalty do not
    /// change, so each move is priced exactly by its arc delta in O(1) (O(length) for 2-opt on
    /// an asymmetric matrix).
    fn intra_plain(&mut self, u: u32, v: u32) -> bool {
        let inst = self.inst;
        let (r, ku) = self.at[u as usize];
        let (_, kv) = self.at[v as usize];
        let (r, ku, kv) = (r as usize, ku as usize, kv as usize);
        let route = &self.routes[r];
        let ty = route.ty;
        let nodes = &route.nodes;
        let len = nodes.len();
        let arc = |p: u32, q: u32| inst.arc(ty, p, q);
        let lu = inst.cust_loc[u as usize];
        let lv = inst.cust_loc[v as usize];
        let (pu, xu) = (self.ext_loc(r, ku), self.ext_loc(r, ku + 2));
        let (pv, yv) = (self.ext_loc(r, kv), self.ext_loc(r, kv + 2));
        let mut best: Option<(f64, u8)> = None;
        let mut evals = 0u64;
        let mut consider = |d: f64, m: u8| {
            evals += 1;
            if d < -IMPROVE && best.is_none_or(|b| d < b.0) {
                best = Some((d, m));
            }
        };
        // 1: relocate u after v.
        if kv + 1 != ku {
            consider(
                arc(pu, xu) - arc(pu, lu) - arc(lu, xu) + arc(lv, lu) + arc(lu, yv) - arc(lv, yv),
                1,
            );
        }
        // 2, 3: relocate (u, x), (x, u) after v.
        if ku + 1 < len && kv != ku + 1 && kv + 1 != ku {
            let lx = inst.cust_loc[nodes[ku + 1] as usize];
            let xx = self.ext_loc(r, ku + 3);
            let rem = arc(pu, xx) - arc(pu, lu) - arc(lu, lx) - arc(lx, xx) - arc(lv, yv);
            consider(rem + arc(lv, lu) + arc(lu, lx) + arc(lx, yv), 2);
            consider(rem + arc(lv, lx) + arc(lx, lu) + arc(lu, yv), 3);
        }
        // 4: swap u and v.
        let d = if kv == ku + 1 {
            arc(pu, lv) + arc(lv, lu) + arc(lu, yv) - arc(pu, lu) - arc(lu, lv) - arc(lv, yv)
        } else if ku == kv + 1 {
            arc(pv, lu) + arc(lu, lv) + arc(lv, xu) - arc(pv, lv) - arc(lv, lu) - arc(lu, xu)
        } else {
            arc(pu, lv) + arc(lv, xu) - arc(pu, lu) - arc(lu, xu) + arc(pv, lu) + arc(lu, yv)
                - arc(pv, lv)
                - arc(lv, yv)
        };
        consider(d, 4);
        // 5: 2-opt, reversing the nodes from the first one's successor to the second one.
        let (i, j) = if ku < kv { (ku + 1, kv) } else { (kv + 1, ku) };
        if i < j {
            let la = self.ext_loc(r, i);
            let (li, lj) = (self.ext_loc(r, i + 1), self.ext_loc(r, j + 1));
            let nb = self.ext_loc(r, j + 2);
            let mut d = arc(la, lj) + arc(li, nb) - arc(la, li) - arc(lj, nb);
            if !inst.symmetric {
                for k in i..j {
                    let (p, q) = (
                        inst.cust_loc[nodes[k] as usize],
                        inst.cust_loc[nodes[k + 1] as usize],
                    );
                    d += arc(q, p) - arc(p, q);
                }
            }
            consider(d, 5);
        }
        self.work += evals;
        let Some((_, m)) = best else { return false };
        let nodes = &mut self.routes[r].nodes;
        match m {
            1 => {
                nodes.remove(ku);
                let kv2 = if ku < kv { kv - 1 } else { kv };
                nodes.insert(kv2 + 1, u);
            }
            2 | 3 => {
                let x = nodes[ku + 1];
                nodes.drain(ku..ku + 2);
                let kv2 = if ku < kv { kv - 2 } else { kv };
                let pair = if m == 2 { [u, x] } else { [x, u] };
                nodes.splice(kv2 + 1..kv2 + 1, pair);
            }
            4 => nodes.swap(ku, kv),
            5 => nodes[i..=j].reverse(),
            _ => unreachable!(),
        }
        self.update(r);
        true
    }

    /// Fills the sub-sequence segments of route `r` if it is short enough and they are stale.
    fn ensure_sub(&mut self, r: usize) {
        let inst = self.inst;
        let route = &mut self.routes[r];
        let len = route.nodes.len();
        if route.sub_len > 0 || len > SUB_MAX || len == 0 {
            return;
        }
        let ty = route.ty;
        let cap = &inst.types[ty].cap;
        route.sub.clear();
        route.sub.resize(len * len, inst.types[ty].end_seg);
        for i in 0..len {
            let mut sg = *inst.seg(route.nodes[i], ty);
            route.sub[i * len + i] = sg;
            for j in i + 1..len {
                sg = inst.cat(&sg, inst.seg(route.nodes[j], ty), cap);
                route.sub[i * len + j] = sg;
            }
        }
        route.sub_len = len;
    }

    /// Moves inside one route, evaluated by segment concatenation.
    fn intra(&mut self, u: u32, v: u32) -> bool {
        if self.plain_pair(
            self.at[u as usize].0 as usize,
            self.at[u as usize].0 as usize,
        ) {
            return self.intra_plain(u, v);
        }
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
        // Arc-based pruning as in `inter`.
        let slack = self.routes[r].slack;
        let gate = |d: f64| d < slack - IMPROVE;
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
        // Each candidate: fwd[a] + pieces + bwd[b], evaluated by concatenation (runs of the
        // route in O(1) from the cached sub-sequences of short routes).
        self.ensure_sub(r);
        let mut best: Option<(f64, usize, usize, [Piece; 3])> = None;
        let ncust = self.routes[r].ncust;
        let mut try_mid = |ls: &mut Self, a: usize, mid: [Piece; 3], b: usize| {
            let route = &ls.routes[r];
            let cap = &ls.inst.types[ty].cap;
            let mut sgm = route.fwd[a];
            for piece in mid {
                match piece {
                    Piece::None => {}
                    Piece::One(z) => sgm = ls.inst.cat(&sgm, ls.inst.seg(z, ty), cap),
                    Piece::Run(i, j) if i <= j => {
                        if route.sub_len > 0 {
                            sgm = ls.inst.cat(&sgm, &route.sub[i * route.sub_len + j], cap);
                        } else {
                            for &z in &route.nodes[i..=j] {
                                sgm = ls.inst.cat(&sgm, ls.inst.seg(z, ty), cap);
                            }
                        }
                    }
                    Piece::Run(..) => {}
                    Piece::Rev(i, j) => {
                        for &z in route.nodes[i..=j].iter().rev() {
                            sgm = ls.inst.cat(&sgm, ls.inst.seg(z, ty), cap);
                        }
                    }
                }
            }
            let full = ls.inst.cat(&sgm, &route.bwd[b], cap);
            ls.work += SEG_WEIGHT;
            let c = ls.cost_of(ty, &full, ncust);
            if c - old < -IMPROVE && best.as_ref().is_none_or(|bb| c < bb.0) {
                best = Some((c, a, b, mid));
            }
        };
        use Piece::{One, Rev, Run};
        const NONE: Piece = Piece::None;
        // Relocate u after v.
        if g_reloc {
            if ku < kv {
                try_mid(self, ku, [Run(ku + 1, kv), One(u), NONE], kv + 1);
            } else {
                try_mid(self, kv + 1, [One(u), Run(kv + 1, ku - 1), NONE], ku + 1);
            }
        }
        // Relocate (u, x) after v, and (x, u).
        if let Some(x) = x {
            for (go, p, q) in [(g_pair, u, x), (g_pair_rev, x, u)] {
                if !go {
                    continue;
                }
                if kv > ku + 1 {
                    try_mid(self, ku, [Run(ku + 2, kv), One(p), One(q)], kv + 1);
                } else {
                    try_mid(self, kv + 1, [One(p), One(q), Run(kv + 1, ku - 1)], ku + 2);
                }
            }
        }
        // Swap u and v.
        let (lo, hi) = (ku.min(kv), ku.max(kv));
        if g_swap {
            let nodes = &self.routes[r].nodes;
            let (nl, nh) = (nodes[lo], nodes[hi]);
            try_mid(self, lo, [One(nh), Run(lo + 1, hi - 1), One(nl)], hi + 1);
        }
        // 2-opt: reverse the nodes between the first one's successor and the second one.
        if g_2opt {
            try_mid(self, i, [Rev(i, j), NONE, NONE], j + 1);
        }
        let Some((_, a, b, mid)) = best else {
            return false;
        };
        let nodes = &self.routes[r].nodes;
        let mut seq = nodes[..a].to_vec();
        for piece in mid {
            match piece {
                Piece::None => {}
                Piece::One(z) => seq.push(z),
                Piece::Run(i, j) if i <= j => seq.extend_from_slice(&nodes[i..=j]),
                Piece::Run(..) => {}
                Piece::Rev(i, j) => seq.extend(nodes[i..=j].iter().rev()),
            }
        }
        seq.extend_from_slice(&nodes[b..]);
        self.routes[r].nodes = seq;
        self.update(r);
        true
    }

    /// One pass of SWAP* (Vidal 2022) over pairs of related single-trip routes (a customer of
    /// one has a granular neighbour in the other): exchange u and v, each inserted at its best
    /// place in the other route. Used without time windows, where costs are additive over arcs.
    fn swap_star_pass(&mut self) -> bool {
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
                    let c = self.arc(tt, a, lu) + self.arc(tt, lu, b) - self.arc(tt, a, b);
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

    fn swap_star(&mut self, r1: usize, r2: usize) -> bool {
        let (t1, t2) = (self.routes[r1].ty, self.routes[r2].ty);
        let ins_u = self.top3(r1, r2);
        let ins_v = self.top3(r2, r1);
        let (a, b) = (&self.routes[r1], &self.routes[r2]);
        let cap1 = self.inst.types[t1].cap;
        let cap2 = self.inst.types[t2].cap;
        let load = |r: &Route| {
            let mut l = [0.0; 2];
            for &c in &r.nodes {
                l[0] += self.inst.demand[c as usize][0];
                l[1] += self.inst.demand[c as usize][1];
            }
            l
        };
        let (l1, l2) = (load(a), load(b));
        let cap_pen = |l: [f64; 2], cap: [f64; 2]| {
            (0..2)
                .map(|k| self.pen.cap[k] * (l[k] - cap[k]).max(0.0))
                .sum::<f64>()
        };
        let (p1, p2) = (cap_pen(l1, cap1), cap_pen(l2, cap2));
        let rem = |r: usize, k: usize, t: usize| {
            let route = &self.routes[r];
            let u = route.nodes[k];
            let lu = self.inst.cust_loc[u as usize];
            let (p, x) = (self.ext_loc(r, k), self.ext_loc(r, k + 2));
            self.arc(t, p, x) - self.arc(t, p, lu) - self.arc(t, lu, x) - self.svc(t, u)
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
                let mut iu = (
                    self.arc(t2, pv, lu) + self.arc(t2, lu, yv) - self.arc(t2, pv, yv),
                    usize::MAX,
                );
                for &(c, p) in &ins_u[i] {
                    if p != usize::MAX && p != j && p != j + 1 && c < iu.0 {
                        iu = (c, p);
                        break;
                    }
                }
                let (pu, xu) = (self.ext_loc(r1, i), self.ext_loc(r1, i + 2));
                let mut iv = (
                    self.arc(t1, pu, lv) + self.arc(t1, lv, xu) - self.arc(t1, pu, xu),
                    usize::MAX,
                );
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

    /// Route elimination: empties the route with the fewest customers, reinserting each at its
    /// cheapest place in the other routes (then re-placing unloadings); kept only if the total
    /// penalised cost decreases. Saves vehicles (fixed costs) that single moves cannot.
    fn eliminate_smallest(&mut self) -> bool {
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

    /// One empty route per vehicle type (`usize::MAX` when the type has none), for
    /// [`Self::move_to_empty`]. Only that move fills an empty route during a descent, so the list
    /// stays valid until it succeeds.
    fn find_empties(&mut self) {
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

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use super::*;
    use crate::testutil::{instance, two_types_with_unloading};

    /// Penalised cost of a route given as nodes, evaluated from scratch.
    fn cost(ls: &Ls, ty: usize, nodes: &[u32]) -> f64 {
        if nodes.is_empty() {
            return 0.0;
        }
        ls.inst.pcost(ty, &ls.inst.route_seg(ty, nodes), &ls.pen)
    }

    /// Two vehicle types of different capacities (multi-trip, unloading away from the depot, a
    /// duration limit): every move between them is priced as it turns out (debug assertions in
    /// `inter` and `move_to_empty`), so the search ends. A route's tail priced against the other
    /// type's capacity once made it loop.
    #[test]
    fn moves_between_types_of_different_capacity_are_priced_exactly() {
        for seed in 0..6u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 18;
            let (mut p, m) = two_types_with_unloading(&mut rng, n);
            for t in &mut p.vehicle_types {
                t.unload_service_s = 600.0;
            }
            p.vehicle_types[1].cost_per_km = 0.6;
            p.vehicle_types[1].fixed_cost = 2.0;
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 8);
            assert!(!inst.compat[0][1], "tails never move between capacities");
            let mut ls = Ls::new(&inst, inst.initial_pen());
            for _ in 0..5 {
                let mut order: Vec<u32> = (0..n as u32).collect();
                order.shuffle(&mut rng);
                let mut slots = vec![Vec::new(); inst.slots.len()];
                for (i, chunk) in order.chunks(3).enumerate() {
                    // Alternately a big and a small vehicle (slots of type 1 follow type 0's).
                    slots[if i % 2 == 0 { i } else { n + i }] = chunk.to_vec();
                }
                ls.load(&slots);
                ls.run(&mut rng);
                let served: usize = ls
                    .export()
                    .iter()
                    .map(|r| r.iter().filter(|&&x| x != DUMP).count())
                    .sum();
                assert_eq!(served, n);
            }
        }
    }

    /// The O(1) pricing of the reversing 2-opt* (moves 10 and 11) equals the cost of the two
    /// routes built and evaluated from scratch, at every cut of every pair of routes, under and
    /// over capacity.
    #[test]
    fn reversing_two_opt_star_is_priced_exactly() {
        for seed in 0..8u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 20;
            let (p, m) = instance(&mut rng, n, 25.0);
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 10);
            assert!(inst.symmetric);
            let mut ls = Ls::new(&inst, inst.initial_pen());
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.shuffle(&mut rng);
            let mut slots = vec![Vec::new(); inst.slots.len()];
            for (i, chunk) in order.chunks(5).enumerate() {
                slots[i] = chunk.to_vec();
            }
            ls.load(&slots);
            let mut checked = 0;
            for ra in 0..4 {
                for rb in 0..4 {
                    if ra == rb {
                        continue;
                    }
                    assert!(ls.reversible(ls.routes[ra].ty, ls.routes[rb].ty));
                    let (a, b) = (slots[ra].clone(), slots[rb].clone());
                    let old = cost(&ls, 0, &a) + cost(&ls, 0, &b);
                    for ka in 0..a.len() {
                        for cb in 0..=b.len() {
                            let mut na = a[..=ka].to_vec();
                            na.extend(b[..cb].iter().rev());
                            let mut nb: Vec<u32> = a[ka + 1..].iter().rev().copied().collect();
                            nb.extend_from_slice(&b[cb..]);
                            let exact = cost(&ls, 0, &na) + cost(&ls, 0, &nb) - old;
                            let r = ls.reverse_parts(ra, ka, rb, cb);
                            let priced = ls.plain_cost(0, ls.routes[ra].base + r.da, r.la, r.na)
                                + ls.plain_cost(0, ls.routes[rb].base + r.db, r.lb, r.nb)
                                - old;
                            assert!(
                                (priced - exact).abs() < 1e-6 * (1.0 + old),
                                "seed {seed}, routes {ra}/{rb}, cut ({ka}, {cb}): priced \
                                 {priced}, exact {exact}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
            assert_eq!(checked, 12 * 5 * 6);
        }
    }

    /// After the local search (all customers neighbours of each other), no cut of a route into
    /// an empty vehicle and no reversing 2-opt* improves the solution; every move applied
    /// lowered the cost (the debug assertion in `inter`).
    #[test]
    fn local_optimum_for_route_cuts_and_reversing_two_opt_star() {
        for seed in 0..12u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 24;
            let (p, m) = instance(&mut rng, n, 30.0);
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, n);
            let mut ls = Ls::new(&inst, inst.initial_pen());
            // A random start: the customers shuffled, cut into routes of 4.
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.shuffle(&mut rng);
            let mut slots = vec![Vec::new(); inst.slots.len()];
            for (i, chunk) in order.chunks(4).enumerate() {
                slots[i] = chunk.to_vec();
            }
            ls.load(&slots);
            let start: f64 = slots.iter().map(|r| cost(&ls, 0, r)).sum();
            ls.run(&mut rng);
            let routes = ls.export();
            let total: f64 = routes.iter().map(|r| cost(&ls, 0, r)).sum();
            assert!(total < start, "seed {seed}: no improvement");
            let live: Vec<&Vec<u32>> = routes.iter().filter(|r| !r.is_empty()).collect();
            let tol = 1e-6 * (1.0 + total);
            for (ia, a) in live.iter().enumerate() {
                let ca = cost(&ls, 0, a);
                for k in 1..a.len() {
                    let c = cost(&ls, 0, &a[..k]) + cost(&ls, 0, &a[k..]);
                    assert!(c >= ca - tol, "seed {seed}: cutting a route improves");
                }
                for (ib, b) in live.iter().enumerate() {
                    if ia == ib {
                        continue;
                    }
                    let old = ca + cost(&ls, 0, b);
                    for i in 0..a.len() {
                        for j in 0..=b.len() {
                            let mut na = a[..=i].to_vec();
                            na.extend(b[..j].iter().rev());
                            let mut nb: Vec<u32> = a[i + 1..].iter().rev().copied().collect();
                            nb.extend_from_slice(&b[j..]);
                            let c = cost(&ls, 0, &na) + cost(&ls, 0, &nb);
                            assert!(c >= old - tol, "seed {seed}: reversing 2-opt* improves");
                        }
                    }
                }
            }
        }
    }
}
