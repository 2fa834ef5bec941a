//! Pooled collection rounds for one material on a territory: request → routing model → rounds,
//! unassigned holders and the alone-vs-pooled [`Scenario`].
//!
//! This is the function the CLI (`boucle rounds`) and the HTTP server call:
//! [`plan_rounds`]`(&Territory, &RoundsRequest) -> RoundsPlan`.
//!
//! Defaults, each reported in [`RoundsPlan::defaults_used`] when taken:
//! - treatment site (dump): the manifest's `defaults.rounds.<material>.treatment_site`, else the
//!   first located site that accepts the material;
//! - depot: the manifest's `defaults.rounds.<material>.depot`, else the treatment site (the
//!   recycler runs the trucks: rounds start and end there);
//! - vehicle: the manifest's `defaults.rounds.<material>.vehicle`, else a built-in choice per
//!   material ([`crate::rounds::scenario::default_vehicle_for`]), else the first vehicle type;
//! - vehicle types and emission factors: the territory's `vehicles.csv` and
//!   `emission_factors.csv`, else the built-in copies;
//! - service time per stop 15 min, unloading 20 min (manifest keys `service_min`, `unload_min`);
//! - collections per year when a flow gives none: 12.
//!
//! Scaling over the year: the pooled service runs `cycles_per_year` collection cycles, the
//! highest frequency asked by the holders; each holder's demand per cycle is its yearly quantity
//! divided by the cycles. One cycle's rounds are computed and multiplied by the cycles.
//!
//! Travel costs: the road graph of the territory folder (`network.graph`) when it exists, else
//! great-circle × circuity at a constant speed (`method: crow_flies`, straight geometries).
//!
//! Routing: the routing engine [`boucle_vrp::solve`] (hybrid genetic search; one vehicle
//! type; capacity in kg and m³; maximum duration and distance; multi-trip with unloading at the
//! treatment site; as many vehicles as needed within a cycle, since a cycle spans several days),
//! with a deterministic Clarke–Wright savings construction + 2-opt as a floor: the cheaper plan
//! (serving as many stops) is kept, and [`RoundsPlan::engine`] says which.

use std::collections::BTreeMap;
use std::path::Path;

use geo::Point;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::network::{Router, RouterOptions, open_router_with};
use crate::rounds::scenario::{
    self, CostModel, Demand, EmissionFactor, Scenario, Timing, Totals, Vehicle,
};
use crate::territory::{Direction, Material, Territory};
use crate::travel::{CostMatrix, CrowFlies, Method};

/// Vehicle types given inline (API) or as a CSV path (CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VehiclesSpec {
    /// Vehicle types given inline.
    Inline(Vec<Vehicle>),
    /// Path of a vehicles CSV (same columns as `vehicles.csv`).
    File(String),
}

/// Emission factors given inline (API) or as a CSV path (CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactorsSpec {
    /// Factors given inline.
    Inline(Vec<EmissionFactor>),
    /// Path of an emission-factor CSV (same columns as `emission_factors.csv`).
    File(String),
}

/// What to plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundsRequest {
    /// Material slug, e.g. `pallets`.
    pub material: String,
    /// Depot: a site or actor id, or `"LON,LAT"`.
    #[serde(default)]
    pub depot: Option<String>,
    /// Treatment site (dump): a site id, or `"LON,LAT"`.
    #[serde(default)]
    pub dump: Option<String>,
    /// Vehicle types (inline or a CSV path); default: the territory's `vehicles.csv`.
    #[serde(default)]
    pub vehicles: Option<VehiclesSpec>,
    /// Time limit of the solver in seconds.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Random seed of the solver.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Vehicle type id to use among `vehicles` (default: the material's default vehicle).
    #[serde(default)]
    pub vehicle: Option<String>,
    /// Emission factors (inline or a CSV path); default: the territory's
    /// `emission_factors.csv`.
    #[serde(default)]
    pub factors: Option<FactorsSpec>,
}

/// A place of a round: depot, stop or treatment site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStop {
    /// Actor or site id (`"LON,LAT"` for a depot or dump given by coordinates).
    pub id: String,
    /// Name.
    pub name: String,
    /// `depot`, `stop` or `dump`.
    pub kind: String,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Latitude (WGS84).
    pub lat: f64,
    /// Arrival time from the start of the round, in seconds.
    pub arrival_s: f64,
    /// Load on board on leaving the place, in kg.
    pub load: f64,
}

/// One round of one vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRound {
    /// Vehicle type id.
    pub vehicle: String,
    /// Depot, stops, treatment site, depot.
    pub stops: Vec<PlanStop>,
    /// Length in metres.
    pub distance_m: f64,
    /// Duration in seconds (driving, service, unloading).
    pub duration_s: f64,
    /// Cost in euros (cost model of the vehicle).
    pub cost_eur: f64,
    /// Emissions in kg CO2e.
    pub co2e_kg: f64,
    /// Trips (unloadings at the treatment site) in the round.
    pub trips: usize,
    /// Load collected, in kg.
    pub load_kg: f64,
    /// Load collected, in m³.
    pub load_m3: f64,
    /// How distances were obtained (`road` / `crow_flies`).
    pub method: Method,
    /// GeoJSON LineString of the round; straight segments between places unless `method` is
    /// `road`.
    pub geometry: serde_json::Value,
    /// The constraints that limit the round: from the routing engine `capacity` (a trip is
    /// full), `max_duration`, `max_distance`, `time_windows`; from the savings construction the
    /// constraints at ≥ 90 % of their limit (`capacity_kg`, `capacity_m3`, `max_duration`,
    /// `max_distance`). Empty: nothing binds.
    pub binding: Vec<String>,
}

/// A holder left out of the rounds, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unassigned {
    /// Actor or site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `unlocated` (no position), `zero_quantity`, `unreachable` (no road path), or the routing
    /// engine's reason: `capacity`, `time_window`, `max_duration`, `max_distance`, `no_vehicle`
    /// (`capacity_kg` / `capacity_m3` from the savings construction).
    pub reason: String,
}

/// A default the planner took because the request did not say: what, which, and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefaultTaken {
    /// What was defaulted: `treatment_site`, `depot`, `vehicle_types`, `vehicle`,
    /// `emission_factors`, `service_time`, `unload_time`, `collections_per_year` or `fleet`.
    pub key: String,
    /// What was taken: a site or vehicle type id, a file name, minutes (`service_time`,
    /// `unload_time`), collections per year, or the fleet's type ids (comma-separated).
    pub value: String,
    /// The name of what was taken, when it has one (a site).
    pub name: Option<String>,
    /// Where it comes from: `manifest` (the territory.toml setting in `setting`),
    /// `territory_file` (a file of the territory folder), `builtin` (boucle's own default),
    /// `first_located_site` (the first located site accepting the material), `treatment_site`
    /// (the depot is the treatment site), `first_type` (the first vehicle type) or `request`.
    pub origin: String,
    /// The territory.toml setting read, when `origin` is `manifest`.
    pub setting: Option<String>,
    /// The same in an English sentence (as in [`RoundsPlan::defaults_used`]).
    pub text: String,
}

impl DefaultTaken {
    fn new(key: &str, value: impl Into<String>, origin: &str, text: String) -> DefaultTaken {
        DefaultTaken {
            key: key.into(),
            value: value.into(),
            name: None,
            origin: origin.into(),
            setting: None,
            text,
        }
    }

    /// `key` read from `file` of the territory folder (`what` names it in the sentence).
    fn territory_file(key: &str, what: &str, file: &str) -> DefaultTaken {
        DefaultTaken::new(
            key,
            file,
            "territory_file",
            format!("{what}: {file} of the territory folder"),
        )
    }

    fn named(mut self, name: &str) -> DefaultTaken {
        self.name = Some(name.into());
        self
    }

    fn setting(mut self, setting: String) -> DefaultTaken {
        self.setting = Some(setting);
        self
    }
}

/// The rounds of one collection cycle and the yearly alone-vs-pooled comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundsPlan {
    /// Material slug.
    pub material: String,
    /// Unit of the material's quantities.
    pub unit: String,
    /// How distances and durations were obtained.
    pub method: Method,
    /// Which routing engine produced the rounds.
    pub engine: String,
    /// Defaults taken because the request did not say (in words).
    pub defaults_used: Vec<String>,
    /// The same defaults as data (what, which, from where), for display in any language.
    #[serde(default)]
    pub defaults: Vec<DefaultTaken>,
    /// The depot.
    pub depot: PlanStop,
    /// The treatment site.
    pub dump: PlanStop,
    /// The vehicle type (the primary one of the fleet: the alone baseline uses it).
    pub vehicle: Vehicle,
    /// The fleet the rounds may use: `vehicle` first, then the other types asked (`vehicle`
    /// of the request as a comma-separated list); each round names its type.
    #[serde(default)]
    pub fleet: Vec<Vehicle>,
    /// Collection cycles per year (the pooled rounds run once per cycle).
    pub cycles_per_year: f64,
    /// The rounds of one collection cycle.
    pub rounds: Vec<PlanRound>,
    /// Holders not served, with the reason.
    pub unassigned: Vec<Unassigned>,
    /// Alone vs pooled, per year.
    pub scenario: Scenario,
    /// Remarks on the plan (fleet use, engine), in words.
    pub notes: Vec<String>,
}

/// A holder of a material (out flows summed over the year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    /// Actor or site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Position, if known.
    pub position: Option<Point<f64>>,
    /// Quantity per year, in the material's unit.
    pub quantity_per_year: f64,
    /// Mass per year in kg.
    pub kg_per_year: f64,
    /// Volume per year in m³ (0 when the material has no volume per unit).
    pub m3_per_year: f64,
    /// Collections per year asked (`None`: not given in the flows).
    pub collections_per_year: Option<f64>,
    /// Whether any of its flows is an estimate.
    pub estimate: bool,
}

/// Periods per year of a flow's `period`.
fn periods_per_year(period: &str) -> Option<f64> {
    Some(match period.trim().to_lowercase().as_str() {
        "year" | "an" | "annee" | "année" | "yr" => 1.0,
        "quarter" | "trimestre" => 4.0,
        "month" | "mois" => 12.0,
        "week" | "semaine" => 52.0,
        "day" | "jour" => 250.0,
        _ => return None,
    })
}

/// The material `slug`, or an error listing the known ones.
pub fn material<'a>(t: &'a Territory, slug: &str) -> Result<&'a Material> {
    t.material(slug).ok_or_else(|| {
        Error::Invalid(format!(
            "unknown material `{slug}` (known in {}: {})",
            t.manifest.files.materials,
            t.materials
                .iter()
                .map(|m| m.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// The holders of `material` (actors or sites with an `out` flow of it), in flows.csv order,
/// their yearly quantities summed.
pub fn holders(t: &Territory, material: &Material) -> Result<Vec<Holder>> {
    let mut out: Vec<Holder> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, f) in t.flows.iter().enumerate() {
        if f.material != material.slug || f.direction != Direction::Out {
            continue;
        }
        let line = i + 2;
        let bad = |field: &str, msg: String| {
            Error::Invalid(format!(
                "{}, line {line} (holder {}), field `{field}`: {msg}",
                t.manifest.files.flows, f.holder
            ))
        };
        let per_year = periods_per_year(&f.period)
            .ok_or_else(|| bad("period", format!("unknown period `{}`", f.period)))?;
        let q = f.quantity * per_year;
        let kg = match f.unit.trim() {
            u if u == material.unit => q * material.kg_per_unit,
            "t" => q * 1000.0,
            "kg" => q,
            "m3" => match material.m3_per_unit {
                Some(v) if v > 0.0 => q / v * material.kg_per_unit,
                _ => {
                    return Err(bad(
                        "unit",
                        format!("material `{}` has no m3_per_unit", material.slug),
                    ));
                }
            },
            u => {
                return Err(bad(
                    "unit",
                    format!(
                        "unit `{u}` cannot be converted for material `{}` (unit {})",
                        material.slug, material.unit
                    ),
                ));
            }
        };
        let units = kg / material.kg_per_unit;
        let m3 = material.m3_per_unit.map(|v| units * v).unwrap_or(0.0);
        let freq = f.collections_per_period.map(|c| c * per_year);
        let k = *index.entry(f.holder.clone()).or_insert_with(|| {
            let (name, position) = if let Some(a) = t.actor(&f.holder) {
                (a.name.clone(), a.position)
            } else if let Some(s) = t.site(&f.holder) {
                (s.name.clone(), s.position)
            } else {
                (f.holder.clone(), None)
            };
            out.push(Holder {
                id: f.holder.clone(),
                name,
                position,
                quantity_per_year: 0.0,
                kg_per_year: 0.0,
                m3_per_year: 0.0,
                collections_per_year: None,
                estimate: false,
            });
            out.len() - 1
        });
        let h = &mut out[k];
        h.quantity_per_year += units;
        h.kg_per_year += kg;
        h.m3_per_year += m3;
        h.collections_per_year = match (h.collections_per_year, freq) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        h.estimate |= f.estimate;
    }
    Ok(out)
}

/// Time limit of the routing engine when the request gives none, seconds.
pub const DEFAULT_TIME_LIMIT_S: f64 = 2.0;
/// Genetic iterations of the routing engine when the request gives no time limit (a
/// deterministic stop that keeps small territory plans fast and reproducible).
pub const DEFAULT_MAX_ITERATIONS: u64 = 300;

/// Collections per year assumed when a flow gives none.
pub const DEFAULT_COLLECTIONS_PER_YEAR: f64 = 12.0;

/// The territory's router: the road graph when `DIR/network.graph` exists, else the
/// crow-flies fallback with the manifest's circuity and speed.
pub fn router(t: &Territory) -> Result<Box<dyn Router>> {
    open_router_with(
        &t.dir,
        &RouterOptions {
            crow_flies: crow_flies(t),
            ..RouterOptions::default()
        },
    )
}

/// The travel-cost matrix between `points` (every point to every point); its
/// [`CostMatrix::method`] says how it was obtained (`road` or `crow_flies`). Distances are
/// `f64::INFINITY` where no road path exists.
pub fn travel_matrix(router: &dyn Router, points: &[Point<f64>]) -> Result<Box<dyn CostMatrix>> {
    Ok(Box::new(router.table(points, points)?))
}

/// The geometry of one leg of a round, `[lon, lat]` pairs: the road path with a road graph, the
/// straight segment with the crow-flies fallback.
pub fn leg_geometry(
    router: &dyn Router,
    from: Point<f64>,
    to: Point<f64>,
) -> Result<Vec<[f64; 2]>> {
    if from == to || router.method() == Method::CrowFlies {
        return Ok(vec![[from.x(), from.y()], [to.x(), to.y()]]);
    }
    let r = router.route(from, to)?;
    let mut coords: Vec<[f64; 2]> = vec![[from.x(), from.y()]];
    coords.extend(r.geometry.coords().map(|c| [c.x, c.y]));
    coords.push([to.x(), to.y()]);
    Ok(coords)
}

fn crow_flies(t: &Territory) -> CrowFlies {
    CrowFlies {
        circuity: t.manifest.defaults.circuity,
        speed_kmh: t.manifest.defaults.speed_kmh,
    }
}

/// The per-material rounds table of the manifest.
fn material_defaults<'a>(t: &'a Territory, material: &str) -> Option<&'a toml::Table> {
    t.manifest
        .defaults
        .rounds
        .get(material)
        .and_then(|v| v.as_table())
}

fn manifest_str<'a>(t: &'a Territory, material: &str, key: &str) -> Option<&'a str> {
    material_defaults(t, material)
        .and_then(|m| m.get(key))
        .and_then(|v| v.as_str())
}

fn manifest_f64(t: &Territory, material: &str, key: &str) -> Option<f64> {
    material_defaults(t, material)
        .and_then(|m| m.get(key))
        .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
}

/// The vehicle types of the request, else of the territory, else the built-in ones.
pub fn vehicle_types(
    t: &Territory,
    spec: Option<&VehiclesSpec>,
    used: &mut Vec<DefaultTaken>,
) -> Result<Vec<Vehicle>> {
    match spec {
        Some(VehiclesSpec::Inline(v)) if !v.is_empty() => Ok(v.clone()),
        Some(VehiclesSpec::Inline(_)) => Err(Error::Invalid("empty list of vehicles".into())),
        Some(VehiclesSpec::File(p)) => scenario::read_vehicles(Path::new(p)),
        None => {
            let p = t.path(&t.manifest.files.vehicles);
            if p.is_file() {
                used.push(DefaultTaken::territory_file(
                    "vehicle_types",
                    "vehicle types",
                    &t.manifest.files.vehicles,
                ));
                scenario::read_vehicles(&p)
            } else {
                used.push(DefaultTaken::new(
                    "vehicle_types",
                    "vehicles.csv",
                    "builtin",
                    "vehicle types: built-in defaults (no vehicles.csv in the territory)".into(),
                ));
                builtin_vehicles()
            }
        }
    }
}

fn builtin_vehicles() -> Result<Vec<Vehicle>> {
    scenario::parse_vehicles(
        Path::new("<built-in vehicles.csv>"),
        scenario::DEFAULT_VEHICLES_CSV.as_bytes(),
    )
}

/// The emission factors of the request, else of the territory, else the built-in ones.
pub fn emission_factors(
    t: &Territory,
    spec: Option<&FactorsSpec>,
    used: &mut Vec<DefaultTaken>,
) -> Result<Vec<EmissionFactor>> {
    match spec {
        Some(FactorsSpec::Inline(v)) => Ok(v.clone()),
        Some(FactorsSpec::File(p)) => scenario::read_emission_factors(Path::new(p)),
        None => {
            let p = t.path(&t.manifest.files.emission_factors);
            if p.is_file() {
                used.push(DefaultTaken::territory_file(
                    "emission_factors",
                    "emission factors",
                    &t.manifest.files.emission_factors,
                ));
                scenario::read_emission_factors(&p)
            } else {
                used.push(DefaultTaken::new(
                    "emission_factors",
                    "emission_factors.csv",
                    "builtin",
                    "emission factors: built-in defaults (no emission_factors.csv in the territory)"
                        .into(),
                ));
                scenario::parse_emission_factors(
                    Path::new("<built-in emission_factors.csv>"),
                    scenario::DEFAULT_EMISSION_FACTORS_CSV.as_bytes(),
                )
            }
        }
    }
}

/// The vehicle type to use for `material`: `wanted`, else the manifest's, else the built-in
/// choice, else the first.
pub fn choose_vehicle(
    t: &Territory,
    material: &str,
    types: &[Vehicle],
    wanted: Option<&str>,
    used: &mut Vec<DefaultTaken>,
) -> Result<Vehicle> {
    let find = |id: &str| types.iter().find(|v| v.id == id).cloned();
    if let Some(id) = wanted {
        return find(id).ok_or_else(|| {
            Error::Invalid(format!(
                "unknown vehicle `{id}` (vehicle types: {})",
                types
                    .iter()
                    .map(|v| v.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        });
    }
    if let Some((id, v)) =
        manifest_str(t, material, "vehicle").and_then(|id| find(id).map(|v| (id, v)))
    {
        used.push(
            DefaultTaken::new(
                "vehicle",
                id,
                "manifest",
                format!("vehicle: {id} (territory.toml defaults.rounds.{material}.vehicle)"),
            )
            .setting(format!("defaults.rounds.{material}.vehicle")),
        );
        return Ok(v);
    }
    if let Some(v) = scenario::default_vehicle_for(material).and_then(find) {
        used.push(DefaultTaken::new(
            "vehicle",
            &v.id,
            "builtin",
            format!("vehicle: {} (built-in default for {material})", v.id),
        ));
        return Ok(v);
    }
    let v = types[0].clone();
    used.push(DefaultTaken::new(
        "vehicle",
        &v.id,
        "first_type",
        format!("vehicle: {} (first vehicle type)", v.id),
    ));
    Ok(v)
}

/// Parse `"LON,LAT"`.
fn parse_lonlat(s: &str) -> Option<Point<f64>> {
    let (a, b) = s.split_once(',')?;
    let lon: f64 = a.trim().parse().ok()?;
    let lat: f64 = b.trim().parse().ok()?;
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)).then(|| Point::new(lon, lat))
}

/// A depot or dump given as a site id, an actor id or `"LON,LAT"`.
pub fn resolve_place(
    t: &Territory,
    spec: &str,
    what: &str,
) -> Result<(String, String, Point<f64>)> {
    let spec = spec.trim();
    if let Some(p) = parse_lonlat(spec) {
        return Ok((spec.to_owned(), format!("{what} ({spec})"), p));
    }
    let (name, pos) = if let Some(s) = t.site(spec) {
        (s.name.clone(), s.position)
    } else if let Some(a) = t.actor(spec) {
        (a.name.clone(), a.position)
    } else {
        return Err(Error::Invalid(format!(
            "unknown {what} `{spec}`: not a site id ({}), an actor id ({}) or LON,LAT",
            t.manifest.files.sites, t.manifest.files.actors
        )));
    };
    let pos = pos.ok_or_else(|| {
        Error::Invalid(format!(
            "{what} `{spec}` ({name}) has no position: set lon/lat or pass LON,LAT"
        ))
    })?;
    Ok((spec.to_owned(), name, pos))
}

/// The place set by the manifest's `defaults.rounds.<material>.<key>` (a site or actor id, or
/// LON,LAT), if any, recorded in `used` as the default taken for `key` (`what` names it in
/// errors and in the sentence).
fn manifest_place(
    t: &Territory,
    material: &str,
    key: &str,
    what: &str,
    used: &mut Vec<DefaultTaken>,
) -> Result<Option<(String, String, Point<f64>)>> {
    let Some(id) = manifest_str(t, material, key) else {
        return Ok(None);
    };
    let p = resolve_place(t, id, what)?;
    used.push(
        DefaultTaken::new(
            key,
            id,
            "manifest",
            format!(
                "{what}: {id} ({}) (territory.toml defaults.rounds.{material}.{key})",
                p.1
            ),
        )
        .named(&p.1)
        .setting(format!("defaults.rounds.{material}.{key}")),
    );
    Ok(Some(p))
}

/// The treatment site for `material`: `wanted`, else the manifest's, else the first located site
/// accepting it.
pub fn choose_dump(
    t: &Territory,
    material: &str,
    wanted: Option<&str>,
    used: &mut Vec<DefaultTaken>,
) -> Result<(String, String, Point<f64>)> {
    if let Some(w) = wanted {
        return resolve_place(t, w, "treatment site");
    }
    if let Some(p) = manifest_place(t, material, "treatment_site", "treatment site", used)? {
        return Ok(p);
    }
    let s = t
        .sites
        .iter()
        .find(|s| s.position.is_some() && s.accepts.iter().any(|a| a == material))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "no located treatment site accepts `{material}`: pass a dump (site id or LON,LAT)"
            ))
        })?;
    used.push(
        DefaultTaken::new(
            "treatment_site",
            &s.id,
            "first_located_site",
            format!(
                "treatment site: {} ({}) (first located site accepting {material})",
                s.id, s.name
            ),
        )
        .named(&s.name),
    );
    Ok((s.id.clone(), s.name.clone(), s.position.unwrap_or_default()))
}

/// A stop handed to the solver (a holder, or a part of it when its demand exceeds a load).
#[derive(Debug, Clone)]
struct SolverStop {
    holder: usize,
    matrix_index: usize,
    kg: f64,
    m3: f64,
}

/// What a visit of a solved round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VisitKind {
    Depot,
    Stop,
    Dump,
}

/// One visit of a solved round (engine-neutral).
#[derive(Debug, Clone)]
struct SolvedVisit {
    kind: VisitKind,
    /// Index into the solver's stops for a stop.
    stop: Option<usize>,
    /// Matrix index.
    location: usize,
    arrival_s: f64,
    /// Load on board on leaving, kg.
    load_kg: f64,
}

/// A solved round (engine-neutral): visits from depot to depot, unloadings included.
#[derive(Debug, Clone)]
struct SolvedRound {
    visits: Vec<SolvedVisit>,
    distance_m: f64,
    duration_s: f64,
    binding: Vec<String>,
    /// Index of its vehicle type in the fleet.
    ty: usize,
}

/// Solved rounds and the stops left out (index into the solver's stops, reason).
type Solved = (Vec<SolvedRound>, Vec<(usize, String)>);

/// Limits of one round.
#[derive(Debug, Clone, Copy)]
struct Limits {
    capacity_kg: f64,
    capacity_m3: Option<f64>,
    max_duration_s: Option<f64>,
    max_distance_m: Option<f64>,
}

struct Problem<'a> {
    m: &'a dyn CostMatrix,
    depot: usize,
    dump: usize,
    stops: Vec<SolverStop>,
    timing: Timing,
    /// The fleet: the first type is the primary one (savings construction, loads).
    types: Vec<TypeSpec>,
}

/// One vehicle type of the fleet as the solvers see it.
#[derive(Debug, Clone)]
struct TypeSpec {
    id: String,
    limits: Limits,
    cost_per_m: f64,
    cost_per_s: f64,
    fixed: f64,
}

impl TypeSpec {
    fn new(v: &Vehicle, unit: &str, m3_per_unit: Option<f64>) -> TypeSpec {
        TypeSpec {
            id: v.id.clone(),
            limits: Limits {
                capacity_kg: v.capacity_kg,
                capacity_m3: v.volume_capacity_m3(unit, m3_per_unit),
                max_duration_s: v.max_duration_h.map(|h| h * 3600.0),
                max_distance_m: v.max_distance_km.map(|k| k * 1000.0),
            },
            cost_per_m: v.cost_per_km_eur / 1000.0,
            cost_per_s: v.cost_per_hour_eur / 3600.0,
            fixed: v.fixed_cost_eur,
        }
    }

    fn cost(&self, distance_m: f64, duration_s: f64) -> f64 {
        self.fixed + self.cost_per_m * distance_m + self.cost_per_s * duration_s
    }
}

impl Problem<'_> {
    fn route_dist_dur(&self, route: &[usize]) -> (f64, f64) {
        let mut prev = self.depot;
        let (mut d, mut t) = (0.0, 0.0);
        for &s in route {
            let i = self.stops[s].matrix_index;
            d += self.m.distance_m(prev, i);
            t += self.m.duration_s(prev, i) + self.timing.service_s;
            prev = i;
        }
        d += self.m.distance_m(prev, self.dump) + self.m.distance_m(self.dump, self.depot);
        t += self.m.duration_s(prev, self.dump)
            + self.m.duration_s(self.dump, self.depot)
            + self.timing.unload_s;
        (d, t)
    }

    fn load(&self, route: &[usize]) -> (f64, f64) {
        route.iter().fold((0.0, 0.0), |(k, v), &s| {
            (k + self.stops[s].kg, v + self.stops[s].m3)
        })
    }

    /// The first limit `route` breaks, if any.
    fn violation(&self, route: &[usize]) -> Option<&'static str> {
        let (kg, m3) = self.load(route);
        if kg > self.types[0].limits.capacity_kg * (1.0 + 1e-9) {
            return Some("capacity_kg");
        }
        if self.types[0]
            .limits
            .capacity_m3
            .is_some_and(|c| m3 > c * (1.0 + 1e-9))
        {
            return Some("capacity_m3");
        }
        let (d, t) = self.route_dist_dur(route);
        if self.types[0].limits.max_duration_s.is_some_and(|l| t > l) {
            return Some("max_duration");
        }
        if self.types[0].limits.max_distance_m.is_some_and(|l| d > l) {
            return Some("max_distance");
        }
        None
    }

    fn cost(&self, route: &[usize]) -> f64 {
        let (d, t) = self.route_dist_dur(route);
        self.types[0].cost(d, t)
    }

    /// Solve with the routing engine ([`boucle_vrp::solve`]): the fleet's types, multi-trip
    /// with unloading at the treatment site, as many vehicles as needed within a cycle.
    fn run_engine(&self, params: &boucle_vrp::SolverParams) -> Result<Solved> {
        use boucle_vrp as r;
        // A capacity dimension that does not bind: a large finite number (the engine checks
        // that capacities are finite).
        const UNLIMITED: f64 = 1e15;
        let problem = r::Problem {
            stops: self
                .stops
                .iter()
                .map(|s| r::Stop {
                    location: s.matrix_index,
                    demand: [s.kg, s.m3],
                    service_s: self.timing.service_s,
                    time_window: None,
                })
                .collect(),
            vehicle_types: self
                .types
                .iter()
                .map(|ts| r::VehicleType {
                    name: ts.id.clone(),
                    count: None,
                    capacity: [
                        ts.limits.capacity_kg,
                        ts.limits.capacity_m3.unwrap_or(UNLIMITED),
                    ],
                    cost_per_km: ts.cost_per_m * 1000.0,
                    cost_per_hour: ts.cost_per_s * 3600.0,
                    fixed_cost: ts.fixed,
                    max_duration_s: ts.limits.max_duration_s,
                    max_distance_m: ts.limits.max_distance_m,
                    start: self.depot,
                    end: self.depot,
                    dump: Some(self.dump),
                    unload_service_s: self.timing.unload_s,
                    max_trips: None,
                    shift: None,
                })
                .collect(),
            balance_cost_per_hour: 0.0,
        };
        let sol = r::solve(&problem, self.m, params)?;
        let rounds = sol
            .rounds
            .iter()
            .map(|round| {
                let visits = round
                    .visits
                    .iter()
                    .map(|v| SolvedVisit {
                        kind: match v.kind {
                            r::VisitKind::Stop => VisitKind::Stop,
                            r::VisitKind::Unload => VisitKind::Dump,
                            r::VisitKind::Start | r::VisitKind::End => VisitKind::Depot,
                        },
                        stop: v.stop,
                        location: v.location,
                        arrival_s: v.arrival_s,
                        load_kg: v.load_after[0],
                    })
                    .collect();
                let binding = match round.binding {
                    r::Binding::Capacity => vec!["capacity".to_owned()],
                    r::Binding::MaxDuration => vec!["max_duration".to_owned()],
                    r::Binding::MaxDistance => vec!["max_distance".to_owned()],
                    r::Binding::TimeWindows => vec!["time_windows".to_owned()],
                    r::Binding::None => Vec::new(),
                };
                SolvedRound {
                    visits,
                    distance_m: round.distance_m,
                    duration_s: round.duration_s,
                    binding,
                    ty: round.vehicle_type,
                }
            })
            .collect();
        let dropped = sol
            .unassigned
            .iter()
            .map(|u| {
                let reason = serde_json::to_value(u.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("{:?}", u.reason));
                (u.stop, reason)
            })
            .collect();
        Ok((rounds, dropped))
    }

    /// Total cost of solved rounds.
    fn total_cost(&self, rounds: &[SolvedRound]) -> f64 {
        rounds
            .iter()
            .map(|r| self.types[r.ty].cost(r.distance_m, r.duration_s))
            .sum()
    }

    /// Solve with the savings construction and describe each round visit by visit.
    fn run(&self) -> Solved {
        let (routes, dropped) = self.solve();
        let rounds = routes
            .iter()
            .map(|r| {
                let mut visits = vec![SolvedVisit {
                    kind: VisitKind::Depot,
                    stop: None,
                    location: self.depot,
                    arrival_s: 0.0,
                    load_kg: 0.0,
                }];
                let (mut time, mut load, mut prev) = (0.0, 0.0, self.depot);
                for &s in r {
                    let st = &self.stops[s];
                    time += self.m.duration_s(prev, st.matrix_index);
                    load += st.kg;
                    visits.push(SolvedVisit {
                        kind: VisitKind::Stop,
                        stop: Some(s),
                        location: st.matrix_index,
                        arrival_s: time,
                        load_kg: load,
                    });
                    time += self.timing.service_s;
                    prev = st.matrix_index;
                }
                time += self.m.duration_s(prev, self.dump);
                visits.push(SolvedVisit {
                    kind: VisitKind::Dump,
                    stop: None,
                    location: self.dump,
                    arrival_s: time,
                    load_kg: 0.0,
                });
                time += self.timing.unload_s + self.m.duration_s(self.dump, self.depot);
                visits.push(SolvedVisit {
                    kind: VisitKind::Depot,
                    stop: None,
                    location: self.depot,
                    arrival_s: time,
                    load_kg: 0.0,
                });
                let (distance_m, duration_s) = self.route_dist_dur(r);
                let (kg, m3) = self.load(r);
                let mut binding = Vec::new();
                if kg >= 0.9 * self.types[0].limits.capacity_kg {
                    binding.push("capacity_kg".to_owned());
                }
                if self.types[0]
                    .limits
                    .capacity_m3
                    .is_some_and(|c| m3 >= 0.9 * c)
                {
                    binding.push("capacity_m3".to_owned());
                }
                if self.types[0]
                    .limits
                    .max_duration_s
                    .is_some_and(|l| duration_s >= 0.9 * l)
                {
                    binding.push("max_duration".to_owned());
                }
                if self.types[0]
                    .limits
                    .max_distance_m
                    .is_some_and(|l| distance_m >= 0.9 * l)
                {
                    binding.push("max_distance".to_owned());
                }
                SolvedRound {
                    visits,
                    distance_m,
                    duration_s,
                    binding,
                    ty: 0,
                }
            })
            .collect();
        (
            rounds,
            dropped
                .into_iter()
                .map(|(s, r)| (s, r.to_owned()))
                .collect(),
        )
    }

    /// Clarke–Wright savings, then 2-opt in each route. Returns the routes and the stops that
    /// cannot be served even alone, with the reason.
    fn solve(&self) -> (Vec<Vec<usize>>, Vec<(usize, &'static str)>) {
        let mut unassigned = Vec::new();
        let mut routes: Vec<Option<Vec<usize>>> = Vec::new();
        let mut route_of = vec![usize::MAX; self.stops.len()];
        for (s, r) in route_of.iter_mut().enumerate() {
            if let Some(v) = self.violation(&[s]) {
                unassigned.push((s, v));
            } else {
                *r = routes.len();
                routes.push(Some(vec![s]));
            }
        }
        let served: Vec<usize> = (0..self.stops.len())
            .filter(|&s| route_of[s] != usize::MAX)
            .collect();
        let m = self.m;
        let mut savings = Vec::new();
        for &i in &served {
            for &j in &served {
                if i == j {
                    continue;
                }
                let (a, b) = (self.stops[i].matrix_index, self.stops[j].matrix_index);
                let dd = m.distance_m(a, self.dump)
                    + m.distance_m(self.dump, self.depot)
                    + m.distance_m(self.depot, b)
                    - m.distance_m(a, b);
                let dt = m.duration_s(a, self.dump)
                    + m.duration_s(self.dump, self.depot)
                    + m.duration_s(self.depot, b)
                    - m.duration_s(a, b)
                    + self.timing.unload_s;
                let s = self.types[0].cost(dd, dt);
                if s > 1e-9 {
                    savings.push((s, i, j));
                }
            }
        }
        savings.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        for (_, i, j) in savings {
            let (ri, rj) = (route_of[i], route_of[j]);
            if ri == rj {
                continue;
            }
            let (Some(a), Some(b)) = (&routes[ri], &routes[rj]) else {
                continue;
            };
            if a.last() != Some(&i) || b.first() != Some(&j) {
                continue;
            }
            let merged: Vec<usize> = a.iter().chain(b.iter()).copied().collect();
            if self.violation(&merged).is_some() {
                continue;
            }
            for &s in &merged {
                route_of[s] = ri;
            }
            routes[ri] = Some(merged);
            routes[rj] = None;
        }
        let mut out: Vec<Vec<usize>> = routes.into_iter().flatten().collect();
        for r in &mut out {
            self.two_opt(r);
        }
        (out, unassigned)
    }

    fn two_opt(&self, r: &mut [usize]) {
        let mut best = self.cost(r);
        let mut improved = true;
        while improved {
            improved = false;
            for i in 0..r.len() {
                for j in i + 1..r.len() {
                    r[i..=j].reverse();
                    let c = self.cost(r);
                    if c < best - 1e-9 && self.violation(r).is_none() {
                        best = c;
                        improved = true;
                    } else {
                        r[i..=j].reverse();
                    }
                }
            }
        }
    }
}

/// Plan the pooled rounds of one material and compare them with each holder served alone.
pub fn plan_rounds(t: &Territory, req: &RoundsRequest) -> Result<RoundsPlan> {
    let mat = material(t, &req.material)?;
    let slug = mat.slug.as_str();
    let mut used = Vec::new();

    let (dump_id, dump_name, dump_pt) = choose_dump(t, slug, req.dump.as_deref(), &mut used)?;
    let (depot_id, depot_name, depot_pt) = match req.depot.as_deref() {
        Some(d) => resolve_place(t, d, "depot")?,
        None => match manifest_place(t, slug, "depot", "depot", &mut used)? {
            Some(p) => p,
            None => {
                used.push(
                    DefaultTaken::new(
                        "depot",
                        &dump_id,
                        "treatment_site",
                        format!(
                            "depot: the treatment site {dump_id} (rounds start and end at the recycler)"
                        ),
                    )
                    .named(&dump_name),
                );
                (dump_id.clone(), dump_name.clone(), dump_pt)
            }
        },
    };

    let types = vehicle_types(t, req.vehicles.as_ref(), &mut used)?;
    // `vehicle` may list several type ids, comma-separated: a mixed fleet whose first type is
    // the primary one (the alone baseline and the savings floor use it).
    let wanted: Vec<&str> = req
        .vehicle
        .as_deref()
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let vehicle = choose_vehicle(t, slug, &types, wanted.first().copied(), &mut used)?;
    let mut fleet = vec![vehicle.clone()];
    for id in wanted.iter().skip(1) {
        let v = choose_vehicle(t, slug, &types, Some(id), &mut Vec::new())?;
        if !fleet.iter().any(|f| f.id == v.id) {
            fleet.push(v);
        }
    }
    let factors = emission_factors(t, req.factors.as_ref(), &mut used)?;
    let models = fleet
        .iter()
        .map(|v| CostModel::new(v, &factors))
        .collect::<Result<Vec<_>>>()?;
    let model = &models[0];
    let volume_cap = vehicle.volume_capacity_m3(&mat.unit, mat.m3_per_unit);
    // Loads are cut to fit the fleet's largest vehicle (by payload).
    let largest = fleet
        .iter()
        .reduce(|a, b| if b.capacity_kg > a.capacity_kg { b } else { a })
        .unwrap_or(&vehicle);
    let (load_kg, load_m3) = (
        largest.capacity_kg,
        largest.volume_capacity_m3(&mat.unit, mat.m3_per_unit),
    );

    let timing = Timing {
        service_s: manifest_f64(t, slug, "service_min")
            .map(|m| m * 60.0)
            .unwrap_or_else(|| {
                used.push(DefaultTaken::new(
                    "service_time",
                    "15",
                    "builtin",
                    "service time per stop: 15 min".into(),
                ));
                900.0
            }),
        unload_s: manifest_f64(t, slug, "unload_min")
            .map(|m| m * 60.0)
            .unwrap_or_else(|| {
                used.push(DefaultTaken::new(
                    "unload_time",
                    "20",
                    "builtin",
                    "unloading time at the treatment site: 20 min".into(),
                ));
                1200.0
            }),
    };

    // Holders: located ones go to the matrix; the others are reported.
    let all = holders(t, mat)?;
    let mut unassigned = Vec::new();
    let mut points = vec![depot_pt, dump_pt];
    let mut demands: Vec<Demand> = Vec::new();
    let mut freq_defaulted = false;
    let mut estimate = false;
    for h in &all {
        let Some(p) = h.position else {
            unassigned.push(Unassigned {
                id: h.id.clone(),
                name: h.name.clone(),
                reason: "unlocated".into(),
            });
            continue;
        };
        if h.kg_per_year <= 0.0 {
            unassigned.push(Unassigned {
                id: h.id.clone(),
                name: h.name.clone(),
                reason: "zero_quantity".into(),
            });
            continue;
        }
        estimate |= h.estimate;
        let f = h.collections_per_year.unwrap_or_else(|| {
            freq_defaulted = true;
            DEFAULT_COLLECTIONS_PER_YEAR
        });
        demands.push(Demand {
            id: h.id.clone(),
            name: h.name.clone(),
            index: points.len(),
            quantity_per_year: h.quantity_per_year,
            kg_per_year: h.kg_per_year,
            m3_per_year: h.m3_per_year,
            collections_per_year: f,
        });
        points.push(p);
    }
    if freq_defaulted {
        used.push(DefaultTaken::new(
            "collections_per_year",
            DEFAULT_COLLECTIONS_PER_YEAR.to_string(),
            "builtin",
            format!(
                "collections per year: {DEFAULT_COLLECTIONS_PER_YEAR} where flows.csv gives none"
            ),
        ));
    }
    let router = router(t)?;
    let matrix = travel_matrix(router.as_ref(), &points)?;
    let method = matrix.method();
    // Holders the vehicle cannot reach from the depot or cannot leave for the treatment site.
    let reachable = |i: usize| {
        [
            matrix.distance_m(0, i),
            matrix.distance_m(i, 1),
            matrix.distance_m(1, 0),
        ]
        .iter()
        .all(|d| d.is_finite())
    };
    demands.retain(|d| {
        let ok = reachable(d.index);
        if !ok {
            unassigned.push(Unassigned {
                id: d.id.clone(),
                name: d.name.clone(),
                reason: "unreachable".into(),
            });
        }
        ok
    });
    let cycles = demands
        .iter()
        .map(|d| d.collections_per_year)
        .fold(0.0_f64, f64::max);
    let cycles = if cycles > 0.0 {
        cycles
    } else {
        DEFAULT_COLLECTIONS_PER_YEAR
    };

    // Split each holder's demand per cycle into loads the vehicle can carry.
    let mut stops = Vec::new();
    for (k, d) in demands.iter().enumerate() {
        let kg = d.kg_per_year / cycles;
        let m3 = d.m3_per_year / cycles;
        let n = scenario::loads(kg, m3, load_kg, load_m3);
        for _ in 0..n {
            stops.push(SolverStop {
                holder: k,
                matrix_index: d.index,
                kg: kg / f64::from(n),
                m3: m3 / f64::from(n),
            });
        }
    }
    let problem = Problem {
        m: matrix.as_ref(),
        depot: 0,
        dump: 1,
        stops,
        timing,
        types: fleet
            .iter()
            .map(|v| TypeSpec::new(v, &mat.unit, mat.m3_per_unit))
            .collect(),
    };
    // The engine, and the savings construction as a floor: the cheaper plan serving as many
    // stops wins.
    let params = boucle_vrp::SolverParams {
        time_limit_s: req.time_limit_s.unwrap_or(DEFAULT_TIME_LIMIT_S),
        seed: req.seed.unwrap_or(1),
        max_iterations: if req.time_limit_s.is_some() {
            None
        } else {
            Some(DEFAULT_MAX_ITERATIONS)
        },
        max_work: None,
    };
    let (sv_rounds, sv_dropped) = problem.run();
    let (en_rounds, en_dropped) = problem.run_engine(&params)?;
    let (sv_cost, en_cost) = (
        problem.total_cost(&sv_rounds),
        problem.total_cost(&en_rounds),
    );
    let engine_wins = en_dropped.len() < sv_dropped.len()
        || (en_dropped.len() == sv_dropped.len() && en_cost <= sv_cost + 1e-6);
    let engine = if engine_wins {
        format!(
            "boucle::rounds hybrid genetic search (time limit {} s, seed {}{}), multi-trip with unloading at the treatment site",
            params.time_limit_s,
            params.seed,
            params
                .max_iterations
                .map(|i| format!(", at most {i} iterations"))
                .unwrap_or_default()
        )
    } else {
        format!(
            "Clarke–Wright savings + 2-opt (cheaper than the hybrid genetic search within its budget: {sv_cost:.2} vs {en_cost:.2} EUR per cycle)"
        )
    };
    let (solved, dropped) = if engine_wins {
        (en_rounds, en_dropped)
    } else {
        (sv_rounds, sv_dropped)
    };
    let mut reported = std::collections::BTreeSet::new();
    for (s, reason) in dropped {
        let d = &demands[problem.stops[s].holder];
        if reported.insert(d.id.clone()) {
            unassigned.push(Unassigned {
                id: d.id.clone(),
                name: d.name.clone(),
                reason,
            });
        }
    }
    // A holder split into several loads is served only if every load is.
    let served: Vec<Demand> = demands
        .iter()
        .filter(|d| !reported.contains(&d.id))
        .cloned()
        .collect();

    let place =
        |id: &str, name: &str, kind: &str, p: Point<f64>, arrival_s: f64, load: f64| PlanStop {
            id: id.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            lon: p.x(),
            lat: p.y(),
            arrival_s,
            load,
        };
    let mut rounds = Vec::new();
    let mut pooled_cycle = Totals::default();
    for r in &solved {
        let mut out = Vec::with_capacity(r.visits.len());
        let (mut kg, mut m3) = (0.0, 0.0);
        for v in &r.visits {
            let (id, name, kind) = match (v.kind, v.stop) {
                (VisitKind::Stop, Some(s)) => {
                    let st = &problem.stops[s];
                    kg += st.kg;
                    m3 += st.m3;
                    let d = &demands[st.holder];
                    (d.id.as_str(), d.name.as_str(), "stop")
                }
                (VisitKind::Dump, _) => (dump_id.as_str(), dump_name.as_str(), "dump"),
                _ => (depot_id.as_str(), depot_name.as_str(), "depot"),
            };
            out.push(place(
                id,
                name,
                kind,
                points[v.location],
                v.arrival_s,
                v.load_kg,
            ));
        }
        let totals = models[r.ty].round(r.distance_m, r.duration_s);
        pooled_cycle = pooled_cycle.plus(totals);
        let mut coords: Vec<[f64; 2]> = Vec::new();
        for (i, w) in r.visits.windows(2).enumerate() {
            let leg = leg_geometry(
                router.as_ref(),
                points[w[0].location],
                points[w[1].location],
            )?;
            coords.extend(leg.into_iter().skip(usize::from(i > 0)));
        }
        rounds.push(PlanRound {
            vehicle: fleet[r.ty].id.clone(),
            stops: out,
            distance_m: r.distance_m,
            duration_s: r.duration_s,
            cost_eur: totals.cost_eur,
            co2e_kg: totals.co2e_kg,
            trips: r
                .visits
                .iter()
                .filter(|v| v.kind == VisitKind::Dump)
                .count(),
            load_kg: kg,
            load_m3: m3,
            method,
            geometry: serde_json::json!({ "type": "LineString", "coordinates": coords }),
            binding: r.binding.clone(),
        });
    }

    let alone = scenario::alone(&served, 0, 1, matrix.as_ref(), model, volume_cap, timing);
    let mut factors_list = model.factors();
    for m in &models[1..] {
        for f in m.factors() {
            if !factors_list.contains(&f) {
                factors_list.push(f);
            }
        }
    }
    if method == Method::CrowFlies {
        factors_list.push(scenario::Factor {
            name: "circuity".into(),
            value: t.manifest.defaults.circuity,
            unit: "road km / great-circle km".into(),
            source: "territory.toml defaults.circuity (crow-flies fallback)".into(),
        });
        factors_list.push(scenario::Factor {
            name: "speed".into(),
            value: t.manifest.defaults.speed_kmh,
            unit: "km/h".into(),
            source: "territory.toml defaults.speed_kmh (crow-flies fallback)".into(),
        });
    }
    let factor_estimate = models.iter().any(|m| {
        m.factor.source.contains("estimate")
            || m.factor.vintage.contains("estimate")
            || m.vehicle.source.contains("estimate")
    });
    let scenario = Scenario::new(
        alone,
        pooled_cycle,
        cycles,
        method,
        factors_list,
        estimate || method == Method::CrowFlies || factor_estimate,
    );
    let mut notes = Vec::new();
    for v in &fleet {
        let mine: Vec<&PlanRound> = rounds.iter().filter(|r| r.vehicle == v.id).collect();
        if mine.is_empty() {
            if fleet.len() > 1 {
                notes.push(format!(
                    "vehicle type `{}`: no round (others are cheaper or the only ones able)",
                    v.id
                ));
            }
            continue;
        }
        let hours: f64 = mine.iter().map(|r| r.duration_s).sum::<f64>() / 3600.0;
        let shift_h = v.max_duration_h.unwrap_or(8.0);
        let days = (hours / (shift_h * f64::from(v.count.max(1)))).ceil();
        notes.push(format!(
            "{} round(s) per cycle, {hours:.1} h in total: about {days} working day(s) per cycle for {} vehicle(s) `{}` of {shift_h} h (rounds are done one after the other)",
            mine.len(),
            v.count,
            v.id
        ));
    }
    if fleet.len() > 1 {
        used.push(DefaultTaken::new(
            "fleet",
            fleet.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(","),
            "request",
            format!(
                "fleet: {} (request); each round takes the type that makes the plan cheapest, loads are cut to fit `{}`, the alone baseline and the savings construction use `{}`",
                fleet.iter().map(|v| format!("`{}`", v.id)).collect::<Vec<_>>().join(", "),
                largest.id,
                vehicle.id
            ),
        ));
    }
    if method == Method::Road {
        notes.push(format!(
            "distances, durations and geometries on the OpenStreetMap road graph ({})",
            t.dir.join(crate::network::GRAPH_FILE).display()
        ));
    } else {
        notes.push("no road graph in the territory folder: distances are great-circle × circuity and route geometries are straight segments (method crow_flies)".into());
    }
    Ok(RoundsPlan {
        notes,
        material: slug.to_owned(),
        unit: mat.unit.clone(),
        method,
        engine,
        defaults_used: used.iter().map(|d| d.text.clone()).collect(),
        defaults: used,
        depot: place(&depot_id, &depot_name, "depot", depot_pt, 0.0, 0.0),
        dump: place(&dump_id, &dump_name, "dump", dump_pt, 0.0, 0.0),
        vehicle,
        fleet,
        cycles_per_year: cycles,
        rounds,
        unassigned,
        scenario,
    })
}
