//! GeoJSON (RFC 7946) reading with validation, and writing.
//!
//! Reading parses the FeatureCollection, then converts each feature's geometry by hand so that
//! every problem (truncated file, wrong geometry type, unclosed ring, coordinates out of range,
//! self-intersection) is reported with the file, the feature index and id, and the field.

use std::path::{Path, PathBuf};

use geo::{Coord, LineString, MultiPolygon, Point, Polygon, Validation};
use geojson::{Feature, FeatureCollection, GeometryValue, JsonObject, JsonValue, Position};

use crate::error::{Error, InputError, Location, Result};

/// A feature read from a file: its index, the value of its id property, its properties and
/// geometry.
#[derive(Debug, Clone)]
pub struct RawFeature {
    /// The file it comes from.
    pub file: PathBuf,
    /// 0-based index in the collection.
    pub index: usize,
    /// Identifier (from the property named by the caller, or the feature's `id`).
    pub id: Option<String>,
    /// Properties (empty when absent).
    pub properties: JsonObject,
    /// Geometry, if any.
    pub geometry: Option<GeometryValue>,
}

impl RawFeature {
    /// Location of this feature, for errors.
    pub fn location(&self) -> Location {
        Location::Feature {
            index: self.index,
            id: self.id.clone(),
        }
    }

    /// An error about `field` of this feature.
    pub fn error(&self, field: Option<&str>, message: impl Into<String>) -> InputError {
        InputError::new(&self.file, self.location(), field, message)
    }

    /// A required string property (numbers are accepted and turned into strings).
    pub fn str_prop(&self, key: &str) -> Result<String, InputError> {
        match self.properties.get(key) {
            Some(JsonValue::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            Some(JsonValue::Number(n)) => Ok(n.to_string()),
            Some(JsonValue::String(_)) => Err(self.error(Some(key), "empty value")),
            Some(other) => Err(self.error(Some(key), format!("expected a string, found {other}"))),
            None => Err(self.error(Some(key), "missing property")),
        }
    }

    /// An optional string property.
    pub fn str_prop_opt(&self, key: &str) -> Option<String> {
        self.str_prop(key).ok()
    }

    /// A required non-negative integer property.
    pub fn u64_prop(&self, key: &str) -> Result<u64, InputError> {
        match self.properties.get(key) {
            Some(JsonValue::Number(n)) => n
                .as_u64()
                .ok_or_else(|| self.error(Some(key), format!("`{n}` is not a whole number ≥ 0"))),
            Some(JsonValue::String(s)) => s
                .trim()
                .parse()
                .map_err(|_| self.error(Some(key), format!("`{s}` is not a whole number ≥ 0"))),
            Some(other) => Err(self.error(Some(key), format!("expected a number, found {other}"))),
            None => Err(self.error(Some(key), "missing property")),
        }
    }

    /// A list of strings (JSON array of strings, or a `;`-separated string).
    pub fn list_prop(&self, key: &str) -> Vec<String> {
        match self.properties.get(key) {
            Some(JsonValue::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(JsonValue::String(s)) => s
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The geometry as a validated (multi)polygon.
    pub fn multipolygon(&self) -> Result<MultiPolygon<f64>, InputError> {
        let g = self
            .geometry
            .as_ref()
            .ok_or_else(|| self.error(Some("geometry"), "missing geometry"))?;
        let mp = match g {
            GeometryValue::Polygon { coordinates } => {
                MultiPolygon(vec![self.polygon(coordinates, 0)?])
            }
            GeometryValue::MultiPolygon { coordinates } => MultiPolygon(
                coordinates
                    .iter()
                    .enumerate()
                    .map(|(i, p)| self.polygon(p, i))
                    .collect::<Result<_, _>>()?,
            ),
            other => {
                return Err(self.error(
                    Some("geometry"),
                    format!(
                        "wrong geometry type: expected Polygon or MultiPolygon, found {}",
                        other.type_name()
                    ),
                ));
            }
        };
        if let Err(e) = mp.check_validation() {
            return Err(self.error(Some("geometry"), format!("invalid geometry: {e}")));
        }
        Ok(rfc7946_orient(&mp))
    }

    /// The geometry as a point.
    pub fn point(&self) -> Result<Point<f64>, InputError> {
        match &self.geometry {
            Some(GeometryValue::Point { coordinates }) => {
                let c = self.coord(coordinates, "point")?;
                Ok(Point(c))
            }
            Some(other) => Err(self.error(
                Some("geometry"),
                format!(
                    "wrong geometry type: expected Point, found {}",
                    other.type_name()
                ),
            )),
            None => Err(self.error(Some("geometry"), "missing geometry")),
        }
    }

    fn coord(&self, p: &Position, what: &str) -> Result<Coord<f64>, InputError> {
        let s = p.as_slice();
        if s.len() < 2 {
            return Err(self.error(
                Some("geometry"),
                format!("{what}: position with fewer than 2 numbers"),
            ));
        }
        let (x, y) = (s[0], s[1]);
        if !x.is_finite() || !(-180.0..=180.0).contains(&x) {
            return Err(self.error(
                Some("geometry"),
                format!("{what}: longitude {x} out of range"),
            ));
        }
        if !y.is_finite() || !(-90.0..=90.0).contains(&y) {
            return Err(self.error(
                Some("geometry"),
                format!("{what}: latitude {y} out of range"),
            ));
        }
        Ok(Coord { x, y })
    }

    fn polygon(&self, rings: &[Vec<Position>], pi: usize) -> Result<Polygon<f64>, InputError> {
        if rings.is_empty() {
            return Err(self.error(Some("geometry"), format!("polygon {pi} has no ring")));
        }
        let mut out = Vec::with_capacity(rings.len());
        for (ri, ring) in rings.iter().enumerate() {
            let what = format!("polygon {pi}, ring {ri}");
            if ring.len() < 4 {
                return Err(self.error(
                    Some("geometry"),
                    format!(
                        "{what}: a ring needs at least 4 positions, found {}",
                        ring.len()
                    ),
                ));
            }
            let coords: Vec<Coord<f64>> = ring
                .iter()
                .map(|p| self.coord(p, &what))
                .collect::<Result<_, _>>()?;
            if coords[0] != coords[coords.len() - 1] {
                return Err(self.error(
                    Some("geometry"),
                    format!("{what}: unclosed ring (first and last positions differ)"),
                ));
            }
            out.push(LineString(coords));
        }
        let exterior = out.remove(0);
        Ok(Polygon::new(exterior, out))
    }
}

/// Read a FeatureCollection from `path`; `id_property` names the property used as feature id in
/// errors (falls back to the feature's `id`).
pub fn read_features(path: &Path, id_property: &str) -> Result<Vec<RawFeature>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_features(path, &text, id_property)
}

/// Parse a FeatureCollection's text as if read from `path`.
pub fn parse_features(path: &Path, text: &str, id_property: &str) -> Result<Vec<RawFeature>> {
    let value: JsonValue = serde_json::from_str(text).map_err(|e| {
        InputError::new(
            path,
            Location::Line(e.line() as u64),
            None,
            format!("malformed JSON: {e}"),
        )
    })?;
    let obj = value
        .as_object()
        .ok_or_else(|| InputError::new(path, Location::File, None, "not a JSON object"))?;
    match obj.get("type").and_then(JsonValue::as_str) {
        Some("FeatureCollection") => {}
        Some(t) => {
            return Err(InputError::new(
                path,
                Location::File,
                Some("type"),
                format!("expected a FeatureCollection, found {t}"),
            )
            .into());
        }
        None => {
            return Err(
                InputError::new(path, Location::File, Some("type"), "missing `type`").into(),
            );
        }
    }
    let features = obj
        .get("features")
        .and_then(JsonValue::as_array)
        .ok_or_else(|| {
            InputError::new(
                path,
                Location::File,
                Some("features"),
                "missing features array",
            )
        })?;
    let mut out = Vec::with_capacity(features.len());
    for (index, f) in features.iter().enumerate() {
        let id = f
            .get("properties")
            .and_then(|p| p.get(id_property))
            .and_then(|v| match v {
                JsonValue::String(s) => Some(s.clone()),
                JsonValue::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .or_else(|| match f.get("id") {
                Some(JsonValue::String(s)) => Some(s.clone()),
                Some(JsonValue::Number(n)) => Some(n.to_string()),
                _ => None,
            });
        let feature: Feature = serde_json::from_value(f.clone()).map_err(|e| {
            InputError::new(
                path,
                Location::Feature {
                    index,
                    id: id.clone(),
                },
                None,
                format!("not a valid GeoJSON feature: {e}"),
            )
        })?;
        out.push(RawFeature {
            file: path.to_path_buf(),
            index,
            id,
            properties: feature.properties.unwrap_or_default(),
            geometry: feature.geometry.map(|g| g.value),
        });
    }
    Ok(out)
}

/// A feature from a geometry and properties.
pub fn feature(geometry: GeometryValue, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(geojson::Geometry::new(geometry)),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

/// Serialise features as a FeatureCollection, one feature per line (diff-friendly).
pub fn collection_string(features: Vec<Feature>) -> Result<String> {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    let n = features.len();
    for (i, f) in features.into_iter().enumerate() {
        let line = serde_json::to_string(&f)
            .map_err(|e| Error::Invalid(format!("GeoJSON encoding: {e}")))?;
        s.push_str(&line);
        if i + 1 < n {
            s.push(',');
        }
        s.push('\n');
    }
    s.push_str("]}\n");
    Ok(s)
}

/// Round coordinates to `decimals` places (7 ≈ 1 cm), keeping rings closed, with the ring
/// orientation RFC 7946 asks for (see [`rfc7946_orient`]): every GeoJSON boucle writes goes
/// through here.
pub fn round_multipolygon(mp: &MultiPolygon<f64>, decimals: i32) -> MultiPolygon<f64> {
    use geo::MapCoords;
    let f = 10f64.powi(decimals);
    rfc7946_orient(&mp.map_coords(|c| Coord {
        x: (c.x * f).round() / f,
        y: (c.y * f).round() / f,
    }))
}

/// Outer rings counter-clockwise, holes clockwise (RFC 7946 § 3.1.6).
pub fn rfc7946_orient(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::orient::{Direction, Orient};
    mp.orient(Direction::Default)
}

/// FeatureCollection wrapper for callers that build one directly.
pub fn to_collection(features: Vec<Feature>) -> FeatureCollection {
    FeatureCollection::new(features)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_rings_are_counter_clockwise() {
        use geo::{LineString, Polygon, Winding};
        // a clockwise square with a counter-clockwise hole
        let outer = LineString::from(vec![(0., 0.), (0., 1.), (1., 1.), (1., 0.), (0., 0.)]);
        let hole = LineString::from(vec![
            (0.2, 0.2),
            (0.8, 0.2),
            (0.8, 0.8),
            (0.2, 0.8),
            (0.2, 0.2),
        ]);
        assert!(outer.is_cw() && hole.is_ccw());
        let mp = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        let r = round_multipolygon(&mp, 7);
        assert!(r.0[0].exterior().is_ccw());
        assert!(r.0[0].interiors()[0].is_cw());
    }

    fn parse(text: &str) -> Result<Vec<RawFeature>> {
        parse_features(Path::new("t.geojson"), text, "code")
    }

    #[test]
    fn truncated_file_names_the_line() {
        let e = parse("{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feat")
            .unwrap_err();
        let s = e.to_string();
        assert!(s.starts_with("t.geojson, line 3: malformed JSON"), "{s}");
    }

    #[test]
    fn unclosed_ring_and_wrong_type_name_the_feature() {
        let f = parse(r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"68001"},"geometry":{"type":"Polygon","coordinates":[[[7,47],[7.1,47],[7.1,47.1],[7,47.1]]]}},
            {"type":"Feature","properties":{"code":"68002"},"geometry":{"type":"LineString","coordinates":[[7,47],[7.1,47]]}}]}"#).unwrap();
        let e = f[0].multipolygon().unwrap_err().to_string();
        assert!(
            e.contains("feature 0 (id 68001), field `geometry`: polygon 0, ring 0: unclosed ring"),
            "{e}"
        );
        let e = f[1].multipolygon().unwrap_err().to_string();
        assert!(e.contains("feature 1 (id 68002), field `geometry`: wrong geometry type: expected Polygon or MultiPolygon, found LineString"), "{e}");
    }

    #[test]
    fn self_intersection_is_reported() {
        let f = parse(r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"bowtie"},"geometry":{"type":"Polygon","coordinates":[[[7,47],[7.1,47.1],[7.1,47],[7,47.1],[7,47]]]}}]}"#).unwrap();
        let e = f[0].multipolygon().unwrap_err().to_string();
        assert!(
            e.contains("feature 0 (id bowtie)") && e.contains("invalid geometry"),
            "{e}"
        );
        assert!(e.to_lowercase().contains("intersect"), "{e}");
    }
}
