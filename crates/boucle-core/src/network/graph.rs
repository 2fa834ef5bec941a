//! The road graph: intersections (nodes), road stretches between them (edges) with their full
//! geometry, and the geometry helpers used by snapping and route drawing.

use geo::{Distance, Haversine, Point};

/// Edge flag: drivable from `from` to `to`.
pub const FORWARD: u8 = 1;
/// Edge flag: drivable from `to` to `from`.
pub const BACKWARD: u8 = 2;

/// A road stretch between two intersections (a contracted chain of OSM segments).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// First node.
    pub from: u32,
    /// Last node.
    pub to: u32,
    /// Start of the interior points in [`RoadGraph::geometry`].
    pub geom_start: u32,
    /// Number of interior points.
    pub geom_len: u32,
    /// Length in metres.
    pub dist_m: f32,
    /// Travel time from `from` to `to`, in milliseconds (0 when not drivable that way).
    pub dur_fwd_ms: u32,
    /// Travel time from `to` to `from`, in milliseconds (0 when not drivable that way).
    pub dur_bwd_ms: u32,
    /// [`FORWARD`] | [`BACKWARD`], and the via-way module's `VIA_COPY` on a copy made for a
    /// via-way restriction.
    pub flags: u8,
    /// Weight limit in units of 100 kg (0: none).
    pub maxweight_100kg: u16,
    /// Height limit in centimetres (0: none).
    pub maxheight_cm: u16,
    /// Length limit in decimetres (0: none).
    pub maxlength_dm: u16,
    /// Axle-load limit in units of 100 kg (0: none).
    pub maxaxleload_100kg: u16,
}

impl Edge {
    /// Drivable from `from` to `to`.
    pub fn forward(&self) -> bool {
        self.flags & FORWARD != 0
    }
    /// Drivable from `to` to `from`.
    pub fn backward(&self) -> bool {
        self.flags & BACKWARD != 0
    }
}

/// A routable road graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoadGraph {
    /// Node coordinates: longitude, latitude in 1e-7 degree.
    pub nodes: Vec<[i32; 2]>,
    /// Edges.
    pub edges: Vec<Edge>,
    /// Interior points of edges: longitude, latitude in 1e-7 degree.
    pub geometry: Vec<[i32; 2]>,
}

/// A point in 1e-7 degree units → geo point in degrees.
pub fn to_point(c: [i32; 2]) -> Point<f64> {
    Point::new(f64::from(c[0]) * 1e-7, f64::from(c[1]) * 1e-7)
}

/// Great-circle distance in metres between two 1e-7 degree points.
pub fn dist_e7(a: [i32; 2], b: [i32; 2]) -> f64 {
    Haversine.distance(to_point(a), to_point(b))
}

impl RoadGraph {
    /// The full polyline of edge `e`, from `from` to `to`, in 1e-7 degree units.
    pub fn edge_coords(&self, e: usize) -> Vec<[i32; 2]> {
        let edge = &self.edges[e];
        let mut v = Vec::with_capacity(edge.geom_len as usize + 2);
        v.push(self.nodes[edge.from as usize]);
        let s = edge.geom_start as usize;
        v.extend_from_slice(&self.geometry[s..s + edge.geom_len as usize]);
        v.push(self.nodes[edge.to as usize]);
        v
    }

    /// The bounding box of the nodes, as (west, south, east, north) in degrees.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut it = self.nodes.iter().chain(self.geometry.iter());
        let first = it.next()?;
        let mut b = [first[0], first[1], first[0], first[1]];
        for c in it {
            b[0] = b[0].min(c[0]);
            b[1] = b[1].min(c[1]);
            b[2] = b[2].max(c[0]);
            b[3] = b[3].max(c[1]);
        }
        Some(b.map(|x| f64::from(x) * 1e-7))
    }
}
