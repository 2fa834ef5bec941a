//! Handlers of the JSON API: territory summary, layers, point lookup, officer data.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::error::ApiError;
use super::layers::{self, ActorFilter};
use super::state::AppState;

/// Query parameters as a map; a malformed query string is a `bad_parameter` error.
pub type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The query parameters, or a `bad_parameter` error.
pub fn params(p: Params) -> Result<HashMap<String, String>, ApiError> {
    p.map(|Query(m)| m)
        .map_err(|e| ApiError::bad_parameter(e.body_text()))
}

/// Whether the request carries the officer's token. No `Authorization` header: public view.
/// A wrong or malformed token: 401; a token sent to a server without officer access: 403.
pub fn officer(state: &AppState, headers: &HeaderMap) -> Result<bool, ApiError> {
    let Some(v) = headers.get(header::AUTHORIZATION) else {
        return Ok(false);
    };
    let token = v
        .to_str()
        .ok()
        .and_then(|s| s.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer <token>`"))?;
    if !state.officer_enabled() {
        return Err(ApiError::officer_disabled());
    }
    if state.is_officer_token(token) {
        Ok(true)
    } else {
        Err(ApiError::unauthorized("wrong officer token"))
    }
}

/// `GET /api/health`.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /api/me`: whether the request is the officer's.
pub async fn me(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let officer = officer(&s, &headers)?;
    Ok(Json(
        json!({ "officer": officer, "officer_enabled": s.officer_enabled() }),
    ))
}

/// `GET /api/territory`: name, counts, population, bounding box, distance method, materials,
/// treatment sites and the computations available.
pub async fn territory(State(s): State<AppState>) -> Json<Value> {
    let t = &s.territory;
    let b = t.bbox();
    let d = &t.manifest.defaults;
    let materials: Vec<Value> = t
        .materials
        .iter()
        .map(|m| {
            let holders: std::collections::HashSet<&str> = t
                .flows
                .iter()
                .filter(|f| f.material == m.slug && t.actor(&f.holder).is_some())
                .map(|f| f.holder.as_str())
                .collect();
            json!({
                "slug": m.slug,
                "label": m.label_fr,
                "unit": m.unit,
                "kg_per_unit": m.kg_per_unit,
                "ewc_codes": m.ewc_codes,
                "family": m.family,
                "actors": holders.len(),
                "default_treatment_site": d.rounds.get(&m.slug).and_then(|v| v.treatment_site.as_deref()),
            })
        })
        .collect();
    let sites: Vec<Value> = t
        .sites
        .iter()
        .map(|x| json!({ "id": x.id, "name": x.name, "kind": x.kind, "accepts": x.accepts, "located": x.position.is_some() }))
        .collect();
    let parks: Vec<Value> = t
        .parks
        .iter()
        .map(|p| json!({ "id": p.id, "name": p.name, "located": p.position.is_some() }))
        .collect();
    let vehicles: Vec<Value> = t
        .vehicles
        .types
        .iter()
        .map(|v| json!({ "id": v.id, "label": v.label_fr, "capacity_kg": v.capacity_kg, "source": v.source }))
        .collect();
    Json(json!({
        "name": t.manifest.name,
        "description": t.manifest.description,
        "notes": t.manifest.notes,
        "counts": {
            "communes": t.communes.len(),
            "epci": t.epcis.len(),
            "parks": t.parks.len(),
            "sites": t.sites.len(),
            "actors": t.actors.len(),
            "actors_located": t.actors.iter().filter(|a| a.is_located()).count(),
            "flows": t.flows.len(),
            "materials": t.materials.len(),
        },
        "population": t.population(),
        "bbox": [b.min().x, b.min().y, b.max().x, b.max().y],
        "distances": {
            "method": s.method().as_str(),
            "road_graph": s.method() == crate::travel::Method::Road,
            "circuity": d.circuity,
            "speed_kmh": d.speed_kmh,
        },
        "officer_enabled": s.officer_enabled(),
        "min_contributors": s.territory.min_contributors(),
        "layers": layers::LAYERS,
        "materials": materials,
        "sites": sites,
        "parks": parks,
        "vehicles": vehicles,
        "computations": super::computations(),
        "base_maps": base_maps(&t.manifest.viewer),
        "attribution": "Limites IGN ADMIN EXPRESS, INSEE COG ; acteurs et sites : sources publiques ; flux : démonstration",
    }))
}

/// The viewer's base maps: the territory's `[[viewer.base_maps]]`, else Plan IGN (the
/// Géoplateforme's WMTS, the French public reference) and OpenStreetMap.
fn base_maps(v: &crate::territory::manifest::Viewer) -> Value {
    if !v.base_maps.is_empty() {
        return json!(
            v.base_maps
                .iter()
                .map(|b| json!({
                    "id": b.id, "label": b.label, "url": b.url, "attribution": b.attribution,
                    "max_zoom": b.max_zoom.unwrap_or(19),
                }))
                .collect::<Vec<_>>()
        );
    }
    json!([
        {
            "id": "plan_ign",
            "label": "Plan IGN",
            "url": "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
            "attribution": "Plan IGN © IGN – Géoplateforme",
            "max_zoom": 19,
        },
        {
            "id": "osm",
            "label": "OpenStreetMap",
            "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "attribution": "© contributeurs OpenStreetMap",
            "max_zoom": 19,
        },
    ])
}

fn geojson(bytes: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        )],
        bytes,
    )
        .into_response()
}

/// `GET /api/layers/{name}.geojson`; the actors layer takes `?material=SLUG&epci=SIREN`. With
/// the officer's token, actors carry their flows and aggregates are not masked.
pub async fn layer(
    State(s): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    q: Params,
) -> Result<Response, ApiError> {
    let q = params(q)?;
    let name = file
        .strip_suffix(".geojson")
        .filter(|n| layers::LAYERS.contains(n))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "unknown layer `{file}`; layers: {}",
                layers::LAYERS
                    .iter()
                    .map(|l| format!("{l}.geojson"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let officer = officer(&s, &headers)?;
    let mut filter = ActorFilter::default();
    for (k, v) in &q {
        match (name, k.as_str()) {
            ("actors", "material") => {
                if s.territory.material(v).is_none() {
                    return Err(ApiError::bad_parameter(format!("unknown material `{v}`")));
                }
                filter.material = Some(v.clone());
            }
            ("actors", "epci") => {
                if s.territory.epci(v).is_none() {
                    return Err(ApiError::bad_parameter(format!(
                        "unknown intercommunality SIREN `{v}`"
                    )));
                }
                filter.epci = Some(v.clone());
            }
            _ => {
                return Err(ApiError::bad_parameter(format!(
                    "unknown parameter `{k}` for layer {name}"
                )));
            }
        }
    }
    if !officer && filter.is_empty() {
        if super::cache::accepts_gzip(&headers)
            && let Some(gz) = s.cache.gzip_layer(name)
        {
            return Ok(super::cache::gzip_response("application/geo+json", gz));
        }
        if let Some(b) = s.public_layer(name) {
            return Ok(geojson(b));
        }
    }
    let v = layers::layer(&s.territory, name, &filter, officer)
        .ok_or_else(|| ApiError::not_found(format!("unknown layer `{name}`")))?;
    let bytes = serde_json::to_vec(&v).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(geojson(Bytes::from(bytes)))
}

fn coordinate(q: &HashMap<String, String>, key: &str, range: f64) -> Result<f64, ApiError> {
    let raw = q
        .get(key)
        .ok_or_else(|| ApiError::bad_parameter(format!("missing parameter `{key}`")))?;
    let v: f64 = raw.trim().parse().map_err(|_| {
        ApiError::bad_parameter(format!("`{key}` must be a number in degrees, got `{raw}`"))
    })?;
    if !v.is_finite() || v.abs() > range {
        return Err(ApiError::bad_parameter(format!(
            "`{key}` must be within ±{range} degrees, got {v}"
        )));
    }
    Ok(v)
}

/// `GET /api/locate?lon=&lat=`: commune, intercommunality and nearest business park of a point
/// (WGS84 degrees), as `boucle locate` answers.
pub async fn locate(
    State(s): State<AppState>,
    q: Params,
) -> Result<Json<crate::spatial::Located>, ApiError> {
    let q = params(q)?;
    let lon = coordinate(&q, "lon", 180.0)?;
    let lat = coordinate(&q, "lat", 90.0)?;
    Ok(Json(s.index.locate(lon, lat)))
}

/// `GET /api/flows` (officer only): every flow with its quantity and source.
pub async fn flows(State(s): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    if !officer(&s, &headers)? {
        return Err(ApiError::unauthorized(
            "company-level flows are confidential: send the officer's token as `Authorization: Bearer <token>`",
        ));
    }
    Ok(Json(layers::flows(&s.territory)))
}

/// Fallback for unknown `/api/...` routes.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; see docs/api.md")
}

/// Fallback for a known route with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this endpoint; see docs/api.md",
    )
}
