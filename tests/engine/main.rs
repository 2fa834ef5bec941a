//! The routing engine (boucle-vrp): its API, a brute-force oracle, the benchmark formats and `boucle vrp`.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod formats;
mod oracle;
mod scale;
mod vroom;
