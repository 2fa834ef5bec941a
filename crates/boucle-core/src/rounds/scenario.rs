//! The alone-vs-pooled scenario: [`Scenario`], alone (the baseline of [`super::baseline`]),
//! pooled and the savings per year with the factors used, why they are estimates, and how
//! sure the savings are ([`super::sensitivity`]). Costs and CO2e come from each vehicle's
//! cost model.

use serde::{Deserialize, Serialize};

use super::baseline::DEFINITION;
pub use super::demand::{Demand, Timing};
use super::sensitivity::Sensitivity;
use crate::estimate::Estimate;
use crate::territory::{Factor, Totals};
use crate::travel::Method;

/// Alone vs pooled, per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Each company alone (see the plan's `baseline` for the definition).
    pub alone: Totals,
    /// The pooled rounds, scaled to the year (one set of rounds per collection cycle).
    pub pooled: Totals,
    /// `alone - pooled`.
    pub savings: Totals,
    /// How distances and durations were obtained (`road` or `crow_flies`).
    pub method: Method,
    /// Collection cycles per year of the pooled service.
    pub cycles_per_year: f64,
    /// The factors used, with units and sources.
    pub factors: Vec<Factor>,
    /// Why the figures are estimates (stable reason codes), `None` when they rest on measured
    /// data only.
    pub estimate: Option<Estimate>,
    /// How the savings move with the uncertain cost factors.
    pub sensitivity: Sensitivity,
    /// How the figures were computed, in words.
    pub notes: Vec<String>,
}

impl Scenario {
    /// Build the comparison from the baseline and one cycle of pooled rounds.
    pub fn new(
        alone: Totals,
        pooled_cycle: Totals,
        cycles_per_year: f64,
        method: Method,
        factors: Vec<Factor>,
        estimate: Option<Estimate>,
        sensitivity: Sensitivity,
    ) -> Scenario {
        let pooled = pooled_cycle.scaled(cycles_per_year);
        Scenario {
            alone,
            pooled,
            savings: alone.minus(pooled),
            method,
            cycles_per_year,
            factors,
            estimate,
            sensitivity,
            notes: vec![
                format!("alone: {DEFINITION}"),
                format!("pooled: the rounds of one collection cycle × {cycles_per_year} cycles per year (the highest frequency asked by the companies, so nobody is collected less often than asked); per-stop demand = yearly quantity / cycles"),
                "cost per round = fixed cost + EUR/km × km + EUR/h × hours (driving + service at stops + unloading); CO2e = km × L/100km / 100 × kgCO2e/L".into(),
            ],
        }
    }
}
