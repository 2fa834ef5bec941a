//! `POST /api/rounds/export?format=gpx|csv|csv_fr|vroom`: the rounds as files, public files
//! from the public plan (no loads), the VROOM problem for the officer only.

use axum::http::StatusCode;

use super::api::{TOKEN, post};

const BODY: &str = r#"{"material":"pallets","time_limit_s":0.3,"seed":1}"#;

/// The names of the `<rtept>` of each `<rte>` of a GPX text.
fn route_marks(gpx: &str) -> Vec<Vec<String>> {
    gpx.split("<rte>")
        .skip(1)
        .map(|r| {
            let r = &r[..r.find("</rte>").expect("closed route")];
            r.split("<rtept ")
                .skip(1)
                .map(|p| {
                    let a = p.find("<name>").unwrap() + 6;
                    p[a..a + p[a..].find("</name>").unwrap()].to_owned()
                })
                .collect()
        })
        .collect()
}

/// Marks in the viewer's order: D, then 1…n with V between trips, V, D.
pub(super) fn assert_marks(routes: &[Vec<String>]) {
    assert!(!routes.is_empty());
    for marks in routes {
        assert_eq!(marks.first().map(String::as_str), Some("D"), "{marks:?}");
        assert_eq!(marks.last().map(String::as_str), Some("D"), "{marks:?}");
        assert_eq!(marks[marks.len() - 2], "V", "{marks:?}");
        let numbers: Vec<usize> = marks.iter().filter_map(|m| m.parse().ok()).collect();
        assert_eq!(
            numbers,
            (1..=numbers.len()).collect::<Vec<_>>(),
            "{marks:?}"
        );
        assert!(!numbers.is_empty());
    }
}

#[tokio::test]
async fn public_gpx_and_csv_carry_the_marks_and_no_loads() {
    let a = post("/api/rounds/export?format=gpx", BODY, None).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert!(a.content_type.starts_with("application/gpx+xml"));
    let gpx = String::from_utf8(a.body).unwrap();
    assert!(gpx.starts_with("<?xml") && gpx.trim_end().ends_with("</gpx>"));
    assert!(gpx.contains("Palettes bois"), "material in French");
    assert_marks(&route_marks(&gpx));
    // The public plan's rounds, as POST /api/rounds shows them.
    let plan = post("/api/rounds", BODY, None).await.json();
    assert_eq!(
        route_marks(&gpx).len(),
        plan["rounds"].as_array().unwrap().len()
    );
    let a = post("/api/rounds/export?format=csv", BODY, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let text = String::from_utf8(a.body).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let load = h.iter().position(|c| c == "load_kg").unwrap();
    let mark = h.iter().position(|c| c == "mark").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert!(rows.iter().all(|x| x[load].is_empty()), "public: no loads");
    assert_eq!(&rows[0][mark], "D");
    assert!(rows.iter().any(|x| &x[mark] == "V"));
    let a = post("/api/rounds/export?format=csv_fr", BODY, None).await;
    let text = String::from_utf8(a.body).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("\r\n"));
    assert!(text.lines().next().unwrap().contains(";mark;"));
}

#[tokio::test]
async fn vroom_export_is_the_officers_and_bad_formats_are_named() {
    post("/api/rounds/export?format=vroom", BODY, None)
        .await
        .error(StatusCode::FORBIDDEN, "officer_only_parameter");
    let a = post("/api/rounds/export?format=vroom", BODY, Some(TOKEN)).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    assert!(
        v["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["pickup"][0].as_u64().unwrap() > 0)
    );
    assert!(v["matrices"]["car"]["durations"].is_array());
    post("/api/rounds/export?format=kml", BODY, None)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    post("/api/rounds/export?format=gpx&x=1", BODY, None)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    // The officer's fields stay refused to the public, whatever the format.
    post(
        "/api/rounds/export?format=gpx",
        r#"{"material":"pallets","factors":[]}"#,
        None,
    )
    .await
    .error(StatusCode::FORBIDDEN, "officer_only_parameter");
}
