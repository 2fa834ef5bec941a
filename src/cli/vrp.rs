//! `boucle vrp`: vehicle routing on benchmark files (CVRPLIB CVRP, Solomon VRPTW).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::vrp::formats::{self, BenchFormat};
use crate::vrp::{SolverParams, VisitKind, check, solve};

/// `boucle vrp` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum VrpCommand {
    /// Solve a CVRPLIB (.vrp, EUC_2D) or Solomon (VRPTW .txt) instance.
    Solve(SolveArgs),
}

/// Arguments of `boucle vrp solve`.
#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// Instance file (format detected from its content).
    pub file: PathBuf,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "S")]
    pub time_limit: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Stop after this many genetic iterations (deterministic).
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<u64>,
    /// Stop on the clock only (no deterministic work budget).
    #[arg(long)]
    pub wall_clock: bool,
    /// Number of vehicles available, overriding the file (default: the file's VEHICLES field or
    /// Solomon fleet size, else unbounded).
    #[arg(long, value_name = "N")]
    pub vehicles: Option<usize>,
    /// Print JSON: `{"cost": …, "routes": [[customer ids as numbered in the file], …], …}`.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `boucle vrp` command.
pub fn run(cmd: VrpCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        VrpCommand::Solve(args) => solve_cmd(&args),
    }
}

fn solve_cmd(args: &SolveArgs) -> anyhow::Result<ExitCode> {
    if !(args.time_limit.is_finite()
        && args.time_limit >= 0.0
        && args.time_limit <= crate::limits::MAX_TIME_LIMIT_S)
    {
        anyhow::bail!(
            "--time-limit must be a number of seconds from 0 to {}",
            crate::limits::MAX_TIME_LIMIT_S
        );
    }
    let mut inst = formats::read(&args.file)?;
    if let Some(k) = args.vehicles {
        if k == 0 {
            anyhow::bail!("--vehicles must be at least 1");
        }
        for vt in &mut inst.problem.vehicle_types {
            vt.count = Some(k);
        }
    }
    let params = SolverParams {
        time_limit_s: args.time_limit,
        seed: args.seed,
        max_iterations: args.max_iterations,
        max_work: args.wall_clock.then_some(u64::MAX),
        cancel: None,
    };
    let t0 = std::time::Instant::now();
    let sol = solve(&inst.problem, &inst.matrix, &params)
        .with_context(|| format!("solving {}", args.file.display()))?;
    let elapsed = t0.elapsed().as_secs_f64();
    let report = check(&inst.problem, &inst.matrix, &sol);
    let routes: Vec<Vec<usize>> = sol
        .rounds
        .iter()
        .map(|r| {
            r.visits
                .iter()
                .filter(|v| v.kind == VisitKind::Stop)
                .filter_map(|v| v.stop.map(|s| inst.ids[s]))
                .collect()
        })
        .collect();
    let unassigned: Vec<usize> = sol.unassigned.iter().map(|u| inst.ids[u.stop]).collect();
    if args.json {
        let out = serde_json::json!({
            "cost": sol.cost,
            "routes": routes,
            "vehicles": routes.len(),
            "unassigned": unassigned,
            "feasible": report.ok() && unassigned.is_empty(),
            "iterations": sol.iterations,
            "work": sol.work,
            "elapsed_s": elapsed,
        });
        println!("{out}");
    } else {
        let kind = match inst.format {
            BenchFormat::Cvrplib => "CVRP",
            BenchFormat::Solomon => "VRPTW",
        };
        println!(
            "{} ({kind}, {} customers)",
            inst.name,
            inst.problem.stops.len()
        );
        println!(
            "cost {:.2}  vehicles {}  iterations {}  time {:.2} s",
            sol.cost,
            routes.len(),
            sol.iterations,
            elapsed
        );
        for (i, r) in routes.iter().enumerate() {
            let ids: Vec<String> = r.iter().map(|x| x.to_string()).collect();
            println!("route {}: {}", i + 1, ids.join(" "));
        }
        if !unassigned.is_empty() {
            println!("unassigned: {unassigned:?}");
        }
    }
    if !report.ok() {
        for v in &report.violations {
            eprintln!("check: {v}");
        }
        anyhow::bail!("the solution fails the independent check");
    }
    Ok(ExitCode::SUCCESS)
}
