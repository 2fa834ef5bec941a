//! `boucle import territory`: build a territory folder from the raw public files.
//!
//! Inputs (paths relative to `--sources`, as laid out in the project's shared sources):
//! - `communes/decoupage-administratif-6.0.0_communes-68.json`: the COG communes of the
//!   département (npm @etalab/decoupage-administratif: code, name, SIREN, postcodes,
//!   population, former codes);
//! - `communes/pays_thur_doller_epci.json`: the intercommunalities of the territory and their
//!   members (same package, `epci.json`): they define which communes belong to the territory;
//! - boundaries: `boundaries/communes-68-haut-rhin.geojson` (IGN ADMIN EXPRESS via
//!   france-geojson, WGS84) or any ADMIN EXPRESS `COMMUNE.shp` (Lambert-93) given with
//!   `--boundaries`;
//! - `business_parks/zones_activites_pays_thur_doller.csv`, `waste/waste_and_reuse_sites.csv`,
//!   `companies/pilot_companies_pays_thur_doller.csv`: compiled from public pages.
//!
//! Outputs: the files named in [`super::manifest::Files`], `territory.toml` and `SOURCES.md`.
//! Intercommunality and territory outlines are dissolved here from the communes with geo's
//! boolean operations. Positions of parks, sites and companies are the representative point of
//! their commune (`precision = commune`) — the compiled pages give no better.
//!
//! Safety ([`swap`]): over an existing folder the import refuses to replace measured flows or
//! manual positions unless forced, and it is all or nothing (written beside the folder, then
//! swapped in by renames).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use geo::{MultiPolygon, Point, Validation, unary_union};
use serde::Deserialize;

use crate::error::{Error, InputError, Location, Result};
use crate::io::csv::CsvTable;
use crate::io::geojson::{read_features, round_multipolygon};
use crate::io::text::{normalize, slug};

mod materials;
mod rules;
pub mod swap;

pub use materials::vocabulary;
pub use rules::{accepted_materials, demonstration_flows, headcount, treats_waste};
use rules::{known_text, parse_area};

use super::files::{self, representative_point};
use super::manifest::{Defaults, Files, Manifest, RoundsDefaults};
use super::model::*;
use super::vehicles::{DEFAULT_EMISSION_FACTORS_CSV, DEFAULT_VEHICLES_CSV, default_vehicle_for};

/// Options of the territory import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Folder of raw sources.
    pub sources: PathBuf,
    /// Output territory folder (created if needed).
    pub out: PathBuf,
    /// Commune boundaries: a GeoJSON FeatureCollection (WGS84) or an ESRI shapefile
    /// (`COMMUNE.shp`, Lambert-93 or WGS84). Default: the france-geojson file of the sources.
    pub boundaries: Option<PathBuf>,
    /// Territory name.
    pub name: String,
    /// Replace measured flows and manual positions of an existing folder (else refused).
    pub force: bool,
}

/// What the import produced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportSummary {
    /// Output folder.
    pub out: PathBuf,
    /// Communes written.
    pub communes: usize,
    /// Intercommunalities written.
    pub epci: usize,
    /// Total population.
    pub population: u64,
    /// Parks written.
    pub parks: usize,
    /// Sites written.
    pub sites: usize,
    /// Actors written.
    pub actors: usize,
    /// Actors without a position (commune unknown).
    pub actors_unlocated: usize,
    /// Demonstration flows written.
    pub flows: usize,
    /// Notes on what could not be resolved (kept in the data, reported here).
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CogCommune {
    code: String,
    nom: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, rename = "codesPostaux")]
    postcodes: Vec<String>,
    #[serde(default)]
    population: Option<u64>,
    #[serde(default, rename = "anciensCodes")]
    former_codes: Vec<String>,
    /// For a delegated or associated commune: the current commune it belongs to.
    #[serde(default, rename = "chefLieu")]
    chef_lieu: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CogEpci {
    code: String,
    nom: String,
    membres: Vec<CogMember>,
}

#[derive(Debug, Deserialize)]
struct CogMember {
    code: String,
}

const COG_COMMUNES: &str = "communes/decoupage-administratif-6.0.0_communes-68.json";
const COG_EPCI: &str = "communes/pays_thur_doller_epci.json";
const BOUNDARIES: &str = "boundaries/communes-68-haut-rhin.geojson";
const PARKS: &str = "business_parks/zones_activites_pays_thur_doller.csv";
const SITES: &str = "waste/waste_and_reuse_sites.csv";
const COMPANIES: &str = "companies/pilot_companies_pays_thur_doller.csv";

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| {
        InputError::new(path, Location::Line(e.line() as u64), None, format!("{e}")).into()
    })
}

fn unique_slug(name: &str, used: &mut HashSet<String>) -> String {
    let base = slug(name);
    let mut s = base.clone();
    let mut i = 2;
    while !used.insert(s.clone()) {
        s = format!("{base}-{i}");
        i += 1;
    }
    s
}

/// Boundaries by INSEE code, read from GeoJSON or a shapefile.
fn read_boundaries(path: &Path) -> Result<HashMap<String, MultiPolygon<f64>>> {
    const CODE_KEYS: [&str; 5] = ["code", "insee", "INSEE_COM", "insee_com", "CODE_INSEE"];
    let is_shp = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    let mut out = HashMap::new();
    if is_shp {
        for r in crate::io::shapefile::read_polygons(path)? {
            let code = CODE_KEYS
                .iter()
                .find_map(|k| r.attributes.get(*k).filter(|v| !v.is_empty()))
                .ok_or_else(|| {
                    InputError::new(
                        path,
                        Location::Feature {
                            index: r.index,
                            id: None,
                        },
                        Some("INSEE_COM"),
                        "no INSEE code attribute (INSEE_COM, code, insee)",
                    )
                })?;
            out.insert(code.clone(), r.geometry);
        }
    } else {
        for f in read_features(path, "code")? {
            let code = CODE_KEYS
                .iter()
                .find_map(|k| f.str_prop_opt(k))
                .ok_or_else(|| {
                    f.error(
                        Some("code"),
                        "no INSEE code property (code, insee, INSEE_COM)",
                    )
                })?;
            out.insert(code, f.multipolygon()?);
        }
    }
    Ok(out)
}

/// Run the import.
pub fn import_territory(opts: &ImportOptions) -> Result<ImportSummary> {
    let src = &opts.sources;
    if !src.is_dir() {
        return Err(Error::Invalid(format!(
            "{}: sources folder not found",
            src.display()
        )));
    }
    let mut notes: Vec<String> = swap::guard(&opts.out, opts.force)?
        .into_iter()
        .map(|r| format!("--force: {r}"))
        .collect();
    let cog: Vec<CogCommune> = read_json(&src.join(COG_COMMUNES))?;
    let cog_epcis: Vec<CogEpci> = read_json(&src.join(COG_EPCI))?;
    let boundaries_path = opts
        .boundaries
        .clone()
        .unwrap_or_else(|| src.join(BOUNDARIES));
    let boundaries = read_boundaries(&boundaries_path)?;

    // Current communes of the COG, and every commune's representative point (for names and
    // positions of neighbours' parks).
    let current: HashMap<&str, &CogCommune> = cog
        .iter()
        .filter(|c| c.kind == "commune-actuelle")
        .map(|c| (c.code.as_str(), c))
        .collect();
    // Delegated and associated communes, by the current commune they belong to.
    let mut former_of: HashMap<&str, Vec<FormerCommune>> = HashMap::new();
    for c in cog
        .iter()
        .filter(|c| c.kind == "commune-deleguee" || c.kind == "commune-associee")
    {
        if let Some(chef) = &c.chef_lieu {
            former_of
                .entry(chef.as_str())
                .or_default()
                .push(FormerCommune {
                    insee: c.code.clone(),
                    name: c.nom.clone(),
                });
        }
    }
    let boundaries_source = boundaries_source(opts.boundaries.as_deref());
    let mut name_to_insee: HashMap<String, String> = HashMap::new();
    for c in current.values() {
        name_to_insee.insert(normalize(&c.nom), c.code.clone());
    }

    let mut communes = Vec::new();
    let mut epcis = Vec::new();
    for e in &cog_epcis {
        let mut members = Vec::new();
        for m in &e.membres {
            let c = current.get(m.code.as_str()).ok_or_else(|| {
                InputError::new(
                    src.join(COG_EPCI),
                    Location::File,
                    Some("membres"),
                    format!(
                        "EPCI {}: member {} is not a current commune of the COG list",
                        e.code, m.code
                    ),
                )
            })?;
            let geometry = match boundaries.get(&c.code) {
                Some(g) => g.clone(),
                None => {
                    // A commune created by merger after the boundaries' vintage: union of the
                    // former communes.
                    let parts: Vec<&MultiPolygon<f64>> = c
                        .former_codes
                        .iter()
                        .filter_map(|k| boundaries.get(k))
                        .collect();
                    if parts.is_empty() {
                        return Err(InputError::new(
                            &boundaries_path,
                            Location::File,
                            Some("code"),
                            format!("no boundary for commune {} ({})", c.code, c.nom),
                        )
                        .into());
                    }
                    notes.push(format!(
                        "{} {}: boundary = union of former communes",
                        c.code, c.nom
                    ));
                    unary_union(parts)
                }
            };
            let point = representative_point(&geometry)
                .ok_or_else(|| Error::Invalid(format!("commune {}: empty boundary", c.code)))?;
            communes.push(Commune {
                insee: c.code.clone(),
                name: c.nom.clone(),
                epci_siren: e.code.clone(),
                population: c.population.unwrap_or(0),
                postcodes: c.postcodes.clone(),
                geometry,
                point,
                source: format!(
                    "{boundaries_source}; INSEE COG 2026 via @etalab/decoupage-administratif 6.0.0"
                ),
                former_communes: former_of.remove(c.code.as_str()).unwrap_or_default(),
                population_vintage: POPULATION_VINTAGE.into(),
            });
            members.push(c.code.clone());
        }
        let parts: Vec<&MultiPolygon<f64>> = communes
            .iter()
            .filter(|c| c.epci_siren == e.code)
            .map(|c| &c.geometry)
            .collect();
        let geometry = round_multipolygon(&unary_union(parts), 7);
        let population = communes
            .iter()
            .filter(|c| c.epci_siren == e.code)
            .map(|c| c.population)
            .sum();
        epcis.push(Epci {
            siren: e.code.clone(),
            name: e.nom.clone(),
            members,
            population,
            geometry,
            source: "dissolved by boucle from its member communes; composition DGCL 2026 via @etalab/decoupage-administratif 6.0.0".into(),
        });
    }
    communes.sort_by(|a, b| a.insee.cmp(&b.insee));
    let outline = round_multipolygon(&unary_union(epcis.iter().map(|e| &e.geometry)), 7);
    for (what, g) in epcis
        .iter()
        .map(|e| (e.name.as_str(), &e.geometry))
        .chain(std::iter::once(("territory outline", &outline)))
    {
        if let Err(e) = g.check_validation() {
            return Err(Error::Invalid(format!(
                "dissolved {what} is not a valid geometry: {e}"
            )));
        }
    }
    let territory_insee: HashSet<String> = communes.iter().map(|c| c.insee.clone()).collect();
    let epci_sirens: HashSet<String> = epcis.iter().map(|e| e.siren.clone()).collect();
    let point_of = |insee: &str| -> Option<Point<f64>> {
        communes
            .iter()
            .find(|c| c.insee == insee)
            .map(|c| c.point)
            .or_else(|| boundaries.get(insee).and_then(representative_point))
    };

    let materials = vocabulary();

    // Business parks.
    let parks_path = src.join(PARKS);
    let table = CsvTable::read(
        &parks_path,
        b',',
        &["nom", "communes", "insee_ref", "epci_siren", "sources"],
    )?;
    let mut used = HashSet::new();
    let mut parks = Vec::new();
    for row in table.iter() {
        let name = row.required("nom")?;
        let insee = row.optional("insee_ref");
        let mut park_communes = Vec::new();
        for n in row.get("communes").split(';') {
            match name_to_insee.get(&normalize(n)) {
                Some(code) => park_communes.push(code.clone()),
                None if !n.trim().is_empty() => notes.push(format!(
                    "{}, line {}: park `{name}`: commune `{}` not resolved to an INSEE code",
                    parks_path.display(),
                    row.line(),
                    n.trim()
                )),
                None => {}
            }
        }
        let in_territory = match &insee {
            Some(c) => territory_insee.contains(c),
            None => row
                .optional("epci_siren")
                .is_some_and(|s| epci_sirens.contains(&s)),
        };
        let position = insee.as_deref().and_then(point_of);
        let (area_ha, free_ha) = parse_area(row.get("surface_ha"));
        parks.push(Park {
            id: unique_slug(&name, &mut used),
            name,
            precision: if position.is_some() {
                Precision::Commune
            } else {
                Precision::Unknown
            },
            position,
            insee,
            communes: park_communes,
            epci_siren: row.optional("epci_siren"),
            area_ha,
            free_ha,
            companies: row.optional("nb_entreprises"),
            jobs: row.optional("nb_emplois"),
            in_territory,
            remarks: row.get("remarques").to_owned(),
            source: row.required("sources")?,
            confidence: row.get("confiance").to_owned(),
            outline: None,
            cnig: None,
        });
    }

    // Treatment and reuse sites.
    let sites_path = src.join(SITES);
    let table = CsvTable::read(
        &sites_path,
        b',',
        &["nom", "type", "insee", "adresse", "sources"],
    )?;
    let mut used = HashSet::new();
    let mut sites = Vec::new();
    for row in table.iter() {
        let name = row.required("nom")?;
        let insee = row.optional("insee");
        if let Some(c) = &insee
            && !territory_insee.contains(c)
        {
            return Err(row
                .error(
                    "insee",
                    format!("unknown INSEE code {c} (not in the territory)"),
                )
                .into());
        }
        let position = insee.as_deref().and_then(point_of);
        let kind = row.get("type").to_owned();
        let accepts = if treats_waste(&kind) {
            accepted_materials(&format!("{name} {kind} {}", row.get("remarques")))
        } else {
            Vec::new()
        };
        sites.push(Site {
            id: unique_slug(&name, &mut used),
            name,
            kind,
            precision: if position.is_some() {
                Precision::Commune
            } else {
                Precision::Unknown
            },
            position,
            insee,
            address: known_text(row.get("adresse")),
            operator: row.get("operateur").to_owned(),
            accepts,
            remarks: row.get("remarques").to_owned(),
            source: row.required("sources")?,
            confidence: row.get("confiance").to_owned(),
        });
    }

    // Pilot companies.
    let companies_path = src.join(COMPANIES);
    let table = CsvTable::read(
        &companies_path,
        b',',
        &[
            "nom_document_projet",
            "commune",
            "insee",
            "secteur",
            "sources",
        ],
    )?;
    let mut used = HashSet::new();
    let mut actors = Vec::new();
    for row in table.iter() {
        let name = row.required("nom_document_projet")?;
        let insee = row.optional("insee");
        if let Some(c) = &insee
            && !territory_insee.contains(c)
        {
            return Err(row
                .error(
                    "insee",
                    format!("unknown INSEE code {c} (not in the territory)"),
                )
                .into());
        }
        let position = insee.as_deref().and_then(point_of);
        let (naf, naf_verified) = match row.optional("naf_guess_unverified") {
            Some(n) => (
                Some(n.split_whitespace().next().unwrap_or_default().to_owned()),
                false,
            ),
            None => (None, false),
        };
        let source = row.optional("sources").unwrap_or_else(|| {
            "EIT programme's list of pilot companies (no public page found)".into()
        });
        let mut remarks = row.get("remarques").to_owned();
        let commune_text = row.get("commune");
        if !commune_text.is_empty() && commune_text != "UNKNOWN" && insee.is_some() {
            let resolved = insee
                .as_deref()
                .and_then(|c| current.get(c))
                .map(|c| c.nom.as_str());
            if resolved.is_some_and(|r| normalize(r) != normalize(commune_text)) {
                remarks = format!("{remarks} [commune in the source: {commune_text}]")
                    .trim()
                    .to_owned();
            }
        }
        actors.push(Actor {
            id: unique_slug(&name, &mut used),
            name,
            kind: ActorKind::Company,
            siret: None,
            naf,
            naf_verified,
            naf_nomenclature: None,
            sector: known_text(row.get("secteur")).unwrap_or_default(),
            precision: if position.is_some() {
                Precision::Commune
            } else {
                Precision::Unknown
            },
            position,
            insee,
            address: known_text(row.get("adresse")),
            park_id: None,
            employees: row.optional("effectif_approx"),
            score: None,
            remarks,
            source,
        });
    }
    let flows = demonstration_flows(&actors, &materials);

    // Write everything into a staging folder beside the output, then swap it in place.
    let staging = swap::stage(&opts.out)?;
    let written = write_all(
        &staging,
        opts,
        Written {
            communes: &communes,
            epcis: &epcis,
            outline: &outline,
            parks: &parks,
            sites: &sites,
            actors: &actors,
            flows: &flows,
            materials: &materials,
            boundaries: &boundaries_path,
            boundaries_source: &boundaries_source,
        },
    )
    .and_then(|population| swap::swap(&staging, &opts.out).map(|()| population));
    let population = match written {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };

    Ok(ImportSummary {
        out: opts.out.clone(),
        communes: communes.len(),
        epci: epcis.len(),
        population,
        parks: parks.len(),
        sites: sites.len(),
        actors_unlocated: actors.iter().filter(|a| a.position.is_none()).count(),
        actors: actors.len(),
        flows: flows.len(),
        notes,
    })
}

/// What an import writes.
struct Written<'a> {
    communes: &'a [Commune],
    epcis: &'a [Epci],
    outline: &'a MultiPolygon<f64>,
    parks: &'a [Park],
    sites: &'a [Site],
    actors: &'a [Actor],
    flows: &'a [Flow],
    materials: &'a [Material],
    boundaries: &'a Path,
    /// What the boundaries are, in words (for `source` and SOURCES.md).
    boundaries_source: &'a str,
}

/// Write every file of the territory into `out`; returns the population.
fn write_all(out: &Path, opts: &ImportOptions, w: Written<'_>) -> Result<u64> {
    let Written {
        communes,
        epcis,
        outline,
        parks,
        sites,
        actors,
        flows,
        materials,
        boundaries: boundaries_path,
        boundaries_source,
    } = w;
    let f = Files::default();
    files::write_communes(&out.join(&f.communes), communes, epcis)?;
    files::write_epcis(&out.join(&f.epci), epcis)?;
    let population: u64 = communes.iter().map(|c| c.population).sum();
    files::write_outline(
        &out.join(&f.outline),
        &opts.name,
        outline,
        population,
        communes.len(),
        &format!("dissolved by boucle from the communes ({boundaries_source})"),
    )?;
    files::write_parks(&out.join(&f.parks), parks)?;
    // The parks are rebuilt from the sources: outlines and CNIG records of the former parks
    // (refused by the guard unless forced) are dropped with them.
    super::cnig::write_outlines(&out.join(&f.park_outlines), parks)?;
    files::write_sites(&out.join(&f.sites), sites)?;
    files::write_actors_file(&out.join(&f.actors), actors)?;
    files::write_flows(&out.join(&f.flows), flows)?;
    files::write_materials(&out.join(&f.materials), materials)?;
    // Default vehicle types and emission factors (editable by the officer): a re-import keeps
    // an existing file and writes the defaults only when it is missing.
    for (name, text) in [
        (&f.vehicles, DEFAULT_VEHICLES_CSV),
        (&f.emission_factors, DEFAULT_EMISSION_FACTORS_CSV),
    ] {
        let path = out.join(name);
        if !path.exists() {
            crate::io::atomic::write_atomic(&path, text.as_bytes())?;
        }
    }
    let manifest = Manifest {
        name: opts.name.clone(),
        description: format!(
            "{} communes in {} intercommunalities; business parks, treatment sites and pilot companies of the EIT programme",
            communes.len(),
            epcis.len()
        ),
        notes: vec![
            "Population: INSEE population municipale as given by @etalab/decoupage-administratif 6.0.0 communes.json (sum 65,569 for the 46 communes); epci.json carries another census vintage (65,457).".into(),
            "Positions of parks, sites and companies are their commune's representative point (precision = commune) until geocoded or set by hand.".into(),
            "flows.csv holds demonstration values (estimate = true), not measurements.".into(),
        ],
        files: f,
        defaults: default_parameters(sites),
        min_contributors: None,
        viewer: Default::default(),
        lines: Default::default(),
    };
    crate::io::atomic::write_atomic(
        &out.join(super::MANIFEST_FILE),
        manifest.to_toml()?.as_bytes(),
    )?;
    crate::io::atomic::write_atomic(
        &out.join("SOURCES.md"),
        sources_md(boundaries_path, boundaries_source).as_bytes(),
    )?;
    Ok(population)
}

fn default_parameters(sites: &[Site]) -> Defaults {
    let mut d = Defaults::default();
    // Default treatment site per material: the first located site that accepts it, preferring
    // private recyclers (professional waste) over public déchèteries.
    let mut rounds = BTreeMap::new();
    let mut by_material: BTreeMap<String, String> = BTreeMap::new();
    for pass in [true, false] {
        for s in sites.iter().filter(|s| s.position.is_some()) {
            let private = s.kind.to_lowercase().contains("recycleur");
            if private != pass {
                continue;
            }
            for m in &s.accepts {
                by_material.entry(m.clone()).or_insert_with(|| s.id.clone());
            }
        }
    }
    for (m, site) in by_material {
        let d = RoundsDefaults {
            treatment_site: Some(site),
            vehicle: default_vehicle_for(&m).map(str::to_owned),
            ..RoundsDefaults::default()
        };
        rounds.insert(m, d);
    }
    d.rounds = rounds;
    d
}

/// What the population figures are (the package's README links the INSEE "populations légales"
/// page 8680726: millésime 2022, in force on 1 January 2025).
pub const POPULATION_VINTAGE: &str = "INSEE populations légales, millésime 2022 (population municipale, in force on 1 January 2025), as linked by @etalab/decoupage-administratif 6.0.0 (insee.fr/fr/statistiques/8680726)";

/// Where the commune boundaries come from: the default france-geojson file, or the file given
/// with `--boundaries` (an ADMIN EXPRESS shapefile when it ends in `.shp`).
fn boundaries_source(given: Option<&Path>) -> String {
    match given {
        None => "boundaries: IGN ADMIN EXPRESS (COG 2018), simplified, via GitHub gregoiredavid/france-geojson".into(),
        Some(p) => {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")) {
                format!("boundaries: IGN ADMIN EXPRESS shapefile `{name}` (Lambert-93, reprojected to WGS84 by boucle)")
            } else {
                format!("boundaries: GeoJSON file `{name}` given with --boundaries")
            }
        }
    }
}

fn sources_md(boundaries: &Path, boundaries_source: &str) -> String {
    let b = boundaries
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        r#"# Sources and licences of this territory folder

Generated by `boucle import territory` (do not edit by hand; edit the CSV files and re-run
`boucle check`). Boundaries read from `{b}`.

| file | content | source | licence |
|---|---|---|---|
| communes.geojson | the 46 communes: INSEE code, current name, EPCI, population (and its vintage), postcodes, former (delegated) communes, boundary (WGS84, outer rings counter-clockwise), representative point | {boundaries_source}; names, EPCI, populations, postcodes, delegated communes: INSEE COG 2026 via npm @etalab/decoupage-administratif 6.0.0 | Licence Ouverte (Etalab) |
| epci.geojson | the 3 communautés de communes, dissolved by boucle from their communes, with members and population totals | derived from the above; composition DGCL 2026 via @etalab/decoupage-administratif | Licence Ouverte |
| territory.geojson | outline of the whole territory, dissolved by boucle | derived | Licence Ouverte |
| parks.csv | business parks | compiled from public web pages (URLs in `source`) | facts; cite the sources |
| sites.csv | treatment, collection and reuse sites | compiled from public web pages (URLs in `source`) | facts; cite the sources |
| actors.csv | the EIT programme's pilot companies | compiled from public web pages (URLs in `source`); NAF codes are unverified guesses (`naf_verified = false`) | facts; cite the sources |
| flows.csv | DEMONSTRATION flows (every row `estimate = true`) | generated by boucle from published headcounts with fixed ratios, see below | — |
| materials.csv | materials vocabulary with European Waste Catalogue codes | Commission Decision 2000/532/EC (list of wastes) as amended | public |
| vehicles.csv | vehicle types for rounds (capacities, €/km, €/h, fixed cost, consumption) | written by boucle when missing; costs are ESTIMATES (orders of magnitude of road-haulage cost indices), see each row's `source`; edit freely | — |
| emission_factors.csv | L/100 km per vehicle class × kg CO2e/L | written by boucle when missing; arrêté du 10 avril 2012 (annexe II) and ADEME Base Carbone (gazole routier), see each row's `source` and `vintage`; unconfirmed values are labelled estimates | public |
| synergies.csv | the synergy register (status, actors, dates) | entered by the EIT officer (`boucle synergies record`); not generated | — |

## Population
`population` is the INSEE population municipale given by @etalab/decoupage-administratif 6.0.0
(`communes.json`), sum 65,569 for the 46 communes: INSEE populations légales, millésime 2022 (in
force on 1 January 2025), the publication the package's README links
(insee.fr/fr/statistiques/8680726). Each commune's
`population_vintage` says so. The package's `epci.json` carries another census vintage (65,457,
from the DGCL 2026 list); it is not used.

## Former communes
`former_communes` lists the delegated communes of each merged commune (COG `commune-deleguee`,
e.g. Mortzwiller and Soppe-le-Haut in Le Haut Soultzbach): the geocoder takes their names as
aliases of the current commune.

## Materials' weights and volumes (`materials.csv`)
`kg_per_unit` and `m3_per_unit` decide when a truck is full by weight or by volume. They are
ESTIMATES, each row's `weights_source` says from what (EPAL pallet specification for pallets;
typical loose bulk densities of collected waste for the others).

## Positions
Parks, sites and companies are known only at commune level: they sit at their commune's
representative point (a point inside the commune polygon, computed by boucle) with
`precision = commune`. Rows whose commune is unknown are kept without position
(`precision = unknown`). Geocode them (`boucle geocode actors`) or set them by hand
(`boucle actors set-position`).

## Materials accepted by sites (`sites.csv`, column `accepts`)
Derived by keyword rules from each site's name, kind and remarks (e.g. "broyeur de bois" →
pallets; "papier/carton" → paper_cardboard; "ferrailles", "VHU" → metals; "déchèterie publique" →
wood, paper_cardboard, metals, weee; "ressourcerie"/"réemploi" → textiles, weee). An
interpretation of the compiled pages, to be confirmed with the operators.

## Demonstration flows (`flows.csv`)
Not measured. Until the EIT diagnostics' figures are entered, each pilot company gets:
- pallets: headcount × 3 pallets/year (manufacturing), × 4 (chemistry, NAF 20), × 10 (retail,
  NAF 47), × 2 otherwise, at least 12; collected monthly (12/year);
- paper/cardboard: headcount × 0.08 t/year (× 0.5 for retail), at least 0.5 t; collected every
  two weeks (26/year);
- one material typical of its NAF division: big-bags (chemistry, 0.5/employee/year), metals
  (NAF 25–30, 0.3 t/employee/year), textiles (NAF 13, 0.2 t/employee/year), plastics (NAF 11 and
  22, 0.1 t/employee/year).
The headcount is the first number of the published `employees` text; 20 when unknown. NAF codes
are unverified guesses from the compiled pages.
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_names() {
        assert_eq!(
            slug("Cernay Environnement / Alsadis"),
            "cernay-environnement-alsadis"
        );
        assert_eq!(
            normalize("Bitschwiller-lès-Thann"),
            "bitschwiller les thann"
        );
        assert_eq!(headcount("~50 (2024)"), Some(50));
        assert_eq!(headcount("375-380 (2019-2020)"), Some(375));
        assert_eq!(headcount(""), None);
        assert_eq!(
            parse_area("52 (16,5 disponibles)"),
            (Some(52.0), Some(16.5))
        );
        assert_eq!(parse_area("44"), (Some(44.0), None));
    }

    #[test]
    fn accepted_materials_from_words() {
        let a = accepted_materials(
            "Cernay Environnement recycleur privé (DND, bois, ferrailles) Broyeur de bois: candidat pour palettes/bois. Pertinent pour tournées papier/carton.",
        );
        for m in ["pallets", "wood", "paper_cardboard", "plastics", "metals"] {
            assert!(a.contains(&m.to_owned()), "{m} missing from {a:?}");
        }
        assert!(accepted_materials("Syndicat (siège) administration déchets").is_empty());
        assert!(!treats_waste("administration déchets"));
        assert!(!treats_waste(
            "producteur carton (débouché/partenaire papier-carton potentiel)"
        ));
        assert!(treats_waste("déchèterie publique"));
    }
}
