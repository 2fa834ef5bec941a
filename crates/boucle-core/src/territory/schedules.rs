//! The officer's week (`schedules.csv`, optional): opening hours, service time, containers and
//! access constraints of each company (or of one of its flows), opening hours and unloading
//! time of each site. A territory without the file, or a company or site without a row, keeps
//! the behaviour without it (open whenever the vehicles work, the material's service and
//! unloading times, no access constraint), and the plans say so.
//!
//! Columns (all optional but `id`): `id` (an actor or a site of the territory), `material` (a
//! material slug: the row is for that flow only; empty: every material of the actor),
//! `opening_hours` (OpenStreetMap syntax, see [`super::hours`]), `service_min` (minutes at the
//! stop, 0–480), `unload_min` (sites only: minutes to unload, 0–480), `container_type`,
//! `container_count` (whole number 1–1000), `max_length_m` (longest vehicle that can reach
//! the stop, 2–30 m), `max_weight_t` (heaviest gross vehicle weight allowed, 1–60 t),
//! `tail_lift` (`true`: only a vehicle with a tail lift can load), `remarks`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::files::Read;
use super::hours::OpeningHours;
use crate::error::InputError;
use crate::io::csv::{CsvTable, Row};

/// The file name of the officer's week in a territory folder.
pub const SCHEDULES_FILE: &str = "schedules.csv";
/// Column order of `schedules.csv`.
pub const SCHEDULE_COLUMNS: &[&str] = &[
    "id",
    "material",
    "opening_hours",
    "service_min",
    "unload_min",
    "container_type",
    "container_count",
    "max_length_m",
    "max_weight_t",
    "tail_lift",
    "remarks",
];
/// Longest service or unloading time accepted, minutes.
pub const MAX_STOP_MIN: f64 = 480.0;
/// Most containers at one stop.
pub const MAX_CONTAINERS: f64 = 1000.0;

/// Containers at a stop.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    /// Type, as the officer writes it (e.g. `caisson 30 m³`, `bac 770 L`).
    pub kind: String,
    /// How many.
    pub count: u32,
}

/// What a vehicle must satisfy to serve a stop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Access {
    /// Longest vehicle that can reach it, m.
    pub max_length_m: Option<f64>,
    /// Heaviest gross vehicle weight allowed, t.
    pub max_weight_t: Option<f64>,
    /// Whether only a vehicle with a tail lift can load.
    pub tail_lift: bool,
}

impl Access {
    /// Whether any constraint is set.
    pub fn is_set(&self) -> bool {
        self.max_length_m.is_some() || self.max_weight_t.is_some() || self.tail_lift
    }
}

/// One row of `schedules.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    /// Actor or site id.
    pub id: String,
    /// Material slug, when the row is for one flow only.
    pub material: Option<String>,
    /// Opening hours as written.
    pub opening_hours_text: Option<String>,
    /// Opening hours, parsed.
    #[serde(skip)]
    pub opening_hours: Option<OpeningHours>,
    /// Service time at the stop, minutes.
    pub service_min: Option<f64>,
    /// Unloading time at a site, minutes.
    pub unload_min: Option<f64>,
    /// Containers at the stop.
    pub container: Option<Container>,
    /// Access constraints.
    pub access: Access,
    /// Line of the row in the file.
    #[serde(skip)]
    pub line: u64,
}

/// The officer's week of a territory: the rows of `schedules.csv` (none without the file).
#[derive(Debug, Clone, Default)]
pub struct Week {
    /// The rows read.
    pub rows: Vec<Schedule>,
    /// Whether the territory has the file.
    pub present: bool,
}

impl Week {
    /// The row for `id` and `material`: the flow's own row, else the actor's or site's row for
    /// every material.
    pub fn of(&self, id: &str, material: &str) -> Option<&Schedule> {
        self.rows
            .iter()
            .find(|r| r.id == id && r.material.as_deref() == Some(material))
            .or_else(|| {
                self.rows
                    .iter()
                    .find(|r| r.id == id && r.material.is_none())
            })
    }
}

/// Read `schedules.csv` at `path` (absent: an empty week), checking ids against the actors
/// and sites and materials against the vocabulary.
pub fn read_schedules(
    path: &Path,
    actors: &HashSet<&str>,
    sites: &HashSet<&str>,
    materials: &HashSet<&str>,
) -> (Week, Vec<InputError>) {
    if !path.exists() {
        return (Week::default(), Vec::new());
    }
    let table = match CsvTable::read_lenient(path, b',', &["id"]) {
        Ok(t) => t,
        Err(e) => return (Week::default(), e.into_input_errors(path)),
    };
    let mut errors = table.row_errors.clone();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, Option<String>), u64> = HashMap::new();
    for row in table.iter() {
        match schedule_row(&row, actors, sites, materials) {
            Ok(s) => {
                let key = (s.id.clone(), s.material.clone());
                if let Some(first) = seen.get(&key) {
                    errors.push(row.error(
                        "id",
                        format!(
                            "`{}`{} already has a row (line {first})",
                            s.id,
                            s.material
                                .as_deref()
                                .map(|m| format!(" for material `{m}`"))
                                .unwrap_or_default()
                        ),
                    ));
                    continue;
                }
                seen.insert(key, s.line);
                rows.push(s);
            }
            Err(e) => errors.push(e),
        }
    }
    let read = Read {
        records: rows,
        errors,
    };
    (
        Week {
            rows: read.records,
            present: true,
        },
        read.errors,
    )
}

fn ranged(row: &Row<'_>, col: &str, lo: f64, hi: f64) -> Result<Option<f64>, InputError> {
    match row.f64_opt(col)? {
        Some(v) => crate::limits::in_range(v, lo, hi)
            .map(|_| Some(v))
            .map_err(|m| row.error(col, m)),
        None => Ok(None),
    }
}

fn schedule_row(
    row: &Row<'_>,
    actors: &HashSet<&str>,
    sites: &HashSet<&str>,
    materials: &HashSet<&str>,
) -> Result<Schedule, InputError> {
    let id = row.required("id")?;
    let is_actor = actors.contains(id.as_str());
    let is_site = sites.contains(id.as_str());
    if !is_actor && !is_site {
        return Err(row.error(
            "id",
            format!("`{id}` is neither an actor (actors.csv) nor a site (sites.csv)"),
        ));
    }
    let material = row.optional("material");
    if let Some(m) = &material
        && !materials.contains(m.as_str())
    {
        return Err(row.error(
            "material",
            format!("unknown material `{m}` (materials.csv)"),
        ));
    }
    let opening_hours_text = row.optional("opening_hours");
    let opening_hours = match &opening_hours_text {
        Some(t) => Some(OpeningHours::parse(t).map_err(|m| row.error("opening_hours", m))?),
        None => None,
    };
    let service_min = ranged(row, "service_min", 0.0, MAX_STOP_MIN)?;
    let unload_min = ranged(row, "unload_min", 0.0, MAX_STOP_MIN)?;
    let count = ranged(row, "container_count", 1.0, MAX_CONTAINERS)?;
    if count.is_some_and(|c| c.fract() != 0.0) {
        return Err(row.error("container_count", "not a whole number"));
    }
    let kind = row.optional("container_type");
    let container = match (kind, count) {
        (None, None) => None,
        (kind, count) => Some(Container {
            kind: kind.unwrap_or_default(),
            count: count.unwrap_or(1.0) as u32,
        }),
    };
    let access = Access {
        max_length_m: ranged(row, "max_length_m", 2.0, 30.0)?,
        max_weight_t: ranged(row, "max_weight_t", 1.0, 60.0)?,
        tail_lift: row.bool_or("tail_lift", false)?,
    };
    // A site has hours and an unloading time; an actor hours, a service time, containers and
    // access constraints. An id in both files is read as an actor.
    if is_site && !is_actor {
        for (col, set) in [
            ("service_min", service_min.is_some()),
            ("container_type", container.is_some()),
            ("max_length_m", access.max_length_m.is_some()),
            ("max_weight_t", access.max_weight_t.is_some()),
            ("tail_lift", access.tail_lift),
        ] {
            if set {
                return Err(row.error(
                    col,
                    format!("`{id}` is a site: only `opening_hours` and `unload_min` apply"),
                ));
            }
        }
    } else if unload_min.is_some() {
        return Err(row.error(
            "unload_min",
            format!("`{id}` is an actor: `unload_min` applies to sites (use `service_min`)"),
        ));
    }
    Ok(Schedule {
        id,
        material,
        opening_hours_text,
        opening_hours,
        service_min,
        unload_min,
        container,
        access,
        line: row.line(),
    })
}
