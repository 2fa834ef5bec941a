//! `POST /api/rounds/export?format=gpx|csv|csv_fr|vroom`: the rounds of `POST /api/rounds` (same
//! body) as files. GPX and CSV are written from the plan as the caller may see it (the public
//! plan without the officer's token: no loads, rounds suppressed as in the JSON answer);
//! `vroom`, the routing problem with each holder's quantity, is the officer's only.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::api::{Params, officer, params};
use super::compute::{body_bytes, compute, rounds_plan, rounds_req, rounds_request};
use super::error::ApiError;
use super::state::AppState;
use crate::rounds::{self as plan, files};

fn file(body: String, mime: &'static str, name: String) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `POST /api/rounds/export?format=gpx|csv|csv_fr|vroom` (body of `POST /api/rounds`).
pub async fn rounds_export(
    State(s): State<AppState>,
    headers: HeaderMap,
    q: Params,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let q = params(q)?;
    if let Some(k) = q.keys().find(|k| k.as_str() != "format") {
        return Err(ApiError::bad_parameter(format!(
            "unknown parameter `{k}` (expected `format`)"
        )));
    }
    let format = q.get("format").map(String::as_str).unwrap_or("");
    match format {
        "gpx" | "csv" | "csv_fr" => {
            let (officer, req) = rounds_req(&s, &headers, body)?;
            let p = rounds_plan(&s, officer, req).await?;
            let material_fr = s
                .territory
                .material(&p.material)
                .map_or(p.material.clone(), |m| m.label_fr.clone());
            Ok(match format {
                "gpx" => file(
                    files::gpx(&p, &material_fr),
                    "application/gpx+xml",
                    format!("tournees-{}.gpx", p.material),
                ),
                "csv" => file(
                    files::csv(&p, &material_fr, files::CsvStyle::Plain),
                    "text/csv; charset=utf-8",
                    format!("tournees-{}.csv", p.material),
                ),
                _ => file(
                    files::csv(&p, &material_fr, files::CsvStyle::French),
                    "text/csv; charset=utf-8",
                    format!("tournees-{}.csv", p.material),
                ),
            })
        }
        "vroom" => {
            if !officer(&s, &headers)? {
                return Err(ApiError::officer_only("format=vroom"));
            }
            let body = body_bytes(body)?;
            let req = rounds_request(&body)?;
            let slug = req.material.clone();
            let v = compute(&s, move |st, _| {
                plan::export_vroom(&st.territory, &st.travel.current(), &req)
            })
            .await?;
            let text = serde_json::to_string(&v).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(file(text, "application/json", format!("vroom-{slug}.json")))
        }
        other => Err(ApiError::bad_parameter(format!(
            "format `{other}`: expected gpx, csv, csv_fr or vroom"
        ))),
    }
}
