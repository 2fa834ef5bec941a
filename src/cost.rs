//! Travel costs between points: one trait for every consumer (clustering, rounds, siting),
//! implemented by the road graph ([`crate::network`]) and by the great-circle fallback
//! ([`CrowFlies`]).
//!
//! Every figure carries the [`Method`] that produced it, so that the CLI, the API and the map can
//! say whether a distance was measured on roads or estimated as the crow flies.

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

/// How a distance or duration was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Shortest path on the imported OpenStreetMap road graph.
    Road,
    /// Great-circle distance × a circuity factor, at a constant speed: an estimate.
    CrowFlies,
}

impl Method {
    /// The snake_case name used in JSON and CSV output (`road`, `crow_flies`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Road => "road",
            Method::CrowFlies => "crow_flies",
        }
    }
}

/// A square or rectangular table of travel costs between indexed locations.
///
/// Indices refer to the caller's list of locations. Distances are in metres, durations in
/// seconds. Implementations must be cheap to query (O(1)).
pub trait CostMatrix {
    /// Number of sources (rows).
    fn rows(&self) -> usize;
    /// Number of destinations (columns).
    fn cols(&self) -> usize;
    /// Travel distance from source `from` to destination `to`, in metres.
    fn distance_m(&self, from: usize, to: usize) -> f64;
    /// Travel duration from source `from` to destination `to`, in seconds.
    fn duration_s(&self, from: usize, to: usize) -> f64;
    /// How these costs were obtained.
    fn method(&self) -> Method;
}

/// A dense row-major matrix of distances and durations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseMatrix {
    /// Number of rows (sources).
    pub rows: usize,
    /// Number of columns (destinations).
    pub cols: usize,
    /// Distances in metres, row-major (`rows × cols`).
    pub distances_m: Vec<f64>,
    /// Durations in seconds, row-major (`rows × cols`).
    pub durations_s: Vec<f64>,
    /// How the costs were obtained.
    pub method: Method,
}

impl DenseMatrix {
    /// Planar Euclidean matrix between `points` (x, y in metres), as benchmarks and tests use:
    /// distances rounded to the nearest metre when `round` (as CVRPLIB does), durations =
    /// distance ÷ `speed_m_per_s`; `method` is `crow_flies`.
    pub fn planar(points: &[(f64, f64)], speed_m_per_s: f64, round: bool) -> DenseMatrix {
        let n = points.len();
        let mut d = Vec::with_capacity(n * n);
        for a in points {
            for b in points {
                let x = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                d.push(if round { x.round() } else { x });
            }
        }
        DenseMatrix {
            rows: n,
            cols: n,
            durations_s: d.iter().map(|x| x / speed_m_per_s).collect(),
            distances_m: d,
            method: Method::CrowFlies,
        }
    }
}

impl CostMatrix for DenseMatrix {
    fn rows(&self) -> usize {
        self.rows
    }
    fn cols(&self) -> usize {
        self.cols
    }
    fn distance_m(&self, from: usize, to: usize) -> f64 {
        self.distances_m[from * self.cols + to]
    }
    fn duration_s(&self, from: usize, to: usize) -> f64 {
        self.durations_s[from * self.cols + to]
    }
    fn method(&self) -> Method {
        self.method
    }
}

/// Fallback travel costs without a road graph: great-circle (haversine) distance multiplied by a
/// circuity factor, travelled at a constant speed. Every figure it yields is an estimate and is
/// flagged [`Method::CrowFlies`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CrowFlies {
    /// Ratio of road distance to great-circle distance (default 1.3).
    pub circuity: f64,
    /// Mean speed in km/h used to turn distances into durations (default 50 km/h).
    pub speed_kmh: f64,
}

impl Default for CrowFlies {
    fn default() -> Self {
        CrowFlies {
            circuity: 1.3,
            speed_kmh: 50.0,
        }
    }
}

impl CrowFlies {
    /// Estimated road distance in metres between two WGS84 points (lon, lat).
    pub fn distance_m(&self, a: Point<f64>, b: Point<f64>) -> f64 {
        Haversine.distance(a, b) * self.circuity
    }

    /// Estimated duration in seconds for a distance in metres.
    pub fn duration_for_m(&self, distance_m: f64) -> f64 {
        distance_m / (self.speed_kmh / 3.6)
    }

    /// Dense matrix from every source to every destination.
    pub fn matrix(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> DenseMatrix {
        let mut distances_m = Vec::with_capacity(sources.len() * destinations.len());
        for &s in sources {
            for &d in destinations {
                distances_m.push(self.distance_m(s, d));
            }
        }
        let durations_s = distances_m
            .iter()
            .map(|&d| self.duration_for_m(d))
            .collect();
        DenseMatrix {
            rows: sources.len(),
            cols: destinations.len(),
            distances_m,
            durations_s,
            method: Method::CrowFlies,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crow_flies_thann_cernay_is_about_road_scale() {
        // Thann and Cernay town representative points, ~6.2 km apart as the crow flies.
        let thann = Point::new(7.09666, 47.81592);
        let cernay = Point::new(7.17703, 47.79404);
        let cf = CrowFlies::default();
        let m = cf.matrix(&[thann, cernay], &[thann, cernay]);
        assert_eq!(m.method(), Method::CrowFlies);
        assert_eq!(m.distance_m(0, 0), 0.0);
        let d = m.distance_m(0, 1);
        let gc = Haversine.distance(thann, cernay);
        assert!((6000.0..6600.0).contains(&gc), "great circle {gc}");
        assert!((d - gc * 1.3).abs() < 1e-6);
        assert!((m.duration_s(0, 1) - d / (50.0 / 3.6)).abs() < 1e-6);
        assert_eq!(m.distance_m(0, 1), m.distance_m(1, 0));
    }
}
