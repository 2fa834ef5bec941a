//! `boucle` command line: parses arguments and calls the library.

use std::process::ExitCode;

use boucle::cli;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "boucle",
    version,
    about = "Territorial industrial ecology: territory, road network, pooled rounds, siting, map"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import raw data into a territory folder.
    #[command(subcommand)]
    Import(cli::territory::ImportCommand),
    /// Validate a territory folder and print counts.
    Check(cli::territory::CheckArgs),
    /// Commune, intercommunality and nearest business park of a point (or of a CSV of points).
    Locate(cli::territory::LocateArgs),
    /// Serve the HTTP API and the map viewer (default http://127.0.0.1:8080/).
    Serve(cli::serve::ServeArgs),
    /// Road network: import an OpenStreetMap extract, describe the graph.
    #[command(subcommand)]
    Network(cli::network::NetworkCommand),
    /// Route between two points: distance, duration, geometry.
    Route(cli::network::RouteArgs),
    /// Distance and duration matrix between the points of a CSV file.
    Matrix(cli::network::MatrixArgs),
    /// Geocode an address (or a CSV of addresses, or the territory's actors); import BAN files.
    Geocode(cli::geocode::GeocodeArgs),
    /// Edit actors: set a position by hand, import SIRENE establishments.
    Actors(cli::actors::ActorsArgs),
    /// Material flows: import the officer's flow inventory (xlsx, ods, csv).
    Flows(cli::flows::FlowsArgs),
    /// Business parks: import and export the CNIG "Sites économiques" standard.
    Parks(cli::parks::ParksArgs),
    /// Pooled collection rounds of one material, with the alone-vs-pooled comparison.
    Rounds(cli::rounds::RoundsArgs),
    /// A dated, printable French report of one material's pooled rounds (HTML).
    Report(cli::rounds::ReportArgs),
    /// Groups of holders of one material for pooling (DBSCAN + capacity split).
    Clusters(cli::rounds::ClustersArgs),
    /// Vehicle routing: solve CVRPLIB / Solomon benchmark instances.
    #[command(subcommand)]
    Vrp(cli::vrp::VrpCommand),
    /// Rank candidate sites for an activity receiving a material (p-median on yearly transport).
    Site(cli::planning::SiteArgs),
    /// Candidate synergies (out → in matches), and the synergy register (record, list).
    Synergies(cli::planning::SynergiesArgs),
    /// Korhonen's ecosystem principles and the programme's counts, as numbers.
    Indicators(cli::planning::IndicatorsArgs),
}

fn main() -> ExitCode {
    // A closed pipe (`boucle … | head`) ends the program quietly instead of panicking.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(c) => cli::territory::import(c),
        Command::Check(a) => cli::territory::check(a),
        Command::Locate(a) => cli::territory::locate(a),
        Command::Serve(a) => cli::serve::serve(a),
        Command::Network(c) => cli::network::run_network(c),
        Command::Route(a) => cli::network::run_route(a),
        Command::Matrix(a) => cli::network::run_matrix(a),
        Command::Geocode(a) => cli::geocode::run(a),
        Command::Actors(a) => cli::actors::run(a),
        Command::Parks(a) => cli::parks::run(a),
        Command::Flows(a) => cli::flows::run(a),
        Command::Rounds(a) => cli::rounds::rounds(a),
        Command::Report(a) => cli::rounds::report(a),
        Command::Clusters(a) => cli::rounds::clusters(a),
        Command::Vrp(c) => cli::vrp::run(c),
        Command::Site(a) => cli::planning::site(a),
        Command::Synergies(a) => cli::planning::synergies(a),
        Command::Indicators(a) => cli::planning::indicators(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
