//! The siting endpoint (`POST /api/siting`) in process: public ranking without company tonnes,
//! uploaded candidate files, errors.

use axum::http::StatusCode;

use super::api::*;

#[tokio::test]
async fn siting_ranks_parks_publicly_without_company_tonnes() {
    let body = r#"{"material": "pallets", "p": 2}"#;
    let a = post("/api/siting", body, None).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    assert_eq!(v["material"], "pallets");
    assert_eq!(v["method"], "crow_flies");
    assert!(
        v["estimate"]["reasons"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("demonstration_flows"))
    );
    // Two parks share Cernay's centre: their tie is public (it follows from geometry).
    let tied = v["best_single_tied"].as_array().unwrap();
    assert_eq!(tied.len(), 2, "{tied:?}");
    assert_eq!(v["best_set"]["site_ids"].as_array().unwrap().len(), 2);
    assert!(v["best_set"]["assignments"].is_null());
    assert_eq!(v["assignments_hidden"], true);
    assert!(
        !contains_key(&v, "source_id"),
        "no per-holder row in public"
    );
    let cands = v["candidates"].as_array().unwrap();
    assert!(cands.len() >= 5);
    assert_eq!(cands[0]["rank"], 1);
    let layer = &v["geojson"];
    assert_eq!(layer["type"], "FeatureCollection");
    let scores: Vec<f64> = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["score"].as_f64())
        .collect();
    assert!(!scores.is_empty() && scores.iter().all(|s| (0.0..=1.0).contains(s)));
    assert!(scores.contains(&1.0));
    // Public scores are classes (0, 0.25, …, 1) and no candidate carries a figure summing
    // the holders' tonnes or trips.
    assert!(
        scores.iter().all(|s| (s * 4.0).fract() == 0.0),
        "{scores:?}"
    );
    assert_eq!(v["figures_hidden"], true);
    for c in cands {
        for k in ["figures", "share_within_10km", "share_within_20km"] {
            assert!(c[k].is_null(), "{k}: {c}");
        }
    }
    assert!(v["best_set"]["figures"].is_null() && v["best_set"]["objective_value"].is_null());
    assert!(
        v["assumptions"]["kg_co2e_per_km_source"]
            .as_str()
            .unwrap()
            .contains("emission_factors")
            || v["assumptions"]["kg_co2e_per_km_source"]
                .as_str()
                .unwrap()
                .contains("Base Carbone")
    );

    let a = post("/api/siting", body, Some(TOKEN)).await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["assignments_hidden"], false);
    assert!(
        v["candidates"][0]["figures"]["tonne_km_per_year"]
            .as_f64()
            .is_some()
    );
    assert!(!v["best_set"]["assignments"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn siting_ranks_an_uploaded_candidates_file() {
    // CSV as `boucle site --candidates FILE` reads it: Thann, Cernay, Masevaux, one excluded.
    let csv = "id,name,lon,lat,free_ha,excluded\n\
               thann,Friche de Thann,7.104,47.807,2.5,false\n\
               cernay,Terrain de Cernay,7.176,47.806,,false\n\
               masevaux,Site de Masevaux,6.996,47.776,1,false\n\
               old,Ancien site,7.05,47.85,,true\n";
    let body = serde_json::json!({
        "material": "pallets",
        "p": 2,
        "candidates": {"file_name": "candidats.csv", "content": csv},
    })
    .to_string();
    // Candidates of the caller's choosing would let the public place points where the
    // figures isolate one holder: the officer's only.
    post("/api/siting", &body, None)
        .await
        .error(StatusCode::FORBIDDEN, "officer_only_parameter");
    let a = post("/api/siting", &body, Some(TOKEN)).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    let mut ids: Vec<&str> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["cernay", "masevaux", "old", "thann"]);
    let set = v["best_set"]["site_ids"].as_array().unwrap();
    assert_eq!(set.len(), 2);
    assert!(
        !set.iter().any(|s| s == "old"),
        "an excluded site is never chosen"
    );
    assert_eq!(v["geojson"]["features"].as_array().unwrap().len(), 4);

    // The same as GeoJSON.
    let gj = serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a", "name": "A"},
         "geometry": {"type": "Point", "coordinates": [7.104, 47.807]}},
        {"type": "Feature", "properties": {"id": "b"},
         "geometry": {"type": "Point", "coordinates": [6.996, 47.776]}}]});
    let body = serde_json::json!({
        "material": "pallets",
        "candidates": {"file_name": "sites.geojson", "content": gj.to_string()},
    })
    .to_string();
    let a = post("/api/siting", &body, Some(TOKEN)).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(a.json()["candidates"].as_array().unwrap().len(), 2);

    // A bad row: 400 naming the file, the line and the field.
    let bad = "id,name,lon,lat\nthann,Thann,7.104,47.807\ncernay,Cernay,sept,47.806\n";
    let body = serde_json::json!({
        "material": "pallets",
        "candidates": {"file_name": "candidats.csv", "content": bad},
    })
    .to_string();
    let a = post("/api/siting", &body, Some(TOKEN)).await;
    a.error(StatusCode::BAD_REQUEST, "bad_parameter");
    let m = a.json()["message"].as_str().unwrap().to_owned();
    assert!(
        m.contains("candidats.csv") && m.contains("line 3") && m.contains("lon"),
        "{m}"
    );
}

#[tokio::test]
async fn siting_errors() {
    post("/api/siting", r#"{"material": "pallets", "p": 0}"#, None)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    post("/api/siting", r#"{"material": "unobtainium"}"#, None)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    post("/api/siting", "{not json", None)
        .await
        .error(StatusCode::BAD_REQUEST, "invalid_json");
    // A known material that no located actor holds: nothing to rank, a stable `no_data` code
    // (the viewer shows its own French sentence for it).
    let t = territory();
    let empty = t
        .materials
        .iter()
        .find(|m| {
            !t.flows.iter().any(|f| {
                f.material == m.slug && t.actor(&f.holder).is_some_and(|a| a.position.is_some())
            })
        })
        .expect("geodata has a material without located holder");
    let body = format!(r#"{{"material": "{}"}}"#, empty.slug);
    let a = post("/api/siting", &body, Some(TOKEN)).await;
    a.error(StatusCode::UNPROCESSABLE_ENTITY, "no_data");
    assert!(a.json()["message"].as_str().unwrap().contains(&empty.slug));
}
