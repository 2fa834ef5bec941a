//! The routing problem of a plan as the constructions see it (stops cut to fit a load, the
//! fleet's limits and costs), the routing engine run on it, and the rounds it returns, in a
//! form neutral between the engine and the savings floor ([`super::savings`]).

use super::answer::{Binding, Reason};
use super::scenario::Timing;
use crate::error::Result;
use crate::territory::Vehicle;
use crate::travel::CostMatrix;

/// A stop handed to the solver (a holder, or a part of it when its demand exceeds a load).
#[derive(Debug, Clone)]
pub(super) struct SolverStop {
    /// Index of its holder in the plan's demands.
    pub holder: usize,
    /// Its location in the matrix.
    pub matrix_index: usize,
    /// Load, kg.
    pub kg: f64,
    /// Load, m³.
    pub m3: f64,
    /// Service time at the stop, s.
    pub service_s: f64,
    /// When service may start (s from midnight), if constrained.
    pub window: Option<(f64, f64)>,
}

/// What a visit of a solved round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VisitKind {
    Depot,
    Stop,
    Dump,
}

/// One visit of a solved round.
#[derive(Debug, Clone)]
pub(super) struct SolvedVisit {
    pub kind: VisitKind,
    /// Index into the solver's stops for a stop.
    pub stop: Option<usize>,
    /// Matrix index.
    pub location: usize,
    pub arrival_s: f64,
    /// Load on board on leaving, kg.
    pub load_kg: f64,
}

/// A solved round: visits from depot to depot, unloadings included.
#[derive(Debug, Clone)]
pub(super) struct SolvedRound {
    pub visits: Vec<SolvedVisit>,
    pub distance_m: f64,
    pub duration_s: f64,
    pub binding: Vec<Binding>,
    /// Index of its vehicle type in the fleet.
    pub ty: usize,
}

/// Solved rounds and the stops left out (index into the solver's stops, reason).
pub(super) type Solved = (Vec<SolvedRound>, Vec<(usize, Reason)>);

/// Limits of one round.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub capacity_kg: f64,
    pub capacity_m3: Option<f64>,
    pub max_duration_s: Option<f64>,
    pub max_distance_m: Option<f64>,
}

/// The routing problem of one collection cycle.
pub(super) struct Problem<'a> {
    pub m: &'a dyn CostMatrix,
    pub depot: usize,
    pub dump: usize,
    pub stops: Vec<SolverStop>,
    pub timing: Timing,
    /// The fleet: the first type is the primary one (savings construction, loads).
    pub types: Vec<TypeSpec>,
}

/// One vehicle type of the fleet as the solvers see it.
#[derive(Debug, Clone)]
pub(super) struct TypeSpec {
    pub id: String,
    pub limits: Limits,
    pub cost_per_m: f64,
    pub cost_per_s: f64,
    pub fixed: f64,
    /// Vehicles of this type a day (`None`: as many as needed).
    pub count: Option<usize>,
    /// Earliest departure and latest return, s from midnight.
    pub shift: Option<(f64, f64)>,
}

impl TypeSpec {
    /// The type of vehicle `v` for a material of `unit` and `m3_per_unit`.
    pub fn new(v: &Vehicle, unit: &str, m3_per_unit: Option<f64>) -> TypeSpec {
        TypeSpec {
            id: v.id.clone(),
            limits: Limits {
                capacity_kg: v.capacity_kg,
                capacity_m3: v.volume_capacity_m3(unit, m3_per_unit),
                max_duration_s: v.max_duration_h.map(|h| h * 3600.0),
                max_distance_m: v.max_distance_km.map(|k| k * 1000.0),
            },
            cost_per_m: v.cost_per_km_eur / 1000.0,
            cost_per_s: v.cost_per_hour_eur / 3600.0,
            fixed: v.fixed_cost_eur,
            count: None,
            shift: None,
        }
    }

    /// Cost of one round of this type.
    pub fn cost(&self, distance_m: f64, duration_s: f64) -> f64 {
        self.fixed + self.cost_per_m * distance_m + self.cost_per_s * duration_s
    }
}

impl Problem<'_> {
    /// Solve with the routing engine ([`boucle_vrp::solve`]): the fleet's types, multi-trip
    /// with unloading at the treatment site, as many vehicles as needed within a cycle.
    pub fn run_engine(&self, params: &boucle_vrp::SolverParams) -> Result<Solved> {
        use boucle_vrp as r;
        let problem = self.engine_problem();
        let sol = r::solve(&problem, self.m, params)?;
        let rounds = sol
            .rounds
            .iter()
            .map(|round| SolvedRound {
                visits: round
                    .visits
                    .iter()
                    .map(|v| SolvedVisit {
                        kind: match v.kind {
                            r::VisitKind::Stop => VisitKind::Stop,
                            r::VisitKind::Unload => VisitKind::Dump,
                            r::VisitKind::Start | r::VisitKind::End => VisitKind::Depot,
                        },
                        stop: v.stop,
                        location: v.location,
                        arrival_s: v.arrival_s,
                        load_kg: v.load_after[0],
                    })
                    .collect(),
                distance_m: round.distance_m,
                duration_s: round.duration_s,
                binding: match round.binding {
                    r::Binding::Capacity => vec![Binding::Capacity],
                    r::Binding::MaxDuration => vec![Binding::MaxDuration],
                    r::Binding::MaxDistance => vec![Binding::MaxDistance],
                    r::Binding::TimeWindows => vec![Binding::TimeWindows],
                    r::Binding::None => Vec::new(),
                },
                ty: round.vehicle_type,
            })
            .collect();
        let dropped = sol
            .unassigned
            .iter()
            .map(|u| (u.stop, Reason::from(u.reason)))
            .collect();
        Ok((rounds, dropped))
    }

    /// Whether the problem has a time of day (windows, shifts), a fleet limit or service
    /// times that differ between stops: the savings floor, which knows none of them, is then
    /// not a valid plan.
    pub fn timed(&self) -> bool {
        self.stops
            .iter()
            .any(|s| s.window.is_some() || (s.service_s - self.timing.service_s).abs() > 1e-9)
            || self
                .types
                .iter()
                .any(|t| t.count.is_some() || t.shift.is_some())
    }

    /// The engine's problem of this cycle (also written in VROOM's format by
    /// [`super::export_vroom`]).
    pub fn engine_problem(&self) -> boucle_vrp::Problem {
        use boucle_vrp as r;
        // A capacity dimension that does not bind: a large finite number (the engine checks
        // that capacities are finite).
        const UNLIMITED: f64 = 1e15;
        r::Problem {
            stops: self
                .stops
                .iter()
                .map(|s| r::Stop {
                    location: s.matrix_index,
                    demand: [s.kg, s.m3],
                    service_s: s.service_s,
                    time_window: s.window.map(|(a, b)| r::TimeWindow {
                        earliest_s: a,
                        latest_s: b,
                    }),
                })
                .collect(),
            vehicle_types: self
                .types
                .iter()
                .map(|ts| r::VehicleType {
                    name: ts.id.clone(),
                    count: ts.count,
                    capacity: [
                        ts.limits.capacity_kg,
                        ts.limits.capacity_m3.unwrap_or(UNLIMITED),
                    ],
                    cost_per_km: ts.cost_per_m * 1000.0,
                    cost_per_hour: ts.cost_per_s * 3600.0,
                    fixed_cost: ts.fixed,
                    max_duration_s: ts.limits.max_duration_s,
                    max_distance_m: ts.limits.max_distance_m,
                    start: self.depot,
                    end: self.depot,
                    dump: Some(self.dump),
                    unload_service_s: self.timing.unload_s,
                    max_trips: None,
                    shift: ts.shift.map(|(a, b)| r::TimeWindow {
                        earliest_s: a,
                        latest_s: b,
                    }),
                })
                .collect(),
            balance_cost_per_hour: 0.0,
        }
    }

    /// Total cost of solved rounds.
    pub fn total_cost(&self, rounds: &[SolvedRound]) -> f64 {
        rounds
            .iter()
            .map(|r| self.types[r.ty].cost(r.distance_m, r.duration_s))
            .sum()
    }
}
