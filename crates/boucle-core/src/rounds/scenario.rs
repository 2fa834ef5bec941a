//! Cost and CO2e model of collection rounds, and the alone-vs-pooled scenario.
//!
//! - [`Vehicle`]: a vehicle type read from `vehicles.csv` (capacities, €/km, €/h, € per round,
//!   limits, fuel consumption, class);
//! - [`EmissionFactor`]: fuel consumption (L/100 km) and kg CO2e per litre per vehicle class,
//!   read from `emission_factors.csv`;
//! - [`CostModel`]: turns a trip's distance and duration into euros and kg CO2e;
//! - [`alone`]: the baseline where each company is served alone, at its own frequency;
//! - [`Scenario`]: alone, pooled and the savings, per year, with the factors used.
//!
//! Cost of one round (one tour depot → stops → treatment site → depot):
//! `fixed_cost_eur + cost_per_km_eur × km + cost_per_hour_eur × hours`, where hours include the
//! service time at each stop and the unloading time at the treatment site.
//! CO2e of one round: `km × fuel_l_per_100km / 100 × kg_co2e_per_l`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError, Location, Result};
use crate::io::csv::CsvTable;
use crate::travel::{CostMatrix, Method};

/// The default `vehicles.csv` written by a territory import (same as `geodata/vehicles.csv`).
pub const DEFAULT_VEHICLES_CSV: &str = include_str!("../../../../geodata/vehicles.csv");
/// The default `emission_factors.csv` written by a territory import.
pub const DEFAULT_EMISSION_FACTORS_CSV: &str =
    include_str!("../../../../geodata/emission_factors.csv");

/// Default vehicle type id per material, used when the manifest names none.
pub fn default_vehicle_for(material: &str) -> Option<&'static str> {
    Some(match material {
        "pallets" | "paper_cardboard" | "plastics" | "big_bags" => "rigid_19t_tail_lift",
        "textiles" | "weee" | "furniture_small" => "rigid_12t_tail_lift",
        "wood" | "metals" | "furniture" | "glass" => "hooklift_26t",
        _ => return None,
    })
}

/// A vehicle type (one row of `vehicles.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    /// Stable id, e.g. `rigid_19t_tail_lift`.
    pub id: String,
    /// French label.
    #[serde(default)]
    pub label_fr: String,
    /// Payload in kg.
    pub capacity_kg: f64,
    /// Load volume in m³ (none: not binding).
    #[serde(default)]
    pub capacity_m3: Option<f64>,
    /// Stacked empty pallets it can carry, used for materials counted in `pallets` (none: not
    /// binding).
    #[serde(default)]
    pub capacity_units: Option<f64>,
    /// Cost per km in euros (fuel, tyres, maintenance…).
    pub cost_per_km_eur: f64,
    /// Cost per hour in euros (driver).
    pub cost_per_hour_eur: f64,
    /// Fixed cost per round in euros (share of the vehicle's daily term).
    #[serde(default)]
    pub fixed_cost_eur: f64,
    /// Longest round in hours (none: no limit).
    #[serde(default)]
    pub max_duration_h: Option<f64>,
    /// Longest round in km (none: no limit).
    #[serde(default)]
    pub max_distance_km: Option<f64>,
    /// Number of vehicles of this type.
    #[serde(default = "one")]
    pub count: u32,
    /// Fuel consumption in L/100 km (none: the emission factor of its class gives it).
    #[serde(default)]
    pub fuel_l_per_100km: Option<f64>,
    /// Vehicle class, key into `emission_factors.csv`.
    pub vehicle_class: String,
    /// Provenance of the figures.
    #[serde(default)]
    pub source: String,
}

fn one() -> u32 {
    1
}

impl Vehicle {
    /// Effective volume capacity (m³) for a material of unit `unit` and `m3_per_unit`: the
    /// smaller of `capacity_m3` and, for pallets, `capacity_units × m3_per_unit`.
    pub fn volume_capacity_m3(&self, unit: &str, m3_per_unit: Option<f64>) -> Option<f64> {
        let by_units = match (unit, self.capacity_units, m3_per_unit) {
            ("pallets", Some(n), Some(v)) if v > 0.0 => Some(n * v),
            _ => None,
        };
        match (self.capacity_m3, by_units) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Read a vehicles CSV; errors name the file, the line and the field.
pub fn read_vehicles(path: &Path) -> Result<Vec<Vehicle>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_vehicles(path, &bytes)
}

/// Parse vehicles CSV bytes as if read from `path`.
pub fn parse_vehicles(path: &Path, bytes: &[u8]) -> Result<Vec<Vehicle>> {
    let t = CsvTable::from_bytes(
        path,
        bytes,
        b',',
        &[
            "id",
            "capacity_kg",
            "cost_per_km_eur",
            "cost_per_hour_eur",
            "vehicle_class",
        ],
    )?;
    let mut out: Vec<Vehicle> = Vec::new();
    for row in t.iter() {
        let positive = |col: &str, v: Option<f64>| -> Result<Option<f64>, InputError> {
            match v {
                Some(x) if x < 0.0 => Err(row.error(col, format!("{x} is negative"))),
                other => Ok(other),
            }
        };
        let capacity_kg = row.f64_req("capacity_kg")?;
        if capacity_kg <= 0.0 {
            return Err(row.error("capacity_kg", "must be > 0").into());
        }
        let count = match row.f64_opt("count")? {
            None => 1,
            Some(c) if c >= 1.0 && c.fract() == 0.0 => c as u32,
            Some(c) => {
                return Err(row
                    .error("count", format!("{c} is not a whole number ≥ 1"))
                    .into());
            }
        };
        let v = Vehicle {
            id: row.required("id")?,
            label_fr: row.get("label_fr").to_owned(),
            capacity_kg,
            capacity_m3: positive("capacity_m3", row.f64_opt("capacity_m3")?)?,
            capacity_units: positive("capacity_units", row.f64_opt("capacity_units")?)?,
            cost_per_km_eur: positive("cost_per_km_eur", Some(row.f64_req("cost_per_km_eur")?))?
                .unwrap_or(0.0),
            cost_per_hour_eur: positive(
                "cost_per_hour_eur",
                Some(row.f64_req("cost_per_hour_eur")?),
            )?
            .unwrap_or(0.0),
            fixed_cost_eur: positive("fixed_cost_eur", row.f64_opt("fixed_cost_eur")?)?
                .unwrap_or(0.0),
            max_duration_h: positive("max_duration_h", row.f64_opt("max_duration_h")?)?,
            max_distance_km: positive("max_distance_km", row.f64_opt("max_distance_km")?)?,
            count,
            fuel_l_per_100km: positive("fuel_l_per_100km", row.f64_opt("fuel_l_per_100km")?)?,
            vehicle_class: row.required("vehicle_class")?,
            source: row.get("source").to_owned(),
        };
        if out.iter().any(|o| o.id == v.id) {
            return Err(row
                .error("id", format!("duplicate vehicle id `{}`", v.id))
                .into());
        }
        out.push(v);
    }
    if out.is_empty() {
        return Err(InputError::new(path, Location::File, None, "no vehicle type").into());
    }
    Ok(out)
}

/// Fuel consumption and emission factor of a vehicle class (one row of `emission_factors.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmissionFactor {
    /// Vehicle class, e.g. `rigid_19t`.
    pub vehicle_class: String,
    /// Fuel, e.g. `diesel`.
    pub fuel: String,
    /// Consumption in litres per 100 km.
    pub fuel_l_per_100km: f64,
    /// Well-to-wheel emission factor of the fuel, kg CO2e per litre.
    pub kg_co2e_per_l: f64,
    /// Provenance.
    pub source: String,
    /// Vintage of the figures.
    pub vintage: String,
}

/// Read an emission-factor CSV; errors name the file, the line and the field.
pub fn read_emission_factors(path: &Path) -> Result<Vec<EmissionFactor>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_emission_factors(path, &bytes)
}

/// Parse emission-factor CSV bytes as if read from `path`.
pub fn parse_emission_factors(path: &Path, bytes: &[u8]) -> Result<Vec<EmissionFactor>> {
    let t = CsvTable::from_bytes(
        path,
        bytes,
        b',',
        &[
            "vehicle_class",
            "fuel_l_per_100km",
            "kg_co2e_per_l",
            "source",
        ],
    )?;
    let mut out = Vec::new();
    for row in t.iter() {
        let fuel_l_per_100km = row.f64_req("fuel_l_per_100km")?;
        if fuel_l_per_100km < 0.0 {
            return Err(row.error("fuel_l_per_100km", "is negative").into());
        }
        let kg_co2e_per_l = row.f64_req("kg_co2e_per_l")?;
        if kg_co2e_per_l < 0.0 {
            return Err(row.error("kg_co2e_per_l", "is negative").into());
        }
        out.push(EmissionFactor {
            vehicle_class: row.required("vehicle_class")?,
            fuel: row.optional("fuel").unwrap_or_else(|| "diesel".into()),
            fuel_l_per_100km,
            kg_co2e_per_l,
            source: row.required("source")?,
            vintage: row.get("vintage").to_owned(),
        });
    }
    Ok(out)
}

/// Distance, time, cost and emissions of a set of trips.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Kilometres driven.
    pub distance_km: f64,
    /// Hours of driving, service and unloading.
    pub hours: f64,
    /// Cost in euros (cost model of the vehicle).
    pub cost_eur: f64,
    /// Emissions in kg CO2e.
    pub co2e_kg: f64,
}

impl Totals {
    /// `self × k`.
    pub fn scaled(self, k: f64) -> Totals {
        Totals {
            distance_km: self.distance_km * k,
            hours: self.hours * k,
            cost_eur: self.cost_eur * k,
            co2e_kg: self.co2e_kg * k,
        }
    }

    /// `self - other`.
    pub fn minus(self, o: Totals) -> Totals {
        Totals {
            distance_km: self.distance_km - o.distance_km,
            hours: self.hours - o.hours,
            cost_eur: self.cost_eur - o.cost_eur,
            co2e_kg: self.co2e_kg - o.co2e_kg,
        }
    }

    /// `self + other`.
    pub fn plus(self, o: Totals) -> Totals {
        o.minus(self.scaled(-1.0))
    }
}

/// One figure of the model with its unit and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// What it is, e.g. `cost_per_km_eur`.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// Where it comes from.
    pub source: String,
}

/// Cost and CO2e of trips of one vehicle type.
#[derive(Debug, Clone, PartialEq)]
pub struct CostModel {
    /// The vehicle type.
    pub vehicle: Vehicle,
    /// Fuel consumption in L/100 km (vehicle's own, else its class's).
    pub fuel_l_per_100km: f64,
    /// kg CO2e per litre of fuel.
    pub kg_co2e_per_l: f64,
    /// The emission factor row used.
    pub factor: EmissionFactor,
}

impl CostModel {
    /// The model of `vehicle` with the factor of its class.
    pub fn new(vehicle: &Vehicle, factors: &[EmissionFactor]) -> Result<CostModel> {
        let f = factors
            .iter()
            .find(|f| f.vehicle_class == vehicle.vehicle_class)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "vehicle `{}`: no emission factor for vehicle class `{}` (classes: {})",
                    vehicle.id,
                    vehicle.vehicle_class,
                    factors
                        .iter()
                        .map(|f| f.vehicle_class.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        Ok(CostModel {
            vehicle: vehicle.clone(),
            fuel_l_per_100km: vehicle.fuel_l_per_100km.unwrap_or(f.fuel_l_per_100km),
            kg_co2e_per_l: f.kg_co2e_per_l,
            factor: f.clone(),
        })
    }

    /// kg CO2e for `distance_m` metres.
    pub fn co2e_kg(&self, distance_m: f64) -> f64 {
        distance_m / 1000.0 * self.fuel_l_per_100km / 100.0 * self.kg_co2e_per_l
    }

    /// Euros for one round of `distance_m` metres and `duration_s` seconds (fixed cost included).
    pub fn cost_eur(&self, distance_m: f64, duration_s: f64) -> f64 {
        self.vehicle.fixed_cost_eur
            + self.vehicle.cost_per_km_eur * distance_m / 1000.0
            + self.vehicle.cost_per_hour_eur * duration_s / 3600.0
    }

    /// Totals of one round.
    pub fn round(&self, distance_m: f64, duration_s: f64) -> Totals {
        Totals {
            distance_km: distance_m / 1000.0,
            hours: duration_s / 3600.0,
            cost_eur: self.cost_eur(distance_m, duration_s),
            co2e_kg: self.co2e_kg(distance_m),
        }
    }

    /// The factors of this model, with units and sources.
    pub fn factors(&self) -> Vec<Factor> {
        let v = &self.vehicle;
        let vs = format!("vehicles.csv `{}`: {}", v.id, v.source);
        let fuel_source = if v.fuel_l_per_100km.is_some() {
            vs.clone()
        } else {
            format!(
                "emission_factors.csv `{}`: {} ({})",
                self.factor.vehicle_class, self.factor.source, self.factor.vintage
            )
        };
        vec![
            Factor {
                name: "cost_per_km".into(),
                value: v.cost_per_km_eur,
                unit: "EUR/km".into(),
                source: vs.clone(),
            },
            Factor {
                name: "cost_per_hour".into(),
                value: v.cost_per_hour_eur,
                unit: "EUR/h".into(),
                source: vs.clone(),
            },
            Factor {
                name: "fixed_cost_per_round".into(),
                value: v.fixed_cost_eur,
                unit: "EUR/round".into(),
                source: vs,
            },
            Factor {
                name: "fuel_consumption".into(),
                value: self.fuel_l_per_100km,
                unit: "L/100km".into(),
                source: fuel_source,
            },
            Factor {
                name: "emission_factor_fuel".into(),
                value: self.kg_co2e_per_l,
                unit: format!("kgCO2e/L ({})", self.factor.fuel),
                source: format!(
                    "emission_factors.csv `{}`: {} ({})",
                    self.factor.vehicle_class, self.factor.source, self.factor.vintage
                ),
            },
        ]
    }
}

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

/// Number of vehicle loads needed to carry `kg` and `m3` (at least 1).
pub fn loads(kg: f64, m3: f64, capacity_kg: f64, capacity_m3: Option<f64>) -> u32 {
    let by_kg = (kg / capacity_kg).ceil();
    let by_m3 = capacity_m3
        .filter(|c| *c > 0.0)
        .map(|c| (m3 / c).ceil())
        .unwrap_or(0.0);
    by_kg.max(by_m3).max(1.0) as u32
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_files_parse() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir.path().join("v.csv");
        std::fs::write(&v, DEFAULT_VEHICLES_CSV).unwrap();
        let f = dir.path().join("f.csv");
        std::fs::write(&f, DEFAULT_EMISSION_FACTORS_CSV).unwrap();
        let vs = read_vehicles(&v).unwrap();
        let fs = read_emission_factors(&f).unwrap();
        for v in &vs {
            CostModel::new(v, &fs).unwrap();
        }
        assert_eq!(loads(10.0, 0.0, 5.0, None), 2);
        assert_eq!(loads(1.0, 31.0, 5.0, Some(30.0)), 2);
    }
}
