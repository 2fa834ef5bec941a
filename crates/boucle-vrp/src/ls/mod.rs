//! Local search on penalised costs with granular neighbourhoods (HGS-CVRP style). This module
//! holds the driver [`Ls`]: the routes and their cached segments, the loop over granular
//! neighbours, and the acceptance of the best improving move of each pair. The operators live
//! in one file per family, each with its pricing and its application: [`relocate`] (one node or
//! a pair, or-opt), [`swap`] (1-1, 2-1, 2-2), [`two_opt`] (inside a route), [`two_opt_star`]
//! (tails exchanged, and the reversing variant on symmetric round trips), [`swap_star`],
//! [`empty`] (a node or a tail to an empty vehicle), [`eliminate`] (route elimination) and
//! [`dumps`] (placement of the unloadings of multi-trip rounds). A move describes the routes it
//! leaves; [`price`] prices that description from arc deltas and loads on plain routes, or by
//! concatenating time-warp segments.

mod dumps;
mod eliminate;
mod empty;
mod price;
mod relocate;
mod swap;
mod swap_star;
mod two_opt;
mod two_opt_star;

use std::time::Instant;

use rand::Rng;
use rand::seq::SliceRandom;

use super::instance::{DUMP, Inst, Pen, Seg};
use price::{IntraPricer, Plain, Pricer, Segs, SegsIntra};

/// Least gain for a move to count as an improvement.
const IMPROVE: f64 = 1e-7;
/// Work units of one move priced by segment concatenation, relative to one priced from arc
/// deltas and loads (about the ratio of their running times), so that the work clock runs at a
/// similar rate on plain and on timed or multi-trip instances.
const SEG_WEIGHT: u64 = 3;
/// Longest route whose sub-sequence segments are cached (memory and update time grow with the
/// square of the length).
const SUB_MAX: usize = 48;

/// A local-search move on a node `u` and a granular neighbour `v`; `x` is `u`'s successor and
/// `y` is `v`'s. Route A holds `u`, route B holds `v` (the same route for intra-route moves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    /// `u` moved after `v`.
    Relocate,
    /// `u` moved before `v`, when `v` opens its route or a trip.
    RelocateBefore,
    /// `u` and `x` moved after `v`, as `(u, x)`.
    RelocatePair,
    /// `u` and `x` moved after `v`, as `(x, u)`.
    RelocatePairReversed,
    /// `u` and `v` exchanged.
    Swap,
    /// `(u, x)` exchanged with `v`.
    SwapPairWithOne,
    /// `(u, x)` exchanged with `(v, y)`.
    SwapPairs,
    /// The nodes from the successor of the first of `u` and `v` to the second reversed.
    TwoOpt,
    /// The tails after `u` and after `v` exchanged.
    TwoOptStarAfter,
    /// The tails from `u` and from `v` exchanged.
    TwoOptStarBefore,
    /// Arcs `(u, x)` and `(v, y)` replaced by `(u, v)` and `(x, y)`: A keeps its head up to `u`
    /// then takes B's head up to `v` backwards; B takes A's tail from `x` backwards, then its
    /// own tail from `y`.
    TwoOptStarReversed,
    /// As [`Move::TwoOptStarReversed`] with B's start in place of `v` (`v` first in B): A's
    /// tail after `u`, reversed, goes to the front of B.
    TwoOptStarReversedToFront,
}

/// One route of the solution, with its cached segments and costs.
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

/// `u`, `v` and the places around them, shared by the pricing of every move on the pair.
#[derive(Debug, Clone, Copy)]
struct Pair {
    u: u32,
    v: u32,
    ru: usize,
    ku: usize,
    rv: usize,
    kv: usize,
    tu: usize,
    tv: usize,
    /// Locations of `u` and `v`.
    lu: u32,
    lv: u32,
    /// Locations before and after `u`, and before and after `v` (depots and unloadings
    /// included).
    pu: u32,
    xu: u32,
    pv: u32,
    yv: u32,
    /// Customers after `u` and after `v` in their routes (`None` at the end or before an
    /// unloading).
    x: Option<u32>,
    y: Option<u32>,
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
    /// See [`Self::find_empties`].
    empties: Vec<usize>,
    /// `swap_seen[r1 * routes + r2]`: step at which SWAP* last tested routes r1 < r2.
    swap_seen: Vec<u64>,
    /// Work counter (move evaluations), the engine's deterministic clock.
    pub work: u64,
    /// When the search must stop, if the wall clock may stop it: the descent then returns
    /// early with the solution as it stands (every move applied is complete).
    deadline: Option<Instant>,
    /// Whether the deadline stopped the last run.
    pub timed_out: bool,
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
            deadline: None,
            timed_out: false,
        }
    }

    /// Sets the time after which runs stop early (`None`: never).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }

    /// Whether the deadline has passed (read from the clock; sticky until the next run).
    fn out_of_time(&mut self) -> bool {
        if !self.timed_out && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out = true;
        }
        self.timed_out
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

    /// Refreshes route `r` after its nodes changed: unloadings that serve nothing dropped, then
    /// segments, loads, cost and slack recomputed.
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

    /// Penalised cost of a complete route segment of type `ty` with `ncust` customers (an empty
    /// route costs nothing).
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

    /// Service cost of customer `u` in a vehicle of type `ty`.
    #[inline]
    fn svc(&self, ty: usize, u: u32) -> f64 {
        self.inst.svc(ty, u)
    }

    /// Concatenation of two segments with the capacity of type `ty`.
    #[inline]
    fn cat(&self, ty: usize, a: &Seg, b: &Seg) -> Seg {
        self.inst.cat(a, b, &self.inst.types[ty].cap)
    }

    /// Penalised cost of a route of type `ty` given as nodes, from scratch.
    fn eval_nodes(&mut self, ty: usize, nodes: &[u32]) -> f64 {
        // Work in units of about one segment concatenation pair.
        self.work += 1 + nodes.len() as u64 / 2;
        let s = self.inst.route_seg(ty, nodes);
        let nc = nodes.iter().filter(|&&x| x != DUMP).count();
        self.cost_of(ty, &s, nc)
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

    /// Runs the local search to a local optimum (with unloading re-placement for multi-trip
    /// types).
    pub fn run<R: Rng>(&mut self, rng: &mut R) {
        self.order.shuffle(rng);
        for nb in &mut self.neigh {
            nb.shuffle(rng);
        }
        self.timed_out = false;
        let mut first = true;
        loop {
            self.descent(first);
            first = false;
            if self.out_of_time() {
                break;
            }
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
                // The clock is read every 32 customers (a few hundred moves priced).
                if oi % 32 == 0 && self.out_of_time() {
                    return;
                }
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

    /// The places around customers `u` and `v`.
    #[inline(always)]
    fn pair(&self, u: u32, v: u32) -> Pair {
        let (ru, ku) = self.at[u as usize];
        let (rv, kv) = self.at[v as usize];
        let (ru, ku, rv, kv) = (ru as usize, ku as usize, rv as usize, kv as usize);
        let (tu, tv) = (self.routes[ru].ty, self.routes[rv].ty);
        let next = |r: usize, k: usize| {
            self.routes[r]
                .nodes
                .get(k + 1)
                .copied()
                .filter(|&z| z != DUMP)
        };
        Pair {
            u,
            v,
            ru,
            ku,
            rv,
            kv,
            tu,
            tv,
            lu: self.inst.cust_loc[u as usize],
            lv: self.inst.cust_loc[v as usize],
            pu: self.ext_loc(ru, ku),
            xu: self.ext_loc(ru, ku + 2),
            pv: self.ext_loc(rv, kv),
            yv: self.ext_loc(rv, kv + 2),
            x: next(ru, ku),
            y: next(rv, kv),
        }
    }

    /// Prices every move between the routes of `c.u` and `c.v`, in a fixed order (ties go to
    /// the first).
    #[inline(always)]
    fn price_inter<P: Pricer>(&self, c: &Pair, p: &mut P) {
        relocate::price_inter(self, c, p);
        swap::price_inter(self, c, p);
        two_opt_star::price(self, c, p);
    }

    /// Best improving move between the routes of `u` and `v`, applied if any.
    fn inter(&mut self, u: u32, v: u32) -> bool {
        let c = self.pair(u, v);
        let old = self.routes[c.ru].cost + self.routes[c.rv].cost;
        let best = if self.plain_pair(c.ru, c.rv) {
            let mut p = Plain::new(self, c.ru, c.rv, old);
            self.price_inter(&c, &mut p);
            two_opt_star::price_reversed(self, &c, &mut p);
            self.work += p.work;
            p.best
        } else {
            let mut p = Segs::new(self, c.ru, c.rv, old);
            self.price_inter(&c, &mut p);
            self.work += SEG_WEIGHT * p.work;
            p.best
        };
        let Some((_, m)) = best else {
            return false;
        };
        #[cfg(debug_assertions)]
        let before = old;
        match m {
            Move::Relocate
            | Move::RelocateBefore
            | Move::RelocatePair
            | Move::RelocatePairReversed => relocate::apply_inter(self, m, &c),
            Move::Swap | Move::SwapPairWithOne | Move::SwapPairs => swap::apply_inter(self, m, &c),
            Move::TwoOptStarAfter
            | Move::TwoOptStarBefore
            | Move::TwoOptStarReversed
            | Move::TwoOptStarReversedToFront => two_opt_star::apply(self, m, &c),
            Move::TwoOpt => unreachable!("2-opt is an intra-route move"),
        }
        self.update(c.ru);
        self.update(c.rv);
        #[cfg(debug_assertions)]
        {
            let after = self.routes[c.ru].cost + self.routes[c.rv].cost;
            debug_assert!(
                after < before + 1e-6 * (1.0 + before.abs()),
                "move {m:?} priced as improving raised the cost from {before} to {after}"
            );
        }
        true
    }

    /// Best improving move inside the route of `u` and `v`, applied if any. On plain routes the
    /// load and the penalty do not change, so each move is priced exactly by its arc delta;
    /// otherwise by segment concatenation, after an arc-delta bound.
    fn intra(&mut self, u: u32, v: u32) -> bool {
        let c = self.pair(u, v);
        let best = if self.plain_pair(c.ru, c.ru) {
            let mut p = Plain::new(self, c.ru, c.ru, 0.0);
            self.price_intra(&c, &mut p);
            self.work += p.work;
            p.best
        } else {
            let mut p = SegsIntra::new(self, c.ru);
            self.price_intra(&c, &mut p);
            p.finish(self)
        };
        let Some((_, m)) = best else {
            return false;
        };
        match m {
            Move::Relocate | Move::RelocatePair | Move::RelocatePairReversed => {
                relocate::apply_intra(self, m, &c)
            }
            Move::Swap => swap::apply_intra(self, &c),
            Move::TwoOpt => two_opt::apply(self, &c),
            _ => unreachable!("{m:?} is an inter-route move"),
        }
        self.update(c.ru);
        true
    }

    /// Prices every move inside the route of `c.u` and `c.v`, in a fixed order.
    #[inline(always)]
    fn price_intra<P: IntraPricer>(&self, c: &Pair, p: &mut P) {
        relocate::price_intra(self, c, p);
        swap::price_intra(self, c, p);
        two_opt::price(self, c, p);
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
}

/// Penalised cost of a route given as nodes, evaluated from scratch (tests).
#[cfg(test)]
fn cost_from_scratch(ls: &Ls, ty: usize, nodes: &[u32]) -> f64 {
    if nodes.is_empty() {
        return 0.0;
    }
    ls.inst.pcost(ty, &ls.inst.route_seg(ty, nodes), &ls.pen)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use super::cost_from_scratch as cost;
    use super::*;
    use crate::testutil::{instance, two_types_with_unloading};

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
