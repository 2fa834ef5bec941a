//! A routing problem written in VROOM's input format, so that anyone can solve the same problem
//! with VROOM and compare. VROOM wants whole numbers: durations are rounded to the second,
//! distances to the metre, amounts scaled then rounded up (capacities down: what fits after the
//! rounding fits before it), costs scaled (e.g. euros to cents).

use serde_json::{Value, json};

use crate::travel::CostMatrix;
use boucle_vrp::{DIMS, Problem};

/// A capacity at or above this is unlimited (not written).
const UNLIMITED: f64 = 1e14;

/// How to write the problem.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    /// Coordinates `[lon, lat]` of each matrix index, when known.
    pub coords: Vec<Option<[f64; 2]>>,
    /// Description of each stop (e.g. the holder's id and name).
    pub stop_names: Vec<String>,
    /// Factor applied to each amount dimension before rounding (e.g. 1 for kg, 1000 for m³ to
    /// litres).
    pub amount_scale: [f64; DIMS],
    /// Factor applied to the costs before rounding (e.g. 100: euros to cents).
    pub cost_scale: f64,
    /// Vehicles written for a type whose count is unbounded.
    pub unbounded_count: usize,
    /// Free text written under `"boucle"` at the root (units, source).
    pub notes: Vec<String>,
}

/// `problem` on `matrix` in VROOM's input format. Each vehicle carries the `"boucle"` extension
/// (treatment site, unloading time, most trips) that VROOM ignores: VROOM then plans single
/// trips from the start to the end, boucle its multi-trip rounds.
pub fn to_vroom(problem: &Problem, matrix: &dyn CostMatrix, spec: &ExportSpec) -> Value {
    let n = matrix.rows();
    let dims: Vec<usize> = (0..DIMS)
        .filter(|&d| {
            problem.stops.iter().any(|s| s.demand[d] > 0.0)
                || problem
                    .vehicle_types
                    .iter()
                    .any(|v| v.capacity[d] < UNLIMITED)
        })
        .collect();
    let up = |x: f64, d: usize| (x * spec.amount_scale[d] - 1e-9).ceil().max(0.0) as u64;
    let down = |x: f64, d: usize| (x * spec.amount_scale[d] + 1e-9).floor().max(0.0) as u64;
    let place = |o: &mut Value, key: &str, loc: usize| {
        o[format!("{key}_index")] = json!(loc);
        if let Some(Some(c)) = spec.coords.get(loc) {
            o[key] = json!(c);
        }
    };
    let jobs: Vec<Value> = problem
        .stops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut o = json!({
                "id": i + 1,
                "service": s.service_s.round() as u64,
            });
            if !dims.is_empty() {
                o["pickup"] = json!(dims.iter().map(|&d| up(s.demand[d], d)).collect::<Vec<_>>());
            }
            if let Some(name) = spec.stop_names.get(i) {
                o["description"] = json!(name);
            }
            place(&mut o, "location", s.location);
            if let Some(w) = s.time_window {
                o["time_windows"] =
                    json!([[w.earliest_s.floor() as u64, w.latest_s.floor() as u64]]);
            }
            o
        })
        .collect();
    let mut vehicles = Vec::new();
    for vt in &problem.vehicle_types {
        let count = vt.count.unwrap_or(spec.unbounded_count).min(10_000);
        for _ in 0..count {
            let mut o = json!({
                "id": vehicles.len() + 1,
                "description": vt.name,
                "costs": {
                    "fixed": (vt.fixed_cost * spec.cost_scale).round() as u64,
                    "per_hour": (vt.cost_per_hour * spec.cost_scale).round() as u64,
                    "per_km": (vt.cost_per_km * spec.cost_scale).round() as u64,
                },
            });
            if !dims.is_empty() {
                o["capacity"] = json!(
                    dims.iter()
                        .map(|&d| if vt.capacity[d] >= UNLIMITED {
                            u64::MAX >> 12
                        } else {
                            down(vt.capacity[d], d)
                        })
                        .collect::<Vec<_>>()
                );
            }
            place(&mut o, "start", vt.start);
            place(&mut o, "end", vt.end);
            if let Some(w) = vt.shift {
                o["time_window"] = json!([w.earliest_s.ceil() as u64, w.latest_s.floor() as u64]);
            }
            if let Some(m) = vt.max_duration_s {
                o["max_travel_time"] = json!(m.floor() as u64);
            }
            if let Some(m) = vt.max_distance_m {
                o["max_distance"] = json!(m.floor() as u64);
            }
            if let Some(d) = vt.dump {
                let mut b = json!({"unload_service": vt.unload_service_s.round() as u64});
                place(&mut b, "dump", d);
                if let Some(t) = vt.max_trips {
                    b["max_trips"] = json!(t);
                }
                o["boucle"] = b;
            }
            vehicles.push(o);
        }
    }
    let rows = |f: &dyn Fn(usize, usize) -> f64| -> Vec<Vec<u64>> {
        (0..n)
            .map(|a| (0..n).map(|b| f(a, b).max(0.0).round() as u64).collect())
            .collect()
    };
    json!({
        "vehicles": vehicles,
        "jobs": jobs,
        "matrices": {
            "car": {
                "durations": rows(&|a, b| matrix.duration_s(a, b)),
                "distances": rows(&|a, b| matrix.distance_m(a, b)),
            }
        },
        "boucle": {
            "notes": spec.notes,
            "travel": matrix.method().as_str(),
        },
    })
}
