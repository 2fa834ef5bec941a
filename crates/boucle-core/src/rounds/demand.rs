//! What the rounds are planned for: each company's yearly demand of a material ([`Demand`]) and
//! the timing of a collection ([`Timing`]), shared by the baseline and the scenario.

use serde::{Deserialize, Serialize};

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
