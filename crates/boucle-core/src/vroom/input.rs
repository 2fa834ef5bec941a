//! VROOM's input format, read into checked values: jobs, vehicles and matrices (VROOM's
//! `docs/API.md`). Every number is range-checked before it sizes anything, and every error names
//! its JSON path. What the engine cannot model (shipments, breaks, several routing profiles) is
//! refused here with the path and the reason.

use serde_json::Value;

use super::json::{At, Path, coordinates, numbers, opt, req, window};
use crate::error::Result;

/// Latest time accepted (s): Unix timestamps up to the year 2286 fit.
pub const MAX_TIME_S: f64 = 1e10;
/// Largest amount or capacity component accepted.
pub const MAX_AMOUNT: f64 = 1e12;
/// Largest cost coefficient accepted (fixed, per hour, per km).
pub const MAX_COST: f64 = 1e9;
/// Most components of an amount.
pub const MAX_DIMS: usize = 16;
/// Most time windows of one task, or skills of one task or vehicle.
pub const MAX_LIST: usize = 1_000;
/// Most vehicles.
pub const MAX_VEHICLES: usize = 10_000;
/// Largest id accepted (ids are JSON integers: exact up to 2^53).
pub const MAX_ID: u64 = 1 << 53;

/// A place: a row of the custom matrices, coordinates, or both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// Row and column in the custom matrices.
    pub index: Option<usize>,
    /// `[lon, lat]`.
    pub coord: Option<[f64; 2]>,
}

/// A job: one visit, with amounts delivered (loaded at the start) and picked up (brought to
/// the end).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job's id.
    pub id: u64,
    /// Free text, returned in the output.
    pub description: Option<String>,
    /// Where.
    pub place: Place,
    /// Setup time (s), on arriving from another place.
    pub setup: f64,
    /// Service time (s): the largest of `service` and `service_per_type` (the engine has one
    /// service time per stop).
    pub service: f64,
    /// Delivered amount (one component per dimension; empty when absent).
    pub delivery: Vec<f64>,
    /// Picked-up amount.
    pub pickup: Vec<f64>,
    /// Skills required.
    pub skills: Vec<u64>,
    /// Priority (0–100), returned in the output.
    pub priority: u64,
    /// Allowed windows for the start of service (none: any time).
    pub time_windows: Vec<[f64; 2]>,
}

/// The extension a vehicle may carry under `"boucle"` (VROOM ignores it): a treatment site where
/// the vehicle unloads between trips and before its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unloading {
    /// The treatment site.
    pub dump: Place,
    /// Time per unloading (s).
    pub service: f64,
    /// Most trips per route; `None`: unlimited.
    pub max_trips: Option<u32>,
}

/// A vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    /// The vehicle's id.
    pub id: u64,
    /// Free text, returned in the output.
    pub description: Option<String>,
    /// Routing profile (`car` by default).
    pub profile: String,
    /// Where the route starts; `None`: at its first task.
    pub start: Option<Place>,
    /// Where the route ends; `None`: at its last task.
    pub end: Option<Place>,
    /// Capacity per dimension; `None`: unlimited.
    pub capacity: Option<Vec<f64>>,
    /// Cost of using the vehicle.
    pub fixed: f64,
    /// Cost per hour of travel.
    pub per_hour: f64,
    /// Cost per hour of task time (setup + service).
    pub per_task_hour: f64,
    /// Cost per km.
    pub per_km: f64,
    /// Skills held.
    pub skills: Vec<u64>,
    /// Working hours.
    pub time_window: Option<[f64; 2]>,
    /// Most tasks per route.
    pub max_tasks: Option<u64>,
    /// Most travel time (s).
    pub max_travel_time: Option<f64>,
    /// Most distance (m).
    pub max_distance: Option<f64>,
    /// Travel times are divided by this factor (0.01 to 5).
    pub speed_factor: f64,
    /// The boucle extension: unloading at a treatment site (multi-trip).
    pub unloading: Option<Unloading>,
}

/// Custom matrices of one profile (row-major, `n × n`).
#[derive(Debug, Clone, PartialEq)]
pub struct Matrices {
    /// Side of the matrices.
    pub n: usize,
    /// Travel times (s).
    pub durations: Vec<f64>,
    /// Distances (m).
    pub distances: Option<Vec<f64>>,
    /// Costs, used instead of per_hour and per_km.
    pub costs: Option<Vec<f64>>,
}

/// A VROOM problem, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The jobs.
    pub jobs: Vec<Job>,
    /// The vehicles.
    pub vehicles: Vec<Vehicle>,
    /// Custom matrices of the vehicles' profile, if given.
    pub matrices: Option<Matrices>,
    /// Number of amount dimensions (0 without amounts).
    pub dims: usize,
}

/// Reads a VROOM problem from JSON text. `max_tasks` bounds the jobs, `max_matrix` the side of
/// the custom matrices.
pub fn parse(text: &str, max_jobs: usize, max_matrix: usize) -> Result<Input> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        crate::error::Error::Invalid(format!(
            "not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    let rp = Path::root();
    let r = rp.at(&root);
    r.get("jobs")?; // an object at the root
    if let Some(s) = r.get("shipments")?
        && !rp.key("shipments").at(s).array(usize::MAX)?.is_empty()
    {
        return Err(rp.key("shipments").index(0).err(
            "shipments (a pickup paired with a later delivery in the same route) are not modelled by the engine, which collects to a treatment site: write them as jobs with `pickup` amounts",
        ));
    }
    let jobs: Vec<Job> = match r.get("jobs")? {
        None => Vec::new(),
        Some(v) => {
            let p = rp.key("jobs");
            let a = p.at(v).array(max_jobs)?;
            let mut out = Vec::with_capacity(a.len());
            for (i, j) in a.iter().enumerate() {
                out.push(job(p.index(i).at(j), &p.index(i))?);
            }
            out
        }
    };
    let mut seen = std::collections::HashSet::new();
    for (i, j) in jobs.iter().enumerate() {
        if !seen.insert(j.id) {
            return Err(rp
                .key("jobs")
                .index(i)
                .key("id")
                .err(format!("job id {} is used twice", j.id)));
        }
    }
    let vehicles: Vec<Vehicle> = {
        let p = rp.key("vehicles");
        let v = r.get("vehicles")?.ok_or_else(|| p.err("missing"))?;
        let a = p.at(v).array(MAX_VEHICLES)?;
        if a.is_empty() {
            return Err(p.err("at least one vehicle is needed"));
        }
        let mut out = Vec::with_capacity(a.len());
        for (i, x) in a.iter().enumerate() {
            out.push(vehicle(p.index(i).at(x), &p.index(i))?);
        }
        out
    };
    let mut seen = std::collections::HashSet::new();
    for (i, v) in vehicles.iter().enumerate() {
        if !seen.insert(v.id) {
            return Err(rp
                .key("vehicles")
                .index(i)
                .key("id")
                .err(format!("vehicle id {} is used twice", v.id)));
        }
        if v.profile != vehicles[0].profile {
            return Err(rp.key("vehicles").index(i).key("profile").err(format!(
                "`{}` differs from vehicles[0]'s `{}`: the engine routes every vehicle on one matrix",
                v.profile, vehicles[0].profile
            )));
        }
        if v.speed_factor != vehicles[0].speed_factor {
            return Err(rp
                .key("vehicles")
                .index(i)
                .key("speed_factor")
                .err("differs from vehicles[0]'s: the engine routes every vehicle on one matrix"));
        }
    }
    let matrices = matrices(r, &rp, &vehicles[0].profile, max_matrix)?;
    let dims = check_dims(&jobs, &vehicles, &rp)?;
    let input = Input {
        jobs,
        vehicles,
        matrices,
        dims,
    };
    check_places(&input, &rp)?;
    Ok(input)
}

fn skills(a: At<'_>) -> Result<Vec<u64>> {
    let p = a.path();
    a.array(MAX_LIST)?
        .iter()
        .enumerate()
        .map(|(i, v)| p.index(i).at(v).integer(u64::from(u32::MAX)))
        .collect()
}

fn amount(a: At<'_>) -> Result<Vec<f64>> {
    numbers(a, MAX_DIMS, 0.0, MAX_AMOUNT)
}

fn place(obj: At<'_>, p: &Path, coord_key: &str, index_key: &str) -> Result<Option<Place>> {
    let coord = opt(obj, p, coord_key, coordinates)?;
    let index = opt(obj, p, index_key, |a| a.integer(u64::from(u32::MAX)))?;
    Ok((coord.is_some() || index.is_some()).then_some(Place {
        index: index.map(|i| i as usize),
        coord,
    }))
}

fn per_type_max(a: At<'_>) -> Result<f64> {
    let p = a.path();
    match a.v {
        Value::Object(m) => {
            let mut best = 0.0f64;
            for (k, v) in m.iter().take(MAX_LIST) {
                best = best.max(p.key(k).at(v).number(0.0, MAX_TIME_S)?);
            }
            Ok(best)
        }
        _ => Err(a.err("expected an object mapping vehicle types to durations")),
    }
}

fn job(a: At<'_>, p: &Path) -> Result<Job> {
    let id = req(a, p, "id", |x| x.integer(MAX_ID))?;
    if a.get("amount")?.is_some() {
        return Err(p
            .key("amount")
            .err("deprecated: write `delivery` or `pickup`"));
    }
    let place = place(a, p, "location", "location_index")?
        .ok_or_else(|| p.err("needs `location` or `location_index`"))?;
    let service = opt(a, p, "service", |x| x.number(0.0, MAX_TIME_S))?.unwrap_or(0.0);
    let per_type = opt(a, p, "service_per_type", per_type_max)?.unwrap_or(0.0);
    let setup = opt(a, p, "setup", |x| x.number(0.0, MAX_TIME_S))?.unwrap_or(0.0);
    let setup_pt = opt(a, p, "setup_per_type", per_type_max)?.unwrap_or(0.0);
    let time_windows = opt(a, p, "time_windows", |x| {
        let wp = x.path();
        x.array(MAX_LIST)?
            .iter()
            .enumerate()
            .map(|(i, w)| window(wp.index(i).at(w), MAX_TIME_S))
            .collect::<Result<Vec<_>>>()
    })?
    .unwrap_or_default();
    Ok(Job {
        id,
        description: opt(a, p, "description", |x| x.string().map(str::to_owned))?,
        place,
        setup: setup.max(setup_pt),
        service: service.max(per_type),
        delivery: opt(a, p, "delivery", amount)?.unwrap_or_default(),
        pickup: opt(a, p, "pickup", amount)?.unwrap_or_default(),
        skills: opt(a, p, "skills", skills)?.unwrap_or_default(),
        priority: opt(a, p, "priority", |x| x.integer(100))?.unwrap_or(0),
        time_windows,
    })
}

fn vehicle(a: At<'_>, p: &Path) -> Result<Vehicle> {
    let id = req(a, p, "id", |x| x.integer(MAX_ID))?;
    let start = place(a, p, "start", "start_index")?;
    let end = place(a, p, "end", "end_index")?;
    if start.is_none() && end.is_none() {
        return Err(p.err("needs a start or an end (`start`, `start_index`, `end`, `end_index`)"));
    }
    if let Some(b) = a.get("breaks")?
        && !p.key("breaks").at(b).array(MAX_LIST)?.is_empty()
    {
        return Err(p.key("breaks").index(0).err(
            "breaks are not modelled by the engine: remove them (or widen the working hours by their length)",
        ));
    }
    if let Some(s) = a.get("steps")?
        && !p.key("steps").at(s).array(MAX_LIST)?.is_empty()
    {
        return Err(p
            .key("steps")
            .err("custom routes (plan mode, initial routes) are not read by the engine"));
    }
    let costs = a.get("costs")?;
    let cp = p.key("costs");
    let (mut fixed, mut per_hour, mut per_task_hour, mut per_km) = (0.0, 3600.0, 0.0, 0.0);
    if let Some(c) = costs {
        let c = cp.at(c);
        fixed = opt(c, &cp, "fixed", |x| x.number(0.0, MAX_COST))?.unwrap_or(0.0);
        per_hour = opt(c, &cp, "per_hour", |x| x.number(0.0, MAX_COST))?.unwrap_or(3600.0);
        per_task_hour = opt(c, &cp, "per_task_hour", |x| x.number(0.0, MAX_COST))?.unwrap_or(0.0);
        per_km = opt(c, &cp, "per_km", |x| x.number(0.0, MAX_COST))?.unwrap_or(0.0);
    }
    let unloading = match a.get("boucle")? {
        None => None,
        Some(b) => {
            let bp = p.key("boucle");
            let b = bp.at(b);
            let dump = place(b, &bp, "dump", "dump_index")?
                .ok_or_else(|| bp.err("needs `dump` or `dump_index`"))?;
            Some(Unloading {
                dump,
                service: opt(b, &bp, "unload_service", |x| x.number(0.0, MAX_TIME_S))?
                    .unwrap_or(0.0),
                max_trips: opt(b, &bp, "max_trips", |x| {
                    let n = x.integer(u64::from(u32::MAX))?;
                    if n == 0 {
                        Err(x.err("must be at least 1"))
                    } else {
                        Ok(n as u32)
                    }
                })?,
            })
        }
    };
    Ok(Vehicle {
        id,
        description: opt(a, p, "description", |x| x.string().map(str::to_owned))?,
        profile: opt(a, p, "profile", |x| x.string().map(str::to_owned))?
            .unwrap_or_else(|| "car".to_owned()),
        start,
        end,
        capacity: opt(a, p, "capacity", amount)?,
        fixed,
        per_hour,
        per_task_hour,
        per_km,
        skills: opt(a, p, "skills", skills)?.unwrap_or_default(),
        time_window: opt(a, p, "time_window", |x| window(x, MAX_TIME_S))?,
        max_tasks: opt(a, p, "max_tasks", |x| x.integer(u64::from(u32::MAX)))?,
        max_travel_time: opt(a, p, "max_travel_time", |x| x.number(0.0, MAX_TIME_S))?,
        max_distance: opt(a, p, "max_distance", |x| x.number(0.0, 1e12))?,
        speed_factor: opt(a, p, "speed_factor", |x| {
            // VROOM keeps two decimals: the smallest factor is 0.01.
            x.number(0.01, 5.0)
        })?
        .unwrap_or(1.0),
        unloading,
    })
}

/// One square matrix of side at most `max`.
fn square(a: At<'_>, max: usize, expect: Option<usize>) -> Result<Vec<f64>> {
    let p = a.path();
    let rows = a.array(max)?;
    let n = rows.len();
    if n == 0 {
        return Err(a.err("empty matrix"));
    }
    if let Some(e) = expect
        && e != n
    {
        return Err(a.err(format!("{n} rows, the durations have {e}")));
    }
    let mut out = Vec::with_capacity(n * n);
    for (i, r) in rows.iter().enumerate() {
        let row = numbers(p.index(i).at(r), max, 0.0, MAX_TIME_S.max(1e12))?;
        if row.len() != n {
            return Err(p
                .index(i)
                .err(format!("{} columns, the matrix has {n} rows", row.len())));
        }
        out.extend(row);
    }
    Ok(out)
}

fn matrices(r: At<'_>, rp: &Path, profile: &str, max: usize) -> Result<Option<Matrices>> {
    let (obj, p) = if let Some(m) = r.get("matrices")? {
        let mp = rp.key("matrices");
        if !m.is_object() {
            return Err(mp.err("expected an object of profiles"));
        }
        let prof = m
            .get(profile)
            .filter(|v| !v.is_null())
            .ok_or_else(|| mp.err(format!("no matrices for the vehicles' profile `{profile}`")))?;
        (prof, mp.key(profile))
    } else if let Some(m) = r.get("matrix")? {
        // The deprecated single durations matrix.
        let mp = rp.key("matrix");
        let durations = square(mp.at(m), max, None)?;
        let n = (durations.len() as f64).sqrt() as usize;
        return Ok(Some(Matrices {
            n,
            durations,
            distances: None,
            costs: None,
        }));
    } else {
        return Ok(None);
    };
    let o = p.at(obj);
    let durations = req(o, &p, "durations", |x| square(x, max, None))?;
    let n = (durations.len() as f64).sqrt() as usize;
    let distances = opt(o, &p, "distances", |x| square(x, max, Some(n)))?;
    let costs = opt(o, &p, "costs", |x| square(x, max, Some(n)))?;
    Ok(Some(Matrices {
        n,
        durations,
        distances,
        costs,
    }))
}

/// The number of amount dimensions, the same for every amount and capacity.
fn check_dims(jobs: &[Job], vehicles: &[Vehicle], rp: &Path) -> Result<usize> {
    let mut dims: Option<(usize, Path)> = None;
    let mut see = |len: usize, path: Path| -> Result<()> {
        match &dims {
            None => dims = Some((len, path)),
            Some((d, first)) if *d != len => {
                return Err(path.err(format!(
                    "{len} components, {} has {d}: every amount has the same dimensions",
                    first.0
                )));
            }
            _ => {}
        }
        Ok(())
    };
    for (i, j) in jobs.iter().enumerate() {
        let p = rp.key("jobs").index(i);
        if !j.delivery.is_empty() {
            see(j.delivery.len(), p.key("delivery"))?;
        }
        if !j.pickup.is_empty() {
            see(j.pickup.len(), p.key("pickup"))?;
        }
    }
    for (i, v) in vehicles.iter().enumerate() {
        if let Some(c) = &v.capacity {
            see(c.len(), rp.key("vehicles").index(i).key("capacity"))?;
        }
    }
    Ok(dims.map_or(0, |d| d.0))
}

/// Every place has a matrix row when matrices are given, coordinates otherwise.
fn check_places(input: &Input, rp: &Path) -> Result<()> {
    let check = |pl: &Place, path: Path, key: &str| -> Result<()> {
        match (&input.matrices, pl.index, pl.coord) {
            (Some(m), Some(i), _) if i >= m.n => Err(path
                .key(&format!("{key}_index"))
                .err(format!("{i} is outside the matrices ({} rows)", m.n))),
            (Some(_), None, _) => {
                Err(path.err(format!("with custom matrices, `{key}_index` is needed")))
            }
            (None, _, None) => Err(path.err(format!(
                "without custom matrices, coordinates `{key}` are needed"
            ))),
            _ => Ok(()),
        }
    };
    for (i, j) in input.jobs.iter().enumerate() {
        check(&j.place, rp.key("jobs").index(i), "location")?;
    }
    for (i, v) in input.vehicles.iter().enumerate() {
        let p = rp.key("vehicles").index(i);
        if let Some(s) = &v.start {
            check(s, p.clone(), "start")?;
        }
        if let Some(e) = &v.end {
            check(e, p.clone(), "end")?;
        }
        if let Some(u) = &v.unloading {
            check(&u.dump, p.key("boucle"), "dump")?;
        }
    }
    Ok(())
}
