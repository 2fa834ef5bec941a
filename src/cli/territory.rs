//! `boucle import territory`, `boucle check`, `boucle locate`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::io::csv::{CsvTable, fmt_num};
use crate::spatial::{Located, SpatialIndex};
use crate::territory::{self, Territory};

/// What to import.
#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Rebuild a territory folder (geodata/) from the raw public files.
    Territory(ImportTerritoryArgs),
}

/// Arguments of `boucle import territory`.
#[derive(Debug, clap::Args)]
pub struct ImportTerritoryArgs {
    /// Folder of raw public sources (COG lists, boundaries, compiled CSVs).
    #[arg(long, value_name = "DIR")]
    pub sources: PathBuf,
    /// Output territory folder (default: the --data folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Commune boundaries instead of the sources' GeoJSON: a GeoJSON file or an IGN ADMIN
    /// EXPRESS `COMMUNE.shp` (Lambert-93, with its .prj).
    #[arg(long, value_name = "FILE")]
    pub boundaries: Option<PathBuf>,
    /// Territory name.
    #[arg(long, default_value = "Pays Thur Doller")]
    pub name: String,
    /// Replace the measured flows (`estimate = false`) and manual positions of an existing
    /// output folder (without it the import refuses and says what it would replace).
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Run `boucle import territory`.
pub fn import(cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let ImportCommand::Territory(a) = cmd;
    let out = a.out.clone().unwrap_or_else(|| a.data.resolve());
    let summary = territory::import::import_territory(&territory::import::ImportOptions {
        sources: a.sources.clone(),
        out,
        boundaries: a.boundaries.clone(),
        name: a.name.clone(),
        force: a.force,
    })?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Imported into {}: {} communes, {} EPCI, population {}, {} parks, {} sites, {} actors ({} without position), {} demonstration flows",
            summary.out.display(),
            summary.communes,
            summary.epci,
            summary.population,
            summary.parks,
            summary.sites,
            summary.actors,
            summary.actors_unlocated,
            summary.flows
        );
        for n in &summary.notes {
            println!("  note: {n}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `boucle check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Run `boucle check`: exit code 1 when the folder has errors.
pub fn check(a: CheckArgs) -> anyhow::Result<ExitCode> {
    let dir = a.data.resolve();
    let r = territory::check(&dir);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "{} ({})",
            r.name.as_deref().unwrap_or("territory"),
            dir.display()
        );
        println!(
            "  communes        {:>6}   population {}",
            r.communes, r.population
        );
        println!("  EPCI            {:>6}", r.epci);
        println!("  business parks  {:>6}", r.parks);
        println!("  sites           {:>6}", r.sites);
        println!(
            "  actors          {:>6}   located {}",
            r.actors, r.actors_located
        );
        println!("  flows           {:>6}", r.flows);
        println!("  materials       {:>6}", r.materials);
        println!("  synergies       {:>6}", r.synergies);
        println!("  vehicle types   {:>6}", r.vehicle_types);
        println!("  emission factors{:>6}", r.emission_factors);
        if r.schedules > 0 {
            println!("  schedules       {:>6}", r.schedules);
        }
        if r.errors.is_empty() {
            println!("OK: no errors");
        } else {
            println!("{} error(s):", r.errors.len());
            for e in &r.errors {
                println!("  - {e}");
            }
        }
    }
    Ok(if r.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Arguments of `boucle locate`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct LocateArgs {
    /// Longitude (WGS84).
    #[arg(required_unless_present = "csv", conflicts_with = "csv")]
    pub lon: Option<f64>,
    /// Latitude (WGS84).
    #[arg(required_unless_present = "csv", conflicts_with = "csv")]
    pub lat: Option<f64>,
    /// CSV file with `lon,lat` columns: one answer per row, as CSV on standard output.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Largest distance to report a nearest park, in metres (default from the manifest).
    #[arg(long, value_name = "M")]
    pub park_max_m: Option<f64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// CSV columns added by `boucle locate --csv`.
pub const LOCATE_COLUMNS: &[&str] = &[
    "insee",
    "commune",
    "epci_siren",
    "epci",
    "park_id",
    "park",
    "park_distance_m",
];

fn located_cells(l: &Located) -> Vec<String> {
    vec![
        l.commune
            .as_ref()
            .map(|c| c.insee.clone())
            .unwrap_or_default(),
        l.commune
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        l.epci.as_ref().map(|e| e.siren.clone()).unwrap_or_default(),
        l.epci.as_ref().map(|e| e.name.clone()).unwrap_or_default(),
        l.park.as_ref().map(|p| p.id.clone()).unwrap_or_default(),
        l.park.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        l.park
            .as_ref()
            .map(|p| fmt_num(p.distance_m))
            .unwrap_or_default(),
    ]
}

/// Run `boucle locate`.
pub fn locate(a: LocateArgs) -> anyhow::Result<ExitCode> {
    let dir = a.data.resolve();
    let t =
        Territory::load(&dir).with_context(|| format!("loading territory {}", dir.display()))?;
    let mut index = SpatialIndex::new(&t);
    if let Some(m) = a.park_max_m {
        index.park_max_distance_m = m;
    }
    if let Some(path) = &a.csv {
        let (table, delimiter) = CsvTable::read_received(path, &["lon", "lat"])?;
        let mut points = Vec::with_capacity(table.rows.len());
        for row in table.iter() {
            let p = row
                .lonlat("lon", "lat")?
                .ok_or_else(|| row.error("lon", "empty position"))?;
            points.push((p.x(), p.y()));
        }
        let located = index.locate_many(&points);
        let stdout = std::io::stdout();
        if a.json {
            serde_json::to_writer_pretty(stdout.lock(), &located)?;
            println!();
        } else {
            // an input column named like one of ours (`insee`…) is filled with the located
            // value instead of being repeated
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(stdout.lock());
            let mut header: Vec<&str> = table.headers.iter().map(String::as_str).collect();
            let mut target = Vec::with_capacity(LOCATE_COLUMNS.len());
            for c in LOCATE_COLUMNS {
                match header.iter().position(|h| h == c) {
                    Some(i) => target.push(i),
                    None => {
                        target.push(header.len());
                        header.push(c);
                    }
                }
            }
            w.write_record(&header)?;
            let mut replaced = 0usize;
            for ((_, rec), l) in table.rows.iter().zip(&located) {
                let mut row: Vec<String> = rec.iter().map(str::to_owned).collect();
                row.resize(header.len(), String::new());
                for (&i, v) in target.iter().zip(located_cells(l)) {
                    if i < table.headers.len() && !row[i].is_empty() && row[i] != v {
                        replaced += 1;
                    }
                    row[i] = v;
                }
                w.write_record(&row)?;
            }
            w.flush()?;
            let reused: Vec<&str> = LOCATE_COLUMNS
                .iter()
                .zip(&target)
                .filter(|(_, i)| **i < table.headers.len())
                .map(|(c, _)| *c)
                .collect();
            if !reused.is_empty() {
                eprintln!(
                    "columns {} of the input were filled with the located values ({replaced} values changed)",
                    reused.join(", ")
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (lon, lat) = (a.lon.unwrap_or_default(), a.lat.unwrap_or_default());
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        anyhow::bail!("({lon}, {lat}) is not a WGS84 longitude/latitude");
    }
    let l = index.locate(lon, lat);
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &l)?;
        writeln!(out)?;
    } else {
        match (&l.commune, &l.epci) {
            (Some(c), Some(e)) => writeln!(
                out,
                "commune {} ({}), {} (SIREN {})",
                c.name, c.insee, e.name, e.siren
            )?,
            (Some(c), None) => writeln!(out, "commune {} ({})", c.name, c.insee)?,
            _ => writeln!(out, "outside the territory ({})", t.manifest.name)?,
        }
        match &l.park {
            Some(p) => writeln!(
                out,
                "nearest park: {} at {:.0} m (park position precision: {})",
                p.name, p.distance_m, p.precision
            )?,
            None => writeln!(
                out,
                "no business park within {:.0} m",
                index.park_max_distance_m
            )?,
        }
    }
    Ok(ExitCode::SUCCESS)
}
