//! The alone-vs-pooled scenario: [`alone`], the baseline where each company is served alone at
//! its own frequency, and [`Scenario`], alone, pooled and the savings per year with the factors
//! used. Costs and CO2e come from the vehicle's [`CostModel`].

use serde::{Deserialize, Serialize};

use crate::territory::vehicles::loads;
use crate::territory::{CostModel, Factor, Totals};
use crate::travel::{CostMatrix, Method};

/// One company's yearly demand of a material, for the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// Actor or site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Index of its location in the cost matrix.
    pub index: usize,
    /// Quantity per year in the material's unit.
    pub quantity_per_year: f64,
    /// Mass per year in kg.
    pub kg_per_year: f64,
    /// Volume per year in m³ (0 when unknown).
    pub m3_per_year: f64,
    /// Collections per year asked by the company.
    pub collections_per_year: f64,
}

/// Timing parameters of a collection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Service time at each stop, in seconds.
    pub service_s: f64,
    /// Unloading time at the treatment site, in seconds.
    pub unload_s: f64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            service_s: 900.0,
            unload_s: 1200.0,
        }
    }
}

/// The yearly totals of the baseline where each company is served alone: per collection,
/// `loads` trips depot → company → treatment site → depot, `collections_per_year` times a year.
///
/// `depot` and `dump` are indices in `matrix`; `volume_capacity_m3` is the vehicle's effective
/// volume capacity for the material.
pub fn alone(
    demands: &[Demand],
    depot: usize,
    dump: usize,
    matrix: &dyn CostMatrix,
    model: &CostModel,
    volume_capacity_m3: Option<f64>,
    timing: Timing,
) -> Totals {
    let mut total = Totals::default();
    for d in demands {
        let f = d.collections_per_year;
        if f <= 0.0 {
            continue;
        }
        let n = loads(
            d.kg_per_year / f,
            d.m3_per_year / f,
            model.vehicle.capacity_kg,
            volume_capacity_m3,
        );
        let dist = matrix.distance_m(depot, d.index)
            + matrix.distance_m(d.index, dump)
            + matrix.distance_m(dump, depot);
        let dur = matrix.duration_s(depot, d.index)
            + matrix.duration_s(d.index, dump)
            + matrix.duration_s(dump, depot)
            + timing.service_s
            + timing.unload_s;
        total = total.plus(model.round(dist, dur).scaled(f64::from(n) * f));
    }
    total
}

/// Alone vs pooled, per year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Each company served alone, at its own frequency.
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
    /// Whether any input is an estimate (demonstration flows, crow-flies distances, estimated
    /// factors).
    pub estimate: bool,
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
        estimate: bool,
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
            notes: vec![
                "alone: per company and per collection, depot → company → treatment site → depot, as many loads as its quantity per collection needs, at the company's own frequency (collections_per_period), summed over the year".into(),
                format!("pooled: the rounds of one collection cycle × {cycles_per_year} cycles per year (the highest frequency asked by the companies, so nobody is collected less often than asked); per-stop demand = yearly quantity / cycles"),
                "cost per round = fixed cost + EUR/km × km + EUR/h × hours (driving + service at stops + unloading); CO2e = km × L/100km / 100 × kgCO2e/L".into(),
            ],
        }
    }
}
