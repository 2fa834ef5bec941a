//! Test instances shared by the engine's unit tests.

use rand::Rng;
use rand_pcg::Pcg64;

use crate::cost::DenseMatrix;
use crate::rounds::model::{Problem, Stop, VehicleType};

/// A symmetric Euclidean instance: depot at location 0, `n` customers, capacity `cap`,
/// per-km and per-hour costs (so that durations with services count too).
pub(crate) fn instance(rng: &mut Pcg64, n: usize, cap: f64) -> (Problem, DenseMatrix) {
    let pts: Vec<(f64, f64)> = (0..=n)
        .map(|_| {
            (
                rng.random_range(0.0..10_000.0),
                rng.random_range(0.0..10_000.0),
            )
        })
        .collect();
    let m = DenseMatrix::planar(&pts, 12.0, true);
    let stops = (1..=n)
        .map(|loc| Stop {
            location: loc,
            demand: [rng.random_range(1.0..10.0_f64).round(), 0.0],
            service_s: 300.0,
            time_window: None,
        })
        .collect();
    let mut vt = VehicleType::simple("truck", 0, [cap, 1e15], 1.0);
    vt.cost_per_hour = 30.0;
    vt.fixed_cost = 5.0;
    let p = Problem {
        stops,
        vehicle_types: vec![vt],
        balance_cost_per_hour: 0.0,
    };
    (p, m)
}
