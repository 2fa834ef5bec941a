//! Handlers of the computations: pooled collection rounds (`POST /api/rounds`) and clusters of
//! holders (`GET /api/clusters`), calling the same library functions as `boucle rounds` and
//! `boucle clusters`.
//!
//! Confidentiality: the public answer keeps the routes, stops and figures but strips the loads
//! (per stop, per round) and the per-company quantities of clusters; the officer's answer is the
//! library's, unchanged.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::cluster::{self, ClusterParams};
use crate::rounds::{self as plan, FactorsSpec, RoundsRequest, VehiclesSpec};

use super::api::{Params, officer, params};
use super::error::ApiError;
use super::layers::MIN_CONTRIBUTORS;
use super::state::AppState;

/// Largest solver time limit accepted over HTTP, in seconds.
pub const MAX_TIME_LIMIT_S: f64 = 30.0;

/// Fields accepted in the body of `POST /api/rounds`.
pub const ROUNDS_FIELDS: &[&str] = &[
    "material",
    "depot",
    "dump",
    "vehicles",
    "vehicle",
    "time_limit_s",
    "seed",
    "factors",
];

/// Parse and check the body of `POST /api/rounds`.
pub fn rounds_request(body: &[u8]) -> Result<RoundsRequest, ApiError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid_json(format!("request body: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| ApiError::invalid_json("request body must be a JSON object"))?;
    for k in obj.keys() {
        if !ROUNDS_FIELDS.contains(&k.as_str()) {
            return Err(ApiError::bad_parameter(format!(
                "unknown field `{k}`; fields: {}",
                ROUNDS_FIELDS.join(", ")
            )));
        }
    }
    if !obj.get("material").is_some_and(Value::is_string) {
        return Err(ApiError::bad_parameter(
            "`material` (a material slug) is required",
        ));
    }
    let req: RoundsRequest = serde_json::from_value(v)
        .map_err(|e| ApiError::bad_parameter(format!("request body: {e}")))?;
    if matches!(req.vehicles, Some(VehiclesSpec::File(_)))
        || matches!(req.factors, Some(FactorsSpec::File(_)))
    {
        return Err(ApiError::bad_parameter(
            "`vehicles` and `factors` must be given inline over HTTP (file paths are for the CLI)",
        ));
    }
    if let Some(t) = req.time_limit_s
        && !(t > 0.0 && t <= MAX_TIME_LIMIT_S)
    {
        return Err(ApiError::bad_parameter(format!(
            "`time_limit_s` must be in (0, {MAX_TIME_LIMIT_S}], got {t}"
        )));
    }
    Ok(req)
}

/// Run a CPU-bound computation on the blocking pool, a bounded number at a time.
async fn compute<T: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&AppState) -> crate::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = s
        .compute
        .acquire()
        .await
        .map_err(|_| ApiError::internal("computation pool closed"))?;
    let st = s.clone();
    tokio::task::spawn_blocking(move || f(&st))
        .await
        .map_err(|e| ApiError::internal(format!("computation failed: {e}")))?
        .map_err(ApiError::from)
}

/// Remove loads from a plan's JSON (public view).
pub fn strip_loads(plan: &mut Value) {
    for key in ["rounds"] {
        if let Some(rounds) = plan.get_mut(key).and_then(Value::as_array_mut) {
            for r in rounds {
                for k in ["load_kg", "load_m3"] {
                    if let Some(x) = r.get_mut(k) {
                        *x = Value::Null;
                    }
                }
                if let Some(stops) = r.get_mut("stops").and_then(Value::as_array_mut) {
                    for st in stops {
                        if let Some(x) = st.get_mut("load") {
                            *x = Value::Null;
                        }
                    }
                }
            }
        }
    }
    for k in ["depot", "dump"] {
        if let Some(x) = plan.get_mut(k).and_then(|d| d.get_mut("load")) {
            *x = Value::Null;
        }
    }
    plan["loads_hidden"] = Value::Bool(true);
}

/// The request body, or the API error for a body that is too large or unreadable.
fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(super::BODY_LIMIT)
        } else {
            ApiError::invalid_json(e.body_text())
        }
    })
}

/// `POST /api/rounds`: the pooled rounds of one material (body: `material`, `depot`, `dump`,
/// `vehicle`, `vehicles`, `time_limit_s`, `seed`, `factors`), as GeoJSON-ready JSON with the
/// alone-vs-pooled scenario. Loads are stripped for the public.
pub async fn rounds(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let officer = officer(&s, &headers)?;
    let body = body_bytes(body)?;
    let req = rounds_request(&body)?;
    let plan = compute(&s, move |st| plan::plan_rounds(&st.territory, &req)).await?;
    let mut v = serde_json::to_value(&plan).map_err(|e| ApiError::internal(e.to_string()))?;
    if !officer {
        strip_loads(&mut v);
    } else {
        v["loads_hidden"] = Value::Bool(false);
    }
    Ok(Json(as_feature_collection(v)))
}

/// The plan as a GeoJSON FeatureCollection: one LineString per round (its figures as
/// properties) and one Point per place visited (round, order, kind, arrival, load), the plan's
/// fields kept as foreign members.
pub fn as_feature_collection(mut plan: Value) -> Value {
    let mut features = Vec::new();
    for (i, r) in plan["rounds"].as_array().into_iter().flatten().enumerate() {
        let stops = r["stops"].as_array().map_or(&[][..], Vec::as_slice);
        features.push(json!({
            "type": "Feature",
            "geometry": r["geometry"],
            "properties": {
                "kind": "round",
                "round": i + 1,
                "vehicle": r["vehicle"],
                "stops": stops.iter().filter(|s| s["kind"] == "stop").count(),
                "distance_m": r["distance_m"],
                "duration_s": r["duration_s"],
                "cost_eur": r["cost_eur"],
                "co2e_kg": r["co2e_kg"],
                "method": r["method"],
                "binding": r["binding"],
            },
        }));
        for (order, s) in stops.iter().enumerate() {
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [s["lon"], s["lat"]] },
                "properties": {
                    "kind": s["kind"],
                    "round": i + 1,
                    "order": order,
                    "id": s["id"],
                    "name": s["name"],
                    "arrival_s": s["arrival_s"],
                    "load": s["load"],
                },
            }));
        }
    }
    plan["type"] = json!("FeatureCollection");
    plan["features"] = Value::Array(features);
    plan
}

/// Hide per-company quantities of clusters (public view): members' quantities always, cluster
/// totals below [`MIN_CONTRIBUTORS`] members.
pub fn strip_cluster_quantities(clusters: &mut Value) {
    for c in clusters.as_array_mut().into_iter().flatten() {
        let n = c["members"].as_array().map_or(0, Vec::len);
        for m in c["members"].as_array_mut().into_iter().flatten() {
            m["quantity_per_year"] = Value::Null;
        }
        if n < MIN_CONTRIBUTORS {
            for k in [
                "quantity_per_year",
                "kg_per_year",
                "kg_per_cycle",
                "m3_per_cycle",
            ] {
                if let Some(x) = c.get_mut(k) {
                    *x = Value::Null;
                }
            }
        }
    }
}

/// `GET /api/clusters?material=SLUG[&eps_m=&min_points=&vehicle=]`: groups of holders of a
/// material for pooling. Quantities below the confidentiality threshold are hidden for the
/// public.
pub async fn clusters(
    State(s): State<AppState>,
    headers: HeaderMap,
    q: Params,
) -> Result<Json<Value>, ApiError> {
    let officer = officer(&s, &headers)?;
    let q = params(q)?;
    let mut p = ClusterParams::default();
    let mut material = None;
    for (k, v) in &q {
        match k.as_str() {
            "material" => material = Some(v.clone()),
            "eps_m" => {
                p.eps_m = v
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite() && *x > 0.0)
                    .ok_or_else(|| {
                        ApiError::bad_parameter(format!(
                            "`eps_m` must be a positive number of metres, got `{v}`"
                        ))
                    })?;
            }
            "min_points" => {
                p.min_points = v.parse().ok().filter(|x: &usize| *x >= 1).ok_or_else(|| {
                    ApiError::bad_parameter(format!(
                        "`min_points` must be a positive integer, got `{v}`"
                    ))
                })?;
            }
            "vehicle" => p.vehicle = Some(v.clone()),
            _ => return Err(ApiError::bad_parameter(format!("unknown parameter `{k}`"))),
        }
    }
    let material =
        material.ok_or_else(|| ApiError::bad_parameter("missing parameter `material`"))?;
    if s.territory.material(&material).is_none() {
        return Err(ApiError::bad_parameter(format!(
            "unknown material `{material}`"
        )));
    }
    let clusters = compute(&s, move |st| {
        cluster::clusters_for(&st.territory, &material, &p)
    })
    .await?;
    let mut v = serde_json::to_value(&clusters).map_err(|e| ApiError::internal(e.to_string()))?;
    if !officer {
        strip_cluster_quantities(&mut v);
    }
    Ok(Json(v))
}

/// Largest `p` accepted over HTTP for siting.
pub const MAX_SITING_P: usize = 10;

/// `POST /api/siting`: candidate sites ranked for an activity receiving a material (the
/// answer of `boucle site`), with a GeoJSON layer of the candidates (`geojson`, property
/// `score` in [0, 1]). Public answers need at least [`MIN_CONTRIBUTORS`] holders of the
/// material and leave out the per-holder assignments (tonnes of each company).
pub async fn siting(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let officer = officer(&s, &headers)?;
    let body = body_bytes(body)?;
    let req: crate::siting::SitingRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid_json(format!("request body: {e}")))?;
    if req.p == 0 || req.p > MAX_SITING_P {
        return Err(ApiError::bad_parameter(format!(
            "`p` must be between 1 and {MAX_SITING_P}, got {}",
            req.p
        )));
    }
    let result = compute(&s, move |st| crate::siting::site(&st.territory, &req)).await?;
    if !officer && result.sources < MIN_CONTRIBUTORS {
        return Err(ApiError::unauthorized(format!(
            "fewer than {MIN_CONTRIBUTORS} located holders of `{}`: their figures are confidential (officer only)",
            result.material
        )));
    }
    let layer = crate::siting::to_geojson(&result);
    let mut v = serde_json::to_value(&result).map_err(|e| ApiError::internal(e.to_string()))?;
    if !officer {
        v["best_set"]["assignments"] = Value::Null;
    }
    v["assignments_hidden"] = Value::Bool(!officer);
    v["geojson"] = serde_json::to_value(layer).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(v))
}

/// `GET /api/indicators`: Korhonen's principles and the programme's counts (aggregates only),
/// the answer of `boucle indicators`.
pub async fn indicators(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let report = compute(&s, |st| {
        let register = crate::synergy::register_of(&st.territory)?;
        crate::indicators::indicators(&st.territory, &register)
    })
    .await?;
    Ok(Json(
        serde_json::to_value(report).map_err(|e| ApiError::internal(e.to_string()))?,
    ))
}
