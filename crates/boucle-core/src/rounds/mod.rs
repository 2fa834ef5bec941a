//! Pooled collection rounds of one material on a territory, and what pooling saves against each
//! company hauling alone: the function behind `boucle rounds` and `POST /api/rounds`.
//!
//! - [`request`]: what the user asks ([`RoundsRequest`]);
//! - [`defaults`]: the settings the request leaves out, each reported with where it comes from;
//! - [`plan`]: [`plan_rounds`], the request → rounds → scenario in named steps;
//! - `solve` and `savings` (private): the routing problem of a cycle, run by the engine
//!   ([`boucle_vrp`]) and by the savings floor;
//! - [`demand`]: each company's yearly demand and a collection's timing;
//! - [`baseline`]: the "each company alone" baseline, defined once; [`scenario`]: alone vs
//!   pooled; [`sensitivity`]: how the savings move with the uncertain cost factors;
//! - [`week`]: the officer's week in a plan (windows, service times, shifts, fleet limit,
//!   access);
//! - [`period`]: planning a period (each holder at its own frequency, each day's rounds),
//!   solved by `period_solve`;
//! - [`report`]: the plan as a dated, printable French page; [`files`]: its rounds as GPX and
//!   CSV; [`export_vroom`]: its routing problem in VROOM's input format;
//! - [`answer`]: the plan ([`RoundsPlan`]) and its public view; [`geojson`]: the plan as a
//!   FeatureCollection.

pub mod answer;
pub mod baseline;
pub mod defaults;
pub mod demand;
pub mod files;
pub mod geojson;
pub mod period;
mod period_solve;
pub mod plan;
pub mod report;
pub mod request;
mod savings;
pub mod scenario;
pub mod sensitivity;
mod solve;
pub mod week;

pub use answer::{
    Binding, DefaultKey, DefaultTaken, Origin, PlaceKind, PlanRound, PlanStop, Reason, RoundsPlan,
    Solver, Unassigned,
};
pub use period::{PeriodPlan, plan_period, plan_period_with};
pub use plan::{
    DEFAULT_MAX_ITERATIONS, DEFAULT_TIME_LIMIT_S, export_vroom, plan_rounds, plan_rounds_with,
};
pub use request::{FactorsSpec, PeriodSpec, RoundsRequest, VehiclesSpec};
