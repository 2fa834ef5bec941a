//! The territory's parks as CNIG SITE-ECO records (and their plots as TERRAIN-ECO), as CSV
//! (`;`, the schema's column order, like the standard's own example) or GeoJSON.
//!
//! What boucle knows (name, commune, intercommunality, area, free land, companies, jobs,
//! position, outline) comes from the park; every other field is the value received at import,
//! unchanged. A park that never came from the standard gets `inconnu` in the required
//! vocabulary fields and an identifier built from its commune and id; required fields boucle
//! cannot know (usable area, dates) stay empty and are listed in [`Exported::warnings`].

use std::collections::BTreeMap;

use geo::{GeodesicArea, MultiPolygon};
use geojson::{Feature, GeometryValue, JsonObject, JsonValue};

use crate::error::{Error, Result};
use crate::io::csv::fmt_num;
use crate::io::geojson::{collection_string, round_multipolygon};
use crate::territory::Territory;
use crate::territory::model::{Park, Precision};

use super::read::{format_geopoint, parse_number};
use super::{CnigClass, FieldType};

/// Records ready to write.
#[derive(Debug, Clone)]
pub struct Exported {
    /// Class of the records.
    pub class: CnigClass,
    /// One map per record: field → value (missing fields absent); the outline field holds the
    /// GeoJSON geometry as text.
    pub rows: Vec<BTreeMap<String, String>>,
    /// Required fields left empty, and values derived rather than received, per park.
    pub warnings: Vec<String>,
}

/// A geometry as GeoJSON text, WGS84, 7 decimals, RFC 7946 ring orientation: a Polygon when
/// there is one part.
pub fn geometry_text(mp: &MultiPolygon<f64>) -> String {
    let mp = round_multipolygon(mp, 7);
    let value = if mp.0.len() == 1 {
        GeometryValue::from(&mp.0[0])
    } else {
        GeometryValue::from(&mp)
    };
    serde_json::to_string(&geojson::Geometry::new(value)).unwrap_or_default()
}

fn code_of(p: &Park) -> String {
    p.insee
        .clone()
        .or_else(|| p.epci_siren.clone())
        .unwrap_or_else(|| "00000".into())
}

/// The site identifier of a park: the one received, else `{INSEE}_SITE-ECO_{park id}`.
pub fn site_id(p: &Park) -> String {
    p.cnig
        .as_ref()
        .filter(|c| c.class == Some(CnigClass::Site))
        .and_then(|c| c.fields.get("site_id").cloned())
        .unwrap_or_else(|| format!("{}_SITE-ECO_{}", code_of(p), p.id))
}

fn count(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .filter(|s| parse_number(s).is_ok())
        .map(str::to_owned)
}

/// Every park as a SITE-ECO record.
pub fn export_sites(t: &Territory) -> Exported {
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    for p in &t.parks {
        let received = p.cnig.as_ref().filter(|c| c.class == Some(CnigClass::Site));
        let mut row: BTreeMap<String, String> =
            received.map(|c| c.fields.clone()).unwrap_or_default();
        let received_commune = row.contains_key("site_comm_nom");
        let received_epci = row.contains_key("site_epci_nom");
        let mut set = |k: &str, v: Option<String>| match v {
            Some(v) if !v.trim().is_empty() => {
                row.insert(k.to_owned(), v);
            }
            _ => {
                row.remove(k);
            }
        };
        set("site_id", Some(site_id(p)));
        let pole = p
            .cnig
            .as_ref()
            .and_then(|c| c.fields.get("pole_id").cloned())
            .unwrap_or_else(|| format!("{}_POLE-ECO_{}", code_of(p), p.id));
        set("pole_id", Some(pole));
        set("site_nom", Some(p.name.clone()));
        set("site_comm_insee", p.insee.clone());
        let commune = p
            .insee
            .as_ref()
            .and_then(|i| t.communes.iter().find(|c| &c.insee == i))
            .map(|c| c.name.clone());
        if commune.is_some() && !received_commune {
            set("site_comm_nom", commune);
        }
        set("site_epci_siren", p.epci_siren.clone());
        let epci = p
            .epci_siren
            .as_ref()
            .and_then(|s| t.epcis.iter().find(|e| &e.siren == s))
            .map(|e| e.name.clone());
        if epci.is_some() && !received_epci {
            set("site_epci_nom", epci);
        }
        let area = match p.area_ha {
            Some(a) => Some(fmt_num(a)),
            None => p.outline.as_ref().map(|o| {
                warnings.push(format!(
                    "{}: site_surf_brute computed from the outline (geodesic area)",
                    p.id
                ));
                fmt_num((o.geodesic_area_unsigned() / 100.0).round() / 100.0)
            }),
        };
        set("site_surf_brute", area);
        set("site_surf_comm_dispo", p.free_ha.map(fmt_num));
        set("site_nb_etab", count(&p.companies));
        set("site_nb_emploi", count(&p.jobs));
        set("site_geomsurf", p.outline.as_ref().map(geometry_text));
        let own_position = p.precision < Precision::Commune;
        set(
            "site_geompoint",
            p.position.filter(|_| own_position).map(format_geopoint),
        );
        if !row.contains_key("site_description") && !p.remarks.trim().is_empty() {
            row.insert("site_description".into(), p.remarks.clone());
        }
        for k in ["site_type", "site_vocadomi", "site_etat", "site_moa_type"] {
            if !row.contains_key(k) {
                row.insert(k.into(), "inconnu".into());
            }
        }
        for (name, _, required) in CnigClass::Site.fields() {
            if *required && !row.contains_key(*name) {
                warnings.push(format!("{}: required field {name} has no value", p.id));
            }
        }
        rows.push(row);
    }
    Exported {
        class: CnigClass::Site,
        rows,
        warnings,
    }
}

/// The plots of every park as TERRAIN-ECO records (their `site_id` is the park's).
pub fn export_plots(t: &Territory) -> Exported {
    let mut rows = Vec::new();
    for p in &t.parks {
        for plot in p.cnig.iter().flat_map(|c| &c.plots) {
            let mut row = plot.fields.clone();
            row.insert("site_id".into(), site_id(p));
            if let Some(o) = &plot.outline {
                row.insert("terr_geomsurf".into(), geometry_text(o));
            }
            rows.push(row);
        }
    }
    Exported {
        class: CnigClass::Terrain,
        rows,
        warnings: Vec::new(),
    }
}

/// The records as CSV: `;`-separated, the schema's columns in its order, UTF-8.
pub fn to_csv(e: &Exported) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("CSV encoding: {e}"));
    let names: Vec<&str> = e.class.fields().iter().map(|f| f.0).collect();
    w.write_record(&names).map_err(err)?;
    for row in &e.rows {
        w.write_record(
            names
                .iter()
                .map(|n| row.get(*n).map(String::as_str).unwrap_or("")),
        )
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("CSV encoding: {e}")))
}

/// The records as a GeoJSON FeatureCollection: the outline as each feature's geometry, the
/// other fields as properties (numbers as JSON numbers).
pub fn to_geojson(e: &Exported) -> Result<String> {
    let geometry_field = e.class.geometry_field();
    let mut features = Vec::new();
    for row in &e.rows {
        let mut props = JsonObject::new();
        for (name, ty, _) in e.class.fields() {
            if Some(*name) == geometry_field {
                continue;
            }
            let Some(v) = row.get(*name) else { continue };
            let value = match ty {
                FieldType::Number => match parse_number(v) {
                    // Whole numbers as integers (1150, not 1150.0).
                    Ok(x) if x.fract() == 0.0 && x < 9e15 => JsonValue::from(x as u64),
                    Ok(x) => serde_json::Number::from_f64(x)
                        .map(JsonValue::Number)
                        .unwrap_or_else(|| JsonValue::String(v.clone())),
                    Err(_) => JsonValue::String(v.clone()),
                },
                _ => JsonValue::String(v.clone()),
            };
            props.insert((*name).to_owned(), value);
        }
        let geometry = geometry_field
            .and_then(|g| row.get(g))
            .and_then(|text| serde_json::from_str::<geojson::Geometry>(text).ok());
        features.push(Feature {
            bbox: None,
            geometry,
            id: None,
            properties: Some(props),
            foreign_members: None,
        });
    }
    collection_string(features)
}
