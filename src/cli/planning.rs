//! `boucle site`, `boucle synergies [record|list]`, `boucle indicators`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::siting::{self, CandidateSet, Candidates, Objective, SitingRequest};
use crate::synergy;
use crate::territory::Territory;
use crate::territory::register::{self, Recorded};
use crate::territory::{SYNERGIES_FILE, Status, Synergy};

fn load(data: &DataArg) -> anyhow::Result<Territory> {
    let dir = data.resolve();
    Territory::load(&dir).with_context(|| format!("loading the territory {}", dir.display()))
}

fn km(x: f64) -> String {
    format!("{x:.1}")
}

/// Arguments of `boucle site`.
#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// Material slug (or a French label / synonym naming one material).
    #[arg(long)]
    pub material: String,
    /// Candidate sites: `parks` (default) or a CSV (`id,name,lon,lat[,free_ha,excluded]`) or
    /// GeoJSON file of points.
    #[arg(long, default_value = "parks")]
    pub candidates: String,
    /// Number of sites of the best set.
    #[arg(long, default_value_t = 1)]
    pub p: usize,
    /// What to minimise: vehicle-km (trips × round trip) or tonne-km.
    #[arg(long, value_enum, default_value = "vehicle-km")]
    pub objective: ObjectiveArg,
    /// Exclude candidates whose known free land is below this many hectares.
    #[arg(long, value_name = "HA")]
    pub min_free_ha: Option<f64>,
    /// Emission factor, kg CO2e per vehicle-km.
    #[arg(long)]
    pub kg_co2e_per_km: Option<f64>,
    /// Exclude business parks outside the territory.
    #[arg(long)]
    pub territory_only: bool,
    /// Also write the candidates as GeoJSON points (property `score` in [0, 1]) to this file.
    #[arg(long, value_name = "FILE")]
    pub geojson: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// `--objective` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ObjectiveArg {
    /// Vehicle-km per year.
    VehicleKm,
    /// Tonne-km per year.
    TonneKm,
}

/// What a candidate's row says about ties, shared positions and a commune-centre position.
fn tie_note(c: &siting::CandidateResult) -> String {
    let mut out = String::new();
    if !c.tied_with.is_empty() {
        out += &format!("  (ex aequo with {})", c.tied_with.join(", "));
    }
    if !c.same_position_as.is_empty() {
        out += &format!("  (same position as {})", c.same_position_as.join(", "));
    }
    if c.precision == "commune" {
        out += "  (placed at its commune's centre)";
    }
    out
}

/// Run `boucle site`.
pub fn site(a: SiteArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let candidates = if a.candidates == "parks" {
        Candidates::Named(CandidateSet::Parks)
    } else {
        Candidates::List(siting::read_candidates(std::path::Path::new(
            &a.candidates,
        ))?)
    };
    let req = SitingRequest {
        material: a.material.clone(),
        candidates,
        p: a.p,
        objective: match a.objective {
            ObjectiveArg::VehicleKm => Objective::VehicleKm,
            ObjectiveArg::TonneKm => Objective::TonneKm,
        },
        min_free_ha: a.min_free_ha,
        kg_co2e_per_km: a.kg_co2e_per_km,
        territory_only: a.territory_only,
    };
    let r = siting::site(&t, &req)?;
    if let Some(path) = &a.geojson {
        let fc = siting::to_geojson(&r);
        let text = serde_json::to_string(&fc)?;
        crate::io::atomic::write_atomic(path, text.as_bytes())?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Siting for {} ({}): {} sources, {:.1} t/year; distances: {}{}",
        r.material_label_fr,
        r.material,
        r.sources,
        r.tonnes_per_year,
        r.method.as_str(),
        match &r.estimate {
            Some(e) => format!(
                "; ESTIMATE ({}): {}",
                e.reasons
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                e.describe()
            ),
            None => String::new(),
        }
    );
    println!(
        "{:>4}  {:<40} {:>6} {:>10} {:>10} {:>10} {:>6} {:>6}",
        "rank", "candidate", "score", "veh-km/yr", "t-km/yr", "kgCO2e/yr", "≤10km", "≤20km"
    );
    for c in &r.candidates {
        let name: String = c.name.chars().take(40).collect();
        println!(
            "{:>4}  {:<40} {:>6} {:>10} {:>10} {:>10} {:>5.0}% {:>5.0}%{}",
            c.rank.map_or("-".to_owned(), |x| x.to_string()),
            name,
            c.score.map_or("-".to_owned(), |s| format!("{s:.2}")),
            km(c.figures.vehicle_km_per_year),
            km(c.figures.tonne_km_per_year),
            km(c.figures.kg_co2e_per_year),
            100.0 * c.share_within_10km,
            100.0 * c.share_within_20km,
            c.exclusion_reason
                .as_deref()
                .map(|x| format!("  (excluded: {x})"))
                .unwrap_or_default()
                + &tie_note(c)
        );
    }
    if r.best_single_tied.len() > 1 {
        println!(
            "Best single site: a tie (ex aequo, within {} %) between {}",
            siting::TIE_TOLERANCE * 100.0,
            r.best_single_tied.join(", ")
        );
    }
    let b = &r.best_set;
    println!(
        "Best set of {}: {} — {} veh-km/yr, {} t-km/yr, {} kg CO2e/yr ({}{})",
        b.p,
        b.site_ids.join(", "),
        km(b.figures.vehicle_km_per_year),
        km(b.figures.tonne_km_per_year),
        km(b.figures.kg_co2e_per_year),
        b.solver.algorithm,
        b.solver
            .gap
            .map(|g| format!(", gap ≤ {:.2}% to a Lagrangian bound", 100.0 * g))
            .unwrap_or_else(|| ", optimal".into())
    );
    println!(
        "  CO2e: {:.3} kg per vehicle-km — {}",
        r.assumptions.kg_co2e_per_km, r.assumptions.kg_co2e_per_km_source
    );
    for w in &r.warnings {
        println!("  note: {w}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `boucle synergies`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SynergiesArgs {
    /// Register commands; without one, list candidate out → in matches.
    #[command(subcommand)]
    pub command: Option<SynergiesCommand>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Show at most this many candidates (text output).
    #[arg(long, default_value_t = 25)]
    pub limit: usize,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// `boucle synergies record|list`.
#[derive(Debug, clap::Subcommand)]
pub enum SynergiesCommand {
    /// Add or update (by id) a synergy in the register (synergies.csv).
    Record(RecordArgs),
    /// List the synergies of the register.
    List(ListArgs),
}

/// Arguments of `boucle synergies record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// Identifier (an existing id is replaced).
    #[arg(long)]
    pub id: String,
    /// Title.
    #[arg(long)]
    pub title: String,
    /// Material slug (or label / synonym / EWC code naming one material).
    #[arg(long)]
    pub material: String,
    /// Status: idea, study, negotiation, implemented, abandoned (French names accepted).
    #[arg(long, value_parser = parse_status)]
    pub status: Status,
    /// Actor or site ids, `;`- or `,`-separated.
    #[arg(long, default_value = "")]
    pub actors: String,
    /// Start date (YYYY[-MM[-DD]]).
    #[arg(long)]
    pub started: Option<String>,
    /// Last update (default: today).
    #[arg(long)]
    pub updated: Option<String>,
    /// Notes.
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Provenance.
    #[arg(long, default_value = "")]
    pub source: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| {
        format!("unknown status `{s}` (idea, study, negotiation, implemented, abandoned)")
    })
}

/// Arguments of `boucle synergies list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this status.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Run `boucle synergies`.
pub fn synergies(a: SynergiesArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        Some(SynergiesCommand::Record(r)) => record(r),
        Some(SynergiesCommand::List(l)) => list(l),
        None => candidates(&a.data, a.json, a.limit),
    }
}

fn candidates(data: &DataArg, json: bool, limit: usize) -> anyhow::Result<ExitCode> {
    let t = load(data)?;
    let r = synergy::find_candidates(&t)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} candidate matches from {} out flows to {} in sides (distances: {}{})",
        r.candidates.len(),
        r.out_flows,
        r.in_sides,
        r.method.as_str(),
        if r.estimate {
            "; flows are demonstration values"
        } else {
            ""
        }
    );
    for c in r.candidates.iter().take(limit) {
        println!(
            "{:.2}  {} ({}, {:.1} t/yr) → {} [{}] ({})  {}  {}",
            c.score,
            c.out_holder,
            c.out_material,
            c.out_tonnes_per_year,
            c.in_holder,
            c.in_kind,
            c.in_material,
            c.distance_km
                .map_or("distance unknown".to_owned(), |d| format!("{d:.1} km")),
            c.reason_text
        );
    }
    if r.candidates.len() > limit {
        println!(
            "… {} more (--limit N, or --json)",
            r.candidates.len() - limit
        );
    }
    if !r.unmatched.is_empty() {
        println!("Out flows without any taker: {}", r.unmatched.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn record(a: RecordArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let s = Synergy {
        id: a.id.trim().to_owned(),
        title: a.title,
        material: a.material,
        status: a.status,
        actors: a
            .actors
            .split([';', ','])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect(),
        started: a.started,
        updated: a.updated,
        notes: a.notes,
        source: a.source,
    };
    let (outcome, s) = register::record(&t, s)?;
    println!(
        "{} synergy `{}` ({}, {}) in {}",
        match outcome {
            Recorded::Created => "Recorded",
            Recorded::Updated => "Updated",
        },
        s.id,
        s.material,
        s.status.as_str(),
        t.dir.join(SYNERGIES_FILE).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn list(a: ListArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let all = register::register_of(&t)?;
    let shown: Vec<&Synergy> = all
        .iter()
        .filter(|s| a.status.is_none_or(|st| s.status == st))
        .collect();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&shown)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} synergies", shown.len());
    for s in shown {
        println!(
            "{:<14} {:<12} {:<16} {}  [{}]  {}",
            s.id,
            s.status.as_str(),
            s.material,
            s.title,
            s.actors.join(";"),
            s.source
        );
    }
    let counts = register::count_by_status(&all);
    println!(
        "by status: {}",
        counts
            .iter()
            .map(|(k, v)| format!("{} {v}", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `boucle indicators`.
#[derive(Debug, clap::Args)]
pub struct IndicatorsArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Run `boucle indicators`.
pub fn indicators(a: IndicatorsArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let register = register::register_of(&t)?;
    let r = crate::indicators::indicators(&t, &register)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Indicators of {} (Korhonen 2001; distances: {})",
        r.territory,
        r.method.as_str()
    );
    for i in &r.indicators {
        println!(
            "  {:<12} {:<34} {:>8} {}{}",
            i.principle,
            i.key,
            i.value.map_or("n/a".to_owned(), |v| format!("{v:.3}")),
            i.unit,
            i.estimate
                .as_ref()
                .map(|e| format!(
                    "  (estimate: {})",
                    e.reasons
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .unwrap_or_default()
        );
        if let Some(n) = &i.note {
            println!("  {:<12} {:<34} note: {n}", "", "");
        }
    }
    let p = &r.programme;
    println!(
        "  programme: {} actors listed, {} with flows, {} mobilised in synergies; {} synergies ({})",
        p.actors_listed,
        p.actors_with_flows,
        p.actors_mobilised,
        p.synergies,
        p.synergies_by_status
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
