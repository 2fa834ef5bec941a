//! One travel-cost context per territory, shared by every capability (rounds, clusters, siting,
//! synergy matching, indicators): the router is chosen once and the fallback is the same
//! everywhere.
//!
//! - With a road graph in the territory folder (`network.graph`), distances and durations are
//!   shortest paths on it ([`Method::Road`]). A pair of points the graph cannot join gets the
//!   crow-flies estimate instead, and the table counts such pairs ([`TravelTable::unreachable`])
//!   so that every answer can say so. If the graph cannot be used at all for a table (a point
//!   too far from any road), the whole table is the crow-flies estimate and says why.
//! - Without a graph, every figure is great-circle distance × the manifest's circuity at its
//!   speed ([`Method::CrowFlies`]): an estimate, flagged as such.
//!
//! The server loads the context once at start and shares it between requests, loading the
//! graph again when its file changes ([`SharedTravel`]); the CLI builds it per command
//! ([`Travel::for_territory`]).

mod shared;
pub use shared::SharedTravel;

use std::path::PathBuf;
use std::sync::Arc;

use geo::Point;

use crate::error::Result;
pub use crate::network::CrowFlies;
use crate::network::{
    BrokenLimit, GRAPH_FILE, Router, RouterOptions, VehicleLimits, open_router_with,
};
use crate::territory::Territory;
pub use boucle_vrp::{CostMatrix, DenseMatrix, Method};

/// The travel-cost context of a territory: its router and its crow-flies fallback.
pub struct Travel {
    router: Arc<dyn Router>,
    crow_flies: CrowFlies,
    graph: Option<PathBuf>,
    /// The vehicle whose size this context routes for, when it changed the graph.
    vehicle: Option<VehicleLimits>,
    /// The router of the whole graph (the same as `router` without a vehicle).
    base: Arc<dyn Router>,
}

impl std::fmt::Debug for Travel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Travel")
            .field("method", &self.method())
            .field("crow_flies", &self.crow_flies)
            .field("graph", &self.graph)
            .field("vehicle", &self.vehicle)
            .finish()
    }
}

/// A table of travel costs from every source to every destination, with how many pairs were
/// estimated and why.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelTable {
    /// Distances (m) and durations (s), row-major; always finite.
    pub matrix: DenseMatrix,
    /// Pairs with no road path on the graph, filled with the crow-flies estimate (0 without a
    /// road graph).
    pub unreachable: usize,
    /// Why the road graph could not be used at all for this table (e.g. a point too far from
    /// any road): the whole table is then the crow-flies estimate.
    pub fallback_reason: Option<String>,
}

impl TravelTable {
    /// How the table was obtained (`crow_flies` when the whole table fell back).
    pub fn method(&self) -> Method {
        self.matrix.method
    }

    /// What the reader should know about this table, in words (empty when every pair was
    /// measured as the method says).
    pub fn warnings(&self, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(why) = &self.fallback_reason {
            out.push(why.clone());
        }
        if self.unreachable > 0 {
            out.push(format!(
                "{} {what} pair(s) without a road path: crow-flies estimate used",
                self.unreachable
            ));
        }
        out
    }
}

impl Travel {
    /// The context of territory `t`: its road graph when `network.graph` exists in its folder,
    /// else the crow-flies fallback with the manifest's circuity and speed.
    pub fn for_territory(t: &Territory) -> Result<Travel> {
        let crow_flies = crow_flies_of(t);
        let router = open_router_with(
            &t.dir,
            &RouterOptions {
                crow_flies,
                ..RouterOptions::default()
            },
        )?;
        Ok(Travel::from_router(
            router,
            crow_flies,
            t.dir.join(GRAPH_FILE),
        ))
    }

    /// A context over `router`, opened from graph file `graph` when it is a road router.
    fn from_router(router: Box<dyn Router>, crow_flies: CrowFlies, graph: PathBuf) -> Travel {
        let router: Arc<dyn Router> = Arc::from(router);
        Travel {
            graph: (router.method() == Method::Road).then_some(graph),
            base: router.clone(),
            router,
            crow_flies,
            vehicle: None,
        }
    }

    /// The context of a vehicle of this size: on a road graph where it breaks some roads'
    /// legal limits (`maxweight`, `maxheight`, `maxlength`, `maxaxleload`), its tables and legs
    /// avoid them (see [`crate::network::vehicle`]); otherwise the same context.
    pub fn for_vehicle(&self, vehicle: &VehicleLimits) -> Travel {
        let router = if vehicle.is_unset() {
            None
        } else {
            self.router.for_vehicle(vehicle)
        };
        Travel {
            vehicle: router.as_ref().map(|_| *vehicle).or(self.vehicle),
            router: router.unwrap_or_else(|| self.router.clone()),
            crow_flies: self.crow_flies,
            graph: self.graph.clone(),
            base: self.base.clone(),
        }
    }

    /// The vehicle size this context avoids roads for (`None`: every road of the graph).
    pub fn vehicle(&self) -> Option<&VehicleLimits> {
        self.vehicle.as_ref()
    }

    /// The legal limits that made a leg differ from the route a vehicle without them would
    /// take (empty without a vehicle or when nothing did).
    pub fn limits_on_leg(&self, from: Point<f64>, to: Point<f64>) -> Vec<BrokenLimit> {
        match &self.vehicle {
            Some(v) => self.base.limits_on_route(from, to, v),
            None => Vec::new(),
        }
    }

    /// A context over a router the caller built, with `crow_flies` as the fallback.
    pub fn with_router(router: Box<dyn Router>, crow_flies: CrowFlies) -> Travel {
        let router: Arc<dyn Router> = Arc::from(router);
        Travel {
            base: router.clone(),
            router,
            crow_flies,
            graph: None,
            vehicle: None,
        }
    }

    /// How distances are obtained: `road` with a graph, else `crow_flies`.
    pub fn method(&self) -> Method {
        self.router.method()
    }

    /// The crow-flies fallback (circuity and speed).
    pub fn crow_flies(&self) -> CrowFlies {
        self.crow_flies
    }

    /// The router.
    pub fn router(&self) -> &dyn Router {
        self.router.as_ref()
    }

    /// Travel costs from every point of `from` to every point of `to` (see the module
    /// documentation for the fallback).
    /// More than [`crate::limits::max_matrix_points`] points on either side is an error, before
    /// anything is allocated.
    pub fn table(&self, from: &[Point<f64>], to: &[Point<f64>]) -> Result<TravelTable> {
        let max = crate::limits::max_matrix_points();
        if from.len().max(to.len()) > max {
            return Err(crate::Error::Invalid(format!(
                "a travel matrix of {} × {} points is larger than the limit of {max} points per side (BOUCLE_MAX_MATRIX_POINTS)",
                from.len(),
                to.len()
            )));
        }
        let cf = &self.crow_flies;
        if from.is_empty() || to.is_empty() {
            let mut matrix = cf.matrix(from, to);
            matrix.method = self.method();
            return Ok(TravelTable {
                matrix,
                unreachable: 0,
                fallback_reason: None,
            });
        }
        let mut matrix = match self.router.table(from, to) {
            Ok(t) => t.matrix,
            Err(e) if self.method() == Method::Road => {
                return Ok(TravelTable {
                    matrix: cf.matrix(from, to),
                    unreachable: 0,
                    fallback_reason: Some(format!(
                        "road network not used ({e}): crow-flies estimate instead"
                    )),
                });
            }
            Err(e) => return Err(e),
        };
        let mut unreachable = 0;
        for (i, &a) in from.iter().enumerate() {
            for (j, &b) in to.iter().enumerate() {
                let k = i * matrix.cols + j;
                if !matrix.distances_m[k].is_finite() || !matrix.durations_s[k].is_finite() {
                    let d = cf.distance_m(a, b);
                    matrix.distances_m[k] = d;
                    matrix.durations_s[k] = cf.duration_for_m(d);
                    unreachable += 1;
                }
            }
        }
        Ok(TravelTable {
            matrix,
            unreachable,
            fallback_reason: None,
        })
    }

    /// Travel costs between every pair of `points`.
    pub fn square(&self, points: &[Point<f64>]) -> Result<TravelTable> {
        self.table(points, points)
    }

    /// The geometry of one leg, `[lon, lat]` pairs: the road path with a road graph, else (or
    /// when the graph has no path) the straight segment.
    pub fn leg(&self, from: Point<f64>, to: Point<f64>) -> Vec<[f64; 2]> {
        let straight = vec![[from.x(), from.y()], [to.x(), to.y()]];
        if from == to || self.method() == Method::CrowFlies {
            return straight;
        }
        match self.router.route(from, to) {
            Ok(r) => {
                let mut coords: Vec<[f64; 2]> = vec![[from.x(), from.y()]];
                coords.extend(r.geometry.coords().map(|c| [c.x, c.y]));
                coords.push([to.x(), to.y()]);
                coords
            }
            Err(_) => straight,
        }
    }

    /// How distances were obtained, in a sentence for answers' notes.
    pub fn describe(&self) -> String {
        let what = self.describe_graph();
        match &self.vehicle {
            Some(v) => format!(
                "{what}; roads whose legal limits (maxweight, maxheight, maxlength, maxaxleload) the vehicle breaks ({}) are avoided",
                v.describe()
            ),
            None => what,
        }
    }

    fn describe_graph(&self) -> String {
        match &self.graph {
            Some(g) if self.method() == Method::Road => format!(
                "distances, durations and geometries on the OpenStreetMap road graph ({})",
                g.display()
            ),
            _ if self.method() == Method::Road => {
                "distances, durations and geometries on the OpenStreetMap road graph".into()
            }
            _ => "no road graph in the territory folder: distances are great-circle × circuity and route geometries are straight segments (method crow_flies)".into(),
        }
    }
}

/// The crow-flies parameters of territory `t` (manifest defaults: circuity, speed).
pub fn crow_flies_of(t: &Territory) -> CrowFlies {
    CrowFlies {
        circuity: t.manifest.defaults.circuity,
        speed_kmh: t.manifest.defaults.speed_kmh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::network::{Route, Snapped, Table};

    /// A road router whose graph cannot join `cut` to any other point, and that fails outright
    /// when asked about more than `max` points.
    struct Cut {
        cut: usize,
        max: usize,
    }

    impl Router for Cut {
        fn method(&self) -> Method {
            Method::Road
        }
        fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table> {
            if sources.len() > self.max {
                return Err(Error::Invalid(
                    "point 7 is 900 m from the nearest road".into(),
                ));
            }
            let mut matrix = CrowFlies {
                circuity: 1.0,
                speed_kmh: 36.0,
            }
            .matrix(sources, destinations);
            matrix.method = Method::Road;
            for i in 0..sources.len() {
                for j in 0..destinations.len() {
                    if (i == self.cut) != (j == self.cut) {
                        matrix.distances_m[i * matrix.cols + j] = f64::INFINITY;
                        matrix.durations_s[i * matrix.cols + j] = f64::INFINITY;
                    }
                }
            }
            let snap = |p: &Point<f64>| Snapped {
                input: *p,
                location: *p,
                distance_m: 0.0,
            };
            Ok(Table {
                matrix,
                sources: sources.iter().map(snap).collect(),
                destinations: destinations.iter().map(snap).collect(),
            })
        }
        fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route> {
            Err(Error::Invalid(format!(
                "no road path from {from:?} to {to:?}"
            )))
        }
    }

    #[test]
    fn pairs_without_a_road_path_get_the_crow_flies_estimate_and_are_counted() {
        let cf = CrowFlies::default();
        let travel = Travel::with_router(Box::new(Cut { cut: 1, max: 3 }), cf);
        let pts = [
            Point::new(7.10, 47.80),
            Point::new(7.15, 47.81),
            Point::new(7.20, 47.79),
        ];
        let t = travel.square(&pts).unwrap();
        assert_eq!(t.method(), Method::Road);
        // Point 1 cannot reach or be reached from the two others: 4 pairs.
        assert_eq!(t.unreachable, 4);
        assert!(t.matrix.distances_m.iter().all(|d| d.is_finite()));
        let k = 3; // row 1, column 0
        assert_eq!(t.matrix.distances_m[k], cf.distance_m(pts[1], pts[0]));
        assert_eq!(
            t.matrix.durations_s[k],
            cf.duration_for_m(t.matrix.distances_m[k])
        );
        assert!(t.fallback_reason.is_none());
        let w = t.warnings("place");
        assert_eq!(
            w,
            ["4 place pair(s) without a road path: crow-flies estimate used"]
        );
        // A leg the graph cannot route is drawn straight.
        assert_eq!(
            travel.leg(pts[0], pts[1]),
            vec![[7.10, 47.80], [7.15, 47.81]]
        );
    }

    #[test]
    fn a_router_that_fails_gives_a_crow_flies_table_that_says_why() {
        let cf = CrowFlies::default();
        let travel = Travel::with_router(Box::new(Cut { cut: 9, max: 1 }), cf);
        let pts = [Point::new(7.10, 47.80), Point::new(7.15, 47.81)];
        let t = travel.square(&pts).unwrap();
        assert_eq!(t.method(), Method::CrowFlies);
        assert_eq!(t.matrix, cf.matrix(&pts, &pts));
        let why = t.fallback_reason.as_deref().unwrap();
        assert!(why.contains("900 m from the nearest road"), "{why}");
    }
}
