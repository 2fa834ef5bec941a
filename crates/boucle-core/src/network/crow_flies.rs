//! The crow-flies fallback: great-circle distance × a circuity factor at a constant speed, used
//! when no road graph has been imported. Every figure it yields is an estimate, flagged
//! [`Method::CrowFlies`].

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

use boucle_vrp::{DenseMatrix, Method};

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
    use boucle_vrp::CostMatrix;

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
