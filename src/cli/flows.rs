//! `boucle flows import FILE.xlsx|.ods|.csv`: the officer's flow inventory into `flows.csv`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::territory::flows_import::{Options, mapping, plan};
use crate::territory::{Direction, Period, Territory};

/// Arguments of `boucle flows`.
#[derive(Debug, clap::Args)]
pub struct FlowsArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub command: FlowsCommand,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Subcommands of `boucle flows`.
#[derive(Debug, clap::Subcommand)]
pub enum FlowsCommand {
    /// Import a flow inventory spreadsheet (xlsx, ods, xls or CSV): columns by their French
    /// headers (Entreprise, SIRET, Matière/Déchet, Code déchet, Quantité, Unité, Fréquence,
    /// Sens, Période) or --map; materials and holders matched, units converted; what cannot be
    /// matched is listed for review, not imported.
    Import(ImportArgs),
}

/// Arguments of `boucle flows import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The spreadsheet (.xlsx, .xlsm, .xls, .ods) or CSV (`;` or `,`, decimal comma accepted).
    pub file: PathBuf,
    /// Sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Column of a role, by its header: ROLE=HEADER (roles: holder, siret, material, ewc,
    /// quantity, unit, frequency, direction, period); repeatable.
    #[arg(long = "map", value_name = "ROLE=HEADER")]
    pub map: Vec<String>,
    /// A mapping file: one ROLE=HEADER per line (# comments).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Direction of rows that do not say (out: the company has it; in: it needs it).
    #[arg(long, default_value = "out", value_parser = ["out", "in"])]
    pub direction: String,
    /// Period of rows that do not say (year, month, week…).
    #[arg(long, default_value = "year")]
    pub period: String,
    /// Show what would change without writing flows.csv.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the rows to review to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run `boucle flows`.
pub fn run(args: FlowsArgs) -> anyhow::Result<ExitCode> {
    let dir = args.data.resolve();
    match args.command {
        FlowsCommand::Import(a) => import(&dir, &a),
    }
}

fn import(dir: &Path, a: &ImportArgs) -> anyhow::Result<ExitCode> {
    let mut items: Vec<String> = Vec::new();
    if let Some(m) = &a.mapping {
        let text =
            std::fs::read_to_string(m).with_context(|| format!("reading {}", m.display()))?;
        items.extend(text.lines().map(str::to_owned));
    }
    items.extend(a.map.iter().cloned());
    let forced = mapping::parse_forced(items.iter().map(String::as_str))
        .map_err(|e| anyhow::anyhow!("column mapping: {e}"))?;
    let period = Period::parse(&a.period).ok_or_else(|| {
        anyhow::anyhow!("--period `{}`: not a period ({})", a.period, Period::NAMES)
    })?;
    let opts = Options {
        sheet: a.sheet.clone(),
        forced,
        direction: if a.direction == "in" {
            Direction::In
        } else {
            Direction::Out
        },
        period,
        imported_on: crate::io::date::today(),
    };
    let _lock = (!a.dry_run)
        .then(|| crate::territory::lock::TerritoryLock::acquire(dir))
        .transpose()?;
    let t = Territory::load(dir)
        .with_context(|| format!("loading the territory in {}", dir.display()))?;
    let p = plan(&t, &a.file, &opts)?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "dry_run": a.dry_run,
                "file": a.file.display().to_string(),
                "plan": p,
            }))?
        );
    } else {
        let cols: Vec<String> = p
            .columns
            .iter()
            .map(|(r, h)| format!("{r}=\"{h}\""))
            .collect();
        println!(
            "{}, sheet {}: columns {}",
            a.file.display(),
            p.sheet,
            cols.join(", ")
        );
        let show = |f: &crate::territory::Flow| {
            format!(
                "{} {} {} {} {}/{}{}",
                f.holder,
                f.direction.as_str(),
                f.material,
                crate::io::csv::fmt_num(f.quantity),
                f.unit,
                f.period.as_str(),
                f.collections_per_period
                    .map(|c| format!(", {} collections", crate::io::csv::fmt_num(c)))
                    .unwrap_or_default()
            )
        };
        for f in &p.added {
            println!("  + {}  [{}]", show(f), f.source);
        }
        for (old, new) in &p.updated {
            println!("  ~ {}  (was {})", show(new), show(old));
        }
        for r in &p.review {
            println!(
                "  ? to review: {}: \"{}\" / \"{}\": {}",
                r.at, r.holder, r.material, r.reason
            );
        }
        println!(
            "{} added, {} updated, {} to review, {} errors",
            p.added.len(),
            p.updated.len(),
            p.review.len(),
            p.errors.len()
        );
    }
    for e in &p.errors {
        eprintln!("error: {e}");
    }
    if let Some(path) = &a.review {
        let rows: Vec<Vec<String>> = p
            .review
            .iter()
            .map(|r| {
                vec![
                    r.at.clone(),
                    r.holder.clone(),
                    r.material.clone(),
                    r.reason.clone(),
                ]
            })
            .collect();
        let bytes =
            crate::io::csv::to_csv_bytes(&["where", "holder", "material", "reason"], &rows)?;
        crate::io::atomic::write_atomic(path, &bytes)?;
    }
    if a.dry_run {
        println!("dry run: nothing written");
    } else if !p.added.is_empty() || !p.updated.is_empty() {
        let flows_path = t.path(&t.manifest.files.flows);
        crate::territory::files::write_flows(&flows_path, &p.flows)?;
        Territory::load(dir).with_context(|| "the flows written do not load")?;
    }
    Ok(if p.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
