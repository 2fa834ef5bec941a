//! Handlers of the computations: pooled collection rounds (`POST /api/rounds`) and clusters of
//! holders (`GET /api/clusters`), calling the same library functions as `boucle rounds` and
//! `boucle clusters`.
//!
//! Confidentiality: the public answer is the library's public view — the routes, stops and
//! figures without the loads ([`crate::rounds::RoundsPlan::public`]), clusters without per-company quantities
//! ([`Cluster::public`]), siting without per-holder assignments
//! ([`crate::siting::SitingResult::public`]); the officer's answer is the library's, unchanged.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::Value;

use crate::cluster::{self, ClusterParams};
use crate::rounds::{self as plan, FactorsSpec, RoundsRequest, VehiclesSpec};

use super::api::{Params, officer, params};
use super::error::ApiError;
use super::state::AppState;

/// Largest solver time limit accepted over HTTP, in seconds.
pub const MAX_TIME_LIMIT_S: f64 = 30.0;

/// Largest iteration count accepted over HTTP (`max_iterations`); the time limit still applies.
pub const MAX_ITERATIONS: u64 = 10_000;

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
    "max_iterations",
    // Planning over a period (issue 18).
    "period",
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
    if obj
        .get("period")
        .is_some_and(|p| !(p.is_number() || p.is_string()))
    {
        return Err(ApiError::bad_parameter(
            "`period` must be a number of weeks (1–13) or text such as \"4w\"",
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
    if let Some(p) = &req.period {
        p.weeks()
            .map_err(|e| ApiError::bad_parameter(e.to_string()))?;
    }
    let mut req = req;
    if let Some(i) = req.max_iterations {
        if !(1..=MAX_ITERATIONS).contains(&i) {
            return Err(ApiError::bad_parameter(format!(
                "`max_iterations` must be in [1, {MAX_ITERATIONS}], got {i}"
            )));
        }
        // Over HTTP the clock always bounds the work: the iteration count stops the search
        // first on any reasonable machine, the time limit keeps the server responsive.
        req.time_limit_s.get_or_insert(MAX_TIME_LIMIT_S);
    }
    Ok(req)
}

/// Without the token, rounds use the territory's own parameters only: vehicle types and
/// emission factors of the territory folder (chosen by id with `vehicle`), depot and treatment
/// site by id. Inline vehicles, factors or coordinates would let a caller probe quantities
/// (a 10 kg vehicle splits each load into countable stops): 403 `officer_only_parameter`.
fn public_rounds_request(req: &RoundsRequest) -> Result<(), ApiError> {
    if req.vehicles.is_some() {
        return Err(ApiError::officer_only("vehicles"));
    }
    if req.factors.is_some() {
        return Err(ApiError::officer_only("factors"));
    }
    for (field, v) in [("depot", &req.depot), ("dump", &req.dump)] {
        if v.as_deref().is_some_and(|v| v.contains(',')) {
            return Err(ApiError::officer_only(field));
        }
    }
    Ok(())
}

/// Run a CPU-bound computation through the server's gate ([`super::limits::Gate`]): a bounded
/// number at a time, `503 busy` beyond the queue, stopped past the server's time cap.
pub(super) async fn compute<T: Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&AppState, crate::vrp::CancelFlag) -> crate::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let st = s.clone();
    s.gate
        .run(move |cancel| f(&st, cancel).map_err(ApiError::from))
        .await
}

/// The request body, or the API error for a body that is too large or unreadable.
pub(super) fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(super::BODY_LIMIT)
        } else {
            ApiError::invalid_json(e.body_text())
        }
    })
}

/// `POST /api/rounds`: the pooled rounds of one material (body: `material`, `depot`, `dump`,
/// `vehicle`, `vehicles`, `time_limit_s`, `seed`, `factors`), as a GeoJSON FeatureCollection
/// with the plan's fields and the alone-vs-pooled scenario ([`crate::rounds::geojson`]). Loads
/// are hidden for the public ([`crate::rounds::RoundsPlan::public`]).
pub async fn rounds(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let (officer, req) = rounds_req(&s, &headers, body)?;
    if req.period.is_some() {
        return to_json(&period_plan(&s, officer, req).await?);
    }
    let plan = rounds_plan(&s, officer, req).await?;
    to_json(&plan.feature_collection())
}

/// The period plan of a rounds request with `period` ([`crate::rounds::plan_period`]), as the
/// caller may see it; the improvement stops within the server's cap on a computation.
async fn period_plan(
    s: &AppState,
    officer: bool,
    mut req: RoundsRequest,
) -> Result<crate::rounds::PeriodPlan, ApiError> {
    let cap = s.gate.limits().compute_timeout.as_secs_f64() * 0.6;
    let t = req
        .time_limit_s
        .unwrap_or(crate::rounds::period::PERIOD_DEFAULT_TIME_S);
    req.time_limit_s = Some(t.min(cap.max(0.1)));
    let plan = compute(s, move |st, cancel| {
        req.cancel = Some(cancel);
        plan::plan_period_with(&st.territory, &st.travel.current(), &req)
    })
    .await?;
    Ok(if officer {
        plan
    } else {
        plan.public(s.rule())?
    })
}

/// `POST /api/report`: the body of `POST /api/rounds` → the dated, printable French report of
/// the plan (`boucle report`), as an HTML page; the public sees the public plan.
pub async fn report(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::response::Html<String>, ApiError> {
    let (officer, req) = rounds_req(&s, &headers, body)?;
    let plan = rounds_plan(&s, officer, req).await?;
    let date = crate::io::date::today();
    Ok(axum::response::Html(crate::rounds::report::html(
        &s.territory,
        &plan,
        &date,
    )))
}

/// A rounds request and whether the caller is the officer (officer-only fields refused before
/// any parsing).
pub(super) fn rounds_req(
    s: &AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(bool, RoundsRequest), ApiError> {
    let officer = officer(s, headers)?;
    let body = body_bytes(body)?;
    if !officer && let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(&body) {
        // Before any parsing: whatever its form, the field is the officer's.
        for field in ["vehicles", "factors"] {
            if o.contains_key(field) {
                return Err(ApiError::officer_only(field));
            }
        }
    }
    let req = rounds_request(&body)?;
    if !officer {
        public_rounds_request(&req)?;
    }
    Ok((officer, req))
}

/// The plan a rounds request asks for, as the caller may see it (the public plan without the
/// officer's token).
pub(super) async fn rounds_plan(
    s: &AppState,
    officer: bool,
    mut req: RoundsRequest,
) -> Result<boucle_core::rounds::RoundsPlan, ApiError> {
    // The engine's own clock stops it well within the server's cap on a computation.
    let cap = s.gate.limits().compute_timeout.as_secs_f64() * 0.75;
    if let Some(t) = req.time_limit_s.as_mut() {
        *t = t.min(cap.max(0.1));
    }
    let plan = compute(s, move |st, cancel| {
        req.cancel = Some(cancel);
        plan::plan_rounds_with(&st.territory, &st.travel.current(), &req)
    })
    .await?;
    Ok(if officer {
        plan
    } else {
        plan.public(s.rule())?
    })
}

/// An answer as JSON.
fn to_json(v: &impl serde::Serialize) -> Result<Json<Value>, ApiError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| ApiError::internal(e.to_string()))
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
            "eps_m" | "min_points" if !officer => {
                return Err(ApiError::officer_only(k));
            }
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
    let clusters = compute(&s, move |st, _| {
        cluster::clusters_with(&st.territory, &st.travel.current(), &material, &p)
    })
    .await?;
    if officer {
        to_json(&clusters)
    } else {
        to_json(&cluster::public(clusters, s.rule())?)
    }
}

/// Largest `p` accepted over HTTP for siting.
pub const MAX_SITING_P: usize = 10;

/// `POST /api/siting`: candidate sites ranked for an activity receiving a material (the
/// answer of `boucle site`), with a GeoJSON layer of the candidates (`geojson`, property
/// `score` in [0, 1]). Public answers need at least [`crate::territory::MIN_CONTRIBUTORS`] holders of the
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
    if !officer {
        public_siting_request(&req)?;
    }
    if req.p == 0 || req.p > MAX_SITING_P {
        return Err(ApiError::bad_parameter(format!(
            "`p` must be between 1 and {MAX_SITING_P}, got {}",
            req.p
        )));
    }
    let result = compute(&s, move |st, _| {
        crate::siting::site_with(&st.territory, &req, &st.travel.current())
    })
    .await?;
    if officer {
        to_json(&result.with_layer())
    } else {
        Ok(Json(result.public_answer(s.rule())?))
    }
}

/// Without the token, siting ranks the territory's own business parks with the territory's
/// emission factors: candidate points or files, and an inline emission factor, are the
/// officer's (403 `officer_only_parameter`).
fn public_siting_request(req: &crate::siting::SitingRequest) -> Result<(), ApiError> {
    use crate::siting::Candidates;
    match req.candidates {
        Candidates::Named(_) => {}
        Candidates::List(_) | Candidates::Upload(_) => {
            return Err(ApiError::officer_only("candidates"));
        }
    }
    if req.kg_co2e_per_km.is_some() {
        return Err(ApiError::officer_only("kg_co2e_per_km"));
    }
    Ok(())
}

/// `GET /api/indicators`: Korhonen's principles and the programme's counts (aggregates only),
/// the answer of `boucle indicators`, computed by the first request and then served from the
/// cache ([`super::cache`]) until the road graph changes.
pub async fn indicators(State(s): State<AppState>) -> Result<axum::response::Response, ApiError> {
    // Computed once per loaded road graph: a new graph file gives new distances.
    let generation = s.travel.loads();
    let mut cached = s.cache.indicators.lock().await;
    let bytes = match cached.as_ref() {
        Some((g, b)) if *g == generation => b.clone(),
        _ => {
            let report = compute(&s, |st, _| {
                let register = crate::territory::register::register_of(&st.territory)?;
                crate::indicators::indicators_with(&st.territory, &register, &st.travel.current())
            })
            .await?;
            let b = serde_json::to_vec(&report)
                .map(Bytes::from)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            *cached = Some((generation, b.clone()));
            b
        }
    };
    drop(cached);
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response())
}
