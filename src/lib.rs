//! # boucle — territorial industrial ecology
//!
//! boucle maps a territory's companies, social-economy organisations and waste flows, pools their
//! collections into shared rounds on the road network, and ranks sites for new circular-economy
//! activities. The library holds all the logic; the `boucle` binary (CLI) and the HTTP server are
//! thin layers over it.
//!
//! Map of the crate:
//! - [`territory`]: the model (communes, intercommunalities, business parks, sites, actors, flows,
//!   materials) and the loading and validation of a territory folder;
//! - [`io`]: file formats (GeoJSON, ESRI Shapefile with Lambert-93 reprojection, CSV) and atomic
//!   writes;
//! - [`spatial`]: point → commune / intercommunality, nearest business park (rstar + a grid);
//! - [`geocode`]: addresses → points with a precision: BAN/BAL import into a compact binary
//!   index, French address matching (housenumber → street → park → commune), the IGN
//!   Géoplateforme client (online, on request) and SIRENE establishments;
//! - [`network`]: OpenStreetMap road graph, snapping, contraction-hierarchy matrices and routes,
//!   with the crow-flies fallback behind one [`network::Router`] trait;
//! - [`cost`]: the travel-cost trait shared by clustering, rounds and siting, and the crow-flies
//!   fallback;
//! - [`cluster`]: groups of holders of a material for pooling (DBSCAN on the cost matrix,
//!   capacity split);
//! - [`scenario`]: vehicle types, emission factors, cost and CO2e model, alone vs pooled;
//! - [`plan`]: pooled collection rounds of one material (request → rounds → scenario), the
//!   function behind `boucle rounds` and the API;
//! - [`rounds`]: vehicle routing for pooled collection rounds (model, hybrid genetic search,
//!   independent checker, CVRPLIB / Solomon readers);
//! - [`siting`]: facility location (candidate sites ranked by yearly transport, p-median);
//! - [`synergy`]: the materials vocabulary, out → in matching and the synergy register;
//! - [`indicators`]: Korhonen's ecosystem principles as numbers, for elected officials;
//! - [`server`]: the HTTP API (axum) and the map viewer's files;
//! - [`cli`]: the command implementations called by `main.rs`.
//!
//! Conventions: WGS84 longitude/latitude everywhere (RFC 7946 order), metres, seconds,
//! kilograms, euros; communes by INSEE code, intercommunalities by SIREN.
#![forbid(unsafe_code)]

pub mod cli;
pub mod cluster;
pub mod cost;
pub mod error;
pub mod geocode;
pub mod indicators;
pub mod io;
pub mod network;
pub mod plan;
pub mod rounds;
pub mod scenario;
pub mod server;
pub mod siting;
pub mod spatial;
pub mod synergy;

pub mod territory;

pub use error::{Error, Result};
