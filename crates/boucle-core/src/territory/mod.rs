//! The territory: communes, intercommunalities (EPCI), business parks, treatment sites, actors,
//! flows and materials, loaded from a territory folder (see [`MANIFEST_FILE`]) and validated,
//! with the rules every capability shares:
//! - [`period`] and [`quantities`]: a flow's period ([`Period`]) and its yearly figures
//!   (units, kg, tonnes, collections per year), the holders of a material ([`Holder`]);
//! - [`vehicles`]: vehicle types and emission factors, read and checked with the territory, and
//!   the cost and CO2e model of a vehicle ([`CostModel`]);
//! - [`manifest`]: names, files, default parameters and the typed per-material defaults of
//!   collection rounds ([`RoundsDefaults`]), each checked against the data;
//! - [`vocabulary`]: the materials vocabulary (slugs, EWC codes, synonyms, families);
//! - [`register`]: the programme's synergy register;
//! - [`sides`]: out flows and in sides of potential exchanges, placed;
//! - [`hours`] and [`schedules`]: opening hours (OSM syntax) and the officer's week
//!   (`schedules.csv`: hours, service times, containers, access of companies and sites).
//!
//! [`Territory::load`] is strict (any problem is an error listing all of them);
//! [`check`] loads leniently and reports counts and every problem found.

pub mod cnig;
pub mod cnig_schema;
pub mod files;
pub mod flows_import;
pub mod hours;
pub mod import;
pub mod lock;
pub mod manifest;
pub mod model;
pub mod period;
pub mod quantities;
pub mod register;
pub mod schedules;
pub mod sides;
pub mod vehicles;
pub mod vocabulary;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use geo::{BoundingRect, MultiPolygon, Rect};
use serde::Serialize;

use crate::error::{Error, InputError, Location, Result};
pub use manifest::{Manifest, RoundsDefaults};
pub use model::*;
pub use period::Period;
pub use quantities::{DEFAULT_COLLECTIONS_PER_YEAR, Holder};
pub use register::{SYNERGIES_FILE, Status, Synergy};
pub use vehicles::{
    CostModel, DataOrigin, EmissionFactor, EmissionFactors, Factor, Totals, Vehicle, VehicleTypes,
};
pub use vocabulary::{MatchReason, Vocabulary};

/// Fewest companies behind a quantity shown without the officer's token: below this, a figure
/// would let one of them recover another's quantity.
pub const MIN_CONTRIBUTORS: usize = 3;

impl Territory {
    /// Fewest contributors behind a figure published without the officer's token: the
    /// manifest's `min_contributors`, else [`MIN_CONTRIBUTORS`].
    pub fn min_contributors(&self) -> usize {
        self.manifest.min_contributors.unwrap_or(MIN_CONTRIBUTORS)
    }
}

/// Name of the manifest file at the root of a territory folder.
pub const MANIFEST_FILE: &str = "territory.toml";

/// A loaded, validated territory.
#[derive(Debug, Clone)]
pub struct Territory {
    /// The folder it was loaded from.
    pub dir: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// Communes, in file order.
    pub communes: Vec<Commune>,
    /// Intercommunalities.
    pub epcis: Vec<Epci>,
    /// The whole territory's outline.
    pub outline: MultiPolygon<f64>,
    /// Business parks.
    pub parks: Vec<Park>,
    /// Treatment and reuse sites.
    pub sites: Vec<Site>,
    /// Companies and organisations.
    pub actors: Vec<Actor>,
    /// Material flows.
    pub flows: Vec<Flow>,
    /// Materials vocabulary.
    pub materials: Vec<Material>,
    /// Vehicle types for collection rounds (`vehicles.csv`, else the built-in ones).
    pub vehicles: VehicleTypes,
    /// Fuel consumption and emission factors per vehicle class (`emission_factors.csv`, else
    /// the built-in ones).
    pub emission_factors: EmissionFactors,
    /// The officer's week (`schedules.csv`, optional: empty without the file).
    pub week: schedules::Week,
}

/// What `boucle check` reports.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Territory name (from the manifest), if readable.
    pub name: Option<String>,
    /// Number of communes.
    pub communes: usize,
    /// Number of intercommunalities.
    pub epci: usize,
    /// Number of business parks.
    pub parks: usize,
    /// Number of treatment and reuse sites.
    pub sites: usize,
    /// Number of actors.
    pub actors: usize,
    /// Actors with a position.
    pub actors_located: usize,
    /// Number of flows.
    pub flows: usize,
    /// Number of materials.
    pub materials: usize,
    /// Number of synergies in the programme's register (`synergies.csv`; 0 when absent).
    pub synergies: usize,
    /// Number of vehicle types (`vehicles.csv`, else the built-in ones).
    pub vehicle_types: usize,
    /// Number of emission factors (`emission_factors.csv`, else the built-in ones).
    pub emission_factors: usize,
    /// Rows of `schedules.csv` (the officer's week; 0 without the file).
    pub schedules: usize,
    /// Total population of the communes.
    pub population: u64,
    /// Every problem found, as text naming file, line or feature, and field.
    pub errors: Vec<String>,
}

struct Loaded {
    territory: Territory,
    errors: Vec<InputError>,
}

fn load_lenient(dir: &Path) -> Result<Loaded> {
    let manifest_path = dir.join(MANIFEST_FILE);
    if !dir.is_dir() {
        return Err(Error::Invalid(format!(
            "{}: not a territory folder (no such directory)",
            dir.display()
        )));
    }
    let manifest = Manifest::read(&manifest_path)?;
    let f = &manifest.files;
    let mut errors = Vec::new();
    fn take<T>(errors: &mut Vec<InputError>, r: files::Read<T>) -> Vec<T> {
        errors.extend(r.errors);
        r.records
    }
    let communes: Vec<Commune> = take(&mut errors, files::read_communes(&dir.join(&f.communes)));
    let epcis: Vec<Epci> = take(&mut errors, files::read_epcis(&dir.join(&f.epci)));
    let outline = take(&mut errors, files::read_outline(&dir.join(&f.outline)))
        .into_iter()
        .next()
        .unwrap_or_else(|| MultiPolygon(Vec::new()));
    let mut parks = take(&mut errors, files::read_parks(&dir.join(&f.parks)));
    errors.extend(cnig::attach_outlines(
        &dir.join(&f.park_outlines),
        &mut parks,
    ));
    let sites = take(&mut errors, files::read_sites(&dir.join(&f.sites)));
    let actors = take(&mut errors, files::read_actors(&dir.join(&f.actors)));
    let flows = take(&mut errors, files::read_flows(&dir.join(&f.flows)));
    let materials = take(&mut errors, files::read_materials(&dir.join(&f.materials)));
    let (types, origin, e) =
        vehicles::read_or_builtin(dir, &f.vehicles, vehicles::parse_vehicles_lenient, || {
            VehicleTypes::builtin().types
        });
    errors.extend(e);
    let vehicles = VehicleTypes { types, origin };
    let (factors, origin, e) = vehicles::read_or_builtin(
        dir,
        &f.emission_factors,
        vehicles::parse_emission_factors_lenient,
        || EmissionFactors::builtin().factors,
    );
    errors.extend(e);
    let emission_factors = EmissionFactors { factors, origin };
    let (week, e) = {
        let a: HashSet<&str> = actors.iter().map(|a| a.id.as_str()).collect();
        let s: HashSet<&str> = sites.iter().map(|s| s.id.as_str()).collect();
        let m: HashSet<&str> = materials.iter().map(|m| m.slug.as_str()).collect();
        schedules::read_schedules(&dir.join(&f.schedules), &a, &s, &m)
    };
    errors.extend(e);
    let territory = Territory {
        dir: dir.to_path_buf(),
        manifest,
        communes,
        epcis,
        outline,
        parks,
        sites,
        actors,
        flows,
        materials,
        vehicles,
        emission_factors,
        week,
    };
    errors.extend(cross_check(&territory));
    errors.extend(check_rules(&territory));
    Ok(Loaded { territory, errors })
}

/// Consistency between files: references, uniqueness, totals. Errors name the file and the
/// record's id.
fn cross_check(t: &Territory) -> Vec<InputError> {
    let f = &t.manifest.files;
    let mut errors = Vec::new();
    let err = |file: &str, id: &str, field: &str, msg: String| {
        InputError::new(
            t.dir.join(file),
            Location::File,
            Some(field),
            format!("record `{id}`: {msg}"),
        )
    };
    let communes: HashMap<&str, &Commune> =
        t.communes.iter().map(|c| (c.insee.as_str(), c)).collect();
    let epcis: HashMap<&str, &Epci> = t.epcis.iter().map(|e| (e.siren.as_str(), e)).collect();
    let materials: HashSet<&str> = t.materials.iter().map(|m| m.slug.as_str()).collect();
    let parks: HashSet<&str> = t.parks.iter().map(|p| p.id.as_str()).collect();

    let mut seen = HashSet::new();
    for c in &t.communes {
        if !seen.insert(c.insee.as_str()) {
            errors.push(err(
                &f.communes,
                &c.insee,
                "insee",
                "duplicate INSEE code".into(),
            ));
        }
        if !t.epcis.is_empty() && !epcis.contains_key(c.epci_siren.as_str()) {
            errors.push(err(
                &f.communes,
                &c.insee,
                "epci_siren",
                format!("unknown EPCI SIREN {}", c.epci_siren),
            ));
        }
    }
    for e in &t.epcis {
        for m in &e.members {
            match communes.get(m.as_str()) {
                None => errors.push(err(
                    &f.epci,
                    &e.siren,
                    "members",
                    format!("unknown INSEE code {m}"),
                )),
                Some(c) if c.epci_siren != e.siren => errors.push(err(
                    &f.epci,
                    &e.siren,
                    "members",
                    format!(
                        "commune {m} belongs to EPCI {} in the communes file",
                        c.epci_siren
                    ),
                )),
                _ => {}
            }
        }
        let sum: u64 = e
            .members
            .iter()
            .filter_map(|m| communes.get(m.as_str()))
            .map(|c| c.population)
            .sum();
        if sum != e.population {
            errors.push(err(
                &f.epci,
                &e.siren,
                "population",
                format!(
                    "{} differs from the sum of its communes ({sum})",
                    e.population
                ),
            ));
        }
    }
    let known_insee =
        |insee: &Option<String>| insee.as_deref().is_none_or(|c| communes.contains_key(c));
    let mut seen = HashSet::new();
    for p in &t.parks {
        if !seen.insert(p.id.as_str()) {
            errors.push(err(&f.parks, &p.id, "id", "duplicate id".into()));
        }
        if p.in_territory && !known_insee(&p.insee) {
            errors.push(err(
                &f.parks,
                &p.id,
                "insee",
                format!(
                    "unknown INSEE code {} (not a commune of the territory; set in_territory=false for a neighbour's park)",
                    p.insee.as_deref().unwrap_or_default()
                ),
            ));
        }
    }
    let mut seen = HashSet::new();
    for s in &t.sites {
        if !seen.insert(s.id.as_str()) {
            errors.push(err(&f.sites, &s.id, "id", "duplicate id".into()));
        }
        if !known_insee(&s.insee) {
            errors.push(err(
                &f.sites,
                &s.id,
                "insee",
                format!(
                    "unknown INSEE code {}",
                    s.insee.as_deref().unwrap_or_default()
                ),
            ));
        }
        for m in &s.accepts {
            if !materials.contains(m.as_str()) {
                errors.push(err(
                    &f.sites,
                    &s.id,
                    "accepts",
                    format!("unknown material `{m}`"),
                ));
            }
        }
    }
    let mut seen = HashSet::new();
    for a in &t.actors {
        if !seen.insert(a.id.as_str()) {
            errors.push(err(&f.actors, &a.id, "id", "duplicate id".into()));
        }
        if !known_insee(&a.insee) {
            errors.push(err(
                &f.actors,
                &a.id,
                "insee",
                format!(
                    "unknown INSEE code {} (not a commune of the territory)",
                    a.insee.as_deref().unwrap_or_default()
                ),
            ));
        }
        if let Some(pk) = &a.park_id
            && !parks.contains(pk.as_str())
        {
            errors.push(err(
                &f.actors,
                &a.id,
                "park_id",
                format!("unknown park `{pk}`"),
            ));
        }
    }
    let holders: HashSet<&str> = t
        .actors
        .iter()
        .map(|a| a.id.as_str())
        .chain(t.sites.iter().map(|s| s.id.as_str()))
        .collect();
    let mut seen_flows: HashMap<(&str, &str, &str, Direction), usize> = HashMap::new();
    for (i, fl) in t.flows.iter().enumerate() {
        let id = format!("{} #{}", fl.holder, i + 1);
        let key = (
            fl.holder.as_str(),
            fl.material.as_str(),
            fl.ewc_code.as_str(),
            fl.direction,
        );
        if let Some(first) = seen_flows.insert(key, i) {
            errors.push(InputError::new(
                t.dir.join(&f.flows),
                Location::Line(i as u64 + 2),
                Some("material"),
                format!(
                    "duplicate flow: flow #{} already gives `{}` {} of `{}` (EWC `{}`); it would be counted twice",
                    first + 1,
                    fl.holder,
                    match fl.direction {
                        Direction::Out => "out",
                        Direction::In => "in",
                    },
                    fl.material,
                    fl.ewc_code
                ),
            ));
            seen_flows.insert(key, first);
        }
        if !holders.contains(fl.holder.as_str()) {
            errors.push(err(
                &f.flows,
                &id,
                "holder",
                format!("unknown actor or site `{}`", fl.holder),
            ));
        }
        if !materials.contains(fl.material.as_str()) {
            errors.push(err(
                &f.flows,
                &id,
                "material",
                format!("unknown material `{}`", fl.material),
            ));
        }
    }
    errors.extend(far_positions(t));
    errors
}

/// Positions more than [`crate::limits::MAX_KM_OUTSIDE_TERRITORY`] km outside the bounding box
/// of the communes (a swapped longitude/latitude lands thousands of km away).
fn far_positions(t: &Territory) -> Vec<InputError> {
    if t.communes.is_empty() {
        return Vec::new();
    }
    let b = t.bbox();
    let max = crate::limits::MAX_KM_OUTSIDE_TERRITORY;
    let f = &t.manifest.files;
    let items = t
        .actors
        .iter()
        .map(|a| (&f.actors, &a.id, a.position))
        .chain(t.sites.iter().map(|x| (&f.sites, &x.id, x.position)))
        .chain(
            t.parks
                .iter()
                .filter(|p| p.in_territory)
                .map(|p| (&f.parks, &p.id, p.position)),
        );
    let mut errors = Vec::new();
    for (file, id, pos) in items {
        if let Some(p) = pos {
            let d = t.km_outside_box(p);
            if d > max {
                errors.push(InputError::new(
                    t.dir.join(file),
                    Location::File,
                    Some("lon"),
                    format!(
                        "record `{id}`: position ({}, {}) is {d:.0} km outside the territory's box [{:.3}, {:.3}, {:.3}, {:.3}] (more than {max} km; longitude and latitude swapped?)",
                        p.x(),
                        p.y(),
                        b.min().x,
                        b.min().y,
                        b.max().x,
                        b.max().y
                    ),
                ));
            }
        }
    }
    errors
}

/// The shared rules checked against the data: every vehicle class has an emission factor, every
/// flow's unit converts for its material, and every per-material default of the manifest names a
/// known material, vehicle and place. Errors name the file, the line and the field.
fn check_rules(t: &Territory) -> Vec<InputError> {
    let f = &t.manifest.files;
    let mut errors = Vec::new();
    for v in &t.vehicles.types {
        if !t
            .emission_factors
            .factors
            .iter()
            .any(|e| e.vehicle_class == v.vehicle_class)
        {
            let file = match &t.vehicles.origin {
                DataOrigin::TerritoryFile(name) => t.dir.join(name),
                DataOrigin::Builtin => PathBuf::from("<built-in vehicles.csv>"),
            };
            errors.push(InputError::new(
                file,
                Location::File,
                Some("vehicle_class"),
                format!(
                    "vehicle `{}`: no emission factor for class `{}` in {}",
                    v.id, v.vehicle_class, f.emission_factors
                ),
            ));
        }
    }
    for (i, fl) in t.flows.iter().enumerate() {
        if let Some(m) = t.material(&fl.material)
            && let Err(e) = fl.kg_per_flow_unit(m)
        {
            errors.push(InputError::new(
                t.dir.join(&f.flows),
                Location::Line(i as u64 + 2),
                Some(e.field),
                e.message,
            ));
        }
    }
    let manifest = t.dir.join(MANIFEST_FILE);
    for (material, d) in &t.manifest.defaults.rounds {
        let key = |k: &str| format!("defaults.rounds.{material}.{k}");
        let err = |k: &str, msg: String| {
            InputError::new(
                &manifest,
                t.manifest.location_of(&key(k)),
                Some(&key(k)),
                msg,
            )
        };
        if t.material(material).is_none() {
            errors.push(InputError::new(
                &manifest,
                Location::File,
                Some(&format!("defaults.rounds.{material}")),
                format!("unknown material `{material}` (not in {})", f.materials),
            ));
        }
        if let Some(id) = &d.vehicle
            && t.vehicles.get(id).is_none()
        {
            errors.push(err(
                "vehicle",
                format!(
                    "unknown vehicle `{id}` (vehicle types in {}: {})",
                    origin_name(&t.vehicles.origin, &f.vehicles),
                    t.vehicles
                        .types
                        .iter()
                        .map(|v| v.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for (k, what, spec) in [
            ("treatment_site", "treatment site", &d.treatment_site),
            ("depot", "depot", &d.depot),
        ] {
            if let Some(spec) = spec
                && let Err(e) = t.place(spec, what)
            {
                errors.push(err(k, e.to_string()));
            }
        }
        for (k, v) in [("service_min", d.service_min), ("unload_min", d.unload_min)] {
            if let Some(v) = v
                && !(v.is_finite() && (0.0..=24.0 * 60.0).contains(&v))
            {
                errors.push(err(
                    k,
                    format!("{v} is not a number of minutes in [0, 1440]"),
                ));
            }
        }
    }
    errors
}

/// The name of a table's source: the file of the folder, or the built-in copy.
fn origin_name(origin: &DataOrigin, file: &str) -> String {
    match origin {
        DataOrigin::TerritoryFile(_) => file.to_owned(),
        DataOrigin::Builtin => format!("the built-in {file}"),
    }
}

/// A place named in a request or the manifest: a site, an actor, or a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The site or actor id, or the `LON,LAT` text as given.
    pub id: String,
    /// The site's or actor's name, or `role (LON,LAT)` for a point.
    pub name: String,
    /// Its position.
    pub position: geo::Point<f64>,
}

/// Parse `"LON,LAT"` (WGS84 degrees, in range).
pub fn parse_lonlat(s: &str) -> Option<geo::Point<f64>> {
    let (a, b) = s.split_once(',')?;
    let lon: f64 = a.trim().parse().ok()?;
    let lat: f64 = b.trim().parse().ok()?;
    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
        .then(|| geo::Point::new(lon, lat))
}

impl Territory {
    /// The place named by `spec`: a site id, an actor id or `"LON,LAT"`; `what` names its role
    /// in messages (`depot`, `treatment site`). An unknown id, or a site or actor without a
    /// position, is an error.
    pub fn place(&self, spec: &str, what: &str) -> Result<Place> {
        let spec = spec.trim();
        if let Some(p) = parse_lonlat(spec) {
            return Ok(Place {
                id: spec.to_owned(),
                name: format!("{what} ({spec})"),
                position: p,
            });
        }
        let (name, pos) = if let Some(s) = self.site(spec) {
            (s.name.clone(), s.position)
        } else if let Some(a) = self.actor(spec) {
            (a.name.clone(), a.position)
        } else {
            return Err(Error::Invalid(format!(
                "unknown {what} `{spec}`: not a site id ({}), an actor id ({}) or LON,LAT",
                self.manifest.files.sites, self.manifest.files.actors
            )));
        };
        let position = pos.ok_or_else(|| {
            Error::Invalid(format!(
                "{what} `{spec}` ({name}) has no position: set lon/lat or pass LON,LAT"
            ))
        })?;
        Ok(Place {
            id: spec.to_owned(),
            name,
            position,
        })
    }

    /// The vehicle type to use for `material` among `types`, and why: the manifest's
    /// `defaults.rounds.<material>.vehicle`, else boucle's built-in choice for the material,
    /// else the first type. When `types` are the territory's own (`own_types`), a manifest id
    /// missing from them is an error; when a request brings its own types, the manifest's id
    /// applies only if it is among them.
    pub fn default_vehicle<'a>(
        &self,
        material: &str,
        types: &'a [Vehicle],
        own_types: bool,
    ) -> Result<(&'a Vehicle, VehicleChoice)> {
        let find = |id: &str| types.iter().find(|v| v.id == id);
        if let Some(id) = self
            .manifest
            .defaults
            .rounds
            .get(material)
            .and_then(|d| d.vehicle.as_deref())
        {
            match find(id) {
                Some(v) => return Ok((v, VehicleChoice::Manifest)),
                None if own_types => {
                    return Err(Error::Invalid(format!(
                        "territory.toml defaults.rounds.{material}.vehicle: unknown vehicle `{id}` (vehicle types: {})",
                        types
                            .iter()
                            .map(|v| v.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                None => {}
            }
        }
        if let Some(v) = vehicles::default_vehicle_for(material).and_then(find) {
            return Ok((v, VehicleChoice::Builtin));
        }
        types
            .first()
            .map(|v| (v, VehicleChoice::FirstType))
            .ok_or_else(|| Error::Invalid("no vehicle type".into()))
    }

    /// The cost model of the vehicle type `id` with the territory's emission factors.
    pub fn cost_model(&self, vehicle: &Vehicle) -> Result<CostModel> {
        CostModel::new(vehicle, &self.emission_factors.factors)
    }

    /// Load and validate a territory folder; any problem is an error listing all of them.
    pub fn load(dir: &Path) -> Result<Territory> {
        let loaded = load_lenient(dir)?;
        if loaded.errors.is_empty() {
            Ok(loaded.territory)
        } else {
            Err(Error::Validation(loaded.errors))
        }
    }

    /// Bounding box of the communes (lon/lat).
    pub fn bbox(&self) -> Rect<f64> {
        let mut it = self
            .communes
            .iter()
            .filter_map(|c| c.geometry.bounding_rect());
        let first = it
            .next()
            .unwrap_or_else(|| Rect::new((0.0, 0.0), (0.0, 0.0)));
        it.fold(first, |acc, r| {
            Rect::new(
                (acc.min().x.min(r.min().x), acc.min().y.min(r.min().y)),
                (acc.max().x.max(r.max().x), acc.max().y.max(r.max().y)),
            )
        })
    }

    /// The commune containing `p` (the first in file order when `p` lies on a shared edge), by
    /// exact point-in-polygon; [`crate::spatial::SpatialIndex`] answers the same faster.
    pub fn commune_at(&self, p: geo::Point<f64>) -> Option<&Commune> {
        use geo::{BoundingRect, Intersects};
        self.communes.iter().find(|c| {
            c.geometry.bounding_rect().is_some_and(|r| r.intersects(&p))
                && c.geometry.intersects(&p)
        })
    }

    /// The commune with this INSEE code.
    pub fn commune(&self, insee: &str) -> Option<&Commune> {
        self.communes.iter().find(|c| c.insee == insee)
    }

    /// The intercommunality with this SIREN.
    pub fn epci(&self, siren: &str) -> Option<&Epci> {
        self.epcis.iter().find(|e| e.siren == siren)
    }

    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }

    /// The park with this id.
    pub fn park(&self, id: &str) -> Option<&Park> {
        self.parks.iter().find(|p| p.id == id)
    }

    /// The material with this slug.
    pub fn material(&self, slug: &str) -> Option<&Material> {
        self.materials.iter().find(|m| m.slug == slug)
    }

    /// Total population of the communes.
    pub fn population(&self) -> u64 {
        self.communes.iter().map(|c| c.population).sum()
    }

    /// Approximate distance in km from `p` to the bounding box of the communes (0 inside it).
    pub fn km_outside_box(&self, p: geo::Point<f64>) -> f64 {
        let b = self.bbox();
        let dx = (b.min().x - p.x()).max(p.x() - b.max().x).max(0.0);
        let dy = (b.min().y - p.y()).max(p.y() - b.max().y).max(0.0);
        let lat = p.y().clamp(-89.0, 89.0).to_radians();
        (dx * 111.32 * lat.cos()).hypot(dy * 110.57)
    }

    /// Path of a file of the folder.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

/// Why a default vehicle type was chosen ([`Territory::default_vehicle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VehicleChoice {
    /// The manifest's `defaults.rounds.<material>.vehicle`.
    Manifest,
    /// boucle's built-in choice for the material.
    Builtin,
    /// The first vehicle type.
    FirstType,
}

/// Validate a territory folder leniently: counts and every problem found, the vehicle types,
/// emission factors, manifest defaults and the programme's synergy register included (see
/// [`register::check_register`]).
pub fn check(dir: &Path) -> CheckReport {
    match load_lenient(dir) {
        Ok(Loaded {
            territory: t,
            mut errors,
        }) => {
            let register = dir.join(SYNERGIES_FILE);
            let (synergies, register_errors) = register::check_register(&t, &register);
            errors.extend(register_errors);
            CheckReport {
                name: Some(t.manifest.name.clone()),
                communes: t.communes.len(),
                epci: t.epcis.len(),
                parks: t.parks.len(),
                sites: t.sites.len(),
                actors: t.actors.len(),
                actors_located: t.actors.iter().filter(|a| a.is_located()).count(),
                flows: t.flows.len(),
                materials: t.materials.len(),
                synergies,
                vehicle_types: t.vehicles.types.len(),
                emission_factors: t.emission_factors.factors.len(),
                schedules: t.week.rows.len(),
                population: t.population(),
                errors: errors.iter().map(ToString::to_string).collect(),
            }
        }
        Err(e) => CheckReport {
            name: None,
            communes: 0,
            epci: 0,
            parks: 0,
            sites: 0,
            actors: 0,
            actors_located: 0,
            flows: 0,
            materials: 0,
            synergies: 0,
            vehicle_types: 0,
            emission_factors: 0,
            schedules: 0,
            population: 0,
            errors: vec![e.to_string()],
        },
    }
}

/// Rewrite the actors file of the territory folder `dir` atomically (file name from the
/// manifest).
pub fn write_actors(dir: &Path, actors: &[Actor]) -> Result<()> {
    let manifest = Manifest::read(&dir.join(MANIFEST_FILE))?;
    files::write_actors_file(&dir.join(&manifest.files.actors), actors)
}
