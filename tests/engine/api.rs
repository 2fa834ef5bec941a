//! Engine behaviour on territory-like problems: independent checker on every output, reasons for
//! unassigned stops, determinism per seed, heterogeneous fleet, balance option.

use crate::common::territory_vrp::territory_problem;
use boucle::travel::{CostMatrix, DenseMatrix};
use boucle::vrp::{
    Binding, Problem, SolverParams, TimeWindow, UnassignedReason, VisitKind, check, solve,
};

/// The territory-like instance of `n` companies with a mixed fleet: 3 trucks of 19 t and 2
/// vans.
fn territory(n: usize, seed: u64) -> (Problem, DenseMatrix) {
    let (mut p, m) = territory_problem(n, seed);
    let mut small = p.vehicle_types[0].clone();
    small.name = "utilitaire".into();
    small.capacity = [1500.0, 12.0];
    small.cost_per_km = 0.6;
    small.fixed_cost = 60.0;
    small.count = Some(2);
    p.vehicle_types.push(small);
    (p, m)
}

/// A run stopped by its iteration count only (no clock), so that equal seeds give equal results
/// on any machine.
fn params(seed: u64, iters: u64) -> SolverParams {
    SolverParams {
        time_limit_s: f64::INFINITY,
        seed,
        max_iterations: Some(iters),
        max_work: Some(u64::MAX),
        cancel: None,
    }
}

#[test]
fn territory_solution_passes_the_independent_checker() {
    for seed in 0..2 {
        let (p, m) = territory(30, seed);
        let sol = solve(&p, &m, &params(seed, 60)).unwrap();
        let rep = check(&p, &m, &sol);
        assert!(rep.ok(), "{:?}", rep.violations);
        assert!(sol.unassigned.is_empty(), "{:?}", sol.unassigned);
        assert!((rep.cost - sol.cost).abs() < 1e-6 * sol.cost);
        for r in &sol.rounds {
            assert_eq!(r.visits.first().unwrap().kind, VisitKind::Start);
            assert_eq!(r.visits.last().unwrap().kind, VisitKind::End);
            let dumps = r
                .visits
                .iter()
                .filter(|v| v.kind == VisitKind::Unload)
                .count();
            assert_eq!(dumps, r.trips);
            assert!(
                r.visits
                    .iter()
                    .all(|v| v.load_after[0] <= p.vehicle_types[r.vehicle_type].capacity[0] + 1e-6)
            );
        }
        // JSON names are snake_case.
        let js = serde_json::to_string(&sol).unwrap();
        assert!(js.contains("\"load_after\"") && js.contains("\"distance_m\""));
    }
}

#[test]
fn multi_trip_when_the_truck_fills_up() {
    let (mut p, m) = territory(12, 5);
    p.vehicle_types.truncate(1);
    p.vehicle_types[0].count = Some(1);
    p.vehicle_types[0].capacity = [2500.0, 100.0];
    p.vehicle_types[0].max_duration_s = None;
    for s in &mut p.stops {
        s.time_window = None;
    }
    let sol = solve(&p, &m, &params(1, 100)).unwrap();
    let rep = check(&p, &m, &sol);
    assert!(rep.ok(), "{:?}", rep.violations);
    assert!(sol.unassigned.is_empty());
    assert_eq!(sol.rounds.len(), 1);
    assert!(
        sol.rounds[0].trips >= 2,
        "one truck must unload several times"
    );
    assert_eq!(sol.rounds[0].binding, Binding::Capacity);
}

#[test]
fn same_seed_same_solution() {
    let (p, m) = territory(25, 9);
    let a = solve(&p, &m, &params(42, 50)).unwrap();
    let b = solve(&p, &m, &params(42, 50)).unwrap();
    assert_eq!(a, b);
    // A work budget is deterministic too.
    let w = SolverParams {
        time_limit_s: f64::INFINITY,
        seed: 3,
        max_iterations: None,
        max_work: Some(100_000),
        cancel: None,
    };
    assert_eq!(solve(&p, &m, &w).unwrap(), solve(&p, &m, &w).unwrap());
}

#[test]
fn unassigned_stops_carry_their_reason() {
    let (mut p, m) = territory(8, 2);
    for v in &mut p.vehicle_types {
        v.max_distance_m = Some(200_000.0);
    }
    // 0: too heavy for every truck.
    p.stops[0].demand = [20_000.0, 1.0];
    // 1: window before the shift starts.
    p.stops[1].time_window = Some(TimeWindow {
        earliest_s: 0.0,
        latest_s: 3600.0,
    });
    // 2: service longer than any round may last.
    p.stops[2].service_s = 9.0 * 3600.0;
    p.stops[2].time_window = None;
    let sol = solve(&p, &m, &params(1, 50)).unwrap();
    let reason = |s: usize| {
        sol.unassigned
            .iter()
            .find(|u| u.stop == s)
            .map(|u| u.reason)
    };
    assert_eq!(reason(0), Some(UnassignedReason::Capacity));
    assert_eq!(reason(1), Some(UnassignedReason::TimeWindow));
    assert_eq!(reason(2), Some(UnassignedReason::MaxDuration));
    assert!(check(&p, &m, &sol).ok());

    // 3: too far for the distance limit.
    let (mut p, m) = territory(4, 3);
    let far = m.distance_m(0, 5).max(m.distance_m(1, 5));
    for v in &mut p.vehicle_types {
        v.max_distance_m = Some(far * 0.5);
    }
    let sol = solve(&p, &m, &params(1, 20)).unwrap();
    assert!(
        sol.unassigned
            .iter()
            .all(|u| u.reason == UnassignedReason::MaxDistance)
    );
    assert!(sol.unassigned.iter().any(|u| u.stop == 3));
    assert!(check(&p, &m, &sol).ok());

    // No vehicle at all.
    let (mut p, m) = territory(3, 4);
    for v in &mut p.vehicle_types {
        v.count = Some(0);
    }
    let sol = solve(&p, &m, &params(1, 10)).unwrap();
    assert_eq!(sol.unassigned.len(), 3);
    assert!(
        sol.unassigned
            .iter()
            .all(|u| u.reason == UnassignedReason::NoVehicle)
    );
    assert!(sol.rounds.is_empty());
}

#[test]
fn too_small_a_fleet_leaves_stops_for_want_of_a_vehicle() {
    let (mut p, m) = territory(10, 6);
    p.vehicle_types.truncate(1);
    p.vehicle_types[0].count = Some(1);
    p.vehicle_types[0].max_trips = Some(1);
    p.vehicle_types[0].capacity = [1000.0, 100.0];
    for s in &mut p.stops {
        s.demand = [400.0, 1.0];
        s.time_window = None;
    }
    let sol = solve(&p, &m, &params(1, 60)).unwrap();
    assert!(
        check(&p, &m, &sol).ok(),
        "{:?}",
        check(&p, &m, &sol).violations
    );
    assert_eq!(sol.rounds.len(), 1);
    assert_eq!(sol.unassigned.len(), 8);
    assert!(
        sol.unassigned
            .iter()
            .all(|u| u.reason == UnassignedReason::NoVehicle)
    );
}

#[test]
fn the_checker_catches_tampering() {
    let (p, m) = territory(10, 7);
    let sol = solve(&p, &m, &params(1, 30)).unwrap();
    let mut bad = sol.clone();
    bad.cost *= 0.9;
    assert!(!check(&p, &m, &bad).ok());
    let mut bad = sol.clone();
    let r = &mut bad.rounds[0];
    let k = r
        .visits
        .iter()
        .position(|v| v.kind == VisitKind::Stop)
        .unwrap();
    r.visits.remove(k);
    let rep = check(&p, &m, &bad);
    assert!(
        rep.violations.iter().any(|v| v.contains("appears 0 times")),
        "{:?}",
        rep.violations
    );
    let mut tight = p.clone();
    tight.vehicle_types[0].capacity = [1.0, 1.0];
    tight.vehicle_types[1].capacity = [1.0, 1.0];
    assert!(
        check(&tight, &m, &sol)
            .violations
            .iter()
            .any(|v| v.contains("capacity"))
    );
}

#[test]
fn balance_shortens_the_longest_round() {
    let (mut p, m) = territory(24, 11);
    for s in &mut p.stops {
        s.time_window = None;
    }
    p.vehicle_types.truncate(1);
    p.vehicle_types[0].fixed_cost = 0.0;
    let plain = solve(&p, &m, &params(1, 60)).unwrap();
    p.balance_cost_per_hour = 500.0;
    let balanced = solve(&p, &m, &params(1, 60)).unwrap();
    assert!(check(&p, &m, &balanced).ok());
    let longest =
        |s: &boucle::vrp::Solution| s.rounds.iter().map(|r| r.duration_s).fold(0.0, f64::max);
    assert!(longest(&balanced) <= longest(&plain) + 1e-6);
    assert!(balanced.balance_cost > 0.0);
}
