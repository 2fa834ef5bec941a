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
//! - [`network`]: OpenStreetMap road graph, snapping, contraction-hierarchy matrices and routes,
//!   with the crow-flies fallback behind one [`network::Router`] trait;
//! - [`cost`]: the travel-cost trait shared by clustering, rounds and siting, and the crow-flies
//!   fallback;
//! - [`rounds`]: vehicle routing for pooled collection rounds (model, hybrid genetic search,
//!   independent checker, CVRPLIB / Solomon readers);
//! - [`siting`]: facility location (candidate sites ranked by yearly transport, p-median);
//! - [`synergy`]: the materials vocabulary, out → in matching and the synergy register;
//! - [`indicators`]: Korhonen's ecosystem principles as numbers, for elected officials;
//! - [`cli`]: the command implementations called by `main.rs`.
//!
//! Conventions: WGS84 longitude/latitude everywhere (RFC 7946 order), metres, seconds,
//! kilograms, euros; communes by INSEE code, intercommunalities by SIREN.
#![forbid(unsafe_code)]

pub mod cli;
pub mod cost;
pub mod error;
pub mod geocode;
pub mod indicators;
pub mod io;
pub mod network;
pub mod rounds;
pub mod siting;
pub mod spatial;
pub mod synergy;

pub mod territory;

pub use error::{Error, Result};
