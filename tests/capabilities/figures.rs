//! Figures an elected official can act on: a baseline that the pooled plan's depot and vehicle
//! never move, a savings range that contains the central value, a break-even that cancels the
//! savings when applied.

use crate::common::load;
use crate::rounds::{fixture, fixture_request};

use boucle::rounds::sensitivity::{Side, Uncertain};
use boucle::rounds::{RoundsRequest, VehiclesSpec, plan_rounds};

fn req(material: &str) -> RoundsRequest {
    RoundsRequest {
        material: material.into(),
        max_iterations: Some(50),
        seed: Some(3),
        ..RoundsRequest::default()
    }
}

/// Moving the depot and changing the vehicle (alone or as a mixed fleet) changes the pooled
/// figures, never the baseline's.
#[test]
fn the_pooled_plans_depot_and_vehicle_never_move_the_baseline() {
    let t = load();
    let other_site = t
        .sites
        .iter()
        .find(|s| s.position.is_some() && s.id != "cernay-environnement-alsadis")
        .expect("a second located site")
        .id
        .clone();
    for material in ["pallets", "paper_cardboard"] {
        let base = plan_rounds(&t, &req(material)).unwrap();
        let variants = [
            RoundsRequest {
                depot: Some(other_site.clone()),
                ..req(material)
            },
            RoundsRequest {
                vehicle: Some("rigid_12t_tail_lift".into()),
                ..req(material)
            },
            RoundsRequest {
                vehicle: Some("van_3_5t,rigid_19t_tail_lift".into()),
                ..req(material)
            },
        ];
        let mut pooled_moved = false;
        for v in &variants {
            let p = plan_rounds(&t, v).unwrap();
            assert_eq!(p.scenario.alone, base.scenario.alone, "{material} {v:?}");
            assert_eq!(p.baseline.vehicles, base.baseline.vehicles);
            pooled_moved |= p.scenario.pooled != base.scenario.pooled;
        }
        assert!(
            pooled_moved,
            "{material}: the variants change the pooled plan"
        );
        assert!(base.baseline.definition_fr.starts_with("Chacun seul"));
        assert!(base.baseline.same_site_as_pooled);
    }
}

/// Another treatment site than the material's default: the baseline keeps the default and the
/// answer says the comparison includes the change of site.
#[test]
fn another_treatment_site_is_said() {
    let t = load();
    let base = plan_rounds(&t, &req("pallets")).unwrap();
    let p = plan_rounds(
        &t,
        &RoundsRequest {
            dump: Some("7.18,47.80".into()),
            ..req("pallets")
        },
    )
    .unwrap();
    assert_eq!(p.scenario.alone, base.scenario.alone);
    assert!(!p.baseline.same_site_as_pooled);
    assert_eq!(p.baseline.treatment_site, base.baseline.treatment_site);
    assert!(
        p.baseline
            .notes
            .iter()
            .any(|n| n.contains("change of site")),
        "{:?}",
        p.baseline.notes
    );
    // The public view does not tell which vehicle each company would take.
    let public = p.public(boucle::disclosure::Rule::default()).unwrap();
    assert!(public.baseline.vehicles.is_none());
}

/// The range contains the central value, each factor's effect lies within it, and the
/// break-even, applied to the vehicle, cancels the € saved.
#[test]
fn the_range_holds_the_central_value_and_the_break_even_cancels_the_savings() {
    for material in ["pallets", "paper_cardboard"] {
        let p = plan_rounds(&load(), &req(material)).unwrap();
        let s = &p.scenario.sensitivity;
        let eps = 1e-6 * p.scenario.alone.cost_eur.abs().max(1.0);
        assert!((s.savings_eur.central - p.scenario.savings.cost_eur).abs() < eps);
        assert!(s.savings_eur.low <= s.savings_eur.central + eps);
        assert!(s.savings_eur.central <= s.savings_eur.high + eps);
        assert!(
            s.savings_eur.low < s.savings_eur.high,
            "the costs are uncertain"
        );
        assert!(s.savings_co2e_kg.low <= s.savings_co2e_kg.central);
        assert!(s.savings_co2e_kg.central <= s.savings_co2e_kg.high);
        for e in &s.factors {
            for v in [e.savings_eur.low, e.savings_eur.high] {
                assert!(v >= s.savings_eur.low - eps && v <= s.savings_eur.high + eps);
            }
            assert!(
                e.values
                    .iter()
                    .all(|v| v.low <= v.value && v.value <= v.high)
            );
        }
        // The data files' own ranges are used (vehicles.csv has _low/_high columns).
        let fixed = s
            .factors
            .iter()
            .find(|e| e.factor == Uncertain::FixedCostPerRound)
            .unwrap();
        assert!(fixed.values[0].source.contains("vehicles.csv"));
    }

    // On three companies, with one vehicle type and a depot far west of them (the pooled round
    // drives more km than the companies alone, but with fewer trips and stops), the
    // break-even set on the vehicle gives a plan whose savings are zero.
    let t = fixture();
    let far = || RoundsRequest {
        depot: Some("6.80,47.80".into()),
        ..fixture_request(2.5)
    };
    let p = plan_rounds(&t, &far()).unwrap();
    assert!(p.scenario.pooled.distance_km > p.scenario.alone.distance_km);
    let s = &p.scenario.sensitivity;
    let b = s.break_even.as_ref().expect("a break-even");
    assert_eq!(b.vehicle, "truck");
    let mut at = far();
    let Some(VehiclesSpec::Inline(vs)) = at.vehicles.as_mut() else {
        unreachable!("the fixture gives its vehicle inline")
    };
    match b.factor {
        Uncertain::FixedCostPerRound => vs[0].fixed_cost_eur = b.value,
        Uncertain::CostPerKm => vs[0].cost_per_km_eur = b.value,
        Uncertain::CostPerHour => vs[0].cost_per_hour_eur = b.value,
        Uncertain::FuelConsumption => unreachable!("consumption moves no euro"),
    }
    let q = plan_rounds(&t, &at).unwrap();
    assert_eq!(q.rounds.len(), p.rounds.len());
    assert!(
        q.scenario.savings.cost_eur.abs() < 1e-6 * q.scenario.alone.cost_eur,
        "savings at the break-even {} {}: {}",
        b.value,
        b.unit,
        q.scenario.savings.cost_eur
    );
    // On the right side of it, pooling saves.
    let nudge = if b.pooling_cheaper == Side::Above {
        1.1
    } else {
        0.9
    };
    let Some(VehiclesSpec::Inline(vs)) = at.vehicles.as_mut() else {
        unreachable!()
    };
    match b.factor {
        Uncertain::FixedCostPerRound => vs[0].fixed_cost_eur = b.value * nudge,
        Uncertain::CostPerKm => vs[0].cost_per_km_eur = b.value * nudge,
        Uncertain::CostPerHour => vs[0].cost_per_hour_eur = b.value * nudge,
        Uncertain::FuelConsumption => unreachable!(),
    }
    assert!(plan_rounds(&t, &at).unwrap().scenario.savings.cost_eur > 0.0);
}

/// `boucle report` writes a dated French page with the definition, the range, the sources and
/// the reasons the figures are estimates.
#[test]
fn the_report_command_writes_a_dated_french_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rapport.html");
    let run = crate::common::boucle(&[
        "report",
        "--material",
        "pallets",
        "--max-iterations",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html><html lang=\"fr\">"));
    for part in [
        "Chacun seul :",
        "Fourchette du gain",
        "Hypothèses et sources",
        "vehicles.csv",
        "Estimation : quantités de démonstration",
        "édité le <time datetime=\"",
        "<svg class=\"map\"",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // No leftover temporary file beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
