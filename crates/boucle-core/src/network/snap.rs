//! Snapping points to the road graph: the nearest point on the nearest edge (projection onto
//! the segment, not only the nearest node), with an R-tree (rstar) over every segment.
//!
//! Coordinates are projected to a local equirectangular plane centred on the graph (metres);
//! the reported snap distance is the great-circle distance between the point and its snapped
//! position.

use geo::{Distance, Haversine, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::graph::{RoadGraph, to_point};

/// Default largest snap distance, metres.
pub const DEFAULT_MAX_SNAP_M: f64 = 1000.0;

const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// A segment with its edge and the projected length of the edge before it (metres).
type Segment = GeomWithData<Line<[f64; 2]>, (u32, f64)>;

/// Where a point lands on the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The edge.
    pub edge: u32,
    /// Position along the edge from its `from` node, as a fraction of its length (0..=1).
    pub fraction: f64,
    /// The snapped position (lon, lat).
    pub location: Point<f64>,
    /// Distance from the input point to the snapped position, metres.
    pub distance_m: f64,
}

/// An R-tree of the graph's segments.
#[derive(Debug)]
pub struct Snapper {
    tree: RTree<Segment>,
    kx: f64,
    /// Projected length of each edge, metres.
    edge_len: Vec<f64>,
}

impl Snapper {
    /// Index every segment of every edge.
    pub fn new(g: &RoadGraph) -> Snapper {
        Snapper::of_edges(g, |_| true)
    }

    /// Index every segment of the edges `keep` accepts (the others are never snapped to).
    pub fn of_edges(g: &RoadGraph, keep: impl Fn(usize) -> bool) -> Snapper {
        let lat0 = g.bbox().map_or(0.0, |b| (b[1] + b[3]) / 2.0);
        let kx = lat0.to_radians().cos() * M_PER_DEG;
        let mut segs = Vec::with_capacity(g.geometry.len() + g.edges.len());
        let mut edge_len = Vec::with_capacity(g.edges.len());
        for e in 0..g.edges.len() {
            if !keep(e) {
                edge_len.push(0.0);
                continue;
            }
            let coords = g.edge_coords(e);
            let mut before = 0.0;
            for w in coords.windows(2) {
                let a = project(kx, to_point(w[0]));
                let b = project(kx, to_point(w[1]));
                segs.push(GeomWithData::new(Line::new(a, b), (e as u32, before)));
                before += (b[0] - a[0]).hypot(b[1] - a[1]);
            }
            edge_len.push(before);
        }
        Snapper {
            tree: RTree::bulk_load(segs),
            kx,
            edge_len,
        }
    }

    /// Nearest position on the graph to `p`, or `None` for an empty graph.
    pub fn snap(&self, p: Point<f64>) -> Option<Snap> {
        let q = project(self.kx, p);
        let seg = self.tree.nearest_neighbor(&q)?;
        let (edge, before) = seg.data;
        let line = seg.geom();
        let near = line.nearest_point(&q);
        let partial = (near[0] - line.from[0]).hypot(near[1] - line.from[1]);
        let total = self.edge_len[edge as usize];
        let fraction = if total > 0.0 {
            ((before + partial) / total).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let location = Point::new(near[0] / self.kx, near[1] / M_PER_DEG);
        Some(Snap {
            edge,
            fraction,
            location,
            distance_m: Haversine.distance(p, location),
        })
    }
}

fn project(kx: f64, p: Point<f64>) -> [f64; 2] {
    [p.x() * kx, p.y() * M_PER_DEG]
}

/// The polyline of edge `e` between fractions `t0` and `t1` (t0 > t1 walks it backwards), in
/// lon/lat degrees.
pub fn edge_slice(g: &RoadGraph, e: usize, t0: f64, t1: f64) -> Vec<Point<f64>> {
    let coords: Vec<Point<f64>> = g.edge_coords(e).into_iter().map(to_point).collect();
    let lat0 = coords.first().map_or(0.0, |p| p.y());
    let kx = lat0.to_radians().cos();
    let lens: Vec<f64> = coords
        .windows(2)
        .map(|w| ((w[1].x() - w[0].x()) * kx).hypot(w[1].y() - w[0].y()))
        .collect();
    let total: f64 = lens.iter().sum();
    let at = |t: f64| -> (usize, Point<f64>) {
        let target = t.clamp(0.0, 1.0) * total;
        let mut acc = 0.0;
        for (i, &l) in lens.iter().enumerate() {
            if acc + l >= target && l > 0.0 {
                let f = (target - acc) / l;
                let a = coords[i];
                let b = coords[i + 1];
                return (
                    i,
                    Point::new(a.x() + (b.x() - a.x()) * f, a.y() + (b.y() - a.y()) * f),
                );
            }
            acc += l;
        }
        (
            lens.len().saturating_sub(1),
            *coords.last().expect("edge has 2 points"),
        )
    };
    let (lo, hi, rev) = if t0 <= t1 {
        (t0, t1, false)
    } else {
        (t1, t0, true)
    };
    let (i0, p0) = at(lo);
    let (i1, p1) = at(hi);
    let mut out = vec![p0];
    out.extend(coords.iter().take(i1 + 1).skip(i0 + 1).copied());
    out.push(p1);
    if rev {
        out.reverse();
    }
    out
}
