//! The capabilities on a territory: collection rounds, the honesty of their figures (baseline, sensitivity), clusters, siting, synergies, indicators, and their commands; and the layout of the code (no module circles).

#[path = "../common/mod.rs"]
mod common;

mod clusters;
mod figures;
mod indicators;
mod layout;
mod period;
mod rounds;
mod siting;
mod synergy;
mod week;
