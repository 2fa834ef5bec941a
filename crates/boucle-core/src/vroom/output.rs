//! The engine run on a prepared VROOM problem, and its solution written in VROOM's output shape
//! (`code`, `summary`, `routes` with `steps`, `unassigned`). Each route is replayed here with
//! VROOM's definitions (arrival, waiting, setup, service, load after each step, travel time and
//! distance upon arrival, cost), and any broken constraint is reported as a VROOM `violation`.

use serde_json::{Value, json};

use super::prepare::{Group, Prepared};
use crate::error::Result;
use boucle_vrp::{Solution, SolverParams, VisitKind, solve_with_stats};

/// A VROOM integer (times, distances and costs are whole numbers in VROOM's output).
fn int(x: f64) -> Value {
    json!(x.round() as i64)
}

fn amount(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| int(x)).collect())
}

/// One step to replay: a job (index) or an unloading.
#[derive(Debug, Clone, Copy)]
enum Step {
    Job(usize),
    Unload,
}

/// Totals of the solution.
#[derive(Debug, Default)]
struct Totals {
    cost: f64,
    setup: f64,
    service: f64,
    duration: f64,
    waiting: f64,
    priority: u64,
    distance: f64,
    delivery: Vec<f64>,
    pickup: Vec<f64>,
    violations: Vec<Value>,
}

/// Solves `p` with `params` (the time limit and work budget are shared among the skill groups
/// by their number of jobs; a job a group leaves out and another may serve costs that group a
/// quarter of its share again) and writes VROOM's output. `loading_ms` is reported as loading time.
pub fn solve(p: &Prepared, params: &SolverParams, loading_ms: f64) -> Result<Value> {
    let t0 = std::time::Instant::now();
    let total_jobs: usize = p.groups.iter().map(|g| g.jobs.len()).sum::<usize>().max(1);
    let mut routes = Vec::new();
    let mut unassigned: Vec<(usize, Option<&'static str>)> =
        p.no_skills.iter().map(|&j| (j, Some("skills"))).collect();
    let mut tot = Totals {
        delivery: vec![0.0; p.input.dims],
        pickup: vec![0.0; p.input.dims],
        ..Totals::default()
    };
    let mut engine_cost = 0.0;
    let mut iterations = 0;
    let run = |g: &Group, share: f64| -> Result<Option<Solution>> {
        if g.jobs.is_empty() {
            return Ok(None);
        }
        let gp = SolverParams {
            time_limit_s: params.time_limit_s * share,
            max_work: params.max_work.map(|w| ((w as f64 * share) as u64).max(1)),
            cancel: params.cancel.clone(),
            ..*params
        };
        Ok(Some(solve_with_stats(&g.problem, &p.matrix, &gp)?.0))
    };
    let mut groups = p.groups.clone();
    let mut sols = Vec::with_capacity(groups.len());
    for g in &groups {
        sols.push(run(g, g.jobs.len() as f64 / total_jobs as f64)?);
    }
    // Skills: a job one group leaves out goes to another group that may serve it, which is
    // solved again (twice at most, a quarter of its share of the budget each time).
    let mut tried = std::collections::HashSet::new();
    for _ in 0..2 {
        let mut moves = Vec::new();
        for (gi, sol) in sols.iter().enumerate() {
            for u in sol.iter().flat_map(|s| s.unassigned.iter()) {
                let j = groups[gi].jobs[u.stop];
                if let Some(&to) = p.eligible[j]
                    .iter()
                    .find(|&&to| to != gi && tried.insert((j, to)))
                {
                    moves.push((j, gi, to));
                }
            }
        }
        if moves.is_empty() {
            break;
        }
        let mut touched = std::collections::BTreeSet::new();
        for (j, from, to) in moves {
            p.move_job(&mut groups, j, from, to);
            touched.insert(from);
            touched.insert(to);
        }
        for gi in touched {
            let share = groups[gi].jobs.len() as f64 / total_jobs as f64 / 4.0;
            sols[gi] = run(&groups[gi], share)?;
        }
    }
    for (g, sol) in groups.iter().zip(&sols) {
        let Some(sol) = sol else { continue };
        engine_cost += sol.cost;
        iterations += sol.iterations;
        for u in &sol.unassigned {
            let reason = match u.reason {
                boucle_vrp::UnassignedReason::Capacity => "capacity",
                boucle_vrp::UnassignedReason::TimeWindow => "time_window",
                boucle_vrp::UnassignedReason::MaxDuration => "max_travel_time",
                boucle_vrp::UnassignedReason::MaxDistance => "max_distance",
                boucle_vrp::UnassignedReason::NoVehicle => "no_vehicle",
            };
            unassigned.push((g.jobs[u.stop], Some(reason)));
        }
        for r in &sol.rounds {
            let veh = g.types[r.vehicle_type][r.vehicle];
            let start_s = r.visits.first().map_or(0.0, |v| v.start_s);
            let mut steps = Vec::new();
            for v in &r.visits {
                match v.kind {
                    VisitKind::Stop => {
                        if let Some(s) = v.stop {
                            steps.push(Step::Job(g.jobs[s]));
                        }
                    }
                    VisitKind::Unload => steps.push(Step::Unload),
                    _ => {}
                }
            }
            // The last unloading is the end's when the vehicle has no treatment site.
            if p.input.vehicles[veh].unloading.is_none() {
                steps.retain(|s| matches!(s, Step::Job(_)));
            }
            routes.push(route(p, veh, start_s, &steps, &mut tot));
        }
    }
    unassigned.sort_by_key(|u| u.0);
    let solving_ms = t0.elapsed().as_secs_f64() * 1e3;
    let unassigned: Vec<Value> = unassigned
        .iter()
        .map(|&(j, reason)| {
            let job = &p.input.jobs[j];
            let mut o = json!({"id": job.id, "type": "job"});
            if let Some(c) = job.place.coord {
                o["location"] = json!(c);
            }
            if let Some(i) = job.place.index {
                o["location_index"] = json!(i);
            }
            if let Some(d) = &job.description {
                o["description"] = json!(d);
            }
            if let Some(r) = reason {
                o["reason"] = json!(r);
            }
            o
        })
        .collect();
    let mut summary = json!({
        "cost": int(tot.cost),
        "routes": routes.len(),
        "unassigned": unassigned.len(),
        "setup": int(tot.setup),
        "service": int(tot.service),
        "duration": int(tot.duration),
        "waiting_time": int(tot.waiting),
        "priority": tot.priority,
        "violations": tot.violations,
        "computing_times": {
            "loading": int(loading_ms),
            "solving": int(solving_ms),
            "routing": int(p.routing_ms),
        },
    });
    if p.input.dims > 0 {
        summary["delivery"] = amount(&tot.delivery);
        summary["pickup"] = amount(&tot.pickup);
    }
    if p.distances.is_some() {
        summary["distance"] = int(tot.distance);
    }
    Ok(json!({
        "code": 0,
        "summary": summary,
        "unassigned": unassigned,
        "routes": routes,
        "boucle": {
            "engine_cost": engine_cost,
            "iterations": iterations,
            "travel": p.method,
            "notes": p.notes,
        },
    }))
}

fn place_json(p: &Prepared, loc: usize, o: &mut Value) {
    if loc >= p.coords.len() {
        return;
    }
    if let Some(c) = p.coords[loc] {
        o["location"] = json!(c);
    }
    if p.input.matrices.is_some() && loc < p.input.matrices.as_ref().map_or(0, |m| m.n) {
        o["location_index"] = json!(loc);
    }
}

/// Replays one route with VROOM's definitions and writes it.
fn route(p: &Prepared, veh: usize, start_s: f64, steps: &[Step], tot: &mut Totals) -> Value {
    let v = &p.input.vehicles[veh];
    let [sl, el, dl] = p.veh_loc[veh];
    let n = p.n;
    let dims = p.input.dims;
    let jobs = &p.input.jobs;
    let comp = |a: &[f64], d: usize| a.get(d).copied().unwrap_or(0.0);
    // Load at the start: the deliveries of the first trip.
    let trip_delivery = |from: usize| -> Vec<f64> {
        let mut l = vec![0.0; dims];
        for s in &steps[from..] {
            match s {
                Step::Job(j) => {
                    for (d, x) in l.iter_mut().enumerate() {
                        *x += comp(&jobs[*j].delivery, d);
                    }
                }
                Step::Unload => break,
            }
        }
        l
    };
    let mut load = trip_delivery(0);
    let mut violations: Vec<Value> = Vec::new();
    let cap_ok = |l: &[f64]| {
        v.capacity
            .as_ref()
            .is_none_or(|c| l.iter().zip(c).all(|(x, c)| *x <= c + 1e-6))
    };
    let mut t = start_s;
    let (mut travel, mut dist, mut cost) = (0.0, 0.0, v.fixed);
    let (mut setup_sum, mut service_sum, mut waiting_sum) = (0.0, 0.0, 0.0);
    let (mut r_del, mut r_pick) = (vec![0.0; dims], vec![0.0; dims]);
    let mut priority = 0;
    let mut out = Vec::new();
    let mut prev = sl;
    let step_json = |kind: &str, loc: usize, arrival: f64, travel: f64, dist: f64| {
        let mut o = json!({
            "type": kind,
            "arrival": int(arrival),
            "duration": int(travel),
            "setup": 0,
            "service": 0,
            "waiting_time": 0,
            "violations": [],
        });
        if p.distances.is_some() {
            o["distance"] = int(dist);
        }
        place_json(p, loc, &mut o);
        o
    };
    if v.start.is_some() {
        let mut o = step_json("start", sl, t, 0.0, 0.0);
        if dims > 0 {
            o["load"] = amount(&load);
        }
        out.push(o);
    }
    let mut first = v.start.is_none();
    for (k, s) in steps.iter().enumerate() {
        let loc = match s {
            Step::Job(j) => p.job_loc[*j],
            Step::Unload => dl,
        };
        // An open start begins at the first task, at the time the engine chose.
        let leg_t = if first {
            0.0
        } else {
            p.durations[prev * n + loc]
        };
        let leg_d = if first {
            0.0
        } else {
            p.distances.as_ref().map_or(0.0, |m| m[prev * n + loc])
        };
        if let Some(c) = &p.costs
            && !first
        {
            cost += c[prev * n + loc];
        }
        first = false;
        t += leg_t;
        travel += leg_t;
        dist += leg_d;
        let arrival = t;
        let mut o = match s {
            Step::Job(j) => {
                let job = &jobs[*j];
                let setup = if loc != prev || (k == 0 && v.start.is_none()) {
                    job.setup
                } else {
                    0.0
                };
                let (begin, late) = if job.time_windows.is_empty() {
                    (arrival, None)
                } else {
                    match job.time_windows.iter().find(|w| w[1] >= arrival - 1e-6) {
                        Some(w) => (arrival.max(w[0]), None),
                        None => (
                            arrival,
                            Some(arrival - job.time_windows.last().map_or(0.0, |w| w[1])),
                        ),
                    }
                };
                let wait = begin - arrival;
                t = begin + setup + job.service;
                setup_sum += setup;
                service_sum += job.service;
                waiting_sum += wait;
                priority += job.priority;
                for d in 0..dims {
                    load[d] += comp(&job.pickup, d) - comp(&job.delivery, d);
                    r_del[d] += comp(&job.delivery, d);
                    r_pick[d] += comp(&job.pickup, d);
                }
                let mut o = step_json("job", loc, arrival, travel, dist);
                o["id"] = json!(job.id);
                o["job"] = json!(job.id);
                o["setup"] = int(setup);
                o["service"] = int(job.service);
                o["waiting_time"] = int(wait);
                if let Some(d) = &job.description {
                    o["description"] = json!(d);
                }
                let mut viol = Vec::new();
                if let Some(l) = late {
                    viol.push(json!({"cause": "delay", "duration": int(l)}));
                }
                if !cap_ok(&load) {
                    viol.push(json!({"cause": "load"}));
                }
                o["violations"] = json!(viol);
                violations.extend(viol);
                o
            }
            Step::Unload => {
                let service = v.unloading.map_or(0.0, |u| u.service);
                t += service;
                let mut o = step_json("unload", loc, arrival, travel, dist);
                o["service"] = int(service);
                load = trip_delivery(k + 1);
                o
            }
        };
        if dims > 0 {
            o["load"] = amount(&load);
        }
        out.push(o);
        prev = loc;
    }
    if v.end.is_some() {
        let leg_t = p.durations[prev * n + el];
        let leg_d = p.distances.as_ref().map_or(0.0, |m| m[prev * n + el]);
        if let Some(c) = &p.costs {
            cost += c[prev * n + el];
        }
        t += leg_t;
        travel += leg_t;
        dist += leg_d;
        let mut o = step_json("end", el, t, travel, dist);
        if dims > 0 {
            o["load"] = amount(&load);
        }
        out.push(o);
    }
    if let Some([_, e]) = v.time_window
        && t > e + 1e-6
    {
        violations.push(json!({"cause": "delay", "duration": int(t - e)}));
    }
    if let Some(m) = v.max_travel_time
        && travel > m + 1e-6
    {
        violations.push(json!({"cause": "max_travel_time"}));
    }
    if let Some(m) = v.max_distance
        && dist > m + 1e-6
    {
        violations.push(json!({"cause": "max_distance"}));
    }
    if p.costs.is_none() {
        cost += v.per_hour * travel / 3600.0
            + v.per_km * dist / 1000.0
            + v.per_task_hour * (setup_sum + service_sum) / 3600.0;
    }
    tot.cost += cost.round();
    tot.setup += setup_sum;
    tot.service += service_sum;
    tot.duration += travel;
    tot.waiting += waiting_sum;
    tot.priority += priority;
    tot.distance += dist;
    for d in 0..dims {
        tot.delivery[d] += r_del[d];
        tot.pickup[d] += r_pick[d];
    }
    tot.violations.extend(violations.iter().cloned());
    let mut o = json!({
        "vehicle": v.id,
        "cost": int(cost),
        "setup": int(setup_sum),
        "service": int(service_sum),
        "duration": int(travel),
        "waiting_time": int(waiting_sum),
        "priority": priority,
        "steps": out,
        "violations": violations,
        "trips": steps.iter().filter(|s| matches!(s, Step::Unload)).count().max(1),
    });
    if dims > 0 {
        o["delivery"] = amount(&r_del);
        o["pickup"] = amount(&r_pick);
    }
    if p.distances.is_some() {
        o["distance"] = int(dist);
    }
    if let Some(d) = &v.description {
        o["description"] = json!(d);
    }
    o
}
