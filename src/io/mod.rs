//! File formats: GeoJSON, ESRI Shapefile (with Lambert-93 → WGS84 reprojection), CSV, and atomic
//! writes (temp file then rename).

pub mod atomic;
