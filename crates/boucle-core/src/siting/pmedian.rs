//! The p-median problem on a dense table of weighted costs: choose `p` of `m` candidate sites so
//! that the sum over sources of the cost to their nearest chosen site is smallest.
//!
//! - [`exact`]: depth-first branch-and-bound over the candidate subsets (in index order), pruned
//!   by a bound that lets every source use the cheapest of the chosen sites and of all the
//!   candidates still to be considered. Without pruning it is exhaustive enumeration; it stops
//!   and returns `None` past a work budget.
//! - [`fast_interchange`]: Teitz–Bart vertex substitution in Whitaker's fast-interchange form
//!   (one pass over the sources evaluates every swap for one entering candidate, using each
//!   source's nearest and second-nearest open site), from a greedy start and seeded random
//!   starts.
//! - [`exact_by_fixing`]: Lagrangian variable fixing (candidates whose forced-open bound reaches
//!   the incumbent are dropped), then [`exact`] on the candidates left: exact on instances far
//!   beyond plain enumeration (500 candidates, p = 5).
//! - [`lagrangian_bound`]: a lower bound on the optimum by Lagrangian relaxation of the
//!   assignment constraints with subgradient optimisation, to state a proven gap where exact
//!   search is out of reach.
//!
//! Costs are `cost[i * m + j]` = weight of source `i` × distance from source `i` to candidate
//! `j`; any non-negative finite numbers work.

use rand::seq::index::sample;
use rand::{Rng, SeedableRng};

/// A p-median instance: `n` sources × `m` candidates, row-major weighted costs.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Number of sources (rows).
    pub n: usize,
    /// Number of candidate sites (columns).
    pub m: usize,
    /// `cost[i * m + j]`: cost of serving source `i` from candidate `j` (≥ 0).
    pub cost: Vec<f64>,
    /// The same costs column by column (`by_candidate[j * n + i]`), for cache-friendly scans
    /// of one candidate over every source.
    by_candidate: Vec<f64>,
}

/// A set of open sites and its total cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Indices of the open candidates, ascending.
    pub open: Vec<usize>,
    /// Sum over sources of the cost to the nearest open candidate.
    pub cost: f64,
}

impl Instance {
    /// A new instance; `cost.len()` must be `n * m`.
    pub fn new(n: usize, m: usize, cost: Vec<f64>) -> Instance {
        assert_eq!(cost.len(), n * m, "cost table must be n × m");
        let mut by_candidate = vec![0.0; n * m];
        for i in 0..n {
            for j in 0..m {
                by_candidate[j * n + i] = cost[i * m + j];
            }
        }
        Instance {
            n,
            m,
            cost,
            by_candidate,
        }
    }

    #[inline]
    fn c(&self, i: usize, j: usize) -> f64 {
        self.cost[i * self.m + j]
    }

    /// Costs of candidate `j` for every source.
    #[inline]
    fn col(&self, j: usize) -> &[f64] {
        &self.by_candidate[j * self.n..(j + 1) * self.n]
    }

    /// Total cost of serving every source from its nearest site in `open`.
    pub fn evaluate(&self, open: &[usize]) -> f64 {
        (0..self.n)
            .map(|i| {
                open.iter()
                    .map(|&j| self.c(i, j))
                    .fold(f64::INFINITY, f64::min)
            })
            .sum()
    }

    /// For each source, the index (into `open`) of its nearest open site.
    pub fn assign(&self, open: &[usize]) -> Vec<usize> {
        (0..self.n)
            .map(|i| {
                let mut best = 0;
                for (k, &j) in open.iter().enumerate() {
                    if self.c(i, j) < self.c(i, open[best]) {
                        best = k;
                    }
                }
                best
            })
            .collect()
    }
}

/// Number of `p`-subsets of `m` candidates (saturating).
pub fn combinations(m: usize, p: usize) -> f64 {
    if p > m {
        return 0.0;
    }
    let p = p.min(m - p);
    (0..p).fold(1.0, |acc, k| acc * (m - k) as f64 / (k + 1) as f64)
}

/// Exact optimum by branch-and-bound, or `None` when more than `max_work` source-evaluations
/// (search nodes × n) would be needed. `incumbent` is a known solution with `p` sites (e.g. from
/// [`fast_interchange`]) that speeds pruning; it is returned when nothing cheaper exists.
pub fn exact(
    inst: &Instance,
    p: usize,
    incumbent: Option<&Solution>,
    max_work: f64,
) -> Option<Solution> {
    let (n, m) = (inst.n, inst.m);
    if p == 0 || p > m {
        return None;
    }
    // suffix[j * n + i] = min over candidates j' ≥ j of cost(i, j'); row m is +∞.
    let mut suffix = vec![f64::INFINITY; (m + 1) * n];
    for j in (0..m).rev() {
        let (head, tail) = suffix.split_at_mut((j + 1) * n);
        for ((s, &c), &next) in head[j * n..].iter_mut().zip(inst.col(j)).zip(&tail[..n]) {
            *s = c.min(next);
        }
    }
    struct Search<'a> {
        inst: &'a Instance,
        p: usize,
        suffix: Vec<f64>,
        best_cost: f64,
        best: Option<Vec<usize>>,
        chosen: Vec<usize>,
        work: f64,
        max_work: f64,
        aborted: bool,
    }
    impl Search<'_> {
        // `cur[i]`: cost of source i to its nearest chosen site (∞ when none chosen).
        fn dfs(&mut self, cur: &[f64], next: usize) {
            let (n, m) = (self.inst.n, self.inst.m);
            let need = self.p - self.chosen.len();
            for j in next..=(m - need) {
                if self.aborted {
                    return;
                }
                self.work += n as f64;
                if self.work > self.max_work {
                    self.aborted = true;
                    return;
                }
                let row: Vec<f64> = cur
                    .iter()
                    .zip(self.inst.col(j))
                    .map(|(&a, &c)| a.min(c))
                    .collect();
                if need == 1 {
                    let total: f64 = row.iter().sum();
                    if total < self.best_cost {
                        self.best_cost = total;
                        let mut s = self.chosen.clone();
                        s.push(j);
                        self.best = Some(s);
                    }
                    continue;
                }
                // Bound: every source may still use any candidate after j.
                let bound: f64 = (0..n)
                    .map(|i| row[i].min(self.suffix[(j + 1) * n + i]))
                    .sum();
                if bound >= self.best_cost {
                    continue;
                }
                self.chosen.push(j);
                self.dfs(&row, j + 1);
                self.chosen.pop();
            }
        }
    }
    let mut s = Search {
        inst,
        p,
        suffix,
        best_cost: incumbent.map_or(f64::INFINITY, |s| s.cost),
        best: None,
        chosen: Vec::with_capacity(p),
        work: 0.0,
        max_work,
        aborted: false,
    };
    s.dfs(&vec![f64::INFINITY; n], 0);
    if s.aborted {
        return None;
    }
    match s.best {
        Some(open) => {
            let cost = inst.evaluate(&open);
            Some(Solution { open, cost })
        }
        None => incumbent.cloned(),
    }
}

/// Greedy construction: add, one at a time, the candidate that lowers the total cost most.
pub fn greedy(inst: &Instance, p: usize) -> Solution {
    let (n, m) = (inst.n, inst.m);
    let p = p.min(m);
    let mut cur = vec![f64::INFINITY; n];
    let mut open = Vec::with_capacity(p);
    let mut is_open = vec![false; m];
    for _ in 0..p {
        let mut best = (f64::INFINITY, usize::MAX);
        for j in (0..m).filter(|&j| !is_open[j]) {
            let total: f64 = cur.iter().zip(inst.col(j)).map(|(&a, &c)| a.min(c)).sum();
            if total < best.0 {
                best = (total, j);
            }
        }
        // With NaN costs no total compares lower: take the first closed candidate.
        let Some(j) = (best.1 < m)
            .then_some(best.1)
            .or_else(|| (0..m).find(|&j| !is_open[j]))
        else {
            break;
        };
        is_open[j] = true;
        open.push(j);
        for (c, &x) in cur.iter_mut().zip(inst.col(j)) {
            *c = c.min(x);
        }
    }
    open.sort_unstable();
    let cost = inst.evaluate(&open);
    Solution { open, cost }
}

/// Nearest (position in `open`, cost) and second-nearest cost of every source.
fn nearest_two(inst: &Instance, open: &[usize], c1: &mut [usize], d1: &mut [f64], d2: &mut [f64]) {
    for i in 0..inst.n {
        let (mut b1, mut b2, mut k1) = (f64::INFINITY, f64::INFINITY, 0);
        for (k, &j) in open.iter().enumerate() {
            let c = inst.c(i, j);
            if c < b1 {
                b2 = b1;
                b1 = c;
                k1 = k;
            } else if c < b2 {
                b2 = c;
            }
        }
        c1[i] = k1;
        d1[i] = b1;
        d2[i] = b2;
    }
}

/// Local search by vertex substitution (Teitz–Bart) with Whitaker's fast interchange, from
/// `start` (p distinct candidate indices), until no swap improves. Each iteration evaluates
/// every swap in O(n·m) and makes the best one (best improvement: on small random cases it
/// reaches the optimum far more often than first improvement).
pub fn interchange(inst: &Instance, start: &[usize]) -> Solution {
    let (n, m) = (inst.n, inst.m);
    let p = start.len();
    let mut open = start.to_vec();
    let mut is_open = vec![false; m];
    for &j in &open {
        is_open[j] = true;
    }
    let (mut c1, mut d1, mut d2) = (vec![0; n], vec![0.0; n], vec![0.0; n]);
    nearest_two(inst, &open, &mut c1, &mut d1, &mut d2);
    let mut total: f64 = d1.iter().sum();
    let mut loss = vec![0.0; p];
    if p == 0 || p == m {
        open.sort_unstable();
        return Solution { open, cost: total };
    }
    loop {
        // Best swap over every (entering, leaving) pair: one O(n) pass per entering candidate.
        let mut best = (0.0, usize::MAX, 0);
        for j_in in (0..m).filter(|&j| !is_open[j]) {
            let mut common = 0.0;
            loss.iter_mut().for_each(|l| *l = 0.0);
            for (i, &c) in inst.col(j_in).iter().enumerate() {
                if c < d1[i] {
                    common += c - d1[i];
                } else {
                    loss[c1[i]] += c.min(d2[i]) - d1[i];
                }
            }
            for (k, &l) in loss.iter().enumerate() {
                if common + l < best.0 {
                    best = (common + l, j_in, k);
                }
            }
        }
        let (delta, j_in, k_out) = best;
        if j_in == usize::MAX || delta >= -1e-9 * total.max(1.0) {
            break;
        }
        is_open[open[k_out]] = false;
        open[k_out] = j_in;
        is_open[j_in] = true;
        nearest_two(inst, &open, &mut c1, &mut d1, &mut d2);
        total = d1.iter().sum();
    }
    open.sort_unstable();
    let cost = inst.evaluate(&open);
    Solution { open, cost }
}

/// Fast interchange from the greedy solution and `random_starts` random p-subsets drawn with
/// a generator seeded by `seed`; returns the best local optimum found.
pub fn fast_interchange(inst: &Instance, p: usize, random_starts: usize, seed: u64) -> Solution {
    let p = p.min(inst.m);
    let mut best = interchange(inst, &greedy(inst, p).open);
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    for _ in 0..random_starts {
        let start: Vec<usize> = sample(&mut rng, inst.m, p).into_vec();
        let s = interchange(inst, &start);
        if s.cost < best.cost - 1e-9 * best.cost.max(1.0) {
            best = s;
        }
    }
    best
}

/// A lower bound on the p-median optimum: Lagrangian relaxation of "each source is assigned
/// once", maximised by subgradient steps (Polyak step towards the target `upper`, halved after
/// 20 steps without progress). Any value it returns is a valid bound; it is capped at `upper`,
/// so pass a target above the best known value (e.g. 1.05 ×) to see the bound itself.
pub fn lagrangian_bound(inst: &Instance, p: usize, upper: f64, iterations: usize) -> f64 {
    lagrangian(inst, p, upper, iterations).bound.min(upper)
}

/// The best Lagrangian relaxation found by [`lagrangian_bound`]'s subgradient search: its value
/// (a valid lower bound, not capped) and each candidate's reduced cost at that point.
#[derive(Debug, Clone)]
pub struct Lagrangian {
    /// Σ λ + the `p` smallest reduced costs: a lower bound on the optimum.
    pub bound: f64,
    /// `rho[j]` = Σ_i min(0, cost(i, j) − λ_i) at the best multipliers.
    pub rho: Vec<f64>,
}

/// The subgradient search of [`lagrangian_bound`], keeping the reduced costs of its best point.
pub fn lagrangian(inst: &Instance, p: usize, upper: f64, iterations: usize) -> Lagrangian {
    let (n, m) = (inst.n, inst.m);
    if p == 0 || p > m || n == 0 {
        return Lagrangian {
            bound: 0.0,
            rho: vec![0.0; m],
        };
    }
    // Start from each source's second-cheapest cost: a common, reasonably tight start.
    let mut lambda: Vec<f64> = (0..n)
        .map(|i| {
            let (mut a, mut b) = (f64::INFINITY, f64::INFINITY);
            for j in 0..m {
                let c = inst.c(i, j);
                if c < a {
                    b = a;
                    a = c;
                } else if c < b {
                    b = c;
                }
            }
            if b.is_finite() { b } else { a }
        })
        .collect();
    let mut best = 0.0f64;
    let mut best_rho = vec![0.0; m];
    let mut theta = 2.0;
    let mut stall = 0;
    let mut rho = vec![0.0; m];
    let mut order: Vec<usize> = (0..m).collect();
    let mut g = vec![0.0; n];
    for _ in 0..iterations {
        rho.iter_mut().for_each(|r| *r = 0.0);
        for (&l, row) in lambda.iter().zip(inst.cost.chunks_exact(m)) {
            for (r, &c) in rho.iter_mut().zip(row) {
                if c < l {
                    *r += c - l;
                }
            }
        }
        order.select_nth_unstable_by(p - 1, |&a, &b| rho[a].total_cmp(&rho[b]));
        let chosen = &order[..p];
        let value: f64 = lambda.iter().sum::<f64>() + chosen.iter().map(|&j| rho[j]).sum::<f64>();
        if value > best + 1e-12 * best.abs() {
            best = value;
            best_rho.copy_from_slice(&rho);
            stall = 0;
        } else {
            stall += 1;
            if stall >= 20 {
                theta /= 2.0;
                stall = 0;
            }
        }
        // Subgradient: 1 − number of chosen sites that take source i.
        let mut norm = 0.0;
        for i in 0..n {
            let l = lambda[i];
            let taken = chosen.iter().filter(|&&j| inst.c(i, j) < l).count() as f64;
            g[i] = 1.0 - taken;
            norm += g[i] * g[i];
        }
        if norm == 0.0 || theta < 1e-6 {
            break;
        }
        let step = theta * (upper - value).max(1e-9 * upper.abs().max(1.0)) / norm;
        for i in 0..n {
            lambda[i] += step * g[i];
        }
    }
    Lagrangian {
        bound: best,
        rho: best_rho,
    }
}

/// What [`exact_by_fixing`] did: the bound, how many candidates it ruled out, and whether the
/// branch-and-bound on the others finished.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixing {
    /// The Lagrangian lower bound used for fixing.
    pub bound: f64,
    /// Candidates kept for the branch-and-bound (the others cannot be in a cheaper solution).
    pub kept: usize,
}

/// Exact optimum by Lagrangian variable fixing then branch-and-bound (Beasley's approach): with
/// multipliers λ, forcing candidate `j` open gives the bound `L − ρ_(p) + ρ_j` (ρ_(p) the p-th
/// smallest reduced cost), so every candidate whose bound is at least the incumbent's cost cannot
/// be in a cheaper solution and is dropped; [`exact`] then searches the few that are left.
/// Returns the optimum and what fixing did, or `None` when the remaining search exceeds
/// `max_work` (as in [`exact`]). `incumbent` must have `p` sites (e.g. [`fast_interchange`]).
pub fn exact_by_fixing(
    inst: &Instance,
    p: usize,
    incumbent: &Solution,
    iterations: usize,
    max_work: f64,
) -> Option<(Solution, Fixing)> {
    let (n, m) = (inst.n, inst.m);
    if p == 0 || p > m || incumbent.open.len() != p {
        return None;
    }
    let upper = incumbent.cost;
    let lag = lagrangian(inst, p, 1.05 * upper, iterations);
    let mut sorted = lag.rho.clone();
    sorted.sort_by(f64::total_cmp);
    let rho_p = sorted[p - 1];
    // A margin for rounding: keep a candidate unless its bound clearly reaches the incumbent.
    let margin = 1e-9 * upper.abs().max(1.0);
    let kept: Vec<usize> = (0..m)
        .filter(|&j| lag.bound - rho_p + lag.rho[j] < upper - margin)
        .collect();
    let fixing = Fixing {
        bound: lag.bound.min(upper),
        kept: kept.len(),
    };
    if kept.len() < p {
        // No p-subset of the kept candidates can beat the incumbent: it is optimal.
        return Some((incumbent.clone(), fixing));
    }
    let mut cost = Vec::with_capacity(n * kept.len());
    for i in 0..n {
        cost.extend(kept.iter().map(|&j| inst.c(i, j)));
    }
    let sub = Instance::new(n, kept.len(), cost);
    let bound = Solution {
        open: Vec::new(),
        cost: upper,
    };
    let found = exact(&sub, p, Some(&bound), max_work)?;
    if found.open.is_empty() {
        // Nothing strictly cheaper among the kept candidates.
        return Some((incumbent.clone(), fixing));
    }
    let mut open: Vec<usize> = found.open.iter().map(|&k| kept[k]).collect();
    open.sort_unstable();
    let cost = inst.evaluate(&open);
    Some((Solution { open, cost }, fixing))
}

/// Uniform random instance for tests and benchmarks: sources and candidates in the unit square
/// scaled to `side_km`, source weights in [1, 50), cost = weight × Euclidean distance (km).
pub fn random_instance(n: usize, m: usize, side_km: f64, seed: u64) -> Instance {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let src: Vec<(f64, f64, f64)> = (0..n)
        .map(|_| {
            (
                rng.random::<f64>() * side_km,
                rng.random::<f64>() * side_km,
                rng.random_range(1.0..50.0),
            )
        })
        .collect();
    let cand: Vec<(f64, f64)> = (0..m)
        .map(|_| (rng.random::<f64>() * side_km, rng.random::<f64>() * side_km))
        .collect();
    let mut cost = Vec::with_capacity(n * m);
    for &(x, y, w) in &src {
        for &(a, b) in &cand {
            cost.push(w * ((x - a).powi(2) + (y - b).powi(2)).sqrt());
        }
    }
    Instance::new(n, m, cost)
}

/// The optimum of every `p`-subset of the candidates by plain enumeration: the oracle the
/// searches are tested against. It looks at C(m, p) subsets ([`combinations`]): small
/// instances only.
pub fn brute_force(inst: &Instance, p: usize) -> f64 {
    fn rec(inst: &Instance, p: usize, next: usize, cur: &mut Vec<usize>, best: &mut f64) {
        if cur.len() == p {
            *best = best.min(inst.evaluate(cur));
            return;
        }
        for j in next..inst.m {
            cur.push(j);
            rec(inst, p, j + 1, cur, best);
            cur.pop();
        }
    }
    let mut best = f64::INFINITY;
    rec(inst, p, 0, &mut Vec::new(), &mut best);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_and_bound_equals_brute_force() {
        for seed in 0..5 {
            let inst = random_instance(25, 9, 30.0, seed);
            for p in 1..=4 {
                let e = exact(&inst, p, None, 1e9).unwrap();
                let b = brute_force(&inst, p);
                assert!((e.cost - b).abs() <= 1e-9 * b, "seed {seed} p {p}");
                // A loose target, so that the clip to `upper` cannot hide an invalid bound.
                let lb = lagrangian_bound(&inst, p, 1.5 * e.cost, 300);
                assert!(
                    lb <= e.cost * (1.0 + 1e-9),
                    "bound {lb} > optimum {}",
                    e.cost
                );
            }
        }
    }

    #[test]
    fn fixing_then_branch_and_bound_equals_brute_force() {
        for seed in 0..6 {
            let inst = random_instance(40, 14, 30.0, seed);
            for p in 1..=5 {
                let b = brute_force(&inst, p);
                // From the greedy start and from a poor start: fixing must never drop the optimum.
                let poor = Solution {
                    open: (0..p).collect(),
                    cost: inst.evaluate(&(0..p).collect::<Vec<_>>()),
                };
                for start in [greedy(&inst, p), poor] {
                    let (e, fix) = exact_by_fixing(&inst, p, &start, 300, 1e9).unwrap();
                    assert!(
                        (e.cost - b).abs() <= 1e-9 * b,
                        "seed {seed} p {p}: {} vs {b}",
                        e.cost
                    );
                    assert_eq!(e.open.len(), p);
                    assert!((inst.evaluate(&e.open) - e.cost).abs() <= 1e-9 * b);
                    assert!(fix.bound <= b * (1.0 + 1e-9));
                    assert!(fix.kept <= inst.m);
                }
            }
        }
    }

    #[test]
    fn fixing_drops_most_candidates_on_a_larger_case() {
        let inst = random_instance(300, 120, 40.0, 3);
        let h = fast_interchange(&inst, 3, 8, 0);
        let (e, fix) = exact_by_fixing(&inst, 3, &h, 300, 1e12).unwrap();
        assert!(e.cost <= h.cost);
        assert!(fix.kept < inst.m / 2, "kept {} of {}", fix.kept, inst.m);
        // The same optimum as plain branch-and-bound.
        let plain = exact(&inst, 3, Some(&h), f64::INFINITY).unwrap();
        assert!((plain.cost - e.cost).abs() <= 1e-9 * e.cost);
    }

    #[test]
    fn budget_stops_the_search() {
        let inst = random_instance(50, 30, 30.0, 1);
        assert!(exact(&inst, 4, None, 1000.0).is_none());
    }

    #[test]
    fn combinations_counts() {
        assert_eq!(combinations(12, 4), 495.0);
        assert_eq!(combinations(5, 6), 0.0);
        assert_eq!(combinations(500, 2), 124_750.0);
    }
}
