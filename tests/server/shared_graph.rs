//! The road graph is loaded once by the server and shared by every request (rounds, clusters,
//! siting, indicators), and loaded again when its file changes.

use axum::http::{Method, StatusCode};
use boucle::network::fixture::OsmFixture;
use boucle::network::{GRAPH_FILE, ImportOptions, import_pbf};
use boucle::server::AppState;
use serde_json::Value;

use crate::api::{TOKEN, call_with};
use crate::common::copy_geodata;

/// A street grid over the whole territory (6.82–7.31° E, 47.68–48.02° N, ≈ 750 × 890 m blocks), so that every company and
/// park is within the snap distance of a road; `speed` is its `maxspeed` (km/h).
fn territory_grid(dir: &std::path::Path, name: &str, speed: &str) -> std::path::PathBuf {
    let mut f = OsmFixture::new();
    let (nx, ny) = (50i64, 44i64);
    let id = |x: i64, y: i64| y * nx + x + 1;
    for y in 0..ny {
        for x in 0..nx {
            f.node(
                id(x, y),
                6.82 + x as f64 * 0.01,
                47.68 + y as f64 * 0.008,
                &[],
            );
        }
    }
    let mut w = 1;
    for y in 0..ny {
        for x in 0..nx {
            for (dx, dy) in [(1, 0), (0, 1)] {
                if x + dx < nx && y + dy < ny {
                    f.way(
                        w,
                        &[id(x, y), id(x + dx, y + dy)],
                        &[("highway", "secondary"), ("maxspeed", speed)],
                    );
                    w += 1;
                }
            }
        }
    }
    let p = dir.join(name);
    f.write(&p).unwrap();
    p
}

async fn ask(s: &AppState, method: Method, uri: &str, body: Option<&str>) -> Value {
    let a = call_with(
        s.clone(),
        method,
        uri,
        Some(TOKEN),
        body.map(|b| b.as_bytes().to_vec()),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&a.body)
    );
    a.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_graph_loaded_once_serves_concurrent_requests_and_is_reloaded_when_it_changes() {
    let dir = copy_geodata();
    let pbf = territory_grid(dir.path(), "grid.osm.pbf", "50");
    let graph = dir.path().join(GRAPH_FILE);
    import_pbf(&pbf, &graph, &ImportOptions::default()).unwrap();
    let s = AppState::load(dir.path(), Some(TOKEN.into())).unwrap();
    assert_eq!(s.travel.loads(), 1);
    assert_eq!(s.method().as_str(), "road");

    // Rounds, clusters, siting and indicators at the same time, on the one graph.
    let rounds = r#"{"material":"pallets","max_iterations":20,"seed":1}"#;
    let siting = r#"{"material":"pallets","p":2}"#;
    let (r1, r2, c1, c2, si, ind) = tokio::join!(
        ask(&s, Method::POST, "/api/rounds", Some(rounds)),
        ask(&s, Method::POST, "/api/rounds", Some(rounds)),
        ask(&s, Method::GET, "/api/clusters?material=pallets", None),
        ask(&s, Method::GET, "/api/clusters?material=pallets", None),
        ask(&s, Method::POST, "/api/siting", Some(siting)),
        ask(&s, Method::GET, "/api/indicators", None),
    );
    for v in [&r1, &r2, &si] {
        assert_eq!(v["method"], "road", "{v}");
    }
    assert_eq!(r1["scenario"], r2["scenario"]);
    assert_eq!(c1, c2);
    assert!(ind.is_object());
    // Nothing was loaded again.
    assert_eq!(s.travel.loads(), 1);
    let before = r1["scenario"].clone();

    // A new import (slower roads: longer durations) replaces the file: the next request is
    // served on it, once.
    let slow = territory_grid(dir.path(), "slow.osm.pbf", "20");
    let tmp = dir.path().join("slow.graph");
    import_pbf(&slow, &tmp, &ImportOptions::default()).unwrap();
    // A different modification time even on a coarse clock.
    let later =
        std::fs::metadata(&graph).unwrap().modified().unwrap() + std::time::Duration::from_secs(2);
    std::fs::File::options()
        .write(true)
        .open(&tmp)
        .unwrap()
        .set_modified(later)
        .unwrap();
    std::fs::rename(&tmp, &graph).unwrap();
    let (a, b) = tokio::join!(
        ask(&s, Method::POST, "/api/rounds", Some(rounds)),
        ask(&s, Method::POST, "/api/rounds", Some(rounds)),
    );
    assert_eq!(s.travel.loads(), 2);
    assert_eq!(a["scenario"], b["scenario"]);
    assert_ne!(a["scenario"], before, "the new graph's durations are used");
    let _ = ask(&s, Method::GET, "/api/indicators", None).await;
    assert_eq!(s.travel.loads(), 2);

    // A graph file that cannot be read keeps the loaded graph.
    std::fs::write(&graph, b"not a graph").unwrap();
    let v = ask(&s, Method::POST, "/api/rounds", Some(rounds)).await;
    assert_eq!(v["scenario"], a["scenario"]);
    assert_eq!(s.method().as_str(), "road");
}
