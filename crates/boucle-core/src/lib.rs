//! # boucle-core — territory, data and capabilities
//!
//! Everything boucle knows about a territory, with no command line or server: the `boucle`
//! binary (CLI and HTTP API) is a thin layer over this crate, and this crate uses the routing
//! engine [`boucle_vrp`] for collection rounds.
//!
//! Map of the crate, bottom up (a module only uses modules above it in this list):
//! - [`disclosure`]: what may be published without the officer's token (contributors,
//!   primary and secondary suppression, coarsening);
//! - [`error`]: the library's error, naming file, line or feature, and field;
//! - [`limits`]: the documented range of every number read, and the default size limits;
//! - [`io`]: file formats (GeoJSON, ESRI Shapefile with Lambert-93 reprojection, CSV) and atomic
//!   writes;
//! - [`territory`]: the model (communes, intercommunalities, business parks, sites, actors,
//!   flows, materials) and the rules every capability shares: yearly quantities of a flow,
//!   vehicle types, emission factors, per-material defaults, the materials vocabulary, the
//!   synergy register; loading and validation of a territory folder;
//! - [`spatial`]: point → commune / intercommunality, nearest business park (rstar + a grid);
//! - [`geocode`]: addresses → points with a precision (BAN/BAL index, French address matching,
//!   the IGN Géoplateforme client, SIRENE establishments);
//! - [`network`]: OpenStreetMap road graph, snapping, contraction-hierarchy matrices and routes;
//! - [`travel`]: one travel-cost context per territory (the road graph when imported, else the
//!   flagged crow-flies fallback), shared by every capability;
//! - the capabilities, which never import each other: [`rounds`] (pooled collection rounds and
//!   the alone-vs-pooled scenario), [`cluster`], [`siting`], [`synergy`] (out → in matching) and
//!   [`indicators`].
//!
//! Conventions: WGS84 longitude/latitude everywhere (RFC 7946 order), metres, seconds,
//! kilograms, euros; communes by INSEE code, intercommunalities by SIREN.
#![forbid(unsafe_code)]

pub mod cluster;
pub mod disclosure;
pub mod error;
pub mod estimate;
pub mod geocode;
pub mod indicators;
pub mod io;
pub mod limits;
pub mod network;
pub mod progress;
pub mod rounds;
pub mod siting;
pub mod spatial;
pub mod synergy;
pub mod territory;
pub mod travel;
pub mod vroom;

pub use error::{Error, Result};
