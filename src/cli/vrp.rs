//! `boucle vrp`: vehicle routing on benchmark files (CVRPLIB CVRP, Solomon VRPTW), and a seeded
//! generator of CVRPLIB instances for the benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

mod json;

use crate::vrp::formats::{self, BenchFormat};
use crate::vrp::generate::{DepotPlace, GenSpec, Layout};
use crate::vrp::{SolverParams, VisitKind, check, solve_with_stats, work_for};

/// `boucle vrp` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum VrpCommand {
    /// Solve a CVRPLIB (.vrp, EUC_2D) or Solomon (VRPTW .txt) instance, or a problem in
    /// VROOM's JSON input format (.json, answered in VROOM's output shape).
    Solve(SolveArgs),
    /// Write a seeded random CVRPLIB instance (after Uchoa et al. 2017).
    Generate(GenerateArgs),
}

/// Arguments of `boucle vrp generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Number of customers (the depot comes on top).
    #[arg(long, value_name = "N")]
    pub customers: usize,
    /// Customer layout.
    #[arg(long, value_enum, default_value = "uniform")]
    pub layout: LayoutArg,
    /// Depot place: the centre or a corner of the square.
    #[arg(long, value_enum, default_value = "central")]
    pub depot: DepotArg,
    /// Mean customers per route (sets the capacity).
    #[arg(long, default_value_t = 12.0, value_name = "R")]
    pub route_size: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Customer layout of a generated instance.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LayoutArg {
    /// Uniform over the square.
    Uniform,
    /// Around 3 to 8 random seeds.
    Clustered,
}

/// Depot place of a generated instance.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DepotArg {
    /// The centre of the square.
    Central,
    /// A corner of the square.
    Eccentric,
}

/// Arguments of `boucle vrp solve`.
#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// Instance file (format detected from its content; `.json` or text starting with `{`:
    /// VROOM's input format).
    pub file: PathBuf,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "S")]
    pub time_limit: f64,
    /// Random seed.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Stop after this many genetic iterations (deterministic when the time limit is not
    /// reached first).
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<u64>,
    /// Stop on the clock (the default, kept for compatibility): the run uses the time limit
    /// minus a small margin.
    #[arg(long, conflicts_with = "deterministic")]
    pub wall_clock: bool,
    /// Stop on a work budget instead of the clock: about the time limit's worth of move
    /// evaluations, the same result for the same seed on any machine (in more or less time).
    #[arg(long)]
    pub deterministic: bool,
    /// Number of vehicles available, overriding the file (default: the file's VEHICLES field or
    /// Solomon fleet size, else unbounded).
    #[arg(long, value_name = "N")]
    pub vehicles: Option<usize>,
    /// Print JSON: `{"cost": …, "routes": [[customer ids as numbered in the file], …], …}`.
    #[arg(long)]
    pub json: bool,
    // --- VROOM JSON input (issue 18, point 4) ---
    /// VROOM input: write VROOM's output to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// VROOM input: read only VROOM's keys (a vehicle's `boucle` extension, unloading between
    /// trips, is ignored), to solve exactly the problem VROOM solves.
    #[arg(long)]
    pub strict_vroom: bool,
    /// VROOM input with coordinates and no matrices: the territory whose router measures the
    /// travel (crow flies when none can be loaded).
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: crate::cli::DataArg,
}

/// Runs a `boucle vrp` command.
pub fn run(cmd: VrpCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        VrpCommand::Solve(args) => solve_cmd(&args),
        VrpCommand::Generate(args) => generate_cmd(&args),
    }
}

fn generate_cmd(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let spec = GenSpec {
        customers: args.customers,
        layout: match args.layout {
            LayoutArg::Uniform => Layout::Uniform,
            LayoutArg::Clustered => Layout::Clustered,
        },
        depot: match args.depot {
            DepotArg::Central => DepotPlace::Central,
            DepotArg::Eccentric => DepotPlace::Eccentric,
        },
        route_size: args.route_size,
        seed: args.seed,
    };
    let text = crate::vrp::generate::cvrplib(&spec).context("--customers / --route-size")?;
    match &args.out {
        Some(path) => {
            crate::io::atomic::write_atomic(path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("{}: {}", path.display(), spec.name());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
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
    if json::is_vroom(&args.file) {
        return json::solve(args, params_of(args));
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
    let params = params_of(args);
    let t0 = std::time::Instant::now();
    let (sol, stats) = solve_with_stats(&inst.problem, &inst.matrix, &params)
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
            "time_limit_s": args.time_limit,
            "stop": if args.deterministic { "work" } else { "clock" },
            "stats": stats,
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
            "cost {:.2}  vehicles {}  iterations {}  time {:.2} s (first feasible {})",
            sol.cost,
            routes.len(),
            sol.iterations,
            elapsed,
            stats
                .first_feasible_s
                .map_or("none".to_owned(), |t| format!("{t:.3} s"))
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

/// The stopping rule of `boucle vrp solve`: the clock, or a work budget with --deterministic.
fn params_of(args: &SolveArgs) -> SolverParams {
    if args.deterministic {
        SolverParams {
            time_limit_s: f64::INFINITY,
            seed: args.seed,
            max_iterations: args.max_iterations,
            max_work: Some(work_for(args.time_limit)),
            cancel: None,
        }
    } else {
        SolverParams {
            time_limit_s: args.time_limit,
            seed: args.seed,
            max_iterations: args.max_iterations,
            max_work: None,
            cancel: None,
        }
    }
}
