//! A door to the routing ecosystem: VROOM's JSON input read into the engine's problem, and the
//! engine's solution written in VROOM's output shape (`boucle vrp solve FILE.json`), plus the
//! territory's rounds problem written in VROOM's input format (`boucle rounds --export vroom`).
//!
//! - [`input`]: the JSON read into checked values (every number range-checked, errors named by
//!   JSON path, e.g. `jobs[3].time_windows[0]`);
//! - [`prepare`]: the travel matrix (custom matrices, or the territory's router on the
//!   coordinates), vehicles grouped into engine types, amounts on the engine's two dimensions,
//!   skill groups;
//! - [`output`]: the engine run, the routes replayed with VROOM's definitions and written in
//!   VROOM's output shape;
//! - [`export`]: a routing problem written in VROOM's input format.
//!
//! The one extension, ignored by VROOM: a vehicle's `"boucle": {"dump" | "dump_index",
//! "unload_service", "max_trips"}` — a treatment site where it unloads between trips and before
//! its end (steps of type `unload` in the output).

pub mod export;
pub mod input;
mod json;
pub mod output;
pub mod prepare;

pub use input::{Input, parse};
pub use output::solve;
pub use prepare::{Prepared, prepare};

/// Whether `text` looks like a VROOM problem (a JSON object).
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}
