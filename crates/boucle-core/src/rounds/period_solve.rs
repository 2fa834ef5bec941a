//! The periodic routing problem of [`super::period`]: each holder's visit pattern (its days in
//! the period) and each day's rounds, improved together.
//!
//! 1. Patterns: the period's `D` days are cut into `n` equal slots for a holder visited `n`
//!    times (weekly: each week; fortnightly: each fortnight…); a pattern takes one allowed day
//!    in each slot, as regular as the allowed days let it (the same offset in every slot when
//!    possible). Allowed: a day the fleet works, the holder is open and its hours meet a shift.
//! 2. Construction: holders by decreasing visits then load, each given the pattern of least
//!    estimated cost (the detour from the nearest holder already on each of its days, and the
//!    time it adds to days near their fleet's working time).
//! 3. Each day's rounds by the routing engine (windows, service times, shifts, fleet limit,
//!    multi-trip with unloading).
//! 4. Improvement: for each holder in turn, the pattern whose estimated change of cost (removal
//!    from the day's rounds, cheapest insertion in the others) is the lowest; when it is below
//!    zero the affected days are solved again and the move kept only if the period's true cost
//!    (rounds, with holders left out priced high) goes down.

use std::time::Instant;

use super::solve::{Problem, Solved, SolverStop, TypeSpec, VisitKind};
use crate::error::Result;
use crate::travel::CostMatrix;

/// Price of a load left out of a day, in the improvement's objective (EUR): above any round.
const LEFT_OUT_EUR: f64 = 1.0e5;

/// One holder as the period planner sees it.
#[derive(Debug, Clone)]
pub(super) struct PHolder {
    /// Matrix index.
    pub index: usize,
    /// Loads of one visit: (kg, m³) each.
    pub loads: Vec<(f64, f64)>,
    /// Service time per load, s.
    pub service_s: f64,
    /// Its window on each weekday (s from midnight); `None` in the outer option: not allowed.
    pub windows: [Option<Option<(f64, f64)>>; 7],
    /// Its candidate patterns (days of the period, one per slot).
    pub patterns: Vec<Vec<usize>>,
}

/// The fleet of one day.
#[derive(Debug, Clone)]
pub(super) struct DayFleet {
    /// Types with that day's count and shift (count 0: the type does not work that day).
    pub types: Vec<TypeSpec>,
}

/// The periodic problem.
pub(super) struct PeriodProblem<'a> {
    pub m: &'a dyn CostMatrix,
    pub timing: super::scenario::Timing,
    pub holders: Vec<PHolder>,
    /// Per day of the period.
    pub days: Vec<DayFleet>,
}

/// The days of `n` visits over `d` days: slot `k` is `[k·d/n, (k+1)·d/n)`.
pub(super) fn slots(d: usize, n: usize) -> Vec<(usize, usize)> {
    (0..n).map(|k| (k * d / n, (k + 1) * d / n)).collect()
}

/// The candidate patterns of `n` visits over `d` days where `allowed(day)`: for each offset,
/// the allowed day of each slot closest to the slot's start + offset (earlier on ties); none
/// when a slot has no allowed day.
pub(super) fn patterns(d: usize, n: usize, allowed: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let sl = slots(d, n);
    let longest = sl.iter().map(|(a, b)| b - a).max().unwrap_or(0);
    let mut out: Vec<Vec<usize>> = Vec::new();
    for o in 0..longest {
        let mut p = Vec::with_capacity(n);
        for &(a, b) in &sl {
            let target = (a + o).min(b.saturating_sub(1));
            let best = (a..b)
                .filter(|&x| allowed(x))
                .min_by_key(|&x| (x.abs_diff(target), x));
            match best {
                Some(x) => p.push(x),
                None => return Vec::new(),
            }
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The solved period: per holder its pattern (index into its candidates, `None`: not planned),
/// per day its rounds and left-out stops.
pub(super) struct PeriodSolution {
    pub chosen: Vec<Option<usize>>,
    /// Per day: the problem's stops (holder of each) and the solved rounds.
    pub days: Vec<DaySolved>,
    pub initial_cost: f64,
    pub moves_tried: usize,
    pub moves_kept: usize,
}

/// One day, solved.
pub(super) struct DaySolved {
    /// Holder of each stop handed to the engine.
    pub holder_of: Vec<usize>,
    /// Rounds and stops left out (index into `stops`).
    pub solved: Solved,
    /// Cost of the rounds.
    pub cost: f64,
}

impl DaySolved {
    /// Cost of the rounds, each load left out priced high.
    pub fn objective(&self) -> f64 {
        self.cost + LEFT_OUT_EUR * self.solved.1.len() as f64
    }
}

impl PeriodProblem<'_> {
    /// The engine's problem of day `day` with `on` the holders visited that day.
    pub fn day_problem(&self, day: usize, on: &[usize]) -> (Problem<'_>, Vec<usize>) {
        let mut stops = Vec::new();
        let mut holder_of = Vec::new();
        for &h in on {
            let ph = &self.holders[h];
            let window = ph.windows[day % 7].flatten();
            for &(kg, m3) in &ph.loads {
                stops.push(SolverStop {
                    holder: h,
                    matrix_index: ph.index,
                    kg,
                    m3,
                    service_s: ph.service_s,
                    window,
                });
                holder_of.push(h);
            }
        }
        (
            Problem {
                m: self.m,
                depot: 0,
                dump: 1,
                stops,
                timing: self.timing,
                types: self.days[day].types.clone(),
            },
            holder_of,
        )
    }

    fn solve_day(
        &self,
        day: usize,
        on: &[usize],
        params: &boucle_vrp::SolverParams,
    ) -> Result<DaySolved> {
        let (p, holder_of) = self.day_problem(day, on);
        let solved = if p.stops.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            p.run_engine(params)?
        };
        let cost = p.total_cost(&solved.0);
        Ok(DaySolved {
            holder_of,
            solved,
            cost,
        })
    }

    /// Estimated cost of adding holder `h` to day `day` as solved: the cheapest insertion in
    /// one of its rounds, else a round of its own.
    fn insertion(&self, day: usize, h: usize, ds: &DaySolved) -> f64 {
        let i = self.holders[h].index;
        let service = self.holders[h].service_s * self.holders[h].loads.len() as f64;
        let Some(ty) = self.days[day].types.iter().find(|t| t.count != Some(0)) else {
            return LEFT_OUT_EUR;
        };
        let mut best = f64::INFINITY;
        for r in &ds.solved.0 {
            let t = &self.days[day].types[r.ty];
            for w in r.visits.windows(2) {
                let (a, b) = (w[0].location, w[1].location);
                let dd =
                    self.m.distance_m(a, i) + self.m.distance_m(i, b) - self.m.distance_m(a, b);
                let dt = self.m.duration_s(a, i) + self.m.duration_s(i, b)
                    - self.m.duration_s(a, b)
                    + service;
                best = best.min(t.cost_per_m * dd + t.cost_per_s * dt);
            }
        }
        if best.is_finite() {
            return best;
        }
        let d = self.m.distance_m(0, i) + self.m.distance_m(i, 1) + self.m.distance_m(1, 0);
        let t = self.m.duration_s(0, i)
            + self.m.duration_s(i, 1)
            + self.m.duration_s(1, 0)
            + service
            + self.timing.unload_s;
        ty.cost(d, t)
    }

    /// Estimated saving of taking holder `h` out of day `day` as solved.
    fn removal(&self, day: usize, h: usize, ds: &DaySolved) -> f64 {
        let mut gain = 0.0;
        for r in &ds.solved.0 {
            let t = &self.days[day].types[r.ty];
            let mine = r
                .visits
                .iter()
                .filter(|v| {
                    v.kind == VisitKind::Stop && v.stop.is_some_and(|s| ds.holder_of[s] == h)
                })
                .count();
            if mine == 0 {
                continue;
            }
            let others = r
                .visits
                .iter()
                .filter(|v| v.kind == VisitKind::Stop)
                .count()
                - mine;
            if others == 0 {
                gain += t.cost(r.distance_m, r.duration_s);
                continue;
            }
            for (k, v) in r.visits.iter().enumerate() {
                if v.kind != VisitKind::Stop || v.stop.is_none_or(|s| ds.holder_of[s] != h) {
                    continue;
                }
                let (Some(a), Some(b)) = (r.visits.get(k.wrapping_sub(1)), r.visits.get(k + 1))
                else {
                    continue;
                };
                let (a, i, b) = (a.location, v.location, b.location);
                let dd =
                    self.m.distance_m(a, i) + self.m.distance_m(i, b) - self.m.distance_m(a, b);
                let dt = self.m.duration_s(a, i) + self.m.duration_s(i, b)
                    - self.m.duration_s(a, b)
                    + self.holders[h].service_s;
                gain += t.cost_per_m * dd + t.cost_per_s * dt;
            }
        }
        gain + LEFT_OUT_EUR
            * ds.solved
                .1
                .iter()
                .filter(|(s, _)| ds.holder_of[*s] == h)
                .count() as f64
    }

    /// Construction, day routing and improvement; `deadline`: stop improving after it.
    pub fn solve(
        &self,
        params: &boucle_vrp::SolverParams,
        passes: usize,
        deadline: Option<Instant>,
    ) -> Result<PeriodSolution> {
        let nd = self.days.len();
        let chosen = self.construct();
        let mut on: Vec<Vec<usize>> = vec![Vec::new(); nd];
        for (h, c) in chosen.iter().enumerate() {
            if let Some(c) = c {
                for &d in &self.holders[h].patterns[*c] {
                    on[d].push(h);
                }
            }
        }
        let mut days = Vec::with_capacity(nd);
        for (d, list) in on.iter().enumerate() {
            days.push(self.solve_day(d, list, params)?);
        }
        let initial_cost: f64 = days.iter().map(DaySolved::objective).sum();
        let mut sol = PeriodSolution {
            chosen,
            days,
            initial_cost,
            moves_tried: 0,
            moves_kept: 0,
        };
        'passes: for _ in 0..passes {
            let mut improved = false;
            for h in 0..self.holders.len() {
                if deadline.is_some_and(|t| Instant::now() >= t) {
                    break 'passes;
                }
                let Some(cur) = sol.chosen[h] else { continue };
                if self.holders[h].patterns.len() < 2 {
                    continue;
                }
                let old = &self.holders[h].patterns[cur];
                let out_gain: f64 = old.iter().map(|&d| self.removal(d, h, &sol.days[d])).sum();
                let mut best: Option<(f64, usize)> = None;
                for (q, pat) in self.holders[h].patterns.iter().enumerate() {
                    if q == cur {
                        continue;
                    }
                    let mut delta = -out_gain;
                    for &d in pat {
                        if old.contains(&d) {
                            // Stays that day: no change.
                            delta += self.removal(d, h, &sol.days[d]);
                        } else {
                            delta += self.insertion(d, h, &sol.days[d]);
                        }
                    }
                    if best.is_none_or(|(b, _)| delta < b) {
                        best = Some((delta, q));
                    }
                }
                let Some((delta, q)) = best else { continue };
                if delta >= -1e-6 {
                    continue;
                }
                sol.moves_tried += 1;
                let new = &self.holders[h].patterns[q];
                let mut affected: Vec<usize> = old
                    .iter()
                    .chain(new.iter())
                    .copied()
                    .filter(|d| !(old.contains(d) && new.contains(d)))
                    .collect();
                affected.sort_unstable();
                affected.dedup();
                let before: f64 = affected.iter().map(|&d| sol.days[d].objective()).sum();
                let mut trial = Vec::with_capacity(affected.len());
                for &d in &affected {
                    let mut list: Vec<usize> = unique_holders(&sol.days[d]);
                    if old.contains(&d) {
                        list.retain(|&x| x != h);
                    } else {
                        list.push(h);
                    }
                    trial.push(self.solve_day(d, &list, params)?);
                }
                let after: f64 = trial.iter().map(DaySolved::objective).sum();
                if after < before - 1e-6 {
                    for (d, ds) in affected.into_iter().zip(trial) {
                        sol.days[d] = ds;
                    }
                    sol.chosen[h] = Some(q);
                    sol.moves_kept += 1;
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
        Ok(sol)
    }

    /// Holders by decreasing visits then load, each on its pattern of least estimated cost.
    fn construct(&self) -> Vec<Option<usize>> {
        let nd = self.days.len();
        let mut order: Vec<usize> = (0..self.holders.len()).collect();
        let weight = |h: usize| -> f64 { self.holders[h].loads.iter().map(|l| l.0).sum() };
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.holders[a], &self.holders[b]);
            let na = pa.patterns.first().map_or(0, Vec::len);
            let nb = pb.patterns.first().map_or(0, Vec::len);
            nb.cmp(&na)
                .then(weight(b).total_cmp(&weight(a)))
                .then(a.cmp(&b))
        });
        let mut on: Vec<Vec<usize>> = vec![Vec::new(); nd];
        let mut time: Vec<f64> = vec![0.0; nd];
        let mut chosen = vec![None; self.holders.len()];
        for h in order {
            let ph = &self.holders[h];
            let mut best: Option<(f64, usize)> = None;
            for (q, pat) in ph.patterns.iter().enumerate() {
                let mut c = 0.0;
                for &d in pat {
                    let Some(ty) = self.days[d].types.iter().find(|t| t.count != Some(0)) else {
                        c += LEFT_OUT_EUR;
                        continue;
                    };
                    let near = on[d]
                        .iter()
                        .map(|&o| self.holders[o].index)
                        .chain(std::iter::once(0))
                        .map(|j| {
                            (
                                self.m.distance_m(j, ph.index),
                                self.m.duration_s(j, ph.index),
                            )
                        })
                        .min_by(|a, b| a.0.total_cmp(&b.0))
                        .unwrap_or((0.0, 0.0));
                    let add = 2.0 * near.1 + ph.service_s * ph.loads.len() as f64;
                    let capacity: f64 = self.days[d]
                        .types
                        .iter()
                        .map(|t| {
                            let len = t.shift.map(|(a, b)| b - a).unwrap_or(8.0 * 3600.0);
                            len * t.count.unwrap_or(1) as f64
                        })
                        .sum();
                    let over = (time[d] + add - 0.8 * capacity).max(0.0);
                    // A day with nobody yet opens a round: its fixed cost.
                    if on[d].is_empty() {
                        c += ty.fixed;
                    }
                    c += ty.cost_per_m * 2.0 * near.0
                        + ty.cost_per_s * add
                        + ty.cost_per_s * 10.0 * over
                        + 1e-3 * time[d];
                }
                if best.is_none_or(|(b, _)| c < b) {
                    best = Some((c, q));
                }
            }
            if let Some((_, q)) = best {
                for &d in &ph.patterns[q] {
                    on[d].push(h);
                    time[d] += ph.service_s * ph.loads.len() as f64;
                }
                chosen[h] = Some(q);
            }
        }
        chosen
    }
}

/// The holders of a solved day, once each, in order.
fn unique_holders(ds: &DaySolved) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for &h in &ds.holder_of {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_one_allowed_day_per_slot() {
        // 28 days, weekly, allowed Monday and Wednesday only.
        let allowed = |d: usize| matches!(d % 7, 0 | 2);
        let p = patterns(28, 4, allowed);
        assert!(p.contains(&vec![0, 7, 14, 21]));
        assert!(p.contains(&vec![2, 9, 16, 23]));
        for pat in &p {
            assert_eq!(pat.len(), 4);
            for (k, &d) in pat.iter().enumerate() {
                assert!(allowed(d) && d / 7 == k);
            }
        }
        // Monthly: one visit anywhere allowed.
        assert_eq!(patterns(28, 1, allowed).len(), 8);
        // A slot without an allowed day: no pattern.
        assert!(patterns(14, 2, |d| d < 7).is_empty());
    }
}
