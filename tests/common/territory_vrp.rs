//! A territory-like routing instance around Thann-Cernay, shared by the engine's tests and its
//! benchmark: location 0 the depot, 1 the treatment site, then `n` companies; two capacity
//! dimensions (kg, m³), time windows on every third stop, a multi-trip 19 t truck with a shift.

use boucle::travel::{CrowFlies, DenseMatrix};
use boucle::vrp::{Problem, Stop, TimeWindow, VehicleType};
use geo::Point;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The instance of `n` companies drawn with `seed`; one vehicle type (3 trucks).
pub fn territory_problem(n: usize, seed: u64) -> (Problem, DenseMatrix) {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut pts = vec![Point::new(7.13, 47.80), Point::new(7.25, 47.75)];
    for _ in 0..n {
        pts.push(Point::new(
            rng.random_range(6.95..7.25),
            rng.random_range(47.72..47.90),
        ));
    }
    let m = CrowFlies::default().matrix(&pts, &pts);
    let stops = (0..n)
        .map(|i| Stop {
            location: 2 + i,
            demand: [rng.random_range(50.0..900.0), rng.random_range(0.5..6.0)],
            service_s: rng.random_range(300.0..900.0),
            time_window: (i % 3 == 0).then(|| {
                let e = 6.0 * 3600.0 + rng.random_range(0.0..5.0) * 3600.0;
                TimeWindow {
                    earliest_s: e,
                    latest_s: e + 2.0 * 3600.0,
                }
            }),
        })
        .collect();
    let mut truck = VehicleType::simple("porteur 19 t", 0, [8000.0, 30.0], 1.1);
    truck.dump = Some(1);
    truck.unload_service_s = 1200.0;
    truck.max_trips = None;
    truck.cost_per_hour = 35.0;
    truck.fixed_cost = 120.0;
    truck.count = Some(3);
    truck.max_duration_s = Some(8.0 * 3600.0);
    truck.shift = Some(TimeWindow {
        earliest_s: 5.0 * 3600.0,
        latest_s: 18.0 * 3600.0,
    });
    let p = Problem {
        stops,
        vehicle_types: vec![truck],
        balance_cost_per_hour: 0.0,
    };
    (p, m)
}
