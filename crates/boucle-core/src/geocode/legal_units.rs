//! SIRENE legal units (INSEE's `StockUniteLegale`, CSV plain, gzip or zip as published), read
//! only for the SIRENs asked for: the national file has ~28 million rows, streamed.
//!
//! Columns read: `siren`, `statutDiffusionUniteLegale` (`O` public, `P` partial diffusion),
//! `denominationUniteLegale` (companies), `nomUniteLegale`, `nomUsageUniteLegale`,
//! `prenomUsuelUniteLegale` (sole traders), `categorieJuridiqueUniteLegale`. A legal unit with
//! partial diffusion keeps its legal category but no name (INSEE writes `[ND]`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::{Error, InputError, Location, Result};
use crate::geocode::ban::{open_maybe_gz, sniff_delimiter};
use crate::geocode::sirene::next_record;

/// A legal unit (company or sole trader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalUnit {
    /// SIREN (9 digits).
    pub siren: String,
    /// Legal name, if public.
    pub name: Option<String>,
    /// Legal category code (INSEE's "catégorie juridique", e.g. `5710` SAS).
    pub category: Option<String>,
    /// Whether its diffusion is partial.
    pub partial: bool,
}

/// Read the legal units of `sirens` from a `StockUniteLegale` file.
pub fn read_legal_units(
    path: &Path,
    sirens: &HashSet<String>,
) -> Result<HashMap<String, LegalUnit>> {
    let mut input = open_maybe_gz(path)?;
    let delim = sniff_delimiter(&mut input).map_err(|e| Error::io(path, e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let headers: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| InputError::new(path, Location::Line(1), None, format!("malformed CSV: {e}")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_owned()
        })
        .collect();
    let find = |n: &str| headers.iter().position(|h| h == n);
    let c_siren = find("siren").ok_or_else(|| {
        Error::from(InputError::new(
            path,
            Location::Line(1),
            Some("siren"),
            "missing column in the StockUniteLegale header",
        ))
    })?;
    if find("denominationUniteLegale").is_none() && find("nomUniteLegale").is_none() {
        return Err(InputError::new(
            path,
            Location::Line(1),
            Some("denominationUniteLegale"),
            "not a SIRENE StockUniteLegale file (no denominationUniteLegale nor nomUniteLegale column)",
        )
        .into());
    }
    let c_diff = find("statutDiffusionUniteLegale");
    let c_den = find("denominationUniteLegale");
    let c_nom = find("nomUniteLegale");
    let c_usage = find("nomUsageUniteLegale");
    let c_prenom = find("prenomUsuelUniteLegale");
    let c_cat = find("categorieJuridiqueUniteLegale");
    let mut out = HashMap::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        if !next_record(&mut rdr, &mut rec, path)? {
            break;
        }
        let siren = rec.get(c_siren).unwrap_or(b"");
        if siren.len() != 9 || !sirens.contains(std::str::from_utf8(siren).unwrap_or("")) {
            continue;
        }
        let get = |c: Option<usize>| -> Option<String> {
            let s = String::from_utf8_lossy(rec.get(c?)?).trim().to_owned();
            (!s.is_empty() && s != "[ND]").then_some(s)
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let partial = match get(c_diff).as_deref() {
            None | Some("O") => false,
            Some("P" | "N") => true,
            Some(other) => {
                return Err(InputError::new(
                    path,
                    Location::Line(line),
                    Some("statutDiffusionUniteLegale"),
                    format!("expected O or P, found {other:?}"),
                )
                .into());
            }
        };
        let person = || {
            let nom = get(c_usage).or_else(|| get(c_nom))?;
            Some(match get(c_prenom) {
                Some(p) => format!("{p} {nom}"),
                None => nom,
            })
        };
        let name = if partial {
            None
        } else {
            get(c_den).or_else(person)
        };
        let siren = String::from_utf8_lossy(siren).into_owned();
        out.insert(
            siren.clone(),
            LegalUnit {
                siren,
                name,
                category: get(c_cat),
                partial,
            },
        );
    }
    Ok(out)
}
