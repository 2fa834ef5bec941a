//! `boucle rounds` (pooled collection rounds, alone vs pooled) and `boucle clusters`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::DataArg;
use crate::cluster::{self, ClusterParams};
use crate::rounds::PlaceKind;
use crate::rounds::{self as plan, FactorsSpec, RoundsRequest, VehiclesSpec};
use crate::territory::Territory;
use crate::territory::Totals;

/// What a plan of rounds takes, shared by `boucle rounds` and `boucle report`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Material slug (materials.csv), e.g. `pallets`, `paper_cardboard`.
    #[arg(long)]
    pub material: String,
    /// Depot: a site or actor id, or LON,LAT (default: territory.toml, else the treatment site).
    #[arg(long, value_name = "ID|LON,LAT", allow_hyphen_values = true)]
    pub depot: Option<String>,
    /// Treatment site: a site id or LON,LAT (default: territory.toml
    /// defaults.rounds.MATERIAL.treatment_site).
    #[arg(long, value_name = "ID|LON,LAT", allow_hyphen_values = true)]
    pub dump: Option<String>,
    /// Vehicle type id (default: territory.toml defaults.rounds.MATERIAL.vehicle); several
    /// ids, comma-separated, make a mixed fleet (the first is the primary type), each round
    /// taking the type that makes the plan cheapest.
    #[arg(long, value_name = "ID[,ID…]")]
    pub vehicle: Option<String>,
    /// Solver time limit in seconds.
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Solver random seed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Stop the routing engine after N genetic iterations; without --time-limit no clock stops
    /// it, so the same command gives the same plan on any machine.
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<u64>,
}

impl PlanArgs {
    /// The rounds request these arguments make (the territory's vehicle types and factors).
    pub fn request(&self) -> RoundsRequest {
        RoundsRequest {
            material: self.material.clone(),
            depot: self.depot.clone(),
            dump: self.dump.clone(),
            time_limit_s: self.time_limit,
            seed: self.seed,
            vehicle: self.vehicle.clone(),
            max_iterations: self.max_iterations,
            ..RoundsRequest::default()
        }
    }
}

/// Arguments of `boucle rounds`.
#[derive(Debug, clap::Args)]
pub struct RoundsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub plan: PlanArgs,
    /// Vehicle types CSV (same columns as the territory's vehicles.csv).
    #[arg(long, value_name = "FILE")]
    pub vehicles: Option<PathBuf>,
    /// Emission factors CSV (same columns as the territory's emission_factors.csv).
    #[arg(long, value_name = "FILE")]
    pub factors: Option<PathBuf>,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
    // --- Planning over a period (issue 18, point 3) ---
    /// Plan a period of weeks (`4w`, 1 to 13 weeks): each company at its own frequency on its
    /// allowed days, each day's rounds within the fleet and shifts; prints the calendar, each
    /// company's visit days and the comparison with the single cycle and the baseline.
    #[arg(long, value_name = "Nw", conflicts_with_all = ["export", "gpx", "csv"])]
    pub period: Option<String>,
    // --- end of the period block ---
    // --- Files of the rounds and the VROOM export (issue 18, point 4) ---
    /// Write the routing problem in another tool's input format instead of planning:
    /// `vroom` (VROOM's JSON input, with the holders' quantities).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub export: Option<ExportFormat>,
    /// With --export: the file to write (atomically; default: standard output).
    #[arg(long, value_name = "FILE", requires = "export")]
    pub out: Option<PathBuf>,
    /// Also write the rounds as GPX 1.1 (one route per round: D depot, 1…n stops, V unloading).
    #[arg(long, value_name = "FILE", conflicts_with = "export")]
    pub gpx: Option<PathBuf>,
    /// Also write the rounds as CSV (one row per place of each round).
    #[arg(long, value_name = "FILE", conflicts_with = "export")]
    pub csv: Option<PathBuf>,
    /// With --csv: for French spreadsheets (semicolons, decimal commas, byte order mark).
    #[arg(long, requires = "csv")]
    pub csv_fr: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// A format `boucle rounds --export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// VROOM's JSON input format.
    Vroom,
}

/// Arguments of `boucle report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub plan: PlanArgs,
    /// Where to write the page (default: `rapport-MATERIAL-DATE.html` in the current
    /// directory).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Run `boucle report`: plan the rounds as `boucle rounds` does and write the dated French
/// report page (atomically).
pub fn report(a: ReportArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let p = plan::plan_rounds(&t, &a.plan.request())?;
    let date = crate::io::date::today();
    let html = crate::rounds::report::html(&t, &p, &date);
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("rapport-{}-{date}.html", p.material)));
    crate::io::atomic::write_atomic(&out, html.as_bytes())?;
    println!(
        "Report written: {} ({} rounds, savings {:.0} EUR a year, range {:.0} to {:.0})",
        out.display(),
        p.rounds.len(),
        p.scenario.savings.cost_eur,
        p.scenario.sensitivity.savings_eur.low,
        p.scenario.sensitivity.savings_eur.high
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `boucle clusters`.
#[derive(Debug, clap::Args)]
pub struct ClustersArgs {
    /// Material slug (materials.csv).
    #[arg(long)]
    pub material: String,
    /// Neighbourhood radius in metres of travel distance.
    #[arg(long, value_name = "D", default_value_t = 3000.0)]
    pub eps_m: f64,
    /// Neighbours (the holder included) for a core point.
    #[arg(long, value_name = "K", default_value_t = 2)]
    pub min_points: usize,
    /// Vehicle type id used for the capacity split.
    #[arg(long, value_name = "ID")]
    pub vehicle: Option<String>,
    /// Print the clusters as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

fn load(data: &DataArg) -> anyhow::Result<Territory> {
    let dir = data.resolve();
    Territory::load(&dir).with_context(|| format!("loading territory {}", dir.display()))
}

fn row(label: &str, t: &Totals) -> String {
    format!(
        "  {label:<9} {:>10.1} {:>8.1} {:>10.0} {:>10.0}",
        t.distance_km, t.hours, t.cost_eur, t.co2e_kg
    )
}

/// Run `boucle rounds`.
pub fn rounds(a: RoundsArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let req = RoundsRequest {
        vehicles: a
            .vehicles
            .as_ref()
            .map(|p| VehiclesSpec::File(p.display().to_string())),
        factors: a
            .factors
            .as_ref()
            .map(|p| FactorsSpec::File(p.display().to_string())),
        ..a.plan.request()
    };
    if let Some(period) = &a.period {
        let req = RoundsRequest {
            period: Some(plan::PeriodSpec::Text(period.clone())),
            ..req
        };
        let p = plan::plan_period(&t, &req)?;
        if a.json {
            println!("{}", serde_json::to_string_pretty(&p)?);
        } else {
            super::period::print(&t, &p);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if a.export == Some(ExportFormat::Vroom) {
        let travel = crate::travel::Travel::for_territory(&t)?;
        let v = plan::export_vroom(&t, &travel, &req)?;
        let text = serde_json::to_string_pretty(&v)?;
        match &a.out {
            Some(o) => {
                crate::io::atomic::write_atomic(o, text.as_bytes())
                    .with_context(|| format!("writing {}", o.display()))?;
                eprintln!(
                    "{}: {} jobs, {} vehicles (VROOM input)",
                    o.display(),
                    v["jobs"].as_array().map_or(0, Vec::len),
                    v["vehicles"].as_array().map_or(0, Vec::len)
                );
            }
            None => println!("{text}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let p = plan::plan_rounds(&t, &req)?;
    let material_fr = t
        .material(&p.material)
        .map_or(p.material.clone(), |m| m.label_fr.clone());
    if let Some(f) = &a.gpx {
        crate::io::atomic::write_atomic(f, plan::files::gpx(&p, &material_fr).as_bytes())
            .with_context(|| format!("writing {}", f.display()))?;
    }
    if let Some(f) = &a.csv {
        let style = if a.csv_fr {
            plan::files::CsvStyle::French
        } else {
            plan::files::CsvStyle::Plain
        };
        crate::io::atomic::write_atomic(f, plan::files::csv(&p, &material_fr, style).as_bytes())
            .with_context(|| format!("writing {}", f.display()))?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(ExitCode::SUCCESS);
    }
    let method = p.method.as_str();
    println!(
        "Pooled rounds for {} ({}) — {} — distances: {method}{}",
        p.material,
        p.unit,
        t.manifest.name,
        if method == "crow_flies" {
            " (great-circle × circuity, estimate: no road graph)"
        } else {
            ""
        }
    );
    println!(
        "Depot: {} [{}]   treatment site: {} [{}]",
        p.depot.name, p.depot.id, p.dump.name, p.dump.id
    );
    println!(
        "Vehicle: {} ({}), {} kg{}",
        p.vehicle.id,
        p.vehicle.label_fr,
        p.vehicle.capacity_kg,
        p.vehicle
            .capacity_m3
            .map(|m| format!(", {m} m3"))
            .unwrap_or_default()
    );
    if p.fleet.len() > 1 {
        let ids: Vec<String> = p
            .fleet
            .iter()
            .map(|v| format!("{} ({} kg)", v.id, v.capacity_kg))
            .collect();
        println!("Fleet: {}", ids.join(", "));
    }
    println!("Engine: {}", p.engine);
    println!("Defaults used:");
    for d in &p.defaults_used {
        println!("  - {d}");
    }
    println!();
    println!(
        "One collection cycle ({} cycles per year):",
        p.cycles_per_year
    );
    println!(
        "  {:<5} {:>5} {:>5} {:>9} {:>8} {:>9} {:>9} {:>9}  binding / stops",
        "round", "stops", "trips", "km", "hours", "kg", "EUR", "kgCO2e"
    );
    let mixed = p.fleet.len() > 1;
    for (i, r) in p.rounds.iter().enumerate() {
        let names: Vec<&str> = r
            .stops
            .iter()
            .filter(|s| s.kind == PlaceKind::Stop)
            .map(|s| s.id.as_str())
            .collect();
        println!(
            "  {:<5} {:>5} {:>5} {:>9.1} {:>8.2} {:>9.0} {:>9.0} {:>9.1}  [{}] {}",
            i + 1,
            names.len(),
            r.trips,
            r.distance_m / 1000.0,
            r.duration_s / 3600.0,
            r.load_kg.unwrap_or(0.0),
            r.cost_eur,
            r.co2e_kg,
            r.binding
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>()
                .join(","),
            if mixed {
                format!("{}: {}", r.vehicle, names.join(" → "))
            } else {
                names.join(" → ")
            }
        );
    }
    for n in &p.notes {
        println!("  note: {n}");
    }
    if !p.unassigned.is_empty() {
        println!("Unassigned ({}):", p.unassigned.len());
        for u in &p.unassigned {
            println!("  - {} ({}): {}", u.id, u.name, u.reason);
        }
    }
    let s = &p.scenario;
    println!();
    println!(
        "Per year — alone vs pooled (method: {}):",
        s.method.as_str()
    );
    println!("  alone = {}", p.baseline.definition);
    println!(
        "  baseline treatment site: {} ({})",
        p.baseline.treatment_site.name, p.baseline.treatment_site.id
    );
    for n in &p.baseline.notes {
        println!("  note: {n}");
    }
    println!(
        "  {:<9} {:>10} {:>8} {:>10} {:>10}",
        "", "km", "hours", "EUR", "kgCO2e"
    );
    println!("{}", row("alone", &s.alone));
    println!("{}", row("pooled", &s.pooled));
    println!("{}", row("savings", &s.savings));
    let sens = &s.sensitivity;
    println!(
        "  savings range (uncertain cost factors at their plausible ends): {:.0} to {:.0} EUR, {:.1} to {:.1} kgCO2e a year",
        sens.savings_eur.low,
        sens.savings_eur.high,
        sens.savings_co2e_kg.low,
        sens.savings_co2e_kg.high
    );
    for e in &sens.factors {
        println!(
            "    - {} ({}): {:.0} to {:.0} EUR",
            e.factor.as_str(),
            e.values
                .iter()
                .map(|v| format!(
                    "{} {:.2}–{:.2} {}, {}",
                    v.vehicle, v.low, v.high, e.unit, v.source
                ))
                .collect::<Vec<_>>()
                .join("; "),
            e.savings_eur.low,
            e.savings_eur.high
        );
    }
    println!("  {}", sens.conclusion);
    if let Some(b) = &sens.break_even {
        println!("  break-even: {}", b.text);
    }
    println!("  not varied: {}", sens.not_varied.join("; "));
    if let Some(e) = &s.estimate {
        println!(
            "  ESTIMATE ({}): {}",
            e.reasons
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            e.describe()
        );
        if let Some(share) = e.commune_precision_share {
            println!(
                "  {:.0} % of the quantity is held by companies placed at their commune's centre",
                share * 100.0
            );
        }
    }
    println!("Factors:");
    for f in &s.factors {
        println!("  - {} = {} {} — {}", f.name, f.value, f.unit, f.source);
    }
    println!("How:");
    for n in &s.notes {
        println!("  - {n}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Run `boucle clusters`.
pub fn clusters(a: ClustersArgs) -> anyhow::Result<ExitCode> {
    let t = load(&a.data)?;
    let params = ClusterParams {
        eps_m: a.eps_m,
        min_points: a.min_points,
        vehicle: a.vehicle.clone(),
    };
    let cs = cluster::clusters_for(&t, &a.material, &params)?;
    let mat = t.material_or_err(&a.material)?;
    let unlocated: Vec<crate::territory::Holder> = t
        .holders(mat)?
        .into_iter()
        .filter(|h| h.position.is_none())
        .collect();
    if a.json {
        let v = serde_json::json!({
            "material": a.material,
            "params": params,
            "clusters": cs,
            "unlocated": unlocated.iter().map(|h| serde_json::json!({"id": h.id, "name": h.name, "reason": "unlocated"})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    let method = cs
        .first()
        .map(|c| c.method.as_str())
        .unwrap_or("crow_flies");
    println!(
        "Clusters of {} holders — DBSCAN eps {} m, min points {} — distances: {method}",
        a.material, a.eps_m, a.min_points
    );
    println!(
        "  {:>3} {:>6} {:>7} {:>12} {:>9} {:>11} {:>10}  members",
        "id", "dbscan", "members", "qty/year", "kg/cycle", "rounds/cyc", "rounds/yr"
    );
    for c in &cs {
        println!(
            "  {:>3} {:>6} {:>7} {:>12.1} {:>9.0} {:>11} {:>10.0}  {}",
            c.id,
            c.dbscan_cluster
                .map(|d| d.to_string())
                .unwrap_or_else(|| "noise".into()),
            c.members.len(),
            c.quantity_per_year.unwrap_or_default(),
            c.kg_per_cycle.unwrap_or_default(),
            c.rounds_per_cycle,
            c.rounds_per_year,
            c.members
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !unlocated.is_empty() {
        println!("Unlocated holders (not clustered): {}", unlocated.len());
        for h in &unlocated {
            println!("  - {} ({})", h.id, h.name);
        }
    }
    if cs.iter().any(|c| c.estimate) {
        println!("Quantities are demonstration values and/or distances crow-flies estimates.");
    }
    Ok(ExitCode::SUCCESS)
}
