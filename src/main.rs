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
    /// Vehicle routing: solve CVRPLIB / Solomon benchmark instances.
    #[command(subcommand)]
    Vrp(boucle::cli::vrp::VrpCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result: anyhow::Result<ExitCode> = match cli.command {
        Command::Vrp(c) => boucle::cli::vrp::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
