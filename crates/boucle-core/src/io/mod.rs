//! File formats: GeoJSON, ESRI Shapefile (with Lambert-93 → WGS84 reprojection), CSV, atomic
//! writes (temp file then rename), and the small text and date helpers every reader shares.

pub mod atomic;
pub mod csv;
pub mod date;
pub mod encoding;
pub mod geojson;
pub mod projection;
pub mod shapefile;
pub mod text;
pub mod zip;
