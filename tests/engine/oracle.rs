//! The engine against a brute-force oracle on small random instances (≤ 7 stops): every order of
//! the stops and every way to cut it into rounds (and trips, for the multi-trip variant) is
//! enumerated and evaluated by a separate simple simulation.

use boucle::travel::DenseMatrix;
use boucle::vrp::{Problem, SolverParams, Stop, TimeWindow, VehicleType, check, solve};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Random points in a 20 km square; location 0 (and 1, 2) are depots / dump. Speed 36 km/h.
fn matrix(rng: &mut Pcg64, n: usize) -> DenseMatrix {
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| {
            (
                rng.random_range(0.0..20_000.0),
                rng.random_range(0.0..20_000.0),
            )
        })
        .collect();
    DenseMatrix::planar(&pts, 10.0, true)
}

#[derive(Clone, Copy, PartialEq)]
enum Sep {
    None,
    Dump,
    Vehicle,
}

/// Cost of one vehicle's round given as trips of stops, or None if infeasible.
fn round_cost(p: &Problem, m: &DenseMatrix, trips: &[Vec<usize>]) -> Option<f64> {
    let v = &p.vehicle_types[0];
    let dump = v.dump.unwrap_or(v.end);
    let mut t = v.shift.map(|w| w.earliest_s).unwrap_or(0.0);
    let t0 = t;
    let mut dist = 0.0;
    let mut at = v.start;
    let go = |to: usize, at: &mut usize, t: &mut f64, dist: &mut f64| {
        *dist += m.distances_m[*at * m.cols + to];
        *t += m.durations_s[*at * m.cols + to];
        *at = to;
    };
    if trips.len() as u32 > v.max_trips.unwrap_or(u32::MAX) {
        return None;
    }
    for trip in trips {
        let mut load = [0.0; 2];
        for &s in trip {
            let st = &p.stops[s];
            go(st.location, &mut at, &mut t, &mut dist);
            if let Some(w) = st.time_window {
                t = t.max(w.earliest_s);
                if t > w.latest_s + 1e-9 {
                    return None;
                }
            }
            t += st.service_s;
            load[0] += st.demand[0];
            load[1] += st.demand[1];
        }
        if load[0] > v.capacity[0] + 1e-9 || load[1] > v.capacity[1] + 1e-9 {
            return None;
        }
        go(dump, &mut at, &mut t, &mut dist);
        t += v.unload_service_s;
    }
    go(v.end, &mut at, &mut t, &mut dist);
    if let Some(w) = v.shift
        && t > w.latest_s + 1e-9
    {
        return None;
    }
    let dur = t - t0;
    if v.max_duration_s.is_some_and(|x| dur > x + 1e-9)
        || v.max_distance_m.is_some_and(|x| dist > x + 1e-9)
    {
        return None;
    }
    Some(dist / 1000.0 * v.cost_per_km + dur / 3600.0 * v.cost_per_hour + v.fixed_cost)
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn rec(cur: &mut Vec<usize>, used: &mut Vec<bool>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == used.len() {
            out.push(cur.clone());
            return;
        }
        for i in 0..used.len() {
            if !used[i] {
                used[i] = true;
                cur.push(i);
                rec(cur, used, out);
                cur.pop();
                used[i] = false;
            }
        }
    }
    let mut out = Vec::new();
    rec(&mut Vec::new(), &mut vec![false; n], &mut out);
    out
}

/// Optimal cost by enumeration (homogeneous fleet, the problem's first vehicle type).
fn oracle(p: &Problem, m: &DenseMatrix) -> Option<f64> {
    let n = p.stops.len();
    let v = &p.vehicle_types[0];
    let multi = v.max_trips.unwrap_or(u32::MAX) > 1;
    let kinds: &[Sep] = if multi {
        &[Sep::None, Sep::Dump, Sep::Vehicle]
    } else {
        &[Sep::None, Sep::Vehicle]
    };
    let ncut = n.saturating_sub(1);
    let combos = kinds.len().pow(ncut as u32);
    let mut best: Option<f64> = None;
    for perm in permutations(n) {
        for mut code in 0..combos {
            let mut seps = Vec::with_capacity(ncut);
            for _ in 0..ncut {
                seps.push(kinds[code % kinds.len()]);
                code /= kinds.len();
            }
            let vehicles = 1 + seps.iter().filter(|&&s| s == Sep::Vehicle).count();
            if v.count.is_some_and(|c| vehicles > c) {
                continue;
            }
            let mut total = 0.0;
            let mut ok = true;
            let mut rounds: Vec<Vec<Vec<usize>>> = vec![vec![vec![perm[0]]]];
            for (k, &s) in seps.iter().enumerate() {
                let x = perm[k + 1];
                match s {
                    Sep::None => rounds.last_mut().unwrap().last_mut().unwrap().push(x),
                    Sep::Dump => rounds.last_mut().unwrap().push(vec![x]),
                    Sep::Vehicle => rounds.push(vec![vec![x]]),
                }
            }
            for r in &rounds {
                match round_cost(p, m, r) {
                    Some(c) => total += c,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && best.is_none_or(|b| total < b) {
                best = Some(total);
            }
        }
    }
    best
}

fn stops(rng: &mut Pcg64, n: usize, first_loc: usize, windows: bool) -> Vec<Stop> {
    (0..n)
        .map(|i| {
            let tw = windows.then(|| {
                let e = rng.random_range(0.0..4000.0);
                TimeWindow {
                    earliest_s: e,
                    latest_s: e + rng.random_range(600.0..3000.0),
                }
            });
            Stop {
                location: first_loc + i,
                demand: [
                    rng.random_range(1..=6) as f64,
                    rng.random_range(0..=3) as f64,
                ],
                service_s: rng.random_range(60.0..600.0),
                time_window: tw,
            }
        })
        .collect()
}

/// Stopped by iterations only, never by the clock: the same answer on any machine.
fn params(seed: u64) -> SolverParams {
    SolverParams {
        time_limit_s: f64::INFINITY,
        seed,
        max_iterations: Some(150),
        max_work: Some(u64::MAX),
        cancel: None,
    }
}

fn assert_optimal(p: &Problem, m: &DenseMatrix, label: &str) {
    assert_optimal_with(p, m, label, &params(7));
}

fn assert_optimal_with(p: &Problem, m: &DenseMatrix, label: &str, params: &SolverParams) {
    let best = oracle(p, m).expect("the oracle finds a feasible solution");
    let sol = solve(p, m, params).expect("solves");
    let rep = check(p, m, &sol);
    assert!(rep.ok(), "{label}: checker: {:?}", rep.violations);
    assert!(
        sol.unassigned.is_empty(),
        "{label}: unassigned {:?}",
        sol.unassigned
    );
    assert!(
        (sol.cost - best).abs() <= 1e-6 * (1.0 + best),
        "{label}: engine {} vs optimum {best}",
        sol.cost
    );
}

#[test]
fn cvrp_two_dimensions_fixed_and_hourly_costs() {
    for seed in 0..3 {
        let mut rng = Pcg64::seed_from_u64(seed);
        let m = matrix(&mut rng, 8);
        let mut v = VehicleType::simple("truck", 0, [10.0, 5.0], 1.2);
        v.cost_per_hour = 30.0;
        v.fixed_cost = 20.0;
        let p = Problem {
            stops: stops(&mut rng, 7, 1, false),
            vehicle_types: vec![v],
            balance_cost_per_hour: 0.0,
        };
        assert_optimal(&p, &m, &format!("cvrp seed {seed}"));
    }
}

#[test]
fn time_windows_with_bounded_fleet() {
    let mut compared = 0;
    for seed in 10..13 {
        let mut rng = Pcg64::seed_from_u64(seed);
        let m = matrix(&mut rng, 8);
        let mut v = VehicleType::simple("truck", 0, [14.0, 8.0], 1.0);
        v.fixed_cost = 5.0;
        v.count = Some(3);
        v.shift = Some(TimeWindow {
            earliest_s: 0.0,
            latest_s: 9000.0,
        });
        let p = Problem {
            stops: stops(&mut rng, 7, 1, true),
            vehicle_types: vec![v],
            balance_cost_per_hour: 0.0,
        };
        if oracle(&p, &m).is_none() {
            // No way to serve every stop with this fleet within the shifts and windows: the
            // engine must then leave stops out, each with its reason, and stay feasible.
            let sol = solve(&p, &m, &params(7)).expect("solves");
            assert!(
                !sol.unassigned.is_empty(),
                "vrptw seed {seed}: the oracle finds no complete solution, the engine served all"
            );
            let rep = check(&p, &m, &sol);
            assert!(rep.ok(), "vrptw seed {seed}: checker: {:?}", rep.violations);
            continue;
        }
        assert_optimal(&p, &m, &format!("vrptw seed {seed}"));
        compared += 1;
    }
    assert!(
        compared >= 2,
        "only {compared} of 3 seeds had a complete solution"
    );
}

#[test]
fn dump_away_from_depot_multi_trip_and_max_duration() {
    for seed in 20..23 {
        let mut rng = Pcg64::seed_from_u64(seed);
        let m = matrix(&mut rng, 8);
        let mut v = VehicleType::simple("benne", 0, [9.0, 5.0], 1.5);
        v.dump = Some(1);
        v.unload_service_s = 900.0;
        v.max_trips = None;
        v.cost_per_hour = 40.0;
        v.fixed_cost = 150.0;
        v.max_duration_s = Some(6.0 * 3600.0);
        let p = Problem {
            stops: stops(&mut rng, 6, 2, false),
            vehicle_types: vec![v],
            balance_cost_per_hour: 0.0,
        };
        assert_optimal(&p, &m, &format!("multi-trip seed {seed}"));
    }
}

#[test]
fn distinct_start_end_and_dump_single_trip() {
    for seed in 30..33 {
        let mut rng = Pcg64::seed_from_u64(seed);
        let m = matrix(&mut rng, 9);
        let mut v = VehicleType::simple("benne", 0, [12.0, 6.0], 1.0);
        v.end = 1;
        v.dump = Some(2);
        v.unload_service_s = 600.0;
        v.fixed_cost = 10.0;
        v.max_distance_m = Some(90_000.0);
        let p = Problem {
            stops: stops(&mut rng, 6, 3, false),
            vehicle_types: vec![v],
            balance_cost_per_hour: 0.0,
        };
        assert_optimal(&p, &m, &format!("start/end/dump seed {seed}"));
    }
}

/// Under a work budget (no iteration cap), the search hands over to the annealing phase (ruin
/// and recreate) between 30 % and 70 % of the budget, then resumes: still optimal, on plain
/// routes and on multi-trip rounds with an unloading away from the depot.
#[test]
fn work_budget_with_the_annealing_phase() {
    let params = SolverParams {
        time_limit_s: f64::INFINITY,
        seed: 3,
        max_iterations: None,
        max_work: Some(300_000),
        cancel: None,
    };
    for seed in 40..43 {
        let mut rng = Pcg64::seed_from_u64(seed);
        let m = matrix(&mut rng, 8);
        let mut v = VehicleType::simple("truck", 0, [10.0, 5.0], 1.2);
        v.fixed_cost = 20.0;
        let p = Problem {
            stops: stops(&mut rng, 7, 1, false),
            vehicle_types: vec![v.clone()],
            balance_cost_per_hour: 0.0,
        };
        assert_optimal_with(&p, &m, &format!("annealing cvrp seed {seed}"), &params);
        v.dump = Some(1);
        v.max_trips = None;
        v.unload_service_s = 900.0;
        v.cost_per_hour = 40.0;
        let p = Problem {
            stops: stops(&mut rng, 6, 2, false),
            vehicle_types: vec![v],
            balance_cost_per_hour: 0.0,
        };
        assert_optimal_with(
            &p,
            &m,
            &format!("annealing multi-trip seed {seed}"),
            &params,
        );
    }
}
