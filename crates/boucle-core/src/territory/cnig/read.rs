//! Reading CNIG "Sites économiques" files (CSV or GeoJSON, any of the three classes), every
//! value checked against the schema's type; outlines in WGS84 or Lambert-93 (EPSG:2154, as in
//! the standard's own example), converted to WGS84.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{MultiPolygon, Point};
use geojson::{GeometryValue, JsonObject, JsonValue, Position};

use crate::error::{Error, InputError, Location, Result};
use crate::io::csv::CsvTable;
use crate::io::geojson::{RawFeature, parse_features};
use crate::io::projection::Lambert93;

use super::{CnigClass, FieldType, error_at, is_missing};

/// Largest number accepted in a numeric field (surfaces in hectares, counts, distances in km,
/// prices in euros).
pub const MAX_NUMBER: f64 = 1e10;

/// One record of a CNIG file.
#[derive(Debug, Clone)]
pub struct CnigRecord {
    /// Line (CSV) or feature (GeoJSON) it comes from.
    pub location: Location,
    /// The schema's fields as received (trimmed; missing values and the outline left out;
    /// other columns ignored).
    pub fields: BTreeMap<String, String>,
    /// Outline (WGS84), if given.
    pub outline: Option<MultiPolygon<f64>>,
    /// Point (`*_geompoint`, WGS84), if given.
    pub point: Option<Point<f64>>,
}

/// A CNIG file read.
#[derive(Debug)]
pub struct CnigFile {
    /// The file.
    pub path: PathBuf,
    /// Its class, from its columns.
    pub class: CnigClass,
    /// Records that passed the checks.
    pub records: Vec<CnigRecord>,
    /// Problems, naming line or feature and field (such a record is left out).
    pub errors: Vec<InputError>,
    /// Whether outlines came in Lambert-93 metres.
    pub lambert93: bool,
}

/// The class of a file from its column names, or `None`.
pub fn class_of(columns: &[&str]) -> Option<CnigClass> {
    let has = |c: &str| columns.contains(&c);
    if has("terr_id") {
        Some(CnigClass::Terrain)
    } else if has("site_id") && has("site_nom") {
        Some(CnigClass::Site)
    } else if has("pole_id") && has("pole_nom") {
        Some(CnigClass::Pole)
    } else {
        None
    }
}

/// Read a CNIG file: GeoJSON when its name ends in `.geojson` or `.json`, else CSV.
pub fn read_cnig(path: &Path) -> Result<CnigFile> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let proj = Lambert93::new()?;
    if ext == "geojson" || ext == "json" {
        read_geojson(path, &proj)
    } else {
        read_csv(path, &proj)
    }
}

fn not_cnig(path: &Path, columns: &[&str]) -> Error {
    InputError::new(
        path,
        Location::Line(1),
        None,
        format!(
            "not a CNIG Sites économiques file: no site_id + site_nom, pole_id + pole_nom or \
             terr_id column (found: {})",
            columns.join(", ")
        ),
    )
    .into()
}

fn read_csv(path: &Path, proj: &Lambert93) -> Result<CnigFile> {
    let (table, _) = CsvTable::read_received(path, &[])?;
    let columns: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    let class = class_of(&columns).ok_or_else(|| not_cnig(path, &columns))?;
    let mut out = CnigFile {
        path: path.to_path_buf(),
        class,
        records: Vec::new(),
        errors: table.row_errors.clone(),
        lambert93: false,
    };
    for row in table.iter() {
        let location = Location::Line(row.line());
        let raw: Vec<(String, Option<String>)> = class
            .fields()
            .iter()
            .map(|(name, _, _)| {
                let v = row.get(name);
                (name.to_string(), (!is_missing(v)).then(|| v.to_owned()))
            })
            .collect();
        match check_record(path, class, location, raw, None, proj) {
            Ok((r, l93)) => {
                out.lambert93 |= l93;
                out.records.push(r);
            }
            Err(e) => out.errors.push(e),
        }
    }
    Ok(out)
}

fn read_geojson(path: &Path, proj: &Lambert93) -> Result<CnigFile> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    // Probe the class on the first feature (no id property yet).
    let probe = parse_features(path, &text, "")?;
    let columns: Vec<&str> = probe
        .first()
        .map(|f| f.properties.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let class = class_of(&columns).ok_or_else(|| not_cnig(path, &columns))?;
    let features = parse_features(path, &text, class.id_field())?;
    let mut out = CnigFile {
        path: path.to_path_buf(),
        class,
        records: Vec::new(),
        errors: Vec::new(),
        lambert93: false,
    };
    for f in &features {
        let location = f.location();
        let mut raw = Vec::new();
        let mut bad = None;
        for (name, _, _) in class.fields() {
            let v = match f.properties.get(*name) {
                None | Some(JsonValue::Null) => None,
                Some(JsonValue::String(s)) => (!is_missing(s)).then(|| s.trim().to_owned()),
                Some(JsonValue::Number(n)) => Some(n.to_string()),
                Some(JsonValue::Bool(b)) => Some(if *b { "oui" } else { "non" }.to_owned()),
                Some(v @ JsonValue::Object(_)) if Some(*name) == class.geometry_field() => {
                    Some(v.to_string())
                }
                Some(v @ JsonValue::Array(_)) if Some(*name) == class.point_field() => {
                    Some(v.to_string())
                }
                Some(other) => {
                    bad = Some(error_at(
                        path,
                        &location,
                        name,
                        format!("expected a text or number, found {other}"),
                    ));
                    break;
                }
            };
            raw.push((name.to_string(), v));
        }
        if let Some(e) = bad {
            out.errors.push(e);
            continue;
        }
        match check_record(path, class, location, raw, f.geometry.clone(), proj) {
            Ok((r, l93)) => {
                out.lambert93 |= l93;
                out.records.push(r);
            }
            Err(e) => out.errors.push(e),
        }
    }
    Ok(out)
}

/// Check one record's values against the schema; `geometry` is the GeoJSON feature's own.
fn check_record(
    path: &Path,
    class: CnigClass,
    location: Location,
    raw: Vec<(String, Option<String>)>,
    geometry: Option<GeometryValue>,
    proj: &Lambert93,
) -> Result<(CnigRecord, bool), InputError> {
    let err = |field: &str, msg: String| error_at(path, &location, field, msg);
    let mut fields = BTreeMap::new();
    let mut outline = None;
    let mut point = None;
    let mut l93 = false;
    let key_fields: &[&str] = match class {
        CnigClass::Pole => &["pole_id", "pole_nom"],
        CnigClass::Site => &["site_id", "site_nom"],
        CnigClass::Terrain => &["terr_id", "site_id"],
    };
    for (name, value) in raw {
        let Some((_, ty, _)) = class.fields().iter().find(|(n, _, _)| *n == name) else {
            continue;
        };
        let Some(v) = value else {
            if key_fields.contains(&name.as_str()) {
                return Err(err(&name, "empty value (required)".into()));
            }
            continue;
        };
        match ty {
            FieldType::Text => {}
            FieldType::Number => {
                parse_number(&v).map_err(|m| err(&name, m))?;
            }
            FieldType::Date => {
                if v.len() != 10 || crate::io::date::date_parts(&v).is_none_or(|p| p.len() != 3) {
                    return Err(err(&name, format!("`{v}` is not a date YYYY-MM-DD")));
                }
            }
            FieldType::Year => {
                if v.len() != 4 || crate::io::date::date_parts(&v).is_none() {
                    return Err(err(&name, format!("`{v}` is not a year YYYY")));
                }
            }
            FieldType::Geometry => {
                let value: JsonValue = serde_json::from_str(&v)
                    .map_err(|e| err(&name, format!("not GeoJSON: {e}")))?;
                let g: geojson::Geometry = serde_json::from_value(value)
                    .map_err(|e| err(&name, format!("not a GeoJSON geometry: {e}")))?;
                let (mp, was_l93) = to_outline(path, &location, &name, g.value, proj)?;
                l93 |= was_l93;
                outline = Some(mp);
                continue; // the outline is kept as geometry, not as text
            }
            FieldType::GeoPoint => {
                point = Some(parse_geopoint(&v).map_err(|m| err(&name, m))?);
            }
        }
        fields.insert(name, v);
    }
    if outline.is_none()
        && let Some(g) = geometry
    {
        match (&g, class.geometry_field(), class.point_field()) {
            (GeometryValue::Point { coordinates }, _, Some(pf)) => {
                let s = coordinates.as_slice();
                let p = check_lonlat(s.first().copied(), s.get(1).copied())
                    .map_err(|m| err("geometry", m))?;
                fields.insert(pf.to_owned(), format_geopoint(p));
                point = Some(p);
            }
            (_, Some(gf), _) => {
                let (mp, was_l93) = to_outline(path, &location, gf, g, proj)?;
                l93 |= was_l93;
                outline = Some(mp);
            }
            _ => {}
        }
    }
    Ok((
        CnigRecord {
            location,
            fields,
            outline,
            point,
        },
        l93,
    ))
}

/// A number of a CNIG field (decimal point or comma), finite and within [0, MAX_NUMBER].
pub fn parse_number(v: &str) -> std::result::Result<f64, String> {
    match v.trim().replace(',', ".").parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=MAX_NUMBER).contains(&x) => Ok(x),
        Ok(x) if x.is_finite() => Err(format!("{x} outside [0, {MAX_NUMBER}]")),
        _ => Err(format!("`{v}` is not a number")),
    }
}

fn check_lonlat(x: Option<f64>, y: Option<f64>) -> std::result::Result<Point<f64>, String> {
    match (x, y) {
        (Some(x), Some(y)) if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) => {
            Ok(Point::new(x, y))
        }
        (Some(x), Some(y)) => Err(format!(
            "({x}, {y}) is not a WGS84 longitude, latitude (in degrees, longitude first)"
        )),
        _ => Err("a point needs a longitude and a latitude".into()),
    }
}

/// A Table Schema `geopoint` in its default format `"lon, lat"` (also `[lon, lat]`).
pub fn parse_geopoint(v: &str) -> std::result::Result<Point<f64>, String> {
    let t = v.trim().trim_start_matches('[').trim_end_matches(']');
    let parts: Vec<&str> = t.split(',').map(str::trim).collect();
    if parts.len() != 2 {
        return Err(format!("`{v}` is not a point `lon, lat`"));
    }
    let num = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
    check_lonlat(num(parts[0]), num(parts[1])).map_err(|m| format!("`{v}`: {m}"))
}

/// A point in the Table Schema `geopoint` default format, `lon, lat`.
pub fn format_geopoint(p: Point<f64>) -> String {
    use crate::io::csv::fmt_num;
    format!("{}, {}", fmt_num(p.x()), fmt_num(p.y()))
}

/// A (multi)polygon in WGS84 from a GeoJSON geometry in WGS84 degrees or Lambert-93 metres
/// (detected from the coordinates), validated; whether it was Lambert-93.
fn to_outline(
    path: &Path,
    location: &Location,
    field: &str,
    mut g: GeometryValue,
    proj: &Lambert93,
) -> Result<(MultiPolygon<f64>, bool), InputError> {
    let err = |msg: String| error_at(path, location, field, msg);
    let rings: Vec<&mut Vec<Position>> = match &mut g {
        GeometryValue::Polygon { coordinates } => coordinates.iter_mut().collect(),
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter_mut().flat_map(|p| p.iter_mut()).collect()
        }
        other => {
            return Err(err(format!(
                "expected a Polygon or MultiPolygon, found {}",
                other.type_name()
            )));
        }
    };
    let all: Vec<(f64, f64)> = rings
        .iter()
        .flat_map(|r| r.iter())
        .filter_map(|p| Some((*p.as_slice().first()?, *p.as_slice().get(1)?)))
        .collect();
    let degrees = all
        .iter()
        .all(|&(x, y)| (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y));
    let metres = all.iter().all(|&(x, y)| {
        (-500_000.0..=2_000_000.0).contains(&x) && (5_500_000.0..=7_500_000.0).contains(&y)
    });
    let lambert = !degrees && metres;
    if !degrees && !metres {
        return Err(err(
            "coordinates are neither WGS84 degrees nor Lambert-93 metres (EPSG:2154)".into(),
        ));
    }
    // The standard's own example closes its rings to 7 mm (656589.70 … 656589.707): a ring
    // whose ends are that close is closed, not refused.
    let tolerance = if lambert { 0.05 } else { 5e-7 };
    let mut rings = rings;
    for ring in rings.iter_mut() {
        if let (Some(a), Some(b)) = (ring.first(), ring.last())
            && a != b
            && a.as_slice().len() >= 2
            && b.as_slice().len() >= 2
            && (a.as_slice()[0] - b.as_slice()[0]).abs() <= tolerance
            && (a.as_slice()[1] - b.as_slice()[1]).abs() <= tolerance
        {
            let first = a.clone();
            if let Some(last) = ring.last_mut() {
                *last = first;
            }
        }
    }
    if lambert {
        for ring in rings {
            for p in ring.iter_mut() {
                let s = p.as_slice();
                if s.len() < 2 {
                    continue; // reported by the validation below
                }
                let (lon, lat) = proj
                    .to_wgs84(s[0], s[1])
                    .map_err(|e| err(format!("Lambert-93 → WGS84: {e}")))?;
                *p = Position::from(vec![lon, lat]);
            }
        }
    }
    let f = RawFeature {
        file: path.to_path_buf(),
        index: 0,
        id: None,
        properties: JsonObject::new(),
        geometry: Some(g),
    };
    let mp = f.multipolygon().map_err(|e| err(e.message))?;
    Ok((mp, lambert))
}
