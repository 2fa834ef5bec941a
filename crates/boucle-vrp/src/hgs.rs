//! Hybrid genetic search (after Vidal 2022, "Hybrid genetic search for the CVRP: open-source
//! implementation and SWAP* neighborhood"): giant-tour chromosomes, OX crossover, Split, local
//! search (education) on penalised costs with adaptive penalties, feasible and infeasible
//! subpopulations managed by biased fitness (cost rank + diversity rank, broken-pairs distance);
//! three times in the budget, a simulated-annealing phase over SISR's ruin-and-recreate moves
//! (see [`super::ruin`]) from the best solution; four times, set partitioning over the pool of
//! routes met (see [`super::pool`]).

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::budget::{Budget, StopReason};
use super::construct::savings_tour;
use super::instance::{DUMP, Inst, Pen, Viol};
use super::ls::Ls;
use super::params::{SolverParams, work_for};
use super::pool::RoutePool;
use super::ruin::{Adjacency, Anneal};
use super::split::{assign, split};

const MU: usize = 25;
const LAMBDA: usize = 40;
const ELITE: usize = 4;
const CLOSE: usize = 5;
const TARGET_FEASIBLE: f64 = 0.2;
const RESTART_AFTER: u64 = 20_000;
/// Most of the budget (a share, see [`Budget::progress`]) the initial population may take:
/// past it, the genetic search starts with the individuals built so far (at least two).
const INIT_SHARE: f64 = 0.15;
/// From this many customers on, every initial individual comes from randomised savings; below,
/// a share n / this of them (the others from random tours, more diverse and cheap to educate
/// on small instances).
const SAVINGS_ALL_FROM: usize = 500;
/// The annealing phases, as shares of the budget (time or work, whichever is further along):
/// at the start of each, the genetic search hands its best solution to simulated annealing over
/// ruin-and-recreate moves (see [`sisr`]) until the phase's end; the result, after local search,
/// joins the population and the genetic search goes on. Measured on CVRPLIB at 10 s (seeds
/// 1–18): A-n63-k10 reaches its optimum 1314 in 15 of 18 runs and B-n68-k9 its 1272 in 12 of 18
/// with these three phases (seeds 1–30: 24 and 22 of 30); with one phase over 0.3–0.7, 1 and 5 of 6; with two (0.15–0.45,
/// 0.55–0.85), 7 and 10 of 12; with four, 4 and 4 of 6; never on A-n63-k10 with the genetic
/// search alone (1316–1318). Not used with time windows (Solomon:
/// slightly worse) or a balance term (the annealing's objective has none).
const ANNEAL_PHASES: [(f64, f64); 3] = [(0.1, 0.3), (0.4, 0.6), (0.7, 0.9)];
/// From this many customers on, one long annealing phase ([`ONE_ANNEAL`]) replaces the three:
/// there a genetic iteration costs tens of milliseconds and the annealing, given the time, does
/// better. Measured with a work budget of 50 M units (about 2 s) on generated instances: at
/// n = 1,000 (uniform, central depot; clustered, eccentric depot) 80,421 and 154,772 with one
/// phase over 0.05–0.95 against 80,668 and 155,399 with the three; at n = 500 (uniform, central)
/// 44,884 against 44,581.
const ONE_ANNEAL_FROM: usize = 750;
/// The single annealing phase of large instances.
const ONE_ANNEAL: [(f64, f64); 1] = [(0.05, 0.95)];
/// When the search runs the set-partitioning step over its pool of routes (see
/// [`super::pool`]), as shares of the budget: after each annealing phase and near the end.
/// Measured on CVRPLIB at 10 s, seeds 1–90: A-n63-k10 reaches its optimum 1314 in 74 of 90 runs
/// and B-n68-k9 its 1272 in 67 of 90 with one search per step (59 and 59 without the step, same
/// machine); nine steps from 0.2 to 0.97 at a similar share each gave 27 and 23 of 30.
const SP_AT: [f64; 4] = [0.3, 0.6, 0.9, 0.97];
/// Work limit of each set-partitioning step, as a share of the budget. With the searches
/// widening from 300 routes in each step, seeds 1–60 at 10 s: A-n63-k10 at 1314 in 58 and
/// B-n68-k9 at 1272 in 46 with 1.75 %; 55 and 43 with 1 %, 57 and 42 with 3.5 %, 52 and 32 with
/// 6 % (the genetic search and the annealing lose the time).
const SP_SHARE: f64 = 0.0175;
/// Annealing start temperature, relative to the start solution's cost per customer.
const T_START: f64 = 1.0;
/// Annealing start temperature of the single phase of large instances ([`ONE_ANNEAL_FROM`]
/// customers or more), relative to the same: there a phase makes tens of thousands of moves per
/// second, too few to cool from [`T_START`]. Measured on the two generated 1,000-customer
/// instances (clustered customers and eccentric depot; uniform and central), seed 1: with a
/// work budget of 12.5 M units 155,098 and 80,314 against 155,867 and 80,739 (the start
/// solution, not improved) from [`T_START`]; with 50 M units 155,074 and 79,926 against 154,772
/// and 80,421.
const T_START_LARGE: f64 = 0.1;
/// Annealing end temperature, relative to the same.
const T_END: f64 = 0.01;

#[derive(Debug, Clone)]
pub(crate) struct Indiv {
    pub slots: Vec<Vec<u32>>,
    giant: Vec<u32>,
    base: f64,
    viol: Viol,
    pub pcost: f64,
    pub feasible: bool,
    succ: Vec<u32>,
    pred: Vec<u32>,
}

impl Indiv {
    fn new(inst: &Inst, pen: &Pen, slots: Vec<Vec<u32>>) -> Indiv {
        let n = inst.n as u32;
        let mut giant = Vec::with_capacity(inst.n);
        let mut succ = vec![n; inst.n];
        let mut pred = vec![n; inst.n];
        let mut base = 0.0;
        let mut viol = Viol::default();
        let mut max_dur: f64 = 0.0;
        for (s, nodes) in slots.iter().enumerate() {
            let custs: Vec<u32> = nodes.iter().copied().filter(|&x| x != DUMP).collect();
            if custs.is_empty() {
                continue;
            }
            let t = inst.slots[s];
            let seg = inst.route_seg(t, nodes);
            base += inst.base_cost(t, &seg);
            viol.add(&inst.viol(t, &seg));
            max_dur = max_dur.max(seg.dur);
            for w in custs.windows(2) {
                succ[w[0] as usize] = w[1];
                pred[w[1] as usize] = w[0];
            }
            giant.extend_from_slice(&custs);
        }
        base += inst.balance * max_dur;
        let mut ind = Indiv {
            slots,
            giant,
            base,
            viol,
            pcost: 0.0,
            feasible: viol.feasible(),
            succ,
            pred,
        };
        ind.reprice(pen);
        ind
    }

    fn reprice(&mut self, pen: &Pen) {
        self.pcost = self.base + self.viol.penalty(pen);
    }

    fn distance(&self, o: &Indiv) -> f64 {
        let n = self.succ.len();
        if n == 0 {
            return 0.0;
        }
        let depot = n as u32;
        let mut diff = 0usize;
        for j in 0..n {
            if self.succ[j] != o.succ[j] && self.succ[j] != o.pred[j] {
                diff += 1;
            }
            if self.pred[j] == depot && o.pred[j] != depot && o.succ[j] != depot {
                diff += 1;
            }
        }
        diff as f64 / n as f64
    }
}

#[derive(Default)]
struct SubPop {
    inds: Vec<Indiv>,
    dist: Vec<Vec<f64>>,
    fit: Vec<f64>,
}

impl SubPop {
    fn add(&mut self, ind: Indiv) {
        let row: Vec<f64> = self.inds.iter().map(|o| ind.distance(o)).collect();
        for (r, &d) in self.dist.iter_mut().zip(&row) {
            r.push(d);
        }
        let mut row = row;
        row.push(0.0);
        self.dist.push(row);
        self.inds.push(ind);
        if self.inds.len() > MU + LAMBDA {
            while self.inds.len() > MU {
                self.update_fitness();
                let idx = self.worst();
                self.remove(idx);
            }
        }
        self.update_fitness();
    }

    fn remove(&mut self, idx: usize) {
        self.inds.remove(idx);
        self.dist.remove(idx);
        for r in &mut self.dist {
            r.remove(idx);
        }
    }

    fn worst(&self) -> usize {
        let mut best: Option<(bool, f64, usize)> = None;
        for i in 0..self.inds.len() {
            let clone = (0..self.inds.len()).any(|j| j != i && self.dist[i][j] < 1e-9);
            let key = (clone, self.fit[i], i);
            if best.is_none_or(|b| (key.0, key.1) > (b.0, b.1)) {
                best = Some(key);
            }
        }
        best.expect("non-empty").2
    }

    fn update_fitness(&mut self) {
        let m = self.inds.len();
        self.fit = vec![0.0; m];
        if m <= 1 {
            return;
        }
        let mut by_cost: Vec<usize> = (0..m).collect();
        by_cost.sort_by(|&a, &b| {
            self.inds[a]
                .pcost
                .total_cmp(&self.inds[b].pcost)
                .then(a.cmp(&b))
        });
        let div: Vec<f64> = (0..m)
            .map(|i| {
                let mut d: Vec<f64> = (0..m)
                    .filter(|&j| j != i)
                    .map(|j| self.dist[i][j])
                    .collect();
                let k = CLOSE.min(d.len());
                d.select_nth_unstable_by(k - 1, |a, b| a.total_cmp(b));
                d[..k].iter().sum::<f64>() / k as f64
            })
            .collect();
        let mut by_div: Vec<usize> = (0..m).collect();
        by_div.sort_by(|&a, &b| div[b].total_cmp(&div[a]).then(a.cmp(&b)));
        let mut div_rank = vec![0.0; m];
        for (r, &i) in by_div.iter().enumerate() {
            div_rank[i] = r as f64 / (m - 1) as f64;
        }
        let elite_w = 1.0 - ELITE as f64 / m as f64;
        for (r, &i) in by_cost.iter().enumerate() {
            self.fit[i] = r as f64 / (m - 1) as f64 + elite_w * div_rank[i];
        }
    }
}

/// Statistics of a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunStats {
    pub iterations: u64,
    pub work: u64,
    /// Seconds from the start of the search to its first feasible solution.
    pub first_feasible_s: Option<f64>,
    /// Size of the first initial population (it shrinks under tight budgets).
    pub initial: usize,
    /// What ended the search.
    pub stop: StopReason,
}

/// Runs the genetic search within `budget`; returns the best solution found (feasible if one
/// was found).
pub(crate) fn run(inst: &Inst, params: &SolverParams, budget: &Budget) -> (Indiv, RunStats) {
    let mut rng = Pcg64::seed_from_u64(params.seed);
    let mut pen = inst.initial_pen();
    let mut ls = Ls::new(inst, pen);
    ls.set_deadline(budget.deadline);
    let split_ty = inst.slots[0];
    let n = inst.n;
    let mut feas = SubPop::default();
    let mut infeas = SubPop::default();
    let mut best: Option<Indiv> = None;
    let mut stats = RunStats::default();
    // Feasibility history per constraint kind: capacity (2 dims), time, distance.
    let mut hist: [Vec<bool>; 4] = Default::default();
    let mut since_improve = 0u64;
    let use_pool = inst.balance == 0.0;
    let mut pool = RoutePool::default();
    let mut sp_next = 0usize;

    let educate =
        |ls: &mut Ls, rng: &mut Pcg64, pen: &Pen, giant: &[u32], work: &mut u64| -> Indiv {
            let routes = split(inst, pen, giant, split_ty, work);
            let slots = assign(inst, pen, routes);
            ls.set_pen(*pen);
            ls.load(&slots);
            ls.run(rng);
            Indiv::new(inst, pen, ls.export())
        };

    let phases: &[(f64, f64)] = if n >= ONE_ANNEAL_FROM {
        &ONE_ANNEAL
    } else {
        &ANNEAL_PHASES
    };
    let mut split_work = 0u64;
    let mut phase = 0usize;
    let mut it = 0u64;
    // The initial population: up to MU educated individuals, fewer when building them would
    // take more than INIT_SHARE of the budget (large instances, short budgets).
    let mut init = MU;
    let mut init_until = INIT_SHARE;
    let mut k = 0;
    // Share of the initial individuals built from randomised savings rather than random tours.
    let savings_share = (n as f64 / SAVINGS_ALL_FROM as f64).min(1.0);
    loop {
        let work = ls.work + split_work;
        if let Some(why) = budget.over(it, work)
            && (best.is_some() || k > 0)
        {
            stats.stop = why;
            break;
        }
        if use_pool
            && SP_AT
                .get(sp_next)
                .is_some_and(|&at| budget.progress(work) >= at)
            && let Some(b) = &best
        {
            // Set partitioning over the pool of routes met.
            sp_next += 1;
            let cap = budget.max_work.min(work_for(budget.span()));
            let deadline = budget.deadline;
            let res = pool.solve(inst, b.base, (cap as f64 * SP_SHARE) as u64, deadline);
            split_work += res.work;
            if let Some(slots) = res.slots {
                let ind = Indiv::new(inst, &pen, slots);
                if ind.feasible {
                    pool.add(inst, &ind.slots, ind.base);
                    if consider_best(&mut best, &ind, &mut stats, budget) {
                        since_improve = 0;
                    }
                    feas.add(ind);
                }
            }
            continue;
        }
        if let Some(&(from, until)) = phases.get(phase)
            && inst.balance == 0.0
            && !inst.timed
            && let Some(b) = &best
            && budget.progress(work) >= from
        {
            // Simulated annealing over ruin and recreate from the best solution, then the local
            // search on what it found, which joins the population.
            phase += 1;
            let window = budget.progress(work)..until;
            let mut total_work = work;
            let found = sisr(
                inst,
                &pen,
                b.slots.clone(),
                (budget, window),
                &mut rng,
                &mut total_work,
                &mut pool,
            );
            split_work += total_work - work;
            ls.set_pen(pen);
            ls.load(&found);
            ls.run(&mut rng);
            for slots in [found, ls.export()] {
                let ind = Indiv::new(inst, &pen, slots);
                if use_pool {
                    pool_routes(&mut pool, inst, &ind);
                }
                if ind.feasible {
                    if consider_best(&mut best, &ind, &mut stats, budget) {
                        since_improve = 0;
                    }
                    feas.add(ind);
                }
            }
            continue;
        }
        let in_init = k < init && (k < 2 || budget.progress(work) < init_until);
        if !in_init && k < init {
            // The budget allows no more initial individuals.
            init = k;
        }
        if stats.initial == 0 && !in_init {
            stats.initial = k;
        }
        let giant: Vec<u32> = if k == 0 {
            // Savings give a sound first solution even under tiny budgets; with time windows, a
            // nearest-neighbour tour that follows them.
            if inst.timed {
                greedy_tour(inst)
            } else {
                savings_tour::<Pcg64>(inst, None)
            }
        } else if in_init {
            if rng.random_bool(savings_share) {
                savings_tour(inst, Some(&mut rng))
            } else {
                let mut g: Vec<u32> = (0..n as u32).collect();
                g.shuffle(&mut rng);
                g
            }
        } else {
            let p1 = tournament(&feas, &infeas, &mut rng);
            let p2 = tournament(&feas, &infeas, &mut rng);
            ox(&p1.giant, &p2.giant, &mut rng)
        };
        k += 1;
        if !in_init {
            it += 1;
        }
        let mut ind = educate(&mut ls, &mut rng, &pen, &giant, &mut split_work);
        if use_pool {
            pool_routes(&mut pool, inst, &ind);
        }
        hist[0].push(ind.viol.cap[0] <= 1e-6);
        hist[1].push(ind.viol.cap[1] <= 1e-6);
        hist[2].push(ind.viol.time <= 1e-6);
        hist[3].push(ind.viol.dist <= 1e-6);
        let mut improved = false;
        if !ind.feasible && rng.random_bool(0.5) {
            // Repair: the same local search with much stronger penalties.
            let strong = pen.scaled(10.0);
            ls.set_pen(strong);
            ls.run(&mut rng);
            let mut rep = Indiv::new(inst, &pen, ls.export());
            if use_pool {
                pool_routes(&mut pool, inst, &rep);
            }
            if rep.feasible {
                rep.reprice(&pen);
                improved |= consider_best(&mut best, &rep, &mut stats, budget);
                feas.add(rep);
            }
        }
        if ind.feasible {
            improved |= consider_best(&mut best, &ind, &mut stats, budget);
            feas.add(ind);
        } else {
            ind.reprice(&pen);
            infeas.add(ind);
        }
        if improved {
            since_improve = 0;
        } else {
            since_improve += 1;
        }
        // Penalty adaptation every 100 educations.
        if k % 100 == 0 {
            let mut changed = false;
            let [c0, c1] = &mut pen.cap;
            let ws = [c0, c1, &mut pen.tw, &mut pen.dist];
            for (h, w) in hist.iter_mut().zip(ws) {
                if h.is_empty() {
                    continue;
                }
                let frac = h.iter().filter(|&&b| b).count() as f64 / h.len() as f64;
                if frac < 0.01 {
                    *w = (*w * 2.0).min(1e9);
                    changed = true;
                } else if frac < TARGET_FEASIBLE - 0.05 {
                    *w = (*w * 1.2).min(1e9);
                    changed = true;
                } else if frac > TARGET_FEASIBLE + 0.05 {
                    *w = (*w * 0.85).max(1e-6);
                    changed = true;
                }
                h.clear();
            }
            if changed {
                for ind in &mut infeas.inds {
                    ind.reprice(&pen);
                }
                infeas.update_fitness();
            }
        }
        if since_improve >= RESTART_AFTER {
            feas = SubPop::default();
            infeas = SubPop::default();
            since_improve = 0;
            k = 0;
            init = MU;
            init_until = budget.progress(ls.work + split_work) + INIT_SHARE;
        }
    }
    stats.iterations = it;
    stats.work = ls.work + split_work;
    if stats.initial == 0 {
        stats.initial = k;
    }
    let best = match best {
        Some(b) => b,
        None => {
            // No feasible solution: the least-violating one, repaired with ever stronger
            // penalties.
            let all = feas.inds.iter().chain(&infeas.inds);
            let strong = pen.scaled(1e3);
            let mut cand = all
                .min_by(|a, b| {
                    let ca = a.base + a.viol.penalty(&strong);
                    let cb = b.base + b.viol.penalty(&strong);
                    ca.total_cmp(&cb)
                })
                .cloned()
                .unwrap_or_else(|| Indiv::new(inst, &pen, vec![Vec::new(); inst.slots.len()]));
            for k in [10.0, 100.0, 1e3, 1e4] {
                if cand.feasible {
                    break;
                }
                ls.set_pen(pen.scaled(k));
                ls.load(&cand.slots);
                ls.run(&mut rng);
                let rep = Indiv::new(inst, &pen, ls.export());
                if rep.feasible || rep.viol.penalty(&strong) < cand.viol.penalty(&strong) {
                    cand = rep;
                }
            }
            cand
        }
    };
    (best, stats)
}

/// Puts the routes of `ind` in the pool: an infeasible solution's feasible routes count for
/// their orders (see [`RoutePool::add`]).
fn pool_routes(pool: &mut RoutePool, inst: &Inst, ind: &Indiv) {
    let cost = if ind.feasible {
        ind.base
    } else {
        f64::INFINITY
    };
    pool.add(inst, &ind.slots, cost);
}

fn consider_best(
    best: &mut Option<Indiv>,
    ind: &Indiv,
    stats: &mut RunStats,
    budget: &Budget,
) -> bool {
    if best.as_ref().is_none_or(|b| ind.base < b.base - 1e-9) {
        if best.is_none() {
            stats.first_feasible_s = Some(budget.elapsed());
        }
        *best = Some(ind.clone());
        true
    } else {
        false
    }
}

fn tournament<'p>(feas: &'p SubPop, infeas: &'p SubPop, rng: &mut Pcg64) -> &'p Indiv {
    let total = feas.inds.len() + infeas.inds.len();
    let pick = |i: usize| -> (&'p Indiv, f64) {
        if i < feas.inds.len() {
            (&feas.inds[i], feas.fit[i])
        } else {
            let j = i - feas.inds.len();
            (&infeas.inds[j], infeas.fit[j])
        }
    };
    let a = pick(rng.random_range(0..total));
    let b = pick(rng.random_range(0..total));
    if a.1 <= b.1 { a.0 } else { b.0 }
}

/// Nearest-neighbour giant tour from the first vehicle type's start depot, on travel cost plus,
/// with time windows, the waiting and lateness a vehicle would meet following it.
fn greedy_tour(inst: &Inst) -> Vec<u32> {
    let ty = inst.slots[0];
    let td = &inst.types[ty];
    let mut left: Vec<u32> = (0..inst.n as u32).collect();
    let mut tour = Vec::with_capacity(inst.n);
    let mut at = td.start_seg.last;
    let mut time = td.start_seg.early;
    while !left.is_empty() {
        let mut best = (f64::INFINITY, 0usize);
        for (i, &c) in left.iter().enumerate() {
            let s = &inst.cust_seg[c as usize];
            let arrive = time + inst.t(at, s.first);
            let wait = (s.early - arrive).max(0.0);
            let late = (arrive - s.late).max(0.0);
            let key = inst.d(at, s.first) * td.c_m.max(1e-9)
                + inst.t(at, s.first) * td.c_s
                + if inst.timed {
                    (wait * 0.5 + late * 10.0) * (td.c_s + td.c_m.max(1e-9))
                } else {
                    0.0
                };
            if key < best.0 {
                best = (key, i);
            }
        }
        let c = left.swap_remove(best.1);
        let s = &inst.cust_seg[c as usize];
        time = (time + inst.t(at, s.first)).max(s.early) + s.dur;
        at = s.first;
        tour.push(c);
    }
    tour
}

/// Ordered crossover (OX) on giant tours.
fn ox(p1: &[u32], p2: &[u32], rng: &mut Pcg64) -> Vec<u32> {
    let n = p1.len();
    if n < 2 {
        return p1.to_vec();
    }
    let a = rng.random_range(0..n);
    let mut b = rng.random_range(0..n);
    while b == a {
        b = rng.random_range(0..n);
    }
    let mut child = vec![u32::MAX; n];
    let mut used = vec![false; n];
    let mut i = a;
    loop {
        child[i] = p1[i];
        used[p1[i] as usize] = true;
        if i == b {
            break;
        }
        i = (i + 1) % n;
    }
    let mut pos = (b + 1) % n;
    for k in 0..n {
        let c = p2[(b + 1 + k) % n];
        if !used[c as usize] {
            child[pos] = c;
            pos = (pos + 1) % n;
        }
    }
    child
}

/// Simulated annealing over SISR's ruin-and-recreate moves (Christiaens & Vanden Berghe 2020)
/// from `start` while the budget's progress runs through the window of `span`; returns the best
/// feasible solution met (else the start), whose every improvement goes to `pool`. The temperature falls geometrically from [`T_START`] to
/// [`T_END`] times the start's cost per customer across the window. Constraints are hard where
/// an insertion can keep them (penalties 10⁴ times the current ones otherwise). `work` is the
/// search's total work so far and grows with the positions priced.
fn sisr(
    inst: &Inst,
    pen: &Pen,
    start: Vec<Vec<u32>>,
    span: (&Budget, std::ops::Range<f64>),
    rng: &mut Pcg64,
    work: &mut u64,
    pool: &mut RoutePool,
) -> Vec<Vec<u32>> {
    let (budget, window) = span;
    let adj = Adjacency::new(inst);
    let mut cur = Anneal::new(inst, pen.scaled(1e4), start);
    let mut cand = cur.clone();
    let mut best = cur.clone();
    let mut best_ok = best.feasible();
    let per_customer = cur.total() / inst.n.max(1) as f64;
    let start_temp = if inst.n >= ONE_ANNEAL_FROM {
        T_START_LARGE
    } else {
        T_START
    };
    let (t0, t1) = (start_temp * per_customer, T_END * per_customer);
    loop {
        let done = (budget.progress(*work) - window.start) / (window.end - window.start).max(1e-9);
        if done >= 1.0 {
            break;
        }
        let temp = t0 * (t1 / t0).powf(done.max(0.0));
        // The clock is read once per 25 moves.
        for _ in 0..25 {
            cand.clone_from(&cur);
            cand.step(&adj, rng, work);
            let u: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
            if cand.total() < cur.total() - temp * u.ln() {
                std::mem::swap(&mut cur, &mut cand);
                if (!best_ok || cur.total() < best.total() - 1e-9) && cur.feasible() {
                    best.clone_from(&cur);
                    best_ok = true;
                    pool.add(inst, best.slots(), best.total());
                }
            }
        }
    }
    best.slots().to_vec()
}
