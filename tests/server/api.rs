//! The HTTP API, in-process (`tower::ServiceExt::oneshot` on `server::router`): every endpoint,
//! its errors, and the confidentiality of company-level flow quantities.

use std::path::Path;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use boucle::server::{self, AppState};
use boucle::territory::Territory;
use serde_json::Value;
use tower::ServiceExt;

pub(super) const TOKEN: &str = "test-officer-token";

pub(super) fn territory() -> &'static Territory {
    static T: OnceLock<Territory> = OnceLock::new();
    T.get_or_init(|| {
        Territory::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata")).expect("geodata")
    })
}

/// State with officer access enabled.
pub(super) fn state() -> AppState {
    static S: OnceLock<AppState> = OnceLock::new();
    S.get_or_init(|| AppState::new(territory().clone(), Some(TOKEN.into())).unwrap())
        .clone()
}

/// A response: status, content type, body.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) content_type: String,
    pub(super) body: Vec<u8>,
}

impl Answer {
    pub(super) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    /// Asserts an API error with this status and code.
    pub(super) fn error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(self.content_type.starts_with("application/json"));
        let v = self.json();
        assert_eq!(v["code"], code, "{v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    }
}

pub(super) async fn call_with(
    state: AppState,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, b.len())
            .body(Body::from(b)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let r = server::router(state).oneshot(req).await.unwrap();
    let status = r.status();
    let content_type = r
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

pub(super) async fn get(uri: &str) -> Answer {
    call_with(state(), Method::GET, uri, None, None).await
}

pub(super) async fn get_as_officer(uri: &str) -> Answer {
    call_with(state(), Method::GET, uri, Some(TOKEN), None).await
}

#[tokio::test]
async fn territory_summary() {
    let a = get("/api/territory").await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["name"], "Pays Thur Doller");
    assert_eq!(v["counts"]["communes"], 46);
    assert_eq!(v["counts"]["epci"], 3);
    assert_eq!(v["population"], 65569);
    let bbox: Vec<f64> = serde_json::from_value(v["bbox"].clone()).unwrap();
    assert_eq!(bbox.len(), 4);
    assert!(bbox[0] < bbox[2] && bbox[1] < bbox[3]);
    assert!((6.8..7.3).contains(&bbox[0]) && (47.6..48.1).contains(&bbox[3]));
    // No road graph in geodata/: the flagged fallback.
    assert_eq!(v["distances"]["method"], "crow_flies");
    assert_eq!(v["distances"]["road_graph"], false);
    assert_eq!(v["distances"]["circuity"], 1.3);
    assert_eq!(v["officer_enabled"], true);
    assert!(
        v["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["slug"] == "pallets" && m["actors"].as_u64().unwrap() > 0)
    );
}

#[tokio::test]
async fn health_and_me() {
    assert_eq!(get("/api/health").await.json()["status"], "ok");
    let me = get("/api/me").await.json();
    assert_eq!(me["officer"], false);
    assert_eq!(get_as_officer("/api/me").await.json()["officer"], true);
}

#[tokio::test]
async fn every_layer_is_geojson_with_the_expected_features() {
    let t = territory();
    let expected = [
        ("communes", 46),
        ("epci", 3),
        ("territory", 1),
        (
            "parks",
            t.parks.iter().filter(|p| p.position.is_some()).count(),
        ),
        (
            "sites",
            t.sites.iter().filter(|s| s.position.is_some()).count(),
        ),
        (
            "actors",
            t.actors.iter().filter(|a| a.position.is_some()).count(),
        ),
    ];
    for (name, n) in expected {
        let a = get(&format!("/api/layers/{name}.geojson")).await;
        assert_eq!(a.status, StatusCode::OK, "{name}");
        assert_eq!(a.content_type, "application/geo+json", "{name}");
        let v = a.json();
        assert_eq!(v["type"], "FeatureCollection");
        let features = v["features"].as_array().unwrap();
        assert_eq!(features.len(), n, "{name}");
        for f in features {
            assert_eq!(f["type"], "Feature");
            let g = &f["geometry"];
            assert!(
                ["Point", "MultiPolygon"].contains(&g["type"].as_str().unwrap()),
                "{name}"
            );
            if g["type"] == "Point" {
                let lon = g["coordinates"][0].as_f64().unwrap();
                let lat = g["coordinates"][1].as_f64().unwrap();
                assert!(
                    (6.0..8.0).contains(&lon) && (47.0..49.0).contains(&lat),
                    "lon/lat order"
                );
            }
        }
    }
    let communes = get("/api/layers/communes.geojson").await.json();
    let thann = communes["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["insee"] == "68334")
        .unwrap();
    assert_eq!(thann["properties"]["name"], "Thann");
    assert_eq!(thann["properties"]["epci_name"], "CC de Thann-Cernay");
    assert!(
        thann["properties"]["source"]
            .as_str()
            .unwrap()
            .contains("ADMIN EXPRESS")
    );
}

#[tokio::test]
async fn actors_filtered_by_material_and_epci() {
    let v = get("/api/layers/actors.geojson?material=pallets")
        .await
        .json();
    let fs = v["features"].as_array().unwrap();
    assert!(!fs.is_empty());
    for f in fs {
        assert!(
            f["properties"]["materials"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["material"] == "pallets")
        );
    }
    let all = get("/api/layers/actors.geojson").await.json();
    let n_all = all["features"].as_array().unwrap().len();
    let mut n_sum = 0;
    for e in &territory().epcis {
        let v = get(&format!("/api/layers/actors.geojson?epci={}", e.siren))
            .await
            .json();
        let fs = v["features"].as_array().unwrap();
        assert!(
            fs.iter()
                .all(|f| f["properties"]["epci_siren"] == e.siren.as_str())
        );
        n_sum += fs.len();
    }
    // Every located actor of the default territory lies in one of its EPCI.
    assert_eq!(n_sum, n_all);
    let v = get("/api/layers/actors.geojson?epci=200036465&material=pallets")
        .await
        .json();
    assert!(!v["features"].as_array().unwrap().is_empty());
    assert!(all["unlocated"].as_u64().unwrap() > 0);
    // The unlocated actors are listed by id and name (the officer places them), and none of them
    // is among the features.
    let missing = all["unlocated_actors"].as_array().unwrap();
    assert_eq!(missing.len() as u64, all["unlocated"].as_u64().unwrap());
    let drawn: Vec<&str> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    for m in missing {
        let id = m["id"].as_str().unwrap();
        assert!(!drawn.contains(&id), "{id} both drawn and unlocated");
        assert!(!m["name"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn layer_errors() {
    get("/api/layers/roads.geojson")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    get("/api/layers/communes.json")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    get("/api/layers/actors.geojson?material=uranium")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get("/api/layers/actors.geojson?epci=123")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get("/api/layers/communes.geojson?colour=red")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get("/api/nothing-here")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    call_with(state(), Method::DELETE, "/api/territory", None, None)
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn locate_a_point_and_its_errors() {
    let v = get("/api/locate?lon=7.1&lat=47.8").await.json();
    assert_eq!(v["commune"]["insee"], "68334");
    assert_eq!(v["epci"]["siren"], "200036465");
    // Same answer as the library (and so as `boucle locate`).
    let lib = serde_json::to_value(state().index.locate(7.1, 47.8)).unwrap();
    assert_eq!(v, lib);
    let outside = get("/api/locate?lon=2.35&lat=48.85").await.json();
    assert!(outside["commune"].is_null());
    for bad in [
        "/api/locate?lon=7.1",
        "/api/locate?lat=47.8",
        "/api/locate?lon=abc&lat=47.8",
        "/api/locate?lon=7.1&lat=95",
        "/api/locate?lon=NaN&lat=47.8",
    ] {
        get(bad)
            .await
            .error(StatusCode::BAD_REQUEST, "bad_parameter");
    }
}

#[tokio::test]
async fn officer_only_flows() {
    get("/api/flows")
        .await
        .error(StatusCode::UNAUTHORIZED, "unauthorized");
    call_with(state(), Method::GET, "/api/flows", Some("wrong"), None)
        .await
        .error(StatusCode::UNAUTHORIZED, "unauthorized");
    let a = get_as_officer("/api/flows").await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v.as_array().unwrap().len(), territory().flows.len());
    assert!(v[0]["quantity"].as_f64().is_some());
    // A wrong token on a public endpoint is refused too (no silent downgrade).
    call_with(
        state(),
        Method::GET,
        "/api/layers/actors.geojson",
        Some("wrong"),
        None,
    )
    .await
    .error(StatusCode::UNAUTHORIZED, "unauthorized");
    // A server without officer token: a bearer token is 403.
    let no_officer = AppState::new(territory().clone(), None).unwrap();
    call_with(
        no_officer.clone(),
        Method::GET,
        "/api/flows",
        Some("x"),
        None,
    )
    .await
    .error(StatusCode::FORBIDDEN, "officer_disabled");
    call_with(no_officer, Method::GET, "/api/flows", None, None)
        .await
        .error(StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn officer_sees_company_flows_in_the_actors_layer() {
    let v = get_as_officer("/api/layers/actors.geojson").await.json();
    assert_eq!(v["officer"], true);
    let f = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == "angenstein-sa")
        .unwrap();
    let flows = f["properties"]["flows"].as_array().unwrap();
    assert!(
        flows
            .iter()
            .any(|x| x["material"] == "pallets" && x["quantity"] == 150.0)
    );
}

#[tokio::test]
async fn body_limit_is_413_json() {
    let big = vec![b' '; server::BODY_LIMIT + 10];
    call_with(state(), Method::POST, "/api/territory", None, Some(big))
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn viewer_files_are_served() {
    let a = get("/").await;
    // Leaflet present (npm ci in web/): the page; absent: a French explanation with 503.
    if boucle::server::assets::leaflet_present() {
        assert_eq!(a.status, StatusCode::OK);
        let html = String::from_utf8(a.body).unwrap();
        assert!(html.contains("lang=\"fr\"") && html.contains("/js/main.js"));
        assert_eq!(
            get("/vendor/leaflet/leaflet.js").await.status,
            StatusCode::OK
        );
    } else {
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(String::from_utf8(a.body).unwrap().contains("npm ci"));
    }
    let js = get("/js/i18n.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(
        js.content_type.contains("javascript"),
        "{}",
        js.content_type
    );
    assert_eq!(get("/nope.html").await.status, StatusCode::NOT_FOUND);
}

/// Every number inside `v` (recursively), but structural indices (`order`, `round`: a stop's
/// rank in its round), which are not quantities.
fn numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        Value::Object(o) => o
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "order" | "round"))
            .for_each(|(_, x)| numbers(x, out)),
        _ => {}
    }
}

/// Checks one public answer: no object attached to an actor (by `id` or `holder`) carries one
/// of that actor's flow quantities or a `flows`/`quantity` field; every published aggregate has
/// at least MIN_CONTRIBUTORS contributors; no flow's source text leaks.
pub(super) fn assert_no_company_quantity(uri: &str, v: &Value) {
    let t = territory();
    match v {
        Value::Object(o) => {
            let id = o
                .get("id")
                .or_else(|| o.get("holder"))
                .and_then(Value::as_str);
            if let Some(actor) = id.and_then(|id| t.actor(id)) {
                assert!(
                    !o.contains_key("flows") && !o.contains_key("quantity"),
                    "{uri}: actor {} carries flows",
                    actor.id
                );
                let mut nums = Vec::new();
                numbers(v, &mut nums);
                for f in t.flows.iter().filter(|f| f.holder == actor.id) {
                    assert!(
                        !nums.contains(&f.quantity),
                        "{uri}: actor {} carries its quantity {}",
                        actor.id,
                        f.quantity
                    );
                }
            }
            if let Some(q) = o.get("quantity")
                && !q.is_null()
            {
                let n = o.get("contributors").and_then(Value::as_u64).unwrap_or(0);
                assert!(
                    n as usize >= server::layers::MIN_CONTRIBUTORS,
                    "{uri}: aggregate with {n} contributors published: {v}"
                );
            }
            o.values().for_each(|x| assert_no_company_quantity(uri, x));
        }
        Value::Array(a) => a.iter().for_each(|x| assert_no_company_quantity(uri, x)),
        _ => {}
    }
}

/// Every value of `key` inside `v` (recursively).
fn collect_key(v: &Value, key: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(o) => {
            if let Some(x) = o.get(key) {
                out.push(x.clone());
            }
            o.values().for_each(|x| collect_key(x, key, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_key(x, key, out)),
        _ => {}
    }
}

pub(super) async fn post(uri: &str, body: &str, token: Option<&str>) -> Answer {
    call_with(
        state(),
        Method::POST,
        uri,
        token,
        Some(body.as_bytes().to_vec()),
    )
    .await
}

#[tokio::test]
async fn rounds_of_pallets_as_geojson_with_the_scenario() {
    let a = post(
        "/api/rounds",
        r#"{"material":"pallets","time_limit_s":0.5,"seed":1}"#,
        None,
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["material"], "pallets");
    assert_eq!(v["method"], "crow_flies");
    let rounds = v["rounds"].as_array().unwrap();
    assert!(!rounds.is_empty());
    let lines = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .count();
    assert_eq!(lines, rounds.len());
    for r in rounds {
        for k in ["distance_m", "duration_s", "cost_eur", "co2e_kg"] {
            assert!(r[k].as_f64().is_some(), "{k}");
        }
        let stops = r["stops"].as_array().unwrap();
        assert_eq!(stops.first().unwrap()["kind"], "depot");
        assert!(stops.iter().any(|s| s["kind"] == "dump"));
        assert!(
            stops.iter().all(|s| s["load"].is_null()),
            "public: loads hidden"
        );
    }
    let sc = &v["scenario"];
    for part in ["alone", "pooled", "savings"] {
        for k in ["distance_km", "hours", "cost_eur", "co2e_kg"] {
            assert!(sc[part][k].as_f64().is_some(), "{part}.{k}");
        }
    }
    assert_eq!(sc["method"], "crow_flies");
    let reasons = sc["estimate"]["reasons"].as_array().unwrap();
    for code in ["demonstration_flows", "crow_flies", "estimated_cost"] {
        assert!(
            reasons.contains(&serde_json::json!(code)),
            "{code} in {reasons:?}"
        );
    }
    assert!(
        v["baseline"]["definition_fr"]
            .as_str()
            .unwrap()
            .starts_with("Chacun seul")
    );
    // Public: which vehicle each company would take alone is hidden.
    assert!(v["baseline"]["vehicles"].is_null());
    assert!(
        sc["factors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["source"].as_str().unwrap().is_empty())
    );
    assert_eq!(v["loads_hidden"], true);
    // Same rounds as the library (and so as `boucle rounds`), both stopped by the same
    // iteration count rather than by the clock.
    let body = r#"{"material":"pallets","max_iterations":40,"seed":1}"#;
    let api = post("/api/rounds", body, None).await.json();
    let mut req: boucle::rounds::RoundsRequest = serde_json::from_str(body).unwrap();
    req.time_limit_s = Some(30.0);
    let lib = boucle::rounds::plan_rounds(territory(), &req).unwrap();
    assert_eq!(lib.rounds.len(), api["rounds"].as_array().unwrap().len());
    assert_eq!(
        serde_json::to_value(&lib.scenario).unwrap(),
        api["scenario"]
    );
    for r in &api["rounds"].as_array().unwrap()[..] {
        assert!(
            r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["load"].is_null())
        );
    }
    // The officer gets the loads.
    let o = post(
        "/api/rounds",
        r#"{"material":"pallets","time_limit_s":0.5,"seed":1}"#,
        Some(TOKEN),
    )
    .await
    .json();
    assert_eq!(o["loads_hidden"], false);
    assert!(o["rounds"][0]["stops"][1]["load"].as_f64().is_some());
}

#[tokio::test]
async fn rounds_errors() {
    for (body, code) in [
        ("{not json", "invalid_json"),
        ("[1,2]", "invalid_json"),
        (r#"{"depot":"x"}"#, "bad_parameter"),
        (r#"{"material":"uranium"}"#, "bad_parameter"),
        (r#"{"material":"pallets","trucks":2}"#, "bad_parameter"),
        (
            r#"{"material":"pallets","time_limit_s":1000}"#,
            "bad_parameter",
        ),
        (r#"{"material":"pallets","seed":"x"}"#, "bad_parameter"),
        (
            r#"{"material":"pallets","max_iterations":0}"#,
            "bad_parameter",
        ),
        (
            r#"{"material":"pallets","max_iterations":100000}"#,
            "bad_parameter",
        ),
        (
            r#"{"material":"pallets","dump":"nowhere"}"#,
            "bad_parameter",
        ),
        (
            r#"{"material":"pallets","vehicle":"spaceship"}"#,
            "bad_parameter",
        ),
    ] {
        post("/api/rounds", body, None)
            .await
            .error(StatusCode::BAD_REQUEST, code);
    }
    // File paths are for the CLI, even for the officer.
    post(
        "/api/rounds",
        r#"{"material":"pallets","vehicles":"/etc/passwd"}"#,
        Some(TOKEN),
    )
    .await
    .error(StatusCode::BAD_REQUEST, "bad_parameter");
    // Parameters of the caller's own are the officer's.
    for body in [
        r#"{"material":"pallets","vehicles":[{"id":"v","capacity_kg":10}],"vehicle":"v"}"#,
        r#"{"material":"pallets","factors":[]}"#,
        r#"{"material":"pallets","vehicles":"/etc/passwd"}"#,
        r#"{"material":"pallets","depot":"7.1,47.8"}"#,
        r#"{"material":"pallets","dump":"7.1,47.8"}"#,
    ] {
        let a = post("/api/rounds", body, None).await;
        a.error(StatusCode::FORBIDDEN, "officer_only_parameter");
        assert!(a.json()["message"].as_str().unwrap().contains("réservé"));
    }
    get("/api/rounds")
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    post("/api/rounds", r#"{"material":"pallets"}"#, Some("wrong"))
        .await
        .error(StatusCode::UNAUTHORIZED, "unauthorized");
    let big = format!(r#"{{"material":"{}"}}"#, "x".repeat(server::BODY_LIMIT));
    post("/api/rounds", &big, None)
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn clusters_of_a_material() {
    let a = get("/api/clusters?material=pallets").await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    let v = a.json();
    let cs = v.as_array().unwrap();
    assert!(!cs.is_empty());
    let members: usize = cs
        .iter()
        .map(|c| c["members"].as_array().unwrap().len())
        .sum();
    assert!(members > 0);
    for c in cs {
        assert!(c["centre"][0].as_f64().is_some());
        for m in c["members"].as_array().unwrap() {
            assert!(
                m["quantity_per_year"].is_null(),
                "public: member quantity hidden"
            );
        }
        if c["members"].as_array().unwrap().len() < server::layers::MIN_CONTRIBUTORS {
            assert!(c["quantity_per_year"].is_null());
            assert!(c["kg_per_year"].is_null() && c["kg_per_cycle"].is_null());
        }
    }
    let o = get_as_officer("/api/clusters?material=pallets")
        .await
        .json();
    assert!(o[0]["members"][0]["quantity_per_year"].as_f64().is_some());
    get("/api/clusters")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get("/api/clusters?material=uranium")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    // The clustering radius and density are the officer's: changing them regroups holders,
    // and the difference between two groupings' totals would isolate one of them.
    get("/api/clusters?material=pallets&eps_m=4000")
        .await
        .error(StatusCode::FORBIDDEN, "officer_only_parameter");
    get("/api/clusters?material=pallets&min_points=3")
        .await
        .error(StatusCode::FORBIDDEN, "officer_only_parameter");
    get_as_officer("/api/clusters?material=pallets&eps_m=-3")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get_as_officer("/api/clusters?material=pallets&min_points=zero")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
    get("/api/clusters?material=pallets&colour=red")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn no_public_endpoint_returns_a_company_quantity() {
    let t = territory();
    let mut uris: Vec<String> = vec![
        "/api/health".into(),
        "/api/me".into(),
        "/api/territory".into(),
    ];
    for l in server::layers::LAYERS {
        uris.push(format!("/api/layers/{l}.geojson"));
    }
    for m in &t.materials {
        uris.push(format!("/api/layers/actors.geojson?material={}", m.slug));
    }
    for e in &t.epcis {
        uris.push(format!("/api/layers/actors.geojson?epci={}", e.siren));
    }
    for a in t.actors.iter().filter_map(|a| a.position) {
        uris.push(format!("/api/locate?lon={}&lat={}", a.x(), a.y()));
    }
    let mut checked = 0;
    for uri in &uris {
        let a = get(uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        let text = String::from_utf8_lossy(&a.body);
        for f in &t.flows {
            assert!(
                !text.contains(&f.source),
                "{uri}: a flow's source text leaks"
            );
        }
        assert_no_company_quantity(uri, &a.json());
        checked += 1;
    }
    // The computations, for every material with holders.
    for m in &t.materials {
        if !t
            .flows
            .iter()
            .any(|f| f.material == m.slug && t.actor(&f.holder).is_some())
        {
            continue;
        }
        let uri = format!("/api/clusters?material={}", m.slug);
        let a = get(&uri).await;
        if a.status == StatusCode::OK {
            assert_no_company_quantity(&uri, &a.json());
            checked += 1;
        }
        let body = format!(r#"{{"material":"{}","time_limit_s":0.2,"seed":1}}"#, m.slug);
        let a = post("/api/rounds", &body, None).await;
        if a.status == StatusCode::OK {
            let v = a.json();
            assert_no_company_quantity("/api/rounds", &v);
            let mut loads = Vec::new();
            collect_key(&v, "load", &mut loads);
            collect_key(&v, "load_kg", &mut loads);
            assert!(loads.iter().all(Value::is_null), "public loads: {loads:?}");
            checked += 1;
        }
    }
    assert!(checked > 20);
    // The officer's flows are refused to the public.
    assert_eq!(get("/api/flows").await.status, StatusCode::UNAUTHORIZED);
    // And the check does catch a leak: the officer's actors layer fails it.
    let officer = get_as_officer("/api/layers/actors.geojson").await.json();
    let caught = std::panic::catch_unwind(|| assert_no_company_quantity("officer", &officer));
    assert!(
        caught.is_err(),
        "the confidentiality check must detect quantities"
    );
}

pub(super) fn contains_key(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| k == key || contains_key(x, key)),
        Value::Array(a) => a.iter().any(|x| contains_key(x, key)),
        _ => false,
    }
}

#[tokio::test]
async fn invalid_register_on_the_server_is_named_not_internal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("synergies.csv"),
        "id,title,material,status,actors,started,updated,notes,source\n\
         s1,Palettes,pallets,maybe,,2024-01-01,,,\n",
    )
    .unwrap();
    let mut t = territory().clone();
    t.dir = dir.path().to_path_buf();
    let a = call_with(
        AppState::new(t, None).unwrap(),
        Method::GET,
        "/api/indicators",
        None,
        None,
    )
    .await;
    a.error(StatusCode::INTERNAL_SERVER_ERROR, "invalid_data");
    let m = a.json()["message"].as_str().unwrap().to_owned();
    assert!(m.contains("synergies.csv") && m.contains("line 2"), "{m}");
    assert!(m.contains("status"), "{m}");
}

#[tokio::test]
async fn indicators_are_aggregates_only() {
    let a = get("/api/indicators").await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert!(!v["indicators"].as_array().unwrap().is_empty());
    assert_eq!(v["estimate"], true);
    let text = String::from_utf8(a.body.clone()).unwrap();
    for actor in &territory().actors {
        assert!(
            !text.contains(&format!("\"{}\"", actor.id)),
            "{} in indicators",
            actor.id
        );
    }
}
