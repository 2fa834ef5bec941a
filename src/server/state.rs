//! The server's shared state: the territory, its indexes and its travel-cost context (the road
//! graph opened once), loaded at start, the officer token, and the public layers serialised
//! once.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;

use crate::spatial::SpatialIndex;
use crate::territory::Territory;
use crate::travel::{Method, Travel};

use super::layers;

/// File name of the imported road graph in a territory folder; its presence switches distances
/// from the crow-flies fallback to the road network.
pub use crate::network::GRAPH_FILE;
/// Shared, read-only state of the server (cheap to clone: one `Arc`).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The loaded territory.
    pub territory: Territory,
    /// Point lookups on it.
    pub index: SpatialIndex,
    /// The officer's secret, if officer access is enabled.
    officer_token: Option<String>,
    /// Travel costs: the road graph when one was imported (opened once), else the crow-flies
    /// fallback; every computation uses it.
    pub travel: Travel,
    /// Public layers, serialised at start: (name, GeoJSON bytes).
    pub public_layers: Vec<(&'static str, Bytes)>,
    /// Bounds the heavy computations (rounds, clusters, siting, indicators): slots, queue,
    /// time cap ([`super::limits`]).
    pub gate: super::limits::Gate,
    /// Pre-compressed layers and computed-once answers ([`super::cache`]).
    pub cache: super::cache::Cache,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("territory", &self.0.territory.manifest.name)
            .field("officer", &self.0.officer_token.is_some())
            .field("method", &self.0.travel.method())
            .finish()
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State over a loaded territory: builds its indexes and opens its road graph, if any.
    /// `officer_token`: the officer's secret (an empty string disables officer access like
    /// `None`). A road graph that cannot be read is an error.
    pub fn new(territory: Territory, officer_token: Option<String>) -> crate::Result<AppState> {
        AppState::with_limits(territory, officer_token, super::limits::Limits::default())
    }

    /// [`AppState::new`] with these limits on heavy computations.
    pub fn with_limits(
        territory: Territory,
        officer_token: Option<String>,
        limits: super::limits::Limits,
    ) -> crate::Result<AppState> {
        let index = SpatialIndex::new(&territory);
        let travel = Travel::for_territory(&territory)?;
        let public_layers: Vec<(&'static str, Bytes)> = layers::PUBLIC_STATIC
            .iter()
            .map(|&name| {
                let v = layers::layer(&territory, name, &layers::ActorFilter::default(), false)
                    .expect("static layer names are known");
                (name, Bytes::from(serde_json::to_vec(&v).expect("JSON")))
            })
            .collect();
        let cache = super::cache::Cache::new(&public_layers);
        Ok(AppState(Arc::new(Inner {
            territory,
            index,
            officer_token: officer_token.filter(|t| !t.is_empty()),
            travel,
            public_layers,
            gate: super::limits::Gate::new(limits),
            cache,
        })))
    }

    /// How distances are computed: `road` when a road graph was imported, else `crow_flies`.
    pub fn method(&self) -> Method {
        self.travel.method()
    }

    /// Load the territory folder `dir` and build the state.
    pub fn load(dir: &Path, officer_token: Option<String>) -> crate::Result<AppState> {
        AppState::new(Territory::load(dir)?, officer_token)
    }

    /// Whether officer access is enabled.
    pub fn officer_enabled(&self) -> bool {
        self.officer_token.is_some()
    }

    /// Whether `token` is the officer's secret (constant-time comparison).
    pub fn is_officer_token(&self, token: &str) -> bool {
        match &self.officer_token {
            None => false,
            Some(t) => {
                let (a, b) = (t.as_bytes(), token.as_bytes());
                a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
            }
        }
    }

    /// A public layer serialised at start.
    pub fn public_layer(&self, name: &str) -> Option<Bytes> {
        self.public_layers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
    }
}
