//! The territory: communes, intercommunalities (EPCI), business parks, treatment sites, actors,
//! flows and materials, loaded from a territory folder (see [`MANIFEST_FILE`]) and validated.
//!
//! [`Territory::load`] is strict (any problem is an error listing all of them);
//! [`check`] loads leniently and reports counts and every problem found.

pub mod files;
pub mod import;
pub mod manifest;
pub mod model;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use geo::{BoundingRect, MultiPolygon, Rect};
use serde::Serialize;

use crate::error::{Error, InputError, Location, Result};
pub use manifest::Manifest;
pub use model::*;

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
    let parks = take(&mut errors, files::read_parks(&dir.join(&f.parks)));
    let sites = take(&mut errors, files::read_sites(&dir.join(&f.sites)));
    let actors = take(&mut errors, files::read_actors(&dir.join(&f.actors)));
    let flows = take(&mut errors, files::read_flows(&dir.join(&f.flows)));
    let materials = take(&mut errors, files::read_materials(&dir.join(&f.materials)));
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
    };
    errors.extend(cross_check(&territory));
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
    for (i, fl) in t.flows.iter().enumerate() {
        let id = format!("{} #{}", fl.holder, i + 1);
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
    errors
}

impl Territory {
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

    /// Path of a file of the folder.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

/// Validate a territory folder leniently: counts and every problem found, the programme's
/// synergy register included (see [`crate::synergy::check_register`]).
pub fn check(dir: &Path) -> CheckReport {
    match load_lenient(dir) {
        Ok(Loaded {
            territory: t,
            mut errors,
        }) => {
            let register = dir.join(crate::synergy::SYNERGIES_FILE);
            let (synergies, register_errors) = crate::synergy::check_register(&t, &register);
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
