//! Criterion benchmarks of the routing engine: a territory-like round (50 stops, dump away from
//! the depot, two capacity dimensions, time windows, multi-trip trucks) at a fixed iteration
//! budget, and generated CVRP instances of several sizes.

use boucle::travel::DenseMatrix;
use boucle::vrp::{Problem, SolverParams, Stop, VehicleType, check, solve};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

#[path = "../tests/common/territory_vrp.rs"]
mod territory_vrp;

/// The territory-like instance of the engine's tests (seed 1) with 4 trucks.
fn territory(n: usize) -> (Problem, DenseMatrix) {
    let (mut p, m) = territory_vrp::territory_problem(n, 1);
    p.vehicle_types[0].count = Some(4);
    (p, m)
}

fn cvrp(n: usize) -> (Problem, DenseMatrix) {
    let mut rng = Pcg64::seed_from_u64(2);
    let pts: Vec<(f64, f64)> = (0..=n)
        .map(|_| (rng.random_range(0.0..1000.0), rng.random_range(0.0..1000.0)))
        .collect();
    let m = DenseMatrix::planar(&pts, 1.0, true);
    let stops = (1..=n)
        .map(|i| Stop {
            location: i,
            demand: [rng.random_range(1..=30) as f64, 0.0],
            service_s: 0.0,
            time_window: None,
        })
        .collect();
    let v = VehicleType::simple("truck", 0, [100.0, 0.0], 1000.0);
    (
        Problem {
            stops,
            vehicle_types: vec![v],
            balance_cost_per_hour: 0.0,
        },
        m,
    )
}

/// Quality of the territory-like round under a 200 ms budget against a 5 s run (printed once).
fn territory_quality() {
    let (p, m) = territory(50);
    // 0.2 s of wall clock, the work of 0.2 s on an idle machine (deterministic), and 5 s.
    for (budget, work) in [
        (0.2, u64::MAX),
        (30.0, (0.2 * boucle::vrp::WORK_PER_SECOND) as u64),
        (5.0, u64::MAX),
    ] {
        let params = SolverParams {
            time_limit_s: budget,
            seed: 1,
            max_iterations: None,
            max_work: Some(work),
            cancel: None,
        };
        let t0 = std::time::Instant::now();
        let sol = solve(&p, &m, &params).unwrap();
        let el = t0.elapsed().as_secs_f64();
        let ok = check(&p, &m, &sol).ok();
        eprintln!(
            "territory 50 stops, budget {budget} s / {work} work: cost {:.2} EUR, {} rounds, {} trips, {} unassigned, {} iterations, {el:.3} s, checker ok: {ok}",
            sol.cost,
            sol.rounds.len(),
            sol.rounds.iter().map(|r| r.trips).sum::<usize>(),
            sol.unassigned.len(),
            sol.iterations,
        );
    }
}

fn bench(c: &mut Criterion) {
    territory_quality();
    let mut g = c.benchmark_group("rounds");
    g.sample_size(10);
    let (p, m) = territory(50);
    let params = SolverParams {
        time_limit_s: 60.0,
        seed: 1,
        max_iterations: Some(200),
        max_work: Some(u64::MAX),
        cancel: None,
    };
    g.bench_function("territory_50_stops_200_iterations", |b| {
        b.iter(|| solve(&p, &m, &params).unwrap())
    });
    for n in [50, 100, 200] {
        let (p, m) = cvrp(n);
        let params = SolverParams {
            time_limit_s: 60.0,
            seed: 1,
            max_iterations: Some(100),
            max_work: Some(u64::MAX),
            cancel: None,
        };
        g.bench_function(format!("cvrp_{n}_100_iterations"), |b| {
            b.iter(|| solve(&p, &m, &params).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
