//! The territory's records. Coordinates are WGS84 longitude/latitude.

use geo::{MultiPolygon, Point};
use serde::{Deserialize, Serialize};

/// How precisely a position is known, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Set by hand by the officer: never overwritten by geocoding unless forced.
    Manual,
    /// Geocoded to the house number.
    Housenumber,
    /// SIRENE's own coordinates for the establishment.
    Sirene,
    /// Geocoded to the street.
    Street,
    /// Placed at its business park.
    Park,
    /// Only the commune is known: placed at the commune's representative point.
    Commune,
    /// No position at all (commune unknown).
    Unknown,
}

impl Precision {
    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Manual => "manual",
            Precision::Housenumber => "housenumber",
            Precision::Sirene => "sirene",
            Precision::Street => "street",
            Precision::Park => "park",
            Precision::Commune => "commune",
            Precision::Unknown => "unknown",
        }
    }

    /// Parse the snake_case name.
    pub fn parse(s: &str) -> Option<Precision> {
        Some(match s.trim() {
            "manual" => Precision::Manual,
            "housenumber" => Precision::Housenumber,
            "sirene" => Precision::Sirene,
            "street" => Precision::Street,
            "park" => Precision::Park,
            "commune" => Precision::Commune,
            "unknown" | "" => Precision::Unknown,
            _ => return None,
        })
    }
}

/// A commune (municipality), identified by its INSEE code.
#[derive(Debug, Clone)]
pub struct Commune {
    /// INSEE code, e.g. "68334".
    pub insee: String,
    /// Current official name (COG).
    pub name: String,
    /// SIREN of the intercommunality (EPCI) it belongs to.
    pub epci_siren: String,
    /// Population (COG list; vintage given in the territory's SOURCES.md).
    pub population: u64,
    /// Postcodes.
    pub postcodes: Vec<String>,
    /// Boundary (WGS84).
    pub geometry: MultiPolygon<f64>,
    /// A point guaranteed inside the boundary, used as the commune's position.
    pub point: Point<f64>,
    /// Provenance of the record.
    pub source: String,
    /// Former (delegated) communes merged into it, e.g. Mortzwiller and Soppe-le-Haut in Le
    /// Haut Soultzbach: the geocoder takes their names as aliases.
    pub former_communes: Vec<FormerCommune>,
    /// What the population figure is, e.g. "INSEE, populations légales 2022 (population
    /// municipale)"; empty when the file does not say.
    pub population_vintage: String,
}

/// A former (delegated) commune: a commune merged into a current one, whose name still appears
/// in addresses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormerCommune {
    /// Its own INSEE code (the chef-lieu keeps the current commune's code).
    pub insee: String,
    /// Its name.
    pub name: String,
}

/// An intercommunality (EPCI: here a communauté de communes), identified by its SIREN.
#[derive(Debug, Clone)]
pub struct Epci {
    /// SIREN, e.g. "200036465".
    pub siren: String,
    /// Name, e.g. "CC de Thann-Cernay".
    pub name: String,
    /// INSEE codes of the member communes.
    pub members: Vec<String>,
    /// Sum of the members' populations.
    pub population: u64,
    /// Outline dissolved from the member communes.
    pub geometry: MultiPolygon<f64>,
    /// Provenance of the record.
    pub source: String,
}

/// A business park (zone d'activités).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Park {
    /// Stable slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// INSEE code of the reference commune, if known.
    pub insee: Option<String>,
    /// INSEE codes of every commune the park spans.
    pub communes: Vec<String>,
    /// SIREN of the intercommunality that runs it, if known.
    pub epci_siren: Option<String>,
    /// Position, if known.
    pub position: Option<Point<f64>>,
    /// How precisely the position is known.
    pub precision: Precision,
    /// Area in hectares, if known.
    pub area_ha: Option<f64>,
    /// Free land available, in hectares, if known (siting constraint).
    pub free_ha: Option<f64>,
    /// Number of companies, as published (free text: "35", "2+").
    pub companies: Option<String>,
    /// Jobs, as published (free text).
    pub jobs: Option<String>,
    /// Whether the park lies inside the territory (a neighbour's park may be listed).
    pub in_territory: bool,
    /// Remarks.
    pub remarks: String,
    /// Provenance (URLs or description).
    pub source: String,
    /// Confidence statement from the compilation.
    pub confidence: String,
    /// Outline (WGS84), when known (CNIG SITE-ECO `site_geomsurf`): the park of a point is then
    /// a polygon test. Stored in the folder's park outlines file, not in `parks.csv`.
    #[serde(skip)]
    pub outline: Option<MultiPolygon<f64>>,
    /// The CNIG "Sites économiques" record the park was imported from, kept for export.
    #[serde(skip)]
    pub cnig: Option<super::cnig_schema::CnigPark>,
}

/// A treatment, collection or reuse site (déchèterie, recycler, ressourcerie…).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    /// Stable slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind of site, as published (e.g. "déchèterie publique").
    pub kind: String,
    /// INSEE code of its commune, if known.
    pub insee: Option<String>,
    /// Postal address, if known.
    pub address: Option<String>,
    /// Operator.
    pub operator: String,
    /// Material slugs it accepts (see `materials.csv`).
    pub accepts: Vec<String>,
    /// Position, if known.
    pub position: Option<Point<f64>>,
    /// How precisely the position is known.
    pub precision: Precision,
    /// Remarks.
    pub remarks: String,
    /// Provenance.
    pub source: String,
    /// Confidence statement.
    pub confidence: String,
}

/// Kind of actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A company.
    Company,
    /// A social and solidarity economy (ESS) organisation.
    Ess,
    /// A public body (local authority, waste syndicate).
    Public,
}

impl ActorKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Company => "company",
            ActorKind::Ess => "ess",
            ActorKind::Public => "public",
        }
    }
}

/// A company or organisation taking part in the programme.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Actor {
    /// SIRET when known, else a stable slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// Company, ESS organisation, public body.
    pub kind: ActorKind,
    /// SIRET, if known.
    pub siret: Option<String>,
    /// NAF code (may be a guess: see `naf_verified`).
    pub naf: Option<String>,
    /// Whether the NAF code was verified.
    pub naf_verified: bool,
    /// Nomenclature of `naf`: `NAFRev2` (NAF rév. 2, INSEE's name) or `NAF2025`; `None` when
    /// unknown (hand-entered codes).
    pub naf_nomenclature: Option<String>,
    /// Sector, free text.
    pub sector: String,
    /// INSEE code of its commune, if known.
    pub insee: Option<String>,
    /// Postal address, if known.
    pub address: Option<String>,
    /// Business park it sits in, if known.
    pub park_id: Option<String>,
    /// Headcount, as published (free text).
    pub employees: Option<String>,
    /// Position, if known.
    pub position: Option<Point<f64>>,
    /// How precisely the position is known.
    pub precision: Precision,
    /// Geocoding score in [0, 1], when geocoded.
    pub score: Option<f64>,
    /// Remarks.
    pub remarks: String,
    /// Provenance.
    pub source: String,
}

impl Actor {
    /// Whether the actor has a position.
    pub fn is_located(&self) -> bool {
        self.position.is_some()
    }
}

/// Direction of a flow for its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The actor produces / gives away the material.
    Out,
    /// The actor needs / receives / treats the material.
    In,
}

impl Direction {
    /// `out` or `in`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
        }
    }
}

/// A material flow of an actor or a site.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    /// Actor id or site id.
    pub holder: String,
    /// Material slug (see [`Material`]).
    pub material: String,
    /// European Waste Catalogue code, e.g. "15 01 03".
    pub ewc_code: String,
    /// Out (has it) or in (needs/treats it).
    pub direction: Direction,
    /// Quantity per period, in `unit`.
    pub quantity: f64,
    /// Unit of `quantity` ("pallets", "t", "m3", "kg").
    pub unit: String,
    /// Period of `quantity` (and of `collections_per_period`).
    pub period: super::Period,
    /// Collections per period when hauled (frequency), if known.
    pub collections_per_period: Option<f64>,
    /// Whether the figure is measured (false) or illustrative/estimated (true).
    pub estimate: bool,
    /// Provenance, e.g. "demonstration value, not measured".
    pub source: String,
}

/// A material in the controlled vocabulary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Material {
    /// Slug, e.g. "pallets".
    pub slug: String,
    /// French label shown in the UI.
    pub label_fr: String,
    /// European Waste Catalogue codes.
    pub ewc_codes: Vec<String>,
    /// Family (wood, paper, plastics, metals, textiles, organic, effluents, packaging…).
    pub family: String,
    /// Default unit for quantities.
    pub unit: String,
    /// Mass of one unit in kg (e.g. 25 kg per pallet; 1000 for tonnes).
    pub kg_per_unit: f64,
    /// Volume of one unit in m³, when meaningful.
    pub m3_per_unit: Option<f64>,
    /// French synonyms used for matching.
    pub synonyms_fr: Vec<String>,
    /// Where `kg_per_unit` and `m3_per_unit` come from (they decide when a truck is full by
    /// weight or by volume); estimates say so. Empty when the file does not say.
    pub weights_source: String,
}
