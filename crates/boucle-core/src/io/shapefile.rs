//! ESRI Shapefile (.shp/.shx/.dbf/.prj) polygons, reprojected to WGS84.
//!
//! The CRS is read from the `.prj` (WKT): Lambert-93 (EPSG:2154, as in IGN ADMIN EXPRESS) is
//! reprojected with [`crate::io::projection`]; WGS84 (or RGF93 geographic, identical at our
//! scale) is kept as is. A missing `.prj` or another CRS is an error: guessing a CRS silently
//! would put communes in the sea.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Coord, MapCoords, MultiPolygon, Validation};

use crate::error::{Error, InputError, Location, Result};
use crate::io::projection::Lambert93;

/// Coordinate reference systems understood in `.prj` files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// RGF93 / Lambert-93 (EPSG:2154), metres.
    Lambert93,
    /// WGS84 (EPSG:4326) or RGF93 geographic (EPSG:4171), degrees.
    Wgs84,
}

/// A polygon record read from a shapefile, in WGS84.
#[derive(Debug, Clone)]
pub struct ShapeRecord {
    /// 0-based record index.
    pub index: usize,
    /// Attribute values (dBase fields), as text.
    pub attributes: BTreeMap<String, String>,
    /// The geometry in WGS84.
    pub geometry: MultiPolygon<f64>,
}

/// The Lambert-93 `.prj` WKT, as written by IGN products.
pub const LAMBERT93_PRJ: &str = r#"PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

/// The WGS84 `.prj` WKT.
pub const WGS84_PRJ: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

/// Identify the CRS of a `.prj` WKT text.
pub fn crs_from_wkt(wkt: &str) -> Option<Crs> {
    let w = wkt.to_ascii_lowercase().replace([' ', '-'], "_");
    if w.starts_with("projcs") {
        let lambert = w.contains("lambert_93")
            || w.contains("lambert93")
            || w.contains("2154")
            || (w.contains("lambert_conformal_conic")
                && w.contains("rgf")
                && w.contains("700000")
                && w.contains("6600000"));
        lambert.then_some(Crs::Lambert93)
    } else if w.starts_with("geogcs") {
        (w.contains("wgs_1984") || w.contains("wgs84") || w.contains("rgf")).then_some(Crs::Wgs84)
    } else {
        None
    }
}

/// Read every polygon of a shapefile with its attributes, in WGS84.
pub fn read_polygons(shp: &Path) -> Result<Vec<ShapeRecord>> {
    let prj = shp.with_extension("prj");
    let wkt = std::fs::read_to_string(&prj).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::from(InputError::new(
                shp,
                Location::File,
                None,
                format!(
                    "missing .prj file ({}): the coordinate system is unknown (expected Lambert-93 EPSG:2154 or WGS84)",
                    prj.display()
                ),
            ))
        } else {
            Error::io(&prj, e)
        }
    })?;
    let crs = crs_from_wkt(wkt.trim()).ok_or_else(|| {
        InputError::new(
            &prj,
            Location::File,
            None,
            format!(
                "unsupported coordinate system (expected Lambert-93 EPSG:2154 or WGS84): {}",
                wkt.chars().take(80).collect::<String>()
            ),
        )
    })?;
    let shp_err = |e: shapefile::Error| -> Error {
        InputError::new(
            shp,
            Location::File,
            None,
            format!("cannot read shapefile: {e}"),
        )
        .into()
    };
    let mut reader = shapefile::Reader::from_path(shp).map_err(shp_err)?;
    let proj = Lambert93::new()?;
    let mut out = Vec::new();
    for (index, item) in reader.iter_shapes_and_records().enumerate() {
        let loc = || Location::Feature { index, id: None };
        let (shape, record) = item
            .map_err(|e| InputError::new(shp, loc(), None, format!("cannot read record: {e}")))?;
        let mut attributes = BTreeMap::new();
        for (name, value) in record {
            attributes.insert(name, field_text(&value));
        }
        let polygon = match shape {
            shapefile::Shape::Polygon(p) => p,
            other => {
                return Err(InputError::new(
                    shp,
                    loc(),
                    Some("geometry"),
                    format!(
                        "wrong geometry type: expected Polygon, found {}",
                        other.shapetype()
                    ),
                )
                .into());
            }
        };
        let mp: MultiPolygon<f64> = MultiPolygon::try_from(polygon).map_err(|e| {
            InputError::new(
                shp,
                loc(),
                Some("geometry"),
                format!("invalid polygon: {e}"),
            )
        })?;
        let mp = match crs {
            Crs::Wgs84 => mp,
            Crs::Lambert93 => mp
                .try_map_coords(|c| proj.to_wgs84(c.x, c.y).map(|(x, y)| Coord { x, y }))
                .map_err(|e| InputError::new(shp, loc(), Some("geometry"), e.to_string()))?,
        };
        if let Err(e) = mp.check_validation() {
            return Err(InputError::new(
                shp,
                loc(),
                Some("geometry"),
                format!("invalid geometry: {e}"),
            )
            .into());
        }
        out.push(ShapeRecord {
            index,
            attributes,
            geometry: mp,
        });
    }
    Ok(out)
}

fn field_text(v: &shapefile::dbase::FieldValue) -> String {
    use shapefile::dbase::FieldValue as F;
    match v {
        F::Character(Some(s)) | F::Memo(s) => s.trim().to_owned(),
        F::Numeric(Some(n)) | F::Double(n) | F::Currency(n) => crate::io::csv::fmt_num(*n),
        F::Float(Some(n)) => crate::io::csv::fmt_num(f64::from(*n)),
        F::Integer(i) => i.to_string(),
        F::Logical(Some(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// Write polygons with text attributes as a shapefile in the given CRS (reprojecting from WGS84
/// when `crs` is Lambert-93), with its `.prj`. Used by tests and exports.
pub fn write_polygons(
    shp: &Path,
    crs: Crs,
    fields: &[&str],
    records: &[(Vec<String>, MultiPolygon<f64>)],
) -> Result<()> {
    use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    let mut builder = TableWriterBuilder::new();
    for f in fields {
        let name = FieldName::try_from(*f)
            .map_err(|_| Error::Invalid(format!("invalid dBase field name `{f}`")))?;
        builder = builder.add_character_field(name, 254);
    }
    let err = |e: shapefile::Error| Error::Invalid(format!("{}: {e}", shp.display()));
    let mut writer = shapefile::Writer::from_path(shp, builder).map_err(err)?;
    let proj = Lambert93::new()?;
    for (values, mp) in records {
        let mp = match crs {
            Crs::Wgs84 => mp.clone(),
            Crs::Lambert93 => {
                mp.try_map_coords(|c| proj.from_wgs84(c.x, c.y).map(|(x, y)| Coord { x, y }))?
            }
        };
        let shape = shapefile::Polygon::from(mp);
        let mut record = Record::default();
        for (f, v) in fields.iter().zip(values) {
            record.insert((*f).to_owned(), FieldValue::Character(Some(v.clone())));
        }
        writer
            .write_shape_and_record(&shape, &record)
            .map_err(err)?;
    }
    drop(writer);
    let prj: PathBuf = shp.with_extension("prj");
    let wkt = match crs {
        Crs::Lambert93 => LAMBERT93_PRJ,
        Crs::Wgs84 => WGS84_PRJ,
    };
    std::fs::write(&prj, wkt).map_err(|e| Error::io(&prj, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_ign_and_esri_wkt() {
        assert_eq!(crs_from_wkt(LAMBERT93_PRJ), Some(Crs::Lambert93));
        assert_eq!(crs_from_wkt(WGS84_PRJ), Some(Crs::Wgs84));
        assert_eq!(
            crs_from_wkt(r#"PROJCS["WGS 84 / UTM zone 32N",GEOGCS["WGS 84"]]"#),
            None
        );
    }
}
