//! Facility location: where to host a new activity (pallet-repair workshop, reuse workshop…)
//! that receives a material from the actors that hold it.
//!
//! [`site`] ranks candidate sites (the territory's business parks with a position, or a list
//! given by the caller: see [`read_candidates`]) by the yearly transport needed to bring every
//! "out" flow of the material to them, and chooses the best set of `p` sites (p-median, see
//! [`pmedian`]): exact branch-and-bound when the instance is small enough, else fast
//! interchange with a Lagrangian lower bound that states the largest possible gap.
//!
//! Transport model (see [`Assumptions`]): each source is collected `trips_per_year` times
//! (its flows' `collections_per_period`, else
//! [`crate::territory::DEFAULT_COLLECTIONS_PER_YEAR`]), each trip a
//! round trip site → source → site; tonnes from quantity × `kg_per_unit`. Distances come from
//! the territory's [`Travel`] context: the road network when available, else crow-flies × circuity
//! ([`Method::CrowFlies`]); every result says which.

mod candidates;
pub mod pmedian;
mod public;

use geo::{Distance, Haversine, Point};
use geojson::{FeatureCollection, GeometryValue, JsonObject, JsonValue};
use serde::{Deserialize, Serialize};

pub use candidates::{parse_candidates, parse_candidates_csv, read_candidates};

use crate::error::{Error, Result};
use crate::estimate::{Estimate, EstimateReason, Reasons};
use crate::territory::{
    DEFAULT_COLLECTIONS_PER_YEAR, DataOrigin, MIN_CONTRIBUTORS, Precision, Territory,
    VehicleChoice, Vocabulary,
};
use crate::travel::{CostMatrix, Method, Travel};

/// The emission factor of the material's default collection vehicle, in kg CO2e per vehicle-km,
/// with where it comes from: the territory's vehicle types and emission factors (the same cost
/// model as `boucle rounds`), unless the request gives its own.
pub fn co2e_per_km(t: &Territory, material: &str) -> Result<(f64, String)> {
    let (vehicle, choice) = t.default_vehicle(material, &t.vehicles.types, true)?;
    let model = t.cost_model(vehicle)?;
    let origin = |o: &DataOrigin, file: &str| match o {
        DataOrigin::TerritoryFile(f) => format!("{f} of the territory folder"),
        DataOrigin::Builtin => format!("built-in defaults (no {file} in the territory)"),
    };
    let why = match choice {
        VehicleChoice::Manifest => {
            format!("territory.toml defaults.rounds.{material}.vehicle")
        }
        VehicleChoice::Builtin => format!("built-in default for {material}"),
        VehicleChoice::FirstType => "first vehicle type".to_owned(),
    };
    Ok((
        model.co2e_kg(1000.0),
        format!(
            "vehicle `{}` ({} L/100 km × {} kg CO2e/L; {}; vehicle types: {}; vehicle: {} ({why}); emission factors: {})",
            vehicle.id,
            model.fuel_l_per_100km,
            model.kg_co2e_per_l,
            model.factor.source,
            origin(&t.vehicles.origin, "vehicles.csv"),
            vehicle.id,
            origin(&t.emission_factors.origin, "emission_factors.csv"),
        ),
    ))
}

/// Above this much work (search nodes × sources) the exact search gives way to the heuristic.
pub const EXACT_WORK_LIMIT: f64 = 2e8;

/// Random starts of the fast-interchange heuristic (besides the greedy start).
pub const RANDOM_STARTS: usize = 16;

/// Which candidate sites to rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Candidates {
    /// A named set: `"parks"`.
    Named(CandidateSet),
    /// Explicit points.
    List(Vec<CandidateInput>),
    /// The text of a candidates file (CSV or GeoJSON, as `boucle site --candidates FILE`
    /// reads), e.g. uploaded in the viewer.
    Upload(CandidateFile),
}

/// A candidates file sent as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateFile {
    /// The file's name: `.geojson` / `.json` is read as GeoJSON, anything else as CSV. Errors
    /// name it.
    pub file_name: String,
    /// The file's content.
    pub content: String,
}

impl Default for Candidates {
    fn default() -> Self {
        Candidates::Named(CandidateSet::Parks)
    }
}

/// Named candidate sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateSet {
    /// The territory's business parks that have a position (a neighbour's park included).
    Parks,
}

/// A candidate site given by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateInput {
    /// Identifier, unique in the list.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Latitude (WGS84).
    pub lat: f64,
    /// Free land in hectares, if known.
    #[serde(default)]
    pub free_ha: Option<f64>,
    /// Excluded from the choice (listed with its figures, never chosen).
    #[serde(default)]
    pub excluded: bool,
}

/// What the chosen sites minimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Vehicle-km per year (trips × round-trip distance): what a collection costs.
    #[default]
    VehicleKm,
    /// Tonne-km per year (tonnes × one-way distance).
    TonneKm,
}

/// A siting request (`POST /api/siting`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitingRequest {
    /// Material slug (a French label or synonym is accepted when it names one material).
    pub material: String,
    /// Candidate sites (default: `"parks"`).
    #[serde(default)]
    pub candidates: Candidates,
    /// Number of sites of the best set (default 1).
    #[serde(default = "one")]
    pub p: usize,
    /// What to minimise (default: vehicle-km).
    #[serde(default)]
    pub objective: Objective,
    /// Candidates whose known free land is below this (hectares) are excluded; unknown free
    /// land is kept.
    #[serde(default)]
    pub min_free_ha: Option<f64>,
    /// Emission factor, kg CO2e per vehicle-km (default: the material's vehicle, see
    /// [`co2e_per_km`]).
    #[serde(default)]
    pub kg_co2e_per_km: Option<f64>,
    /// Exclude business parks that lie outside the territory (`in_territory = false`).
    #[serde(default)]
    pub territory_only: bool,
}

fn one() -> usize {
    1
}

impl SitingRequest {
    /// A request for `material` over the business parks, p = 1, default objective.
    pub fn new(material: impl Into<String>) -> SitingRequest {
        SitingRequest {
            material: material.into(),
            candidates: Candidates::default(),
            p: 1,
            objective: Objective::default(),
            min_free_ha: None,
            kg_co2e_per_km: None,
            territory_only: false,
        }
    }
}

/// Yearly transport figures of serving sources from one site or a set of sites.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Collection trips per year.
    pub trips_per_year: f64,
    /// Vehicle-km per year: Σ trips × 2 × distance.
    pub vehicle_km_per_year: f64,
    /// Tonne-km per year: Σ tonnes × distance.
    pub tonne_km_per_year: f64,
    /// kg CO2e per year: vehicle-km × emission factor.
    pub kg_co2e_per_year: f64,
    /// Tonnage-weighted mean one-way distance, km.
    pub mean_distance_km: f64,
    /// Longest one-way distance, km.
    pub max_distance_km: f64,
}

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Latitude (WGS84).
    pub lat: f64,
    /// 1 = best single site; `None` when excluded.
    pub rank: Option<usize>,
    /// Normalised score in [0, 1] among eligible candidates: 1 = best, 0 = worst; `None` when
    /// excluded.
    pub score: Option<f64>,
    /// Whether it may not be chosen.
    pub excluded: bool,
    /// Why it is excluded.
    pub exclusion_reason: Option<String>,
    /// Free land in hectares, if known.
    pub free_ha: Option<f64>,
    /// Whether the candidate lies in the territory (parks: their `in_territory` flag; listed
    /// points: always true).
    pub in_territory: bool,
    /// Whether it belongs to the best set of `p` sites.
    pub in_best_set: bool,
    /// Figures if this site alone received the whole material.
    pub figures: Figures,
    /// Share of the material's tonnage held within 10 km (by the cost method) of the site.
    pub share_within_10km: f64,
    /// Share of the material's tonnage held within 20 km of the site.
    pub share_within_20km: f64,
    /// How precisely its position is known: a park's `precision` (`commune` when the park is
    /// placed at its commune's centre), `given` for a listed or uploaded point.
    #[serde(default)]
    pub precision: String,
    /// Eligible candidates whose objective value is within [`TIE_TOLERANCE`] of this one's:
    /// the data cannot tell them apart (ex aequo).
    #[serde(default)]
    pub tied_with: Vec<String>,
    /// Candidates at the same position (within 1 m): their figures are necessarily equal.
    #[serde(default)]
    pub same_position_as: Vec<String>,
}

/// Relative difference of objective values under which two candidates are reported as tied.
pub const TIE_TOLERANCE: f64 = 0.005;

/// How the best set was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solver {
    /// `branch_and_bound` (exact), `lagrangian_fixing_branch_and_bound` (exact, after
    /// Lagrangian variable fixing) or `fast_interchange` (heuristic).
    pub algorithm: String,
    /// Whether the set is proven optimal.
    pub exact: bool,
    /// Lower bound on the optimum (Lagrangian; not given for plain branch-and-bound), in
    /// objective units.
    pub lower_bound: Option<f64>,
    /// Largest possible relative gap to the optimum, (value − bound) / value (heuristic only).
    pub gap: Option<f64>,
    /// Starts of the heuristic (greedy + random), seed 0.
    pub starts: Option<usize>,
}

/// A source served by a site of the best set. Planner-level detail (company ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Holder id (actor or site).
    pub source_id: String,
    /// Chosen site id.
    pub site_id: String,
    /// One-way distance, km.
    pub distance_km: f64,
    /// Tonnes per year.
    pub tonnes_per_year: f64,
    /// Trips per year.
    pub trips_per_year: f64,
}

/// The best set of `p` sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestSet {
    /// Number of sites asked.
    pub p: usize,
    /// Chosen site ids (candidate order).
    pub site_ids: Vec<String>,
    /// Figures with each source served by its nearest chosen site.
    pub figures: Figures,
    /// Objective value (vehicle-km or tonne-km per year).
    pub objective_value: f64,
    /// How it was found.
    pub solver: Solver,
    /// Which site serves which source (`None` in public answers: it would give each company's
    /// tonnes).
    pub assignments: Option<Vec<Assignment>>,
}

/// The assumptions behind the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    /// Road distance / great-circle distance (crow-flies method only).
    pub circuity: f64,
    /// kg CO2e per vehicle-km.
    pub kg_co2e_per_km: f64,
    /// Where `kg_co2e_per_km` comes from.
    pub kg_co2e_per_km_source: String,
    /// Each trip is a round trip site → source → site.
    pub round_trip: bool,
    /// Trips per year assumed for flows without a collection frequency.
    pub default_trips_per_year: f64,
}

/// The answer to a [`SitingRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SitingResult {
    /// Material slug.
    pub material: String,
    /// Material label (French).
    pub material_label_fr: String,
    /// What the best set minimises.
    pub objective: Objective,
    /// How distances were obtained (`road` / `crow_flies`).
    pub method: Method,
    /// Why the figures are estimates (stable reason codes; `None`: measured data only).
    pub estimate: Option<Estimate>,
    /// Number of sources (holders with a position and an out flow of the material).
    pub sources: usize,
    /// Holders of the material left out for lack of a position.
    pub sources_unlocated: Vec<String>,
    /// Tonnes per year of the located sources.
    pub tonnes_per_year: f64,
    /// Candidates, best first; excluded ones last.
    pub candidates: Vec<CandidateResult>,
    /// Id of the best single site (the first of `best_single_tied` when there is a tie).
    pub best_single: Option<String>,
    /// Every candidate tied with the best single site (within [`TIE_TOLERANCE`]), the best
    /// included; more than one: the best single site is a tie, none is picked silently.
    #[serde(default)]
    pub best_single_tied: Vec<String>,
    /// Best set of `p` sites.
    pub best_set: BestSet,
    /// Assumptions behind the figures.
    pub assumptions: Assumptions,
    /// Things the reader should know (assumed frequencies, skipped flows…).
    pub warnings: Vec<String>,
    /// Whether the per-holder assignments are hidden (public answers).
    #[serde(default)]
    pub assignments_hidden: bool,
}

/// A siting answer with its GeoJSON layer of candidates (`POST /api/siting`).
#[derive(Debug, Serialize)]
pub struct SitingAnswer<'a> {
    /// The result.
    #[serde(flatten)]
    pub result: &'a SitingResult,
    /// The candidates as a GeoJSON layer ([`to_geojson`]).
    pub geojson: FeatureCollection,
}

impl SitingResult {
    /// The result without the per-holder assignments (each company's tonnes), refused when
    /// fewer than [`crate::territory::MIN_CONTRIBUTORS`] located holders stand behind it. The
    /// server's public answer hides more: see [`SitingResult::public_answer`].
    pub fn public(mut self) -> Result<SitingResult> {
        if self.sources < MIN_CONTRIBUTORS {
            return Err(Error::Confidential(format!(
                "fewer than {MIN_CONTRIBUTORS} located holders of `{}`: their figures are confidential (officer only)",
                self.material
            )));
        }
        self.best_set.assignments = None;
        self.assignments_hidden = true;
        Ok(self)
    }

    /// The result with its GeoJSON layer of candidates.
    pub fn with_layer(&self) -> SitingAnswer<'_> {
        SitingAnswer {
            result: self,
            geojson: to_geojson(self),
        }
    }
}

struct Source {
    id: String,
    point: Point<f64>,
    tonnes: f64,
    trips: f64,
}

struct Cand {
    input: CandidateInput,
    /// How precisely its position is known.
    precision: String,
    in_territory: bool,
    exclusion: Option<String>,
}

fn resolve_material(t: &Territory, name: &str) -> Result<String> {
    if t.material(name).is_some() {
        return Ok(name.to_owned());
    }
    let vocab = Vocabulary::new(&t.materials);
    if let Some(slug) = vocab.resolve(name).and_then(|r| r.slug) {
        return Ok(slug);
    }
    Err(Error::Invalid(format!(
        "unknown material `{name}` (known: {})",
        t.materials
            .iter()
            .map(|m| m.slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// The located holders of the material (sorted by id) with their tonnes and trips per year,
/// the unlocated ones, and why their data are estimates.
fn sources(
    t: &Territory,
    slug: &str,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Source>, Vec<String>, Reasons)> {
    let material = t.material_or_err(slug)?;
    let mut holders = t.holders(material)?;
    holders.sort_by(|a, b| a.id.cmp(&b.id));
    let assumed = holders
        .iter()
        .filter(|h| h.collections_per_year.is_none())
        .count();
    if assumed > 0 {
        warnings.push(format!(
            "{assumed} holder(s) without a collection frequency: {DEFAULT_COLLECTIONS_PER_YEAR} trips/year assumed"
        ));
    }
    let mut reasons = Reasons::new();
    let mut out = Vec::new();
    let mut unlocated = Vec::new();
    for h in holders {
        if h.position.is_some() {
            reasons
                .when(h.estimate, EstimateReason::DemonstrationFlows)
                .when(
                    h.collections_per_year.is_none(),
                    EstimateReason::DefaultFrequency,
                )
                .quantity(
                    h.kg_per_year,
                    t.position_precision(&h.id) == Some(Precision::Commune),
                );
        }
        match h.position {
            Some(point) => out.push(Source {
                trips: h.collections_or_default(),
                id: h.id,
                point,
                tonnes: h.kg_per_year / 1000.0,
            }),
            None => unlocated.push(h.id),
        }
    }
    Ok((out, unlocated, reasons))
}

fn candidates(t: &Territory, req: &SitingRequest) -> Result<Vec<Cand>> {
    let mut out: Vec<Cand> = match &req.candidates {
        Candidates::Named(CandidateSet::Parks) => t
            .parks
            .iter()
            .filter_map(|p| {
                p.position.map(|pos| Cand {
                    input: CandidateInput {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        lon: pos.x(),
                        lat: pos.y(),
                        free_ha: p.free_ha,
                        excluded: false,
                    },
                    precision: p.precision.as_str().to_owned(),
                    in_territory: p.in_territory,
                    exclusion: None,
                })
            })
            .collect(),
        Candidates::Upload(f) => {
            let list = parse_candidates(std::path::Path::new(&f.file_name), f.content.as_bytes())
                .map_err(|e| Error::Invalid(format!("candidates file: {e}")))?;
            return candidates(
                t,
                &SitingRequest {
                    candidates: Candidates::List(list),
                    ..req.clone()
                },
            );
        }
        Candidates::List(list) => {
            let mut seen = std::collections::HashSet::new();
            for c in list {
                if !seen.insert(c.id.as_str()) {
                    return Err(Error::Invalid(format!(
                        "candidate id `{}` appears twice",
                        c.id
                    )));
                }
                if !(-180.0..=180.0).contains(&c.lon) || !(-90.0..=90.0).contains(&c.lat) {
                    return Err(Error::Invalid(format!(
                        "candidate `{}`: position ({}, {}) out of range",
                        c.id, c.lon, c.lat
                    )));
                }
            }
            list.iter()
                .map(|c| Cand {
                    input: c.clone(),
                    precision: "given".into(),
                    in_territory: true,
                    exclusion: None,
                })
                .collect()
        }
    };
    for c in &mut out {
        if c.input.excluded {
            c.exclusion = Some("excluded by the candidate list".into());
        } else if req.territory_only && !c.in_territory {
            c.exclusion = Some("outside the territory".into());
        } else if let (Some(min), Some(free)) = (req.min_free_ha, c.input.free_ha)
            && free < min
        {
            c.exclusion = Some(format!("free land {free} ha < {min} ha required"));
        }
    }
    Ok(out)
}

fn figures(src: &[Source], dist_km: impl Fn(usize) -> f64, kg_co2e_per_km: f64) -> Figures {
    let mut f = Figures::default();
    let mut tonnes = 0.0;
    let mut weighted = 0.0;
    for (i, s) in src.iter().enumerate() {
        let d = dist_km(i);
        f.trips_per_year += s.trips;
        f.vehicle_km_per_year += s.trips * 2.0 * d;
        f.tonne_km_per_year += s.tonnes * d;
        f.max_distance_km = f.max_distance_km.max(d);
        tonnes += s.tonnes;
        weighted += s.tonnes * d;
    }
    f.kg_co2e_per_year = f.vehicle_km_per_year * kg_co2e_per_km;
    f.mean_distance_km = if tonnes > 0.0 { weighted / tonnes } else { 0.0 };
    f
}

fn objective_value(obj: Objective, f: &Figures) -> f64 {
    match obj {
        Objective::VehicleKm => f.vehicle_km_per_year,
        Objective::TonneKm => f.tonne_km_per_year,
    }
}

/// Rank candidate sites for an activity receiving `req.material` and choose the best set of
/// `req.p` sites, on the territory's travel costs ([`Travel::for_territory`]). Errors: unknown material, no
/// located holder of it, no eligible candidate, `p` = 0 or larger than the number of eligible
/// candidates, bad candidate list, a point too far from the road network.
pub fn site(t: &Territory, req: &SitingRequest) -> Result<SitingResult> {
    site_with(t, req, &Travel::for_territory(t)?)
}

/// The heuristic's solution with a Lagrangian lower bound and the gap it proves, when exact
/// search is out of budget.
fn heuristic_with_bound(
    inst: &pmedian::Instance,
    p: usize,
    heur: pmedian::Solution,
) -> (pmedian::Solution, Solver) {
    let lb = pmedian::lagrangian_bound(inst, p, 1.05 * heur.cost, 300);
    let gap = if heur.cost > 0.0 {
        ((heur.cost - lb) / heur.cost).max(0.0)
    } else {
        0.0
    };
    (
        heur,
        Solver {
            algorithm: "fast_interchange".into(),
            exact: false,
            lower_bound: Some(lb),
            gap: Some(gap),
            starts: Some(RANDOM_STARTS + 1),
        },
    )
}

/// [`site`] with a travel context the caller keeps (the server builds it once).
pub fn site_with(t: &Territory, req: &SitingRequest, travel: &Travel) -> Result<SitingResult> {
    let slug = resolve_material(t, &req.material)?;
    let material = t.material_or_err(&slug)?;
    let (kg_co2e_per_km, kg_co2e_per_km_source) = match req.kg_co2e_per_km {
        Some(v) => (v, "given in the request".to_owned()),
        None => co2e_per_km(t, &slug)?,
    };
    if !(kg_co2e_per_km.is_finite() && kg_co2e_per_km >= 0.0) {
        return Err(Error::Invalid(format!(
            "kg_co2e_per_km must be a number ≥ 0, got {kg_co2e_per_km}"
        )));
    }
    let mut warnings = Vec::new();
    let (src, unlocated, mut reasons) = sources(t, &slug, &mut warnings)?;
    if src.is_empty() {
        return Err(Error::NoData(format!(
            "no located actor or site holds material `{slug}` (out flows: none{})",
            if unlocated.is_empty() {
                String::new()
            } else {
                format!(" with a position; unlocated: {}", unlocated.join(", "))
            }
        )));
    }
    if !unlocated.is_empty() {
        warnings.push(format!(
            "{} holder(s) without a position left out: {}",
            unlocated.len(),
            unlocated.join(", ")
        ));
    }
    let cands = candidates(t, req)?;
    let max = crate::limits::max_candidates();
    if cands.len() > max {
        return Err(Error::Invalid(format!(
            "{} candidate sites, more than the limit of {max} (BOUCLE_MAX_CANDIDATES)",
            cands.len()
        )));
    }
    if cands.is_empty() {
        return Err(Error::Invalid("no candidate site with a position".into()));
    }
    let eligible: Vec<usize> = (0..cands.len())
        .filter(|&j| cands[j].exclusion.is_none())
        .collect();
    if req.p == 0 || req.p > eligible.len() {
        return Err(Error::Invalid(format!(
            "p must be between 1 and the number of eligible candidates ({}), got {}",
            eligible.len(),
            req.p
        )));
    }
    let from: Vec<Point<f64>> = src.iter().map(|s| s.point).collect();
    let to: Vec<Point<f64>> = cands
        .iter()
        .map(|c| Point::new(c.input.lon, c.input.lat))
        .collect();
    // The material's vehicle drives the trips: roads whose legal limits it breaks are avoided.
    let vehicle = t.default_vehicle(&slug, &t.vehicles.types, true)?.0;
    let table = travel
        .for_vehicle(&vehicle.road_limits())
        .table(&from, &to)?;
    warnings.extend(table.warnings("source–candidate"));
    reasons.travel(&table).when(
        kg_co2e_per_km_source.contains("estimate"),
        EstimateReason::EstimatedFactor,
    );
    let m = table.matrix;
    let km = |i: usize, j: usize| m.distance_m(i, j) / 1000.0;
    let total_tonnes: f64 = src.iter().map(|s| s.tonnes).sum();

    // Single-site figures and scores.
    let mut results: Vec<CandidateResult> = cands
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let fig = figures(&src, |i| km(i, j), kg_co2e_per_km);
            let within = |r: f64| {
                if total_tonnes > 0.0 {
                    src.iter()
                        .enumerate()
                        .filter(|(i, _)| km(*i, j) <= r)
                        .map(|(_, s)| s.tonnes)
                        .fold(0.0, |a, b| a + b)
                        / total_tonnes
                } else {
                    0.0
                }
            };
            CandidateResult {
                id: c.input.id.clone(),
                name: c.input.name.clone(),
                lon: c.input.lon,
                lat: c.input.lat,
                rank: None,
                score: None,
                excluded: c.exclusion.is_some(),
                exclusion_reason: c.exclusion.clone(),
                free_ha: c.input.free_ha,
                in_territory: c.in_territory,
                in_best_set: false,
                share_within_10km: within(10.0),
                share_within_20km: within(20.0),
                figures: fig,
                precision: c.precision.clone(),
                tied_with: Vec::new(),
                same_position_as: Vec::new(),
            }
        })
        .collect();
    let values: Vec<f64> = eligible
        .iter()
        .map(|&j| objective_value(req.objective, &results[j].figures))
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let mut order: Vec<usize> = (0..eligible.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    for (rank, &k) in order.iter().enumerate() {
        let r = &mut results[eligible[k]];
        r.rank = Some(rank + 1);
        r.score = Some(if hi > lo {
            (hi - values[k]) / (hi - lo)
        } else {
            1.0
        });
    }
    let best_single = order.first().map(|&k| results[eligible[k]].id.clone());
    let tie = |a: f64, b: f64| (a - b).abs() <= TIE_TOLERANCE * a.abs().max(b.abs()).max(1e-9);
    for (a, &ja) in eligible.iter().enumerate() {
        let tied: Vec<String> = eligible
            .iter()
            .enumerate()
            .filter(|&(b, _)| b != a && tie(values[a], values[b]))
            .map(|(_, &jb)| results[jb].id.clone())
            .collect();
        results[ja].tied_with = tied;
    }
    for ja in 0..results.len() {
        let same: Vec<String> = (0..results.len())
            .filter(|&jb| {
                jb != ja
                    && Haversine.distance(
                        Point::new(results[ja].lon, results[ja].lat),
                        Point::new(results[jb].lon, results[jb].lat),
                    ) < 1.0
            })
            .map(|jb| results[jb].id.clone())
            .collect();
        results[ja].same_position_as = same;
    }
    let best_single_tied: Vec<String> = match order.first() {
        Some(&k) => std::iter::once(results[eligible[k]].id.clone())
            .chain(results[eligible[k]].tied_with.iter().cloned())
            .collect(),
        None => Vec::new(),
    };
    if best_single_tied.len() > 1 {
        warnings.push(format!(
            "tie for the best single site (within {} %): {}",
            TIE_TOLERANCE * 100.0,
            best_single_tied.join(", ")
        ));
    }

    // p-median over eligible candidates.
    let weight = |s: &Source| match req.objective {
        Objective::VehicleKm => 2.0 * s.trips,
        Objective::TonneKm => s.tonnes,
    };
    let mut cost = Vec::with_capacity(src.len() * eligible.len());
    for (i, s) in src.iter().enumerate() {
        let w = weight(s);
        for &j in &eligible {
            cost.push(w * km(i, j));
        }
    }
    let inst = pmedian::Instance::new(src.len(), eligible.len(), cost);
    let heur = pmedian::fast_interchange(&inst, req.p, RANDOM_STARTS, 0);
    let (sol, solver) = match pmedian::exact(&inst, req.p, Some(&heur), EXACT_WORK_LIMIT) {
        Some(s) => (
            s,
            Solver {
                algorithm: "branch_and_bound".into(),
                exact: true,
                lower_bound: None,
                gap: None,
                starts: None,
            },
        ),
        None => match pmedian::exact_by_fixing(&inst, req.p, &heur, 300, EXACT_WORK_LIMIT) {
            Some((s, fixing)) => (
                s,
                Solver {
                    algorithm: "lagrangian_fixing_branch_and_bound".into(),
                    exact: true,
                    lower_bound: Some(fixing.bound),
                    gap: None,
                    starts: None,
                },
            ),
            None => heuristic_with_bound(&inst, req.p, heur),
        },
    };
    let open: Vec<usize> = sol.open.iter().map(|&k| eligible[k]).collect();
    let assign = inst.assign(&sol.open);
    let set_fig = figures(&src, |i| km(i, open[assign[i]]), kg_co2e_per_km);
    for &j in &open {
        results[j].in_best_set = true;
    }
    let assignments = src
        .iter()
        .enumerate()
        .map(|(i, s)| Assignment {
            source_id: s.id.clone(),
            site_id: cands[open[assign[i]]].input.id.clone(),
            distance_km: km(i, open[assign[i]]),
            tonnes_per_year: s.tonnes,
            trips_per_year: s.trips,
        })
        .collect();
    let best_set = BestSet {
        p: req.p,
        site_ids: open.iter().map(|&j| cands[j].input.id.clone()).collect(),
        objective_value: objective_value(req.objective, &set_fig),
        figures: set_fig,
        solver,
        assignments: Some(assignments),
    };
    results.sort_by_key(|r| (r.rank.is_none(), r.rank));
    Ok(SitingResult {
        material: slug.clone(),
        material_label_fr: material.label_fr.clone(),
        objective: req.objective,
        method: m.method(),
        estimate: reasons.build(),
        sources: src.len(),
        sources_unlocated: unlocated,
        tonnes_per_year: total_tonnes,
        candidates: results,
        best_single,
        best_single_tied,
        best_set,
        assumptions: Assumptions {
            circuity: t.manifest.defaults.circuity,
            kg_co2e_per_km,
            kg_co2e_per_km_source,
            round_trip: true,
            default_trips_per_year: DEFAULT_COLLECTIONS_PER_YEAR,
        },
        warnings,
        assignments_hidden: false,
    })
}

/// The candidates as a GeoJSON FeatureCollection of points for the map layer. Properties: `id`,
/// `name`, `rank`, `score` (normalised in [0, 1], 1 = best; null when excluded), `excluded`,
/// `in_best_set`, `vehicle_km_per_year`, `tonne_km_per_year`, `kg_co2e_per_year`,
/// `share_within_10km`, `share_within_20km`, `material`, `method`, `estimate`.
pub fn to_geojson(r: &SitingResult) -> FeatureCollection {
    let features = r
        .candidates
        .iter()
        .map(|c| {
            let mut p = JsonObject::new();
            p.insert("id".into(), c.id.clone().into());
            p.insert("name".into(), c.name.clone().into());
            p.insert(
                "rank".into(),
                c.rank.map_or(JsonValue::Null, JsonValue::from),
            );
            p.insert(
                "score".into(),
                c.score.map_or(JsonValue::Null, JsonValue::from),
            );
            p.insert("excluded".into(), c.excluded.into());
            p.insert("in_best_set".into(), c.in_best_set.into());
            p.insert(
                "vehicle_km_per_year".into(),
                c.figures.vehicle_km_per_year.into(),
            );
            p.insert(
                "tonne_km_per_year".into(),
                c.figures.tonne_km_per_year.into(),
            );
            p.insert("kg_co2e_per_year".into(), c.figures.kg_co2e_per_year.into());
            p.insert("share_within_10km".into(), c.share_within_10km.into());
            p.insert("share_within_20km".into(), c.share_within_20km.into());
            p.insert("material".into(), r.material.clone().into());
            p.insert("method".into(), r.method.as_str().into());
            p.insert("estimate".into(), r.estimate.is_some().into());
            p.insert(
                "estimate_reasons".into(),
                r.estimate
                    .iter()
                    .flat_map(|e| e.reasons.iter().map(|x| JsonValue::from(x.as_str())))
                    .collect::<Vec<_>>()
                    .into(),
            );
            p.insert("precision".into(), c.precision.clone().into());
            p.insert(
                "tied_with".into(),
                c.tied_with
                    .iter()
                    .map(|x| JsonValue::from(x.as_str()))
                    .collect::<Vec<_>>()
                    .into(),
            );
            crate::io::geojson::feature(GeometryValue::new_point([c.lon, c.lat]), p)
        })
        .collect();
    crate::io::geojson::to_collection(features)
}
