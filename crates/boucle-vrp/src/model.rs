//! The routing problem as the caller states it: stops, vehicle types and options. Locations are
//! indices into a [`crate::matrix::CostMatrix`] given alongside.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Number of capacity dimensions (e.g. kg and m³, or kg and pallets). A dimension that does not
/// matter has demand 0 everywhere.
pub const DIMS: usize = 2;

/// A time window on the start of service, in seconds from the planning origin (e.g. midnight).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Earliest start of service (s). A vehicle arriving earlier waits.
    pub earliest_s: f64,
    /// Latest start of service (s).
    pub latest_s: f64,
}

/// A place to collect from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// Index of the stop's location in the cost matrix.
    pub location: usize,
    /// Quantity collected, per capacity dimension (same units as [`VehicleType::capacity`]).
    pub demand: [f64; DIMS],
    /// Time spent at the stop (s).
    pub service_s: f64,
    /// When service may start, if constrained.
    pub time_window: Option<TimeWindow>,
}

/// A kind of vehicle, with its costs, limits, depots and unloading site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VehicleType {
    /// Display name (e.g. "benne 19 t").
    pub name: String,
    /// Number of vehicles of this type; `None` means as many as needed.
    pub count: Option<usize>,
    /// Capacity per dimension, per trip (between two unloadings).
    pub capacity: [f64; DIMS],
    /// Cost per kilometre driven (€/km).
    pub cost_per_km: f64,
    /// Cost per hour of round duration, waiting included (€/h).
    pub cost_per_hour: f64,
    /// Fixed cost of each vehicle used (€ per round).
    pub fixed_cost: f64,
    /// Maximum duration of a round, from leaving the start depot to reaching the end depot (s).
    pub max_duration_s: Option<f64>,
    /// Maximum distance of a round (m).
    pub max_distance_m: Option<f64>,
    /// Matrix index of the start depot.
    pub start: usize,
    /// Matrix index of the end depot.
    pub end: usize,
    /// Matrix index of the dump / treatment site where the load is emptied; `None` means the end
    /// depot. A round always unloads there before returning to its end depot.
    pub dump: Option<usize>,
    /// Time to unload at the dump (s), for each unloading.
    pub unload_service_s: f64,
    /// Maximum number of trips (unloadings) per round; `None` means unlimited; `Some(1)` is the
    /// classic single-trip vehicle.
    pub max_trips: Option<u32>,
    /// Working hours: earliest departure from the start depot and latest arrival at the end depot.
    pub shift: Option<TimeWindow>,
}

impl VehicleType {
    /// A single-trip vehicle type with unbounded count and cost = distance in km × `cost_per_km`,
    /// starting, ending and unloading at `depot`. Adjust the public fields afterwards.
    pub fn simple(name: &str, depot: usize, capacity: [f64; DIMS], cost_per_km: f64) -> Self {
        VehicleType {
            name: name.to_owned(),
            count: None,
            capacity,
            cost_per_km,
            cost_per_hour: 0.0,
            fixed_cost: 0.0,
            max_duration_s: None,
            max_distance_m: None,
            start: depot,
            end: depot,
            dump: None,
            unload_service_s: 0.0,
            max_trips: Some(1),
            shift: None,
        }
    }
}

/// A routing problem: stops to serve with a fleet, minimising total cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Stops to collect from.
    pub stops: Vec<Stop>,
    /// Available vehicle types.
    pub vehicle_types: Vec<VehicleType>,
    /// Weight on the longest round's duration (€/h), to balance the rounds; 0 disables it.
    #[serde(default)]
    pub balance_cost_per_hour: f64,
}

fn finite_nonneg(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

impl Problem {
    /// Checks that every index is inside a matrix of `size` locations and that every number is
    /// finite and non-negative, and windows are ordered.
    pub fn validate(&self, size: usize) -> Result<(), Error> {
        let bad = |what: String| Err(Error::Invalid(what));
        if !finite_nonneg(self.balance_cost_per_hour) {
            return bad("balance_cost_per_hour must be a finite non-negative number".into());
        }
        for (i, s) in self.stops.iter().enumerate() {
            if s.location >= size {
                return bad(format!(
                    "stop {i}: location {} outside the cost matrix ({size} locations)",
                    s.location
                ));
            }
            if !s.demand.iter().all(|&d| finite_nonneg(d)) || !finite_nonneg(s.service_s) {
                return bad(format!(
                    "stop {i}: demand and service time must be finite and non-negative"
                ));
            }
            if let Some(tw) = s.time_window
                && !(tw.earliest_s.is_finite()
                    && tw.latest_s.is_finite()
                    && tw.earliest_s <= tw.latest_s)
            {
                return bad(format!(
                    "stop {i}: time window must be finite with earliest <= latest"
                ));
            }
        }
        for (i, v) in self.vehicle_types.iter().enumerate() {
            for (what, idx) in [
                ("start", Some(v.start)),
                ("end", Some(v.end)),
                ("dump", v.dump),
            ] {
                if let Some(idx) = idx
                    && idx >= size
                {
                    return bad(format!(
                        "vehicle type {i} ({}): {what} {idx} outside the cost matrix ({size} locations)",
                        v.name
                    ));
                }
            }
            let nums = [
                v.capacity[0],
                v.capacity[1],
                v.cost_per_km,
                v.cost_per_hour,
                v.fixed_cost,
                v.unload_service_s,
                v.max_duration_s.unwrap_or(0.0),
                v.max_distance_m.unwrap_or(0.0),
            ];
            if !nums.iter().all(|&x| finite_nonneg(x)) {
                return bad(format!(
                    "vehicle type {i} ({}): capacities, costs, limits and unload time must be finite and non-negative",
                    v.name
                ));
            }
            if v.max_trips == Some(0) {
                return bad(format!(
                    "vehicle type {i} ({}): max_trips must be >= 1",
                    v.name
                ));
            }
            if let Some(tw) = v.shift
                && !(tw.earliest_s.is_finite()
                    && tw.latest_s.is_finite()
                    && tw.earliest_s <= tw.latest_s)
            {
                return bad(format!(
                    "vehicle type {i} ({}): shift must be finite with earliest <= latest",
                    v.name
                ));
            }
        }
        Ok(())
    }
}
