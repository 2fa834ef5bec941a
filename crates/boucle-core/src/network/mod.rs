//! The road network: OpenStreetMap import, road graph, snapping, shortest paths, matrices and
//! route geometry, with a crow-flies fallback when no graph has been imported.
//!
//! Map of the module:
//! - [`osm`]: the OpenStreetMap model ([`osm::RawOsm`]: ways, nodes, turn restrictions) and
//!   [`osm::read_osm`], which tells PBF from XML; its readers [`osm::pbf`] (streaming two-pass
//!   PBF reading) and [`osm::xml`] (OSM XML, `.osm`) fill the same model;
//! - [`profile`]: routing profiles ([`Profile`]) and what they share (road classes, way
//!   profiles, barriers, tag parsing); [`profile::truck`] (default; access, oneway, speeds,
//!   weight and height limits) and [`profile::car`] (OSRM car.lua in Rust, for comparisons);
//! - [`build`]: clipping, cutting at intersections, degree-2 chain contraction, largest SCC;
//! - [`graph`]: the compact road graph and its geometry;
//! - [`turns`]: allowed turns (restrictions, u-turns) and their costs: the edge-based graph;
//! - [`ch`]: contraction hierarchy (with a core where the graph gets dense): contraction and
//!   witness search, one-to-one, bucket and RPHAST many-to-many queries;
//! - [`mod@file`]: the versioned binary graph file (`network.graph`);
//! - [`snap`]: point → nearest position on an edge (rstar), entering the edge-based graph on
//!   the directed edges through it;
//! - [`router`]: the [`Router`] trait, [`Table`], [`Route`], and [`open_router`];
//! - [`crow_flies`]: the fallback without a graph (great circle × circuity at a speed);
//! - [`via_way`]: via-way turn restrictions, by splitting the edge-based graph;
//! - [`vehicle`]: a vehicle's size against the roads' legal limits, and the graph and
//!   hierarchy of a vehicle that avoids the roads it may not take;
//! - [`import`]: the `network import` pipeline;
//! - [`fixture`]: a small PBF (and OSM XML) writer for tests and synthetic networks.
//!
//! Between these modules uses point one way (none uses a module that uses it back):
//! `profile`, `graph`, `ch` and `fixture` use no other network module; `osm` → `profile`;
//! `build` → `osm`, `profile`, `graph`; `turns` → `build`, `osm`, `profile`, `graph`; `snap` →
//! `graph`; `vehicle` → `ch`, `graph`, `turns`; `via_way` → `build`, `graph`, `osm`, `turns`; `file` → `ch`, `turns`, `profile`, `graph`; `router` → `build`, `ch`, `crow_flies`,
//! `file`, `snap`, `turns`, `graph`, `vehicle`; `import` → the whole pipeline. Inside `osm`, `profile` and `ch`, the files
//! take their shared items from the `mod.rs` and no two siblings use each other; the only calls
//! down are [`osm::read_osm`] picking a reader and [`Profile`] dispatching to its vehicle.
//!
//! Consumers (clustering, rounds, siting) call [`open_router`] on the territory folder and use
//! [`Router::table`], whose [`Table`] implements [`boucle_vrp::CostMatrix`].

pub mod build;
pub mod ch;
pub mod crow_flies;
pub mod file;
pub mod fixture;
pub mod graph;
pub mod import;
pub mod osm;
pub mod profile;
pub mod router;
pub mod snap;
pub mod turns;
pub mod vehicle;
pub mod via_way;

use geo::{Rect, coord};

pub use crow_flies::CrowFlies;
pub use file::GRAPH_FILE;
pub use import::{ImportOptions, ImportSummary, import_pbf, import_pbf_with};
pub use profile::Profile;
pub use router::{
    CrowFliesRouter, RoadRouter, Route, Router, RouterOptions, Snapped, Table, open_router,
    open_router_with,
};
pub use vehicle::{BrokenLimit, VehicleLimits};

/// The bounding box of the default territory (Pays Thur Doller), for reference and tests.
pub const PAYS_THUR_DOLLER_BBOX: [f64; 4] = [6.84102, 47.6989, 7.22359, 48.00942];

/// [`PAYS_THUR_DOLLER_BBOX`] as a rectangle.
pub fn pays_thur_doller_bbox() -> Rect<f64> {
    let [w, s, e, n] = PAYS_THUR_DOLLER_BBOX;
    Rect::new(coord! { x: w, y: s }, coord! { x: e, y: n })
}
