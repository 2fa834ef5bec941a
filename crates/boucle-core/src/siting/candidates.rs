//! Candidate sites from a file: CSV (`id,name,lon,lat[,free_ha,excluded]`) or GeoJSON points
//! (properties `id`, `name`, optional `free_ha`, `excluded`). Errors name the file, the line or
//! feature, and the field.

use std::collections::HashMap;
use std::path::Path;

use geojson::JsonValue;

use super::CandidateInput;
use crate::error::{InputError, Location, Result};
use crate::io::csv::CsvTable;
use crate::io::geojson::parse_features;

/// Read candidate sites from `path`: GeoJSON when the name ends in `.geojson` or `.json`, CSV
/// otherwise.
pub fn read_candidates(path: &Path) -> Result<Vec<CandidateInput>> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    parse_candidates(path, &bytes)
}

/// Parse candidate sites from the bytes of a file named `path` (e.g. a file uploaded in the
/// viewer): GeoJSON when the name ends in `.geojson` or `.json`, CSV otherwise.
pub fn parse_candidates(path: &Path, bytes: &[u8]) -> Result<Vec<CandidateInput>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "geojson" || ext == "json" {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            InputError::new(path, Location::File, None, format!("not UTF-8 text: {e}"))
        })?;
        parse_geojson(path, text)
    } else {
        parse_candidates_csv(path, bytes)
    }
}

/// Parse candidate CSV bytes as if read from `path`. The first problem is the error.
pub fn parse_candidates_csv(path: &Path, bytes: &[u8]) -> Result<Vec<CandidateInput>> {
    let table = CsvTable::from_bytes(path, bytes, b',', &["id", "lon", "lat"])?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in table.iter() {
        let id = row.required("id")?;
        if let Some(first) = seen.insert(id.clone(), row.line()) {
            return Err(row
                .error("id", format!("duplicate id `{id}` (first on line {first})"))
                .into());
        }
        let point = row
            .lonlat("lon", "lat")?
            .ok_or_else(|| row.error("lon", "empty value (a position is required)"))?;
        let free_ha = row.f64_opt("free_ha")?;
        if let Some(f) = free_ha
            && f < 0.0
        {
            return Err(row.error("free_ha", format!("{f} is negative")).into());
        }
        out.push(CandidateInput {
            name: row.optional("name").unwrap_or_else(|| id.clone()),
            id,
            lon: point.x(),
            lat: point.y(),
            free_ha,
            excluded: row.bool_or("excluded", false)?,
        });
    }
    if out.is_empty() {
        return Err(InputError::new(path, Location::File, None, "no candidate site").into());
    }
    Ok(out)
}

fn parse_geojson(path: &Path, text: &str) -> Result<Vec<CandidateInput>> {
    let features = parse_features(path, text, "id")?;
    let mut out = Vec::new();
    for f in &features {
        let id =
            f.id.clone()
                .ok_or_else(|| f.error(Some("id"), "missing property"))?;
        let p = f.point()?;
        let free_ha = match f.properties.get("free_ha") {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::Number(n)) => n.as_f64(),
            Some(other) => {
                return Err(f
                    .error(Some("free_ha"), format!("expected a number, found {other}"))
                    .into());
            }
        };
        let excluded = match f.properties.get("excluded") {
            None | Some(JsonValue::Null) => false,
            Some(JsonValue::Bool(b)) => *b,
            Some(other) => {
                return Err(f
                    .error(
                        Some("excluded"),
                        format!("expected true/false, found {other}"),
                    )
                    .into());
            }
        };
        out.push(CandidateInput {
            name: f.str_prop_opt("name").unwrap_or_else(|| id.clone()),
            id,
            lon: p.x(),
            lat: p.y(),
            free_ha,
            excluded,
        });
    }
    if out.is_empty() {
        return Err(InputError::new(path, Location::File, None, "no candidate site").into());
    }
    Ok(out)
}
