//! The HTTP API in process, and the map viewer end to end in headless Chromium.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod browser;
mod exports_api;
mod leaks;
mod limits;
mod officer;
mod period_api;
mod shared_graph;
mod siting_api;
