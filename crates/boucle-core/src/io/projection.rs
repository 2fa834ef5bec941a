//! Lambert-93 (EPSG:2154) ↔ WGS84 (EPSG:4326) with the pure-Rust `proj4rs`.
//!
//! proj4rs takes and returns geographic coordinates in radians; this module speaks degrees.

use proj4rs::proj::Proj;

use crate::error::{Error, Result};

/// PROJ string of Lambert-93 (RGF93 v1 / Lambert-93, EPSG:2154).
pub const LAMBERT93: &str = "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";
/// PROJ string of WGS84 geographic coordinates.
pub const WGS84: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";

/// A converter between Lambert-93 metres and WGS84 degrees.
pub struct Lambert93 {
    l93: Proj,
    wgs84: Proj,
}

impl std::fmt::Debug for Lambert93 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lambert93")
    }
}

impl Lambert93 {
    /// Build the converter.
    pub fn new() -> Result<Self> {
        let l93 = Proj::from_proj_string(LAMBERT93)
            .map_err(|e| Error::Invalid(format!("Lambert-93 definition: {e}")))?;
        let wgs84 = Proj::from_proj_string(WGS84)
            .map_err(|e| Error::Invalid(format!("WGS84 definition: {e}")))?;
        Ok(Lambert93 { l93, wgs84 })
    }

    /// Lambert-93 (x, y) in metres → (lon, lat) in degrees.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64)> {
        let mut p = (x, y);
        proj4rs::transform::transform(&self.l93, &self.wgs84, &mut p)
            .map_err(|e| Error::Invalid(format!("cannot project L93 ({x}, {y}): {e}")))?;
        Ok((p.0.to_degrees(), p.1.to_degrees()))
    }

    /// (lon, lat) in degrees → Lambert-93 (x, y) in metres.
    pub fn from_wgs84(&self, lon: f64, lat: f64) -> Result<(f64, f64)> {
        let mut p = (lon.to_radians(), lat.to_radians());
        proj4rs::transform::transform(&self.wgs84, &self.l93, &mut p)
            .map_err(|e| Error::Invalid(format!("cannot project ({lon}, {lat}) to L93: {e}")))?;
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference pairs computed with PROJ 9.5 (EPSG:2154 → EPSG:4326).
    const REFERENCE: [(f64, f64, f64, f64); 4] = [
        (700000.0, 6600000.0, 3.00000000, 46.50000000),
        (652469.02, 6862035.26, 2.35219996, 48.85660001),
        (1044000.0, 6298000.0, 7.26836782, 43.69733386),
        (351000.0, 6790000.0, -1.69268167, 48.11700963),
    ];

    #[test]
    fn matches_proj_reference_pairs_under_a_centimetre() {
        let p = Lambert93::new().unwrap();
        for (x, y, lon, lat) in REFERENCE {
            let (glon, glat) = p.to_wgs84(x, y).unwrap();
            // 1 cm ≈ 9e-8° of latitude; longitude degrees are shorter, so this is stricter.
            let dy_m = (glat - lat) * 111_320.0;
            let dx_m = (glon - lon) * 111_320.0 * lat.to_radians().cos();
            assert!(
                dx_m.hypot(dy_m) < 0.01,
                "({x},{y}) → ({glon},{glat}) vs ({lon},{lat})"
            );
            let (bx, by) = p.from_wgs84(lon, lat).unwrap();
            assert!(
                (bx - x).hypot(by - y) < 0.01,
                "inverse of ({lon},{lat}) → ({bx},{by})"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn round_trip_under_a_millimetre(x in 100_000.0f64..1_200_000.0, y in 6_050_000.0f64..7_100_000.0) {
            let p = Lambert93::new().unwrap();
            let (lon, lat) = p.to_wgs84(x, y).unwrap();
            let (bx, by) = p.from_wgs84(lon, lat).unwrap();
            proptest::prop_assert!((bx - x).hypot(by - y) < 0.001);
        }
    }
}
