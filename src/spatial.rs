//! Spatial lookups on a territory: point → commune → intercommunality, nearest business park.
//!
//! Point → commune uses a uniform grid over the communes' bounding box: a cell that no commune
//! boundary crosses belongs wholly to one commune (or to none) and answers at once; a cell that
//! boundaries cross keeps the few communes whose edges cross it and answers with exact
//! point-in-polygon tests on those only. Communes' bounding boxes sit in an R*-tree (rstar) for
//! the rare fallback and for building. Parks sit in an R*-tree in a local metric projection for
//! nearest-neighbour queries.

use geo::{BoundingRect, Coord, Distance, Haversine, Intersects, MultiPolygon, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use serde::Serialize;

use crate::territory::Territory;

const EDGE: u32 = 1 << 31;
const OUTSIDE: u32 = 0;

/// A commune as returned by lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommuneRef {
    /// INSEE code.
    pub insee: String,
    /// Name.
    pub name: String,
}

/// An intercommunality as returned by lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EpciRef {
    /// SIREN.
    pub siren: String,
    /// Name.
    pub name: String,
}

/// A business park near a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParkRef {
    /// Park id.
    pub id: String,
    /// Park name.
    pub name: String,
    /// Great-circle distance from the point to the park's position, in metres.
    pub distance_m: f64,
    /// Precision of the park's position (`commune` means the commune's point, not the park).
    pub precision: String,
}

/// The answer of [`SpatialIndex::locate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Located {
    /// Longitude of the query point.
    pub lon: f64,
    /// Latitude of the query point.
    pub lat: f64,
    /// The commune containing the point, `None` outside the territory.
    pub commune: Option<CommuneRef>,
    /// Its intercommunality.
    pub epci: Option<EpciRef>,
    /// The nearest located business park within the search distance.
    pub park: Option<ParkRef>,
}

struct Grid {
    min: Coord<f64>,
    inv_w: f64,
    inv_h: f64,
    nx: usize,
    ny: usize,
    /// `OUTSIDE`, `k + 1` for commune k, or `EDGE | i` for candidate list i.
    cells: Vec<u32>,
    /// Candidate lists of edge cells: `offsets[i]..offsets[i + 1]` in `ids`.
    offsets: Vec<u32>,
    ids: Vec<u16>,
}

/// Point lookups on a territory's communes, intercommunalities and parks.
pub struct SpatialIndex {
    communes: Vec<(CommuneRef, usize, MultiPolygon<f64>)>,
    epcis: Vec<EpciRef>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    grid: Grid,
    parks: RTree<GeomWithData<[f64; 2], usize>>,
    park_refs: Vec<(String, String, Point<f64>, String)>,
    lat0_cos: f64,
    /// Largest distance for the nearest-park answer, in metres.
    pub park_max_distance_m: f64,
}

impl std::fmt::Debug for SpatialIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpatialIndex")
            .field("communes", &self.communes.len())
            .field("grid", &(self.grid.nx, self.grid.ny))
            .field("parks", &self.park_refs.len())
            .finish()
    }
}

const M_PER_DEG: f64 = 111_195.0;

impl SpatialIndex {
    /// Build the index with a grid of about 1024 cells on the longer side.
    pub fn new(t: &Territory) -> SpatialIndex {
        Self::with_resolution(t, 1024)
    }

    /// Build the index with a grid of `cells` cells on the longer side of the bounding box.
    pub fn with_resolution(t: &Territory, cells: usize) -> SpatialIndex {
        let epcis: Vec<EpciRef> = t
            .epcis
            .iter()
            .map(|e| EpciRef {
                siren: e.siren.clone(),
                name: e.name.clone(),
            })
            .collect();
        let communes: Vec<(CommuneRef, usize, MultiPolygon<f64>)> = t
            .communes
            .iter()
            .map(|c| {
                let epci = t
                    .epcis
                    .iter()
                    .position(|e| e.siren == c.epci_siren)
                    .unwrap_or(usize::MAX);
                (
                    CommuneRef {
                        insee: c.insee.clone(),
                        name: c.name.clone(),
                    },
                    epci,
                    c.geometry.clone(),
                )
            })
            .collect();
        let tree = RTree::bulk_load(
            communes
                .iter()
                .enumerate()
                .filter_map(|(i, (_, _, g))| {
                    g.bounding_rect().map(|r| {
                        GeomWithData::new(
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                            i,
                        )
                    })
                })
                .collect(),
        );
        let bbox = t.bbox();
        let lat0_cos = ((bbox.min().y + bbox.max().y) / 2.0).to_radians().cos();
        let grid = build_grid(&communes, &tree, bbox, cells.max(1));
        let park_refs: Vec<(String, String, Point<f64>, String)> = t
            .parks
            .iter()
            .filter_map(|p| {
                p.position.map(|pos| {
                    (
                        p.id.clone(),
                        p.name.clone(),
                        pos,
                        p.precision.as_str().to_owned(),
                    )
                })
            })
            .collect();
        let parks = RTree::bulk_load(
            park_refs
                .iter()
                .enumerate()
                .map(|(i, (_, _, p, _))| GeomWithData::new(local_xy(*p, lat0_cos), i))
                .collect(),
        );
        SpatialIndex {
            communes,
            epcis,
            tree,
            grid,
            parks,
            park_refs,
            lat0_cos,
            park_max_distance_m: t.manifest.defaults.park_max_distance_m,
        }
    }

    /// Index (in the territory's `communes`) of the commune containing (lon, lat).
    #[inline]
    pub fn commune_index(&self, lon: f64, lat: f64) -> Option<usize> {
        let g = &self.grid;
        let fx = (lon - g.min.x) * g.inv_w;
        let fy = (lat - g.min.y) * g.inv_h;
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (cx, cy) = (fx as usize, fy as usize);
        if cx >= g.nx || cy >= g.ny {
            return None;
        }
        let v = g.cells[cy * g.nx + cx];
        if v == OUTSIDE {
            return None;
        }
        if v & EDGE == 0 {
            return Some((v - 1) as usize);
        }
        let i = (v & !EDGE) as usize;
        let c = Coord { x: lon, y: lat };
        let (a, b) = (g.offsets[i] as usize, g.offsets[i + 1] as usize);
        for &k in &g.ids[a..b] {
            if self.communes[k as usize].2.intersects(&c) {
                return Some(k as usize);
            }
        }
        // Cells crossed only by the territory's outer boundary, or data with overlaps: exact
        // answer from the R*-tree.
        self.slow_commune_index(c)
    }

    fn slow_commune_index(&self, c: Coord<f64>) -> Option<usize> {
        self.tree
            .locate_all_at_point(&[c.x, c.y])
            .map(|g| g.data)
            .filter(|&k| self.communes[k].2.intersects(&c))
            .min()
    }

    /// The commune containing (lon, lat).
    pub fn commune_at(&self, lon: f64, lat: f64) -> Option<&CommuneRef> {
        self.commune_index(lon, lat).map(|k| &self.communes[k].0)
    }

    /// The intercommunality containing (lon, lat).
    pub fn epci_at(&self, lon: f64, lat: f64) -> Option<&EpciRef> {
        self.commune_index(lon, lat)
            .and_then(|k| self.epcis.get(self.communes[k].1))
    }

    /// The nearest located park within `max_m` metres.
    pub fn nearest_park(&self, lon: f64, lat: f64, max_m: f64) -> Option<ParkRef> {
        let p = Point::new(lon, lat);
        let q = local_xy(p, self.lat0_cos);
        let nearest = self.parks.nearest_neighbor(&q)?;
        let (id, name, pos, precision) = &self.park_refs[nearest.data];
        let d = Haversine.distance(p, *pos);
        (d <= max_m).then(|| ParkRef {
            id: id.clone(),
            name: name.clone(),
            distance_m: (d * 10.0).round() / 10.0,
            precision: precision.clone(),
        })
    }

    /// Everything about a point: commune, intercommunality, nearest park within
    /// [`Self::park_max_distance_m`].
    pub fn locate(&self, lon: f64, lat: f64) -> Located {
        let k = self.commune_index(lon, lat);
        Located {
            lon,
            lat,
            commune: k.map(|k| self.communes[k].0.clone()),
            epci: k.and_then(|k| self.epcis.get(self.communes[k].1).cloned()),
            park: self.nearest_park(lon, lat, self.park_max_distance_m),
        }
    }

    /// [`Self::locate`] for many points, in parallel.
    pub fn locate_many(&self, points: &[(f64, f64)]) -> Vec<Located> {
        use rayon::prelude::*;
        points.par_iter().map(|&(x, y)| self.locate(x, y)).collect()
    }

    /// Share of grid cells that need a point-in-polygon test (diagnostics).
    pub fn edge_cell_share(&self) -> f64 {
        let edges = self.grid.cells.iter().filter(|&&v| v & EDGE != 0).count();
        edges as f64 / self.grid.cells.len() as f64
    }
}

fn local_xy(p: Point<f64>, lat0_cos: f64) -> [f64; 2] {
    [p.x() * lat0_cos * M_PER_DEG, p.y() * M_PER_DEG]
}

fn build_grid(
    communes: &[(CommuneRef, usize, MultiPolygon<f64>)],
    tree: &RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    bbox: geo::Rect<f64>,
    cells: usize,
) -> Grid {
    let (w, h) = (bbox.width().max(1e-9), bbox.height().max(1e-9));
    let (nx, ny) = if w >= h {
        (cells, ((cells as f64 * h / w).ceil() as usize).max(1))
    } else {
        (((cells as f64 * w / h).ceil() as usize).max(1), cells)
    };
    let (cw, ch) = (w / nx as f64, h / ny as f64);
    let min = bbox.min();
    let col = |x: f64| (((x - min.x) / cw).floor().max(0.0) as usize).min(nx - 1);
    let row = |y: f64| (((y - min.y) / ch).floor().max(0.0) as usize).min(ny - 1);

    // 1. Cells crossed by each commune's boundary (exact supercover, inclusive of cell edges).
    let mut pairs: Vec<(u32, u16)> = Vec::new();
    for (k, (_, _, mp)) in communes.iter().enumerate() {
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for seg in ring.lines() {
                    let (a, b) = if seg.start.x <= seg.end.x {
                        (seg.start, seg.end)
                    } else {
                        (seg.end, seg.start)
                    };
                    let (c0, c1) = (col(a.x), col(b.x));
                    for cx in c0..=c1 {
                        // x-span of the segment inside this column (inclusive of cell edges).
                        let x_lo = (min.x + cx as f64 * cw).max(a.x);
                        let x_hi = (min.x + (cx + 1) as f64 * cw).min(b.x);
                        let y_at = |x: f64| {
                            if b.x == a.x {
                                a.y
                            } else {
                                a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)
                            }
                        };
                        let (ya, yb) = if b.x == a.x {
                            (a.y.min(b.y), a.y.max(b.y))
                        } else {
                            let (p, q) = (y_at(x_lo), y_at(x_hi));
                            (p.min(q), p.max(q))
                        };
                        let (r0, r1) = (row(ya - ch * 1e-9), row(yb + ch * 1e-9));
                        // Points on a shared column border belong to both columns.
                        let cols = if x_lo - (min.x + cx as f64 * cw) < cw * 1e-9 && cx > 0 {
                            cx - 1..=cx
                        } else {
                            cx..=cx
                        };
                        for ccx in cols {
                            for cy in r0..=r1 {
                                pairs.push(((cy * nx + ccx) as u32, k as u16));
                            }
                        }
                    }
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut cells_v = vec![OUTSIDE; nx * ny];
    let mut offsets = vec![0u32];
    let mut ids = Vec::with_capacity(pairs.len());
    let mut i = 0;
    while i < pairs.len() {
        let cell = pairs[i].0;
        while i < pairs.len() && pairs[i].0 == cell {
            ids.push(pairs[i].1);
            i += 1;
        }
        cells_v[cell as usize] = EDGE | (offsets.len() as u32 - 1);
        offsets.push(ids.len() as u32);
    }
    // 2. Runs of uncrossed cells along each row lie in one region: one point-in-polygon test
    //    per run.
    for cy in 0..ny {
        let mut cx = 0;
        while cx < nx {
            if cells_v[cy * nx + cx] & EDGE != 0 {
                cx += 1;
                continue;
            }
            let start = cx;
            while cx < nx && cells_v[cy * nx + cx] & EDGE == 0 {
                cx += 1;
            }
            let c = Coord {
                x: min.x + (start as f64 + 0.5) * cw,
                y: min.y + (cy as f64 + 0.5) * ch,
            };
            let owner = tree
                .locate_all_at_point(&[c.x, c.y])
                .map(|g| g.data)
                .filter(|&k| communes[k].2.intersects(&c))
                .min();
            let v = owner.map(|k| k as u32 + 1).unwrap_or(OUTSIDE);
            for x in start..cx {
                cells_v[cy * nx + x] = v;
            }
        }
    }
    Grid {
        min,
        inv_w: 1.0 / cw,
        inv_h: 1.0 / ch,
        nx,
        ny,
        cells: cells_v,
        offsets,
        ids,
    }
}
