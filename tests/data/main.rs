//! Territory data in: the territory folder, imports (Shapefile, sources), geocoding (BAN/BAL, SIRENE, online) and their commands.

#[path = "../common/mod.rs"]
mod common;

mod cnig;
mod flows_import;
mod fuzz;
mod geocode_cli;
mod geocode_history;
mod geocode_offline;
mod geocode_online;
mod geocode_sirene;
mod geocode_sirene_units;
mod import;
mod robust;
mod schedules;
mod territory;
