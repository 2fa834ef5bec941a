//! # boucle-vrp — the routing engine of boucle
//!
//! Vehicle routing for pooled collection rounds, with no knowledge of maps, territories or
//! servers: locations are indices into a [`CostMatrix`].
//!
//! The model ([`Problem`]): stops with a demand in two capacity dimensions, a service time and an
//! optional time window; vehicle types with capacities, costs per km / per hour / per round,
//! maximum duration and distance, counts, start and end depots, and a dump (treatment site) where
//! the load is emptied, possibly several times per round (multi-trip). Travel costs come from any
//! [`crate::matrix::CostMatrix`].
//!
//! The engine ([`solve`]): a hybrid genetic search (giant tours, Split, OX crossover, penalised
//! infeasible solutions with adaptive penalties, diversity-aware population) whose education is a
//! granular local search (relocate, or-opt, swaps, 2-opt, 2-opt*, SWAP*) with O(1) move
//! evaluation: from arc deltas and loads on plain routes (no time windows, limits or
//! unloadings, as in HGS-CVRP), else by concatenated time-warp segments after an arc-delta lower
//! bound; plus dynamic re-placement of the unloadings. Three times in the budget (10–30 %,
//! 40–60 % and 70–90 %), on problems without time windows or balance term, simulated annealing
//! over ruin-and-recreate moves (SISR: strings removed from neighbouring routes, greedy
//! reinsertion with blinks) starts from the best solution and hands what it finds back to the
//! population. Every feasible route met goes to a pool; at 30, 60, 90 and 97 % of the budget
//! (without balance term) a set-partitioning step picks the cheapest set of pooled routes that
//! visits each customer once within the fleet, by an exact-cover search with a Lagrangian bound
//! (`pool.rs`), and its solution joins the population.
//!
//! Initial solutions come from Clarke and Wright's savings over the granular neighbour pairs
//! (randomised for the rest of the initial population on large instances, `construct.rs`), and
//! the initial population is as large as a share of the budget allows.
//!
//! Stopping rule (`budget.rs`): by default the wall clock. A search given `time_limit_s`
//! seconds stops at that limit minus a small margin (1 %, 2–20 ms), counted from the call to
//! [`solve`], whatever the machine: the deadline is passed down to the local search, the
//! annealing and the set partitioning, which read the clock every few hundred moves. Why the
//! clock by default: a user (or the server) grants seconds, and a work budget calibrated on one
//! machine gives away a large share of them on a faster one and overruns them on a slower one.
//! The price is that two runs with the same seed may differ. For a result that depends on the
//! seed only, give a work budget counted in move evaluations
//! ([`SolverParams::deterministic`]: `seconds ×` [`WORK_PER_SECOND`]) or an iteration count,
//! with an infinite time limit; with both a work budget and a time limit, the first to run out
//! ends the search. [`solve_with_stats`] reports the time used, the deadline, the time to the
//! first feasible solution and what stopped the search.
//!
//! [`check()`] is an independent feasibility checker that recomputes every round from the problem
//! and the matrix. [`formats`] reads CVRPLIB and Solomon benchmark files.
//!
//! ```
//! use boucle_vrp::{DenseMatrix, Problem, SolverParams, Stop, VehicleType, check, solve};
//!
//! // Locations in metres: 0 depot, 1 treatment site, 2.. companies; 50 km/h.
//! let pts = [(0.0, 0.0), (9000.0, -5000.0), (-2000.0, 2000.0), (3000.0, -1000.0), (-6000.0, 5000.0)];
//! let matrix = DenseMatrix::planar(&pts, 50.0 / 3.6, false);
//! let stops = (2..5)
//!     .map(|loc| Stop { location: loc, demand: [400.0, 2.0], service_s: 600.0, time_window: None })
//!     .collect();
//! let mut truck = VehicleType::simple("benne 19 t", 0, [1000.0, 10.0], 1.2);
//! truck.dump = Some(1); // unload at the treatment site, then back to the depot
//! truck.max_trips = None; // unload when full and go on
//! truck.cost_per_hour = 35.0;
//! truck.fixed_cost = 120.0;
//! truck.count = Some(1);
//! let problem = Problem { stops, vehicle_types: vec![truck], balance_cost_per_hour: 0.0 };
//! let params = SolverParams { time_limit_s: 1.0, seed: 1, max_iterations: Some(20), max_work: None, cancel: None };
//! let solution = solve(&problem, &matrix, &params).unwrap();
//! assert!(check(&problem, &matrix, &solution).ok());
//! assert_eq!(solution.rounds.len(), 1);
//! assert_eq!(solution.rounds[0].trips, 2); // 1200 kg for a 1000 kg truck
//! ```

#![expect(
    clippy::needless_range_loop,
    reason = "loops over the two capacity dimensions read clearer with an index"
)]
#![forbid(unsafe_code)]

mod budget;
pub mod check;
mod construct;
pub mod error;
pub mod formats;
pub mod generate;
mod hgs;
mod instance;
mod ls;
pub mod matrix;
pub mod model;
mod params;
mod pool;
mod ruin;
pub mod solution;
mod split;
#[cfg(test)]
mod testutil;

pub use budget::StopReason;
pub use check::{CheckReport, check};
pub use error::{Error, FormatError};
pub use matrix::{CostMatrix, DenseMatrix, Method};
pub use model::{DIMS, Problem, Stop, TimeWindow, VehicleType};
pub use params::{CancelFlag, SolverParams, WORK_PER_SECOND, work_for};
pub use solution::{Binding, Round, Solution, Unassigned, UnassignedReason, Visit, VisitKind};

use instance::{BIG, DUMP, EPS, Inst, Seg};

/// Granular neighbourhood size (nearest customers considered for each customer's moves) up to
/// 400 customers (see [`granular_size`]).
const GRANULAR: usize = 20;
/// Least granular neighbourhood size on large instances.
const GRANULAR_MIN: usize = 12;

/// How a search went: time used against the time granted, time to the first feasible
/// solution, what stopped it. Measured on the wall clock, so not part of the [`Solution`] (which
/// a deterministic budget reproduces exactly).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SolveStats {
    /// Seconds from the call to [`solve_with_stats`] to its return.
    pub elapsed_s: f64,
    /// Seconds at which the search was to stop on the clock (the time limit minus its margin),
    /// if the clock could stop it.
    pub deadline_s: Option<f64>,
    /// Seconds from the call to the first feasible solution met, if any.
    pub first_feasible_s: Option<f64>,
    /// What ended the search.
    pub stopped_by: StopReason,
    /// Genetic iterations (offspring educated).
    pub iterations: u64,
    /// Work units spent (move evaluations).
    pub work: u64,
    /// Individuals of the first initial population (fewer than 25 when the budget is short
    /// for the instance's size).
    pub initial_population: usize,
}

/// Solves `problem` with travel costs from `matrix` (square, indexed by the problem's locations).
///
/// Stops that no vehicle can serve alone (capacity, time window, duration, distance, or no
/// vehicle at all) are reported as unassigned with the reason; if the search ends without a
/// feasible solution for the rest (e.g. too small a fleet), stops are removed until it is
/// feasible and reported too.
pub fn solve(
    problem: &Problem,
    matrix: &dyn CostMatrix,
    params: &SolverParams,
) -> Result<Solution, Error> {
    solve_with_stats(problem, matrix, params).map(|(s, _)| s)
}

/// [`solve`], with the statistics of the search. The time limit counts from this call: the
/// instance's preparation (its matrices, neighbour lists) is part of the budget.
pub fn solve_with_stats(
    problem: &Problem,
    matrix: &dyn CostMatrix,
    params: &SolverParams,
) -> Result<(Solution, SolveStats), Error> {
    let budget = budget::Budget::new(params, std::time::Instant::now());
    if matrix.rows() != matrix.cols() {
        return Err(Error::Invalid(format!(
            "the cost matrix must be square ({} × {})",
            matrix.rows(),
            matrix.cols()
        )));
    }
    problem.validate(matrix.rows())?;
    let mut unassigned = Vec::new();
    let all: Vec<usize> = (0..problem.stops.len()).collect();
    let probe = Inst::new(problem, matrix, &all, 0);
    let mut customers = Vec::new();
    for c in 0..problem.stops.len() {
        match alone_reason(&probe, c) {
            None => customers.push(c),
            Some(reason) => unassigned.push(Unassigned { stop: c, reason }),
        }
    }
    drop(probe);
    let inst = Inst::new(problem, matrix, &customers, granular_size(customers.len()));
    let (slots, stats) = if inst.n == 0 {
        let stats = hgs::RunStats {
            stop: StopReason::Empty,
            ..Default::default()
        };
        (vec![Vec::new(); inst.slots.len()], stats)
    } else {
        let (best, stats) = hgs::run(&inst, params, &budget);
        let mut slots = best.slots.clone();
        if !best.feasible {
            remove_until_feasible(&inst, &mut slots, &mut unassigned);
        }
        (slots, stats)
    };
    unassigned.sort_by_key(|u| u.stop);
    let solution = build(
        &inst,
        problem,
        matrix,
        &slots,
        unassigned,
        stats.iterations,
        stats.work,
    );
    let report = SolveStats {
        elapsed_s: budget.elapsed(),
        deadline_s: budget.deadline.map(|_| budget.span()),
        first_feasible_s: stats.first_feasible_s,
        stopped_by: stats.stop,
        iterations: stats.iterations,
        work: stats.work,
        initial_population: stats.initial,
    };
    Ok((solution, report))
}

/// Granular neighbourhood size for `n` customers: [`GRANULAR`] up to 400 customers, then
/// narrowing slowly (a move's neighbours are the closest customers, and on large instances the
/// few closest carry almost every improving move), never below [`GRANULAR_MIN`].
fn granular_size(n: usize) -> usize {
    if n <= 400 {
        GRANULAR
    } else {
        let k = GRANULAR as f64 * (400.0 / n as f64).powf(0.25);
        (k.round() as usize).max(GRANULAR_MIN)
    }
}

/// Why stop `c` cannot be served even alone, if so.
fn alone_reason(inst: &Inst, c: usize) -> Option<UnassignedReason> {
    let mut best: Option<UnassignedReason> = None;
    let rank = |r: UnassignedReason| match r {
        UnassignedReason::NoVehicle => 0,
        UnassignedReason::Capacity => 1,
        UnassignedReason::TimeWindow => 2,
        UnassignedReason::MaxDuration => 3,
        UnassignedReason::MaxDistance => 4,
    };
    let mut any = false;
    for (t, td) in inst.types.iter().enumerate() {
        if td.count == 0 {
            continue;
        }
        any = true;
        let d = inst.demand[c];
        let seg = inst.route_seg(t, &[c as u32]);
        let reason = if d[0] > td.cap[0] + EPS || d[1] > td.cap[1] + EPS {
            UnassignedReason::Capacity
        } else if seg.tw > EPS {
            UnassignedReason::TimeWindow
        } else if seg.dur > td.max_dur + EPS {
            UnassignedReason::MaxDuration
        } else if seg.dist > td.max_dist + EPS {
            UnassignedReason::MaxDistance
        } else {
            return None;
        };
        if best.is_none_or(|b| rank(reason) > rank(b)) {
            best = Some(reason);
        }
    }
    if !any {
        return Some(UnassignedReason::NoVehicle);
    }
    best
}

/// Removes customers from violating routes, most penalised first, until every route is feasible.
fn remove_until_feasible(inst: &Inst, slots: &mut [Vec<u32>], unassigned: &mut Vec<Unassigned>) {
    let strong = instance::Pen {
        cap: [1e6; 2],
        tw: 1e6,
        dist: 1e6,
    };
    for (s, nodes) in slots.iter_mut().enumerate() {
        let t = inst.slots[s];
        loop {
            let seg = inst.route_seg(t, nodes);
            let v = inst.viol(t, &seg);
            if nodes.iter().all(|&x| x == DUMP) || v.feasible() {
                break;
            }
            let reason = if v.cap[0] > EPS || v.cap[1] > EPS || v.trips > 0.0 {
                UnassignedReason::NoVehicle
            } else if seg.tw > EPS {
                UnassignedReason::TimeWindow
            } else if v.time > EPS {
                UnassignedReason::MaxDuration
            } else {
                UnassignedReason::MaxDistance
            };
            let mut best: Option<(f64, usize)> = None;
            for k in 0..nodes.len() {
                if nodes[k] == DUMP {
                    continue;
                }
                let mut m = nodes.clone();
                m.remove(k);
                let sg = inst.route_seg(t, &m);
                let c = inst.base_cost(t, &sg) + inst.viol(t, &sg).penalty(&strong);
                if best.is_none_or(|b| c < b.0) {
                    best = Some((c, k));
                }
            }
            let (_, k) = best.expect("a customer");
            let c = nodes.remove(k);
            unassigned.push(Unassigned {
                stop: inst.stop_of[c as usize],
                reason,
            });
            // Drop unloadings left without a trip.
            let mut cleaned: Vec<u32> = Vec::with_capacity(nodes.len());
            for &x in nodes.iter() {
                if x == DUMP && (cleaned.is_empty() || cleaned.last() == Some(&DUMP)) {
                    continue;
                }
                cleaned.push(x);
            }
            while cleaned.last() == Some(&DUMP) {
                cleaned.pop();
            }
            *nodes = cleaned;
        }
    }
}

/// (kind, stop, location, service, earliest, latest, demand) of a visit to simulate.
type PlannedVisit = (VisitKind, Option<usize>, usize, f64, f64, f64, [f64; 2]);

fn build(
    inst: &Inst,
    problem: &Problem,
    matrix: &dyn CostMatrix,
    slots: &[Vec<u32>],
    unassigned: Vec<Unassigned>,
    iterations: u64,
    work: u64,
) -> Solution {
    let mut rounds = Vec::new();
    let mut per_type = vec![0usize; inst.types.len()];
    let mut min_dem = [f64::INFINITY; 2];
    for d in &inst.demand {
        for k in 0..2 {
            if d[k] > 0.0 {
                min_dem[k] = min_dem[k].min(d[k]);
            }
        }
    }
    for (s, nodes) in slots.iter().enumerate() {
        let t = inst.slots[s];
        let vehicle = per_type[t];
        per_type[t] += 1;
        if nodes.iter().all(|&x| x == DUMP) {
            continue;
        }
        let vt = &problem.vehicle_types[t];
        let td = &inst.types[t];
        let seg: Seg = inst.route_seg(t, nodes);
        let dump_loc = vt.dump.unwrap_or(vt.end);
        let mut seq: Vec<PlannedVisit> = Vec::new();
        // (kind, stop, location, service, earliest, latest, demand)
        for &x in nodes {
            if x == DUMP {
                seq.push((
                    VisitKind::Unload,
                    None,
                    dump_loc,
                    vt.unload_service_s,
                    0.0,
                    BIG,
                    [0.0; 2],
                ));
            } else {
                let st = &problem.stops[inst.stop_of[x as usize]];
                let (e, l) = st
                    .time_window
                    .map(|w| (w.earliest_s, w.latest_s))
                    .unwrap_or((0.0, BIG));
                seq.push((
                    VisitKind::Stop,
                    Some(inst.stop_of[x as usize]),
                    st.location,
                    st.service_s,
                    e,
                    l,
                    st.demand,
                ));
            }
        }
        seq.push((
            VisitKind::Unload,
            None,
            dump_loc,
            vt.unload_service_s,
            0.0,
            BIG,
            [0.0; 2],
        ));
        let (se, sl) = vt
            .shift
            .map(|w| (w.earliest_s, w.latest_s))
            .unwrap_or((0.0, BIG));
        seq.push((VisitKind::End, None, vt.end, 0.0, se, sl, [0.0; 2]));
        let start = seg.early.max(se);
        let mut t_now = start;
        let mut prev = vt.start;
        let mut dist = 0.0;
        let mut load = [0.0; 2];
        let mut visits = vec![Visit {
            kind: VisitKind::Start,
            stop: None,
            location: vt.start,
            arrival_s: start,
            start_s: start,
            departure_s: start,
            load_after: load,
        }];
        let mut cap_binds = false;
        let mut tw_binds = false;
        for (kind, stop, loc, service, e, l, dem) in seq {
            dist += matrix.distance_m(prev, loc);
            t_now += matrix.duration_s(prev, loc);
            let arrival = t_now;
            let begin = arrival.max(e);
            t_now = begin + service;
            if kind == VisitKind::Unload {
                for k in 0..2 {
                    if td.cap[k] > 0.0
                        && min_dem[k].is_finite()
                        && load[k] > td.cap[k] - min_dem[k] + EPS
                    {
                        cap_binds = true;
                    }
                }
                load = [0.0; 2];
            } else {
                load[0] += dem[0];
                load[1] += dem[1];
            }
            if l < BIG && begin >= l - 0.05 * (l - e) - EPS {
                tw_binds = true;
            }
            visits.push(Visit {
                kind,
                stop,
                location: loc,
                arrival_s: arrival,
                start_s: begin,
                departure_s: t_now,
                load_after: load,
            });
            prev = loc;
        }
        let duration = t_now - start;
        let cost = dist * td.c_m + duration * td.c_s + td.fixed;
        let binding = if cap_binds {
            Binding::Capacity
        } else if td.max_dur < BIG && duration >= 0.95 * td.max_dur {
            Binding::MaxDuration
        } else if tw_binds {
            Binding::TimeWindows
        } else if td.max_dist < BIG && dist >= 0.95 * td.max_dist {
            Binding::MaxDistance
        } else {
            Binding::None
        };
        rounds.push(Round {
            vehicle_type: t,
            vehicle,
            trips: nodes.iter().filter(|&&x| x == DUMP).count() + 1,
            visits,
            distance_m: dist,
            duration_s: duration,
            cost,
            binding,
        });
    }
    let max_dur = rounds.iter().map(|r| r.duration_s).fold(0.0, f64::max);
    let balance_cost = problem.balance_cost_per_hour / 3600.0 * max_dur;
    Solution {
        cost: rounds.iter().map(|r| r.cost).sum::<f64>() + balance_cost,
        balance_cost,
        distance_m: rounds.iter().map(|r| r.distance_m).sum(),
        duration_s: rounds.iter().map(|r| r.duration_s).sum(),
        rounds,
        unassigned,
        method: matrix.method(),
        iterations,
        work,
    }
}
