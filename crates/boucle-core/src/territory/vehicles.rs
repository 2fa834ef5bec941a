//! Vehicle types (`vehicles.csv`) and emission factors (`emission_factors.csv`) of a territory,
//! read and checked with it, and the cost and CO2e model of a vehicle.
//!
//! A territory folder without these files uses boucle's built-in copies (the same as
//! `geodata/`), and says so. Cost of one round (depot → stops → treatment site → depot):
//! `fixed_cost_eur + cost_per_km_eur × km + cost_per_hour_eur × hours`, where hours include the
//! service at each stop and the unloading; CO2e: `km × fuel_l_per_100km / 100 × kg_co2e_per_l`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::files::{Read, collect_bytes};
use crate::error::{Error, InputError, Location, Result};
use crate::io::csv::Row;

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
    /// Gross weight in tonnes, kept off roads signed with a lower `maxweight` (none: not
    /// checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_t: Option<f64>,
    /// Height in metres, kept off roads signed with a lower `maxheight` (none: not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height_m: Option<f64>,
    /// Length in metres, kept off roads signed with a lower `maxlength` (none: not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_m: Option<f64>,
    /// Load on the heaviest axle in tonnes, kept off roads signed with a lower `maxaxleload`
    /// (none: not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axle_load_t: Option<f64>,
    /// Low and high plausible values of the uncertain costs (columns `<column>_low`,
    /// `<column>_high`; empty: boucle's documented default range, see [`Uncertainty`]).
    #[serde(default, flatten)]
    pub uncertainty: Uncertainty,
    /// The type's working week (optional columns `shift_start`, `shift_end`,
    /// `working_days`, `tail_lift`); its size is in `weight_t`, `length_m`… above.
    #[serde(default, flatten)]
    pub week: VehicleWeek,
}

/// A vehicle type's working week and tail lift, all optional (`vehicles.csv` columns of the same
/// names). Without a shift, rounds are done one after the other with no fleet limit, as before
/// these columns existed; with `shift_start` and `shift_end`, `count` vehicles each work one
/// shift a day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VehicleWeek {
    /// Start of the drivers' shift, `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_start: Option<String>,
    /// End of the drivers' shift, `HH:MM` (after the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_end: Option<String>,
    /// Days the vehicles work, OSM days (`Mo-Fr`, `Mo,We,Fr`); none: Monday to Friday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<String>,
    /// Whether it has a tail lift (checked against a stop's `tail_lift`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_lift: Option<bool>,
}

impl VehicleWeek {
    /// The shift in minutes from midnight, if both ends are given.
    pub fn shift_min(&self) -> Option<(u32, u32)> {
        let a = super::hours::parse_time(self.shift_start.as_deref()?).ok()?;
        let b = super::hours::parse_time(self.shift_end.as_deref()?).ok()?;
        Some((a, b))
    }

    /// The working days, Monday first (Monday to Friday when none is given).
    pub fn days(&self) -> [bool; 7] {
        self.working_days
            .as_deref()
            .and_then(|d| super::hours::parse_days(d).ok())
            .unwrap_or([true, true, true, true, true, false, false])
    }

    /// Check the fields: the first one wrong and why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        use super::hours::{parse_days, parse_time};
        let start = match &self.shift_start {
            Some(s) => Some(parse_time(s).map_err(|m| ("shift_start", m))?),
            None => None,
        };
        let end = match &self.shift_end {
            Some(s) => Some(parse_time(s).map_err(|m| ("shift_end", m))?),
            None => None,
        };
        match (start, end) {
            (Some(a), Some(b)) if b <= a => {
                return Err(("shift_end", "is not after `shift_start`".into()));
            }
            (Some(_), None) => {
                return Err(("shift_end", "missing (`shift_start` is given)".into()));
            }
            (None, Some(_)) => {
                return Err(("shift_start", "missing (`shift_end` is given)".into()));
            }
            _ => {}
        }
        if let Some(d) = &self.working_days {
            let on = parse_days(d).map_err(|m| ("working_days", m))?;
            if !on.iter().any(|x| *x) {
                return Err(("working_days", "no day".into()));
            }
        }
        Ok(())
    }
}

/// Low and high plausible values of a vehicle's uncertain figures, as given in `vehicles.csv`
/// (`fixed_cost_eur_low`, `fixed_cost_eur_high`, `cost_per_km_eur_low`, …). Where a bound is
/// missing the sensitivity takes a default range around the value: ±30 % for costs whose source
/// says `estimate`, ±10 % otherwise; ±20 % / ±10 % for the fuel consumption.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Uncertainty {
    /// Lowest plausible fixed cost per round, €.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_cost_eur_low: Option<f64>,
    /// Highest plausible fixed cost per round, €.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_cost_eur_high: Option<f64>,
    /// Lowest plausible cost per km, €.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_km_eur_low: Option<f64>,
    /// Highest plausible cost per km, €.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_km_eur_high: Option<f64>,
    /// Lowest plausible cost per hour, €.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_hour_eur_low: Option<f64>,
    /// Highest plausible cost per hour, €.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_hour_eur_high: Option<f64>,
    /// Lowest plausible fuel consumption, L/100 km (the vehicle's own, overriding its class's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_l_per_100km_low: Option<f64>,
    /// Highest plausible fuel consumption, L/100 km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_l_per_100km_high: Option<f64>,
}

/// Read the optional `<column>_low` and `<column>_high` of `row`: each ≥ 0, low ≤ `value` ≤ high.
fn bounds(
    row: &Row<'_>,
    column: &str,
    value: Option<f64>,
) -> Result<(Option<f64>, Option<f64>), InputError> {
    let (lc, hc) = (format!("{column}_low"), format!("{column}_high"));
    let low = row.f64_opt(&lc)?;
    let high = row.f64_opt(&hc)?;
    for (c, b) in [(&lc, low), (&hc, high)] {
        if b.is_some_and(|b| b < 0.0) {
            return Err(row.error(c, "is negative"));
        }
    }
    if let Some(v) = value {
        if low.is_some_and(|l| l > v) {
            return Err(row.error(&lc, format!("is above `{column}` ({v})")));
        }
        if high.is_some_and(|h| h < v) {
            return Err(row.error(&hc, format!("is below `{column}` ({v})")));
        }
    }
    Ok((low, high))
}

fn one() -> u32 {
    1
}

impl Vehicle {
    /// Its size as the road network checks it against legal limits.
    pub fn road_limits(&self) -> crate::network::VehicleLimits {
        crate::network::VehicleLimits {
            weight_t: self.weight_t,
            height_m: self.height_m,
            length_m: self.length_m,
            axle_load_t: self.axle_load_t,
        }
    }

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

/// Number of vehicle loads needed to carry `kg` and `m3` (at least 1). Saturates at
/// `u32::MAX` (a caller bounds the total, see [`crate::limits::max_stops`]); a NaN or a
/// non-positive capacity counts as one load.
pub fn loads(kg: f64, m3: f64, capacity_kg: f64, capacity_m3: Option<f64>) -> u32 {
    let by_kg = if capacity_kg > 0.0 {
        (kg / capacity_kg).ceil()
    } else {
        1.0
    };
    let by_m3 = capacity_m3
        .filter(|c| *c > 0.0)
        .map(|c| (m3 / c).ceil())
        .unwrap_or(0.0);
    let n = by_kg.max(by_m3).max(1.0);
    if n.is_nan() {
        1
    } else {
        // `as` saturates: +inf and anything above u32::MAX become u32::MAX.
        n as u32
    }
}

impl Vehicle {
    /// Check every figure against its documented range ([`crate::limits`]): the first field
    /// out of range and why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        use crate::limits::*;
        let req = [
            (
                "capacity_kg",
                in_range(self.capacity_kg, MIN_CAPACITY_KG, MAX_CAPACITY_KG),
            ),
            (
                "cost_per_km_eur",
                in_range(self.cost_per_km_eur, 0.0, MAX_COST_PER_KM_EUR),
            ),
            (
                "cost_per_hour_eur",
                in_range(self.cost_per_hour_eur, 0.0, MAX_COST_PER_HOUR_EUR),
            ),
            (
                "fixed_cost_eur",
                in_range(self.fixed_cost_eur, 0.0, MAX_FIXED_COST_EUR),
            ),
        ];
        let opt = [
            ("capacity_m3", self.capacity_m3, 0.0, MAX_CAPACITY_M3),
            (
                "capacity_units",
                self.capacity_units,
                0.0,
                MAX_CAPACITY_UNITS,
            ),
            ("max_duration_h", self.max_duration_h, 0.0, MAX_DURATION_H),
            (
                "max_distance_km",
                self.max_distance_km,
                0.0,
                MAX_DISTANCE_KM,
            ),
            (
                "fuel_l_per_100km",
                self.fuel_l_per_100km,
                0.0,
                MAX_FUEL_L_PER_100KM,
            ),
        ];
        for (field, r) in req {
            r.map_err(|m| (field, m))?;
        }
        for (field, v, lo, hi) in opt {
            if let Some(v) = v {
                in_range(v, lo, hi).map_err(|m| (field, m))?;
            }
        }
        let size = [
            ("weight_t", self.weight_t, MAX_VEHICLE_WEIGHT_T),
            ("height_m", self.height_m, MAX_VEHICLE_HEIGHT_M),
            ("length_m", self.length_m, MAX_VEHICLE_LENGTH_M),
            ("axle_load_t", self.axle_load_t, MAX_VEHICLE_WEIGHT_T),
        ];
        for (field, v, hi) in size {
            if let Some(v) = v {
                in_range_excl(v, 0.0, hi).map_err(|m| (field, m))?;
            }
        }
        self.week.validate()?;
        if self.count == 0 || self.count > MAX_VEHICLE_COUNT {
            return Err((
                "count",
                format!(
                    "{} is not a whole number from 1 to {MAX_VEHICLE_COUNT}",
                    self.count
                ),
            ));
        }
        Ok(())
    }
}

impl EmissionFactor {
    /// Check the figures against their documented ranges ([`crate::limits`]).
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        use crate::limits::*;
        in_range(self.fuel_l_per_100km, 0.0, MAX_FUEL_L_PER_100KM)
            .map_err(|m| ("fuel_l_per_100km", m))?;
        in_range(self.kg_co2e_per_l, 0.0, MAX_KG_CO2E_PER_L).map_err(|m| ("kg_co2e_per_l", m))
    }
}

/// Columns `vehicles.csv` must have.
const VEHICLE_REQUIRED: &[&str] = &[
    "id",
    "capacity_kg",
    "cost_per_km_eur",
    "cost_per_hour_eur",
    "vehicle_class",
];

fn vehicle_row(row: &Row<'_>) -> Result<Vehicle, InputError> {
    let positive = |col: &str, v: Option<f64>| -> Result<Option<f64>, InputError> {
        match v {
            Some(x) if x < 0.0 => Err(row.error(col, format!("{x} is negative"))),
            other => Ok(other),
        }
    };
    let capacity_kg = row.f64_req("capacity_kg")?;
    if capacity_kg <= 0.0 {
        return Err(row.error("capacity_kg", "must be > 0"));
    }
    let count = match row.f64_opt("count")? {
        None => 1,
        Some(c)
            if c >= 1.0 && c.fract() == 0.0 && c <= f64::from(crate::limits::MAX_VEHICLE_COUNT) =>
        {
            c as u32
        }
        Some(c) => {
            return Err(row.error(
                "count",
                format!(
                    "{c} is not a whole number from 1 to {}",
                    crate::limits::MAX_VEHICLE_COUNT
                ),
            ));
        }
    };
    let cost_per_km_eur =
        positive("cost_per_km_eur", Some(row.f64_req("cost_per_km_eur")?))?.unwrap_or(0.0);
    let cost_per_hour_eur =
        positive("cost_per_hour_eur", Some(row.f64_req("cost_per_hour_eur")?))?.unwrap_or(0.0);
    let fixed_cost_eur = positive("fixed_cost_eur", row.f64_opt("fixed_cost_eur")?)?.unwrap_or(0.0);
    let fuel_l_per_100km = positive("fuel_l_per_100km", row.f64_opt("fuel_l_per_100km")?)?;
    let mut v = Vehicle {
        id: row.required("id")?,
        label_fr: row.get("label_fr").to_owned(),
        capacity_kg,
        capacity_m3: positive("capacity_m3", row.f64_opt("capacity_m3")?)?,
        capacity_units: positive("capacity_units", row.f64_opt("capacity_units")?)?,
        cost_per_km_eur,
        cost_per_hour_eur,
        fixed_cost_eur,
        max_duration_h: positive("max_duration_h", row.f64_opt("max_duration_h")?)?,
        max_distance_km: positive("max_distance_km", row.f64_opt("max_distance_km")?)?,
        count,
        fuel_l_per_100km,
        vehicle_class: row.required("vehicle_class")?,
        source: row.get("source").to_owned(),
        weight_t: row.f64_opt("weight_t")?,
        height_m: row.f64_opt("height_m")?,
        length_m: row.f64_opt("length_m")?,
        axle_load_t: row.f64_opt("axle_load_t")?,
        uncertainty: Uncertainty::default(),
        week: VehicleWeek {
            shift_start: row.optional("shift_start"),
            shift_end: row.optional("shift_end"),
            working_days: row.optional("working_days"),
            tail_lift: match row.get("tail_lift") {
                "" => None,
                _ => Some(row.bool_or("tail_lift", false)?),
            },
        },
    };
    // The values' own ranges first, then their plausible low and high around them.
    v.validate().map_err(|(field, m)| row.error(field, m))?;
    let (fixed_cost_eur_low, fixed_cost_eur_high) =
        bounds(row, "fixed_cost_eur", Some(fixed_cost_eur))?;
    let (cost_per_km_eur_low, cost_per_km_eur_high) =
        bounds(row, "cost_per_km_eur", Some(cost_per_km_eur))?;
    let (cost_per_hour_eur_low, cost_per_hour_eur_high) =
        bounds(row, "cost_per_hour_eur", Some(cost_per_hour_eur))?;
    let (fuel_l_per_100km_low, fuel_l_per_100km_high) =
        bounds(row, "fuel_l_per_100km", fuel_l_per_100km)?;
    v.uncertainty = Uncertainty {
        fixed_cost_eur_low,
        fixed_cost_eur_high,
        cost_per_km_eur_low,
        cost_per_km_eur_high,
        cost_per_hour_eur_low,
        cost_per_hour_eur_high,
        fuel_l_per_100km_low,
        fuel_l_per_100km_high,
    };
    Ok(v)
}

/// Every vehicle type of a vehicles CSV given as bytes (read as if from `path`) and every
/// problem: file, line and field of each bad row, duplicate ids, an empty file.
pub fn parse_vehicles_lenient(path: &Path, bytes: &[u8]) -> Read<Vehicle> {
    unique_rows(
        path,
        bytes,
        VEHICLE_REQUIRED,
        vehicle_row,
        ("id", |v| v.id.clone(), "duplicate vehicle id"),
        "no vehicle type",
    )
}

/// The rows of a CSV, each parsed by `parse`, keeping the first of the rows that share a key
/// (`key.1`) and reporting the others on the key's column (`key.0`, message `key.2`); an empty
/// file is the problem `empty`.
fn unique_rows<T>(
    path: &Path,
    bytes: &[u8],
    required: &[&str],
    parse: fn(&Row<'_>) -> Result<T, InputError>,
    key: (&str, fn(&T) -> String, &str),
    empty: &str,
) -> Read<T> {
    let (column, key_of, duplicate) = key;
    let mut lines = Vec::new();
    let mut read = collect_bytes(path, bytes, required, |row| {
        let r = parse(row)?;
        lines.push(row.line());
        Ok(r)
    });
    let mut seen = std::collections::HashSet::new();
    let mut keep = Vec::new();
    for (r, line) in read.records.drain(..).zip(lines) {
        let k = key_of(&r);
        if seen.insert(k.clone()) {
            keep.push(r);
        } else {
            read.errors.push(InputError::new(
                path,
                Location::Line(line),
                Some(column),
                format!("{duplicate} `{k}`"),
            ));
        }
    }
    read.records = keep;
    if read.records.is_empty() && read.errors.is_empty() {
        read.errors
            .push(InputError::new(path, Location::File, None, empty));
    }
    read
}

/// Parse vehicles CSV bytes as if read from `path`; any problem is an error naming the file,
/// the line and the field.
pub fn parse_vehicles(path: &Path, bytes: &[u8]) -> Result<Vec<Vehicle>> {
    strict(parse_vehicles_lenient(path, bytes))
}

/// Read a vehicles CSV; any problem is an error naming the file, the line and the field.
pub fn read_vehicles(path: &Path) -> Result<Vec<Vehicle>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_vehicles(path, &bytes)
}

/// The records, or the one problem found, or all of them.
fn strict<T>(read: Read<T>) -> Result<Vec<T>> {
    let mut errors = read.errors;
    match errors.len() {
        0 => Ok(read.records),
        1 => Err(errors.remove(0).into()),
        _ => Err(Error::Validation(errors)),
    }
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
    /// Lowest plausible consumption, L/100 km (none: the default range, see [`Uncertainty`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_l_per_100km_low: Option<f64>,
    /// Highest plausible consumption, L/100 km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel_l_per_100km_high: Option<f64>,
}

/// Columns `emission_factors.csv` must have.
const FACTOR_REQUIRED: &[&str] = &[
    "vehicle_class",
    "fuel_l_per_100km",
    "kg_co2e_per_l",
    "source",
];

fn factor_row(row: &Row<'_>) -> Result<EmissionFactor, InputError> {
    let fuel_l_per_100km = row.f64_req("fuel_l_per_100km")?;
    if fuel_l_per_100km < 0.0 {
        return Err(row.error("fuel_l_per_100km", "is negative"));
    }
    let kg_co2e_per_l = row.f64_req("kg_co2e_per_l")?;
    if kg_co2e_per_l < 0.0 {
        return Err(row.error("kg_co2e_per_l", "is negative"));
    }
    let mut f = EmissionFactor {
        fuel_l_per_100km_low: None,
        fuel_l_per_100km_high: None,
        vehicle_class: row.required("vehicle_class")?,
        fuel: row.optional("fuel").unwrap_or_else(|| "diesel".into()),
        fuel_l_per_100km,
        kg_co2e_per_l,
        source: row.required("source")?,
        vintage: row.get("vintage").to_owned(),
    };
    f.validate().map_err(|(field, m)| row.error(field, m))?;
    (f.fuel_l_per_100km_low, f.fuel_l_per_100km_high) =
        bounds(row, "fuel_l_per_100km", Some(fuel_l_per_100km))?;
    Ok(f)
}

/// Every emission factor of an emission-factor CSV given as bytes (read as if from `path`) and
/// every problem: file, line and field of each bad row, a class given twice, an empty file.
pub fn parse_emission_factors_lenient(path: &Path, bytes: &[u8]) -> Read<EmissionFactor> {
    unique_rows(
        path,
        bytes,
        FACTOR_REQUIRED,
        factor_row,
        (
            "vehicle_class",
            |f| f.vehicle_class.clone(),
            "a second row for vehicle class",
        ),
        "no emission factor",
    )
}

/// The vehicle type `id` among `types`, or an error listing them.
pub fn find_vehicle<'a>(types: &'a [Vehicle], id: &str) -> Result<&'a Vehicle> {
    types.iter().find(|v| v.id == id).ok_or_else(|| {
        Error::Invalid(format!(
            "unknown vehicle `{id}` (vehicle types: {})",
            types
                .iter()
                .map(|v| v.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// Parse emission-factor CSV bytes as if read from `path`; any problem is an error naming the
/// file, the line and the field.
pub fn parse_emission_factors(path: &Path, bytes: &[u8]) -> Result<Vec<EmissionFactor>> {
    strict(parse_emission_factors_lenient(path, bytes))
}

/// Read an emission-factor CSV; any problem is an error naming the file, the line and the field.
pub fn read_emission_factors(path: &Path) -> Result<Vec<EmissionFactor>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_emission_factors(path, &bytes)
}

/// Where a table of the territory comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "file", rename_all = "snake_case")]
pub enum DataOrigin {
    /// A file of the territory folder (its name, as in the manifest).
    TerritoryFile(String),
    /// boucle's built-in copy (the territory folder has no such file).
    Builtin,
}

/// The vehicle types of a territory and where they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleTypes {
    /// The types, in file order.
    pub types: Vec<Vehicle>,
    /// `vehicles.csv` of the folder, or the built-in copy.
    pub origin: DataOrigin,
}

impl VehicleTypes {
    /// boucle's built-in vehicle types.
    pub fn builtin() -> VehicleTypes {
        VehicleTypes {
            types: parse_vehicles_lenient(
                Path::new("<built-in vehicles.csv>"),
                DEFAULT_VEHICLES_CSV.as_bytes(),
            )
            .records,
            origin: DataOrigin::Builtin,
        }
    }

    /// The type with this id.
    pub fn get(&self, id: &str) -> Option<&Vehicle> {
        self.types.iter().find(|v| v.id == id)
    }
}

/// The emission factors of a territory and where they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionFactors {
    /// The factors, one per vehicle class.
    pub factors: Vec<EmissionFactor>,
    /// `emission_factors.csv` of the folder, or the built-in copy.
    pub origin: DataOrigin,
}

impl EmissionFactors {
    /// boucle's built-in emission factors.
    pub fn builtin() -> EmissionFactors {
        EmissionFactors {
            factors: parse_emission_factors_lenient(
                Path::new("<built-in emission_factors.csv>"),
                DEFAULT_EMISSION_FACTORS_CSV.as_bytes(),
            )
            .records,
            origin: DataOrigin::Builtin,
        }
    }
}

/// Read `file` of the folder `dir` leniently with `parse`, or take `builtin` when the folder has
/// no such file.
pub(crate) fn read_or_builtin<T>(
    dir: &Path,
    file: &str,
    parse: impl Fn(&Path, &[u8]) -> Read<T>,
    builtin: impl Fn() -> Vec<T>,
) -> (Vec<T>, DataOrigin, Vec<InputError>) {
    let path = dir.join(file);
    if !path.is_file() {
        return (builtin(), DataOrigin::Builtin, Vec::new());
    }
    match std::fs::read(&path) {
        Ok(bytes) => {
            let r = parse(&path, &bytes);
            (
                r.records,
                DataOrigin::TerritoryFile(file.to_owned()),
                r.errors,
            )
        }
        Err(e) => (
            Vec::new(),
            DataOrigin::TerritoryFile(file.to_owned()),
            vec![InputError::new(&path, Location::File, None, e.to_string())],
        ),
    }
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
