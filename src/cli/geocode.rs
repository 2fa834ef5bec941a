//! `boucle geocode "ADDRESS"`, `boucle geocode --csv FILE`, `boucle geocode import-ban FILE`,
//! `boucle geocode actors`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::geocode::actors::{ActorsOptions, geocode_actors};
use crate::geocode::online::{BASE_URL_ENV, DEFAULT_BASE_URL, OnlineGeocoder};
use crate::geocode::{
    AddressIndex, AddressReader, CommuneSeed, GeocodeResult, Geocoder, Hints, INDEX_FILE,
    IndexBuilder, ParkRef,
};
use crate::territory::{Precision, Territory};

/// Arguments of `boucle geocode`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct GeocodeArgs {
    #[command(subcommand)]
    #[allow(missing_docs)]
    pub command: Option<GeocodeCommand>,
    /// The address to geocode, e.g. "12 rue de la Gare 68800 Thann".
    pub address: Option<String>,
    /// Geocode a CSV file instead: one address per row (see --column); prints the CSV with
    /// result columns appended (result_lon, result_lat, result_score, result_type,
    /// result_label, result_insee).
    #[arg(long, value_name = "FILE", conflicts_with = "address")]
    pub csv: Option<PathBuf>,
    /// Column of --csv holding the address.
    #[arg(long, default_value = "address", requires = "csv")]
    pub column: String,
    /// Column of --csv holding an INSEE code that restricts the search (optional).
    #[arg(long, requires = "csv")]
    pub insee_column: Option<String>,
    /// Add the columns result_in_territory, result_ambiguous, result_former_commune and
    /// result_reasons to the --csv result.
    #[arg(long, requires = "csv")]
    pub details: bool,
    /// Write the --csv result to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE", requires = "csv")]
    pub output: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub online: OnlineArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Online geocoding options.
#[derive(Debug, Clone, clap::Args)]
pub struct OnlineArgs {
    /// Use the IGN Géoplateforme geocoding service instead of the offline index (network).
    #[arg(long, global = true)]
    pub online: bool,
    /// Base URL of the Géoplateforme service (paths /geocodage/search and /geocodage/search/csv).
    #[arg(long, value_name = "URL", env = BASE_URL_ENV, default_value = DEFAULT_BASE_URL, global = true)]
    pub online_url: String,
}

/// Subcommands of `boucle geocode`.
#[derive(Debug, clap::Subcommand)]
pub enum GeocodeCommand {
    /// Build the offline address index (DIR/addresses.idx) from a BAN CSV (adresses-68.csv[.gz])
    /// or a BAL file, restricted to the territory's communes.
    ImportBan(ImportBanArgs),
    /// Geocode every actor with an address and rewrite actors.csv.
    Actors(ActorsArgs),
}

/// Arguments of `boucle geocode import-ban`.
#[derive(Debug, clap::Args)]
pub struct ImportBanArgs {
    /// BAN per-département CSV or BAL file, plain or gzip.
    pub file: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `boucle geocode actors`.
#[derive(Debug, clap::Args)]
pub struct ActorsArgs {
    /// Results scoring under this are listed for review and not written.
    #[arg(long, default_value_t = 0.8, value_parser = parse_score)]
    pub min_score: f64,
    /// Replace manual positions, and positions more precise than the new result, too.
    #[arg(long)]
    pub force: bool,
    /// Report without rewriting actors.csv.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_score(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a score between 0 and 1")),
    }
}

/// Run `boucle geocode`.
pub fn run(args: GeocodeArgs) -> anyhow::Result<ExitCode> {
    let dir = args.data.resolve();
    match args.command {
        Some(GeocodeCommand::ImportBan(a)) => import_ban(&dir, &a),
        Some(GeocodeCommand::Actors(a)) => actors(&dir, &a, &args.online),
        None => {
            if let Some(csv) = &args.csv {
                geocode_csv(&dir, &args, csv)
            } else if let Some(address) = &args.address {
                geocode_one(&dir, address, args.json, &args.online)
            } else {
                anyhow::bail!(
                    "give an ADDRESS, --csv FILE, or a subcommand (import-ban, actors); see --help"
                )
            }
        }
    }
}

/// The territory's communes as index seeds.
pub fn commune_seeds(t: &Territory) -> Vec<CommuneSeed> {
    t.communes
        .iter()
        .map(|c| CommuneSeed {
            insee: c.insee.clone(),
            name: c.name.clone(),
            postcodes: c.postcodes.clone(),
            lonlat: Some((c.point.x(), c.point.y())),
        })
        .collect()
}

/// An index builder for the territory's communes, their former (delegated) communes declared
/// as aliases.
pub fn territory_index_builder(t: &Territory) -> IndexBuilder {
    let mut b = IndexBuilder::for_communes(commune_seeds(t));
    for c in &t.communes {
        for f in &c.former_communes {
            b.add_former_commune(&c.insee, &f.insee, &f.name);
        }
    }
    b
}

/// The territory's parks with a position, for the park fallback; those placed only at their
/// commune's point give commune-level results.
pub fn park_refs(t: &Territory) -> Vec<ParkRef> {
    t.parks
        .iter()
        .filter_map(|p| {
            let pos = p.position?;
            let mut communes = p.communes.clone();
            if let Some(i) = &p.insee
                && !communes.contains(i)
            {
                communes.push(i.clone());
            }
            Some(ParkRef {
                id: p.id.clone(),
                name: p.name.clone(),
                communes,
                lonlat: (pos.x(), pos.y()),
                precise: p.precision < Precision::Commune,
            })
        })
        .collect()
}

/// The offline geocoder of a territory: its address index (or its communes alone when no BAN
/// file was imported, with a warning) and its parks.
pub fn territory_geocoder(t: &Territory) -> anyhow::Result<Geocoder> {
    let path = t.dir.join(INDEX_FILE);
    let index = if path.is_file() {
        let index = AddressIndex::load(&path)?;
        let missing = t
            .communes
            .iter()
            .filter(|c| index.commune_by_insee(&c.insee).is_none())
            .count();
        if missing > 0 {
            eprintln!(
                "warning: {} of the territory's communes are not in the address index {}:                  re-run `boucle geocode import-ban`",
                missing,
                path.display()
            );
        }
        index
    } else {
        eprintln!(
            "warning: no address index ({}): only business parks and communes can be found; \
             import a BAN file with `boucle geocode import-ban adresses-68.csv.gz`",
            path.display()
        );
        territory_index_builder(t).build().0
    };
    Ok(Geocoder::new(index).with_parks(park_refs(t)))
}

fn load_territory(dir: &Path) -> anyhow::Result<Territory> {
    Territory::load(dir).with_context(|| format!("loading the territory in {}", dir.display()))
}

fn import_ban(dir: &Path, a: &ImportBanArgs) -> anyhow::Result<ExitCode> {
    let t = load_territory(dir)?;
    let started = std::time::Instant::now();
    let mut builder = territory_index_builder(&t);
    let mut reader = AddressReader::open(&a.file)?;
    for rec in reader.by_ref() {
        builder.add(rec?);
    }
    let skipped = reader.skipped_no_position;
    let cp1252 = reader.cp1252_lines();
    let (index, stats) = builder.build();
    let path = dir.join(INDEX_FILE);
    index.save(&path)?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let with_addresses = index
        .communes
        .iter()
        .filter(|c| c.streets.1 > c.streets.0)
        .count();
    let summary = serde_json::json!({
        "file": a.file,
        "format": format!("{:?}", reader.format()),
        "index": path,
        "records_kept": stats.added,
        "records_outside_territory": stats.outside,
        "duplicates": stats.duplicates,
        "records_without_position": skipped,
        "records_in_former_communes": stats.in_former_communes,
        "former_communes": index.communes.iter().map(|c| c.former.len()).sum::<usize>(),
        "communes_outside_territory": index.communes.iter().filter(|c| !c.in_territory).count(),
        "lines_read_as_windows_1252": cp1252,
        "addresses": index.address_count(),
        "streets": index.streets.len(),
        "communes": index.communes.len(),
        "communes_with_addresses": with_addresses,
        "bytes": size,
        "seconds": started.elapsed().as_secs_f64(),
    });
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "Indexed {} addresses on {} streets in {}/{} communes into {} ({} bytes); {} records outside the territory, {} duplicates, {} without position",
            index.address_count(),
            index.streets.len(),
            with_addresses,
            index.communes.len(),
            path.display(),
            size,
            stats.outside,
            stats.duplicates,
            skipped
        );
        if cp1252 > 0 {
            println!("  {cp1252} lines were not UTF-8 and were read as Windows-1252");
        }
        let in_territory = index.communes.iter().filter(|c| c.in_territory).count();
        if with_addresses < in_territory {
            let missing: Vec<&str> = index
                .communes
                .iter()
                .filter(|c| c.in_territory && c.streets.1 == c.streets.0)
                .map(|c| c.insee.as_str())
                .collect();
            println!("  communes without addresses: {}", missing.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_result(r: &GeocodeResult, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(r)?);
    } else {
        println!("lon\t{:.7}", r.lon);
        println!("lat\t{:.7}", r.lat);
        println!("score\t{:.3}", r.score);
        println!("type\t{}", r.match_type.as_str());
        println!("label\t{}", r.label);
        println!("insee\t{}", r.insee);
        if let Some(f) = r.former_commune_text() {
            println!("former_commune\t{f}");
        }
        if !r.in_territory {
            println!("in_territory\tfalse");
        }
        if r.ambiguous {
            println!(
                "ambiguous\trunner-up: {}",
                r.runner_up.as_deref().unwrap_or("")
            );
        }
        for reason in &r.reasons {
            println!("reason\t{reason}");
        }
    }
    Ok(())
}

fn geocode_one(
    dir: &Path,
    address: &str,
    json: bool,
    online: &OnlineArgs,
) -> anyhow::Result<ExitCode> {
    let result = if online.online {
        OnlineGeocoder::new(&online.online_url).search(address, None)?
    } else {
        let t = load_territory(dir)?;
        territory_geocoder(&t)?.geocode(address)
    };
    match result {
        Some(r) => {
            print_result(&r, json)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            if json {
                println!("null");
            } else {
                eprintln!("no result for {address:?}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn geocode_csv(dir: &Path, args: &GeocodeArgs, path: &Path) -> anyhow::Result<ExitCode> {
    let (mut input, _) = crate::geocode::ban::open_text(path)?;
    let delim = crate::geocode::ban::sniff_delimiter(&mut input)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(input);
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: malformed CSV header", path.display()))?
        .clone();
    let col = headers
        .iter()
        .position(|h| h.trim().trim_start_matches('\u{feff}') == args.column)
        .ok_or_else(|| {
            crate::error::InputError::new(
                path,
                crate::error::Location::Line(1),
                Some(&args.column),
                "no such column (choose one with --column)",
            )
        })?;
    let insee_col = match &args.insee_column {
        Some(name) => Some(headers.iter().position(|h| h == name).ok_or_else(|| {
            crate::error::InputError::new(
                path,
                crate::error::Location::Line(1),
                Some(name),
                "no such column",
            )
        })?),
        None => None,
    };
    let mut rows = Vec::new();
    for rec in rdr.records() {
        rows.push(rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            crate::error::InputError::new(
                path,
                crate::error::Location::Line(line),
                None,
                format!("malformed CSV: {e}"),
            )
        })?);
    }
    let results: Vec<Option<GeocodeResult>> = if args.online.online {
        let queries: Vec<(String, Option<String>)> = rows
            .iter()
            .map(|r| {
                (
                    r.get(col).unwrap_or("").to_owned(),
                    insee_col
                        .and_then(|c| r.get(c))
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                )
            })
            .collect();
        OnlineGeocoder::new(&args.online.online_url).search_batch(&queries)?
    } else {
        let t = load_territory(dir)?;
        let g = territory_geocoder(&t)?;
        rows.iter()
            .map(|r| {
                let q = r.get(col).unwrap_or("");
                let hints = Hints {
                    insee: insee_col.and_then(|c| r.get(c)).filter(|s| !s.is_empty()),
                    park_id: None,
                };
                g.geocode_with(q, hints)
            })
            .collect()
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delim)
        .from_writer(Vec::new());
    let mut header: Vec<&str> = headers.iter().collect();
    header.extend([
        "result_lon",
        "result_lat",
        "result_score",
        "result_type",
        "result_label",
        "result_insee",
    ]);
    if args.details {
        header.extend(DETAIL_COLUMNS);
    }
    w.write_record(&header)?;
    let mut found = 0;
    for (row, res) in rows.iter().zip(&results) {
        let mut out: Vec<String> = row.iter().map(str::to_owned).collect();
        out.resize(headers.len(), String::new());
        match res {
            Some(r) => {
                found += 1;
                out.extend([
                    format!("{:.7}", r.lon),
                    format!("{:.7}", r.lat),
                    format!("{:.3}", r.score),
                    r.match_type.as_str().to_owned(),
                    r.label.clone(),
                    r.insee.clone(),
                ]);
                if args.details {
                    out.extend([
                        r.in_territory.to_string(),
                        r.ambiguous.to_string(),
                        r.former_commune.clone().unwrap_or_default(),
                        r.reasons.join("; "),
                    ]);
                }
            }
            None => out.extend(std::iter::repeat_n(
                String::new(),
                if args.details { 10 } else { 6 },
            )),
        }
        w.write_record(&out)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    match &args.output {
        Some(p) => {
            crate::io::atomic::write_atomic(p, &bytes)?;
            eprintln!("{found}/{} rows geocoded → {}", rows.len(), p.display());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Columns added by `geocode --csv --details`.
pub const DETAIL_COLUMNS: [&str; 4] = [
    "result_in_territory",
    "result_ambiguous",
    "result_former_commune",
    "result_reasons",
];

fn fmt_pos(p: Option<(f64, f64)>) -> String {
    p.map(|(x, y)| format!("{x:.6},{y:.6}"))
        .unwrap_or_else(|| "-".into())
}

fn actors(dir: &Path, a: &ActorsArgs, online: &OnlineArgs) -> anyhow::Result<ExitCode> {
    let _lock = crate::territory::lock::TerritoryLock::acquire(dir)?;
    let t = load_territory(dir)?;
    let spatial = crate::spatial::SpatialIndex::new(&t);
    let commune_at = |lon: f64, lat: f64| spatial.commune_at(lon, lat).map(|c| c.insee.clone());
    let opts = ActorsOptions {
        min_score: a.min_score,
        force: a.force,
    };
    let mut actors = t.actors.clone();
    let report = if online.online {
        let client = OnlineGeocoder::new(&online.online_url);
        geocode_actors(
            &mut actors,
            opts,
            |q, h| client.search(q, h.insee),
            commune_at,
        )?
    } else {
        let g = territory_geocoder(&t)?;
        geocode_actors(
            &mut actors,
            opts,
            |q, h| Ok::<_, std::convert::Infallible>(g.geocode_with(q, h)),
            commune_at,
        )?
    };
    let written = !a.dry_run && !report.changes.is_empty();
    if written {
        crate::territory::write_actors(dir, &actors)?;
    }
    if a.json {
        let mut v = serde_json::to_value(&report)?;
        v["written"] = serde_json::Value::Bool(written);
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Geocoded {} actors ({} without address, {} manual positions kept, {} better positions kept, {} results not written){}",
        report.geocoded,
        report.without_address,
        report.kept_manual.len(),
        report.kept_better.len(),
        report.not_written.len(),
        if online.online { " online" } else { "" }
    );
    println!("Precision of all actors:");
    for (p, n) in &report.by_precision {
        println!("  {p:<12} {n}");
    }
    if !report.changes.is_empty() {
        println!("Changes ({}):", report.changes.len());
        for c in &report.changes {
            println!(
                "  {:<32} {} ({}) → {} ({}, score {:.2})",
                c.id,
                fmt_pos(c.old),
                c.old_precision.as_str(),
                fmt_pos(Some(c.new)),
                c.new_precision.as_str(),
                c.score
            );
        }
    }
    if !report.review.is_empty() {
        println!("To review ({}):", report.review.len());
        for r in &report.review {
            println!(
                "  {:<32} {:?} → {} [{}]",
                r.id,
                r.address,
                r.label.as_deref().unwrap_or("no result"),
                r.reasons.join("; ")
            );
        }
    }
    if written {
        println!("actors file rewritten");
    } else if a.dry_run {
        println!("dry run: actors file not written");
    }
    Ok(ExitCode::SUCCESS)
}
