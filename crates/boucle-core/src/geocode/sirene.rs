//! SIRENE establishments (INSEE's `StockEtablissement` CSV, plain or gzip) → actors.
//!
//! The national file has ~40 million rows (several GB): it is streamed row by row, the commune
//! column is checked on raw bytes first, and only the territory's establishments are kept.
//!
//! Columns read: `siret`, `etatAdministratifEtablissement` (`A` active, `F` closed),
//! `statutDiffusionEtablissement` (`O` public, `P` partial diffusion), `activitePrincipaleEtablissement`
//! (NAF rév. 2; `activitePrincipaleNAF25Etablissement` when it is empty), `numeroVoieEtablissement`,
//! `indiceRepetitionEtablissement`, `typeVoieEtablissement`, `libelleVoieEtablissement`,
//! `codePostalEtablissement`, `libelleCommuneEtablissement`, `codeCommuneEtablissement`,
//! `enseigne1Etablissement`, `denominationUsuelleEtablissement`,
//! `coordonneeLambertAbscisseEtablissement`, `coordonneeLambertOrdonneeEtablissement`
//! (Lambert-93, EPSG:2154, converted to WGS84), `trancheEffectifsEtablissement`.
//!
//! The NAF nomenclature is stored with the code (`nomenclatureActivitePrincipaleEtablissement`,
//! `NAFRev2`; `NAF2025` when the code comes from the NAF 2025 column). The legal unit's name
//! and legal category come from `StockUniteLegale` (see [`super::legal_units`]), joined by
//! SIREN: an establishment without trade name is named after its company.
//!
//! Partial diffusion (`statutDiffusionEtablissement = P`, persons who asked not to be listed):
//! neither the position nor the address details are stored, only the commune; INSEE's `[ND]`
//! ("non diffusé") placeholder is treated as empty everywhere.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use geo::Point;

use crate::error::{Error, InputError, Location, Result};
use crate::geocode::ban::{open_maybe_gz, sniff_delimiter};
use crate::territory::{Actor, ActorKind, Precision};

/// Lambert-93 (EPSG:2154) as a proj string.
pub const LAMBERT93: &str = "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";

/// Converts Lambert-93 metres to WGS84 degrees.
#[derive(Debug)]
pub struct Lambert93 {
    l93: proj4rs::Proj,
    wgs84: proj4rs::Proj,
}

impl Lambert93 {
    /// Build the projection pair.
    pub fn new() -> Self {
        Lambert93 {
            l93: proj4rs::Proj::from_proj_string(LAMBERT93).expect("valid Lambert-93 string"),
            wgs84: proj4rs::Proj::from_proj_string(
                "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs",
            )
            .expect("valid WGS84 string"),
        }
    }

    /// (x, y) in metres → (lon, lat) in degrees.
    pub fn to_lonlat(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let (lon, lat) = proj4rs::adaptors::transform_xy(&self.l93, &self.wgs84, x, y).ok()?;
        let (lon, lat) = (lon.to_degrees(), lat.to_degrees());
        (lon.is_finite() && lat.is_finite()).then_some((lon, lat))
    }
}

impl Default for Lambert93 {
    fn default() -> Self {
        Lambert93::new()
    }
}

/// One establishment of the territory, as read from SIRENE.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    /// SIRET (14 digits).
    pub siret: String,
    /// Whether it is active (`etatAdministratifEtablissement = A`).
    pub active: bool,
    /// Whether its diffusion is partial (`P`): no position nor address then.
    pub partial: bool,
    /// NAF code.
    pub naf: Option<String>,
    /// Its nomenclature: `NAFRev2` or `NAF2025`.
    pub naf_nomenclature: Option<String>,
    /// Name of the legal unit (company), from `StockUniteLegale`, if public.
    pub legal_name: Option<String>,
    /// Legal category code of the legal unit (e.g. `5710` SAS), from `StockUniteLegale`.
    pub legal_category: Option<String>,
    /// Commercial name (enseigne, else usual name), if public.
    pub name: Option<String>,
    /// Postal address (number, suffix, street type and name, postcode, commune), if public.
    pub address: Option<String>,
    /// INSEE code of the commune.
    pub insee: String,
    /// Position from SIRENE's Lambert-93 coordinates, if public and given.
    pub lonlat: Option<(f64, f64)>,
    /// Headcount band, as text ("10 à 19 salariés").
    pub employees: Option<String>,
}

impl Establishment {
    /// The SIREN of its legal unit (the SIRET's first nine digits).
    pub fn siren(&self) -> &str {
        &self.siret[..9]
    }

    /// The name to show: its trade name, else its company's name with the trade name when both
    /// differ (`"Dupont SAS (Garage du Centre)"`), else none.
    pub fn display_name(&self) -> Option<String> {
        match (&self.name, &self.legal_name) {
            (Some(n), Some(l))
                if crate::io::text::normalize(n) != crate::io::text::normalize(l) =>
            {
                Some(format!("{l} ({n})"))
            }
            (Some(n), _) => Some(n.clone()),
            (None, Some(l)) => Some(l.clone()),
            (None, None) => None,
        }
    }
}

/// Options of a SIRENE read.
#[derive(Debug, Clone, Copy, Default)]
pub struct SireneOptions {
    /// Keep closed establishments too.
    pub include_closed: bool,
}

/// Counts from a SIRENE read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SireneStats {
    /// Data rows read.
    pub rows: u64,
    /// Rows in the territory's communes.
    pub in_territory: u64,
    /// Closed establishments skipped.
    pub closed_skipped: u64,
    /// Establishments kept with partial diffusion.
    pub partial: u64,
    /// Establishments kept without usable coordinates.
    pub without_position: u64,
}

/// SIRENE's street-type codes → words.
/// Read the next row of a SIRENE stock into `rec`: `false` at the end, a malformed row is an
/// error naming `path` and its line.
pub(super) fn next_record<R: std::io::Read>(
    rdr: &mut csv::Reader<R>,
    rec: &mut csv::ByteRecord,
    path: &Path,
) -> Result<bool> {
    rdr.read_byte_record(rec).map_err(|e| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        InputError::new(
            path,
            Location::Line(line),
            None,
            format!("malformed CSV: {e}"),
        )
        .into()
    })
}

fn street_type(code: &str) -> &str {
    match code {
        "ALL" => "Allée",
        "AV" => "Avenue",
        "BD" => "Boulevard",
        "CAR" => "Carrefour",
        "CHE" | "CHEM" => "Chemin",
        "CHS" => "Chaussée",
        "CITE" => "Cité",
        "COR" => "Corniche",
        "CRS" => "Cours",
        "DOM" => "Domaine",
        "DSC" => "Descente",
        "ECA" => "Écart",
        "ESP" => "Esplanade",
        "FG" => "Faubourg",
        "GR" => "Grande Rue",
        "HAM" => "Hameau",
        "HLE" => "Halle",
        "IMP" => "Impasse",
        "LD" => "Lieu-dit",
        "LOT" => "Lotissement",
        "MAR" => "Marché",
        "MTE" => "Montée",
        "PARC" => "Parc",
        "PAS" => "Passage",
        "PL" => "Place",
        "PLN" => "Plaine",
        "PLT" => "Plateau",
        "PRO" => "Promenade",
        "PRV" => "Parvis",
        "QUA" => "Quartier",
        "QUAI" => "Quai",
        "RES" => "Résidence",
        "RLE" => "Ruelle",
        "ROC" => "Rocade",
        "RPT" => "Rond-point",
        "RTE" => "Route",
        "RUE" => "Rue",
        "SEN" => "Sentier",
        "SQ" => "Square",
        "TPL" => "Terre-plein",
        "TRA" => "Traverse",
        "VLA" => "Villa",
        "VLGE" => "Village",
        "VOIE" => "Voie",
        "ZA" => "ZA",
        "ZAC" => "ZAC",
        "ZAD" => "ZAD",
        "ZI" => "ZI",
        "ZONE" => "Zone",
        other => other,
    }
}

/// SIRENE's headcount band codes → text.
fn headcount(code: &str) -> Option<&'static str> {
    Some(match code {
        "00" => "0 salarié",
        "01" => "1 ou 2 salariés",
        "02" => "3 à 5 salariés",
        "03" => "6 à 9 salariés",
        "11" => "10 à 19 salariés",
        "12" => "20 à 49 salariés",
        "21" => "50 à 99 salariés",
        "22" => "100 à 199 salariés",
        "31" => "200 à 249 salariés",
        "32" => "250 à 499 salariés",
        "41" => "500 à 999 salariés",
        "42" => "1 000 à 1 999 salariés",
        "51" => "2 000 à 4 999 salariés",
        "52" => "5 000 à 9 999 salariés",
        "53" => "10 000 salariés et plus",
        _ => return None,
    })
}

/// Stream a SIRENE `StockEtablissement` file and return the establishments of the given
/// communes (INSEE codes), active ones only unless asked.
pub fn read_establishments(
    path: &Path,
    communes: &HashSet<String>,
    opts: SireneOptions,
) -> Result<(Vec<Establishment>, SireneStats)> {
    let mut input = open_maybe_gz(path)?;
    let delim = sniff_delimiter(&mut input).map_err(|e| Error::io(path, e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let headers = rdr
        .byte_headers()
        .map_err(|e| InputError::new(path, Location::Line(1), None, format!("malformed CSV: {e}")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect::<Vec<_>>();
    let find = |n: &str| headers.iter().position(|h| h == n);
    let need = |n: &str| {
        find(n).ok_or_else(|| {
            Error::from(InputError::new(
                path,
                Location::Line(1),
                Some(n),
                "missing column in the SIRENE header",
            ))
        })
    };
    let c_siret = need("siret")?;
    let c_commune = need("codeCommuneEtablissement")?;
    let c_etat = need("etatAdministratifEtablissement")?;
    let c_diff = find("statutDiffusionEtablissement");
    let c_naf = find("activitePrincipaleEtablissement");
    let c_naf25 = find("activitePrincipaleNAF25Etablissement");
    let c_nomen = find("nomenclatureActivitePrincipaleEtablissement");
    let c_num = find("numeroVoieEtablissement");
    let c_rep = find("indiceRepetitionEtablissement");
    let c_type = find("typeVoieEtablissement");
    let c_voie = find("libelleVoieEtablissement");
    let c_cp = find("codePostalEtablissement");
    let c_lcom = find("libelleCommuneEtablissement");
    let c_ens = find("enseigne1Etablissement");
    let c_den = find("denominationUsuelleEtablissement");
    let c_x = find("coordonneeLambertAbscisseEtablissement");
    let c_y = find("coordonneeLambertOrdonneeEtablissement");
    let c_eff = find("trancheEffectifsEtablissement");

    let proj = Lambert93::new();
    let mut stats = SireneStats::default();
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        if !next_record(&mut rdr, &mut rec, path)? {
            break;
        }
        stats.rows += 1;
        let commune = rec.get(c_commune).unwrap_or(b"");
        // cheap filter on raw bytes before any decoding
        if commune.len() != 5 || !communes.contains(std::str::from_utf8(commune).unwrap_or("")) {
            continue;
        }
        stats.in_territory += 1;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let get = |c: Option<usize>| -> Option<String> {
            let b = rec.get(c?)?;
            let s = String::from_utf8_lossy(b).trim().to_owned();
            (!s.is_empty() && s != "[ND]").then_some(s)
        };
        let err = |field: &str, msg: String| -> Error {
            InputError::new(path, Location::Line(line), Some(field), msg).into()
        };
        let siret = get(Some(c_siret)).unwrap_or_default();
        if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("siret", format!("not a 14-digit SIRET: {siret:?}")));
        }
        let active = match get(Some(c_etat)).as_deref() {
            Some("A") => true,
            Some("F") => false,
            other => {
                return Err(err(
                    "etatAdministratifEtablissement",
                    format!("expected A or F, found {:?}", other.unwrap_or("")),
                ));
            }
        };
        if !active && !opts.include_closed {
            stats.closed_skipped += 1;
            continue;
        }
        let partial = match get(c_diff).as_deref() {
            None | Some("O") => false,
            Some("P") | Some("N") => true,
            Some(other) => {
                return Err(err(
                    "statutDiffusionEtablissement",
                    format!("expected O or P, found {other:?}"),
                ));
            }
        };
        let insee = String::from_utf8_lossy(commune).into_owned();
        let (naf, naf_nomenclature) = match (get(c_naf), get(c_naf25)) {
            (Some(n), _) => (
                Some(n),
                Some(get(c_nomen).unwrap_or_else(|| "NAFRev2".into())),
            ),
            (None, Some(n)) => (Some(n), Some("NAF2025".into())),
            (None, None) => (None, None),
        };
        let employees = get(c_eff).and_then(|c| headcount(&c)).map(str::to_owned);
        let name = get(c_ens).or_else(|| get(c_den));
        let (address, lonlat) = if partial {
            stats.partial += 1;
            (None, None)
        } else {
            let mut street = String::new();
            if let Some(n) = get(c_num) {
                street.push_str(&n);
                if let Some(r) = get(c_rep) {
                    street.push_str(match r.as_str() {
                        "B" => " bis",
                        "T" => " ter",
                        "Q" => " quater",
                        "C" => " quinquies",
                        _ => "",
                    });
                }
                street.push(' ');
            }
            if let Some(t) = get(c_type) {
                street.push_str(street_type(&t));
                street.push(' ');
            }
            if let Some(v) = get(c_voie) {
                street.push_str(&v);
            }
            let street = street.trim().to_owned();
            let city = [get(c_cp), get(c_lcom)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let address = match (street.is_empty(), city.is_empty()) {
                (true, true) => None,
                (true, false) => Some(city),
                (false, true) => Some(street),
                (false, false) => Some(format!("{street}, {city}")),
            };
            let coord = |c: Option<usize>, field: &str| -> Result<Option<f64>> {
                match get(c) {
                    None => Ok(None),
                    Some(s) => s
                        .replace(',', ".")
                        .parse::<f64>()
                        .map(Some)
                        .map_err(|_| err(field, format!("not a number: {s:?}"))),
                }
            };
            let x = coord(c_x, "coordonneeLambertAbscisseEtablissement")?;
            let y = coord(c_y, "coordonneeLambertOrdonneeEtablissement")?;
            let lonlat = match (x, y) {
                // metropolitan Lambert-93 extent; anything else is a placeholder or an error
                (Some(x), Some(y))
                    if (0.0..2_000_000.0).contains(&x)
                        && (6_000_000.0..7_200_000.0).contains(&y) =>
                {
                    proj.to_lonlat(x, y)
                }
                _ => None,
            };
            (address, lonlat)
        };
        if lonlat.is_none() {
            stats.without_position += 1;
        }
        out.push(Establishment {
            siret,
            active,
            partial,
            naf,
            naf_nomenclature,
            legal_name: None,
            legal_category: None,
            name,
            address,
            insee,
            lonlat,
            employees,
        });
    }
    Ok((out, stats))
}

/// What merging establishments into actors did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeReport {
    /// Actors created.
    pub added: Vec<String>,
    /// Actors updated (matched by SIRET).
    pub updated: Vec<String>,
    /// Actors whose manual (or better-than-SIRENE) position was kept.
    pub position_kept: Vec<String>,
}

/// Merge establishments into actors by SIRET: update what SIRENE knows (NAF, commune, address,
/// headcount, position with precision `sirene`), add the others. A position set by hand, or
/// geocoded to the house number, is kept unless `force`. Partially diffused establishments
/// get no address nor SIRENE position: they are placed at their commune's point
/// (`commune_points`, precision `commune`) when they have no position yet.
pub fn merge_into_actors(
    actors: &mut Vec<Actor>,
    establishments: &[Establishment],
    commune_points: &HashMap<String, (f64, f64)>,
    source: &str,
    force: bool,
) -> MergeReport {
    let mut report = MergeReport::default();
    let mut by_siret: HashMap<String, usize> = HashMap::new();
    for (i, a) in actors.iter().enumerate() {
        if let Some(s) = &a.siret {
            by_siret.insert(s.clone(), i);
        } else if a.id.len() == 14 && a.id.bytes().all(|b| b.is_ascii_digit()) {
            by_siret.insert(a.id.clone(), i);
        }
    }
    for e in establishments {
        let new_pos = e
            .lonlat
            .map(|(x, y)| (Point::new(x, y), Precision::Sirene))
            .or_else(|| {
                commune_points
                    .get(&e.insee)
                    .map(|&(x, y)| (Point::new(x, y), Precision::Commune))
            });
        match by_siret.get(&e.siret) {
            Some(&i) => {
                let a = &mut actors[i];
                a.siret = Some(e.siret.clone());
                if e.naf.is_some() {
                    a.naf = e.naf.clone();
                    a.naf_verified = true;
                    a.naf_nomenclature = e.naf_nomenclature.clone();
                }
                a.insee = Some(e.insee.clone());
                if e.partial {
                    // hidden details must not survive from an older import either
                    if a.source.contains("SIRENE") {
                        a.address = None;
                    }
                } else if e.address.is_some() {
                    a.address = e.address.clone();
                }
                if e.employees.is_some() {
                    a.employees = e.employees.clone();
                }
                let generic =
                    a.name.trim().is_empty() || a.name == format!("Établissement {}", e.siret);
                if generic && let Some(n) = e.display_name() {
                    a.name = n;
                }
                if let Some((p, prec)) = new_pos {
                    let better = prec <= a.precision || a.position.is_none();
                    if force || (a.precision > Precision::Sirene && better) {
                        a.position = Some(p);
                        a.precision = prec;
                        a.score = None;
                    } else {
                        report.position_kept.push(a.id.clone());
                    }
                }
                if !a.source.contains(source) {
                    a.source = if a.source.is_empty() {
                        source.to_owned()
                    } else {
                        format!("{}; {source}", a.source)
                    };
                }
                report.updated.push(a.id.clone());
            }
            None => {
                let (position, precision) = match new_pos {
                    Some((p, prec)) => (Some(p), prec),
                    None => (None, Precision::Unknown),
                };
                actors.push(Actor {
                    id: e.siret.clone(),
                    name: e
                        .display_name()
                        .unwrap_or_else(|| format!("Établissement {}", e.siret)),
                    kind: ActorKind::Company,
                    siret: Some(e.siret.clone()),
                    naf: e.naf.clone(),
                    naf_verified: e.naf.is_some(),
                    naf_nomenclature: e.naf_nomenclature.clone(),
                    sector: String::new(),
                    insee: Some(e.insee.clone()),
                    address: e.address.clone(),
                    park_id: None,
                    employees: e.employees.clone(),
                    position,
                    precision,
                    score: None,
                    remarks: if e.partial {
                        "diffusion partielle SIRENE : adresse et position non diffusées".into()
                    } else if e.active {
                        String::new()
                    } else {
                        "établissement fermé (SIRENE)".into()
                    },
                    source: source.to_owned(),
                });
                by_siret.insert(e.siret.clone(), actors.len() - 1);
                report.added.push(e.siret.clone());
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambert93_reference_pairs() {
        let p = Lambert93::new();
        for (x, y, lon, lat) in [
            (700000.0, 6600000.0, 3.0, 46.5),
            (652469.02, 6862035.26, 2.35219996, 48.85660001),
            (1044000.0, 6298000.0, 7.26836782, 43.69733386),
            (351000.0, 6790000.0, -1.69268167, 48.11700963),
        ] {
            let (a, b) = p.to_lonlat(x, y).unwrap();
            assert!(
                (a - lon).abs() < 1e-7 && (b - lat).abs() < 1e-7,
                "{x},{y} → {a},{b}"
            );
        }
    }
}
