//! Set partitioning over the pool of routes the search has met (after Subramanian, Uchoa and
//! Ochi 2013, "A hybrid algorithm for a class of vehicle routing problems", and HGS-SP).
//!
//! Every feasible route of every local optimum is kept, in its cheapest order per vehicle type
//! and customer set, with the cost of the best solution that held it. Now and then the search
//! picks the cheapest set of pooled routes that visits each customer exactly once with at most
//! the fleet's count of each vehicle type: routes from different solutions combine into one that
//! none of them was.
//!
//! The program is solved exactly on the routes of the best solutions (a few hundred columns) by
//! a depth-first exact-cover search (Knuth's algorithm X order: the customer with the fewest
//! routes left first), pruned by a Lagrangian lower bound (the customers' multipliers from
//! subgradient optimisation at the root, plus the most negative reduced costs the fleet can
//! still take) and by a per-customer cost-share bound, under a work limit. The number of routes
//! given to it grows by half after each search that finished within its limit. Exact over those
//! routes when it finishes, deterministic for a given pool; no LP solver needed (the root
//! Lagrangian bound came within 0.1 % of the LP relaxation's, HiGHS, on four pools of
//! A-n63-k10 and B-n68-k9).

use std::collections::HashMap;
use std::time::Instant;

use super::instance::{DUMP, Inst};

/// A route in the pool: the cheapest order met for its vehicle type and customer set.
#[derive(Debug, Clone)]
struct Column {
    cost: f64,
    /// Cost of the cheapest feasible solution that held this route (infinite if none did).
    sol_cost: f64,
    nodes: Vec<u32>,
}

/// Routes given to the first set-partitioning search.
const FIRST_COLUMNS: usize = 300;
/// Most routes given to a search.
const MAX_COLUMNS: usize = 5_000;
/// Most routes kept in the pool (a 10 s search on 60–70 customers meets about 2,000).
const MAX_POOL: usize = 200_000;
/// Routes looked at in a search node per work unit of the genetic search (one unit is about
/// 40 ns, see [`super::hgs::WORK_PER_SECOND`]; a node costs about 8 ns per route searched over,
/// measured on A-n63-k10 and B-n68-k9 pools of 300–1,000 routes).
pub(crate) const ROUTES_PER_WORK: u64 = 5;
/// Subgradient iterations for the root multipliers.
const SUBGRADIENT_ITERS: usize = 1_000;

/// The pool of feasible routes met by the search.
#[derive(Debug)]
pub(crate) struct RoutePool {
    cols: HashMap<(usize, Vec<u32>), Column>,
    /// Routes to give to the next search.
    size: usize,
}

impl Default for RoutePool {
    fn default() -> Self {
        RoutePool {
            cols: HashMap::new(),
            size: FIRST_COLUMNS,
        }
    }
}

/// What a set-partitioning search gave.
#[derive(Debug)]
pub(crate) struct SpResult {
    /// A solution cheaper than the bound given, one route per slot (empty slots included).
    pub slots: Option<Vec<Vec<u32>>>,
    /// Search nodes visited.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests"))]
    pub nodes: u64,
    /// Work spent, in the search's units (see [`ROUTES_PER_WORK`]).
    pub work: u64,
    /// Whether the search finished (its answer is the optimum over those routes).
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the tests"))]
    pub proved: bool,
}

impl RoutePool {
    /// Adds the feasible routes of a solution (`slots[s]` is served by a vehicle of type
    /// `inst.slots[s]`) whose cost is `sol_cost`: infinite for an infeasible solution, whose
    /// routes then only lend their order to a later feasible solution with the same customers
    /// (a search only takes routes held by a feasible solution). Past [`MAX_POOL`] routes, the
    /// half from the costliest solutions is dropped.
    pub fn add(&mut self, inst: &Inst, slots: &[Vec<u32>], sol_cost: f64) {
        if self.cols.len() > MAX_POOL {
            let mut costs: Vec<f64> = self.cols.values().map(|c| c.sol_cost).collect();
            let mid = costs.len() / 2;
            let (_, &mut median, _) = costs.select_nth_unstable_by(mid, f64::total_cmp);
            self.cols.retain(|_, c| c.sol_cost < median);
        }
        for (s, nodes) in slots.iter().enumerate() {
            if nodes.iter().all(|&x| x == DUMP) {
                continue;
            }
            let ty = inst.slots[s];
            let seg = inst.route_seg(ty, nodes);
            if !inst.viol(ty, &seg).feasible() {
                continue;
            }
            let cost = inst.base_cost(ty, &seg);
            let mut key: Vec<u32> = nodes.iter().copied().filter(|&x| x != DUMP).collect();
            key.sort_unstable();
            let col = self.cols.entry((ty, key)).or_insert_with(|| Column {
                cost,
                sol_cost,
                nodes: nodes.clone(),
            });
            col.sol_cost = col.sol_cost.min(sol_cost);
            if cost < col.cost - 1e-9 {
                col.cost = cost;
                col.nodes.clone_from(nodes);
            }
        }
    }

    /// Searches for a solution cheaper than `upper` (the incumbent's cost) over the routes of
    /// the best solutions met, within `work_limit` work units and before `deadline` (if any).
    pub fn solve(
        &mut self,
        inst: &Inst,
        upper: f64,
        work_limit: u64,
        deadline: Option<Instant>,
    ) -> SpResult {
        let mut picked: Vec<(&(usize, Vec<u32>), &Column)> = self
            .cols
            .iter()
            .filter(|(_, c)| c.sol_cost.is_finite())
            .collect();
        // A total order (the map's own order varies between runs) keeps the search
        // deterministic.
        picked.sort_unstable_by(|a, b| {
            (a.1.sol_cost, a.1.cost)
                .partial_cmp(&(b.1.sol_cost, b.1.cost))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.cmp(b.0))
        });
        picked.truncate(self.size);
        let cols: Vec<Col> = picked.iter().map(|&(k, c)| Col::new(k, c)).collect();
        let node_limit =
            (work_limit.saturating_mul(ROUTES_PER_WORK) / cols.len().max(1) as u64).max(1);
        let mut cover = Cover::new(inst, &cols, upper, deadline);
        cover.root_multipliers();
        let mut covered = vec![0u64; cover.words];
        let mut used = vec![0usize; inst.types.len()];
        let mut sel = Vec::new();
        let share_lb = cover.share.iter().sum();
        cover.dfs(&mut covered, &mut used, 0.0, share_lb, &mut sel, node_limit);
        let proved = !cover.stopped;
        // More routes for the next search after one that finished. After one that hit its limit
        // the number stays: the search meets its improvements early (routes are tried cheapest
        // per customer first) and mostly spends the rest proving that there is none. Shrinking
        // it then (with nine steps of 3 % of the budget) reached B-n68-k9's optimum in 15 of 27
        // runs at 10 s.
        if proved {
            self.size = (self.size + self.size / 2).min(MAX_COLUMNS);
        }
        let slots = cover.best_sel.as_ref().map(|chosen| {
            let mut slots = vec![Vec::new(); inst.slots.len()];
            for &j in chosen {
                let (key, col) = picked[j];
                if let Some(s) =
                    (0..inst.slots.len()).find(|&s| inst.slots[s] == key.0 && slots[s].is_empty())
                {
                    slots[s].clone_from(&col.nodes);
                }
            }
            slots
        });
        SpResult {
            slots,
            nodes: cover.nodes,
            work: cover.nodes * cols.len() as u64 / ROUTES_PER_WORK,
            proved,
        }
    }
}

/// A route as the exact-cover search sees it.
struct Col {
    cost: f64,
    ty: usize,
    custs: Vec<u32>,
}

impl Col {
    /// The search's view of a pooled route filed under `key` (vehicle type, sorted customers).
    fn new(key: &(usize, Vec<u32>), c: &Column) -> Col {
        Col {
            cost: c.cost,
            ty: key.0,
            custs: key.1.clone(),
        }
    }
}

/// The exact-cover search.
struct Cover<'a> {
    cols: &'a [Col],
    words: usize,
    bits: Vec<Vec<u64>>,
    /// Routes through each customer, by increasing cost per customer.
    by_cust: Vec<Vec<usize>>,
    /// Least cost per customer of a route through each customer.
    share: Vec<f64>,
    /// Lagrangian multipliers of the customers and the reduced costs of the routes.
    mult: Vec<f64>,
    rc: Vec<f64>,
    /// Vehicles of each type, and in all.
    count: Vec<usize>,
    fleet: usize,
    best: f64,
    best_sel: Option<Vec<usize>>,
    nodes: u64,
    deadline: Option<Instant>,
    /// Whether the node limit or the deadline stopped the search.
    stopped: bool,
}

impl<'a> Cover<'a> {
    fn new(inst: &Inst, cols: &'a [Col], upper: f64, deadline: Option<Instant>) -> Cover<'a> {
        let n = inst.n;
        let words = n.div_ceil(64);
        let bits = cols
            .iter()
            .map(|c| {
                let mut b = vec![0u64; words];
                for &i in &c.custs {
                    b[i as usize / 64] |= 1 << (i % 64);
                }
                b
            })
            .collect();
        let per = |c: &Col| c.cost / c.custs.len() as f64;
        let mut by_cust = vec![Vec::new(); n];
        let mut share = vec![f64::INFINITY; n];
        for (j, c) in cols.iter().enumerate() {
            for &i in &c.custs {
                by_cust[i as usize].push(j);
                share[i as usize] = share[i as usize].min(per(c));
            }
        }
        for l in &mut by_cust {
            l.sort_by(|&a, &b| per(&cols[a]).total_cmp(&per(&cols[b])).then(a.cmp(&b)));
        }
        let mut count = vec![0usize; inst.types.len()];
        for &t in &inst.slots {
            count[t] += 1;
        }
        Cover {
            cols,
            words,
            bits,
            by_cust,
            mult: share.clone(),
            rc: Vec::new(),
            share,
            count,
            fleet: inst.slots.len(),
            best: upper,
            best_sel: None,
            nodes: 0,
            deadline,
            stopped: false,
        }
    }

    fn fits(&self, j: usize, covered: &[u64]) -> bool {
        self.bits[j].iter().zip(covered).all(|(a, b)| a & b == 0)
    }

    /// Subgradient optimisation of the Lagrangian dual (customers' equalities relaxed, at most
    /// `fleet` routes): keeps the best multipliers and the routes' reduced costs under them.
    fn root_multipliers(&mut self) {
        let n = self.share.len();
        if self.cols.is_empty() || self.share.iter().any(|s| !s.is_finite()) {
            return;
        }
        let mut u = self.share.clone();
        let mut best = f64::NEG_INFINITY;
        let mut step_scale = 2.0;
        let mut stall = 0;
        let mut rc: Vec<(f64, usize)> = Vec::with_capacity(self.cols.len());
        let mut g = vec![0.0; n];
        for _ in 0..SUBGRADIENT_ITERS {
            rc.clear();
            rc.extend(self.cols.iter().enumerate().map(|(j, c)| {
                (
                    c.cost - c.custs.iter().map(|&i| u[i as usize]).sum::<f64>(),
                    j,
                )
            }));
            rc.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut l: f64 = u.iter().sum();
            g.iter_mut().for_each(|x| *x = 1.0);
            for &(r, j) in rc.iter().take(self.fleet) {
                if r >= 0.0 {
                    break;
                }
                l += r;
                for &i in &self.cols[j].custs {
                    g[i as usize] -= 1.0;
                }
            }
            if l > best + 1e-9 {
                best = l;
                self.mult.clone_from(&u);
                stall = 0;
            } else {
                stall += 1;
                if stall >= 30 {
                    step_scale /= 2.0;
                    stall = 0;
                }
            }
            let norm: f64 = g.iter().map(|x| x * x).sum();
            if norm < 1e-12 || step_scale < 1e-6 {
                break;
            }
            // Polyak's step towards the incumbent's cost (or a little above the bound without
            // one).
            let target = if self.best.is_finite() {
                self.best
            } else {
                l + 0.05 * l.abs() + 1.0
            };
            let step = step_scale * (target - l).max(1e-6) / norm;
            for (ui, gi) in u.iter_mut().zip(&g) {
                *ui += step * gi;
            }
        }
        self.rc = self
            .cols
            .iter()
            .map(|c| c.cost - c.custs.iter().map(|&i| self.mult[i as usize]).sum::<f64>())
            .collect();
    }

    /// Lagrangian bound on covering the customers left with the vehicles left.
    fn lagrangian(&self, covered: &[u64], routes: usize, neg: &mut Vec<f64>) -> f64 {
        let mut b = 0.0;
        for (i, &m) in self.mult.iter().enumerate() {
            if covered[i / 64] >> (i % 64) & 1 == 0 {
                b += m;
            }
        }
        neg.clear();
        for (j, &r) in self.rc.iter().enumerate() {
            if r < 0.0 && self.fits(j, covered) {
                neg.push(r);
            }
        }
        let left = self.fleet.saturating_sub(routes);
        if neg.len() > left {
            neg.select_nth_unstable_by(left, |a, b| a.total_cmp(b));
            neg.truncate(left);
        }
        b + neg.iter().sum::<f64>()
    }

    fn dfs(
        &mut self,
        covered: &mut Vec<u64>,
        used: &mut Vec<usize>,
        cost: f64,
        share_lb: f64,
        sel: &mut Vec<usize>,
        limit: u64,
    ) {
        if self.stopped {
            return;
        }
        if self.nodes >= limit
            || (self.nodes.is_multiple_of(256)
                && self.deadline.is_some_and(|d| Instant::now() >= d))
        {
            self.stopped = true;
            return;
        }
        self.nodes += 1;
        if cost + share_lb >= self.best - 1e-9 {
            return;
        }
        // The customer left with the fewest routes that still fit, and the cost-share bound
        // over the routes that still fit.
        let mut pick = None;
        let mut fewest = usize::MAX;
        let mut dyn_lb = 0.0;
        for i in 0..self.by_cust.len() {
            if covered[i / 64] >> (i % 64) & 1 == 1 {
                continue;
            }
            let mut k = 0;
            let mut least = f64::INFINITY;
            for &j in &self.by_cust[i] {
                if used[self.cols[j].ty] < self.count[self.cols[j].ty] && self.fits(j, covered) {
                    if k == 0 {
                        least = self.cols[j].cost / self.cols[j].custs.len() as f64;
                    }
                    k += 1;
                }
            }
            if k == 0 {
                return;
            }
            dyn_lb += least;
            if k < fewest {
                fewest = k;
                pick = Some(i);
            }
        }
        let Some(pick) = pick else {
            self.best = cost;
            self.best_sel = Some(sel.clone());
            return;
        };
        if sel.len() >= self.fleet || cost + dyn_lb >= self.best - 1e-9 {
            return;
        }
        if !self.rc.is_empty() {
            let mut neg = Vec::new();
            if cost + self.lagrangian(covered, sel.len(), &mut neg) >= self.best - 1e-9 {
                return;
            }
        }
        for idx in 0..self.by_cust[pick].len() {
            let j = self.by_cust[pick][idx];
            let ty = self.cols[j].ty;
            if used[ty] >= self.count[ty] || !self.fits(j, covered) {
                continue;
            }
            let lb = share_lb
                - self.cols[j]
                    .custs
                    .iter()
                    .map(|&i| self.share[i as usize])
                    .sum::<f64>();
            for (a, b) in covered.iter_mut().zip(&self.bits[j]) {
                *a |= b;
            }
            used[ty] += 1;
            sel.push(j);
            let c = self.cols[j].cost;
            self.dfs(covered, used, cost + c, lb, sel, limit);
            sel.pop();
            used[ty] -= 1;
            for (a, b) in covered.iter_mut().zip(&self.bits[j]) {
                *a &= !b;
            }
            if self.stopped {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::rounds::testutil::two_types_with_unloading;

    /// Routes of a few random partitions of the customers, on random vehicle types, some with
    /// an unloading stop in the middle: a pool whose routes combine in many ways.
    fn random_pool(inst: &Inst, rng: &mut Pcg64, partitions: usize) -> RoutePool {
        let mut pool = RoutePool::default();
        for _ in 0..partitions {
            let mut order: Vec<u32> = (0..inst.n as u32).collect();
            order.shuffle(rng);
            let mut slots = vec![Vec::new(); inst.slots.len()];
            let mut rest = &order[..];
            let mut s = 0;
            while !rest.is_empty() {
                let k = rng.random_range(2..=4).min(rest.len());
                let mut route = rest[..k].to_vec();
                if k >= 2 && rng.random_bool(0.3) {
                    route.insert(k / 2, DUMP);
                }
                // Any slot: the pool files the route under that slot's type.
                s = (s + rng.random_range(1..inst.slots.len())) % inst.slots.len();
                if !slots[s].is_empty() {
                    s = (0..inst.slots.len())
                        .find(|&t| slots[t].is_empty())
                        .expect("fewer routes than slots");
                }
                slots[s] = route;
                rest = &rest[k..];
            }
            pool.add(inst, &slots, rng.random_range(1000.0..2000.0));
        }
        pool
    }

    /// The cheapest exact cover of the pool's routes with at most the fleet's count of each
    /// type, by dynamic programming over the sets of customers covered (the route through the
    /// lowest customer left is chosen at each step).
    fn brute_force(inst: &Inst, pool: &RoutePool) -> f64 {
        fn best(
            mask: u32,
            used: [usize; 2],
            full: u32,
            cols: &[(u32, usize, f64)],
            count: [usize; 2],
            memo: &mut HashMap<(u32, [usize; 2]), f64>,
        ) -> f64 {
            if mask == full {
                return 0.0;
            }
            if let Some(&v) = memo.get(&(mask, used)) {
                return v;
            }
            let low = (!mask).trailing_zeros();
            let mut v = f64::INFINITY;
            for &(bits, ty, cost) in cols {
                if bits >> low & 1 == 1 && bits & mask == 0 && used[ty] < count[ty] {
                    let mut u = used;
                    u[ty] += 1;
                    v = v.min(cost + best(mask | bits, u, full, cols, count, memo));
                }
            }
            memo.insert((mask, used), v);
            v
        }
        let cols: Vec<(u32, usize, f64)> = pool
            .cols
            .iter()
            .map(|(k, c)| (k.1.iter().map(|&i| 1u32 << i).sum(), k.0, c.cost))
            .collect();
        let mut count = [0usize; 2];
        for &t in &inst.slots {
            count[t] += 1;
        }
        let full = (1u32 << inst.n) - 1;
        best(0, [0, 0], full, &cols, count, &mut HashMap::new())
    }

    /// The exact-cover search finds the brute-force optimum, with each type within its count,
    /// and answers nothing when asked to beat the optimum itself.
    #[test]
    fn finds_the_cheapest_exact_cover() {
        let mut improved = 0;
        for seed in 0..40u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 16;
            let (mut p, m) = two_types_with_unloading(&mut rng, n);
            p.vehicle_types[0].count = Some(rng.random_range(1..=3));
            p.vehicle_types[1].count = Some(7);
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 10);
            let mut pool = random_pool(&inst, &mut rng, 12);
            let opt = brute_force(&inst, &pool);
            // The root Lagrangian bound never exceeds the optimum.
            let cols: Vec<Col> = pool.cols.iter().map(|(k, c)| Col::new(k, c)).collect();
            let mut cover = Cover::new(&inst, &cols, f64::INFINITY, None);
            cover.root_multipliers();
            let root = cover.lagrangian(&vec![0; cover.words], 0, &mut Vec::new());
            assert!(root <= opt + 1e-6, "seed {seed}: bound {root} above {opt}");
            let res = pool.solve(&inst, f64::INFINITY, u64::MAX, None);
            assert!(res.proved);
            let Some(slots) = res.slots else {
                assert!(
                    opt.is_infinite(),
                    "seed {seed}: no cover found, optimum {opt}"
                );
                continue;
            };
            let mut seen = vec![0; n];
            let mut cost = 0.0;
            for (s, nodes) in slots.iter().enumerate() {
                for &x in nodes.iter().filter(|&&x| x != DUMP) {
                    seen[x as usize] += 1;
                }
                if !nodes.is_empty() {
                    let ty = inst.slots[s];
                    let seg = inst.route_seg(ty, nodes);
                    assert!(inst.viol(ty, &seg).feasible());
                    cost += inst.base_cost(ty, &seg);
                }
            }
            assert!(seen.iter().all(|&v| v == 1), "seed {seed}: {seen:?}");
            assert!((cost - opt).abs() < 1e-6, "seed {seed}: {cost} vs {opt}");
            // Nothing strictly cheaper than the optimum.
            let again = pool.solve(&inst, opt, u64::MAX, None);
            assert!(again.slots.is_none() && again.proved, "seed {seed}");
            improved += 1;
        }
        assert!(improved >= 30, "only {improved} seeds had a cover");
    }

    /// A node limit stops the search, which then says so; each route keeps its cheapest order.
    #[test]
    fn a_node_limit_stops_the_search_and_routes_keep_their_cheapest_order() {
        let mut rng = Pcg64::seed_from_u64(7);
        let n = 10;
        let (p, m) = two_types_with_unloading(&mut rng, n);
        let custs: Vec<usize> = (0..n).collect();
        let inst = Inst::new(&p, &m, &custs, 10);
        let mut pool = random_pool(&inst, &mut rng, 5);
        let res = pool.solve(&inst, f64::INFINITY, 1, None);
        assert!(!res.proved);
        assert_eq!(res.nodes, 1);

        let ty = inst.slots[0];
        let mut cheap = vec![0u32, 1, 2];
        let mut dear = vec![2u32, 0, 1];
        let price = |r: &[u32]| inst.base_cost(ty, &inst.route_seg(ty, r));
        if price(&cheap) > price(&dear) {
            std::mem::swap(&mut cheap, &mut dear);
        }
        let mut pool = RoutePool::default();
        let mut slots = vec![Vec::new(); inst.slots.len()];
        slots[0] = dear.clone();
        pool.add(&inst, &slots, 10.0);
        slots[0] = cheap.clone();
        pool.add(&inst, &slots, 20.0);
        assert_eq!(pool.cols.len(), 1);
        let col = &pool.cols[&(ty, vec![0, 1, 2])];
        assert_eq!(col.nodes, cheap);
        assert_eq!(col.sol_cost, 10.0);
    }
}
