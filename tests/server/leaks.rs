//! Leak tests: the attacks of a curious member of the public, automated, against the HTTP API
//! without the officer's token (see docs/confidentiality.md). Each attack is also run against
//! the officer's answer, to show that it does recover quantities there: the checks can fail.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use boucle::server::officer::RatePolicy;
use boucle::server::{self, AppState};
use boucle::territory::Territory;
use geo::Point;
use serde_json::Value;
use tower::ServiceExt;

const TOKEN: &str = "leak-test-officer-token";

fn load(dir: &Path) -> Territory {
    Territory::load(dir).expect("territory loads")
}

fn state_of(t: Territory) -> AppState {
    AppState::new(t, Some(TOKEN.into())).unwrap()
}

/// One request; `client` sets the TCP peer the server sees.
async fn call(
    s: &AppState,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
    client: Option<SocketAddr>,
) -> (StatusCode, Value, axum::http::HeaderMap) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let mut req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_owned())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    if let Some(c) = client {
        req.extensions_mut().insert(ConnectInfo(c));
    }
    let r = server::router(s.clone()).oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v, headers)
}

async fn get(s: &AppState, uri: &str) -> (StatusCode, Value) {
    let (st, v, _) = call(s, Method::GET, uri, None, None, None).await;
    (st, v)
}

async fn post(s: &AppState, uri: &str, body: &str, token: Option<&str>) -> (StatusCode, Value) {
    let (st, v, _) = call(s, Method::POST, uri, token, Some(body), None).await;
    (st, v)
}

/// Tonnes per year of each located holder of `slug`.
fn tonnes_of(t: &Territory, slug: &str) -> BTreeMap<String, (Point<f64>, f64)> {
    let m = t.material(slug).unwrap();
    t.holders(m)
        .unwrap()
        .into_iter()
        .filter_map(|h| Some((h.id, (h.position?, h.kg_per_year / 1000.0))))
        .collect()
}

/// Least squares `min |A x − b|` by the normal equations (Gaussian elimination with partial
/// pivoting and a tiny ridge); `a` is row-major, `rows × cols`.
fn least_squares(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = a[0].len();
    let mut m = vec![vec![0.0; n + 1]; n];
    for (row, &y) in a.iter().zip(b) {
        for i in 0..n {
            for j in 0..n {
                m[i][j] += row[i] * row[j];
            }
            m[i][n] += row[i] * y;
        }
    }
    for (i, r) in m.iter_mut().enumerate() {
        r[i] += 1e-9;
    }
    for c in 0..n {
        let p = (c..n)
            .max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs()))
            .unwrap();
        m.swap(c, p);
        let d = m[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / d;
                for (x, p) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if m[i][i].abs() < 1e-12 {
                0.0
            } else {
                m[i][n] / m[i][i]
            }
        })
        .collect()
}

/// The siting attack: every per-candidate number of an answer, taken as Σ tonnes × distance
/// (and, up to an unknown affine normalisation, as a score), solved for the tonnes at each
/// distinct holder position with the public positions and the public travel method. Returns
/// the holders whose tonnage is recovered within 1 %.
fn solve_siting(t: &Territory, slug: &str, answer: &Value) -> Vec<String> {
    let holders = tonnes_of(t, slug);
    // Distinct positions: holders sharing one are summed by any figure.
    let mut positions: Vec<Point<f64>> = Vec::new();
    for (p, _) in holders.values() {
        if !positions.iter().any(|q| q == p) {
            positions.push(*p);
        }
    }
    let cands = answer["candidates"].as_array().unwrap();
    let to: Vec<Point<f64>> = cands
        .iter()
        .map(|c| Point::new(c["lon"].as_f64().unwrap(), c["lat"].as_f64().unwrap()))
        .collect();
    let travel = boucle::travel::Travel::for_territory(t).unwrap();
    let table = travel.table(&positions, &to).unwrap().matrix;
    use boucle::travel::CostMatrix;
    // Every numeric field of a candidate (flattened), but its position and rank.
    let mut fields: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
    fn flat(prefix: &str, v: &Value, out: &mut Vec<(String, f64)>) {
        match v {
            Value::Number(n) => out.push((prefix.to_owned(), n.as_f64().unwrap())),
            Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| flat(&format!("{prefix}.{k}"), x, out)),
            _ => {}
        }
    }
    for (j, c) in cands.iter().enumerate() {
        let mut nums = Vec::new();
        flat("", c, &mut nums);
        for (k, x) in nums {
            if matches!(k.as_str(), ".lon" | ".lat" | ".rank" | ".free_ha") {
                continue;
            }
            fields.entry(k).or_insert_with(|| vec![None; cands.len()])[j] = Some(x);
        }
    }
    let mut recovered = Vec::new();
    for values in fields.values() {
        let rows: Vec<usize> = (0..cands.len()).filter(|&j| values[j].is_some()).collect();
        if rows.len() < 2 {
            continue;
        }
        // Linear model: value = Σ_p x_p · d(p, c), and the affine one (score = α − β Σ …).
        for affine in [false, true] {
            let a: Vec<Vec<f64>> = rows
                .iter()
                .map(|&j| {
                    let mut r: Vec<f64> = (0..positions.len())
                        .map(|p| table.distance_m(p, j) / 1000.0)
                        .collect();
                    if affine {
                        r.push(1.0);
                    }
                    r
                })
                .collect();
            let b: Vec<f64> = rows.iter().map(|&j| values[j].unwrap()).collect();
            let x = least_squares(&a, &b);
            // The affine model gives tonnes up to a factor: the material's public total
            // fixes it.
            let scale = if affine {
                let total: f64 = x[..positions.len()].iter().sum();
                let public_total = answer["tonnes_per_year"].as_f64().unwrap_or(0.0);
                if total.abs() > 1e-12 {
                    public_total / total
                } else {
                    0.0
                }
            } else {
                1.0
            };
            for (id, (p, tonnes)) in &holders {
                let alone = holders.values().filter(|(q, _)| q == p).count() == 1;
                let i = positions.iter().position(|q| q == p).unwrap();
                let guess = x[i] * scale;
                if alone && (guess - tonnes).abs() <= 0.01 * tonnes && !recovered.contains(id) {
                    recovered.push(id.clone());
                }
            }
        }
    }
    recovered
}

/// Attack 1: the viewer's own siting request, solved for the holders' tonnes with their
/// public positions, recovers nothing from the public answer (it does from the officer's).
#[tokio::test]
async fn siting_tonne_km_solving_recovers_no_company() {
    let t = load(&crate::common::geodata());
    let s = state_of(t.clone());
    let mut officer_recovered = 0;
    for slug in ["pallets", "paper_cardboard"] {
        for objective in ["tonne_km", "vehicle_km"] {
            let body = format!(
                r#"{{"material":"{slug}","candidates":"parks","p":1,"objective":"{objective}"}}"#
            );
            let (st, public) = post(&s, "/api/siting", &body, None).await;
            assert_eq!(st, StatusCode::OK, "{public}");
            let got = solve_siting(&t, slug, &public);
            assert!(
                got.is_empty(),
                "{slug}/{objective}: public answer gives {got:?}"
            );
            let (st, officer) = post(&s, "/api/siting", &body, Some(TOKEN)).await;
            assert_eq!(st, StatusCode::OK);
            officer_recovered += solve_siting(&t, slug, &officer).len();
        }
    }
    assert!(
        officer_recovered > 0,
        "the attack must work on the officer's figures, else this test proves nothing"
    );
}

/// Attack 2: a 10 kg inline vehicle (each load split into countable stops) is refused to the
/// public with a stable code; the officer may still use it.
#[tokio::test]
async fn rounds_with_a_probe_vehicle_are_refused() {
    let s = state_of(load(&crate::common::geodata()));
    let body = r#"{"material":"plastics","vehicles":[{"id":"probe","label_fr":"sonde","capacity_kg":10,"cost_per_km_eur":0.5,"cost_per_hour_eur":30,"fixed_cost_eur":0,"max_duration_h":8,"max_distance_km":400,"count":1000,"vehicle_class":"van_3_5t","source":"probe"}],"vehicle":"probe","max_iterations":5}"#;
    let (st, v) = post(&s, "/api/rounds", body, None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "officer_only_parameter");
    let pallets = body.replace("plastics", "pallets");
    let (st, v) = post(&s, "/api/rounds", &pallets, None).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("officer_only_parameter"))
    );
    let (st, v) = post(&s, "/api/rounds", &pallets, Some(TOKEN)).await;
    assert_eq!(st, StatusCode::OK, "{v}");
}

/// Attack 3: counting a company's stops in the public rounds (times the capacity) gives
/// nothing: each holder is listed at most once and no load is published; the officer's plan
/// lists the same holders with their loads.
#[tokio::test]
async fn public_rounds_never_count_a_company() {
    let t = load(&crate::common::geodata());
    let s = state_of(t.clone());
    let mut checked = 0;
    for m in &t.materials {
        let body = format!(
            r#"{{"material":"{}","max_iterations":20,"seed":1}}"#,
            m.slug
        );
        let (st, v) = post(&s, "/api/rounds", &body, None).await;
        if st != StatusCode::OK {
            assert!(
                matches!(
                    v["code"].as_str(),
                    Some("confidential" | "no_data" | "bad_parameter")
                ),
                "{}: {v}",
                m.slug
            );
            continue;
        }
        let mut visits: BTreeMap<String, usize> = BTreeMap::new();
        for r in v["rounds"].as_array().unwrap() {
            assert!(r["load_kg"].is_null() && r["load_m3"].is_null());
            let stops: Vec<&Value> = r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["kind"] == "stop")
                .collect();
            assert!(
                stops.len() >= t.min_contributors(),
                "{}: a round of {} stops",
                m.slug,
                stops.len()
            );
            for x in stops {
                assert!(x["load"].is_null());
                *visits
                    .entry(x["id"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
        }
        assert!(visits.values().all(|&n| n == 1), "{}: {visits:?}", m.slug);
        for f in v["features"].as_array().unwrap() {
            if f["properties"]["kind"] == "stop" {
                assert!(f["properties"]["load"].is_null());
            }
        }
        checked += 1;
    }
    assert!(checked >= 2);
}

/// A material with 2 holders (plastics in geodata/): every public endpoint answers without any
/// figure about it, or refuses.
#[tokio::test]
async fn a_material_with_two_holders_gives_no_figure() {
    let t = load(&crate::common::geodata());
    let holders = t.holders(t.material("plastics").unwrap()).unwrap();
    assert_eq!(holders.len(), 2, "geodata/ has 2 holders of plastics");
    let s = state_of(t.clone());
    let (st, v) = post(
        &s,
        "/api/rounds",
        r#"{"material":"plastics","max_iterations":5}"#,
        None,
    )
    .await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("confidential")),
        "{v}"
    );
    let (st, v) = get(&s, "/api/clusters?material=plastics").await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("confidential")),
        "{v}"
    );
    let (st, v) = post(&s, "/api/siting", r#"{"material":"plastics"}"#, None).await;
    assert_eq!(
        (st, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("confidential")),
        "{v}"
    );
    assert!(v["message"].as_str().unwrap().contains("confidentiel"));
    for l in server::layers::LAYERS {
        for uri in [
            format!("/api/layers/{l}.geojson"),
            format!("/api/layers/{l}.geojson?material=plastics"),
        ] {
            let (st, v) = get(&s, &uri).await;
            if st != StatusCode::OK {
                continue;
            }
            let mut aggs = Vec::new();
            collect(&v, "aggregates", &mut aggs);
            for a in aggs.iter().flat_map(|a| a.as_array().unwrap()) {
                if a["material"] == "plastics" {
                    assert!(a["quantity"].is_null(), "{uri}: {a}");
                }
            }
        }
    }
    // The officer sees them.
    let (st, _) = call(
        &s,
        Method::GET,
        "/api/clusters?material=plastics",
        Some(TOKEN),
        None,
        None,
    )
    .await
    .into_parts();
    assert_eq!(st, StatusCode::OK);
}

trait Parts {
    fn into_parts(self) -> (StatusCode, Value);
}

impl Parts for (StatusCode, Value, axum::http::HeaderMap) {
    fn into_parts(self) -> (StatusCode, Value) {
        (self.0, self.1)
    }
}

fn collect(v: &Value, key: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(o) => {
            if let Some(x) = o.get(key) {
                out.push(x.clone());
            }
            o.values().for_each(|x| collect(x, key, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, key, out)),
        _ => {}
    }
}

/// 1,000 wrong tokens from one client: later attempts are answered 429 with `Retry-After`
/// (even with the right token); another client is not slowed; once the delay has passed the
/// right token works again.
#[tokio::test]
async fn wrong_tokens_are_slowed_and_the_right_one_works_after_the_delay() {
    let policy = RatePolicy {
        free_attempts: 5,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_clients: 100,
    };
    let s =
        AppState::with_policy(load(&crate::common::geodata()), Some(TOKEN.into()), policy).unwrap();
    let attacker: SocketAddr = "192.0.2.7:40000".parse().unwrap();
    let other: SocketAddr = "192.0.2.8:40000".parse().unwrap();
    let mut refused = 0;
    let mut limited = 0;
    for i in 0..1000 {
        let (st, v, h) = call(
            &s,
            Method::GET,
            "/api/me",
            Some(&format!("guess-{i}")),
            None,
            Some(attacker),
        )
        .await;
        match st {
            StatusCode::UNAUTHORIZED => refused += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert_eq!(v["code"], "too_many_attempts");
                let after: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
                assert!(after >= 1);
            }
            s => panic!("unexpected {s}: {v}"),
        }
    }
    assert!(
        refused >= 5 && limited > 900,
        "refused {refused}, limited {limited}"
    );
    // The right token while the delay runs: still 429.
    let (st, _, _) = call(
        &s,
        Method::GET,
        "/api/me",
        Some(TOKEN),
        None,
        Some(attacker),
    )
    .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    // Another client is not slowed, and the public view stays open to the attacker.
    let (st, v, _) = call(&s, Method::GET, "/api/me", Some(TOKEN), None, Some(other)).await;
    assert_eq!((st, v["officer"].as_bool()), (StatusCode::OK, Some(true)));
    let (st, _, _) = call(&s, Method::GET, "/api/me", None, None, Some(attacker)).await;
    assert_eq!(st, StatusCode::OK);
    // After the delay (at most max_delay), the right token works.
    tokio::time::sleep(policy.max_delay + Duration::from_millis(50)).await;
    let (st, v, _) = call(
        &s,
        Method::GET,
        "/api/me",
        Some(TOKEN),
        None,
        Some(attacker),
    )
    .await;
    assert_eq!(
        (st, v["officer"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{v}"
    );
    // And its failures are forgotten: a wrong token is a plain 401 again.
    let (st, _, _) = call(
        &s,
        Method::GET,
        "/api/me",
        Some("again"),
        None,
        Some(attacker),
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

/// Every number of a JSON answer by its path.
fn numbers(prefix: String, v: &Value, out: &mut BTreeMap<String, f64>) {
    let mut backed = BTreeMap::new();
    numbers_backed(prefix, v, 0, &mut backed);
    out.extend(backed.into_iter().map(|(k, (x, _))| (k, x)));
}

/// Every number of a JSON answer by its path, with the contributors the answer says stand
/// behind it: those of the nearest enclosing object that counts them (`contributors` of an
/// aggregate, the `members` of a cluster, the `sources` of a siting answer), else 0.
fn numbers_backed(
    prefix: String,
    v: &Value,
    backed: usize,
    out: &mut BTreeMap<String, (f64, usize)>,
) {
    match v {
        Value::Number(n) => {
            out.insert(prefix, (n.as_f64().unwrap(), backed));
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| numbers_backed(format!("{prefix}[{i}]"), x, backed, out)),
        Value::Object(o) => {
            let here = o
                .get("contributors")
                .and_then(Value::as_u64)
                .map(|n| n as usize)
                .or_else(|| o.get("members").and_then(Value::as_array).map(Vec::len))
                .unwrap_or(backed);
            // A siting answer's `sources` stand behind its own totals only, not behind the
            // candidates' figures.
            let sources = o.get("sources").and_then(Value::as_u64).map(|n| n as usize);
            o.iter().for_each(|(k, x)| {
                let b = match (x, sources) {
                    (Value::Number(_), Some(n)) => n,
                    _ => here,
                };
                numbers_backed(format!("{prefix}.{k}"), x, b, out)
            });
        }
        _ => {}
    }
}

/// The public answers of every endpoint for the material `slug`.
async fn public_answers(s: &AppState, t: &Territory, slug: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut uris = vec!["/api/territory".to_owned(), "/api/indicators".to_owned()];
    for l in server::layers::LAYERS {
        uris.push(format!("/api/layers/{l}.geojson"));
    }
    uris.push(format!("/api/layers/actors.geojson?material={slug}"));
    for e in &t.epcis {
        uris.push(format!("/api/layers/actors.geojson?epci={}", e.siren));
    }
    uris.push(format!("/api/clusters?material={slug}"));
    for v in &t.vehicles.types {
        uris.push(format!("/api/clusters?material={slug}&vehicle={}", v.id));
    }
    for uri in uris {
        let (st, v) = get(s, &uri).await;
        if st == StatusCode::OK {
            out.push((uri, v));
        }
    }
    let mut posts = vec![(
        "/api/rounds",
        format!(r#"{{"material":"{slug}","max_iterations":20,"seed":1}}"#),
    )];
    for v in &t.vehicles.types {
        posts.push((
            "/api/rounds",
            format!(
                r#"{{"material":"{slug}","max_iterations":20,"seed":1,"vehicle":"{}"}}"#,
                v.id
            ),
        ));
    }
    for p in [1, 2, 3] {
        for objective in ["tonne_km", "vehicle_km"] {
            for territory_only in [false, true] {
                posts.push((
                    "/api/siting",
                    format!(
                        r#"{{"material":"{slug}","p":{p},"objective":"{objective}","territory_only":{territory_only}}}"#
                    ),
                ));
            }
        }
    }
    for (uri, body) in posts {
        let (st, v) = post(s, uri, &body, None).await;
        if st == StatusCode::OK {
            out.push((format!("{uri} {body}"), v));
        }
    }
    out
}

/// The generic differencing check: for a company's flow removed (on a copy of the
/// territory), no public number of any endpoint and parameter set changes by that company's
/// exact quantity (in its unit, in tonnes or in kg per year).
#[tokio::test]
async fn removing_one_company_changes_no_public_number_by_its_quantity() {
    let base = load(&crate::common::geodata());
    let s0 = state_of(base.clone());
    // Companies of the issue (one of the two plastics holders, a small and a large pallets
    // holder) and a paper/cardboard holder.
    let cases = [
        ("grandes-sources-de-wattwiller", "plastics"),
        ("trelleborg-ex-rolin", "plastics"),
        ("angenstein-sa", "pallets"),
        ("mic-thann-sas-cristal-france-sas", "pallets"),
        ("super-u", "paper_cardboard"),
    ];
    let mut compared = 0;
    let k = base.min_contributors();
    for (holder, slug) in cases {
        let flow = base
            .flows
            .iter()
            .find(|f| f.holder == holder && f.material == slug)
            .unwrap_or_else(|| panic!("{holder} holds {slug} in geodata/"))
            .clone();
        let m = base.material(slug).unwrap();
        let q = flow.quantity * flow.period.per_year();
        let kg = flow.kg_per_year(m).unwrap();
        let targets = [q, kg / 1000.0, kg];
        let dir = crate::common::copy_geodata();
        let text = std::fs::read_to_string(dir.path().join("flows.csv")).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with(&format!("{holder},{slug},")))
            .collect();
        assert_eq!(kept.len() + 1, text.lines().count());
        std::fs::write(dir.path().join("flows.csv"), kept.join("\n") + "\n").unwrap();
        let t1 = load(dir.path());
        let s1 = state_of(t1.clone());
        let before = public_answers(&s0, &base, slug).await;
        let after = public_answers(&s1, &t1, slug).await;
        for (uri, a) in &before {
            let Some((_, b)) = after.iter().find(|(u, _)| u == uri) else {
                continue;
            };
            let (mut na, mut nb) = (BTreeMap::new(), BTreeMap::new());
            numbers_backed(String::new(), a, 0, &mut na);
            numbers_backed(String::new(), b, 0, &mut nb);
            for (path, (x, n)) in &na {
                let Some((y, m)) = nb.get(path) else { continue };
                compared += 1;
                // A figure that k contributors stand behind in both versions may move by one
                // company's quantity when that company leaves it (the rule's exception).
                if (*n).min(*m) >= k {
                    continue;
                }
                let d = (x - y).abs();
                for target in targets {
                    assert!(
                        (d - target).abs() > 1e-6 * target.max(1.0),
                        "{uri} {path}: {x} − {y} = {holder}'s {slug} ({target}), behind it {n} then {m}"
                    );
                }
            }
        }
    }
    assert!(compared > 1000, "{compared} numbers compared");
}

/// The same differencing check catches the officer's aggregates (the check can fail): the
/// intercommunality total of a company's material drops by exactly its quantity.
#[tokio::test]
async fn the_differencing_check_catches_the_officers_aggregates() {
    let base = load(&crate::common::geodata());
    let (holder, slug) = ("angenstein-sa", "pallets");
    let flow = base
        .flows
        .iter()
        .find(|f| f.holder == holder && f.material == slug)
        .unwrap()
        .clone();
    let dir = crate::common::copy_geodata();
    let text = std::fs::read_to_string(dir.path().join("flows.csv")).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(&format!("{holder},{slug},")))
        .collect();
    std::fs::write(dir.path().join("flows.csv"), kept.join("\n") + "\n").unwrap();
    let (s0, s1) = (state_of(base.clone()), state_of(load(dir.path())));
    let uri = "/api/layers/epci.geojson";
    let (_, a, _) = call(&s0, Method::GET, uri, Some(TOKEN), None, None).await;
    let (_, b, _) = call(&s1, Method::GET, uri, Some(TOKEN), None, None).await;
    let (mut na, mut nb) = (BTreeMap::new(), BTreeMap::new());
    numbers(String::new(), &a, &mut na);
    numbers(String::new(), &b, &mut nb);
    let q = flow.quantity * flow.period.per_year();
    assert!(
        na.iter()
            .any(|(p, x)| nb.get(p).is_some_and(|y| ((x - y).abs() - q).abs() < 1e-6)),
        "the officer's aggregates must show the difference"
    );
}
