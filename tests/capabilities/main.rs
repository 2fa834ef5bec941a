//! The capabilities on a territory: collection rounds, clusters, siting, synergies, indicators, and their commands.

#[path = "../common/mod.rs"]
mod common;

mod clusters;
mod indicators;
mod rounds;
mod siting;
mod synergy;
