//! The HTTP server: a JSON/GeoJSON API over the library and the French map viewer (`web/`).
//!
//! [`router`] builds the whole application from an [`AppState`] so that tests exercise it
//! in-process; [`serve`] binds it to an address. Endpoints and error codes are documented in
//! `docs/api.md`.
//!
//! - [`state`]: the territory and its indexes, loaded once, shared behind an `Arc`;
//! - [`api`]: territory summary, layers, point lookup, officer data;
//! - [`layers`]: GeoJSON layers and the confidentiality rule for flow quantities;
//! - [`assets`]: the viewer's files (rust-embed);
//! - [`error`]: `{ "code", "message" }` errors.

pub mod api;
pub mod assets;
pub mod error;
pub mod layers;
pub mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use state::AppState;

/// Largest accepted request body, in bytes (1 MiB).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Longest time a request may take before the server answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The computations this build of the server offers (listed by `/api/territory`).
pub fn computations() -> Vec<&'static str> {
    Vec::new()
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
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    Router::new()
        .nest("/api", api)
        .route("/", get(assets::index))
        .route("/vendor/{*path}", get(assets::vendor))
        .route("/{*path}", get(assets::static_file))
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
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
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
