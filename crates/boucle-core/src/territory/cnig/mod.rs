//! The CNIG "Sites économiques" standard (schema.data.gouv.fr, `cnigfr/schema-sites-economiques`
//! v1.0.1): business parks as intercommunalities must inventory them since the 2021 climate law.
//!
//! Three classes are read, as CSV (`;` or `,`, UTF-8 or Windows-1252) or GeoJSON
//! (FeatureCollection whose properties are the fields): POLE-ECO (groups of sites), SITE-ECO
//! (one business park, with its outline `site_geomsurf`) and TERRAIN-ECO (plots of a site).
//! [`merge`] turns them into the territory's parks; [`export`] writes the parks back as
//! SITE-ECO (and their plots as TERRAIN-ECO).
//!
//! Outlines and the CNIG records live in the folder's park outlines file (`parks.geojson`,
//! [`attach_outlines`] / [`write_outlines`]): `parks.csv` keeps its columns.

use std::collections::BTreeMap;
use std::path::Path;

use geo::MultiPolygon;
use geojson::{Feature, GeometryValue, JsonObject, JsonValue};

use crate::error::{InputError, Location, Result};
use crate::io::atomic::write_atomic;
use crate::io::geojson::{collection_string, read_features, round_multipolygon};

pub use super::cnig_schema::{
    CnigClass, CnigPark, CnigPlot, FieldType, MISSING_VALUES, POLE_ECO_FIELDS, SCHEMA_VERSION,
    SITE_ECO_FIELDS, TERRAIN_ECO_FIELDS, is_missing,
};
use super::model::Park;

pub mod export;
pub mod merge;
pub mod read;

/// Read the park outlines file `path` (absent file: nothing) and attach each feature to its
/// park: the outline and CNIG record of a park, or one of its plots. Returns the problems found
/// (unknown park, bad geometry), naming the file and feature.
pub fn attach_outlines(path: &Path, parks: &mut [Park]) -> Vec<InputError> {
    if !path.exists() {
        return Vec::new();
    }
    let features = match read_features(path, "park_id") {
        Ok(f) => f,
        Err(e) => return e.into_input_errors(path),
    };
    let mut errors = Vec::new();
    for f in features {
        let Some(id) = f.id.clone() else {
            errors.push(f.error(Some("park_id"), "missing park_id"));
            continue;
        };
        let Some(park) = parks.iter_mut().find(|p| p.id == id) else {
            errors.push(f.error(
                Some("park_id"),
                format!("unknown park `{id}` (not in the parks file)"),
            ));
            continue;
        };
        let class = match f
            .properties
            .get("class")
            .and_then(JsonValue::as_str)
            .and_then(CnigClass::parse)
        {
            Some(c) => c,
            None => {
                errors.push(f.error(
                    Some("class"),
                    "expected `site-eco`, `pole-eco` or `terrain-eco`",
                ));
                continue;
            }
        };
        let outline = match &f.geometry {
            None => None,
            Some(_) => match f.multipolygon() {
                Ok(mp) => Some(mp),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
        };
        let mut fields = BTreeMap::new();
        if let Some(JsonValue::Object(o)) = f.properties.get("fields") {
            for (k, v) in o {
                match v {
                    JsonValue::String(s) => {
                        fields.insert(k.clone(), s.clone());
                    }
                    other => errors.push(f.error(
                        Some(&format!("fields.{k}")),
                        format!("expected a string, found {other}"),
                    )),
                }
            }
        }
        let cnig = park.cnig.get_or_insert_with(CnigPark::default);
        match class {
            CnigClass::Terrain => cnig.plots.push(CnigPlot { fields, outline }),
            c => {
                cnig.class = Some(c);
                cnig.fields = fields;
                park.outline = outline;
            }
        }
    }
    errors
}

/// Write the parks' outlines and CNIG records to `path` atomically (one feature per park with
/// an outline or a record, one per plot); removes the file when no park has any.
pub fn write_outlines(path: &Path, parks: &[Park]) -> Result<()> {
    let mut features = Vec::new();
    let feature = |park_id: &str,
                   class: CnigClass,
                   fields: &BTreeMap<String, String>,
                   outline: Option<&MultiPolygon<f64>>| {
        let mut props = JsonObject::new();
        props.insert("park_id".into(), park_id.into());
        props.insert("class".into(), class.as_str().into());
        let f: JsonObject = fields
            .iter()
            .map(|(k, v)| (k.clone(), JsonValue::String(v.clone())))
            .collect();
        props.insert("fields".into(), JsonValue::Object(f));
        Feature {
            bbox: None,
            geometry: outline
                .map(|mp| geojson::Geometry::new(GeometryValue::from(&round_multipolygon(mp, 7)))),
            id: None,
            properties: Some(props),
            foreign_members: None,
        }
    };
    for p in parks {
        let class = p.cnig.as_ref().and_then(|c| c.class);
        if p.outline.is_some() || class.is_some() {
            let empty = BTreeMap::new();
            let fields = p.cnig.as_ref().map(|c| &c.fields).unwrap_or(&empty);
            features.push(feature(
                &p.id,
                class.unwrap_or(CnigClass::Site),
                fields,
                p.outline.as_ref(),
            ));
        }
        for plot in p.cnig.iter().flat_map(|c| &c.plots) {
            features.push(feature(
                &p.id,
                CnigClass::Terrain,
                &plot.fields,
                plot.outline.as_ref(),
            ));
        }
    }
    if features.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(crate::error::Error::io(path, e))
            }
            _ => Ok(()),
        };
    }
    write_atomic(path, collection_string(features)?.as_bytes())
}

/// An error at a CSV line or GeoJSON feature of a CNIG file.
pub(crate) fn error_at(
    path: &Path,
    location: &Location,
    field: &str,
    message: impl Into<String>,
) -> InputError {
    InputError::new(path, location.clone(), Some(field), message)
}

/// Write the parks of the territory folder `dir`: `parks.csv`, then the park outlines file
/// (both atomic; names from the folder's manifest).
pub fn write_parks(dir: &Path, parks: &[Park]) -> Result<()> {
    let m = super::Manifest::read(&dir.join(super::MANIFEST_FILE))?;
    super::files::write_parks(&dir.join(&m.files.parks), parks)?;
    write_outlines(&dir.join(&m.files.park_outlines), parks)
}
