//! Set partitioning over the pool of routes the search has met (after Subramanian, Uchoa and
//! Ochi 2013, "A hybrid algorithm for a class of vehicle routing problems", and HGS-SP).
//!
//! Every feasible route of every local optimum is kept, in its cheapest order per vehicle type
//! and customer set, with the cost of the best solution that held it. Now and then the search
//! picks the cheapest set of pooled routes that visits each customer exactly once with at most
//! the fleet's count of each vehicle type: routes from different solutions combine into one that
//! none of them was.
//!
//! The program is solved exactly on the routes of the best solutions by a depth-first
//! exact-cover search (Knuth's algorithm X: the customer with the fewest routes left first, the
//! routes that conflict with a chosen one switched off on the way down and back on on the way
//! back, as in dancing links), pruned by a Lagrangian lower bound (the customers' multipliers
//! from subgradient optimisation at the root, plus the most negative reduced costs the fleet can
//! still take) and by a per-customer cost-share bound, under a work limit. Each step searches
//! the routes of the best solutions, a few hundred first, then half more each time a search
//! finishes, until the limit stops one: improvements hide among the routes of the best
//! solutions, and a search over thousands of routes rarely finishes or meets them in time.
//! Exact over the routes of a search that finishes, deterministic for a given pool; no LP
//! solver needed (the root Lagrangian bound came within 0.1 % of the LP relaxation's, HiGHS, on
//! four pools of A-n63-k10 and B-n68-k9).

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

/// Routes given to the first search of a set-partitioning step.
const FIRST_COLUMNS: usize = 300;
/// Most routes given to a search.
const MAX_COLUMNS: usize = 5_000;
/// Most routes kept in the pool (a 10 s search on 60–70 customers meets about 2,000).
const MAX_POOL: usize = 200_000;
/// Routes looked at by the search per work unit of the genetic search (one unit is about 40 ns,
/// see [`super::hgs::WORK_PER_SECOND`]; a route looked at, switched off or on costs about 4 ns,
/// measured on A-n63-k10 and B-n68-k9 pools of 300–800 routes).
pub(crate) const ROUTES_PER_WORK: u64 = 10;
/// Subgradient iterations for the root multipliers.
const SUBGRADIENT_ITERS: usize = 1_000;

/// The pool of feasible routes met by the search.
#[derive(Debug)]
pub(crate) struct RoutePool {
    cols: HashMap<(usize, Vec<u32>), Column>,
    /// Routes in the first search of a step.
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
    /// Whether the step's last search finished over all the routes a step may take (its answer
    /// is then the optimum over those routes).
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
        &self,
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
        // Searches over the routes of the best solutions, a few hundred first, half more each
        // time a search finishes, until the work limit or the deadline stops one.
        let top = picked.len().min(MAX_COLUMNS);
        let limit = work_limit.saturating_mul(ROUTES_PER_WORK);
        let mut best = upper;
        let mut best_sel: Option<Vec<usize>> = None;
        let (mut nodes, mut touched) = (0u64, 0u64);
        let mut size = self.size.min(top);
        let proved = loop {
            let cols: Vec<Col> = picked[..size]
                .iter()
                .map(|&(k, c)| Col::new(k, c))
                .collect();
            let mut cover = Cover::new(inst, &cols, best, limit.saturating_sub(touched), deadline);
            cover.root_multipliers();
            let share_lb = cover.share.iter().sum();
            cover.dfs(0.0, share_lb, &mut Vec::new());
            nodes += cover.nodes;
            touched += cover.touched;
            if let Some(sel) = cover.best_sel.take() {
                best = cover.best;
                best_sel = Some(sel);
            }
            if cover.stopped {
                break false;
            }
            if size >= top {
                break true;
            }
            size = (size + size / 2).max(size + 1).min(top);
        };
        let slots = best_sel.map(|chosen| {
            let mut slots = vec![Vec::new(); inst.slots.len()];
            for &j in &chosen {
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
            nodes,
            work: touched / ROUTES_PER_WORK,
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

/// The exact-cover search. The routes that share a customer with a chosen route are switched
/// off on the way down and back on on the way back (as in Knuth's dancing links), so a node
/// costs about the routes it switches rather than the whole pool.
struct Cover<'a> {
    cols: &'a [Col],
    /// Routes through each customer, by increasing cost per customer.
    by_cust: Vec<Vec<usize>>,
    /// Least cost per customer of a route through each customer.
    share: Vec<f64>,
    /// Lagrangian multipliers of the customers and the reduced costs of the routes.
    mult: Vec<f64>,
    rc: Vec<f64>,
    /// The routes of negative reduced cost, most negative first.
    negative: Vec<usize>,
    /// Chosen routes that share a customer with each route (0: it may still be chosen).
    blocked: Vec<u32>,
    /// Routes through each customer that may still be chosen (vehicle counts aside).
    open: Vec<u32>,
    covered: Vec<bool>,
    /// Vehicles of each type used, available, and in all.
    used: Vec<usize>,
    count: Vec<usize>,
    fleet: usize,
    best: f64,
    best_sel: Option<Vec<usize>>,
    nodes: u64,
    /// Routes looked at so far, and the most the search may look at.
    touched: u64,
    limit: u64,
    deadline: Option<Instant>,
    /// Whether the limit or the deadline stopped the search.
    stopped: bool,
}

impl<'a> Cover<'a> {
    fn new(
        inst: &Inst,
        cols: &'a [Col],
        upper: f64,
        limit: u64,
        deadline: Option<Instant>,
    ) -> Cover<'a> {
        let n = inst.n;
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
        let open = by_cust.iter().map(|l| l.len() as u32).collect();
        let mut count = vec![0usize; inst.types.len()];
        for &t in &inst.slots {
            count[t] += 1;
        }
        Cover {
            cols,
            by_cust,
            mult: share.clone(),
            rc: Vec::new(),
            negative: Vec::new(),
            share,
            blocked: vec![0; cols.len()],
            open,
            covered: vec![false; n],
            used: vec![0; inst.types.len()],
            count,
            fleet: inst.slots.len(),
            best: upper,
            best_sel: None,
            nodes: 0,
            touched: 0,
            limit,
            deadline,
            stopped: false,
        }
    }

    /// Whether route `j` may still be chosen.
    fn available(&self, j: usize) -> bool {
        self.blocked[j] == 0 && self.used[self.cols[j].ty] < self.count[self.cols[j].ty]
    }

    /// Chooses route `j`: its customers are covered and the routes through them switched off.
    fn choose(&mut self, j: usize) {
        let cols = self.cols;
        for &i in &cols[j].custs {
            self.covered[i as usize] = true;
            for &r in &self.by_cust[i as usize] {
                if self.blocked[r] == 0 {
                    for &c in &cols[r].custs {
                        self.open[c as usize] -= 1;
                    }
                }
                self.blocked[r] += 1;
            }
            self.touched += self.by_cust[i as usize].len() as u64;
        }
        self.used[cols[j].ty] += 1;
    }

    /// Undoes [`Cover::choose`] of route `j`.
    fn unchoose(&mut self, j: usize) {
        let cols = self.cols;
        self.used[cols[j].ty] -= 1;
        for &i in &cols[j].custs {
            self.covered[i as usize] = false;
            for &r in &self.by_cust[i as usize] {
                self.blocked[r] -= 1;
                if self.blocked[r] == 0 {
                    for &c in &cols[r].custs {
                        self.open[c as usize] += 1;
                    }
                }
            }
            self.touched += self.by_cust[i as usize].len() as u64;
        }
    }

    /// Subgradient optimisation of the Lagrangian dual (customers' equalities relaxed, at most
    /// `fleet` routes): keeps the best multipliers, the routes' reduced costs under them and the
    /// routes of negative reduced cost in order.
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
            rc.extend(self.cols.iter().enumerate().filter_map(|(j, c)| {
                let r = c.cost - c.custs.iter().map(|&i| u[i as usize]).sum::<f64>();
                (r < 0.0).then_some((r, j))
            }));
            // The fleet's most negative reduced costs, in a total order.
            let cmp = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
            if rc.len() > self.fleet {
                rc.select_nth_unstable_by(self.fleet, cmp);
                rc.truncate(self.fleet);
            }
            self.touched += self.cols.len() as u64;
            let mut l: f64 = u.iter().sum();
            g.iter_mut().for_each(|x| *x = 1.0);
            for &(r, j) in &rc {
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
        self.negative = (0..self.cols.len()).filter(|&j| self.rc[j] < 0.0).collect();
        let rc = &self.rc;
        self.negative
            .sort_by(|&a, &b| rc[a].total_cmp(&rc[b]).then(a.cmp(&b)));
    }

    /// Lagrangian bound on covering the customers left with the vehicles left: their
    /// multipliers plus the most negative reduced costs of the routes still available.
    fn lagrangian(&mut self, routes: usize) -> f64 {
        let mut b = 0.0;
        for (i, &m) in self.mult.iter().enumerate() {
            if !self.covered[i] {
                b += m;
            }
        }
        let mut left = self.fleet.saturating_sub(routes);
        for k in 0..self.negative.len() {
            if left == 0 {
                break;
            }
            let j = self.negative[k];
            self.touched += 1;
            if self.available(j) {
                b += self.rc[j];
                left -= 1;
            }
        }
        b
    }

    fn dfs(&mut self, cost: f64, share_lb: f64, sel: &mut Vec<usize>) {
        if self.stopped {
            return;
        }
        if self.touched >= self.limit
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
        // The customer left with the fewest routes that may still be chosen, and the
        // cost-share bound over those routes.
        let mut pick = None;
        let mut fewest = u32::MAX;
        let mut dyn_lb = 0.0;
        for i in 0..self.by_cust.len() {
            if self.covered[i] {
                continue;
            }
            if self.open[i] == 0 {
                return;
            }
            let mut least = None;
            for (k, &j) in self.by_cust[i].iter().enumerate() {
                if self.available(j) {
                    least = Some(self.cols[j].cost / self.cols[j].custs.len() as f64);
                    self.touched += k as u64 + 1;
                    break;
                }
            }
            let Some(least) = least else {
                self.touched += self.by_cust[i].len() as u64;
                return;
            };
            dyn_lb += least;
            if self.open[i] < fewest {
                fewest = self.open[i];
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
        if !self.rc.is_empty() && cost + self.lagrangian(sel.len()) >= self.best - 1e-9 {
            return;
        }
        for idx in 0..self.by_cust[pick].len() {
            let j = self.by_cust[pick][idx];
            if !self.available(j) {
                continue;
            }
            let lb = share_lb
                - self.cols[j]
                    .custs
                    .iter()
                    .map(|&i| self.share[i as usize])
                    .sum::<f64>();
            self.choose(j);
            sel.push(j);
            self.dfs(cost + self.cols[j].cost, lb, sel);
            sel.pop();
            self.unchoose(j);
            if self.stopped {
                return;
            }
        }
        self.touched += self.by_cust[pick].len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::testutil::two_types_with_unloading;

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

    /// The set-partitioning step finds the brute-force optimum, with each type within its
    /// count, whether it starts with all the routes or with a few and widens; it answers nothing
    /// when asked to beat the optimum itself.
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
            // Half the time the step starts with a few routes, so that it goes through several
            // searches, each over half more routes than the last.
            if seed % 2 == 1 {
                pool.size = rng.random_range(1..=6);
            }
            let opt = brute_force(&inst, &pool);
            // The root Lagrangian bound never exceeds the optimum.
            let cols: Vec<Col> = pool.cols.iter().map(|(k, c)| Col::new(k, c)).collect();
            let mut cover = Cover::new(&inst, &cols, f64::INFINITY, u64::MAX, None);
            cover.root_multipliers();
            let root = cover.lagrangian(0);
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
        let pool = random_pool(&inst, &mut rng, 5);
        let full = pool.solve(&inst, f64::INFINITY, u64::MAX, None);
        assert!(full.proved && full.nodes > 2, "{full:?}");
        let res = pool.solve(&inst, f64::INFINITY, 1, None);
        assert!(!res.proved);
        assert!(res.nodes < full.nodes, "{} vs {}", res.nodes, full.nodes);

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
