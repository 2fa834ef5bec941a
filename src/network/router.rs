//! One routing interface for every consumer, implemented by the road graph ([`RoadRouter`]) and
//! by the crow-flies fallback ([`CrowFliesRouter`]); [`open_router`] picks the right one for a
//! territory folder.

use std::path::Path;

use geo::{LineString, Point};
use serde::Serialize;

use super::ch::{Ch, INF, Seed};
use super::file::{GRAPH_FILE, GraphFile, GraphMeta};
use super::graph::RoadGraph;
use super::snap::{DEFAULT_MAX_SNAP_M, Snap, Snapper, edge_slice};
use crate::cost::{CostMatrix, CrowFlies, DenseMatrix, Method};
use crate::error::{Error, Result};

/// A point as given and where it was placed on the network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Snapped {
    /// The point as given (lon, lat).
    pub input: Point<f64>,
    /// The position used for routing (on the road; the input itself for crow flies).
    pub location: Point<f64>,
    /// Distance between the two, metres (0 for crow flies).
    pub distance_m: f64,
}

/// A travel-cost table between sources and destinations, with where each point was snapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Distances (m) and durations (s), row-major; `f64::INFINITY` where no path exists.
    pub matrix: DenseMatrix,
    /// The sources, snapped.
    pub sources: Vec<Snapped>,
    /// The destinations, snapped.
    pub destinations: Vec<Snapped>,
}

impl CostMatrix for Table {
    fn rows(&self) -> usize {
        self.matrix.rows
    }
    fn cols(&self) -> usize {
        self.matrix.cols
    }
    fn distance_m(&self, from: usize, to: usize) -> f64 {
        self.matrix.distance_m(from, to)
    }
    fn duration_s(&self, from: usize, to: usize) -> f64 {
        self.matrix.duration_s(from, to)
    }
    fn method(&self) -> Method {
        self.matrix.method
    }
}

/// One route between two points.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Length, metres (from snapped point to snapped point).
    pub distance_m: f64,
    /// Travel time, seconds.
    pub duration_s: f64,
    /// The path (lon, lat), from the snapped start to the snapped end.
    pub geometry: LineString<f64>,
    /// How it was obtained.
    pub method: Method,
    /// The start, snapped.
    pub from: Snapped,
    /// The end, snapped.
    pub to: Snapped,
}

/// Travel costs and routes between WGS84 points (lon, lat).
pub trait Router: Send + Sync {
    /// How this router computes costs.
    fn method(&self) -> Method;
    /// Distances and durations from every source to every destination.
    fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table>;
    /// The route from `from` to `to`, with its geometry.
    fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route>;
}

/// Router parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouterOptions {
    /// The fallback used when there is no graph.
    pub crow_flies: CrowFlies,
    /// Largest allowed distance from a point to the road, metres.
    pub max_snap_m: f64,
}

impl Default for RouterOptions {
    fn default() -> Self {
        RouterOptions {
            crow_flies: CrowFlies::default(),
            max_snap_m: DEFAULT_MAX_SNAP_M,
        }
    }
}

/// The road graph of `dir` (`DIR/network.graph`) if it exists, else the crow-flies fallback
/// (circuity 1.3, 50 km/h).
pub fn open_router(dir: &Path) -> Result<Box<dyn Router>> {
    open_router_with(dir, &RouterOptions::default())
}

/// [`open_router`] with explicit parameters.
pub fn open_router_with(dir: &Path, opts: &RouterOptions) -> Result<Box<dyn Router>> {
    let path = dir.join(GRAPH_FILE);
    if path.is_file() {
        let mut r = RoadRouter::open(&path)?;
        r.max_snap_m = opts.max_snap_m;
        Ok(Box::new(r))
    } else {
        Ok(Box::new(CrowFliesRouter(opts.crow_flies)))
    }
}

/// The fallback: great-circle distance × circuity at a constant speed, flagged
/// [`Method::CrowFlies`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CrowFliesRouter(pub CrowFlies);

fn unsnapped(p: Point<f64>) -> Snapped {
    Snapped {
        input: p,
        location: p,
        distance_m: 0.0,
    }
}

impl Router for CrowFliesRouter {
    fn method(&self) -> Method {
        Method::CrowFlies
    }
    fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table> {
        Ok(Table {
            matrix: self.0.matrix(sources, destinations),
            sources: sources.iter().map(|&p| unsnapped(p)).collect(),
            destinations: destinations.iter().map(|&p| unsnapped(p)).collect(),
        })
    }
    fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route> {
        let d = self.0.distance_m(from, to);
        Ok(Route {
            distance_m: d,
            duration_s: self.0.duration_for_m(d),
            geometry: LineString::from(vec![from, to]),
            method: Method::CrowFlies,
            from: unsnapped(from),
            to: unsnapped(to),
        })
    }
}

/// Shortest paths on the imported road graph (contraction hierarchy).
#[derive(Debug)]
pub struct RoadRouter {
    /// The graph.
    pub graph: RoadGraph,
    /// Its hierarchy.
    pub ch: Ch,
    /// File metadata.
    pub meta: GraphMeta,
    snapper: Snapper,
    /// Largest allowed snap distance, metres.
    pub max_snap_m: f64,
}

/// A snapped point this close to an edge's end (metres) counts as being at the node.
pub const NODE_SNAP_M: f64 = 0.5;

fn ms(x: f64) -> u32 {
    x.round().clamp(0.0, f64::from(INF - 1)) as u32
}

impl RoadRouter {
    /// Load a graph file.
    pub fn open(path: &Path) -> Result<RoadRouter> {
        Ok(Self::new(super::file::read(path)?))
    }

    /// A router over an in-memory graph file.
    pub fn new(f: GraphFile) -> RoadRouter {
        let snapper = Snapper::new(&f.graph);
        RoadRouter {
            graph: f.graph,
            ch: f.ch,
            meta: f.meta,
            snapper,
            max_snap_m: DEFAULT_MAX_SNAP_M,
        }
    }

    /// Snap a point, or fail naming it (`what` e.g. "source 3").
    pub fn snap(&self, p: Point<f64>, what: &str) -> Result<Snap> {
        self.snap_with(p, || what.to_owned())
    }

    /// [`RoadRouter::snap`] with the point's name built only on error.
    pub fn snap_with(&self, p: Point<f64>, what: impl Fn() -> String) -> Result<Snap> {
        let s = self
            .snapper
            .snap(p)
            .ok_or_else(|| Error::Invalid("the road graph is empty".into()))?;
        if s.distance_m > self.max_snap_m {
            return Err(Error::Invalid(format!(
                "{} (lon {}, lat {}) is {:.0} m from the nearest road (limit {:.0} m)",
                what(),
                p.x(),
                p.y(),
                s.distance_m,
                self.max_snap_m
            )));
        }
        Ok(s)
    }

    /// Seeds to leave a snapped point (point → node).
    pub fn source_seeds(&self, s: &Snap) -> Vec<Seed> {
        let e = &self.graph.edges[s.edge as usize];
        let t = s.fraction;
        let len = f64::from(e.dist_m);
        let mut v = Vec::with_capacity(2);
        if e.forward() {
            v.push(Seed {
                node: e.to,
                weight: ms((1.0 - t) * f64::from(e.dur_fwd_ms)),
                dist_m: (1.0 - t) * len,
            });
        }
        if e.backward() {
            v.push(Seed {
                node: e.from,
                weight: ms(t * f64::from(e.dur_bwd_ms)),
                dist_m: t * len,
            });
        }
        self.end_seeds(e, t, &mut v);
        v
    }

    /// A point on (or within [`NODE_SNAP_M`] of) an edge's end node is at that node, whatever
    /// the edge's direction: it may leave or reach the node directly.
    fn end_seeds(&self, e: &super::graph::Edge, t: f64, v: &mut Vec<Seed>) {
        let len = f64::from(e.dist_m);
        let dur = f64::from(e.dur_fwd_ms.max(e.dur_bwd_ms));
        if t * len <= NODE_SNAP_M && !v.iter().any(|s| s.node == e.from) {
            v.push(Seed {
                node: e.from,
                weight: ms(t * dur),
                dist_m: t * len,
            });
        }
        if (1.0 - t) * len <= NODE_SNAP_M && !v.iter().any(|s| s.node == e.to) {
            v.push(Seed {
                node: e.to,
                weight: ms((1.0 - t) * dur),
                dist_m: (1.0 - t) * len,
            });
        }
    }

    /// Seeds to reach a snapped point (node → point).
    pub fn target_seeds(&self, s: &Snap) -> Vec<Seed> {
        let e = &self.graph.edges[s.edge as usize];
        let t = s.fraction;
        let len = f64::from(e.dist_m);
        let mut v = Vec::with_capacity(2);
        if e.forward() {
            v.push(Seed {
                node: e.from,
                weight: ms(t * f64::from(e.dur_fwd_ms)),
                dist_m: t * len,
            });
        }
        if e.backward() {
            v.push(Seed {
                node: e.to,
                weight: ms((1.0 - t) * f64::from(e.dur_bwd_ms)),
                dist_m: (1.0 - t) * len,
            });
        }
        self.end_seeds(e, t, &mut v);
        v
    }

    /// Travel along a single edge when both points are on it: (ms, m, forward?).
    fn same_edge(&self, a: &Snap, b: &Snap) -> Option<(u32, f64, bool)> {
        if a.edge != b.edge {
            return None;
        }
        let e = &self.graph.edges[a.edge as usize];
        let len = f64::from(e.dist_m);
        let dt = b.fraction - a.fraction;
        if e.forward() && dt >= 0.0 {
            Some((ms(dt * f64::from(e.dur_fwd_ms)), dt * len, true))
        } else if e.backward() && dt <= 0.0 {
            Some((ms(-dt * f64::from(e.dur_bwd_ms)), -dt * len, false))
        } else {
            None
        }
    }

    fn snapped(p: Point<f64>, s: &Snap) -> Snapped {
        Snapped {
            input: p,
            location: s.location,
            distance_m: s.distance_m,
        }
    }
}

impl Router for RoadRouter {
    fn method(&self) -> Method {
        Method::Road
    }

    fn table(&self, sources: &[Point<f64>], destinations: &[Point<f64>]) -> Result<Table> {
        let ss: Vec<Snap> = sources
            .iter()
            .enumerate()
            .map(|(i, &p)| self.snap_with(p, || format!("source {i}")))
            .collect::<Result<_>>()?;
        let ds: Vec<Snap> = destinations
            .iter()
            .enumerate()
            .map(|(i, &p)| self.snap_with(p, || format!("destination {i}")))
            .collect::<Result<_>>()?;
        let seeds_s: Vec<Vec<Seed>> = ss.iter().map(|s| self.source_seeds(s)).collect();
        let seeds_d: Vec<Vec<Seed>> = ds.iter().map(|s| self.target_seeds(s)).collect();
        let cells = self.ch.many_to_many(&seeds_s, &seeds_d);
        let cols = ds.len();
        let mut distances_m = Vec::with_capacity(cells.len());
        let mut durations_s = Vec::with_capacity(cells.len());
        for (k, &(w, d)) in cells.iter().enumerate() {
            let (i, j) = (k / cols.max(1), k % cols.max(1));
            let (mut w, mut d) = (w, d);
            if let Some((w2, d2, _)) = self.same_edge(&ss[i], &ds[j])
                && (w2 < w || (w2 == w && d2 < d))
            {
                (w, d) = (w2, d2);
            }
            if w == INF {
                distances_m.push(f64::INFINITY);
                durations_s.push(f64::INFINITY);
            } else {
                distances_m.push(d);
                durations_s.push(f64::from(w) / 1000.0);
            }
        }
        Ok(Table {
            matrix: DenseMatrix {
                rows: ss.len(),
                cols,
                distances_m,
                durations_s,
                method: Method::Road,
            },
            sources: sources
                .iter()
                .zip(&ss)
                .map(|(&p, s)| Self::snapped(p, s))
                .collect(),
            destinations: destinations
                .iter()
                .zip(&ds)
                .map(|(&p, s)| Self::snapped(p, s))
                .collect(),
        })
    }

    fn route(&self, from: Point<f64>, to: Point<f64>) -> Result<Route> {
        let a = self.snap(from, "start")?;
        let b = self.snap(to, "end")?;
        let direct = self.same_edge(&a, &b);
        let path = self
            .ch
            .one_to_one(&self.source_seeds(&a), &self.target_seeds(&b));
        let g = &self.graph;
        let mut pts: Vec<Point<f64>> = Vec::new();
        let (w, d) = match (direct, &path) {
            (Some((w, d, fwd)), p) if p.as_ref().is_none_or(|p| w <= p.weight_ms) => {
                let _ = fwd;
                pts = edge_slice(g, a.edge as usize, a.fraction, b.fraction);
                (w, d)
            }
            (_, Some(p)) => {
                let ea = &g.edges[a.edge as usize];
                let first_end = if p.start == ea.to && ea.forward() {
                    1.0
                } else {
                    0.0
                };
                pts.extend(edge_slice(g, a.edge as usize, a.fraction, first_end));
                for &(e, tail) in &p.edges {
                    let edge = &g.edges[e as usize];
                    let (t0, t1) = if tail == edge.from && edge.forward() {
                        (0.0, 1.0)
                    } else {
                        (1.0, 0.0)
                    };
                    pts.extend(edge_slice(g, e as usize, t0, t1));
                }
                let eb = &g.edges[b.edge as usize];
                let last_start = if p.end == eb.from && eb.forward() {
                    0.0
                } else {
                    1.0
                };
                pts.extend(edge_slice(g, b.edge as usize, last_start, b.fraction));
                (p.weight_ms, p.dist_m)
            }
            _ => {
                return Err(Error::Invalid(format!(
                    "no road path from (lon {}, lat {}) to (lon {}, lat {})",
                    from.x(),
                    from.y(),
                    to.x(),
                    to.y()
                )));
            }
        };
        pts.dedup();
        if pts.len() == 1 {
            pts.push(pts[0]);
        }
        Ok(Route {
            distance_m: d,
            duration_s: f64::from(w) / 1000.0,
            geometry: LineString::from(pts),
            method: Method::Road,
            from: Self::snapped(from, &a),
            to: Self::snapped(to, &b),
        })
    }
}
