//! Siting: the p-median heuristic against exhaustive search, the library API on the default
//! territory, the map layer, and bad inputs.

use crate::common::{boucle_in, geodata, load};
use boucle::estimate::EstimateReason;

use std::path::Path;

use boucle::siting::{self, CandidateInput, Candidates, SitingRequest, SitingResult, pmedian};
use boucle::territory::Territory;

#[test]
fn heuristic_and_branch_and_bound_equal_exhaustive_search_on_small_cases() {
    for seed in 0..12 {
        let inst = pmedian::random_instance(40, 12, 30.0, seed);
        for p in 1..=4 {
            let opt = pmedian::brute_force(&inst, p);
            let h = pmedian::fast_interchange(&inst, p, siting::RANDOM_STARTS, 0);
            assert!(
                (h.cost - opt).abs() <= 1e-9 * opt,
                "seed {seed} p {p}: heuristic {} vs optimum {opt}",
                h.cost
            );
            assert_eq!(h.open.len(), p);
            let e = pmedian::exact(&inst, p, None, f64::INFINITY).unwrap();
            assert!((e.cost - opt).abs() <= 1e-9 * opt, "seed {seed} p {p}");
            // A loose target (1.5 × optimum), so that the clip to it cannot hide a bad bound.
            let lb = pmedian::lagrangian_bound(&inst, p, 1.5 * opt, 300);
            assert!(lb <= opt * (1.0 + 1e-9), "bound {lb} above optimum {opt}");
            assert!(lb >= 0.5 * opt, "bound {lb} too weak for {opt}");
        }
    }
}

fn pallets(p: usize) -> SitingResult {
    let mut req = SitingRequest::new("pallets");
    req.p = p;
    siting::site(&load(), &req).unwrap()
}

#[test]
fn parks_ranked_for_pallets_on_the_default_territory() {
    let r = pallets(2);
    assert_eq!(r.material, "pallets");
    assert_eq!(r.method.as_str(), "crow_flies");
    let e = r.estimate.as_ref().expect("an estimate");
    assert!(e.has(EstimateReason::DemonstrationFlows), "{:?}", e.reasons);
    assert!(e.has(EstimateReason::CrowFlies));
    assert!(e.has(EstimateReason::CommunePrecision));
    assert!(r.candidates.iter().all(|c| !c.precision.is_empty()));
    let located = load().parks.iter().filter(|p| p.position.is_some()).count();
    assert_eq!(r.candidates.len(), located);
    // Ranks 1..n in order, scores in [0, 1] from 1 (best) down to 0 (worst).
    for (k, c) in r.candidates.iter().enumerate() {
        assert_eq!(c.rank, Some(k + 1));
        let s = c.score.unwrap();
        assert!((0.0..=1.0).contains(&s));
        assert!(c.share_within_10km <= c.share_within_20km);
        assert!((0.0..=1.0).contains(&c.share_within_20km));
        assert!(c.figures.kg_co2e_per_year > 0.0 || c.figures.vehicle_km_per_year == 0.0);
    }
    assert_eq!(r.candidates[0].score, Some(1.0));
    assert_eq!(r.candidates.last().unwrap().score, Some(0.0));
    assert_eq!(r.best_single.as_deref(), Some(r.candidates[0].id.as_str()));
    // Best pair: exact, at most as costly as the best single site, and two distinct sites.
    assert!(r.best_set.solver.exact);
    assert_eq!(r.best_set.site_ids.len(), 2);
    assert!(
        r.best_set.figures.vehicle_km_per_year
            <= r.candidates[0].figures.vehicle_km_per_year + 1e-9
    );
    assert_eq!(r.best_set.assignments.as_ref().unwrap().len(), r.sources);
    // Tonnes: pallets × 25 kg; every located holder of pallets counted once.
    assert!(r.tonnes_per_year > 0.0);
    assert!(!r.sources_unlocated.is_empty());
    // A neighbour's park is listed but can be excluded.
    let mut req = SitingRequest::new("pallets");
    req.territory_only = true;
    let r = siting::site(&load(), &req).unwrap();
    let outside = r.candidates.iter().find(|c| !c.in_territory).unwrap();
    assert!(outside.excluded);
    assert_eq!(
        outside.exclusion_reason.as_deref(),
        Some("outside the territory")
    );
    let single = pallets(1);
    assert_eq!(
        single.best_set.site_ids,
        vec![single.candidates[0].id.clone()]
    );
}

#[test]
fn geojson_layer_carries_a_normalised_score() {
    let r = pallets(1);
    let fc = siting::to_geojson(&r);
    assert_eq!(fc.features.len(), r.candidates.len());
    for f in &fc.features {
        let p = f.properties.as_ref().unwrap();
        let s = p["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&s));
        assert_eq!(p["method"], "crow_flies");
        assert_eq!(p["estimate"], true);
        assert!(
            p["estimate_reasons"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("crow_flies"))
        );
    }
}

/// Two candidates at one point: a tie, both named, none picked silently; both flagged as
/// sharing their position.
#[test]
fn two_candidates_at_one_point_are_a_tie() {
    let list: Vec<siting::CandidateInput> = serde_json::from_str(
        r#"[{"id": "east", "name": "Est", "lon": 7.30, "lat": 47.79},
            {"id": "a", "name": "A", "lon": 7.1775, "lat": 47.7931},
            {"id": "b", "name": "B", "lon": 7.1775, "lat": 47.7931}]"#,
    )
    .unwrap();
    let mut req = SitingRequest::new("pallets");
    req.candidates = siting::Candidates::List(list);
    let r = siting::site(&load(), &req).unwrap();
    let mut tied = r.best_single_tied.clone();
    tied.sort();
    assert_eq!(tied, ["a", "b"]);
    let a = r.candidates.iter().find(|c| c.id == "a").unwrap();
    assert_eq!(a.tied_with, ["b"]);
    assert_eq!(a.same_position_as, ["b"]);
    assert_eq!(a.precision, "given");
    let east = r.candidates.iter().find(|c| c.id == "east").unwrap();
    assert!(east.tied_with.is_empty() && east.same_position_as.is_empty());
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("tie for the best single site"))
    );
}

#[test]
fn inline_candidates_with_constraints_and_json_request() {
    let json = r#"{"material": "Palettes", "p": 1, "min_free_ha": 2.0,
        "candidates": [
          {"id": "thann", "name": "Thann", "lon": 7.0970988, "lat": 47.81624, "free_ha": 5},
          {"id": "cernay", "name": "Cernay", "lon": 7.1775369, "lat": 47.793075, "excluded": true},
          {"id": "small", "name": "Petit terrain", "lon": 7.1775, "lat": 47.7931, "free_ha": 0.5},
          {"id": "wesserling", "name": "Wesserling", "lon": 6.9911517, "lat": 47.87692}
        ]}"#;
    let req: SitingRequest = serde_json::from_str(json).unwrap();
    assert!(matches!(req.candidates, Candidates::List(ref l) if l.len() == 4));
    let r = siting::site(&load(), &req).unwrap();
    assert_eq!(r.material, "pallets", "a French label resolves to its slug");
    let by_id = |id: &str| r.candidates.iter().find(|c| c.id == id).unwrap();
    assert!(by_id("cernay").excluded && by_id("cernay").rank.is_none());
    assert!(by_id("small").excluded);
    assert!(
        by_id("small")
            .exclusion_reason
            .as_deref()
            .unwrap()
            .contains("free land")
    );
    assert_eq!(r.best_set.site_ids, vec!["thann".to_owned()]);
    assert_eq!(by_id("thann").rank, Some(1));
    // Excluded candidates still carry their figures, listed last.
    assert!(by_id("cernay").figures.vehicle_km_per_year > 0.0);
    assert!(r.candidates.last().unwrap().excluded);
    // The result serialises for the API.
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["method"], "crow_flies");
    assert!(v["candidates"][0]["share_within_10km"].is_number());
    // p larger than the eligible candidates.
    let mut req2 = req.clone();
    req2.p = 3;
    let e = siting::site(&load(), &req2).unwrap_err().to_string();
    assert!(e.contains("p must be between 1 and"), "{e}");
}

#[test]
fn unknown_material_is_a_clear_error() {
    let e = siting::site(&load(), &SitingRequest::new("unobtainium"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown material `unobtainium`"), "{e}");
    assert!(e.contains("pallets"), "lists the known materials: {e}");
}

#[test]
fn candidates_csv_errors_name_file_line_and_field() {
    let p = Path::new("cands.csv");
    let ok = siting::parse_candidates_csv(
        p,
        b"id,name,lon,lat,free_ha,excluded\na,A,7.1,47.8,3,false\nb,B,7.2,47.7,,yes\n",
    )
    .unwrap();
    assert_eq!(ok.len(), 2);
    assert_eq!(
        ok[1],
        CandidateInput {
            id: "b".into(),
            name: "B".into(),
            lon: 7.2,
            lat: 47.7,
            free_ha: None,
            excluded: true
        }
    );
    let e = siting::parse_candidates_csv(p, b"id,name,lon,lat\na,A,7.1,47.8\nb,B,east,47.7\n")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "cands.csv, line 3, field `lon`: `east` is not a number");
    let e = siting::parse_candidates_csv(p, b"id,name,lon,lat\na,A,7.1,47.8\na,B,7.2,47.7\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("cands.csv, line 3, field `id`: duplicate id `a`"),
        "{e}"
    );
    let e = siting::parse_candidates_csv(p, b"id,name,lat\na,A,47.8\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1, field `lon`: missing column"), "{e}");
    let e = siting::parse_candidates_csv(p, b"id,name,lon,lat,excluded\na,A,7.1,47.8,peut-etre\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2, field `excluded`"), "{e}");
}

#[test]
fn cli_site_reports_a_bad_candidates_file_and_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("cands.csv");
    std::fs::write(&bad, "id,name,lon,lat\nx,X,7.1,95\n").unwrap();
    let bad = bad.to_str().unwrap();
    let out = boucle_in(
        &geodata(),
        &["site", "--material", "pallets", "--candidates", bad],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cands.csv, line 2, field `lat`"), "{err}");
    let layer = dir.path().join("layer.geojson");
    let out = boucle_in(
        &geodata(),
        &[
            "site",
            "--material",
            "pallets",
            "--p",
            "2",
            "--json",
            "--geojson",
            layer.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["best_set"]["p"], 2);
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&layer).unwrap()).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
}

#[test]
fn figures_come_from_the_road_graph_once_imported() {
    use boucle::network::fixture::OsmFixture;
    use boucle::network::import::{ImportOptions, import_pbf};
    // A copy of geodata/ with a synthetic grid of roads (0.01° spacing) over the territory.
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(geodata()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let (nx, ny) = (41, 26);
    let id = |i: i64, j: i64| 1 + i * ny + j;
    let mut f = OsmFixture::new();
    for i in 0..nx {
        for j in 0..ny {
            f.node(
                id(i, j),
                6.90 + 0.01 * i as f64,
                47.70 + 0.01 * j as f64,
                &[],
            );
        }
    }
    let mut way = 1000;
    for i in 0..nx {
        let refs: Vec<i64> = (0..ny).map(|j| id(i, j)).collect();
        f.way(way, &refs, &[("highway", "primary")]);
        way += 1;
    }
    for j in 0..ny {
        let refs: Vec<i64> = (0..nx).map(|i| id(i, j)).collect();
        f.way(way, &refs, &[("highway", "primary")]);
        way += 1;
    }
    let pbf = dir.path().join("grid.osm.pbf");
    f.write(&pbf).unwrap();
    import_pbf(
        &pbf,
        &dir.path().join(boucle::network::GRAPH_FILE),
        &ImportOptions::default(),
    )
    .unwrap();
    let t = Territory::load(dir.path()).unwrap();
    let mut req = SitingRequest::new("pallets");
    req.p = 2;
    let road = siting::site(&t, &req).unwrap();
    assert_eq!(road.method.as_str(), "road");
    let crow = pallets(2);
    // On a grid, road distance ≥ great-circle distance: figures differ from crow flies × 1.3
    // but keep the same order of magnitude.
    let (a, b) = (
        road.candidates[0].figures.vehicle_km_per_year,
        crow.candidates[0].figures.vehicle_km_per_year,
    );
    assert!(a > 0.3 * b && a < 3.0 * b, "road {a} vs crow flies {b}");
    assert!(road.best_set.solver.exact);
    let fc = siting::to_geojson(&road);
    assert_eq!(
        fc.features[0].properties.as_ref().unwrap()["method"],
        "road"
    );
    let syn = boucle::synergy::find_candidates(&t).unwrap();
    assert_eq!(syn.method.as_str(), "road");
    // A candidate far from every road: the whole table falls back to crow flies, and says so.
    req.candidates = Candidates::List(vec![
        CandidateInput {
            id: "far".into(),
            name: "Loin".into(),
            lon: 7.6,
            lat: 47.5,
            free_ha: None,
            excluded: false,
        },
        CandidateInput {
            id: "near".into(),
            name: "Près".into(),
            lon: 7.1,
            lat: 47.8,
            free_ha: None,
            excluded: false,
        },
    ]);
    let r = siting::site(&t, &req).unwrap();
    assert_eq!(r.method.as_str(), "crow_flies");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("road network not used")),
        "{:?}",
        r.warnings
    );
}
