//! A read VROOM problem turned into the engine's: one travel matrix (custom matrices, or the
//! territory's router on the coordinates), vehicles grouped into types, amounts mapped onto the
//! engine's two capacity dimensions, and the groups that skills separate.

use geo::Point;

use super::input::{Input, Place};
use crate::error::{Error, Result};
use crate::travel::{DenseMatrix, Method, Travel};
use boucle_vrp::{DIMS, Problem, Stop, TimeWindow, VehicleType};

/// A capacity dimension that does not bind (the engine wants finite capacities).
const UNLIMITED: f64 = 1e15;
/// Most `vehicle types × locations²` the engine's per-type cost tables may hold.
const MAX_TYPE_CELLS: usize = 50_000_000;

/// The problem ready for the engine, with what the output needs to speak VROOM again.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The problem as read.
    pub input: Input,
    /// Number of locations, the free one (for open routes) included.
    pub n: usize,
    /// Location of each job.
    pub job_loc: Vec<usize>,
    /// Start, end and treatment-site locations of each vehicle (the free location for an open
    /// start or end).
    pub veh_loc: Vec<[usize; 3]>,
    /// Coordinates of each location, when known.
    pub coords: Vec<Option<[f64; 2]>>,
    /// Travel times (s), after the speed factor, row-major.
    pub durations: Vec<f64>,
    /// Distances (m), if known.
    pub distances: Option<Vec<f64>>,
    /// Custom costs, if given.
    pub costs: Option<Vec<f64>>,
    /// How travel was measured: `matrix` (given), `road` or `crow_flies`.
    pub method: String,
    /// The engine's matrix (durations, and distances or custom costs).
    pub matrix: DenseMatrix,
    /// The groups solved apart (skills), each with its engine problem.
    pub groups: Vec<Group>,
    /// Jobs no vehicle has the skills for.
    pub no_skills: Vec<usize>,
    /// The groups whose vehicles have each job's skills.
    pub eligible: Vec<Vec<usize>>,
    /// The engine dimension of each used amount dimension, and the `max_tasks` dimension.
    dim_map: (Vec<usize>, Option<usize>),
    /// What the reader should know: how the model was mapped.
    pub notes: Vec<String>,
    /// Milliseconds spent building the travel matrix.
    pub routing_ms: f64,
}

/// Jobs and vehicles solved together.
#[derive(Debug, Clone)]
pub struct Group {
    /// Indices of its jobs (engine stop `k` is job `jobs[k]`).
    pub jobs: Vec<usize>,
    /// Vehicles of each engine vehicle type (indices into the input's vehicles).
    pub types: Vec<Vec<usize>>,
    /// The engine's problem.
    pub problem: Problem,
}

/// Prepares `input`: `travel` routes coordinates when no custom matrix is given.
pub fn prepare(input: Input, travel: &Travel) -> Result<Prepared> {
    let mut notes = Vec::new();
    let open = input
        .vehicles
        .iter()
        .any(|v| v.start.is_none() || v.end.is_none());
    let t0 = std::time::Instant::now();
    let (base, coords, durations, distances, costs, method) = match &input.matrices {
        Some(m) => {
            let mut coords = vec![None; m.n];
            let mut see = |p: &Place| {
                if let (Some(i), Some(c)) = (p.index, p.coord) {
                    coords[i] = Some(c);
                }
            };
            input.jobs.iter().for_each(|j| see(&j.place));
            for v in &input.vehicles {
                v.start.iter().chain(v.end.iter()).for_each(&mut see);
                if let Some(u) = &v.unloading {
                    see(&u.dump);
                }
            }
            (
                m.n,
                coords,
                m.durations.clone(),
                m.distances.clone(),
                m.costs.clone(),
                "matrix".to_owned(),
            )
        }
        None => {
            let mut pts: Vec<[f64; 2]> = Vec::new();
            let mut add = |p: &Place| {
                let c = p.coord.expect("checked: coordinates without matrices");
                if !pts.contains(&c) {
                    pts.push(c);
                }
            };
            input.jobs.iter().for_each(|j| add(&j.place));
            for v in &input.vehicles {
                v.start.iter().chain(v.end.iter()).for_each(&mut add);
                if let Some(u) = &v.unloading {
                    add(&u.dump);
                }
            }
            let points: Vec<Point<f64>> = pts.iter().map(|c| Point::new(c[0], c[1])).collect();
            let table = travel.square(&points)?;
            notes.extend(table.warnings("place"));
            let m = table.matrix;
            (
                pts.len(),
                pts.into_iter().map(Some).collect(),
                m.durations_s,
                Some(m.distances_m),
                None,
                m.method.as_str().to_owned(),
            )
        }
    };
    let routing_ms = t0.elapsed().as_secs_f64() * 1e3;
    let n = base + usize::from(open);
    let free = base;
    let widen = |m: Vec<f64>| -> Vec<f64> {
        if !open {
            return m;
        }
        let mut out = vec![0.0; n * n];
        for a in 0..base {
            out[a * n..a * n + base].copy_from_slice(&m[a * base..(a + 1) * base]);
        }
        out
    };
    let speed = input.vehicles[0].speed_factor;
    let durations: Vec<f64> = widen(durations).into_iter().map(|d| d / speed).collect();
    let distances = distances.map(widen);
    let costs = costs.map(widen);
    let mut coords = coords;
    coords.resize(n, None);
    let loc_of = |p: &Place| -> usize {
        match (&input.matrices, p.index, p.coord) {
            (Some(_), Some(i), _) => i,
            (_, _, Some(c)) => coords.iter().position(|x| *x == Some(c)).unwrap_or(free),
            _ => free,
        }
    };
    let job_loc: Vec<usize> = input.jobs.iter().map(|j| loc_of(&j.place)).collect();
    let veh_loc: Vec<[usize; 3]> = input
        .vehicles
        .iter()
        .map(|v| {
            let s = v.start.as_ref().map_or(free, &loc_of);
            let e = v.end.as_ref().map_or(free, &loc_of);
            let d = v.unloading.as_ref().map_or(e, |u| loc_of(&u.dump));
            [s, e, d]
        })
        .collect();
    // The engine's distances: custom costs when given (priced 1 per unit), else distances.
    let uses_km = input.vehicles.iter().any(|v| v.per_km > 0.0);
    let uses_dist = input.vehicles.iter().any(|v| v.max_distance.is_some());
    if costs.is_some() && (uses_km || uses_dist) {
        return Err(Error::Invalid(
            "vehicles: `per_km` or `max_distance` with a custom `costs` matrix: VROOM refuses this mix too".into(),
        ));
    }
    if distances.is_none() && (uses_km || uses_dist) {
        return Err(Error::Invalid(
            "matrices: `per_km` or `max_distance` needs a `distances` matrix (or coordinates, routed by boucle)".into(),
        ));
    }
    let engine_dist = costs
        .clone()
        .or_else(|| distances.clone())
        .unwrap_or_else(|| vec![0.0; n * n]);
    let matrix = DenseMatrix {
        rows: n,
        cols: n,
        distances_m: engine_dist,
        durations_s: durations.clone(),
        method: if method == "road" {
            Method::Road
        } else {
            Method::CrowFlies
        },
    };
    let mut prepared = Prepared {
        n,
        job_loc,
        veh_loc,
        coords,
        durations,
        distances,
        method,
        matrix,
        groups: Vec::new(),
        no_skills: Vec::new(),
        eligible: Vec::new(),
        dim_map: (Vec::new(), None),
        notes,
        routing_ms,
        costs,
        input,
    };
    build_groups(&mut prepared)?;
    Ok(prepared)
}

/// Engine dimensions: the amount dimensions used (at most two), then a free one for
/// `max_tasks` if some vehicle has it.
fn dimension_map(p: &Prepared) -> Result<(Vec<usize>, Option<usize>)> {
    let inp = &p.input;
    let used: Vec<usize> = (0..inp.dims)
        .filter(|&d| {
            inp.jobs.iter().any(|j| {
                j.delivery.get(d).copied().unwrap_or(0.0) > 0.0
                    || j.pickup.get(d).copied().unwrap_or(0.0) > 0.0
            })
        })
        .collect();
    if used.len() > DIMS {
        return Err(Error::Invalid(format!(
            "jobs: amounts use {} dimensions ({:?}), the engine has {DIMS}: merge or drop the ones that never bind",
            used.len(),
            used
        )));
    }
    let tasks = inp.vehicles.iter().any(|v| v.max_tasks.is_some());
    if let Some(i) = inp
        .vehicles
        .iter()
        .position(|v| v.max_tasks.is_some() && v.unloading.is_some())
    {
        return Err(Error::Invalid(format!(
            "vehicles[{i}].max_tasks: not available with unloading between trips (`boucle.dump`)"
        )));
    }
    if tasks && used.len() == DIMS {
        return Err(Error::Invalid(format!(
            "vehicles: `max_tasks` takes one of the engine's {DIMS} capacity dimensions, and the amounts use both"
        )));
    }
    Ok((used.clone(), tasks.then_some(used.len())))
}

fn build_groups(p: &mut Prepared) -> Result<()> {
    let (dims, task_dim) = dimension_map(p)?;
    let inp = &p.input;
    // Vehicle types: identical vehicles (apart from id and description) share one.
    let mut kinds: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, v) in inp.vehicles.iter().enumerate() {
        let mut key = v.clone();
        key.id = 0;
        key.description = None;
        let key = format!("{key:?}{:?}", p.veh_loc[i]);
        match kinds.iter_mut().find(|k| k.0 == key) {
            Some(k) => k.1.push(i),
            None => kinds.push((key, vec![i])),
        }
    }
    if kinds.len().saturating_mul(p.n).saturating_mul(p.n) > MAX_TYPE_CELLS {
        return Err(Error::Invalid(format!(
            "vehicles: {} different vehicles over {} places is more than the engine's tables hold ({MAX_TYPE_CELLS} cells): give identical vehicles identical keys",
            kinds.len(),
            p.n
        )));
    }
    let mut mixed = false;
    for (i, j) in inp.jobs.iter().enumerate() {
        let del = j.delivery.iter().any(|&x| x > 0.0);
        mixed |= del && j.pickup.iter().any(|&x| x > 0.0);
        if del && inp.vehicles.iter().any(|v| v.unloading.is_some()) {
            return Err(Error::Invalid(format!(
                "jobs[{i}].delivery: vehicles that unload at a treatment site (`boucle.dump`) collect only: write amounts as `pickup`"
            )));
        }
    }
    let any_del = inp.jobs.iter().any(|j| j.delivery.iter().any(|&x| x > 0.0));
    let any_pick = inp.jobs.iter().any(|j| j.pickup.iter().any(|&x| x > 0.0));
    if mixed || (any_del && any_pick) {
        p.notes.push("deliveries and pickups in one problem: each vehicle's capacity covers the deliveries plus the pickups of its route (safe, may use more vehicles than needed)".into());
    }
    if inp.jobs.iter().any(|j| j.time_windows.len() > 1) {
        p.notes
            .push("jobs with several time windows: the engine uses the longest one of each".into());
    }
    if inp.vehicles.iter().any(|v| v.max_travel_time.is_some()) {
        p.notes.push("max_travel_time bounds the whole route duration (service and waiting included): safe, stricter than VROOM".into());
    }
    if inp.vehicles.iter().any(|v| v.per_hour > 0.0)
        && p.costs.is_none()
        && inp.jobs.iter().any(|j| !j.time_windows.is_empty())
    {
        p.notes.push("the engine prices per_hour on the route's whole duration (waiting included); the output's costs follow VROOM's definition (travel time)".into());
    }
    // Skill classes: vehicles with the same skills. Each job goes to one eligible class.
    let mut classes: Vec<(Vec<u64>, Vec<usize>)> = Vec::new(); // skills, kinds
    for (k, (_, vs)) in kinds.iter().enumerate() {
        let mut s = inp.vehicles[vs[0]].skills.clone();
        s.sort_unstable();
        s.dedup();
        match classes.iter_mut().find(|c| c.0 == s) {
            Some(c) => c.1.push(k),
            None => classes.push((s, vec![k])),
        }
    }
    let mut class_jobs: Vec<Vec<usize>> = vec![Vec::new(); classes.len()];
    let eligible = |j: usize| -> Vec<usize> {
        (0..classes.len())
            .filter(|&c| inp.jobs[j].skills.iter().all(|s| classes[c].0.contains(s)))
            .collect()
    };
    let mut shared = Vec::new();
    for j in 0..inp.jobs.len() {
        let e = eligible(j);
        match e.len() {
            0 => p.no_skills.push(j),
            1 => class_jobs[e[0]].push(j),
            _ => shared.push((j, e)),
        }
    }
    let all_shared = classes.len() > 1 && shared.iter().all(|(_, e)| e.len() == classes.len());
    if classes.len() > 1 && !(all_shared && class_jobs.iter().all(Vec::is_empty)) {
        if !shared.is_empty() {
            p.notes.push("skills: the engine solves each group of vehicles with the same skills apart; a job several groups may serve goes to the group with the nearest job or start".into());
        }
        for (j, e) in shared {
            let lj = p.job_loc[j];
            let near = |c: usize| -> f64 {
                let from_jobs = class_jobs[c]
                    .iter()
                    .map(|&o| p.durations[p.job_loc[o] * p.n + lj])
                    .fold(f64::INFINITY, f64::min);
                let from_start = classes[c]
                    .1
                    .iter()
                    .map(|&k| p.durations[p.veh_loc[kinds[k].1[0]][0] * p.n + lj])
                    .fold(f64::INFINITY, f64::min);
                from_jobs.min(from_start)
            };
            let best = e
                .iter()
                .copied()
                .min_by(|&a, &b| near(a).total_cmp(&near(b)))
                .unwrap_or(e[0]);
            class_jobs[best].push(j);
        }
    } else if classes.len() > 1 {
        // Every job fits every vehicle: one group.
        let all: Vec<usize> = (0..classes.len())
            .flat_map(|c| classes[c].1.clone())
            .collect();
        classes = vec![(Vec::new(), all)];
        class_jobs = vec![shared.into_iter().map(|(j, _)| j).collect()];
    } else {
        class_jobs[0].extend(shared.into_iter().map(|(j, _)| j));
    }
    let mut groups = Vec::new();
    for (c, (_, ks)) in classes.iter().enumerate() {
        let mut jobs = std::mem::take(&mut class_jobs[c]);
        jobs.sort_unstable();
        let stops = jobs.iter().map(|&j| stop(p, j, &dims, task_dim)).collect();
        let types: Vec<Vec<usize>> = ks.iter().map(|&k| kinds[k].1.clone()).collect();
        let vehicle_types = types
            .iter()
            .map(|vs| vehicle_type(p, vs, &dims, task_dim))
            .collect();
        groups.push(Group {
            jobs,
            types,
            problem: Problem {
                stops,
                vehicle_types,
                balance_cost_per_hour: 0.0,
            },
        });
    }
    p.eligible = (0..inp.jobs.len())
        .map(|j| {
            (0..groups.len())
                .filter(|&g| {
                    let vs = &inp.vehicles[groups[g].types[0][0]].skills;
                    inp.jobs[j].skills.iter().all(|s| vs.contains(s))
                })
                .collect()
        })
        .collect();
    p.groups = groups;
    p.dim_map = (dims, task_dim);
    Ok(())
}

impl Prepared {
    /// Moves job `j` from group `from` to group `to` of `groups` (the engine's stops follow).
    pub fn move_job(&self, groups: &mut [Group], j: usize, from: usize, to: usize) {
        let s = stop(self, j, &self.dim_map.0, self.dim_map.1);
        let g = &mut groups[from];
        if let Some(k) = g.jobs.iter().position(|&x| x == j) {
            g.jobs.remove(k);
            g.problem.stops.remove(k);
        }
        let g = &mut groups[to];
        g.jobs.push(j);
        g.problem.stops.push(s);
    }
}

fn stop(p: &Prepared, j: usize, dims: &[usize], task_dim: Option<usize>) -> Stop {
    let job = &p.input.jobs[j];
    let mut demand = [0.0; DIMS];
    for (e, &d) in dims.iter().enumerate() {
        demand[e] =
            job.delivery.get(d).copied().unwrap_or(0.0) + job.pickup.get(d).copied().unwrap_or(0.0);
    }
    if let Some(t) = task_dim {
        demand[t] = 1.0;
    }
    let time_window = job
        .time_windows
        .iter()
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map(|w| TimeWindow {
            earliest_s: w[0],
            latest_s: w[1],
        });
    Stop {
        location: p.job_loc[j],
        demand,
        service_s: job.setup + job.service,
        time_window,
    }
}

fn vehicle_type(
    p: &Prepared,
    vs: &[usize],
    dims: &[usize],
    task_dim: Option<usize>,
) -> VehicleType {
    let v = &p.input.vehicles[vs[0]];
    let [start, end, dump] = p.veh_loc[vs[0]];
    let mut capacity = [UNLIMITED; DIMS];
    for (e, &d) in dims.iter().enumerate() {
        if let Some(c) = &v.capacity {
            capacity[e] = c.get(d).copied().unwrap_or(UNLIMITED);
        }
    }
    if let Some(t) = task_dim {
        capacity[t] = v.max_tasks.map_or(UNLIMITED, |m| m as f64);
    }
    let (cost_per_km, cost_per_hour) = if p.costs.is_some() {
        (1000.0, 0.0)
    } else {
        (v.per_km, v.per_hour)
    };
    VehicleType {
        name: v
            .description
            .clone()
            .unwrap_or_else(|| format!("vehicle {}", v.id)),
        count: Some(vs.len()),
        capacity,
        cost_per_km,
        cost_per_hour,
        fixed_cost: v.fixed,
        max_duration_s: v.max_travel_time,
        max_distance_m: v.max_distance,
        start,
        end,
        dump: v.unloading.map(|_| dump),
        unload_service_s: v.unloading.map_or(0.0, |u| u.service),
        max_trips: match &v.unloading {
            Some(u) => u.max_trips,
            None => Some(1),
        },
        shift: v.time_window.map(|w| TimeWindow {
            earliest_s: w[0],
            latest_s: w[1],
        }),
    }
}
