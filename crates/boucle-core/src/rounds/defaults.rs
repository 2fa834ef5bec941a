//! The settings of a plan that the request leaves out, each taken from the request, the
//! territory's manifest, its files or boucle's own defaults, and reported with where it comes
//! from ([`DefaultTaken`]).
//!
//! - treatment site: the request's `dump`, else `defaults.rounds.<material>.treatment_site`,
//!   else the first located site that accepts the material;
//! - depot: the request's, else `defaults.rounds.<material>.depot`, else the treatment site (the
//!   recycler runs the trucks: rounds start and end there);
//! - vehicle types and emission factors: the request's, else the territory's (its files, or the
//!   built-in copies when the folder has none);
//! - vehicle: the request's, else the manifest's (an error if it names a missing type), else
//!   boucle's built-in choice for the material, else the first type;
//! - service time per stop 15 min, unloading 20 min (`service_min`, `unload_min`).

use std::path::Path;

use super::answer::{DefaultKey, DefaultTaken, Origin};
use super::request::{FactorsSpec, RoundsRequest, VehiclesSpec};
use super::scenario::Timing;
use crate::error::{Error, Result};
use crate::territory::vehicles::{find_vehicle, read_emission_factors, read_vehicles};
use crate::territory::{
    DataOrigin, EmissionFactor, Material, Place, Territory, Vehicle, VehicleChoice,
};

/// Service time at a stop when the manifest gives none, minutes.
pub const DEFAULT_SERVICE_MIN: f64 = 15.0;
/// Unloading time at the treatment site when the manifest gives none, minutes.
pub const DEFAULT_UNLOAD_MIN: f64 = 20.0;

/// Everything a plan needs besides the holders, with the defaults taken.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The treatment site.
    pub dump: Place,
    /// The depot.
    pub depot: Place,
    /// The fleet: the primary type first.
    pub fleet: Vec<Vehicle>,
    /// Every vehicle type available (the request's list, else the territory's): the baseline
    /// takes the smallest that carries each company's quantity.
    pub types: Vec<Vehicle>,
    /// The treatment site of the baseline: the material's default, whatever the request's
    /// `dump` (the request's when the territory has no default).
    pub baseline_dump: Place,
    /// The emission factors.
    pub factors: Vec<EmissionFactor>,
    /// Service and unloading times.
    pub timing: Timing,
    /// The defaults taken, in the order they were resolved.
    pub used: Vec<DefaultTaken>,
}

/// Resolve the settings of a plan of `material` for `req`.
pub fn resolve(t: &Territory, material: &Material, req: &RoundsRequest) -> Result<Settings> {
    let slug = material.slug.as_str();
    let mut used = Vec::new();
    let dump = treatment_site(t, slug, req.dump.as_deref(), &mut used)?;
    let depot = depot(t, slug, req.depot.as_deref(), &dump, &mut used)?;
    let (types, own) = vehicle_types(t, req.vehicles.as_ref(), &mut used)?;
    let fleet = fleet(t, slug, &types, own, req.vehicle.as_deref(), &mut used)?;
    let factors = emission_factors(t, req.factors.as_ref(), &mut used)?;
    let timing = timing(t, slug, &mut used);
    let baseline_dump = match req.dump {
        Some(_) => treatment_site(t, slug, None, &mut Vec::new()).unwrap_or_else(|_| dump.clone()),
        None => dump.clone(),
    };
    Ok(Settings {
        dump,
        depot,
        fleet,
        types,
        baseline_dump,
        factors,
        timing,
        used,
    })
}

/// The place set by `defaults.rounds.<material>.<key>`, if any, recorded in `used`.
fn manifest_place(
    t: &Territory,
    material: &str,
    key: DefaultKey,
    what: &str,
    used: &mut Vec<DefaultTaken>,
) -> Result<Option<Place>> {
    let d = t.manifest.defaults.rounds.get(material);
    let (name, spec) = match key {
        DefaultKey::Depot => ("depot", d.and_then(|d| d.depot.as_deref())),
        _ => (
            "treatment_site",
            d.and_then(|d| d.treatment_site.as_deref()),
        ),
    };
    let Some(spec) = spec else {
        return Ok(None);
    };
    let p = t.place(spec, what)?;
    let setting = format!("defaults.rounds.{material}.{name}");
    used.push(
        DefaultTaken::new(
            key,
            spec,
            Origin::Manifest,
            format!("{what}: {spec} ({}) (territory.toml {setting})", p.name),
        )
        .named(&p.name)
        .setting(setting),
    );
    Ok(Some(p))
}

/// The treatment site: `wanted`, else the manifest's, else the first located site accepting
/// the material.
pub fn treatment_site(
    t: &Territory,
    material: &str,
    wanted: Option<&str>,
    used: &mut Vec<DefaultTaken>,
) -> Result<Place> {
    const WHAT: &str = "treatment site";
    if let Some(w) = wanted {
        return t.place(w, WHAT);
    }
    if let Some(p) = manifest_place(t, material, DefaultKey::TreatmentSite, WHAT, used)? {
        return Ok(p);
    }
    let (s, position) = t
        .sites
        .iter()
        .find_map(|s| {
            s.position
                .filter(|_| s.accepts.iter().any(|a| a == material))
                .map(|p| (s, p))
        })
        .ok_or_else(|| {
            Error::Invalid(format!(
                "no located treatment site accepts `{material}`: pass a dump (site id or LON,LAT)"
            ))
        })?;
    used.push(
        DefaultTaken::new(
            DefaultKey::TreatmentSite,
            &s.id,
            Origin::FirstLocatedSite,
            format!(
                "treatment site: {} ({}) (first located site accepting {material})",
                s.id, s.name
            ),
        )
        .named(&s.name),
    );
    Ok(Place {
        id: s.id.clone(),
        name: s.name.clone(),
        position,
    })
}

/// The depot: `wanted`, else the manifest's, else the treatment site `dump`.
pub fn depot(
    t: &Territory,
    material: &str,
    wanted: Option<&str>,
    dump: &Place,
    used: &mut Vec<DefaultTaken>,
) -> Result<Place> {
    if let Some(w) = wanted {
        return t.place(w, "depot");
    }
    if let Some(p) = manifest_place(t, material, DefaultKey::Depot, "depot", used)? {
        return Ok(p);
    }
    used.push(
        DefaultTaken::new(
            DefaultKey::Depot,
            &dump.id,
            Origin::TreatmentSite,
            format!(
                "depot: the treatment site {} (rounds start and end at the recycler)",
                dump.id
            ),
        )
        .named(&dump.name),
    );
    Ok(dump.clone())
}

/// Most vehicle types or emission factors given inline in a request.
pub const MAX_INLINE_TYPES: usize = 100;

/// The vehicle types of the request, else the territory's; `true` when they are the
/// territory's own.
pub fn vehicle_types(
    t: &Territory,
    spec: Option<&VehiclesSpec>,
    used: &mut Vec<DefaultTaken>,
) -> Result<(Vec<Vehicle>, bool)> {
    match spec {
        Some(VehiclesSpec::Inline(v)) if !v.is_empty() => {
            if v.len() > MAX_INLINE_TYPES {
                return Err(Error::Invalid(format!(
                    "`vehicles`: {} vehicle types, at most {MAX_INLINE_TYPES}",
                    v.len()
                )));
            }
            for (i, x) in v.iter().enumerate() {
                x.validate().map_err(|(field, m)| {
                    Error::Invalid(format!("`vehicles[{i}].{field}` (vehicle `{}`): {m}", x.id))
                })?;
            }
            Ok((v.clone(), false))
        }
        Some(VehiclesSpec::Inline(_)) => Err(Error::Invalid("empty list of vehicles".into())),
        Some(VehiclesSpec::File(p)) => Ok((read_vehicles(Path::new(p))?, false)),
        None => {
            used.push(match &t.vehicles.origin {
                DataOrigin::TerritoryFile(file) => DefaultTaken::new(
                    DefaultKey::VehicleTypes,
                    file,
                    Origin::TerritoryFile,
                    format!("vehicle types: {file} of the territory folder"),
                ),
                DataOrigin::Builtin => DefaultTaken::new(
                    DefaultKey::VehicleTypes,
                    "vehicles.csv",
                    Origin::Builtin,
                    "vehicle types: built-in defaults (no vehicles.csv in the territory)".into(),
                ),
            });
            Ok((t.vehicles.types.clone(), true))
        }
    }
}

/// The fleet: the types listed in `wanted` (comma-separated, the first is the primary one),
/// else the material's default vehicle.
pub fn fleet(
    t: &Territory,
    material: &str,
    types: &[Vehicle],
    own_types: bool,
    wanted: Option<&str>,
    used: &mut Vec<DefaultTaken>,
) -> Result<Vec<Vehicle>> {
    let wanted: Vec<&str> = wanted
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let primary = match wanted.first() {
        Some(id) => find_vehicle(types, id)?.clone(),
        None => {
            let (v, choice) = t.default_vehicle(material, types, own_types)?;
            used.push(match choice {
                VehicleChoice::Manifest => {
                    let setting = format!("defaults.rounds.{material}.vehicle");
                    DefaultTaken::new(
                        DefaultKey::Vehicle,
                        &v.id,
                        Origin::Manifest,
                        format!("vehicle: {} (territory.toml {setting})", v.id),
                    )
                    .setting(setting)
                }
                VehicleChoice::Builtin => DefaultTaken::new(
                    DefaultKey::Vehicle,
                    &v.id,
                    Origin::Builtin,
                    format!("vehicle: {} (built-in default for {material})", v.id),
                ),
                VehicleChoice::FirstType => DefaultTaken::new(
                    DefaultKey::Vehicle,
                    &v.id,
                    Origin::FirstType,
                    format!("vehicle: {} (first vehicle type)", v.id),
                ),
            });
            v.clone()
        }
    };
    let mut fleet = vec![primary];
    for id in wanted.iter().skip(1) {
        let v = find_vehicle(types, id)?.clone();
        if !fleet.iter().any(|f| f.id == v.id) {
            fleet.push(v);
        }
    }
    Ok(fleet)
}

/// The emission factors of the request, else the territory's.
pub fn emission_factors(
    t: &Territory,
    spec: Option<&FactorsSpec>,
    used: &mut Vec<DefaultTaken>,
) -> Result<Vec<EmissionFactor>> {
    match spec {
        Some(FactorsSpec::Inline(v)) => {
            if v.len() > MAX_INLINE_TYPES {
                return Err(Error::Invalid(format!(
                    "`factors`: {} emission factors, at most {MAX_INLINE_TYPES}",
                    v.len()
                )));
            }
            for (i, x) in v.iter().enumerate() {
                x.validate().map_err(|(field, m)| {
                    Error::Invalid(format!(
                        "`factors[{i}].{field}` (class `{}`): {m}",
                        x.vehicle_class
                    ))
                })?;
            }
            Ok(v.clone())
        }
        Some(FactorsSpec::File(p)) => read_emission_factors(Path::new(p)),
        None => {
            used.push(match &t.emission_factors.origin {
                DataOrigin::TerritoryFile(file) => DefaultTaken::new(
                    DefaultKey::EmissionFactors,
                    file,
                    Origin::TerritoryFile,
                    format!("emission factors: {file} of the territory folder"),
                ),
                DataOrigin::Builtin => DefaultTaken::new(
                    DefaultKey::EmissionFactors,
                    "emission_factors.csv",
                    Origin::Builtin,
                    "emission factors: built-in defaults (no emission_factors.csv in the territory)"
                        .into(),
                ),
            });
            Ok(t.emission_factors.factors.clone())
        }
    }
}

/// Service and unloading times: the manifest's, else 15 and 20 minutes.
pub fn timing(t: &Territory, material: &str, used: &mut Vec<DefaultTaken>) -> Timing {
    let d = t.manifest.defaults.rounds.get(material);
    let service_min = d.and_then(|d| d.service_min).unwrap_or_else(|| {
        used.push(DefaultTaken::new(
            DefaultKey::ServiceTime,
            "15",
            Origin::Builtin,
            "service time per stop: 15 min".into(),
        ));
        DEFAULT_SERVICE_MIN
    });
    let unload_min = d.and_then(|d| d.unload_min).unwrap_or_else(|| {
        used.push(DefaultTaken::new(
            DefaultKey::UnloadTime,
            "20",
            Origin::Builtin,
            "unloading time at the treatment site: 20 min".into(),
        ));
        DEFAULT_UNLOAD_MIN
    });
    Timing {
        service_s: service_min * 60.0,
        unload_s: unload_min * 60.0,
    }
}
