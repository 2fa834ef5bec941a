//! The officer's week in the rounds: opening hours, shifts, the fleet limit, service times and
//! access go into the engine, and a stop that cannot be served says why.

use boucle::rounds::{RoundsPlan, VehiclesSpec, plan_rounds};
use boucle::territory::hours::OpeningHours;
use boucle::territory::schedules::{Access, Schedule};
use boucle::territory::{Territory, Vehicle};

use crate::rounds::{fixture, fixture_request, test_vehicle};

fn row(id: &str, hours: Option<&str>, service_min: Option<f64>) -> Schedule {
    Schedule {
        id: id.into(),
        material: None,
        opening_hours_text: hours.map(str::to_owned),
        opening_hours: hours.map(|h| OpeningHours::parse(h).unwrap()),
        service_min,
        unload_min: None,
        container: None,
        access: Access::default(),
        line: 0,
    }
}

fn with_rows(rows: Vec<Schedule>) -> Territory {
    let mut t = fixture();
    t.week.rows = rows;
    t.week.present = true;
    t
}

fn vehicle(shift: Option<(&str, &str)>, count: u32) -> Vehicle {
    let mut v = test_vehicle();
    v.count = count;
    if let Some((a, b)) = shift {
        v.week.shift_start = Some(a.into());
        v.week.shift_end = Some(b.into());
    }
    v
}

fn plan(t: &Territory, v: Vehicle) -> RoundsPlan {
    let mut req = fixture_request(2.5);
    req.vehicles = Some(VehiclesSpec::Inline(vec![v]));
    plan_rounds(t, &req).unwrap()
}

/// Time of day (s) each stop of `id` is reached, and the service time.
fn arrivals(p: &RoundsPlan, id: &str) -> Vec<f64> {
    p.rounds
        .iter()
        .flat_map(|r| {
            let t0 = r.start_s.expect("a timed plan says when each round starts");
            r.stops
                .iter()
                .filter(|s| s.id == id)
                .map(move |s| t0 + s.arrival_s)
        })
        .collect()
}

const H: f64 = 3600.0;

#[test]
fn a_company_open_only_mornings_is_never_visited_in_the_afternoon() {
    // a (nearest the depot) opens only in the afternoon, c (farthest) only in the morning: the
    // geographic order a → b → c would reach c after noon if the windows were ignored.
    let t = with_rows(vec![
        row("a", Some("Mo-Fr 14:00-17:00"), None),
        row("b", Some("Mo-Fr 08:00-17:00"), Some(30.0)),
        row("c", Some("Mo-Fr 08:00-12:00"), None),
    ]);
    for seed in [1, 2, 3] {
        let mut req = fixture_request(2.5);
        req.seed = Some(seed);
        req.vehicles = Some(VehiclesSpec::Inline(vec![vehicle(
            Some(("08:00", "18:00")),
            1,
        )]));
        let p = plan_rounds(&t, &req).unwrap();
        assert!(
            p.unassigned.iter().all(|u| u.id == "x"),
            "{:?}",
            p.unassigned
        );
        let c = arrivals(&p, "c");
        assert!(!c.is_empty());
        for at in c {
            // Service (15 min) starts at max(arrival, 08:00) and ends by 12:00.
            assert!(
                at.max(8.0 * H) + 15.0 * 60.0 <= 12.0 * H + 1e-6,
                "c at {at}"
            );
        }
        for at in arrivals(&p, "a") {
            assert!(at <= 17.0 * H - 15.0 * 60.0 + 1e-6, "a at {at}");
            // Arriving before 14:00 means waiting: the service itself starts in the afternoon,
            // and the stop after a is reached after 14:15.
        }
        for r in &p.rounds {
            assert!(r.start_s.unwrap() >= 8.0 * H - 1e-6);
            let end = r.start_s.unwrap() + r.stops.last().unwrap().arrival_s;
            assert!(end <= 18.0 * H + 1e-6, "round back at {end}");
            // After a, nothing can happen before 14:15.
            let mut after_a = false;
            for s in &r.stops {
                if after_a {
                    assert!(r.start_s.unwrap() + s.arrival_s >= 14.25 * H - 1e-6);
                }
                after_a |= s.id == "a";
            }
        }
        assert!(
            p.defaults.iter().all(|d| d.key.as_str() != "opening_hours"),
            "every stop has hours: no default said"
        );
    }
}

#[test]
fn a_fleet_of_one_with_a_short_shift_leaves_the_rest_unassigned_with_reason_shift() {
    // Each stop takes 90 min of service: one vehicle of a 3-hour shift serves one at most.
    let t = with_rows(vec![
        row("a", None, Some(90.0)),
        row("b", None, Some(90.0)),
        row("c", None, Some(90.0)),
    ]);
    let p = plan(&t, vehicle(Some(("08:00", "11:00")), 1));
    let served: Vec<&str> = p
        .rounds
        .iter()
        .flat_map(|r| r.stops.iter().filter(|s| s.kind.as_str() == "stop"))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(served.len(), 1, "{served:?}");
    assert_eq!(p.rounds.len(), 1);
    let shift: Vec<&str> = p
        .unassigned
        .iter()
        .filter(|u| u.reason.as_str() == "shift")
        .map(|u| u.id.as_str())
        .collect();
    assert_eq!(shift.len(), 2, "{:?}", p.unassigned);
    for id in ["a", "b", "c"] {
        assert!(served.contains(&id) ^ shift.contains(&id), "{id}");
    }
    // Two vehicles serve two; without a shift (today's behaviour) all three are served.
    let p2 = plan(&t, vehicle(Some(("08:00", "11:00")), 2));
    assert_eq!(
        p2.unassigned
            .iter()
            .filter(|u| u.reason.as_str() == "shift")
            .count(),
        1
    );
    let p3 = plan(&t, vehicle(None, 1));
    assert!(p3.unassigned.iter().all(|u| u.id == "x"));
    assert!(p3.defaults.iter().any(|d| d.key.as_str() == "shift"));
}

#[test]
fn a_stop_closed_during_the_shift_or_out_of_reach_says_why() {
    let mut t = with_rows(vec![
        row("a", Some("Mo-Fr 05:00-06:00"), None),
        row("b", None, None),
        row("c", None, None),
    ]);
    t.week.rows[1].access.max_length_m = Some(6.0);
    let mut v = vehicle(Some(("08:00", "16:00")), 1);
    v.length_m = Some(9.0);
    let p = plan(&t, v);
    let reason = |id: &str| {
        p.unassigned
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.reason.as_str())
    };
    assert_eq!(reason("a"), Some("time_window"));
    assert_eq!(reason("b"), Some("access"));
    assert_eq!(reason("c"), None);
}

#[test]
fn without_a_week_the_plan_is_as_before() {
    let t = fixture();
    let before = plan_rounds(&t, &fixture_request(2.5)).unwrap();
    assert!(before.rounds.iter().all(|r| r.start_s.is_none()));
    let t2 = with_rows(vec![]);
    let after = plan_rounds(&t2, &fixture_request(2.5)).unwrap();
    assert_eq!(
        serde_json::to_value(&before.rounds).unwrap(),
        serde_json::to_value(&after.rounds).unwrap()
    );
}
