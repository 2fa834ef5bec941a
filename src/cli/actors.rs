//! `boucle actors set-position ID LON LAT`, `boucle actors set-siret ID SIRET`,
//! `boucle actors import-sirene FILE [--units FILE]`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::geocode::index::FORMER_COMMUNES;
use crate::geocode::legal_units::read_legal_units;
use crate::geocode::sirene::{SireneOptions, merge_into_actors, read_establishments};
use crate::geocode::siret_match::{suggest_sirets, valid_siret};
pub use crate::placement::{PositionSet, set_actor_position};
use crate::territory::Territory;

/// Arguments of `boucle actors`.
#[derive(Debug, clap::Args)]
pub struct ActorsArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub command: ActorsCommand,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Subcommands of `boucle actors`.
#[derive(Debug, clap::Subcommand)]
pub enum ActorsCommand {
    /// Set an actor's position by hand (precision `manual`: geocoding never overwrites it
    /// unless --force).
    SetPosition(SetPositionArgs),
    /// Add or update actors from a SIRENE establishments stock CSV (StockEtablissement),
    /// for the territory's communes, matched by SIRET.
    ImportSirene(ImportSireneArgs),
    /// Set an actor's SIRET (14 digits, checked), e.g. to confirm a suggestion of
    /// import-sirene; the next import-sirene then updates the actor from SIRENE.
    SetSiret(SetSiretArgs),
}

/// Arguments of `boucle actors set-siret`.
#[derive(Debug, clap::Args)]
pub struct SetSiretArgs {
    /// Actor id.
    pub id: String,
    /// SIRET (14 digits, spaces allowed).
    pub siret: String,
}

/// Arguments of `boucle actors set-position`.
#[derive(Debug, clap::Args)]
pub struct SetPositionArgs {
    /// Actor id.
    pub id: String,
    /// Longitude (WGS84 degrees).
    #[arg(allow_negative_numbers = true)]
    pub lon: f64,
    /// Latitude (WGS84 degrees).
    #[arg(allow_negative_numbers = true)]
    pub lat: f64,
}

/// Arguments of `boucle actors import-sirene`.
#[derive(Debug, clap::Args)]
pub struct ImportSireneArgs {
    /// SIRENE StockEtablissement CSV, plain, gzip or zip as INSEE publishes it (streamed: the
    /// national file is fine).
    pub file: PathBuf,
    /// SIRENE StockUniteLegale (CSV, gzip or zip): the legal name and legal category of each
    /// establishment's company, joined by SIREN.
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Show what would change without writing actors.csv.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep closed establishments too.
    #[arg(long)]
    pub include_closed: bool,
    /// Replace manual and house-number positions by SIRENE's.
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Run `boucle actors`.
pub fn run(args: ActorsArgs) -> anyhow::Result<ExitCode> {
    let dir = args.data.resolve();
    match args.command {
        ActorsCommand::SetPosition(a) => set_position(&dir, &a),
        ActorsCommand::ImportSirene(a) => import_sirene(&dir, &a),
        ActorsCommand::SetSiret(a) => set_siret(&dir, &a),
    }
}

fn set_siret(dir: &Path, a: &SetSiretArgs) -> anyhow::Result<ExitCode> {
    let siret: String = a.siret.chars().filter(|c| !c.is_whitespace()).collect();
    if !valid_siret(&siret) {
        anyhow::bail!(
            "{:?} is not a valid SIRET (14 digits whose Luhn check digit is right)",
            a.siret
        );
    }
    let t = load(dir)?;
    let mut actors = t.actors.clone();
    if let Some(other) = actors
        .iter()
        .find(|x| x.id != a.id && x.siret.as_deref() == Some(siret.as_str()))
    {
        anyhow::bail!("SIRET {siret} is already actor {:?}'s", other.id);
    }
    let Some(actor) = actors.iter_mut().find(|x| x.id == a.id) else {
        anyhow::bail!("no actor with id {:?} in {}", a.id, dir.display());
    };
    let old = actor.siret.replace(siret.clone());
    crate::territory::write_actors(dir, &actors)?;
    println!(
        "{}: SIRET {} → {siret}",
        a.id,
        old.as_deref().unwrap_or("-")
    );
    Ok(ExitCode::SUCCESS)
}

fn load(dir: &Path) -> anyhow::Result<Territory> {
    Territory::load(dir).with_context(|| format!("loading the territory in {}", dir.display()))
}

fn set_position(dir: &Path, a: &SetPositionArgs) -> anyhow::Result<ExitCode> {
    let done = set_actor_position(dir, &a.id, a.lon, a.lat)?;
    if let Some(w) = &done.warning {
        eprintln!("warning: {w}");
    }
    println!(
        "{}: {} ({}) → {:.7},{:.7} (manual)",
        a.id,
        done.previous
            .map(|(x, y)| format!("{x:.7},{y:.7}"))
            .unwrap_or_else(|| "-".into()),
        done.previous_precision,
        a.lon,
        a.lat
    );
    Ok(ExitCode::SUCCESS)
}

fn import_sirene(dir: &Path, a: &ImportSireneArgs) -> anyhow::Result<ExitCode> {
    let _lock = crate::territory::lock::TerritoryLock::acquire(dir)?;
    let t = load(dir)?;
    let mut codes: HashSet<String> = t.communes.iter().map(|c| c.insee.clone()).collect();
    // former communes' codes (SIRENE may still carry them) → the current commune
    let mut former: HashMap<String, String> = FORMER_COMMUNES
        .iter()
        .filter(|(_, new)| codes.contains(*new))
        .map(|(o, n)| ((*o).to_owned(), (*n).to_owned()))
        .collect();
    for c in &t.communes {
        for f in c.former_communes.iter().filter(|f| f.insee != c.insee) {
            former.insert(f.insee.clone(), c.insee.clone());
        }
    }
    codes.extend(former.keys().cloned());
    let started = std::time::Instant::now();
    let (mut ests, stats) = read_establishments(
        &a.file,
        &codes,
        SireneOptions {
            include_closed: a.include_closed,
        },
    )?;
    for e in &mut ests {
        if let Some(new) = former.get(e.insee.as_str()) {
            e.insee = new.clone();
        }
    }
    // the companies' legal names and categories
    let mut units_found = 0;
    if let Some(units) = &a.units {
        let sirens: HashSet<String> = ests.iter().map(|e| e.siren().to_owned()).collect();
        let units = read_legal_units(units, &sirens)?;
        for e in &mut ests {
            if let Some(u) = units.get(e.siren()) {
                units_found += 1;
                e.legal_name = u.name.clone();
                e.legal_category = u.category.clone();
            }
        }
    }
    // establishments that resemble an actor without SIRET are suggested, not added: the
    // officer confirms with `boucle actors set-siret`
    let known: HashSet<&str> = t.actors.iter().filter_map(|x| x.siret.as_deref()).collect();
    let candidates: Vec<_> = ests
        .iter()
        .filter(|e| !known.contains(e.siret.as_str()))
        .cloned()
        .collect();
    let suggestions = suggest_sirets(&t.actors, &candidates, 3);
    let suggested: HashSet<&str> = suggestions.iter().map(|s| s.siret.as_str()).collect();
    let withheld = ests
        .iter()
        .filter(|e| suggested.contains(e.siret.as_str()))
        .count();
    let ests: Vec<_> = ests
        .iter()
        .filter(|e| !suggested.contains(e.siret.as_str()))
        .cloned()
        .collect();
    let points: HashMap<String, (f64, f64)> = t
        .communes
        .iter()
        .map(|c| (c.insee.clone(), (c.point.x(), c.point.y())))
        .collect();
    let file_name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = format!("INSEE SIRENE stock établissements ({file_name})");
    let mut actors = t.actors.clone();
    let report = merge_into_actors(&mut actors, &ests, &points, &source, a.force);
    let written = !a.dry_run && (!report.added.is_empty() || !report.updated.is_empty());
    if written {
        crate::territory::write_actors(dir, &actors)?;
    }
    let summary = serde_json::json!({
        "rows": stats.rows,
        "in_territory": stats.in_territory,
        "closed_skipped": stats.closed_skipped,
        "partial_diffusion": stats.partial,
        "without_position": stats.without_position,
        "added": report.added.len(),
        "updated": report.updated.len(),
        "positions_kept": report.position_kept,
        "legal_units_joined": units_found,
        "suggestions": suggestions,
        "withheld_as_suggestions": withheld,
        "written": written,
        "seconds": started.elapsed().as_secs_f64(),
    });
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Read {} rows: {} in the territory ({} closed skipped, {} with partial diffusion, {} without position); {} actors added, {} updated, {} positions kept",
            stats.rows,
            stats.in_territory,
            stats.closed_skipped,
            stats.partial,
            stats.without_position,
            report.added.len(),
            report.updated.len(),
            report.position_kept.len()
        );
        if a.units.is_some() {
            println!("  {units_found} establishments joined to their legal unit");
        }
        if !suggestions.is_empty() {
            println!(
                "SIRET suggestions for actors without SIRET ({withheld} establishments not added; confirm with `boucle actors set-siret ID SIRET`):"
            );
            for s in &suggestions {
                println!(
                    "  {:<32} {} {} ({}, score {:.2}: {})",
                    s.actor,
                    s.siret,
                    s.name,
                    s.insee,
                    s.score,
                    s.reasons.join(", ")
                );
            }
        }
        if a.dry_run {
            println!("dry run: actors file not written");
        }
    }
    Ok(ExitCode::SUCCESS)
}
