//! Spatial lookups on a territory: point → commune → intercommunality, nearest business park.
//!
//! Point → commune uses [`PartitionGrid`]: most points are answered by one array read, the others
//! by a crossing count on the few boundary segments of their cell. Communes' bounding boxes sit in an R*-tree (rstar) for
//! the rare fallback and for building. Parks sit in an R*-tree in a local metric projection for
//! nearest-neighbour queries.

use geo::{BoundingRect, Coord, Distance, Haversine, Intersects, MultiPolygon, Point};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use serde::Serialize;

use crate::territory::Territory;

mod grid;
pub use grid::PartitionGrid;

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
    /// Whether the point lies inside the park's outline (then `distance_m` is 0 and the answer
    /// is certain); `false` for a nearest-position answer.
    pub inside: bool,
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

/// Point lookups on a territory's communes, intercommunalities and parks.
pub struct SpatialIndex {
    communes: Vec<(CommuneRef, usize, MultiPolygon<f64>)>,
    epcis: Vec<EpciRef>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    grid: PartitionGrid,
    parks: RTree<GeomWithData<[f64; 2], usize>>,
    park_refs: Vec<(String, String, Point<f64>, String)>,
    park_outlines: Vec<(String, String, geo::Rect<f64>, MultiPolygon<f64>)>,
    lat0_cos: f64,
    /// Largest distance for the nearest-park answer, in metres.
    pub park_max_distance_m: f64,
}

impl std::fmt::Debug for SpatialIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpatialIndex")
            .field("communes", &self.communes.len())
            .field("grid", &self.grid.size())
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
        let polygons: Vec<&MultiPolygon<f64>> = communes.iter().map(|c| &c.2).collect();
        let grid = PartitionGrid::new(&polygons, bbox, cells);
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
        let park_outlines = t
            .parks
            .iter()
            .filter_map(|p| {
                let o = p.outline.as_ref()?;
                Some((p.id.clone(), p.name.clone(), o.bounding_rect()?, o.clone()))
            })
            .collect();
        SpatialIndex {
            park_outlines,
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
        self.grid.locate(lon, lat)
    }

    /// Exact answer without the grid (R*-tree of bounding boxes, then point-in-polygon): the
    /// reference the grid is tested against.
    pub fn commune_index_exact(&self, lon: f64, lat: f64) -> Option<usize> {
        let c = Coord { x: lon, y: lat };
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

    /// The park whose outline contains (lon, lat), else the nearest located park within
    /// `max_m` metres.
    pub fn nearest_park(&self, lon: f64, lat: f64, max_m: f64) -> Option<ParkRef> {
        let c = Coord { x: lon, y: lat };
        if let Some((id, name, _, _)) = self.park_outlines.iter().find(|(_, _, r, o)| {
            (r.min().x..=r.max().x).contains(&lon)
                && (r.min().y..=r.max().y).contains(&lat)
                && o.intersects(&c)
        }) {
            return Some(ParkRef {
                id: id.clone(),
                name: name.clone(),
                distance_m: 0.0,
                precision: "park".into(),
                inside: true,
            });
        }
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
            inside: false,
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
        self.grid.edge_cell_share()
    }
}

fn local_xy(p: Point<f64>, lat0_cos: f64) -> [f64; 2] {
    [p.x() * lat0_cos * M_PER_DEG, p.y() * M_PER_DEG]
}
