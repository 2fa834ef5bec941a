//! Travel costs between indexed locations: the one [`CostMatrix`] trait the engine reads, a
//! dense implementation, and the [`Method`] that says how the costs were obtained.

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
