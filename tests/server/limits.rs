//! Bounded work: hostile bodies get a 400 before any allocation, heavy computations beyond the
//! server's slots and queue get `503 busy` with `Retry-After`, a computation past the server's
//! time cap is stopped and keeps its slot until it has, a handler's panic is a 500 and the
//! server answers the next request, layers are served pre-compressed.

use std::io::Read;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::routing::get;
use boucle::server::limits::{Gate, Limits};
use boucle::server::{self, AppState};
use serde_json::Value;
use tower::ServiceExt;

/// The officer's token of these tests: inline vehicles are the officer's (without it, 403).
const TOKEN: &str = "limits-test-token";

fn state(limits: Limits) -> AppState {
    AppState::with_limits(crate::common::load(), Some(TOKEN.into()), limits).unwrap()
}

async fn send(
    app: axum::Router,
    method: Method,
    uri: &str,
    body: Option<&str>,
    gzip: bool,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        // Bodies carry the officer's parameters (inline vehicles); layers are read publicly.
        req = req.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    }
    if gzip {
        req = req.header(header::ACCEPT_ENCODING, "gzip");
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_owned())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let r = app.oneshot(req).await.unwrap();
    let (parts, body) = r.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

fn json(b: &[u8]) -> Value {
    serde_json::from_slice(b).unwrap()
}

#[tokio::test]
async fn capacity_zero_and_cost_1e8_are_400_bad_parameter() {
    let app = server::router(state(Limits::default()));
    for (body, expected) in [
        (
            r#"{"material":"pallets","vehicles":[{"id":"v","capacity_kg":0,"cost_per_km_eur":0.5,"cost_per_hour_eur":30,"vehicle_class":"van_3_5t"}]}"#,
            "`vehicles[0].capacity_kg` (vehicle `v`): 0 is outside the accepted range [1, 100000]",
        ),
        (
            r#"{"material":"pallets","vehicles":[{"id":"v","capacity_kg":1000,"cost_per_km_eur":0.5,"cost_per_hour_eur":1e8,"vehicle_class":"van_3_5t"}]}"#,
            "`vehicles[0].cost_per_hour_eur` (vehicle `v`): 100000000 is outside the accepted range [0, 10000]",
        ),
    ] {
        let (status, _, b) =
            send(app.clone(), Method::POST, "/api/rounds", Some(body), false).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let v = json(&b);
        assert_eq!(v["code"], "bad_parameter", "{v}");
        assert_eq!(v["message"], expected, "{v}");
    }
}

#[tokio::test]
async fn layers_are_served_precompressed_to_gzip_clients() {
    let app = server::router(state(Limits::default()));
    let (s, h, plain) = send(
        app.clone(),
        Method::GET,
        "/api/layers/communes.geojson",
        None,
        false,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get(header::CONTENT_ENCODING).is_none());
    let (s, h, gz) = send(app, Method::GET, "/api/layers/communes.geojson", None, true).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert_eq!(h[header::CONTENT_TYPE], "application/geo+json");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, plain);
    assert!(gz.len() * 3 < plain.len(), "compressed");
}

async fn boom() -> &'static str {
    panic!("boom")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_panic_is_a_500_and_the_server_answers_the_next_request() {
    let app = server::harden(
        axum::Router::new()
            .route("/api/boom", get(boom))
            .route("/api/ok", get(|| async { "ok" })),
    );
    let (s, _, b) = send(app.clone(), Method::GET, "/api/boom", None, false).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json(&b)["code"], "internal");
    let (s, _, b) = send(app, Method::GET, "/api/ok", None, false).await;
    assert_eq!((s, b.as_slice()), (StatusCode::OK, &b"ok"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overrunning_computation_is_cancelled_and_keeps_its_slot_until_it_stops() {
    let gate = Gate::new(Limits {
        concurrent: 1,
        queue: 0,
        queue_wait: Duration::from_millis(10),
        compute_timeout: Duration::from_millis(200),
    });
    let r = gate
        .run(|cancel| {
            while !cancel.is_cancelled() {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(300));
            Ok(())
        })
        .await;
    let e = r.unwrap_err();
    assert_eq!(
        (e.status, e.code),
        (StatusCode::SERVICE_UNAVAILABLE, "timeout")
    );
    assert_eq!(
        gate.running(),
        1,
        "the slot is held while the computation stops"
    );
    let busy = gate.run(|_| Ok(())).await.unwrap_err();
    assert_eq!(busy.code, "busy");
    let start = Instant::now();
    while gate.running() > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the computation stopped"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gate.run(|_| Ok(())).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_heavy_requests_get_200_or_503_busy_and_layers_stay_fast() {
    let app = server::router(state(Limits {
        concurrent: 1,
        queue: 2,
        queue_wait: Duration::from_secs(10),
        compute_timeout: Duration::from_secs(40),
    }));
    let body = r#"{"material":"pallets","time_limit_s":1,"seed":1}"#;
    let heavy: Vec<_> = (0..20)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(
                async move { send(app, Method::POST, "/api/rounds", Some(body), false).await },
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let t = Instant::now();
    let (s, _, _) = send(
        app.clone(),
        Method::GET,
        "/api/layers/communes.geojson",
        None,
        true,
    )
    .await;
    let light = t.elapsed();
    assert_eq!(s, StatusCode::OK);
    assert!(
        light < Duration::from_secs(1),
        "layer answered in {light:?}"
    );
    let (mut ok, mut busy) = (0, 0);
    for h in heavy {
        let (s, headers, b) = tokio::time::timeout(Duration::from_secs(120), h)
            .await
            .expect("no hang")
            .unwrap();
        match s {
            StatusCode::OK => ok += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(json(&b)["code"], "busy");
                assert_eq!(headers[header::RETRY_AFTER], "5");
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", String::from_utf8_lossy(&b)),
        }
    }
    assert_eq!(ok + busy, 20);
    assert!(ok >= 1 && busy >= 1, "ok {ok}, busy {busy}");
}
