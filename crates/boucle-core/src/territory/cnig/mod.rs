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

use super::model::Park;

pub mod export;
pub mod merge;
pub mod read;

/// Version of the standard's schemas these field lists follow.
pub const SCHEMA_VERSION: &str = "v1.0.1";

/// Values the standard counts as missing (`missingValues` of its schemas).
pub const MISSING_VALUES: &[&str] = &["", "NA", "NaN", "N/A"];

/// Table Schema type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text.
    Text,
    /// A number.
    Number,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A year `YYYY`.
    Year,
    /// A GeoJSON geometry (as text in CSV).
    Geometry,
    /// A point `lon, lat`.
    GeoPoint,
}

/// A class of the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CnigClass {
    /// POLE-ECO: a group of sites.
    Pole,
    /// SITE-ECO: a business park.
    Site,
    /// TERRAIN-ECO: a plot of a site.
    Terrain,
}

impl CnigClass {
    /// The name used in files: `pole-eco`, `site-eco`, `terrain-eco`.
    pub fn as_str(self) -> &'static str {
        match self {
            CnigClass::Pole => "pole-eco",
            CnigClass::Site => "site-eco",
            CnigClass::Terrain => "terrain-eco",
        }
    }

    /// Parse [`Self::as_str`].
    pub fn parse(s: &str) -> Option<CnigClass> {
        match s {
            "pole-eco" => Some(CnigClass::Pole),
            "site-eco" => Some(CnigClass::Site),
            "terrain-eco" => Some(CnigClass::Terrain),
            _ => None,
        }
    }

    /// The class's fields, in the schema's order.
    pub fn fields(self) -> &'static [(&'static str, FieldType, bool)] {
        match self {
            CnigClass::Pole => POLE_ECO_FIELDS,
            CnigClass::Site => SITE_ECO_FIELDS,
            CnigClass::Terrain => TERRAIN_ECO_FIELDS,
        }
    }

    /// Name of the class's identifier field.
    pub fn id_field(self) -> &'static str {
        match self {
            CnigClass::Pole => "pole_id",
            CnigClass::Site => "site_id",
            CnigClass::Terrain => "terr_id",
        }
    }

    /// Name of the class's outline field, if it has one.
    pub fn geometry_field(self) -> Option<&'static str> {
        match self {
            CnigClass::Pole => None,
            CnigClass::Site => Some("site_geomsurf"),
            CnigClass::Terrain => Some("terr_geomsurf"),
        }
    }

    /// Name of the class's point field, if it has one.
    pub fn point_field(self) -> Option<&'static str> {
        match self {
            CnigClass::Pole => Some("pole_geompoint"),
            CnigClass::Site => Some("site_geompoint"),
            CnigClass::Terrain => None,
        }
    }
}

/// The CNIG record a park was imported from (SITE-ECO, or POLE-ECO for a pole imported without
/// its sites), with the TERRAIN-ECO plots of the site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CnigPark {
    /// Class of `fields`: [`CnigClass::Site`] or [`CnigClass::Pole`].
    pub class: Option<CnigClass>,
    /// Fields as received (missing values left out; the outline is [`Park::outline`]).
    pub fields: BTreeMap<String, String>,
    /// The site's plots.
    pub plots: Vec<CnigPlot>,
}

/// A TERRAIN-ECO plot of a park.
#[derive(Debug, Clone, PartialEq)]
pub struct CnigPlot {
    /// Fields as received (missing values and the outline left out).
    pub fields: BTreeMap<String, String>,
    /// Outline (WGS84), if given.
    pub outline: Option<MultiPolygon<f64>>,
}

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

/// Whether a raw value counts as missing for the standard.
pub fn is_missing(v: &str) -> bool {
    MISSING_VALUES.contains(&v.trim())
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

/// Fields of SITE-ECO, in the schema's order: (name, type, required).
pub const SITE_ECO_FIELDS: &[(&str, FieldType, bool)] = &[
    ("site_id", FieldType::Text, true),
    ("pole_id", FieldType::Text, true),
    ("site_nom", FieldType::Text, true),
    ("site_type", FieldType::Text, true),
    ("site_vocadomi", FieldType::Text, true),
    ("site_etat", FieldType::Text, true),
    ("site_surf_brute", FieldType::Number, true),
    ("site_surf_utile", FieldType::Number, true),
    ("site_creation_date", FieldType::Year, false),
    ("site_identif_date", FieldType::Date, true),
    ("site_actu_date", FieldType::Date, true),
    ("source_producteur", FieldType::Text, false),
    ("site_description", FieldType::Text, false),
    ("site_quali_territoire", FieldType::Text, false),
    ("site_evol_urba", FieldType::Text, false),
    ("site_url", FieldType::Text, false),
    ("site_epci_nom", FieldType::Text, true),
    ("site_epci_siren", FieldType::Text, true),
    ("site_comm_nom", FieldType::Text, true),
    ("site_comm_insee", FieldType::Text, true),
    ("site_moa_type", FieldType::Text, true),
    ("site_moa_nom", FieldType::Text, false),
    ("site_moa_amngt", FieldType::Text, false),
    ("site_moa_comm", FieldType::Text, false),
    ("site_uf_nbre", FieldType::Number, false),
    ("site_uf_vacant_nbre", FieldType::Number, false),
    ("site_taux_vacance", FieldType::Number, false),
    ("site_uf_bati_nbre", FieldType::Number, false),
    ("site_nb_etab", FieldType::Number, false),
    ("site_nb_emploi", FieldType::Number, false),
    ("site_geomsurf", FieldType::Geometry, true),
    ("site_geompoint", FieldType::GeoPoint, false),
    ("site_media", FieldType::Text, false),
    ("site_surf_comm_dispo", FieldType::Number, false),
    ("site_surf_projet", FieldType::Number, false),
    ("site_voca_industrielle", FieldType::Text, false),
    ("site_voca_commerciale", FieldType::Text, false),
    ("site_voca_tertiaire", FieldType::Text, false),
    ("site_voca_artisanale", FieldType::Text, false),
    ("site_voca_touristique", FieldType::Text, false),
    ("site_voca_portuaire", FieldType::Text, false),
    ("site_voca_aeroportuaire", FieldType::Text, false),
    ("reseau_eau_pluviale", FieldType::Text, false),
    ("reseau_eau_potable", FieldType::Text, false),
    ("reseau_assainissement", FieldType::Text, false),
    ("reseau_gaz", FieldType::Text, false),
    ("reseau_electrique", FieldType::Text, false),
    ("reseau_fibre_optique", FieldType::Text, false),
    ("reseau_fret_ferroviaire", FieldType::Text, false),
    ("reseau_fluvial", FieldType::Text, false),
    ("desserte_tc", FieldType::Text, false),
    ("desserte_route_nom", FieldType::Text, false),
    ("autoroute_nom", FieldType::Text, false),
    ("autoroute_echang_dist", FieldType::Number, false),
    ("gare_nom", FieldType::Text, false),
    ("gare_dist", FieldType::Number, false),
    ("gare_fret_nom", FieldType::Text, false),
    ("gare_fret_dist", FieldType::Number, false),
    ("aeroport_nom", FieldType::Text, false),
    ("aeroport_dist", FieldType::Number, false),
    ("port_nom", FieldType::Text, false),
    ("port_dist", FieldType::Number, false),
];
/// Fields of POLE-ECO, in the schema's order: (name, type, required).
pub const POLE_ECO_FIELDS: &[(&str, FieldType, bool)] = &[
    ("pole_id", FieldType::Text, true),
    ("pole_nom", FieldType::Text, true),
    ("pole_vocadomi", FieldType::Text, true),
    ("pole_identif_date", FieldType::Date, true),
    ("pole_actu_date", FieldType::Date, false),
    ("pole_nb_site", FieldType::Number, false),
    ("pole_nb_etab", FieldType::Number, false),
    ("pole_nb_emploi", FieldType::Number, false),
    ("pole_surface", FieldType::Number, true),
    ("pole_geompoint", FieldType::GeoPoint, true),
    ("pole_rayonnement", FieldType::Text, false),
];
/// Fields of TERRAIN-ECO, in the schema's order: (name, type, required).
pub const TERRAIN_ECO_FIELDS: &[(&str, FieldType, bool)] = &[
    ("terr_id", FieldType::Text, true),
    ("site_id", FieldType::Text, true),
    ("terr_refcad", FieldType::Text, false),
    ("terr_surf_brute", FieldType::Number, true),
    ("terr_utile", FieldType::Text, false),
    ("terr_identif_date", FieldType::Date, true),
    ("terr_actu_date", FieldType::Date, true),
    ("terr_maitrise_fonc", FieldType::Text, true),
    ("terr_stade_amngt", FieldType::Text, true),
    ("terr_stade_comm", FieldType::Text, true),
    ("terr_etat_occup", FieldType::Text, true),
    ("terr_usage", FieldType::Text, true),
    ("terr_url_cartofriches", FieldType::Text, false),
    ("terr_geomsurf", FieldType::Geometry, true),
    ("terr_cle_en_main", FieldType::Text, false),
    ("terr_acquereur", FieldType::Text, false),
    ("terr_cession_date", FieldType::Date, false),
    ("terr_vente_montant", FieldType::Number, false),
    ("terr_m2_prix", FieldType::Number, false),
];

/// Write the parks of the territory folder `dir`: `parks.csv`, then the park outlines file
/// (both atomic; names from the folder's manifest).
pub fn write_parks(dir: &Path, parks: &[Park]) -> Result<()> {
    let m = super::Manifest::read(&dir.join(super::MANIFEST_FILE))?;
    super::files::write_parks(&dir.join(&m.files.parks), parks)?;
    write_outlines(&dir.join(&m.files.park_outlines), parks)
}
