//! An independent feasibility checker: recomputes every round of a [`Solution`] from the
//! [`Problem`] and the cost matrix alone (no engine code), and lists every violation.

use super::model::Problem;
use super::solution::{Solution, VisitKind};
use crate::matrix::CostMatrix;

/// What the checker found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Total cost recomputed (rounds + balance term).
    pub cost: f64,
    /// Total distance recomputed (m).
    pub distance_m: f64,
    /// Every violation or inconsistency found, in words; empty when the solution is valid.
    pub violations: Vec<String>,
}

impl CheckReport {
    /// Whether the solution is valid.
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// Checks `solution` against `problem` and `matrix`: every stop served once or reported
/// unassigned, rounds start and end at their depots and unload at the dump before the end,
/// loads per trip within capacity, time windows and shifts met (simulating from each round's
/// departure time, waiting when early), duration and distance limits, trip counts, vehicle counts,
/// and the reported distances, durations and costs.
pub fn check(problem: &Problem, matrix: &dyn CostMatrix, solution: &Solution) -> CheckReport {
    let tol = 1e-6;
    let mut v: Vec<String> = Vec::new();
    let mut seen = vec![0usize; problem.stops.len()];
    for u in &solution.unassigned {
        if u.stop < seen.len() {
            seen[u.stop] += 1;
        } else {
            v.push(format!("unassigned stop {} does not exist", u.stop));
        }
    }
    let mut used = vec![Vec::<usize>::new(); problem.vehicle_types.len()];
    let mut total = 0.0;
    let mut total_dist = 0.0;
    let mut longest: f64 = 0.0;
    for (ri, r) in solution.rounds.iter().enumerate() {
        let Some(vt) = problem.vehicle_types.get(r.vehicle_type) else {
            v.push(format!(
                "round {ri}: unknown vehicle type {}",
                r.vehicle_type
            ));
            continue;
        };
        used[r.vehicle_type].push(r.vehicle);
        let visits = &r.visits;
        if visits.len() < 3 {
            v.push(format!("round {ri}: fewer than 3 visits"));
            continue;
        }
        let first = &visits[0];
        let last = &visits[visits.len() - 1];
        if first.kind != VisitKind::Start || first.location != vt.start {
            v.push(format!("round {ri}: does not start at the start depot"));
        }
        if last.kind != VisitKind::End || last.location != vt.end {
            v.push(format!("round {ri}: does not end at the end depot"));
        }
        let before_end = &visits[visits.len() - 2];
        let dump = vt.dump.unwrap_or(vt.end);
        if before_end.kind != VisitKind::Unload {
            v.push(format!("round {ri}: does not unload before returning"));
        }
        let (shift_e, shift_l) = vt
            .shift
            .map(|w| (w.earliest_s, w.latest_s))
            .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let depart = first.departure_s;
        if depart < shift_e - tol {
            v.push(format!("round {ri}: leaves before the shift starts"));
        }
        let mut time = depart;
        let mut dist = 0.0;
        let mut load = [0.0f64; 2];
        let mut trips = 0usize;
        let mut served = 0usize;
        for (k, w) in visits.iter().enumerate().skip(1) {
            let prev = visits[k - 1].location;
            dist += matrix.distance_m(prev, w.location);
            time += matrix.duration_s(prev, w.location);
            if !close(time, w.arrival_s) {
                v.push(format!(
                    "round {ri} visit {k}: arrival {} reported, {} recomputed",
                    w.arrival_s, time
                ));
            }
            match w.kind {
                VisitKind::Stop => {
                    let Some(s) = w.stop.filter(|&s| s < problem.stops.len()) else {
                        v.push(format!(
                            "round {ri} visit {k}: stop visit without a valid stop"
                        ));
                        continue;
                    };
                    let st = &problem.stops[s];
                    seen[s] += 1;
                    served += 1;
                    if st.location != w.location {
                        v.push(format!(
                            "round {ri} visit {k}: stop {s} at the wrong location"
                        ));
                    }
                    if let Some(tw) = st.time_window {
                        time = time.max(tw.earliest_s);
                        if time > tw.latest_s + tol {
                            v.push(format!(
                                "round {ri}: stop {s} served at {time}, after its window closes at {}",
                                tw.latest_s
                            ));
                        }
                    }
                    time += st.service_s;
                    for d in 0..2 {
                        load[d] += st.demand[d];
                    }
                }
                VisitKind::Unload => {
                    if w.location != dump {
                        v.push(format!(
                            "round {ri} visit {k}: unloading away from the dump"
                        ));
                    }
                    for d in 0..2 {
                        if load[d] > vt.capacity[d] + tol {
                            v.push(format!(
                                "round {ri}: trip {} carries {} in dimension {d}, capacity {}",
                                trips + 1,
                                load[d],
                                vt.capacity[d]
                            ));
                        }
                    }
                    load = [0.0; 2];
                    trips += 1;
                    time += vt.unload_service_s;
                }
                VisitKind::End => {
                    if k != visits.len() - 1 {
                        v.push(format!("round {ri}: end visit before the last position"));
                    }
                }
                VisitKind::Start => v.push(format!("round {ri} visit {k}: start in the middle")),
            }
            for d in 0..2 {
                if !close(load[d], w.load_after[d]) {
                    v.push(format!(
                        "round {ri} visit {k}: load reported {:?}, recomputed {:?}",
                        w.load_after, load
                    ));
                    break;
                }
            }
        }
        if served == 0 {
            v.push(format!("round {ri}: serves no stop"));
        }
        if time > shift_l + tol {
            v.push(format!(
                "round {ri}: returns at {time}, after the shift ends at {shift_l}"
            ));
        }
        let duration = time - depart;
        if let Some(m) = vt.max_duration_s
            && duration > m + tol
        {
            v.push(format!("round {ri}: lasts {duration} s, more than {m} s"));
        }
        if let Some(m) = vt.max_distance_m
            && dist > m + tol
        {
            v.push(format!("round {ri}: drives {dist} m, more than {m} m"));
        }
        if let Some(m) = vt.max_trips
            && trips > m as usize
        {
            v.push(format!("round {ri}: {trips} trips, more than {m}"));
        }
        if trips != r.trips {
            v.push(format!(
                "round {ri}: {} trips reported, {trips} counted",
                r.trips
            ));
        }
        let cost =
            dist / 1000.0 * vt.cost_per_km + duration / 3600.0 * vt.cost_per_hour + vt.fixed_cost;
        if !close(dist, r.distance_m) {
            v.push(format!(
                "round {ri}: distance {} reported, {dist} recomputed",
                r.distance_m
            ));
        }
        if !close(duration, r.duration_s) {
            v.push(format!(
                "round {ri}: duration {} reported, {duration} recomputed",
                r.duration_s
            ));
        }
        if !close(cost, r.cost) {
            v.push(format!(
                "round {ri}: cost {} reported, {cost} recomputed",
                r.cost
            ));
        }
        total += cost;
        total_dist += dist;
        longest = longest.max(duration);
    }
    for (t, vehicles) in used.iter_mut().enumerate() {
        let n = vehicles.len();
        vehicles.sort_unstable();
        vehicles.dedup();
        if vehicles.len() != n {
            v.push(format!("vehicle type {t}: a vehicle drives two rounds"));
        }
        if let Some(c) = problem.vehicle_types[t].count
            && n > c
        {
            v.push(format!("vehicle type {t}: {n} rounds for {c} vehicles"));
        }
    }
    for (s, &k) in seen.iter().enumerate() {
        if k != 1 {
            v.push(format!("stop {s} appears {k} times (served or unassigned)"));
        }
    }
    total += problem.balance_cost_per_hour / 3600.0 * longest;
    if !close(total, solution.cost) {
        v.push(format!(
            "total cost {} reported, {total} recomputed",
            solution.cost
        ));
    }
    CheckReport {
        cost: total,
        distance_m: total_dist,
        violations: v,
    }
}
