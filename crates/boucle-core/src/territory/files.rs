//! Reading and writing the files of a territory folder. Each reader returns records and the
//! problems it found (file, line or feature, field), so that `boucle check` can list them all.

use std::path::Path;

use geo::{MultiPolygon, Point};
use geojson::{GeometryValue, JsonObject, JsonValue};

use crate::error::{InputError, Result};
use crate::io::atomic::write_atomic;
use crate::io::csv::{CsvTable, Row, fmt_num, fmt_opt, to_csv_bytes};
use crate::io::geojson::{
    RawFeature, collection_string, feature, read_features, round_multipolygon,
};

use super::model::*;

/// Column order of `parks.csv`.
pub const PARK_COLUMNS: &[&str] = &[
    "id",
    "name",
    "insee",
    "communes",
    "epci_siren",
    "lon",
    "lat",
    "precision",
    "area_ha",
    "free_ha",
    "companies",
    "jobs",
    "in_territory",
    "remarks",
    "source",
    "confidence",
];
/// Column order of `sites.csv`.
pub const SITE_COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "insee",
    "address",
    "operator",
    "accepts",
    "lon",
    "lat",
    "precision",
    "remarks",
    "source",
    "confidence",
];
/// Column order of `actors.csv`.
pub const ACTOR_COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "siret",
    "naf",
    "naf_verified",
    "naf_nomenclature",
    "sector",
    "insee",
    "address",
    "park_id",
    "employees",
    "lon",
    "lat",
    "precision",
    "score",
    "remarks",
    "source",
];
/// Column order of `flows.csv`.
pub const FLOW_COLUMNS: &[&str] = &[
    "holder",
    "material",
    "ewc_code",
    "direction",
    "quantity",
    "unit",
    "period",
    "collections_per_period",
    "estimate",
    "source",
];
/// Column order of `materials.csv`.
pub const MATERIAL_COLUMNS: &[&str] = &[
    "slug",
    "label_fr",
    "ewc_codes",
    "family",
    "unit",
    "kg_per_unit",
    "m3_per_unit",
    "synonyms_fr",
    "weights_source",
];

/// Records read from one file, with the problems found on the way.
#[derive(Debug)]
pub struct Read<T> {
    /// Records that parsed.
    pub records: Vec<T>,
    /// Problems (a record with a problem is skipped).
    pub errors: Vec<InputError>,
}

fn collect<T>(
    path: &Path,
    required: &[&str],
    parse: impl FnMut(&Row<'_>) -> Result<T, InputError>,
) -> Read<T> {
    collect_table(path, CsvTable::read_lenient(path, b',', required), parse)
}

/// Records of a comma-separated file given as bytes (read as if from `path`), each parsed by
/// `parse`, with every problem found.
pub(crate) fn collect_bytes<T>(
    path: &Path,
    bytes: &[u8],
    required: &[&str],
    parse: impl FnMut(&Row<'_>) -> Result<T, InputError>,
) -> Read<T> {
    collect_table(
        path,
        CsvTable::from_bytes_lenient(path, bytes, b',', required),
        parse,
    )
}

fn collect_table<T>(
    path: &Path,
    table: Result<CsvTable>,
    mut parse: impl FnMut(&Row<'_>) -> Result<T, InputError>,
) -> Read<T> {
    match table {
        Err(e) => Read {
            records: Vec::new(),
            errors: e.into_input_errors(path),
        },
        Ok(table) => {
            let mut records = Vec::new();
            let mut errors = table.row_errors.clone();
            for row in table.iter() {
                match parse(&row) {
                    Ok(r) => records.push(r),
                    Err(e) => errors.push(e),
                }
            }
            Read { records, errors }
        }
    }
}

fn precision(row: &Row<'_>, position: &Option<Point<f64>>) -> Result<Precision, InputError> {
    let raw = row.get("precision");
    let p = Precision::parse(raw).ok_or_else(|| {
        row.error(
            "precision",
            format!("unknown precision `{raw}` (manual, housenumber, sirene, street, park, commune, unknown)"),
        )
    })?;
    match (p, position) {
        (Precision::Unknown, Some(_)) => {
            Err(row.error("precision", "`unknown` precision but a position is given"))
        }
        (p, None) if p != Precision::Unknown => Err(row.error(
            "lon",
            format!("precision `{}` but no position (lon/lat empty)", p.as_str()),
        )),
        (p, _) => Ok(p),
    }
}

/// Read `parks.csv`.
pub fn read_parks(path: &Path) -> Read<Park> {
    collect(path, &["id", "name", "lon", "lat", "precision"], |row| {
        let position = row.lonlat("lon", "lat")?;
        Ok(Park {
            id: row.required("id")?,
            name: row.required("name")?,
            insee: row.optional("insee"),
            communes: row.list("communes"),
            epci_siren: row.optional("epci_siren"),
            precision: precision(row, &position)?,
            position,
            area_ha: row.f64_opt("area_ha")?,
            free_ha: row.f64_opt("free_ha")?,
            companies: row.optional("companies"),
            jobs: row.optional("jobs"),
            in_territory: row.bool_or("in_territory", true)?,
            remarks: row.get("remarks").to_owned(),
            source: row.required("source")?,
            confidence: row.get("confidence").to_owned(),
            outline: None,
            cnig: None,
        })
    })
}

/// Read `sites.csv`.
pub fn read_sites(path: &Path) -> Read<Site> {
    collect(path, &["id", "name", "lon", "lat", "precision"], |row| {
        let position = row.lonlat("lon", "lat")?;
        Ok(Site {
            id: row.required("id")?,
            name: row.required("name")?,
            kind: row.get("kind").to_owned(),
            insee: row.optional("insee"),
            address: row.optional("address"),
            operator: row.get("operator").to_owned(),
            accepts: row.list("accepts"),
            precision: precision(row, &position)?,
            position,
            remarks: row.get("remarks").to_owned(),
            source: row.required("source")?,
            confidence: row.get("confidence").to_owned(),
        })
    })
}

/// Read `actors.csv`.
pub fn read_actors(path: &Path) -> Read<Actor> {
    collect(
        path,
        &["id", "name", "kind", "insee", "lon", "lat", "precision"],
        |row| {
            let position = row.lonlat("lon", "lat")?;
            let kind = match row.get("kind") {
                "company" | "" => ActorKind::Company,
                "ess" => ActorKind::Ess,
                "public" => ActorKind::Public,
                other => {
                    return Err(row.error(
                        "kind",
                        format!("unknown kind `{other}` (company, ess, public)"),
                    ));
                }
            };
            let score = row.f64_opt("score")?;
            if let Some(s) = score
                && !(0.0..=1.0).contains(&s)
            {
                return Err(row.error("score", format!("score {s} outside [0, 1]")));
            }
            Ok(Actor {
                id: row.required("id")?,
                name: row.required("name")?,
                kind,
                siret: row.optional("siret"),
                naf: row.optional("naf"),
                naf_verified: row.bool_or("naf_verified", false)?,
                naf_nomenclature: row.optional("naf_nomenclature"),
                sector: row.get("sector").to_owned(),
                insee: row.optional("insee"),
                address: row.optional("address"),
                park_id: row.optional("park_id"),
                employees: row.optional("employees"),
                precision: precision(row, &position)?,
                position,
                score,
                remarks: row.get("remarks").to_owned(),
                source: row.required("source")?,
            })
        },
    )
}

/// Read `flows.csv`.
pub fn read_flows(path: &Path) -> Read<Flow> {
    collect(
        path,
        &[
            "holder",
            "material",
            "direction",
            "quantity",
            "unit",
            "period",
            "source",
        ],
        |row| {
            let direction = match row.get("direction") {
                "out" => Direction::Out,
                "in" => Direction::In,
                other => {
                    return Err(
                        row.error("direction", format!("`{other}` is neither `out` nor `in`"))
                    );
                }
            };
            let quantity = row.f64_req("quantity")?;
            if quantity < 0.0 {
                return Err(row.error("quantity", format!("negative quantity {quantity}")));
            }
            crate::limits::in_range(quantity, 0.0, crate::limits::MAX_QUANTITY)
                .map_err(|m| row.error("quantity", m))?;
            let raw = row.required("period")?;
            let period = super::Period::parse(&raw).ok_or_else(|| {
                row.error(
                    "period",
                    format!("`{raw}` is not a period ({})", super::Period::NAMES),
                )
            })?;
            let collections = row.f64_opt("collections_per_period")?;
            if let Some(c) = collections {
                if c <= 0.0 {
                    return Err(row.error("collections_per_period", "must be > 0"));
                }
                crate::limits::in_range(c, 0.0, crate::limits::MAX_COLLECTIONS_PER_PERIOD)
                    .map_err(|m| row.error("collections_per_period", m))?;
            }
            Ok(Flow {
                holder: row.required("holder")?,
                material: row.required("material")?,
                ewc_code: row.get("ewc_code").to_owned(),
                direction,
                quantity,
                unit: row.required("unit")?,
                period,
                collections_per_period: collections,
                estimate: row.bool_or("estimate", true)?,
                source: row.required("source")?,
            })
        },
    )
}

/// Read `materials.csv`.
pub fn read_materials(path: &Path) -> Read<Material> {
    collect(path, &["slug", "label_fr", "unit", "kg_per_unit"], |row| {
        let kg = row.f64_req("kg_per_unit")?;
        if kg <= 0.0 {
            return Err(row.error("kg_per_unit", "must be > 0"));
        }
        crate::limits::in_range(kg, 0.0, crate::limits::MAX_KG_PER_UNIT)
            .map_err(|m| row.error("kg_per_unit", m))?;
        let m3_per_unit = row.f64_opt("m3_per_unit")?;
        if let Some(v) = m3_per_unit {
            crate::limits::in_range(v, 0.0, crate::limits::MAX_CAPACITY_M3)
                .map_err(|m| row.error("m3_per_unit", m))?;
        }
        Ok(Material {
            slug: row.required("slug")?,
            label_fr: row.required("label_fr")?,
            ewc_codes: row.list("ewc_codes"),
            family: row.get("family").to_owned(),
            unit: row.required("unit")?,
            kg_per_unit: kg,
            m3_per_unit,
            synonyms_fr: row.list("synonyms_fr"),
            weights_source: row.get("weights_source").to_owned(),
        })
    })
}

/// Read `communes.geojson`.
pub fn read_communes(path: &Path) -> Read<Commune> {
    let features = match read_features(path, "insee") {
        Ok(f) => f,
        Err(e) => {
            return Read {
                records: Vec::new(),
                errors: e.into_input_errors(path),
            };
        }
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for f in &features {
        let parsed = (|| -> Result<Commune, InputError> {
            let geometry = f.multipolygon()?;
            let point = match f.properties.get("point") {
                Some(JsonValue::Array(a)) if a.len() == 2 => match (a[0].as_f64(), a[1].as_f64()) {
                    (Some(x), Some(y)) => Point::new(x, y),
                    _ => return Err(f.error(Some("point"), "expected [lon, lat]")),
                },
                None => representative_point(&geometry)
                    .ok_or_else(|| f.error(Some("geometry"), "empty geometry"))?,
                Some(_) => return Err(f.error(Some("point"), "expected [lon, lat]")),
            };
            let insee = f.str_prop("insee")?;
            if insee.len() != 5 || !insee.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(f.error(Some("insee"), format!("`{insee}` is not an INSEE code")));
            }
            Ok(Commune {
                insee,
                name: f.str_prop("name")?,
                epci_siren: f.str_prop("epci_siren")?,
                population: f.u64_prop("population")?,
                postcodes: f.list_prop("postcodes"),
                geometry,
                point,
                source: f.str_prop_opt("source").unwrap_or_default(),
                former_communes: former_communes(f)?,
                population_vintage: f.str_prop_opt("population_vintage").unwrap_or_default(),
            })
        })();
        match parsed {
            Ok(c) => records.push(c),
            Err(e) => errors.push(e),
        }
    }
    Read { records, errors }
}

/// The optional `former_communes` property of a commune: an array of `{"insee", "name"}`.
fn former_communes(f: &RawFeature) -> Result<Vec<FormerCommune>, InputError> {
    let Some(v) = f.properties.get("former_communes") else {
        return Ok(Vec::new());
    };
    let bad = || {
        f.error(
            Some("former_communes"),
            "expected an array of {\"insee\": \"68314\", \"name\": \"…\"}",
        )
    };
    let JsonValue::Array(items) = v else {
        return Err(bad());
    };
    if items.len() > 100 {
        return Err(f.error(Some("former_communes"), "more than 100 former communes"));
    }
    items
        .iter()
        .map(|it| {
            let get = |k: &str| it.get(k).and_then(JsonValue::as_str).map(str::to_owned);
            match (get("insee"), get("name")) {
                (Some(insee), Some(name))
                    if insee.len() == 5 && insee.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    Ok(FormerCommune { insee, name })
                }
                _ => Err(bad()),
            }
        })
        .collect()
}

/// Read `epci.geojson`.
pub fn read_epcis(path: &Path) -> Read<Epci> {
    let features = match read_features(path, "siren") {
        Ok(f) => f,
        Err(e) => {
            return Read {
                records: Vec::new(),
                errors: e.into_input_errors(path),
            };
        }
    };
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for f in &features {
        let parsed = (|| -> Result<Epci, InputError> {
            Ok(Epci {
                siren: f.str_prop("siren")?,
                name: f.str_prop("name")?,
                members: f.list_prop("members"),
                population: f.u64_prop("population")?,
                geometry: f.multipolygon()?,
                source: f.str_prop_opt("source").unwrap_or_default(),
            })
        })();
        match parsed {
            Ok(c) => records.push(c),
            Err(e) => errors.push(e),
        }
    }
    Read { records, errors }
}

/// Read the territory outline (first feature of the file).
pub fn read_outline(path: &Path) -> Read<MultiPolygon<f64>> {
    match read_features(path, "name") {
        Err(e) => Read {
            records: Vec::new(),
            errors: e.into_input_errors(path),
        },
        Ok(f) => match f.first().map(|f| f.multipolygon()) {
            Some(Ok(mp)) => Read {
                records: vec![mp],
                errors: Vec::new(),
            },
            Some(Err(e)) => Read {
                records: Vec::new(),
                errors: vec![e],
            },
            None => Read {
                records: Vec::new(),
                errors: vec![InputError::new(
                    path,
                    crate::error::Location::File,
                    None,
                    "no feature",
                )],
            },
        },
    }
}

/// A point inside a (multi)polygon: the interior point of its largest part.
pub fn representative_point(mp: &MultiPolygon<f64>) -> Option<Point<f64>> {
    use geo::{Area, InteriorPoint};
    mp.0.iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
        .and_then(|p| p.interior_point())
}

fn lonlat_cells(p: &Option<Point<f64>>) -> (String, String) {
    match p {
        Some(p) => (fmt_num(p.x()), fmt_num(p.y())),
        None => (String::new(), String::new()),
    }
}

/// Write `parks.csv` atomically.
pub fn write_parks(path: &Path, parks: &[Park]) -> Result<()> {
    let rows: Vec<Vec<String>> = parks
        .iter()
        .map(|p| {
            let (lon, lat) = lonlat_cells(&p.position);
            vec![
                p.id.clone(),
                p.name.clone(),
                p.insee.clone().unwrap_or_default(),
                p.communes.join(";"),
                p.epci_siren.clone().unwrap_or_default(),
                lon,
                lat,
                p.precision.as_str().to_owned(),
                fmt_opt(p.area_ha),
                fmt_opt(p.free_ha),
                p.companies.clone().unwrap_or_default(),
                p.jobs.clone().unwrap_or_default(),
                p.in_territory.to_string(),
                p.remarks.clone(),
                p.source.clone(),
                p.confidence.clone(),
            ]
        })
        .collect();
    write_atomic(path, &to_csv_bytes(PARK_COLUMNS, &rows)?)
}

/// Write `sites.csv` atomically.
pub fn write_sites(path: &Path, sites: &[Site]) -> Result<()> {
    let rows: Vec<Vec<String>> = sites
        .iter()
        .map(|s| {
            let (lon, lat) = lonlat_cells(&s.position);
            vec![
                s.id.clone(),
                s.name.clone(),
                s.kind.clone(),
                s.insee.clone().unwrap_or_default(),
                s.address.clone().unwrap_or_default(),
                s.operator.clone(),
                s.accepts.join(";"),
                lon,
                lat,
                s.precision.as_str().to_owned(),
                s.remarks.clone(),
                s.source.clone(),
                s.confidence.clone(),
            ]
        })
        .collect();
    write_atomic(path, &to_csv_bytes(SITE_COLUMNS, &rows)?)
}

/// Write `actors.csv` atomically.
pub fn write_actors_file(path: &Path, actors: &[Actor]) -> Result<()> {
    let rows: Vec<Vec<String>> = actors
        .iter()
        .map(|a| {
            let (lon, lat) = lonlat_cells(&a.position);
            vec![
                a.id.clone(),
                a.name.clone(),
                a.kind.as_str().to_owned(),
                a.siret.clone().unwrap_or_default(),
                a.naf.clone().unwrap_or_default(),
                a.naf_verified.to_string(),
                a.naf_nomenclature.clone().unwrap_or_default(),
                a.sector.clone(),
                a.insee.clone().unwrap_or_default(),
                a.address.clone().unwrap_or_default(),
                a.park_id.clone().unwrap_or_default(),
                a.employees.clone().unwrap_or_default(),
                lon,
                lat,
                a.precision.as_str().to_owned(),
                fmt_opt(a.score),
                a.remarks.clone(),
                a.source.clone(),
            ]
        })
        .collect();
    write_atomic(path, &to_csv_bytes(ACTOR_COLUMNS, &rows)?)
}

/// Write `flows.csv` atomically.
pub fn write_flows(path: &Path, flows: &[Flow]) -> Result<()> {
    let rows: Vec<Vec<String>> = flows
        .iter()
        .map(|f| {
            vec![
                f.holder.clone(),
                f.material.clone(),
                f.ewc_code.clone(),
                f.direction.as_str().to_owned(),
                fmt_num(f.quantity),
                f.unit.clone(),
                f.period.as_str().to_owned(),
                fmt_opt(f.collections_per_period),
                f.estimate.to_string(),
                f.source.clone(),
            ]
        })
        .collect();
    write_atomic(path, &to_csv_bytes(FLOW_COLUMNS, &rows)?)
}

/// Write `materials.csv` atomically.
pub fn write_materials(path: &Path, materials: &[Material]) -> Result<()> {
    let rows: Vec<Vec<String>> = materials
        .iter()
        .map(|m| {
            vec![
                m.slug.clone(),
                m.label_fr.clone(),
                m.ewc_codes.join(";"),
                m.family.clone(),
                m.unit.clone(),
                fmt_num(m.kg_per_unit),
                fmt_opt(m.m3_per_unit),
                m.synonyms_fr.join(";"),
                m.weights_source.clone(),
            ]
        })
        .collect();
    write_atomic(path, &to_csv_bytes(MATERIAL_COLUMNS, &rows)?)
}

fn props(pairs: Vec<(&str, JsonValue)>) -> JsonObject {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Write `communes.geojson` atomically (coordinates rounded to 1e-7°).
pub fn write_communes(path: &Path, communes: &[Commune], epcis: &[Epci]) -> Result<()> {
    let features = communes
        .iter()
        .map(|c| {
            let epci_name = epcis
                .iter()
                .find(|e| e.siren == c.epci_siren)
                .map(|e| e.name.clone())
                .unwrap_or_default();
            feature(
                GeometryValue::from(&round_multipolygon(&c.geometry, 7)),
                props(vec![
                    ("insee", c.insee.clone().into()),
                    ("name", c.name.clone().into()),
                    ("epci_siren", c.epci_siren.clone().into()),
                    ("epci_name", epci_name.into()),
                    ("population", c.population.into()),
                    ("postcodes", c.postcodes.clone().into()),
                    (
                        "point",
                        vec![round7(c.point.x()), round7(c.point.y())].into(),
                    ),
                    ("population_vintage", c.population_vintage.clone().into()),
                    (
                        "former_communes",
                        c.former_communes
                            .iter()
                            .map(|f| serde_json::json!({"insee": f.insee, "name": f.name}))
                            .collect::<Vec<_>>()
                            .into(),
                    ),
                    ("source", c.source.clone().into()),
                ]),
            )
        })
        .collect();
    write_atomic(path, collection_string(features)?.as_bytes())
}

/// Write `epci.geojson` atomically.
pub fn write_epcis(path: &Path, epcis: &[Epci]) -> Result<()> {
    let features = epcis
        .iter()
        .map(|e| {
            feature(
                GeometryValue::from(&round_multipolygon(&e.geometry, 7)),
                props(vec![
                    ("siren", e.siren.clone().into()),
                    ("name", e.name.clone().into()),
                    ("members", e.members.clone().into()),
                    ("population", e.population.into()),
                    ("source", e.source.clone().into()),
                ]),
            )
        })
        .collect();
    write_atomic(path, collection_string(features)?.as_bytes())
}

/// Write the outline file atomically.
pub fn write_outline(
    path: &Path,
    name: &str,
    outline: &MultiPolygon<f64>,
    population: u64,
    communes: usize,
    source: &str,
) -> Result<()> {
    let f = feature(
        GeometryValue::from(&round_multipolygon(outline, 7)),
        props(vec![
            ("name", name.into()),
            ("communes", communes.into()),
            ("population", population.into()),
            ("source", source.into()),
        ]),
    );
    write_atomic(path, collection_string(vec![f])?.as_bytes())
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}
