//! `POST /api/actors/{id}/position`: the officer places an actor (body `{"lon": …, "lat": …}`),
//! exactly as `boucle actors set-position ID LON LAT` does — range-checked, under the folder's
//! lock, `actors.csv` written atomically with `precision = manual` — and the change is logged.
//! The running server's layers and computations keep the territory they loaded: the position
//! counts for them at the next start (the answer says so; the viewer draws the actor at once).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::state::AppState;

/// Body of `POST /api/actors/{id}/position`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionBody {
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
}

/// Longest actor id accepted in the path.
const MAX_ID_LEN: usize = 200;

/// `POST /api/actors/{id}/position` (officer only: 403 `officer_only` without the token).
pub async fn set_position(
    State(s): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<PositionBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    if !super::api::officer(&s, &headers)? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "officer_only",
            "placing an actor is the officer's: send `Authorization: Bearer <token>`",
        ));
    }
    let Json(body) = body.map_err(|e| ApiError::bad_parameter(e.body_text()))?;
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(ApiError::bad_parameter(format!(
            "actor id must be 1–{MAX_ID_LEN} characters"
        )));
    }
    if !body.lon.is_finite() || !body.lat.is_finite() {
        return Err(ApiError::bad_parameter(
            "lon and lat must be finite numbers",
        ));
    }
    if s.territory.actor(&id).is_none() {
        return Err(ApiError::not_found(format!("no actor with id {id:?}")));
    }
    let dir = s.territory.dir.clone();
    let (lon, lat) = (body.lon, body.lat);
    let who = id.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::placement::set_actor_position(&dir, &who, lon, lat)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(|e| ApiError::bad_parameter(format!("{e:#}")))?;
    eprintln!(
        "officer change: actor {id} placed at {lon:.7},{lat:.7} (manual; was {} {})",
        done.previous
            .map(|(x, y)| format!("{x:.7},{y:.7}"))
            .unwrap_or_else(|| "-".into()),
        done.previous_precision
    );
    Ok(Json(json!({
        "id": id,
        "lon": lon,
        "lat": lat,
        "precision": "manual",
        "previous": done.previous.map(|(x, y)| [x, y]),
        "previous_precision": done.previous_precision,
        "warning": done.warning,
        "applies": "written to actors.csv; the running server's layers and computations take it at their next start",
    })))
}
