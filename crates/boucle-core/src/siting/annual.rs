//! Yearly figures of a flow: tonnes and collection trips per year, shared by siting, synergy
//! matching and indicators.

use crate::territory::{Flow, Material};

/// Collections per year assumed when a flow does not say how often it is hauled (monthly).
pub const DEFAULT_TRIPS_PER_YEAR: f64 = 12.0;

/// How many of `period` there are in a year (`year`, `month`, `week`, `day`, `quarter`;
/// French names accepted), or `None` for an unknown period.
pub fn periods_per_year(period: &str) -> Option<f64> {
    Some(match period.trim().to_lowercase().as_str() {
        "year" | "yr" | "an" | "année" | "annee" | "y" => 1.0,
        "quarter" | "trimestre" => 4.0,
        "month" | "mois" => 12.0,
        "week" | "semaine" => 52.0,
        "day" | "jour" => 365.0,
        _ => return None,
    })
}

/// Tonnes per year of `flow`, whose material is `material`: quantity × periods per year ×
/// kg per unit ÷ 1000. The unit may be the material's own unit, `t` or `kg`.
pub fn tonnes_per_year(flow: &Flow, material: &Material) -> Result<f64, String> {
    let per_year = periods_per_year(&flow.period)
        .ok_or_else(|| format!("unknown period `{}`", flow.period))?;
    let unit = flow.unit.trim();
    let kg_per_unit = if unit == material.unit {
        material.kg_per_unit
    } else {
        match unit.to_lowercase().as_str() {
            "t" | "tonne" | "tonnes" => 1000.0,
            "kg" => 1.0,
            _ => {
                return Err(format!(
                    "unit `{unit}` is neither the material's unit `{}`, `t` nor `kg`",
                    material.unit
                ));
            }
        }
    };
    Ok(flow.quantity * per_year * kg_per_unit / 1000.0)
}

/// Collection trips per year of `flow` (collections per period × periods per year), and whether
/// the frequency was assumed ([`DEFAULT_TRIPS_PER_YEAR`]) because the flow does not give it.
pub fn trips_per_year(flow: &Flow) -> (f64, bool) {
    match (flow.collections_per_period, periods_per_year(&flow.period)) {
        (Some(c), Some(k)) if c > 0.0 => (c * k, false),
        _ => (DEFAULT_TRIPS_PER_YEAR, true),
    }
}
