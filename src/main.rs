//! `boucle` command line: parses arguments and calls the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "boucle",
    version,
    about = "Territorial industrial ecology: territory, rounds, siting, map"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Road network: import an OpenStreetMap extract, describe the graph.
    #[command(subcommand)]
    Network(boucle::cli::network::NetworkCommand),
    /// Route between two points: distance, duration, geometry.
    Route(boucle::cli::network::RouteArgs),
    /// Distance and duration matrix between the points of a CSV file.
    Matrix(boucle::cli::network::MatrixArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Network(c) => boucle::cli::network::run_network(c),
        Command::Route(a) => boucle::cli::network::run_route(a),
        Command::Matrix(a) => boucle::cli::network::run_matrix(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
