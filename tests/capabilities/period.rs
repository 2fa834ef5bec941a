//! Planning a period: each holder visited exactly its frequency's number of times, one visit in
//! each slot of the period, only on its open days and within its hours, each day within the
//! fleet, its shifts and the vehicles' capacity — checked independently of the planner (the
//! generator's own description of each company, the plan's stops and loads).

use std::collections::BTreeMap;

use boucle::rounds::{PeriodSpec, RoundsRequest, plan_period};
use boucle::territory::Territory;

use crate::common::load;
use crate::common::period_synth::{self, Synth};

/// Visits of a company in `weeks` weeks, from its yearly frequency (the rule documented in
/// README: round(per_year × weeks / 52), at least one).
fn expected_visits(per_year: f64, weeks: u32) -> usize {
    ((per_year * f64::from(weeks) / 52.0).round() as usize).max(1)
}

fn check(t: &Territory, synth: &[Synth], req: &RoundsRequest, weeks: u32) {
    let p = plan_period(t, req).unwrap();
    let days = weeks as usize * 7;
    assert_eq!(p.weeks, weeks);
    assert_eq!(p.calendar.len(), days);
    assert!(p.unassigned.is_empty(), "{:?}", p.unassigned);
    assert!(p.missed.is_empty(), "{:?}", p.missed);
    let vehicle = &p.fleet[0];
    let (shift_start, shift_end) = (7.0 * 3600.0, 17.0 * 3600.0);
    // Where each company is collected, from the rounds only.
    let mut seen: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for day in &p.calendar {
        let wd = day.day % 7;
        assert!(
            day.rounds.len() <= vehicle.count as usize,
            "day {}",
            day.day
        );
        if wd >= 5 {
            assert!(day.rounds.is_empty(), "weekend day {}", day.day);
        }
        let mut collected_kg = 0.0;
        let mut due_kg = 0.0;
        for r in &day.rounds {
            let t0 = r.start_s.unwrap();
            assert!(t0 >= shift_start - 1e-6);
            assert!(t0 + r.stops.last().unwrap().arrival_s <= shift_end + 1e-6);
            collected_kg += r.load_kg.unwrap();
            let mut ids_in_round = Vec::new();
            for s in &r.stops {
                assert!(
                    s.load.unwrap() <= vehicle.capacity_kg + 1e-6,
                    "load {} above {}",
                    s.load.unwrap(),
                    vehicle.capacity_kg
                );
                if s.kind.as_str() != "stop" {
                    continue;
                }
                let c = synth
                    .iter()
                    .find(|c| c.id == s.id)
                    .expect("a generated company");
                assert!(c.days[wd], "{} visited on a closed day {}", c.id, day.day);
                // Service (its own minutes, from schedules) starts at max(arrival, open) and
                // ends by the close of one of its ranges.
                let at = (t0 + s.arrival_s) / 60.0;
                let service = t
                    .week
                    .rows
                    .iter()
                    .find(|r| r.id == c.id)
                    .and_then(|r| r.service_min)
                    .unwrap();
                assert!(
                    c.ranges.iter().any(|&(a, b)| {
                        let start = at.max(f64::from(a));
                        start + service <= f64::from(b) + 1e-6 && at <= f64::from(b)
                    }),
                    "{} reached at {at} min, open {:?}",
                    c.id,
                    c.ranges
                );
                if !ids_in_round.contains(&s.id) {
                    ids_in_round.push(s.id.clone());
                }
            }
            for id in ids_in_round {
                let v = seen
                    .entry(synth.iter().find(|c| c.id == id).unwrap().id.as_str())
                    .or_default();
                if !v.contains(&day.day) {
                    v.push(day.day);
                }
            }
        }
        // Mass balance: what the day collects is what its companies are due.
        for (id, v) in &seen {
            if v.contains(&day.day) {
                let c = synth.iter().find(|c| c.id == *id).unwrap();
                let n = expected_visits(c.per_year, weeks);
                due_kg += c.pallets * 25.0 * f64::from(weeks) / 52.0 / n as f64;
            }
        }
        assert!(
            (collected_kg - due_kg).abs() <= 1e-6 * due_kg.max(1.0),
            "day {}: {collected_kg} kg collected, {due_kg} due",
            day.day
        );
    }
    for c in synth {
        let n = expected_visits(c.per_year, weeks);
        let mut got = seen.get(c.id.as_str()).cloned().unwrap_or_default();
        got.sort_unstable();
        assert_eq!(got.len(), n, "{}: {got:?}, {n} due", c.id);
        // One visit in each slot [k·D/n, (k+1)·D/n).
        for (k, d) in got.iter().enumerate() {
            assert!(
                (k * days / n..(k + 1) * days / n).contains(d),
                "{}: visit {k} on day {d}",
                c.id
            );
        }
        let listed = p.companies.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!(listed.days, got);
        assert_eq!(listed.visits, n);
    }
    // The figures add up.
    let km: f64 = p
        .calendar
        .iter()
        .flat_map(|d| d.rounds.iter())
        .map(|r| r.distance_m / 1000.0)
        .sum();
    assert!((km - p.totals.distance_km).abs() < 1e-6);
    assert!(
        (p.savings_vs_single_cycle.cost_eur - (p.single_cycle.cost_eur - p.totals.cost_eur)).abs()
            < 1e-6
    );
    assert!(p.improvement.final_objective_eur <= p.improvement.initial_objective_eur + 1e-6);
}

#[test]
fn the_period_plan_visits_each_holder_at_its_frequency_on_allowed_days_within_capacity() {
    let base = load();
    let (t, synth) = period_synth::territory(&base, 14, 11);
    let mut req = period_synth::request(&base, 4, 2);
    req.max_iterations = Some(60);
    check(&t, &synth, &req, 4);
    // Two weeks, another seed.
    let (t, synth) = period_synth::territory(&base, 10, 5);
    let mut req = period_synth::request(&base, 2, 2);
    req.max_iterations = Some(60);
    check(&t, &synth, &req, 2);
}

#[test]
fn the_period_is_range_checked() {
    let base = load();
    let (t, _) = period_synth::territory(&base, 4, 1);
    for bad in ["0w", "14w", "2.5", "soon", ""] {
        let mut req = period_synth::request(&base, 4, 1);
        req.period = Some(PeriodSpec::Text(bad.into()));
        let e = plan_period(&t, &req).unwrap_err().to_string();
        assert!(e.contains("`period`"), "{bad}: {e}");
    }
    let mut req = period_synth::request(&base, 4, 1);
    req.period = Some(PeriodSpec::Weeks(13.0));
    req.max_iterations = Some(20);
    assert_eq!(plan_period(&t, &req).unwrap().calendar.len(), 91);
}

#[test]
fn a_public_period_plan_hides_loads_and_small_rounds() {
    let base = load();
    let (t, _) = period_synth::territory(&base, 8, 3);
    let mut req = period_synth::request(&base, 2, 2);
    req.max_iterations = Some(40);
    let p = plan_period(&t, &req).unwrap();
    let total = p.totals;
    let public = p.public(boucle::disclosure::Rule { k: 3 }).unwrap();
    assert!(public.loads_hidden);
    for d in &public.calendar {
        for r in &d.rounds {
            assert!(r.load_kg.is_none());
            assert!(r.stops.iter().all(|s| s.load.is_none()));
            let ids: std::collections::BTreeSet<&str> = r
                .stops
                .iter()
                .filter(|s| s.kind.as_str() == "stop")
                .map(|s| s.id.as_str())
                .collect();
            assert!(ids.len() >= 3, "a public round of {} companies", ids.len());
        }
    }
    assert_eq!(public.totals, total);
    let (t2, _) = period_synth::territory(&base, 2, 3);
    let p2 = plan_period(&t2, &req).unwrap();
    assert!(p2.public(boucle::disclosure::Rule { k: 3 }).is_err());
}
