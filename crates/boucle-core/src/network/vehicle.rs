//! Vehicle-aware routing: a vehicle's size (weight, height, length, axle load) against the
//! legal limits recorded on each edge (`maxweight`, `maxheight`, `maxlength`, `maxaxleload`).
//!
//! A vehicle avoids every edge whose limit it breaks. Its graph is the imported one with those
//! edges made undrivable and the turns into and out of them removed; it gets its own
//! contraction hierarchy ("one hierarchy per vehicle class"), built the first time the vehicle
//! asks and kept by the router (`RoadRouter::for_vehicle`). A vehicle that breaks no
//! limit of the graph uses the imported hierarchy as is. Local-only roads for trucks
//! (`hgv=destination`, `delivery`) are handled by the truck profile's turn model (first or last
//! leg only), for every vehicle of a truck graph.
//!
//! Why one hierarchy per class rather than a filtered search per query: on the territory's
//! graph a hierarchy is built in well under a second, after which each 100 × 100 table costs
//! milliseconds, where a plain Dijkstra on the filtered edge-based graph costs a full search
//! per source (see benches/RESULTS.md, "vehicle-aware routing").

use serde::Serialize;

use super::ch::{Ch, InputArc};
use super::graph::{Edge, RoadGraph};
use super::turns::{Turn, duration_ms};

/// A vehicle's size, each figure optional (absent: not checked).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct VehicleLimits {
    /// Gross weight, tonnes (checked against `maxweight`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_t: Option<f64>,
    /// Height, metres (checked against `maxheight`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height_m: Option<f64>,
    /// Length, metres (checked against `maxlength`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length_m: Option<f64>,
    /// Load on its heaviest axle, tonnes (checked against `maxaxleload`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axle_load_t: Option<f64>,
}

/// A legal limit of a road that a vehicle breaks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BrokenLimit {
    /// The OSM key: `maxweight`, `maxheight`, `maxlength` or `maxaxleload`.
    pub limit: &'static str,
    /// The road's limit (tonnes or metres).
    pub road: f64,
    /// The vehicle's figure (same unit).
    pub vehicle: f64,
}

impl std::fmt::Display for BrokenLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.limit {
            "maxheight" | "maxlength" => "m",
            _ => "t",
        };
        write!(
            f,
            "{} {} {unit} (vehicle {} {unit})",
            self.limit, self.road, self.vehicle
        )
    }
}

impl VehicleLimits {
    /// Whether no figure is given (the vehicle is never checked).
    pub fn is_unset(&self) -> bool {
        self.weight_t.is_none()
            && self.height_m.is_none()
            && self.length_m.is_none()
            && self.axle_load_t.is_none()
    }

    /// The limits of edge `e` this vehicle breaks (a figure above the road's limit).
    pub fn broken(&self, e: &Edge) -> Vec<BrokenLimit> {
        let checks = [
            ("maxweight", self.weight_t, e.maxweight_100kg, 10.0),
            ("maxheight", self.height_m, e.maxheight_cm, 100.0),
            ("maxlength", self.length_m, e.maxlength_dm, 10.0),
            ("maxaxleload", self.axle_load_t, e.maxaxleload_100kg, 10.0),
        ];
        checks
            .into_iter()
            .filter_map(|(limit, v, road, per_unit)| {
                let v = v?;
                let road = f64::from(road) / per_unit;
                (road > 0.0 && v > road + 1e-9).then_some(BrokenLimit {
                    limit,
                    road,
                    vehicle: v,
                })
            })
            .collect()
    }

    /// The size that covers every vehicle of `fleet` (the largest of each figure): a route
    /// legal for it is legal for each of them.
    pub fn covering(fleet: impl IntoIterator<Item = VehicleLimits>) -> VehicleLimits {
        let max = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        };
        fleet
            .into_iter()
            .fold(VehicleLimits::default(), |acc, v| VehicleLimits {
                weight_t: max(acc.weight_t, v.weight_t),
                height_m: max(acc.height_m, v.height_m),
                length_m: max(acc.length_m, v.length_m),
                axle_load_t: max(acc.axle_load_t, v.axle_load_t),
            })
    }

    /// The figures given, in words (`19 t, 3.8 m high`).
    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        if let Some(w) = self.weight_t {
            v.push(format!("{w} t"));
        }
        if let Some(h) = self.height_m {
            v.push(format!("{h} m high"));
        }
        if let Some(l) = self.length_m {
            v.push(format!("{l} m long"));
        }
        if let Some(a) = self.axle_load_t {
            v.push(format!("{a} t per axle"));
        }
        v.join(", ")
    }

    /// Whether this vehicle breaks a limit of edge `e`.
    pub fn breaks(&self, e: &Edge) -> bool {
        !self.broken(e).is_empty()
    }

    /// The edges of `g` this vehicle breaks a limit of, ascending (the vehicle's class on this
    /// graph: two vehicles with the same list route alike).
    pub fn broken_edges(&self, g: &RoadGraph) -> Vec<u32> {
        if self.is_unset() {
            return Vec::new();
        }
        (0..g.edges.len() as u32)
            .filter(|&e| self.breaks(&g.edges[e as usize]))
            .collect()
    }
}

/// The graph and turns of a vehicle that avoids `broken` (ascending edge ids): those edges
/// undrivable both ways, the turns into and out of them removed; and its hierarchy.
pub fn filtered(g: &RoadGraph, turns: &[Turn], broken: &[u32]) -> (RoadGraph, Vec<Turn>, Ch) {
    let mut graph = g.clone();
    for &e in broken {
        let edge = &mut graph.edges[e as usize];
        edge.flags = 0;
        edge.dur_fwd_ms = 0;
        edge.dur_bwd_ms = 0;
    }
    let off = |d: u32| broken.binary_search(&(d / 2)).is_ok();
    let turns: Vec<Turn> = turns
        .iter()
        .filter(|t| !off(t.from) && !off(t.to))
        .copied()
        .collect();
    let arcs: Vec<InputArc> = turns
        .iter()
        .map(|t| InputArc {
            from: t.from,
            to: t.to,
            weight: t.cost_ms.saturating_add(duration_ms(&graph, t.to)),
            dist_m: graph.edges[(t.to / 2) as usize].dist_m,
            edge: t.to,
        })
        .collect();
    let ch = Ch::build(2 * graph.edges.len(), &arcs);
    (graph, turns, ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(w: u16, h: u16) -> Edge {
        Edge {
            from: 0,
            to: 1,
            geom_start: 0,
            geom_len: 0,
            dist_m: 10.0,
            dur_fwd_ms: 1000,
            dur_bwd_ms: 1000,
            flags: 3,
            maxweight_100kg: w,
            maxheight_cm: h,
            maxlength_dm: 0,
            maxaxleload_100kg: 0,
        }
    }

    #[test]
    fn a_vehicle_breaks_a_limit_only_above_it() {
        let truck = VehicleLimits {
            weight_t: Some(19.0),
            height_m: Some(4.0),
            ..VehicleLimits::default()
        };
        let van = VehicleLimits {
            weight_t: Some(3.5),
            height_m: Some(2.6),
            ..VehicleLimits::default()
        };
        let bridge = edge(35, 0);
        assert!(truck.breaks(&bridge));
        assert!(!van.breaks(&bridge), "3.5 t on a 3.5 t bridge is legal");
        let b = truck.broken(&edge(35, 300));
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].to_string(), "maxweight 3.5 t (vehicle 19 t)");
        assert_eq!(b[1].to_string(), "maxheight 3 m (vehicle 4 m)");
        assert!(!van.breaks(&edge(0, 300)));
        assert!(!VehicleLimits::default().breaks(&edge(1, 1)));
        assert!(VehicleLimits::default().is_unset());
    }
}
