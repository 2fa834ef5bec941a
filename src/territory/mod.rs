//! The territory: communes, intercommunalities (EPCI), business parks, treatment sites, actors,
//! flows and materials, loaded from a territory folder (see [`MANIFEST_FILE`]) and validated.

pub mod model;

pub use model::*;

/// Name of the manifest file at the root of a territory folder.
pub const MANIFEST_FILE: &str = "territory.toml";
