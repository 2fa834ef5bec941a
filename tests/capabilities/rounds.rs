//! Pooled rounds on a territory: coverage on the default geodata, pooled ≤ alone, the scenario
//! arithmetic by hand on a 3-company fixture, emission-factor override, bad inputs.
//! Needs only the repository (no ../shared, no network).

use crate::common::{geodata, load};

use std::collections::BTreeMap;

use boucle::estimate::EstimateReason;
use boucle::rounds::{FactorsSpec, RoundsRequest, VehiclesSpec, plan_rounds};
use boucle::territory::{Actor, ActorKind, Direction, Flow, Precision, Territory};
use boucle::territory::{EmissionFactor, Period, Vehicle};
use boucle::travel::Method;
use geo::Point;

/// Short engine time limit: the territory's instances are small (≤ 20 stops).
const TIME_LIMIT_S: f64 = 0.3;

fn req(material: &str) -> RoundsRequest {
    RoundsRequest {
        material: material.into(),
        time_limit_s: Some(TIME_LIMIT_S),
        seed: Some(7),
        ..RoundsRequest::default()
    }
}

#[test]
fn every_holder_is_served_once_or_reported_with_a_reason() {
    let t = load();
    for material in ["pallets", "paper_cardboard"] {
        let p = plan_rounds(&t, &req(material)).unwrap();
        assert_eq!(p.method, Method::CrowFlies);
        let e = p.scenario.estimate.as_ref().expect("an estimate");
        for code in [
            EstimateReason::DemonstrationFlows,
            EstimateReason::CrowFlies,
            EstimateReason::EstimatedCost,
            EstimateReason::CommunePrecision,
        ] {
            assert!(e.has(code), "{material}: {code} in {:?}", e.reasons);
        }
        let share = e.commune_precision_share.unwrap();
        assert!(share > 0.0 && share <= 1.0, "{share}");
        for r in &p.rounds {
            let re = r
                .estimate
                .as_ref()
                .expect("each round's cost is an estimate");
            assert!(re.has(EstimateReason::CrowFlies) && re.has(EstimateReason::EstimatedCost));
        }
        assert!(!p.defaults_used.is_empty());
        assert!(p.defaults_used.iter().any(|d| d.starts_with("depot:")));
        assert!(p.defaults_used.iter().any(|d| d.starts_with("vehicle:")));
        assert!(
            p.defaults_used
                .iter()
                .any(|d| d.starts_with("treatment site:"))
        );
        // The same defaults as data: what, which, from where (the viewer words them in French).
        assert_eq!(
            p.defaults
                .iter()
                .map(|d| d.text.clone())
                .collect::<Vec<_>>(),
            p.defaults_used
        );
        let taken = |key: &str| p.defaults.iter().find(|d| d.key.as_str() == key).unwrap();
        let vehicle = taken("vehicle");
        assert_eq!(vehicle.origin.as_str(), "manifest");
        assert_eq!(vehicle.value, p.vehicle.id);
        assert_eq!(
            vehicle.setting.as_deref(),
            Some(format!("defaults.rounds.{material}.vehicle").as_str())
        );
        let dump = taken("treatment_site");
        assert_eq!(
            (dump.value.as_str(), dump.name.as_deref()),
            (p.dump.id.as_str(), Some(p.dump.name.as_str()))
        );
        let depot = taken("depot");
        assert_eq!(
            (depot.origin.as_str(), depot.value.as_str()),
            ("treatment_site", p.dump.id.as_str())
        );
        assert_eq!(taken("service_time").value, "15");
        assert_eq!(taken("vehicle_types").origin.as_str(), "territory_file");
        let holders: Vec<&Flow> = t
            .flows
            .iter()
            .filter(|f| f.material == material && f.direction == Direction::Out)
            .collect();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for r in &p.rounds {
            assert_eq!(r.stops.first().unwrap().kind.as_str(), "depot");
            assert_eq!(r.stops.last().unwrap().kind.as_str(), "depot");
            assert!(r.stops.iter().any(|s| s.kind.as_str() == "dump"));
            assert_eq!(r.geometry["type"], "LineString");
            assert_eq!(
                r.geometry["coordinates"].as_array().unwrap().len(),
                r.stops.len()
            );
            for s in r.stops.iter().filter(|s| s.kind.as_str() == "stop") {
                *seen.entry(s.id.clone()).or_default() += 1;
            }
        }
        for f in holders {
            let actor = t.actor(&f.holder).unwrap();
            let unassigned = p.unassigned.iter().find(|u| u.id == f.holder);
            match (actor.position, unassigned) {
                (None, Some(u)) => {
                    assert_eq!(u.reason.as_str(), "unlocated");
                    assert!(!seen.contains_key(&f.holder));
                }
                (Some(_), None) => assert_eq!(seen.get(&f.holder), Some(&1), "{}", f.holder),
                (Some(_), Some(u)) => assert!(!u.reason.as_str().is_empty()),
                (None, None) => panic!("{} unlocated but not reported", f.holder),
            }
        }
        let s = &p.scenario;
        assert!(
            s.pooled.distance_km <= s.alone.distance_km + 1e-9,
            "{material}: pooled {} km > alone {} km",
            s.pooled.distance_km,
            s.alone.distance_km
        );
        assert!(s.pooled.cost_eur <= s.alone.cost_eur + 1e-9);
        assert!(
            (s.savings.distance_km - (s.alone.distance_km - s.pooled.distance_km)).abs() < 1e-9
        );
        // Per-round figures add up to the pooled cycle.
        let km: f64 = p.rounds.iter().map(|r| r.distance_m / 1000.0).sum();
        assert!((km * p.cycles_per_year - s.pooled.distance_km).abs() < 1e-6);
    }
}

// ---------------------------------------------------------------- 3-company fixture

const R: f64 = 6_371_008.8; // mean Earth radius (m), as in geo's Haversine

fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (l1, p1) = (a.0.to_radians(), a.1.to_radians());
    let (l2, p2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

const DEPOT: (f64, f64) = (7.00, 47.80);
const A: (f64, f64) = (7.05, 47.80);
const B: (f64, f64) = (7.10, 47.80);
const C: (f64, f64) = (7.15, 47.80);
const DUMP: (f64, f64) = (7.20, 47.80);

fn actor(id: &str, p: (f64, f64)) -> Actor {
    Actor {
        id: id.into(),
        name: format!("Company {id}"),
        kind: ActorKind::Company,
        siret: None,
        naf: None,
        naf_verified: false,
        naf_nomenclature: None,
        sector: String::new(),
        insee: None,
        address: None,
        park_id: None,
        employees: None,
        position: Some(Point::new(p.0, p.1)),
        precision: Precision::Manual,
        score: None,
        remarks: String::new(),
        source: "test".into(),
    }
}

fn flow(holder: &str, pallets_per_year: f64) -> Flow {
    Flow {
        holder: holder.into(),
        material: "pallets".into(),
        ewc_code: "15 01 03".into(),
        direction: Direction::Out,
        quantity: pallets_per_year,
        unit: "pallets".into(),
        period: Period::Year,
        collections_per_period: Some(12.0),
        estimate: false,
        source: "test".into(),
    }
}

/// The default territory with its actors and flows replaced by three companies on a line
/// west → east: depot, A, B, C, dump.
pub(crate) fn fixture() -> Territory {
    let mut t = load();
    // No site of the territory: the request's treatment site is also the baseline's.
    t.sites.clear();
    t.actors = vec![actor("a", A), actor("b", B), actor("c", C), {
        let mut x = actor("x", A);
        x.position = None;
        x
    }];
    t.flows = vec![
        flow("a", 120.0),
        flow("b", 240.0),
        flow("c", 60.0),
        flow("x", 60.0),
    ];
    t
}

pub(crate) fn test_vehicle() -> Vehicle {
    Vehicle {
        id: "truck".into(),
        label_fr: "Camion test".into(),
        capacity_kg: 100_000.0,
        capacity_m3: None,
        capacity_units: None,
        cost_per_km_eur: 1.0,
        cost_per_hour_eur: 60.0,
        fixed_cost_eur: 10.0,
        max_duration_h: None,
        max_distance_km: None,
        count: 1,
        fuel_l_per_100km: None,
        vehicle_class: "test_class".into(),
        source: "test".into(),
        weight_t: None,
        height_m: None,
        length_m: None,
        axle_load_t: None,
        uncertainty: Default::default(),
        week: Default::default(),
    }
}

pub(crate) fn test_factor(kg_co2e_per_l: f64) -> EmissionFactor {
    EmissionFactor {
        vehicle_class: "test_class".into(),
        fuel: "diesel".into(),
        fuel_l_per_100km: 30.0,
        kg_co2e_per_l,
        source: "test".into(),
        vintage: "test".into(),
        fuel_l_per_100km_low: None,
        fuel_l_per_100km_high: None,
    }
}

pub(crate) fn fixture_request(kg_co2e_per_l: f64) -> RoundsRequest {
    RoundsRequest {
        material: "pallets".into(),
        depot: Some(format!("{},{}", DEPOT.0, DEPOT.1)),
        dump: Some(format!("{},{}", DUMP.0, DUMP.1)),
        vehicles: Some(VehiclesSpec::Inline(vec![test_vehicle()])),
        factors: Some(FactorsSpec::Inline(vec![test_factor(kg_co2e_per_l)])),
        time_limit_s: Some(TIME_LIMIT_S),
        ..RoundsRequest::default()
    }
}

#[test]
fn scenario_arithmetic_by_hand_on_three_companies() {
    let t = fixture();
    let p = plan_rounds(&t, &fixture_request(2.5)).unwrap();
    // The unlocated company is reported, never dropped.
    assert_eq!(p.unassigned.len(), 1);
    assert_eq!(p.unassigned[0].id, "x");
    assert_eq!(p.unassigned[0].reason.as_str(), "unlocated");
    assert_eq!(p.cycles_per_year, 12.0);

    let circuity = t.manifest.defaults.circuity;
    let speed_ms = t.manifest.defaults.speed_kmh / 3.6;
    let d = |a, b| haversine_m(a, b) * circuity;
    let (service, unload) = (900.0, 1200.0);
    let co2_per_m = 30.0 / 100.0 * 2.5 / 1000.0;

    // Alone: 12 collections a year of X → dump → X for each of A, B, C (the depot plays no
    // part), with the only vehicle type of the request.
    assert_eq!(
        p.baseline.treatment_site.id,
        format!("{},{}", DUMP.0, DUMP.1)
    );
    assert!(p.baseline.same_site_as_pooled);
    let alone_vehicles = p.baseline.vehicles.as_ref().unwrap();
    assert_eq!(alone_vehicles.len(), 1);
    assert_eq!(alone_vehicles[0].vehicle, "truck");
    assert_eq!(alone_vehicles[0].companies, 3);
    assert_eq!(alone_vehicles[0].trips_per_year, 36.0);
    let mut alone_m = 0.0;
    let mut alone_s = 0.0;
    let mut alone_eur = 0.0;
    for x in [A, B, C] {
        let m = d(x, DUMP) + d(DUMP, x);
        let s = m / speed_ms + service + unload;
        alone_m += 12.0 * m;
        alone_s += 12.0 * s;
        alone_eur += 12.0 * (10.0 + m / 1000.0 + 60.0 * s / 3600.0);
    }
    let sc = &p.scenario;
    assert!((sc.alone.distance_km - alone_m / 1000.0).abs() < 1e-6);
    assert!((sc.alone.hours - alone_s / 3600.0).abs() < 1e-6);
    assert!((sc.alone.cost_eur - alone_eur).abs() < 1e-6);
    assert!((sc.alone.co2e_kg - alone_m * co2_per_m).abs() < 1e-6);

    // Pooled: one round a cycle, depot → A → B → C → dump → depot, 3 services, 1 unloading.
    assert_eq!(p.rounds.len(), 1);
    let ids: Vec<&str> = p.rounds[0].stops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids[1..4], ["a", "b", "c"]);
    assert_eq!(p.rounds[0].stops.len(), 6);
    let m = d(DEPOT, A) + d(A, B) + d(B, C) + d(C, DUMP) + d(DUMP, DEPOT);
    let s = m / speed_ms + 3.0 * service + unload;
    let eur = 10.0 + m / 1000.0 + 60.0 * s / 3600.0;
    let r = &p.rounds[0];
    assert!((r.distance_m - m).abs() < 1e-6);
    assert!((r.duration_s - s).abs() < 1e-6);
    assert!((r.cost_eur - eur).abs() < 1e-6);
    // Load: (120 + 240 + 60) pallets / 12 cycles × 25 kg.
    assert!((r.load_kg.unwrap() - 420.0 / 12.0 * 25.0).abs() < 1e-9);
    assert!((sc.pooled.distance_km - 12.0 * m / 1000.0).abs() < 1e-6);
    assert!((sc.pooled.hours - 12.0 * s / 3600.0).abs() < 1e-6);
    assert!((sc.pooled.cost_eur - 12.0 * eur).abs() < 1e-6);
    assert!((sc.pooled.co2e_kg - 12.0 * m * co2_per_m).abs() < 1e-6);
    assert!((sc.savings.cost_eur - (alone_eur - 12.0 * eur)).abs() < 1e-6);
    assert!(sc.savings.distance_km > 0.0);
    // Arrival times along the round.
    let arr_b = d(DEPOT, A) / speed_ms + service + d(A, B) / speed_ms;
    assert!((r.stops[2].arrival_s - arr_b).abs() < 1e-6);
    // Measured flows, placed by hand, but crow-flies distances: still an estimate, for that
    // reason only.
    let e = sc.estimate.as_ref().unwrap();
    assert_eq!(e.reasons, [EstimateReason::CrowFlies]);
    assert_eq!(e.commune_precision_share, Some(0.0));
    assert_eq!(sc.method, Method::CrowFlies);
}

#[test]
fn emission_factor_override_scales_co2e_proportionally() {
    let t = fixture();
    let base = plan_rounds(&t, &fixture_request(2.5)).unwrap();
    let double = plan_rounds(&t, &fixture_request(5.0)).unwrap();
    let (a, b) = (&base.scenario, &double.scenario);
    assert!((b.alone.co2e_kg - 2.0 * a.alone.co2e_kg).abs() < 1e-9);
    assert!((b.pooled.co2e_kg - 2.0 * a.pooled.co2e_kg).abs() < 1e-9);
    assert!((b.savings.co2e_kg - 2.0 * a.savings.co2e_kg).abs() < 1e-9);
    assert_eq!(a.alone.cost_eur, b.alone.cost_eur);
    assert_eq!(a.pooled.distance_km, b.pooled.distance_km);
    for (ra, rb) in base.rounds.iter().zip(&double.rounds) {
        assert!((rb.co2e_kg - 2.0 * ra.co2e_kg).abs() < 1e-9);
    }
}

#[test]
fn a_small_vehicle_splits_the_rounds_and_the_limits_bind() {
    let t = fixture();
    let mut r = fixture_request(2.5);
    let mut v = test_vehicle();
    v.capacity_kg = 260.0; // per cycle: a 250 kg, b 500 kg (2 loads of 250), c 125 kg
    r.vehicles = Some(VehiclesSpec::Inline(vec![v]));
    let p = plan_rounds(&t, &r).unwrap();
    for round in &p.rounds {
        // Per trip (between unloadings) the load stays within the capacity.
        for s in &round.stops {
            assert!(
                s.load.unwrap() <= 260.0 + 1e-9,
                "{} kg on board",
                s.load.unwrap()
            );
        }
        let trips = round
            .stops
            .iter()
            .filter(|s| s.kind.as_str() == "dump")
            .count();
        assert_eq!(round.trips, trips);
        assert!(round.load_kg.unwrap() <= 260.0 * trips as f64 + 1e-9);
    }
    let kg: f64 = p.rounds.iter().map(|r| r.load_kg.unwrap()).sum();
    assert!((kg - 420.0 / 12.0 * 25.0).abs() < 1e-9);
    assert!(
        p.rounds
            .iter()
            .any(|r| r.binding.iter().any(|b| b.as_str().starts_with("capacity"))),
        "{:?}",
        p.rounds.iter().map(|r| &r.binding).collect::<Vec<_>>()
    );
    // Alone, b needs 2 loads per collection as well: 12 × (1 + 2 + 1) trips a year.
    let trips: f64 = p
        .baseline
        .vehicles
        .as_ref()
        .unwrap()
        .iter()
        .map(|b| b.trips_per_year)
        .sum();
    assert_eq!(trips, 48.0);
}

#[test]
fn a_mixed_fleet_gives_each_round_its_own_vehicle_and_cost_model() {
    let t = fixture();
    let mut small = test_vehicle();
    small.id = "small".into();
    small.capacity_kg = 300.0; // per cycle: a 250 kg, b 500 kg, c 125 kg
    small.cost_per_km_eur = 0.5;
    small.fixed_cost_eur = 5.0;
    small.vehicle_class = "test_class".into();
    let big = test_vehicle();
    let with = |ids: &str| {
        let mut r = fixture_request(2.5);
        r.vehicles = Some(VehiclesSpec::Inline(vec![big.clone(), small.clone()]));
        r.vehicle = Some(ids.into());
        plan_rounds(&t, &r).unwrap()
    };
    let mixed = with("small, truck");
    let ids: Vec<&str> = mixed.fleet.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["small", "truck"]);
    assert_eq!(mixed.vehicle.id, "small");
    assert!(
        mixed
            .defaults_used
            .iter()
            .any(|d| d.starts_with("fleet: `small`, `truck`"))
    );
    // Loads are cut to fit the largest vehicle: b's 500 kg is one load, only the truck takes it.
    let mut served = Vec::new();
    for r in &mixed.rounds {
        let v = mixed
            .fleet
            .iter()
            .find(|v| v.id == r.vehicle)
            .expect("a fleet type");
        for s in &r.stops {
            assert!(
                s.load.unwrap() <= v.capacity_kg + 1e-9,
                "{} kg on a {}",
                s.load.unwrap(),
                v.id
            );
            if s.kind.as_str() == "stop" {
                served.push((s.id.clone(), r.vehicle.clone()));
            }
        }
        let h = r.duration_s / 3600.0;
        let eur =
            v.fixed_cost_eur + r.distance_m / 1000.0 * v.cost_per_km_eur + h * v.cost_per_hour_eur;
        assert!(
            (r.cost_eur - eur).abs() < 1e-6,
            "round cost with {}'s model",
            v.id
        );
    }
    served.sort();
    let names: Vec<&str> = served.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert!(served.iter().any(|s| s.0 == "b" && s.1 == "truck"));
    // The fleet can do whatever the truck alone does: never dearer.
    let truck_only = with("truck");
    assert_eq!(truck_only.fleet.len(), 1);
    assert!(mixed.scenario.pooled.cost_eur <= truck_only.scenario.pooled.cost_eur + 1e-6);
    // The alone baseline takes, for each company, the smallest type of the list that carries
    // its quantity per collection, whatever the fleet of the pooled plan.
    let small_only = with("small");
    assert_eq!(mixed.scenario.alone, small_only.scenario.alone);
    assert_eq!(mixed.scenario.alone, truck_only.scenario.alone);
    let mut by_type: Vec<(String, usize)> = mixed
        .baseline
        .vehicles
        .as_ref()
        .unwrap()
        .iter()
        .map(|b| (b.vehicle.clone(), b.companies))
        .collect();
    by_type.sort();
    assert_eq!(by_type, [("small".to_owned(), 2), ("truck".to_owned(), 1)]);
    // An unknown id in the list is named.
    let mut r = fixture_request(2.5);
    r.vehicles = Some(VehiclesSpec::Inline(vec![big.clone(), small.clone()]));
    r.vehicle = Some("small,nope".into());
    let e = plan_rounds(&t, &r).unwrap_err().to_string();
    assert!(e.contains("unknown vehicle `nope`"), "{e}");
}

// ---------------------------------------------------------------- bad inputs and CLI

#[test]
fn bad_inputs_give_clear_errors() {
    let t = load();
    let e = plan_rounds(&t, &req("unobtainium"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown material `unobtainium`"), "{e}");

    let mut r = req("pallets");
    r.depot = Some("nowhere-depot".into());
    let e = plan_rounds(&t, &r).unwrap_err().to_string();
    assert!(e.contains("unknown depot `nowhere-depot`"), "{e}");

    let mut r = req("pallets");
    r.dump = Some("nowhere-dump".into());
    let e = plan_rounds(&t, &r).unwrap_err().to_string();
    assert!(e.contains("unknown treatment site `nowhere-dump`"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("my_vehicles.csv");
    std::fs::write(
        &csv,
        "id,label_fr,capacity_kg,capacity_m3,capacity_units,cost_per_km_eur,cost_per_hour_eur,fixed_cost_eur,max_duration_h,max_distance_km,count,fuel_l_per_100km,vehicle_class,source\n\
         ok,OK,1000,10,,0.5,30,50,8,300,1,,rigid_19t,test\n\
         bad,Bad,lots,10,,0.5,30,50,8,300,1,,rigid_19t,test\n",
    )
    .unwrap();
    let mut r = req("pallets");
    r.vehicles = Some(VehiclesSpec::File(csv.display().to_string()));
    let e = plan_rounds(&t, &r).unwrap_err().to_string();
    assert!(
        e.contains("my_vehicles.csv, line 3, field `capacity_kg`"),
        "{e}"
    );
    assert!(e.contains("`lots` is not a number"), "{e}");

    let mut r = req("pallets");
    r.vehicle = Some("spaceship".into());
    let e = plan_rounds(&t, &r).unwrap_err().to_string();
    assert!(e.contains("unknown vehicle `spaceship`"), "{e}");

    let f = dir.path().join("factors.csv");
    std::fs::write(
        &f,
        "vehicle_class,fuel_l_per_100km,kg_co2e_per_l,source\nrigid_19t,30,,x\n",
    )
    .unwrap();
    let e = boucle::territory::vehicles::read_emission_factors(&f)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("factors.csv, line 2, field `kg_co2e_per_l`"),
        "{e}"
    );
}

fn boucle(args: &[&str]) -> std::process::Output {
    crate::common::command()
        .args(args)
        .args(if args[0] == "rounds" {
            &["--time-limit", "0.3"][..]
        } else {
            &[]
        })
        .arg("--data")
        .arg(geodata())
        .output()
        .expect("boucle runs")
}

#[test]
fn cli_rounds_and_clusters() {
    let out = boucle(&["rounds", "--material", "pallets"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Defaults used:"), "{text}");
    assert!(text.contains("crow_flies"), "{text}");
    assert!(text.contains("alone"), "{text}");
    assert!(text.contains("unlocated"), "{text}");

    let out = boucle(&["rounds", "--material", "paper_cardboard", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["method"], "crow_flies");
    let reasons = v["scenario"]["estimate"]["reasons"].as_array().unwrap();
    assert!(
        reasons.contains(&serde_json::json!("demonstration_flows")),
        "{reasons:?}"
    );
    assert!(
        v["baseline"]["definition"]
            .as_str()
            .unwrap()
            .starts_with("Each company alone")
    );
    assert!(v["scenario"]["sensitivity"]["savings_eur"]["low"].is_number());
    let co2 = v["scenario"]["alone"]["co2e_kg"].as_f64().unwrap();

    // --factors FILE: the same CSV with every kg CO2e/L doubled doubles the CO2e.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    let mut rdr = csv::Reader::from_path(geodata().join("emission_factors.csv")).unwrap();
    let mut w = csv::Writer::from_path(&f).unwrap();
    let h = rdr.headers().unwrap().clone();
    let k = h.iter().position(|c| c == "kg_co2e_per_l").unwrap();
    w.write_record(&h).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        let mut fields: Vec<String> = r.iter().map(str::to_owned).collect();
        fields[k] = (fields[k].parse::<f64>().unwrap() * 2.0).to_string();
        w.write_record(&fields).unwrap();
    }
    w.flush().unwrap();
    let out = boucle(&[
        "rounds",
        "--material",
        "paper_cardboard",
        "--json",
        "--factors",
        f.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let co2_2 = v["scenario"]["alone"]["co2e_kg"].as_f64().unwrap();
    assert!(
        (co2_2 - 2.0 * co2).abs() < 1e-6 * co2.max(1.0),
        "{co2} → {co2_2}"
    );

    let out = boucle(&["rounds", "--material", "pallets", "--depot", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown depot `nope`"));

    let out = boucle(&["clusters", "--material", "pallets", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["clusters"].as_array().unwrap().is_empty());
    assert!(!v["unlocated"].as_array().unwrap().is_empty());
}

#[test]
fn request_and_plan_are_serde() {
    let r: RoundsRequest = serde_json::from_str(
        r#"{"material":"pallets","depot":"7.1,47.8","vehicles":"v.csv","time_limit_s":2.0,"seed":7}"#,
    )
    .unwrap();
    assert_eq!(r.vehicles, Some(VehiclesSpec::File("v.csv".into())));
    let r: RoundsRequest = serde_json::from_value(serde_json::json!({
        "material": "pallets",
        "vehicles": [test_vehicle()],
    }))
    .unwrap();
    assert!(matches!(r.vehicles, Some(VehiclesSpec::Inline(ref v)) if v.len() == 1));
    let p = plan_rounds(&load(), &req("pallets")).unwrap();
    let v = serde_json::to_value(&p).unwrap();
    for k in [
        "material",
        "method",
        "defaults_used",
        "defaults",
        "rounds",
        "unassigned",
        "scenario",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    for k in [
        "alone",
        "pooled",
        "savings",
        "method",
        "factors",
        "estimate",
        "sensitivity",
    ] {
        assert!(v["scenario"].get(k).is_some(), "scenario.{k}");
    }
    let stop = &v["rounds"][0]["stops"][1];
    for k in ["id", "name", "kind", "lon", "lat", "arrival_s", "load"] {
        assert!(stop.get(k).is_some(), "stop.{k}");
    }
}

#[test]
fn with_a_road_graph_the_plan_is_on_roads() {
    use boucle::network::fixture::OsmFixture;
    use boucle::network::import::{ImportOptions, import_pbf};
    // One straight primary road along the fixture's line, depot to dump.
    let dir = tempfile::tempdir().unwrap();
    let mut f = OsmFixture::new();
    let n = 45;
    for i in 0..n {
        f.node(i + 1, 6.99 + 0.005 * i as f64, 47.80, &[]);
    }
    let refs: Vec<i64> = (1..=n).collect();
    f.way(1, &refs, &[("highway", "primary"), ("maxspeed", "80")]);
    let pbf = dir.path().join("line.osm.pbf");
    f.write(&pbf).unwrap();
    import_pbf(
        &pbf,
        &dir.path().join(boucle::network::GRAPH_FILE),
        &ImportOptions::default(),
    )
    .unwrap();
    let mut t = fixture();
    t.dir = dir.path().to_path_buf();
    let p = plan_rounds(&t, &fixture_request(2.5)).unwrap();
    assert_eq!(p.method, Method::Road);
    assert_eq!(p.scenario.method, Method::Road);
    // Measured flows, hand-placed companies, road distances, a vehicle and factor of known
    // source: nothing left to call an estimate.
    assert_eq!(p.scenario.estimate, None);
    assert!(p.rounds.iter().all(|r| r.estimate.is_none()));
    assert!(p.notes.iter().any(|n| n.contains("road graph")));
    assert!(!p.scenario.factors.iter().any(|f| f.name == "circuity"));
    assert_eq!(p.rounds.len(), 1);
    let r = &p.rounds[0];
    assert_eq!(r.method, Method::Road);
    // Depot → A → B → C → dump along the road, then back: twice the depot–dump distance.
    let expected = 2.0 * haversine_m(DEPOT, DUMP);
    assert!(
        (r.distance_m - expected).abs() < 0.01 * expected,
        "{} vs {expected}",
        r.distance_m
    );
    // The geometry follows the road (more points than places).
    assert!(r.geometry["coordinates"].as_array().unwrap().len() > r.stops.len());
    // Clusters use the same road matrix.
    let cs = boucle::cluster::clusters_for(&t, "pallets", &Default::default()).unwrap();
    assert!(cs.iter().all(|c| c.method == Method::Road));
    assert!(p.scenario.pooled.distance_km < p.scenario.alone.distance_km);
}

/// A depot set in the manifest (`defaults.rounds.<material>.depot`) is taken and reported as a
/// default with the setting read; an unknown one is refused, naming the id.
#[test]
fn a_manifest_depot_is_taken_and_reported() {
    let mut t = load();
    let site = t
        .sites
        .iter()
        .find(|s| s.position.is_some() && s.id != "cernay-environnement-alsadis")
        .expect("a second located site")
        .clone();
    let set_depot = |t: &mut Territory, id: &str| {
        t.manifest
            .defaults
            .rounds
            .get_mut("pallets")
            .expect("defaults.rounds.pallets")
            .depot = Some(id.into());
    };
    set_depot(&mut t, &site.id);
    let p = plan_rounds(&t, &req("pallets")).unwrap();
    assert_eq!(p.depot.id, site.id);
    let depot = p
        .defaults
        .iter()
        .find(|d| d.key.as_str() == "depot")
        .unwrap();
    assert_eq!(depot.origin.as_str(), "manifest");
    assert_eq!(depot.value, site.id);
    assert_eq!(depot.name.as_deref(), Some(site.name.as_str()));
    assert_eq!(
        depot.setting.as_deref(),
        Some("defaults.rounds.pallets.depot")
    );
    assert_eq!(
        depot.text,
        format!(
            "depot: {} ({}) (territory.toml defaults.rounds.pallets.depot)",
            site.id, site.name
        )
    );
    set_depot(&mut t, "no-such-site");
    let err = plan_rounds(&t, &req("pallets")).unwrap_err().to_string();
    assert!(err.contains("unknown depot `no-such-site`"), "{err}");
}
