//! The solver's output: rounds with their visits, times, loads, distance, duration and cost,
//! unassigned stops with a reason, and the constraint that binds each round.

use serde::{Deserialize, Serialize};

use crate::matrix::Method;

/// Why a stop could not be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnassignedReason {
    /// Its demand exceeds the capacity of every vehicle type.
    Capacity,
    /// No vehicle can reach it within its time window (and its shift).
    TimeWindow,
    /// Even a round serving it alone exceeds every vehicle type's maximum duration.
    MaxDuration,
    /// Even a round serving it alone exceeds every vehicle type's maximum distance.
    MaxDistance,
    /// No vehicle available, or the fleet is too small to serve it with the others.
    NoVehicle,
}

/// The constraint that limits a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// A trip is full: no other stop's demand would fit.
    Capacity,
    /// The round uses at least 95 % of the maximum duration.
    MaxDuration,
    /// A stop is served in the last 5 % of its time window.
    TimeWindows,
    /// The round uses at least 95 % of the maximum distance.
    MaxDistance,
    /// No constraint is tight.
    None,
}

/// What a visit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// Leaving the start depot.
    Start,
    /// Serving a stop.
    Stop,
    /// Unloading at the dump / treatment site.
    Unload,
    /// Arriving at the end depot.
    End,
}

/// One visit of a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// What the visit is.
    pub kind: VisitKind,
    /// Index in [`super::Problem::stops`] for a stop.
    pub stop: Option<usize>,
    /// Matrix index of the place.
    pub location: usize,
    /// Arrival time (s).
    pub arrival_s: f64,
    /// Start of service (s), after any waiting.
    pub start_s: f64,
    /// Departure time (s).
    pub departure_s: f64,
    /// Load on board after the visit, per dimension.
    pub load_after: [f64; 2],
}

/// One vehicle's round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// Index of the vehicle type.
    pub vehicle_type: usize,
    /// Index of the vehicle within its type.
    pub vehicle: usize,
    /// Visits in order, from start depot to end depot, unloadings included.
    pub visits: Vec<Visit>,
    /// Number of trips (unloadings).
    pub trips: usize,
    /// Distance driven (m).
    pub distance_m: f64,
    /// Duration from departure to return (s), waiting included.
    pub duration_s: f64,
    /// Cost (€): distance, time and fixed cost of the vehicle.
    pub cost: f64,
    /// The constraint that limits this round.
    pub binding: Binding,
}

/// A stop left out, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unassigned {
    /// Index in [`super::Problem::stops`].
    pub stop: usize,
    /// Why it is left out.
    pub reason: UnassignedReason,
}

/// A solution of a [`super::Problem`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// Total cost (€): sum of the rounds' costs plus the balance term.
    pub cost: f64,
    /// Balance term included in `cost`: weight × longest round duration.
    pub balance_cost: f64,
    /// Total distance (m).
    pub distance_m: f64,
    /// Total duration of the rounds (s).
    pub duration_s: f64,
    /// The rounds, one per vehicle used.
    pub rounds: Vec<Round>,
    /// Stops not served.
    pub unassigned: Vec<Unassigned>,
    /// How the travel costs were obtained.
    pub method: Method,
    /// Genetic iterations done.
    pub iterations: u64,
    /// Work done (move evaluations), the deterministic clock.
    pub work: u64,
}
