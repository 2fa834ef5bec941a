//! Pooled collection rounds of one material on a territory, and what pooling saves against each
//! company hauling alone.

pub mod plan;
pub mod scenario;

pub use plan::*;
