//! # boucle — territorial industrial ecology
//!
//! boucle maps a territory's companies, social-economy organisations and waste flows, pools their
//! collections into shared rounds on the road network, and ranks sites for new circular-economy
//! activities.
//!
//! This crate is the `boucle` binary's library: the command line ([`cli`]) and the HTTP API with
//! the map viewer's files ([`server`]), thin layers over two crates that it re-exports:
//! - [`boucle_core`] (its modules are re-exported at the root: [`territory`], [`io`],
//!   [`spatial`], [`geocode`], [`network`], [`travel`], [`rounds`], [`cluster`], [`siting`],
//!   [`synergy`], [`indicators`]);
//! - [`boucle_vrp`], the routing engine, as [`vrp`].
//!
//! Arrows point down only: this crate uses the core, the core uses the engine.
#![forbid(unsafe_code)]

pub mod cli;
pub mod placement;
pub mod server;

pub use boucle_core::*;
pub use boucle_vrp as vrp;
