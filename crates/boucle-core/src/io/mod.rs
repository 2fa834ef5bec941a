//! File formats: GeoJSON, ESRI Shapefile (with Lambert-93 → WGS84 reprojection), CSV, and atomic
//! writes (temp file then rename).

pub mod atomic;
pub mod csv;
pub mod geojson;
pub mod projection;
pub mod shapefile;
