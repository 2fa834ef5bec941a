//! `boucle parks import-cnig FILE…`, `boucle parks export --format cnig-site-eco [--out FILE]`:
//! business parks in and out of the CNIG "Sites économiques" standard.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::territory::Territory;
use crate::territory::cnig::{self, export, merge, read};

/// Arguments of `boucle parks`.
#[derive(Debug, clap::Args)]
pub struct ParksArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub command: ParksCommand,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Subcommands of `boucle parks`.
#[derive(Debug, clap::Subcommand)]
pub enum ParksCommand {
    /// Import CNIG "Sites économiques" files (POLE-ECO, SITE-ECO, TERRAIN-ECO; CSV or GeoJSON)
    /// into the parks: a site becomes or updates a park, with its outline.
    ImportCnig(ImportCnigArgs),
    /// Export the parks in the CNIG "Sites économiques" standard.
    Export(ExportArgs),
}

/// Arguments of `boucle parks import-cnig`.
#[derive(Debug, clap::Args)]
pub struct ImportCnigArgs {
    /// CNIG files (CSV `;` or `,`, or `.geojson`), in any order: sites are merged before plots.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Show what would change without writing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CnigFormat {
    /// SITE-ECO: one record per park.
    CnigSiteEco,
    /// TERRAIN-ECO: the plots imported with the parks.
    CnigTerrainEco,
}

/// Arguments of `boucle parks export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Standard and class to write.
    #[arg(long, value_enum, default_value = "cnig-site-eco")]
    pub format: CnigFormat,
    /// Output file (GeoJSON when it ends in .geojson, else `;` CSV); standard output if absent.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Fail (exit 1, nothing written) when a required field of the standard has no value.
    #[arg(long)]
    pub strict: bool,
}

/// Run `boucle parks`.
pub fn run(args: ParksArgs) -> anyhow::Result<ExitCode> {
    let dir = args.data.resolve();
    match args.command {
        ParksCommand::ImportCnig(a) => import_cnig(&dir, &a),
        ParksCommand::Export(a) => export_parks(&dir, &a),
    }
}

fn load(dir: &Path) -> anyhow::Result<Territory> {
    Territory::load(dir).with_context(|| format!("loading the territory in {}", dir.display()))
}

fn import_cnig(dir: &Path, a: &ImportCnigArgs) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for f in &a.files {
        files.push(read::read_cnig(f).with_context(|| format!("reading {}", f.display()))?);
    }
    // Poles after sites (a pole with sites is not a park), plots last (they need their site).
    let rank = |c: cnig::CnigClass| match c {
        cnig::CnigClass::Site => 0,
        cnig::CnigClass::Pole => 1,
        cnig::CnigClass::Terrain => 2,
    };
    files.sort_by_key(|f| rank(f.class));
    let bad: usize = files.iter().map(|f| f.errors.len()).sum();
    for f in &files {
        for e in &f.errors {
            eprintln!("error: {e}");
        }
    }
    let _lock = (!a.dry_run)
        .then(|| crate::territory::lock::TerritoryLock::acquire(dir))
        .transpose()?;
    let t = load(dir)?;
    let mut parks = t.parks.clone();
    let today = crate::io::date::today();
    let mut reports = Vec::new();
    for f in &files {
        let r = merge::merge(&t, &mut parks, f, &today);
        reports.push(serde_json::json!({
            "file": f.path.display().to_string(),
            "class": f.class.as_str(),
            "records": f.records.len(),
            "rejected": f.errors.len(),
            "lambert93": f.lambert93,
            "added": r.added,
            "updated": r.updated,
            "plots": r.plots,
            "review": r.review,
            "notes": r.notes,
        }));
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "dry_run": a.dry_run,
                "files": reports,
            }))?
        );
    } else {
        for r in &reports {
            println!(
                "{} ({}): {} records, {} rejected{}",
                r["file"].as_str().unwrap_or(""),
                r["class"].as_str().unwrap_or(""),
                r["records"],
                r["rejected"],
                if r["lambert93"] == true {
                    " (outlines in Lambert-93, converted to WGS84)"
                } else {
                    ""
                }
            );
            for id in r["added"].as_array().into_iter().flatten() {
                println!("  + park {}", id.as_str().unwrap_or(""));
            }
            for u in r["updated"].as_array().into_iter().flatten() {
                println!(
                    "  ~ park {} ({})",
                    u[0].as_str().unwrap_or(""),
                    u[1].as_str().unwrap_or("")
                );
            }
            for p in r["plots"].as_array().into_iter().flatten() {
                println!(
                    "  + plot {} in park {}",
                    p[1].as_str().unwrap_or(""),
                    p[0].as_str().unwrap_or("")
                );
            }
            for x in r["review"].as_array().into_iter().flatten() {
                println!("  ? to review: {}", x.as_str().unwrap_or(""));
            }
            for x in r["notes"].as_array().into_iter().flatten() {
                println!("  note: {}", x.as_str().unwrap_or(""));
            }
        }
    }
    if a.dry_run {
        println!("dry run: nothing written");
    } else {
        cnig::write_parks(dir, &parks)?;
        let check = Territory::load(dir)?;
        eprintln!("{} parks in {}", check.parks.len(), dir.display());
    }
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn export_parks(dir: &Path, a: &ExportArgs) -> anyhow::Result<ExitCode> {
    let t = load(dir)?;
    let e = match a.format {
        CnigFormat::CnigSiteEco => export::export_sites(&t),
        CnigFormat::CnigTerrainEco => export::export_plots(&t),
    };
    for w in &e.warnings {
        eprintln!("warning: {w}");
    }
    if a.strict && e.warnings.iter().any(|w| w.contains("required field")) {
        eprintln!("--strict: required fields without value, nothing written");
        return Ok(ExitCode::from(1));
    }
    let geojson = a
        .out
        .as_ref()
        .and_then(|p| p.extension())
        .is_some_and(|x| x.eq_ignore_ascii_case("geojson") || x.eq_ignore_ascii_case("json"));
    let bytes = if geojson {
        export::to_geojson(&e)?.into_bytes()
    } else {
        export::to_csv(&e)?
    };
    match &a.out {
        Some(p) => {
            crate::io::atomic::write_atomic(p, &bytes)?;
            eprintln!(
                "{} {} records written to {}",
                e.rows.len(),
                e.class.as_str().to_uppercase(),
                p.display()
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
