//! What a user asks of the collection rounds (`boucle rounds`, `POST /api/rounds`).

use serde::{Deserialize, Serialize};

use crate::territory::{EmissionFactor, Vehicle};

/// Vehicle types given inline (API) or as a CSV path (CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VehiclesSpec {
    /// Vehicle types given inline.
    Inline(Vec<Vehicle>),
    /// Path of a vehicles CSV (same columns as `vehicles.csv`).
    File(String),
}

/// Emission factors given inline (API) or as a CSV path (CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactorsSpec {
    /// Factors given inline.
    Inline(Vec<EmissionFactor>),
    /// Path of an emission-factor CSV (same columns as `emission_factors.csv`).
    File(String),
}

/// What to plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundsRequest {
    /// Material slug, e.g. `pallets`.
    pub material: String,
    /// Depot: a site or actor id, or `"LON,LAT"`.
    #[serde(default)]
    pub depot: Option<String>,
    /// Treatment site (dump): a site id, or `"LON,LAT"`.
    #[serde(default)]
    pub dump: Option<String>,
    /// Vehicle types (inline or a CSV path); default: the territory's `vehicles.csv`.
    #[serde(default)]
    pub vehicles: Option<VehiclesSpec>,
    /// Time limit of the solver in seconds.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Random seed of the solver.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Vehicle type id to use among `vehicles` (default: the material's default vehicle);
    /// several ids, comma-separated, make a mixed fleet whose first type is the primary one.
    #[serde(default)]
    pub vehicle: Option<String>,
    /// Emission factors (inline or a CSV path); default: the territory's
    /// `emission_factors.csv`.
    #[serde(default)]
    pub factors: Option<FactorsSpec>,
    /// Stop the routing engine after this many genetic iterations, with no clock: the same
    /// request gives the same plan on any machine (library and CLI; not accepted over HTTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_iterations: Option<u64>,
    // --- Planning over a period (issue 18, point 3) ---
    /// Plan a period of weeks instead of one cycle: `"4w"` or `4` (1–13 weeks); the answer is
    /// then a [`super::PeriodPlan`] (`boucle rounds --period`, `POST /api/rounds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodSpec>,
    // --- end of the period block ---
    /// Cooperative cancellation of the routing engine (set by a caller that gives up, e.g. the
    /// server when a request times out); never read from or written to JSON.
    #[serde(skip)]
    pub cancel: Option<boucle_vrp::CancelFlag>,
}

/// A period of weeks: a number, or text such as `4w`, `4 weeks`, `4 semaines`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PeriodSpec {
    /// Weeks.
    Weeks(f64),
    /// Text: `4w`, `4`.
    Text(String),
}

/// Fewest and most weeks of a period plan.
pub const PERIOD_WEEKS: std::ops::RangeInclusive<u32> = 1..=13;

impl PeriodSpec {
    /// The number of weeks, checked against [`PERIOD_WEEKS`].
    pub fn weeks(&self) -> crate::error::Result<u32> {
        let bad = |what: &str| {
            crate::error::Error::Invalid(format!(
                "`period`: {what} is not a number of weeks from {} to {} (e.g. `4w`)",
                PERIOD_WEEKS.start(),
                PERIOD_WEEKS.end()
            ))
        };
        let n = match self {
            PeriodSpec::Weeks(w) => *w,
            PeriodSpec::Text(t) => {
                let s = t.trim().to_ascii_lowercase();
                let digits = s
                    .trim_end_matches("semaines")
                    .trim_end_matches("semaine")
                    .trim_end_matches("weeks")
                    .trim_end_matches("week")
                    .trim_end_matches('w')
                    .trim_end_matches('s')
                    .trim();
                digits.parse::<f64>().map_err(|_| bad(&format!("`{t}`")))?
            }
        };
        if !(n.is_finite() && n.fract() == 0.0 && n >= 1.0 && n <= f64::from(*PERIOD_WEEKS.end())) {
            return Err(bad(&format!("`{n}`")));
        }
        Ok(n as u32)
    }
}
