//! The HTTP server: a JSON/GeoJSON API over the library and the French map viewer (`web/`).
//!
//! [`router`] builds the whole application from an [`AppState`] so that tests exercise it
//! in-process; [`serve`] binds it to an address. Endpoints and error codes are documented in
//! `docs/api.md`.
//!
//! - [`state`]: the territory and its indexes, loaded once, shared behind an `Arc`;
//! - [`api`]: territory summary, layers, point lookup, officer data;
//! - [`compute`]: pooled rounds and clusters ([`crate::rounds`], [`crate::cluster`]);
//! - [`layers`]: GeoJSON layers and the confidentiality rule for flow quantities;
//! - [`officer`]: the officer's token (digest, rate limit of wrong tokens, action log);
//! - [`limits`]: bounded heavy computations (slots, queue, `503 busy`, time cap, cancellation)
//!   and panics answered with 500;
//! - [`cache`]: layers gzip-compressed once, indicators computed once;
//! - [`assets`]: the viewer's files (rust-embed);
//! - [`error`]: `{ "code", "message" }` errors.

pub mod api;
pub mod assets;
pub mod cache;
pub mod compute;
pub mod error;
pub mod exports;
pub mod layers;
pub mod limits;
pub mod officer;
pub mod positions;
pub mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use state::AppState;

/// Largest accepted request body, in bytes (1 MiB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Longest time a request may take before the server answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The computations this build of the server offers (listed by `/api/territory`).
pub fn computations() -> Vec<&'static str> {
    vec!["rounds", "clusters", "siting", "indicators"]
}

/// The application: API under `/api`, the viewer at `/`.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(api::health))
        .route("/me", get(api::me))
        .route("/territory", get(api::territory))
        .route("/layers/{file}", get(api::layer))
        .route("/locate", get(api::locate))
        .route("/flows", get(api::flows))
        .route("/rounds", post(compute::rounds))
        .route("/rounds/export", post(exports::rounds_export))
        .route("/report", post(compute::report))
        .route("/clusters", get(compute::clusters))
        .route("/siting", post(compute::siting))
        .route("/indicators", get(compute::indicators))
        .route("/actors/{id}/position", post(positions::set_position))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    harden(
        Router::new()
            .nest("/api", api)
            .route("/", get(assets::index))
            .route("/vendor/{*path}", get(assets::vendor))
            .route("/{*path}", get(assets::static_file))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                |State(s): State<AppState>, req: Request, next: Next| async move {
                    officer::guard(&s.officer, req, next).await
                },
            ))
            .with_state(state),
    )
}

/// The layers around every route: body limit, request timeout, JSON errors under `/api`
/// (with `Retry-After` on a 503), compression, and a handler's panic answered with 500.
pub fn harden(app: Router) -> Router {
    app.layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(json_errors))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(limits::panic_response))
}

/// Errors produced by the middleware (body limit, timeout) are plain text: under `/api`, turn
/// them into the API's JSON `{ "code", "message" }`.
async fn json_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut r = next.run(req).await;
    if r.status() == StatusCode::SERVICE_UNAVAILABLE
        && !r.headers().contains_key(header::RETRY_AFTER)
    {
        r.headers_mut()
            .insert(header::RETRY_AFTER, limits::RETRY_AFTER_S.into());
    }
    let status = r.status();
    let json = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api || json || !(status.is_client_error() || status.is_server_error()) {
        return r;
    }
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(BODY_LIMIT),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            status,
            "timeout",
            format!(
                "the request took longer than {} s",
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        StatusCode::NOT_FOUND => ApiError::not_found("no such endpoint; see docs/api.md"),
        s if s.is_client_error() => ApiError::new(s, "bad_request", "request rejected"),
        s => ApiError::new(s, "internal", "internal error"),
    }
    .into_response()
}

/// Serve `router(state)` on `addr` until Ctrl-C. `on_bound` receives the bound address (useful
/// with port 0).
pub async fn serve(
    addr: SocketAddr,
    state: AppState,
    on_bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
