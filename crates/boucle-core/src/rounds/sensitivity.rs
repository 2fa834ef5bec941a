//! How sure the savings are: the alone-vs-pooled savings recomputed with each uncertain cost
//! factor at its low and high plausible values (from `vehicles.csv` and `emission_factors.csv`,
//! else a documented default range), the overall range when every factor is at its least and
//! most favourable end, and the break-even of the most influential factor.
//!
//! The rounds themselves are not recomputed: km and hours do not depend on these factors, and
//! euros and kg CO2e are linear in each of them, so each factor's effect is exact and the
//! overall range is the sum of the effects. Quantities are not varied (a different quantity
//! would need new rounds); the answer says so in `not_varied`.

use serde::{Deserialize, Serialize};

use crate::territory::{CostModel, Totals};

/// Default relative half-range of a cost whose source says `estimate`.
pub const DEFAULT_ESTIMATE_SPREAD: f64 = 0.30;
/// Default relative half-range of a cost or consumption given without `estimate`.
pub const DEFAULT_MEASURED_SPREAD: f64 = 0.10;
/// Default relative half-range of a fuel consumption whose source says `estimate`.
pub const DEFAULT_FUEL_SPREAD: f64 = 0.20;

/// An uncertain factor of the cost model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Uncertain {
    /// Fixed cost per round (€/round).
    FixedCostPerRound,
    /// Cost per km (€/km).
    CostPerKm,
    /// Cost per hour (€/h).
    CostPerHour,
    /// Fuel consumption (L/100 km): moves the kg CO2e only.
    FuelConsumption,
}

impl Uncertain {
    /// Every uncertain factor.
    pub const ALL: [Uncertain; 4] = [
        Uncertain::FixedCostPerRound,
        Uncertain::CostPerKm,
        Uncertain::CostPerHour,
        Uncertain::FuelConsumption,
    ];

    /// The stable code, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Uncertain::FixedCostPerRound => "fixed_cost_per_round",
            Uncertain::CostPerKm => "cost_per_km",
            Uncertain::CostPerHour => "cost_per_hour",
            Uncertain::FuelConsumption => "fuel_consumption",
        }
    }

    /// The unit of its values.
    pub fn unit(self) -> &'static str {
        match self {
            Uncertain::FixedCostPerRound => "EUR/round",
            Uncertain::CostPerKm => "EUR/km",
            Uncertain::CostPerHour => "EUR/h",
            Uncertain::FuelConsumption => "L/100km",
        }
    }

    /// Its value in `m`.
    pub fn value(self, m: &CostModel) -> f64 {
        match self {
            Uncertain::FixedCostPerRound => m.vehicle.fixed_cost_eur,
            Uncertain::CostPerKm => m.vehicle.cost_per_km_eur,
            Uncertain::CostPerHour => m.vehicle.cost_per_hour_eur,
            Uncertain::FuelConsumption => m.fuel_l_per_100km,
        }
    }

    /// `m` with this factor set to `v`.
    pub fn set(self, m: &CostModel, v: f64) -> CostModel {
        let mut m = m.clone();
        match self {
            Uncertain::FixedCostPerRound => m.vehicle.fixed_cost_eur = v,
            Uncertain::CostPerKm => m.vehicle.cost_per_km_eur = v,
            Uncertain::CostPerHour => m.vehicle.cost_per_hour_eur = v,
            Uncertain::FuelConsumption => m.fuel_l_per_100km = v,
        }
        m
    }

    /// Its low and high plausible values in `m`, and where they come from.
    pub fn bounds(self, m: &CostModel) -> (f64, f64, String) {
        let v = self.value(m);
        let u = &m.vehicle.uncertainty;
        let (low, high, file) = match self {
            Uncertain::FixedCostPerRound => {
                (u.fixed_cost_eur_low, u.fixed_cost_eur_high, "vehicles.csv")
            }
            Uncertain::CostPerKm => (
                u.cost_per_km_eur_low,
                u.cost_per_km_eur_high,
                "vehicles.csv",
            ),
            Uncertain::CostPerHour => (
                u.cost_per_hour_eur_low,
                u.cost_per_hour_eur_high,
                "vehicles.csv",
            ),
            Uncertain::FuelConsumption if m.vehicle.fuel_l_per_100km.is_some() => (
                u.fuel_l_per_100km_low,
                u.fuel_l_per_100km_high,
                "vehicles.csv",
            ),
            Uncertain::FuelConsumption => (
                m.factor.fuel_l_per_100km_low,
                m.factor.fuel_l_per_100km_high,
                "emission_factors.csv",
            ),
        };
        let estimated = match self {
            Uncertain::FuelConsumption if m.vehicle.fuel_l_per_100km.is_none() => {
                m.factor.source.contains("estimate") || m.factor.vintage.contains("estimate")
            }
            _ => m.vehicle.source.contains("estimate"),
        };
        let spread = match (self, estimated) {
            (_, false) => DEFAULT_MEASURED_SPREAD,
            (Uncertain::FuelConsumption, true) => DEFAULT_FUEL_SPREAD,
            (_, true) => DEFAULT_ESTIMATE_SPREAD,
        };
        let pct = (spread * 100.0).round();
        let source = match (low, high) {
            (Some(_), Some(_)) => format!("{file} {c}_low, {c}_high", c = self.column()),
            _ => format!(
                "default range ±{pct} % ({} value{})",
                if estimated { "estimated" } else { "stated" },
                if low.is_some() || high.is_some() {
                    format!("; one bound from {file}")
                } else {
                    String::new()
                }
            ),
        };
        (
            low.unwrap_or(v * (1.0 - spread)),
            high.unwrap_or(v * (1.0 + spread)),
            source,
        )
    }

    /// The column of the data file that holds it.
    fn column(self) -> &'static str {
        match self {
            Uncertain::FixedCostPerRound => "fixed_cost_eur",
            Uncertain::CostPerKm => "cost_per_km_eur",
            Uncertain::CostPerHour => "cost_per_hour_eur",
            Uncertain::FuelConsumption => "fuel_l_per_100km",
        }
    }
}

/// What one vehicle type drives in a year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Vehicle type id.
    pub vehicle: String,
    /// Rounds (or solo trips) a year: each bears the fixed cost once.
    pub rounds: f64,
    /// Kilometres a year.
    pub distance_km: f64,
    /// Hours a year.
    pub hours: f64,
}

/// Add `rounds`, `km` and `hours` to the usage of `vehicle` in `usage`.
pub fn add_usage(usage: &mut Vec<Usage>, vehicle: &str, rounds: f64, km: f64, hours: f64) {
    let u = match usage.iter().position(|u| u.vehicle == vehicle) {
        Some(i) => &mut usage[i],
        None => {
            usage.push(Usage {
                vehicle: vehicle.to_owned(),
                ..Usage::default()
            });
            usage.last_mut().expect("just pushed")
        }
    };
    u.rounds += rounds;
    u.distance_km += km;
    u.hours += hours;
}

/// The yearly totals of `usage` under `models` (a usage whose type has no model counts nothing).
pub fn totals(models: &[CostModel], usage: &[Usage]) -> Totals {
    let mut t = Totals::default();
    for u in usage {
        let Some(m) = models.iter().find(|m| m.vehicle.id == u.vehicle) else {
            continue;
        };
        let v = &m.vehicle;
        t = t.plus(Totals {
            distance_km: u.distance_km,
            hours: u.hours,
            cost_eur: v.fixed_cost_eur * u.rounds
                + v.cost_per_km_eur * u.distance_km
                + v.cost_per_hour_eur * u.hours,
            co2e_kg: m.co2e_kg(u.distance_km * 1000.0),
        });
    }
    t
}

/// A value and the values at the low and high ends of what moves it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// With every factor at its low plausible value (for one factor), or the least favourable
    /// value (overall).
    pub low: f64,
    /// With the data's own values.
    pub central: f64,
    /// With every factor at its high plausible value (for one factor), or the most favourable
    /// value (overall).
    pub high: f64,
}

/// A factor's plausible values for one vehicle type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorValues {
    /// Vehicle type id.
    pub vehicle: String,
    /// Low plausible value.
    pub low: f64,
    /// The data's value.
    pub value: f64,
    /// High plausible value.
    pub high: f64,
    /// Where the low and high values come from.
    pub source: String,
}

/// The savings with one factor at its low, own and high values (every vehicle type at once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorEffect {
    /// The factor.
    pub factor: Uncertain,
    /// Unit of its values.
    pub unit: String,
    /// Its values per vehicle type.
    pub values: Vec<FactorValues>,
    /// Yearly € saved with the factor at its low (`low`) and high (`high`) values.
    pub savings_eur: Range,
    /// Yearly kg CO2e saved likewise.
    pub savings_co2e_kg: Range,
}

/// Whether pooling stays cheaper above or below the break-even value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Pooling is cheaper while the factor is above the value.
    Above,
    /// Pooling is cheaper while the factor is below the value.
    Below,
}

/// The value of the most influential factor at which pooling stops saving euros.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakEven {
    /// The factor.
    pub factor: Uncertain,
    /// The vehicle type whose value is given (the pooled plan's primary type; the other types'
    /// values move in proportion).
    pub vehicle: String,
    /// The value at which the yearly € saved is zero.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// Pooling saves euros while the factor is `above` or `below` the value.
    pub pooling_cheaper: Side,
    /// Whether the value lies within the factor's plausible range.
    pub within_range: bool,
    /// The same in an English sentence.
    pub text: String,
}

/// The savings' sensitivity to the uncertain cost factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// Yearly € saved: least favourable, central, most favourable.
    pub savings_eur: Range,
    /// Yearly kg CO2e saved likewise.
    pub savings_co2e_kg: Range,
    /// Each factor's effect, the most influential (on euros) first.
    pub factors: Vec<FactorEffect>,
    /// The break-even of the most influential factor on euros (`None`: the savings do not
    /// depend on it, or no non-negative value cancels them).
    pub break_even: Option<BreakEven>,
    /// Inputs whose uncertainty the range does not include, in words.
    pub not_varied: Vec<String>,
    /// What the range means for the decision, in an English sentence.
    pub conclusion: String,
}

/// The sensitivity of `alone − pooled` to the uncertain factors of `models` (one per vehicle
/// type used on either side; `models[0]` is the pooled plan's primary type).
pub fn sensitivity(models: &[CostModel], alone: &[Usage], pooled: &[Usage]) -> Sensitivity {
    let savings = |ms: &[CostModel]| totals(ms, alone).minus(totals(ms, pooled));
    let central = savings(models);
    let mut effects = Vec::new();
    let (mut eur_lo, mut eur_hi) = (central.cost_eur, central.cost_eur);
    let (mut co2_lo, mut co2_hi) = (central.co2e_kg, central.co2e_kg);
    for f in Uncertain::ALL {
        let mut values = Vec::new();
        let mut at_low = models.to_vec();
        let mut at_high = models.to_vec();
        for (i, m) in models.iter().enumerate() {
            let (low, high, source) = f.bounds(m);
            values.push(FactorValues {
                vehicle: m.vehicle.id.clone(),
                low,
                value: f.value(m),
                high,
                source,
            });
            at_low[i] = f.set(m, low);
            at_high[i] = f.set(m, high);
            // Each (type, factor) alone, for the overall range (the savings are linear in each).
            let mut one_low = models.to_vec();
            one_low[i] = f.set(m, low);
            let mut one_high = models.to_vec();
            one_high[i] = f.set(m, high);
            let (l, h) = (savings(&one_low), savings(&one_high));
            eur_lo += l.cost_eur.min(h.cost_eur).min(central.cost_eur) - central.cost_eur;
            eur_hi += l.cost_eur.max(h.cost_eur).max(central.cost_eur) - central.cost_eur;
            co2_lo += l.co2e_kg.min(h.co2e_kg).min(central.co2e_kg) - central.co2e_kg;
            co2_hi += l.co2e_kg.max(h.co2e_kg).max(central.co2e_kg) - central.co2e_kg;
        }
        let (l, h) = (savings(&at_low), savings(&at_high));
        effects.push(FactorEffect {
            factor: f,
            unit: f.unit().into(),
            values,
            savings_eur: Range {
                low: l.cost_eur,
                central: central.cost_eur,
                high: h.cost_eur,
            },
            savings_co2e_kg: Range {
                low: l.co2e_kg,
                central: central.co2e_kg,
                high: h.co2e_kg,
            },
        });
    }
    let swing = |e: &FactorEffect| (e.savings_eur.high - e.savings_eur.low).abs();
    effects.sort_by(|a, b| swing(b).total_cmp(&swing(a)));
    let break_even = effects
        .first()
        .filter(|e| swing(e) > 1e-9)
        .and_then(|e| break_even(models, alone, pooled, e));
    let conclusion = if eur_lo > 0.0 {
        format!(
            "pooling saves euros whatever the cost factors within their plausible ranges (at least {eur_lo:.0} EUR a year)"
        )
    } else if eur_hi < 0.0 {
        format!(
            "pooling costs more whatever the cost factors within their plausible ranges (at best {eur_hi:.0} EUR a year)"
        )
    } else {
        "pooling saves euros with the data's values but not at every end of the plausible ranges: see the break-even".into()
    };
    Sensitivity {
        conclusion,
        savings_eur: Range {
            low: eur_lo,
            central: central.cost_eur,
            high: eur_hi,
        },
        savings_co2e_kg: Range {
            low: co2_lo,
            central: central.co2e_kg,
            high: co2_hi,
        },
        factors: effects,
        break_even,
        not_varied: vec![
            "quantities: the rounds would have to be recomputed for other quantities".into(),
            "kg CO2e per litre of fuel (emission_factors.csv kg_co2e_per_l)".into(),
            "km and hours: they do not depend on these factors".into(),
        ],
    }
}

/// The break-even of `effect`'s factor: every type's value scaled by one multiplier until the
/// € saved is zero.
fn break_even(
    models: &[CostModel],
    alone: &[Usage],
    pooled: &[Usage],
    effect: &FactorEffect,
) -> Option<BreakEven> {
    let f = effect.factor;
    let primary = models.first()?;
    let x0 = f.value(primary);
    let scaled = |k: f64| -> f64 {
        let ms: Vec<CostModel> = models.iter().map(|m| f.set(m, f.value(m) * k)).collect();
        totals(&ms, alone).minus(totals(&ms, pooled)).cost_eur
    };
    let s0 = scaled(1.0);
    let slope = scaled(2.0) - s0;
    if slope.abs() < 1e-9 || x0 <= 0.0 {
        return None;
    }
    let k = 1.0 - s0 / slope;
    if !k.is_finite() || k < 0.0 {
        return None;
    }
    let value = k * x0;
    let side = if slope > 0.0 {
        Side::Above
    } else {
        Side::Below
    };
    let (low, high, _) = f.bounds(primary);
    let within_range = value >= low - 1e-9 && value <= high + 1e-9;
    let text = format!(
        "pooling saves euros as long as the {} of `{}` is {} {value:.2} {} (other types in proportion); its plausible range is {low:.2}–{high:.2}",
        f.as_str().replace('_', " "),
        primary.vehicle.id,
        match side {
            Side::Above => "above",
            Side::Below => "below",
        },
        f.unit(),
    );
    Some(BreakEven {
        factor: f,
        vehicle: primary.vehicle.id.clone(),
        value,
        unit: f.unit().into(),
        pooling_cheaper: side,
        within_range,
        text,
    })
}
