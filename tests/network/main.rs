//! The road network: import (PBF and XML), turns, contraction hierarchy against Dijkstra, and its commands.

#[path = "../common/mod.rs"]
mod common;

mod ch;
mod cli;
mod components;
mod import;
mod osm_xml;
mod turns;
mod vehicles;
