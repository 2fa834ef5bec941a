//! The map layers as GeoJSON FeatureCollections (RFC 7946, lon/lat), built from the territory.
//!
//! Confidentiality: company-level flow quantities appear only in the officer's view. The public
//! view shows, per commune, intercommunality and business park, aggregates of a material only
//! where at least the territory's `min_contributors` actors (default [`MIN_CONTRIBUTORS`])
//! contribute and where no difference with another published aggregate isolates fewer (see
//! [`public_mask`]), rounded to two significant digits; elsewhere the quantity is `null`.

use std::collections::{BTreeMap, HashMap};

use geo::{Coord, LineString, MultiPolygon, Point};
use serde_json::{Map, Value, json};

use crate::disclosure::{Contributors, Rule, coarsen};
use crate::territory::{Actor, Direction, Flow, Territory};

/// Smallest number of contributing actors for a public aggregate quantity.
pub use crate::territory::MIN_CONTRIBUTORS;

/// Names of the layers served at `/api/layers/{name}.geojson`.
pub const LAYERS: &[&str] = &["communes", "epci", "territory", "parks", "sites", "actors"];

/// Layers whose public version does not depend on query parameters (serialised once).
pub const PUBLIC_STATIC: &[&str] = &["communes", "epci", "territory", "parks", "sites", "actors"];

/// Filters of the actors layer (`?material=…&epci=…`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorFilter {
    /// Only actors with a flow of this material slug.
    pub material: Option<String>,
    /// Only actors in a commune of this intercommunality (SIREN).
    pub epci: Option<String>,
}

impl ActorFilter {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.material.is_none() && self.epci.is_none()
    }
}

/// The layer `name`, in the officer's view when `officer`; `None` for an unknown name.
pub fn layer(t: &Territory, name: &str, filter: &ActorFilter, officer: bool) -> Option<Value> {
    let features = match name {
        "communes" => communes(t, officer),
        "epci" => epcis(t, officer),
        "territory" => vec![feature(
            multipolygon(&t.outline),
            json!({
                "name": t.manifest.name,
                "communes": t.communes.len(),
                "population": t.population(),
                "source": "dissolved by boucle from the communes (IGN ADMIN EXPRESS)",
            }),
        )],
        "parks" => parks(t, officer),
        "sites" => sites(t),
        "actors" => return Some(actors(t, filter, officer)),
        _ => return None,
    };
    Some(collection(features, Map::new()))
}

fn collection(features: Vec<Value>, extra: Map<String, Value>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "FeatureCollection".into());
    m.extend(extra);
    m.insert("features".into(), Value::Array(features));
    Value::Object(m)
}

fn feature(geometry: Value, properties: Value) -> Value {
    json!({ "type": "Feature", "geometry": geometry, "properties": properties })
}

fn ring(ls: &LineString<f64>) -> Value {
    Value::Array(
        ls.coords()
            .map(|c: &Coord<f64>| json!([c.x, c.y]))
            .collect(),
    )
}

/// A GeoJSON MultiPolygon geometry.
pub fn multipolygon(mp: &MultiPolygon<f64>) -> Value {
    let polys: Vec<Value> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Value::Array(rings)
            })
            .collect();
    json!({ "type": "MultiPolygon", "coordinates": polys })
}

/// A GeoJSON Point geometry.
pub fn point(p: Point<f64>) -> Value {
    json!({ "type": "Point", "coordinates": [p.x(), p.y()] })
}

/// Flows per holder id.
fn flows_by_holder(t: &Territory) -> HashMap<&str, Vec<&Flow>> {
    let mut m: HashMap<&str, Vec<&Flow>> = HashMap::new();
    for f in &t.flows {
        m.entry(f.holder.as_str()).or_default().push(f);
    }
    m
}

fn per_year(f: &Flow) -> f64 {
    let k = match f.period.as_str() {
        "month" => 12.0,
        "week" => 52.0,
        "day" => 365.0,
        _ => 1.0,
    };
    f.quantity * k
}

/// A cell of an aggregate table: (material, direction, unit).
type Key = (String, String, String);

/// One aggregate: contributors (actor ids), total per year, whether any flow is an estimate.
#[derive(Debug, Clone, Default)]
struct Cell {
    contributors: Contributors,
    total: f64,
    estimate: bool,
}

/// The aggregates of the flows of `actors`, per material, direction and unit.
fn cells(by_holder: &HashMap<&str, Vec<&Flow>>, actors: &[&Actor]) -> BTreeMap<Key, Cell> {
    let mut acc: BTreeMap<Key, Cell> = BTreeMap::new();
    for a in actors {
        for f in by_holder.get(a.id.as_str()).into_iter().flatten() {
            let key = (
                f.material.clone(),
                f.direction.as_str().to_owned(),
                f.unit.clone(),
            );
            let e = acc.entry(key).or_default();
            e.contributors.insert(a.id.clone());
            e.total += per_year(f);
            e.estimate |= f.estimate;
        }
    }
    acc
}

/// The actors of each commune, intercommunality and located business park (the features of
/// the three layers that carry aggregates, in layer order).
struct Groups<'a> {
    communes: Vec<Vec<&'a Actor>>,
    epcis: Vec<Vec<&'a Actor>>,
    parks: Vec<Vec<&'a Actor>>,
}

fn groups(t: &Territory) -> Groups<'_> {
    Groups {
        communes: t
            .communes
            .iter()
            .map(|c| {
                t.actors
                    .iter()
                    .filter(|a| a.insee.as_deref() == Some(c.insee.as_str()))
                    .collect()
            })
            .collect(),
        epcis: t
            .epcis
            .iter()
            .map(|e| {
                t.actors
                    .iter()
                    .filter(|a| actor_epci(t, a) == Some(e.siren.as_str()))
                    .collect()
            })
            .collect(),
        parks: t
            .parks
            .iter()
            .map(|p| {
                t.actors
                    .iter()
                    .filter(|a| a.park_id.as_deref() == Some(p.id.as_str()))
                    .collect()
            })
            .collect(),
    }
}

/// Which public aggregates may be published, per layer (`communes`, `epci`, `parks`), feature
/// and cell, by the territory's disclosure rule ([`crate::disclosure`]): primary suppression
/// (fewer than k contributors), secondary suppression of the communes of each
/// intercommunality (the intercommunality's total minus its communes' must rest on none or at
/// least k actors), and of any published cell whose contributors are those of a larger one
/// but 1 to k − 1 (commune and park, park and intercommunality…), until nothing changes.
pub struct PublicMask {
    shown: std::collections::HashSet<(&'static str, usize, Key)>,
}

impl PublicMask {
    /// Whether the cell `key` of feature `index` of `layer` may be published.
    fn shows(&self, layer: &'static str, index: usize, key: &Key) -> bool {
        self.shown.contains(&(layer, index, key.clone()))
    }
}

/// The public mask of the territory's aggregates.
pub fn public_mask(t: &Territory) -> PublicMask {
    let rule = Rule::of(t);
    let by_holder = flows_by_holder(t);
    let g = groups(t);
    let mut all: Vec<(&'static str, usize, Key, Cell)> = Vec::new();
    for (layer, features) in [
        ("communes", &g.communes),
        ("epci", &g.epcis),
        ("parks", &g.parks),
    ] {
        for (i, actors) in features.iter().enumerate() {
            for (k, c) in cells(&by_holder, actors) {
                all.push((layer, i, k, c));
            }
        }
    }
    let mut on: Vec<bool> = all
        .iter()
        .map(|(_, _, _, c)| rule.allows(c.contributors.len()))
        .collect();
    let epci_of_commune: Vec<Option<usize>> = t
        .communes
        .iter()
        .map(|c| t.epcis.iter().position(|e| e.siren == c.epci_siren))
        .collect();
    loop {
        let before = on.clone();
        // Communes inside each published intercommunality cell.
        for (ei, e) in all.iter().enumerate() {
            if e.0 != "epci" || !on[ei] {
                continue;
            }
            let parts: Vec<usize> = (0..all.len())
                .filter(|&j| {
                    all[j].0 == "communes"
                        && all[j].2 == e.2
                        && epci_of_commune[all[j].1] == Some(e.1)
                })
                .collect();
            let sets: Vec<&Contributors> = parts.iter().map(|&j| &all[j].3.contributors).collect();
            for (j, keep) in parts
                .iter()
                .zip(rule.protect_parts(&e.3.contributors, &sets))
            {
                on[*j] &= keep;
            }
        }
        // Nested cells of the same material across layers.
        let mut keys: Vec<&Key> = all.iter().map(|x| &x.2).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let idx: Vec<usize> = (0..all.len()).filter(|&j| &all[j].2 == key).collect();
            let sets: Vec<&Contributors> = idx.iter().map(|&j| &all[j].3.contributors).collect();
            let mut flags: Vec<bool> = idx.iter().map(|&j| on[j]).collect();
            rule.protect_nested(&sets, &mut flags);
            for (j, f) in idx.iter().zip(flags) {
                on[*j] = f;
            }
        }
        if on == before {
            break;
        }
    }
    PublicMask {
        shown: all
            .into_iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|((l, i, k, _), _)| (l, i, k))
            .collect(),
    }
}

/// Aggregates of the flows of `actors`, per material and direction: contributors and, for the
/// officer or where `mask` allows, the total per year (rounded to two significant digits in
/// the public view).
fn aggregates(
    t: &Territory,
    by_holder: &HashMap<&str, Vec<&Flow>>,
    actors: &[&Actor],
    public: Option<(&PublicMask, &'static str, usize)>,
) -> Value {
    Value::Array(
        cells(by_holder, actors)
            .into_iter()
            .map(|(key, c)| {
                let quantity = match public {
                    None => json!((c.total * 100.0).round() / 100.0),
                    Some((mask, layer, i)) if mask.shows(layer, i, &key) => json!(coarsen(c.total)),
                    Some(_) => Value::Null,
                };
                let (material, direction, unit) = key;
                json!({
                    "label": t.material(&material).map(|m| m.label_fr.as_str()).unwrap_or(&material),
                    "material": material,
                    "direction": direction,
                    "unit": unit,
                    "period": "year",
                    "contributors": c.contributors.len(),
                    "quantity": quantity,
                    "estimate": c.estimate,
                })
            })
            .collect(),
    )
}

fn actor_epci<'a>(t: &'a Territory, a: &Actor) -> Option<&'a str> {
    a.insee
        .as_deref()
        .and_then(|i| t.commune(i))
        .map(|c| c.epci_siren.as_str())
}

fn communes(t: &Territory, officer: bool) -> Vec<Value> {
    let by_holder = flows_by_holder(t);
    let g = groups(t);
    let mask = (!officer).then(|| public_mask(t));
    t.communes
        .iter()
        .zip(g.communes)
        .enumerate()
        .map(|(i, (c, actors))| {
            let flows: usize = actors
                .iter()
                .map(|a| by_holder.get(a.id.as_str()).map_or(0, Vec::len))
                .sum();
            feature(
                multipolygon(&c.geometry),
                json!({
                    "insee": c.insee,
                    "name": c.name,
                    "epci_siren": c.epci_siren,
                    "epci_name": t.epci(&c.epci_siren).map(|e| e.name.as_str()),
                    "population": c.population,
                    "population_vintage": c.population_vintage,
                    "former_communes": c.former_communes,
                    "postcodes": c.postcodes,
                    "point": [c.point.x(), c.point.y()],
                    "actors": actors.len(),
                    "sites": t.sites.iter().filter(|s| s.insee.as_deref() == Some(c.insee.as_str())).count(),
                    "flows": flows,
                    "aggregates": aggregates(t, &by_holder, &actors, mask.as_ref().map(|m| (m, "communes", i))),
                    "source": c.source,
                }),
            )
        })
        .collect()
}

fn epcis(t: &Territory, officer: bool) -> Vec<Value> {
    let by_holder = flows_by_holder(t);
    let g = groups(t);
    let mask = (!officer).then(|| public_mask(t));
    t.epcis
        .iter()
        .zip(g.epcis)
        .enumerate()
        .map(|(i, (e, actors))| {
            feature(
                multipolygon(&e.geometry),
                json!({
                    "siren": e.siren,
                    "name": e.name,
                    "members": e.members.len(),
                    "population": e.population,
                    "actors": actors.len(),
                    "aggregates": aggregates(t, &by_holder, &actors, mask.as_ref().map(|m| (m, "epci", i))),
                    "source": e.source,
                }),
            )
        })
        .collect()
}

fn parks(t: &Territory, officer: bool) -> Vec<Value> {
    let by_holder = flows_by_holder(t);
    let g = groups(t);
    let mask = (!officer).then(|| public_mask(t));
    t.parks
        .iter()
        .zip(g.parks)
        .enumerate()
        .filter_map(|(i, (p, actors))| {
            let pos = p.position?;
            Some(feature(
                point(pos),
                json!({
                    "id": p.id,
                    "name": p.name,
                    "insee": p.insee,
                    "commune": p.insee.as_deref().and_then(|i| t.commune(i)).map(|c| c.name.as_str()),
                    "communes": p.communes,
                    "epci_siren": p.epci_siren,
                    "precision": p.precision.as_str(),
                    "area_ha": p.area_ha,
                    "free_ha": p.free_ha,
                    "companies": p.companies,
                    "jobs": p.jobs,
                    "in_territory": p.in_territory,
                    "remarks": p.remarks,
                    "source": p.source,
                    "confidence": p.confidence,
                    "actors": actors.len(),
                    "aggregates": aggregates(t, &by_holder, &actors, mask.as_ref().map(|m| (m, "parks", i))),
                }),
            ))
        })
        .collect()
}

fn sites(t: &Territory) -> Vec<Value> {
    t.sites
        .iter()
        .filter_map(|s| {
            let pos = s.position?;
            Some(feature(
                point(pos),
                json!({
                    "id": s.id,
                    "name": s.name,
                    "kind": s.kind,
                    "insee": s.insee,
                    "commune": s.insee.as_deref().and_then(|i| t.commune(i)).map(|c| c.name.as_str()),
                    "address": s.address,
                    "operator": s.operator,
                    "accepts": s.accepts,
                    "accepts_labels": s.accepts.iter().map(|m| t.material(m).map(|m| m.label_fr.as_str()).unwrap_or(m)).collect::<Vec<_>>(),
                    "precision": s.precision.as_str(),
                    "remarks": s.remarks,
                    "source": s.source,
                    "confidence": s.confidence,
                }),
            ))
        })
        .collect()
}

fn actors(t: &Territory, filter: &ActorFilter, officer: bool) -> Value {
    let by_holder = flows_by_holder(t);
    let mut unlocated = Vec::new();
    let mut features = Vec::new();
    for a in &t.actors {
        let flows: &[&Flow] = by_holder.get(a.id.as_str()).map_or(&[], Vec::as_slice);
        if let Some(m) = &filter.material
            && !flows.iter().any(|f| &f.material == m)
        {
            continue;
        }
        let epci = actor_epci(t, a);
        if let Some(e) = &filter.epci
            && epci != Some(e.as_str())
        {
            continue;
        }
        let Some(pos) = a.position else {
            unlocated.push(json!({
                "id": a.id,
                "name": a.name,
                "commune": a.insee.as_deref().and_then(|i| t.commune(i)).map(|c| c.name.as_str()),
            }));
            continue;
        };
        let mut materials: Vec<Value> = Vec::new();
        for f in flows {
            let v = json!({
                "material": f.material,
                "label": t.material(&f.material).map(|m| m.label_fr.as_str()).unwrap_or(&f.material),
                "direction": f.direction.as_str(),
            });
            if !materials.contains(&v) {
                materials.push(v);
            }
        }
        let mut props = json!({
            "id": a.id,
            "name": a.name,
            "kind": a.kind.as_str(),
            "siret": a.siret,
            "naf": a.naf,
            "naf_verified": a.naf_verified,
            "sector": a.sector,
            "insee": a.insee,
            "commune": a.insee.as_deref().and_then(|i| t.commune(i)).map(|c| c.name.as_str()),
            "epci_siren": epci,
            "park_id": a.park_id,
            "park": a.park_id.as_deref().and_then(|p| t.park(p)).map(|p| p.name.as_str()),
            "address": a.address,
            "employees": a.employees,
            "precision": a.precision.as_str(),
            "score": a.score,
            "remarks": a.remarks,
            "source": a.source,
            "materials": materials,
            "flows_estimate": flows.iter().any(|f| f.estimate),
        });
        if officer {
            props["flows"] = Value::Array(
                flows
                    .iter()
                    .map(|f| {
                        json!({
                            "material": f.material,
                            "ewc_code": f.ewc_code,
                            "direction": f.direction.as_str(),
                            "quantity": f.quantity,
                            "unit": f.unit,
                            "period": f.period,
                            "collections_per_period": f.collections_per_period,
                            "estimate": f.estimate,
                            "source": f.source,
                        })
                    })
                    .collect(),
            );
        }
        features.push(feature(point(pos), props));
    }
    let mut extra = Map::new();
    extra.insert("unlocated".into(), unlocated.len().into());
    // Who is missing from the map, so that the officer can place them (geocode or by hand).
    extra.insert("unlocated_actors".into(), Value::Array(unlocated));
    extra.insert("officer".into(), officer.into());
    collection(features, extra)
}

/// The flows of every actor and site (officer only): holder, material, quantity, source.
pub fn flows(t: &Territory) -> Value {
    Value::Array(
        t.flows
            .iter()
            .map(|f| {
                let name = t
                    .actor(&f.holder)
                    .map(|a| a.name.as_str())
                    .or_else(|| t.site(&f.holder).map(|s| s.name.as_str()));
                json!({
                    "holder": f.holder,
                    "holder_name": name,
                    "material": f.material,
                    "ewc_code": f.ewc_code,
                    "direction": match f.direction { Direction::Out => "out", Direction::In => "in" },
                    "quantity": f.quantity,
                    "unit": f.unit,
                    "period": f.period,
                    "collections_per_period": f.collections_per_period,
                    "estimate": f.estimate,
                    "source": f.source,
                })
            })
            .collect(),
    )
}
