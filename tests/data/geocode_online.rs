//! The Géoplateforme client against a local axum server speaking the documented formats.

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Query;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use boucle::geocode::MatchType;
use boucle::geocode::online::OnlineGeocoder;

async fn search(Query(q): Query<std::collections::HashMap<String, String>>) -> impl IntoResponse {
    let text = q.get("q").cloned().unwrap_or_default();
    assert_eq!(q.get("limit").map(String::as_str), Some("1"));
    let body = if text.contains("nowhere") {
        r#"{"type":"FeatureCollection","features":[]}"#.to_owned()
    } else if text.contains("broken") {
        "<html>oops</html>".to_owned()
    } else {
        let citycode = q.get("citycode").cloned().unwrap_or_else(|| "68334".into());
        serde_json::json!({
            "type": "FeatureCollection",
            "features": [{
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [7.1013, 47.8013]},
                "properties": {
                    "label": "3 bis Rue de la Gare 68800 Thann",
                    "score": 0.97,
                    "type": "housenumber",
                    "citycode": citycode,
                    "housenumber": "3 bis",
                    "street": "Rue de la Gare",
                    "name": "3 bis Rue de la Gare",
                    "postcode": "68800",
                    "city": "Thann"
                }
            }]
        })
        .to_string()
    };
    ([(header::CONTENT_TYPE, "application/json")], body)
}

async fn search_csv(body: axum::body::Bytes) -> impl IntoResponse {
    let text = String::from_utf8_lossy(&body).into_owned();
    assert!(text.contains("name=\"columns\"\r\n\r\nq\r\n"), "{text}");
    assert!(text.contains("name=\"data\"; filename="), "{text}");
    // the CSV part: after the data part's blank line, up to the closing boundary
    let start = text.find("Content-Type: text/csv\r\n\r\n").unwrap() + 26;
    let end = text[start..].find("\r\n--").unwrap() + start;
    let mut rdr = csv::Reader::from_reader(&text.as_bytes()[start..end]);
    let mut out = String::from(
        "q,citycode,latitude,longitude,result_label,result_score,result_type,result_id,result_housenumber,result_name,result_street,result_postcode,result_city,result_context,result_citycode\n",
    );
    for r in rdr.records() {
        let r = r.unwrap();
        if r[0].contains("nowhere") {
            out.push_str(&format!("\"{}\",{},,,,,,,,,,,,,\n", &r[0], &r[1]));
        } else {
            out.push_str(&format!(
                "\"{}\",{},47.81,7.10,Rue de la Gare 68800 Thann,0.81,street,x,,Rue de la Gare,,68800,Thann,\"68, Haut-Rhin\",68334\n",
                &r[0], &r[1]
            ));
        }
    }
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out)
}

fn server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = Router::new()
                .route("/geocodage/search", get(search))
                .route("/geocodage/search/csv", post(search_csv));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    format!("http://{addr}")
}

#[test]
fn search_parses_the_geojson_answer() {
    let url = server();
    let g = OnlineGeocoder::new(&url).with_min_interval(Duration::from_millis(0));
    let r = g
        .search("3 bis rue de la gare thann", None)
        .unwrap()
        .unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber);
    assert!((r.lon - 7.1013).abs() < 1e-9 && (r.lat - 47.8013).abs() < 1e-9);
    assert!((r.score - 0.97).abs() < 1e-9);
    assert_eq!(r.insee, "68334");
    assert_eq!(r.label, "3 bis Rue de la Gare 68800 Thann");
    let r = g.search("x", Some("68348")).unwrap().unwrap();
    assert_eq!(r.insee, "68348", "citycode filter is sent");
    assert!(g.search("nowhere", None).unwrap().is_none());
    let err = g.search("broken", None).unwrap_err();
    assert!(err.to_string().contains("unexpected response"), "{err}");
}

#[test]
fn requests_are_spaced() {
    let url = server();
    let g = OnlineGeocoder::new(&url).with_min_interval(Duration::from_millis(50));
    let t = Instant::now();
    for _ in 0..4 {
        g.search("a", None).unwrap();
    }
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn batch_csv_endpoint() {
    let url = server();
    let g = OnlineGeocoder::new(&url).with_min_interval(Duration::from_millis(0));
    let qs = vec![
        ("rue de la gare, Thann".to_owned(), Some("68334".to_owned())),
        ("nowhere".to_owned(), None),
        ("rue, \"quoted\" Thann".to_owned(), None),
    ];
    let rs = g.search_batch(&qs).unwrap();
    assert_eq!(rs.len(), 3);
    let r = rs[0].as_ref().unwrap();
    assert_eq!(r.match_type, MatchType::Street);
    assert_eq!(r.street.as_deref(), Some("Rue de la Gare"));
    assert!((r.score - 0.81).abs() < 1e-9);
    assert!(rs[1].is_none());
    assert!(rs[2].is_some());
}

#[test]
fn unreachable_service_is_a_clear_error() {
    // a port nobody listens on
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let g = OnlineGeocoder::new(&format!("http://{addr}"));
    let err = g.search("a", None).unwrap_err().to_string();
    assert!(
        err.contains("request to") && err.contains(&addr.to_string()),
        "{err}"
    );
}

#[test]
fn cli_online_single_and_csv() {
    let url = server();
    let out = crate::common::command()
        .args([
            "geocode",
            "3 bis rue de la gare thann",
            "--online",
            "--json",
        ])
        .env("BOUCLE_GEOCODE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "housenumber");
    assert_eq!(v["insee"], "68334");

    let dir = tempfile::tempdir().unwrap();
    let csv_in = dir.path().join("in.csv");
    std::fs::write(
        &csv_in,
        "address;insee\nrue de la gare Thann;68334\nnowhere;\n",
    )
    .unwrap();
    let out = crate::common::command()
        .args([
            "geocode",
            "--csv",
            csv_in.to_str().unwrap(),
            "--insee-column",
            "insee",
        ])
        .args(["--online", "--online-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "address;insee;result_lon;result_lat;result_score;result_type;result_label;result_insee"
    );
    assert!(
        lines[1].contains(";street;Rue de la Gare 68800 Thann;68334"),
        "{text}"
    );
    assert_eq!(lines[2], "nowhere;;;;;;;");
}
