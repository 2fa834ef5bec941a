//! `POST /api/rounds` with `period`: the calendar as the public and the officer see it, and the
//! period's range.

use axum::http::StatusCode;

use super::api::*;

#[tokio::test]
async fn a_period_plan_over_http_public_and_officer() {
    let body = r#"{"material":"pallets","period":"2w","max_iterations":40,"seed":3}"#;
    let a = post("/api/rounds", body, None).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    assert_eq!(v["weeks"], 2);
    assert_eq!(v["calendar"].as_array().unwrap().len(), 14);
    assert_eq!(v["calendar"][0]["weekday"], "Mo");
    assert_eq!(v["calendar"][0]["label_fr"], "lundi (semaine 1)");
    assert_eq!(v["loads_hidden"], true);
    for d in v["calendar"].as_array().unwrap() {
        for r in d["rounds"].as_array().unwrap() {
            assert!(r["load_kg"].is_null());
            assert!(r["start_s"].is_number());
        }
    }
    for key in [
        "totals",
        "single_cycle",
        "baseline",
        "savings_vs_single_cycle",
    ] {
        assert!(v[key]["cost_eur"].is_number(), "{key}");
    }
    assert!(!v["companies"].as_array().unwrap().is_empty());
    assert_no_company_quantity("/api/rounds period", &v);
    let o = post("/api/rounds", body, Some(TOKEN)).await.json();
    assert_eq!(o["loads_hidden"], false);
    let loads: Vec<f64> = o["calendar"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["rounds"].as_array().unwrap().clone())
        .filter_map(|r| r["load_kg"].as_f64())
        .collect();
    assert!(!loads.is_empty());
}

#[tokio::test]
async fn the_period_is_range_checked_over_http() {
    for p in [r#""0w""#, r#""14w""#, "2.5", r#""demain""#, "-1", "[4]"] {
        let body = format!(r#"{{"material":"pallets","period":{p}}}"#);
        let a = post("/api/rounds", &body, None).await;
        a.error(StatusCode::BAD_REQUEST, "bad_parameter");
        assert!(
            String::from_utf8_lossy(&a.body).contains("period"),
            "{p}: {}",
            String::from_utf8_lossy(&a.body)
        );
    }
}
