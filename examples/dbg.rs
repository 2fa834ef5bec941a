use boucle::cost::{DenseMatrix, Method};
use boucle::rounds::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
fn main() {
    let seed = 2;
    let mut rng = Pcg64::seed_from_u64(seed);
    let n = 8;
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (rng.random_range(0.0..20_000.0), rng.random_range(0.0..20_000.0))).collect();
    let mut d = Vec::new();
    for a in &pts { for b in &pts { d.push(((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt().round()); } }
    let m = DenseMatrix { rows: n, cols: n, durations_s: d.iter().map(|x| x / 10.0).collect(), distances_m: d, method: Method::CrowFlies };
    let mut v = VehicleType::simple("truck", 0, [10.0, 5.0], 1.2);
    v.cost_per_hour = 30.0; v.fixed_cost = 20.0;
    let stops: Vec<Stop> = (0..7).map(|i| Stop { location: 1 + i, demand: [rng.random_range(1..=6) as f64, rng.random_range(0..=3) as f64], service_s: rng.random_range(60.0..600.0), time_window: None }).collect();
    println!("{:?}", stops.iter().map(|s| s.demand).collect::<Vec<_>>());
    let p = Problem { stops, vehicle_types: vec![v], balance_cost_per_hour: 0.0 };
    let sol = solve(&p, &m, &SolverParams { time_limit_s: 30.0, seed: 7, max_iterations: Some(300), max_work: Some(u64::MAX) }).unwrap();
    println!("{} {:?}", sol.cost, sol.unassigned);
    for r in &sol.rounds { println!("{:?}", r.visits.iter().map(|v| (v.stop, v.load_after)).collect::<Vec<_>>()); }
}
