//! `boucle actors set-position ID LON LAT`, `boucle actors import-sirene FILE`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use geo::Point;

use crate::cli::DataArg;
use crate::geocode::index::FORMER_COMMUNES;
use crate::geocode::sirene::{SireneOptions, merge_into_actors, read_establishments};
use crate::territory::{Precision, Territory};

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
    /// SIRENE StockEtablissement CSV, plain or gzip (streamed: the national file is fine).
    pub file: PathBuf,
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
    }
}

fn load(dir: &Path) -> anyhow::Result<Territory> {
    Territory::load(dir).with_context(|| format!("loading the territory in {}", dir.display()))
}

fn set_position(dir: &Path, a: &SetPositionArgs) -> anyhow::Result<ExitCode> {
    if !(-180.0..=180.0).contains(&a.lon) || !(-90.0..=90.0).contains(&a.lat) {
        anyhow::bail!(
            "invalid position lon {} lat {}: longitude in [-180, 180], latitude in [-90, 90] \
             (WGS84 degrees, longitude first)",
            a.lon,
            a.lat
        );
    }
    let _lock = crate::territory::lock::TerritoryLock::acquire(dir)?;
    let t = load(dir)?;
    let outside = t.km_outside_box(Point::new(a.lon, a.lat));
    if !t.communes.is_empty() && outside > crate::limits::MAX_KM_OUTSIDE_TERRITORY {
        anyhow::bail!(
            "position lon {} lat {} is {outside:.0} km outside the territory's box (more than {} km): longitude and latitude swapped? (WGS84 degrees, longitude first)",
            a.lon,
            a.lat,
            crate::limits::MAX_KM_OUTSIDE_TERRITORY
        );
    }
    let mut actors = t.actors.clone();
    let Some(actor) = actors.iter_mut().find(|x| x.id == a.id) else {
        anyhow::bail!("no actor with id {:?} in {}", a.id, dir.display());
    };
    let old = actor.position.map(|p| (p.x(), p.y()));
    let old_precision = actor.precision;
    actor.position = Some(Point::new(a.lon, a.lat));
    actor.precision = Precision::Manual;
    actor.score = None;
    let spatial = crate::spatial::SpatialIndex::new(&t);
    let at = spatial.commune_at(a.lon, a.lat).map(|c| c.insee.clone());
    match (&at, &actor.insee) {
        (None, _) => eprintln!("warning: the point lies outside the territory's communes"),
        (Some(c), Some(d)) if c != d => eprintln!(
            "warning: the point lies in commune {c}, not in the actor's declared commune {d}"
        ),
        _ => {}
    }
    crate::territory::write_actors(dir, &actors)?;
    println!(
        "{}: {} ({}) → {:.7},{:.7} (manual)",
        a.id,
        old.map(|(x, y)| format!("{x:.7},{y:.7}"))
            .unwrap_or_else(|| "-".into()),
        old_precision.as_str(),
        a.lon,
        a.lat
    );
    Ok(ExitCode::SUCCESS)
}

fn import_sirene(dir: &Path, a: &ImportSireneArgs) -> anyhow::Result<ExitCode> {
    let _lock = crate::territory::lock::TerritoryLock::acquire(dir)?;
    let t = load(dir)?;
    let mut codes: HashSet<String> = t.communes.iter().map(|c| c.insee.clone()).collect();
    let former: HashMap<&str, &str> = FORMER_COMMUNES
        .iter()
        .copied()
        .filter(|(_, new)| codes.contains(*new))
        .collect();
    codes.extend(former.keys().map(|s| (*s).to_owned()));
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
            e.insee = (*new).to_owned();
        }
    }
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
    if !report.added.is_empty() || !report.updated.is_empty() {
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
    }
    Ok(ExitCode::SUCCESS)
}
