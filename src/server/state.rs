//! The server's shared state: the territory, its indexes and its travel-cost context (the road
//! graph opened once), loaded at start, the officer's access (token digest, failures per
//! client), and the public layers serialised once.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;

use crate::spatial::SpatialIndex;
use crate::territory::Territory;
use crate::travel::{Method, SharedTravel};

use super::layers;
use super::officer::{OfficerGuard, RatePolicy};

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
    /// The officer's access: the token's digest and the failures per client.
    pub officer: OfficerGuard,
    /// Travel costs: the road graph when one was imported (loaded once, and again when the
    /// file changes), else the crow-flies fallback; every computation takes
    /// [`SharedTravel::current`].
    pub travel: SharedTravel,
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
            .field("officer", &self.0.officer.enabled())
            .field("method", &self.0.travel.current().method())
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
        AppState::with_options(
            territory,
            officer_token,
            RatePolicy::default(),
            super::limits::Limits::default(),
        )
    }

    /// [`AppState::new`] with its own rate limit of wrong tokens (e.g. short delays in tests).
    pub fn with_policy(
        territory: Territory,
        officer_token: Option<String>,
        policy: RatePolicy,
    ) -> crate::Result<AppState> {
        AppState::with_options(
            territory,
            officer_token,
            policy,
            super::limits::Limits::default(),
        )
    }

    /// [`AppState::new`] with these limits on heavy computations.
    pub fn with_limits(
        territory: Territory,
        officer_token: Option<String>,
        limits: super::limits::Limits,
    ) -> crate::Result<AppState> {
        AppState::with_options(territory, officer_token, RatePolicy::default(), limits)
    }

    /// [`AppState::new`] with its rate limit of wrong tokens and its limits on heavy
    /// computations.
    pub fn with_options(
        territory: Territory,
        officer_token: Option<String>,
        policy: RatePolicy,
        limits: super::limits::Limits,
    ) -> crate::Result<AppState> {
        let index = SpatialIndex::new(&territory);
        let travel = SharedTravel::for_territory(&territory)?;
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
            officer: OfficerGuard::new(officer_token.as_deref(), policy),
            travel,
            public_layers,
            gate: super::limits::Gate::new(limits),
            cache,
        })))
    }

    /// How distances are computed: `road` when a road graph was imported, else `crow_flies`.
    pub fn method(&self) -> Method {
        self.travel.current().method()
    }

    /// Load the territory folder `dir` and build the state.
    pub fn load(dir: &Path, officer_token: Option<String>) -> crate::Result<AppState> {
        AppState::new(Territory::load(dir)?, officer_token)
    }

    /// Whether officer access is enabled.
    pub fn officer_enabled(&self) -> bool {
        self.officer.enabled()
    }

    /// Whether `token` is the officer's secret (digests compared in constant time).
    pub fn is_officer_token(&self, token: &str) -> bool {
        self.officer.check(token)
    }

    /// The territory's disclosure rule (its `min_contributors`).
    pub fn rule(&self) -> crate::disclosure::Rule {
        crate::disclosure::Rule::of(&self.territory)
    }

    /// A public layer serialised at start.
    pub fn public_layer(&self, name: &str) -> Option<Bytes> {
        self.public_layers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
    }
}
