//! Indicators on a tiny in-memory territory whose values are computed by hand.
//!
//! Two communes stacked north–south (A: lat 47.0–47.1, B: lat 47.1–47.2, lon 7.0–7.1) in two
//! intercommunalities; every point at lon 7.05, so that every distance is a meridian arc:
//! R × Δφ × circuity 1.3, R = 6,371,008.8 m (geo's mean Earth radius).
//!
//! | holder | place | flows |
//! |---|---|---|
//! | acme-usinage (NAF 25.62B → C) | A, lat 47.02 | out 400 pallets/year (×25 kg = 10 t) |
//! | chimie-nord (NAF 20.12Z → C) | B, lat 47.15 | out 20 t paper_cardboard, out 10 t wood |
//! | hyper-marche (NAF 47.11D → G) | B, lat 47.12 | in 200 pallets/year |
//! | atelier-sans-naf (no NAF) | A | — |
//! | site tri-b (accepts paper_cardboard) | B, lat 47.19 | — |
//!
//! Loops: pallets acme → hyper-marche (same material, Δφ 0.10°, A→B); paper chimie → tri-b
//! (same material, Δφ 0.04°, B→B). Wood (10 t) has only a same-family taker (pallets): no loop.
//! roundput = 30 / 40 = 0.75; loop distance = (10 d(0.10) + 20 d(0.04)) / 30; one loop of
//! two inside one EPCI = 0.5. NAF sections C, C, G: H = −(⅔ ln ⅔ + ⅓ ln ⅓).

use std::path::PathBuf;

use boucle::estimate::EstimateReason;
use boucle::indicators::{self, naf_section, shannon};
use boucle::territory::{
    Actor, ActorKind, Commune, Direction, EmissionFactors, Epci, Flow, Manifest, Material, Period,
    Precision, Site, Status, Synergy, Territory, VehicleTypes,
};
use geo::{MultiPolygon, Point, Rect};

fn square(lat0: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![Rect::new((7.0, lat0), (7.1, lat0 + 0.1)).to_polygon()])
}

fn commune(insee: &str, epci: &str, lat0: f64) -> Commune {
    Commune {
        insee: insee.into(),
        name: format!("Commune {insee}"),
        epci_siren: epci.into(),
        population: 1000,
        postcodes: vec![],
        geometry: square(lat0),
        point: Point::new(7.05, lat0 + 0.05),
        source: "test".into(),
        former_communes: Vec::new(),
        population_vintage: String::new(),
    }
}

fn actor(id: &str, naf: Option<&str>, insee: &str, lat: f64) -> Actor {
    Actor {
        id: id.into(),
        name: format!("Société {id}"),
        kind: ActorKind::Company,
        siret: None,
        naf: naf.map(str::to_owned),
        naf_verified: true,
        naf_nomenclature: None,
        sector: String::new(),
        insee: Some(insee.into()),
        address: None,
        park_id: None,
        employees: None,
        position: Some(Point::new(7.05, lat)),
        precision: Precision::Manual,
        score: None,
        remarks: String::new(),
        source: "test".into(),
    }
}

fn flow(holder: &str, material: &str, dir: Direction, q: f64, unit: &str, estimate: bool) -> Flow {
    Flow {
        holder: holder.into(),
        material: material.into(),
        ewc_code: String::new(),
        direction: dir,
        quantity: q,
        unit: unit.into(),
        period: Period::Year,
        collections_per_period: Some(12.0),
        estimate,
        source: "test".into(),
    }
}

fn material(slug: &str, ewc: &str, family: &str, unit: &str, kg: f64) -> Material {
    Material {
        slug: slug.into(),
        label_fr: slug.into(),
        ewc_codes: vec![ewc.into()],
        family: family.into(),
        unit: unit.into(),
        kg_per_unit: kg,
        m3_per_unit: None,
        synonyms_fr: vec![],
        weights_source: String::new(),
    }
}

fn fixture(estimate: bool) -> Territory {
    let communes = vec![commune("00001", "E1", 47.0), commune("00002", "E2", 47.1)];
    let epcis = vec![
        Epci {
            siren: "E1".into(),
            name: "CC Un".into(),
            members: vec!["00001".into()],
            population: 1000,
            geometry: square(47.0),
            source: "test".into(),
        },
        Epci {
            siren: "E2".into(),
            name: "CC Deux".into(),
            members: vec!["00002".into()],
            population: 1000,
            geometry: square(47.1),
            source: "test".into(),
        },
    ];
    Territory {
        dir: PathBuf::from("/nonexistent"),
        // Two companies stand behind the loops: the smallest rule (k = 2) publishes them.
        manifest: Manifest::parse(
            std::path::Path::new("t.toml"),
            "name = \"Fixture\"\nmin_contributors = 2\n",
        )
        .unwrap(),
        communes,
        epcis,
        outline: MultiPolygon(vec![Rect::new((7.0, 47.0), (7.1, 47.2)).to_polygon()]),
        parks: vec![],
        sites: vec![Site {
            id: "tri-b".into(),
            name: "Centre de tri B".into(),
            kind: "tri".into(),
            insee: Some("00002".into()),
            address: None,
            operator: "x".into(),
            accepts: vec!["paper_cardboard".into()],
            position: Some(Point::new(7.05, 47.19)),
            precision: Precision::Manual,
            remarks: String::new(),
            source: "test".into(),
            confidence: String::new(),
        }],
        actors: vec![
            actor("acme-usinage", Some("25.62B"), "00001", 47.02),
            actor("chimie-nord", Some("20.12Z"), "00002", 47.15),
            actor("hyper-marche", Some("47.11D"), "00002", 47.12),
            actor("atelier-sans-naf", None, "00001", 47.05),
        ],
        flows: vec![
            flow(
                "acme-usinage",
                "pallets",
                Direction::Out,
                400.0,
                "pallets",
                estimate,
            ),
            flow(
                "chimie-nord",
                "paper_cardboard",
                Direction::Out,
                20.0,
                "t",
                estimate,
            ),
            flow("chimie-nord", "wood", Direction::Out, 10.0, "t", estimate),
            flow(
                "hyper-marche",
                "pallets",
                Direction::In,
                200.0,
                "pallets",
                estimate,
            ),
        ],
        materials: vec![
            material("pallets", "15 01 03", "wood", "pallets", 25.0),
            material("wood", "03 01 05", "wood", "t", 1000.0),
            material("paper_cardboard", "15 01 01", "paper", "t", 1000.0),
        ],
        vehicles: VehicleTypes::builtin(),
        emission_factors: EmissionFactors::builtin(),
        week: Default::default(),
    }
}

fn register() -> Vec<Synergy> {
    let s = |id: &str, material: &str, status: Status, actors: &[&str]| Synergy {
        id: id.into(),
        title: id.into(),
        material: material.into(),
        status,
        actors: actors.iter().map(|a| a.to_string()).collect(),
        started: None,
        updated: None,
        notes: String::new(),
        source: "test fixture".into(),
    };
    vec![
        s(
            "s1",
            "pallets",
            Status::Implemented,
            &["acme-usinage", "hyper-marche"],
        ),
        s(
            "s2",
            "paper_cardboard",
            Status::Study,
            &["chimie-nord", "tri-b"],
        ),
        s(
            "s3",
            "paper_cardboard",
            Status::Implemented,
            &["acme-usinage", "chimie-nord", "hyper-marche"],
        ),
        s(
            "s4",
            "wood",
            Status::Abandoned,
            &["chimie-nord", "atelier-sans-naf"],
        ),
    ]
}

fn arc_km(dlat_deg: f64) -> f64 {
    6_371_008.8 * dlat_deg.to_radians() * 1.3 / 1000.0
}

fn value(r: &indicators::IndicatorsReport, key: &str) -> Option<f64> {
    r.indicators.iter().find(|i| i.key == key).unwrap().value
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-6 * b.abs().max(1.0), "{a} ≠ {b}");
}

/// With the default rule (k = 3), tonnage figures resting on the fixture's two looped companies
/// are not published, and say why; counts are.
#[test]
fn tonnage_figures_of_fewer_than_k_companies_are_withheld() {
    let mut t = fixture(false);
    t.manifest.min_contributors = None;
    let r = indicators::indicators(&t, &register()).unwrap();
    for key in ["roundput", "loop_distance_km"] {
        let i = r.indicators.iter().find(|i| i.key == key).unwrap();
        assert!(i.value.is_none(), "{key}");
        assert!(i.note.as_deref().unwrap().contains("fewer than 3"), "{key}");
    }
    assert!(value(&r, "loops_within_one_epci").is_some());
    // And territory.toml refuses a rule below 2.
    let e = Manifest::parse(
        std::path::Path::new("t.toml"),
        "name = \"X\"\nmin_contributors = 1\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("line 2") && e.contains("min_contributors"),
        "{e}"
    );
}

#[test]
fn hand_computed_values() {
    let r = indicators::indicators(&fixture(false), &register()).unwrap();
    close(value(&r, "roundput").unwrap(), 0.75);
    let h_naf = -(2.0 / 3.0 * (2.0f64 / 3.0).ln() + 1.0 / 3.0 * (1.0f64 / 3.0).ln());
    close(value(&r, "diversity_naf_sections").unwrap(), h_naf);
    close(
        value(&r, "diversity_materials_implemented").unwrap(),
        2.0f64.ln(),
    );
    close(value(&r, "actors_per_synergy").unwrap(), 7.0 / 3.0);
    // Nodes acme, hyper, chimie, tri-b; links acme–hyper, chimie–tri-b, acme–chimie,
    // chimie–hyper: 2 × 4 / (4 × 3).
    close(value(&r, "synergy_network_density").unwrap(), 8.0 / 12.0);
    close(
        value(&r, "loop_distance_km").unwrap(),
        (10.0 * arc_km(0.10) + 20.0 * arc_km(0.04)) / 30.0,
    );
    close(value(&r, "loops_within_one_epci").unwrap(), 0.5);
    let p = &r.programme;
    assert_eq!(p.actors_listed, 4);
    assert_eq!(p.actors_with_flows, 3);
    assert_eq!(p.actors_mobilised, 4, "tri-b is a site, not an actor");
    assert_eq!(p.synergies, 4);
    assert_eq!(p.synergies_by_status["implemented"], 2);
    assert_eq!(p.synergies_by_status["study"], 1);
    assert_eq!(p.synergies_by_status["abandoned"], 1);
    assert_eq!(p.synergies_by_status["idea"], 0);
    close(p.mean_actors_per_synergy.unwrap(), 9.0 / 4.0);
    // Distances by crow flies: the locality distance is flagged, the rest is not.
    assert_eq!(r.method.as_str(), "crow_flies");
    let flagged: Vec<&str> = r
        .indicators
        .iter()
        .filter(|i| i.estimate.is_some())
        .map(|i| i.key.as_str())
        .collect();
    assert_eq!(flagged, vec!["loop_distance_km"]);
    let loop_distance = r
        .indicators
        .iter()
        .find(|i| i.key == "loop_distance_km")
        .unwrap();
    assert_eq!(
        loop_distance.estimate.as_ref().unwrap().reasons,
        [EstimateReason::CrowFlies]
    );
    // Both loops have a recorded taker (an in flow; an implemented synergy): the potential
    // share equals the recovered one here.
    close(value(&r, "potential_takers").unwrap(), 0.75);
    let diversity = r
        .indicators
        .iter()
        .find(|i| i.key == "diversity_naf_sections")
        .unwrap();
    assert!(diversity.meaning_fr.as_deref().unwrap().contains("ln 2"));
    for i in &r.indicators {
        assert!(
            !i.definition.is_empty() && !i.inputs.is_empty(),
            "{}",
            i.key
        );
    }
}

/// A site that only lists a material among those it accepts is a potential taker: with no in
/// flow and no implemented synergy recorded, nothing is recovered in the territory, while the
/// potential share is not zero.
#[test]
fn a_site_that_accepts_is_a_potential_taker_not_a_recovery() {
    let mut t = fixture(false);
    t.flows = vec![
        flow(
            "acme-usinage",
            "pallets",
            Direction::Out,
            400.0,
            "pallets",
            false,
        ),
        flow(
            "atelier-sans-naf",
            "pallets",
            Direction::Out,
            400.0,
            "pallets",
            false,
        ),
        flow(
            "chimie-nord",
            "paper_cardboard",
            Direction::Out,
            20.0,
            "t",
            false,
        ),
        flow("chimie-nord", "wood", Direction::Out, 10.0, "t", false),
        flow(
            "hyper-marche",
            "paper_cardboard",
            Direction::Out,
            10.0,
            "t",
            false,
        ),
    ];
    let r = indicators::indicators(&t, &[]).unwrap();
    close(value(&r, "roundput").unwrap(), 0.0);
    // Paper (20 + 10 t) reaches the site tri-b, which accepts it, of 60 t.
    close(value(&r, "potential_takers").unwrap(), 0.5);
}

#[test]
fn demonstration_flows_flag_the_flow_indicators() {
    let r = indicators::indicators(&fixture(true), &register()).unwrap();
    assert!(r.estimate);
    for key in ["roundput", "loop_distance_km", "loops_within_one_epci"] {
        let i = r.indicators.iter().find(|i| i.key == key).unwrap();
        let e = i.estimate.as_ref().expect(key);
        assert!(e.has(EstimateReason::DemonstrationFlows), "{key}");
        assert!(i.note.is_some() || key == "loops_within_one_epci");
    }
}

#[test]
fn output_holds_no_company_level_detail() {
    let t = fixture(true);
    let json = serde_json::to_string(&indicators::indicators(&t, &register()).unwrap()).unwrap();
    for a in &t.actors {
        assert!(!json.contains(&a.id), "actor id {} in the output", a.id);
        assert!(
            !json.contains(&a.name),
            "actor name {} in the output",
            a.name
        );
    }
}

#[test]
fn empty_register_gives_no_value_rather_than_zero() {
    let r = indicators::indicators(&fixture(false), &[]).unwrap();
    assert_eq!(value(&r, "actors_per_synergy"), None);
    assert_eq!(value(&r, "synergy_network_density"), None);
    assert_eq!(value(&r, "diversity_materials_implemented"), None);
    assert_eq!(r.programme.synergies, 0);
}

#[test]
fn shannon_and_naf_sections() {
    assert_eq!(shannon(&[5]), Some(0.0));
    assert_eq!(shannon(&[] as &[usize]), None);
    close(shannon(&[1, 1, 1, 1]).unwrap(), 4.0f64.ln());
    assert_eq!(naf_section("25.62B"), Some('C'));
    assert_eq!(naf_section("47.11D"), Some('G'));
    assert_eq!(naf_section("01.11Z"), Some('A'));
    assert_eq!(naf_section("xx"), None);
}
