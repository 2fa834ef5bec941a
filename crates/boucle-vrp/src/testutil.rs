//! Test instances shared by the engine's unit tests.

use rand::Rng;
use rand_pcg::Pcg64;

use crate::matrix::DenseMatrix;
use crate::model::{Problem, Stop, VehicleType};

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

/// Two vehicle types on [`instance`]'s ground with `n` customers (locations 1..=n): "big"
/// (capacity 40) and "small" (capacity 15), both unloading at location n + 1 as often as needed
/// within a 6-hour limit; tests adjust the rest.
pub(crate) fn two_types_with_unloading(rng: &mut Pcg64, n: usize) -> (Problem, DenseMatrix) {
    let (mut p, m) = instance(rng, n + 1, 30.0);
    // Location n + 1 is the unloading place; stops on 1..=n only.
    p.stops.pop();
    let mut big = p.vehicle_types[0].clone();
    big.name = "big".into();
    big.capacity = [40.0, 1e15];
    big.dump = Some(n + 1);
    big.max_trips = None;
    big.max_duration_s = Some(6.0 * 3600.0);
    let mut small = big.clone();
    small.name = "small".into();
    small.capacity = [15.0, 1e15];
    p.vehicle_types = vec![big, small];
    (p, m)
}
