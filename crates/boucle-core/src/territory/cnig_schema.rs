//! The CNIG "Sites économiques" schemas as boucle keeps them (v1.0.1): the classes, their
//! fields in the schema's order, and the record a park was imported from. The data model
//! ([`super::model::Park`]) holds these records; reading, merging and writing them is
//! [`super::cnig`]'s.

use std::collections::BTreeMap;

use geo::MultiPolygon;

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

/// Whether a raw value counts as missing for the standard.
pub fn is_missing(v: &str) -> bool {
    MISSING_VALUES.contains(&v.trim())
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
