//! A uniform grid answering "which polygon of a partition contains this point" in a few
//! nanoseconds.
//!
//! - A cell that no boundary crosses belongs wholly to one polygon (or to none): its answer is
//!   stored.
//! - A cell that boundaries cross keeps, for each polygon whose boundary crosses it, whether the
//!   cell's centre is inside that polygon and the boundary segments that cross the cell. A query
//!   point's status is the centre's status flipped once per segment crossed on the way from the
//!   centre to the point — a point-in-polygon test on the handful of segments of one cell.
//!
//! Statuses of centres come from one scanline per row (crossings of the boundaries with the
//! horizontal line through the row's centres), so building costs one pass over the edges and one
//! over the cells. The polygons are assumed not to overlap (communes partition a territory).

use geo::{Coord, MultiPolygon, Rect};

const EDGE: u32 = 1 << 31;
const OUTSIDE: u32 = 0;

#[derive(Debug, Clone, Copy)]
struct Candidate {
    polygon: u32,
    centre_inside: bool,
    start: u32,
    end: u32,
}

/// The grid. Polygons are referred to by their index in the slice given to [`PartitionGrid::new`].
#[derive(Debug, Clone)]
pub struct PartitionGrid {
    min: Coord<f64>,
    cw: f64,
    ch: f64,
    inv_w: f64,
    inv_h: f64,
    nx: usize,
    ny: usize,
    /// `OUTSIDE`, `k + 1` for polygon k, or `EDGE | i` for edge cell i.
    cells: Vec<u32>,
    /// Candidates of edge cell i: `cand[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    cand: Vec<Candidate>,
    /// Boundary segments `[ax, ay, bx, by]`.
    segs: Vec<[f64; 4]>,
}

#[inline]
fn orient_pos(o: Coord<f64>, d: Coord<f64>, q: Coord<f64>) -> bool {
    // Zero counts as positive: a consistent symbolic perturbation, so that a segment passing
    // exactly through a vertex is counted once.
    (d.x - o.x) * (q.y - o.y) - (d.y - o.y) * (q.x - o.x) >= 0.0
}

#[inline]
fn crosses(p: Coord<f64>, q: Coord<f64>, s: &[f64; 4]) -> bool {
    let a = Coord { x: s[0], y: s[1] };
    let b = Coord { x: s[2], y: s[3] };
    orient_pos(p, q, a) != orient_pos(p, q, b) && orient_pos(a, b, p) != orient_pos(a, b, q)
}

impl PartitionGrid {
    /// Build a grid over `bbox` with about `cells` cells on its longer side.
    pub fn new(polygons: &[&MultiPolygon<f64>], bbox: Rect<f64>, cells: usize) -> PartitionGrid {
        let cells = cells.max(1);
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

        // All boundary segments, with their polygon.
        let mut segs: Vec<[f64; 4]> = Vec::new();
        let mut seg_polygon: Vec<u32> = Vec::new();
        for (k, mp) in polygons.iter().enumerate() {
            for poly in &mp.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    for l in ring.lines() {
                        if l.start != l.end {
                            segs.push([l.start.x, l.start.y, l.end.x, l.end.y]);
                            seg_polygon.push(k as u32);
                        }
                    }
                }
            }
        }

        // 1. Cells each segment touches (conservative supercover), and scanline crossings.
        let mut touched: Vec<(u32, u32, u32)> = Vec::new(); // (cell, polygon, segment)
        let mut crossings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); ny]; // per row: (polygon, x)
        for (si, s) in segs.iter().enumerate() {
            let k = seg_polygon[si];
            let (a, b) = if s[0] <= s[2] {
                (Coord { x: s[0], y: s[1] }, Coord { x: s[2], y: s[3] })
            } else {
                (Coord { x: s[2], y: s[3] }, Coord { x: s[0], y: s[1] })
            };
            let y_at = |x: f64| {
                if b.x == a.x {
                    a.y
                } else {
                    a.y + (b.y - a.y) * ((x - a.x) / (b.x - a.x))
                }
            };
            for cx in col(a.x)..=col(b.x) {
                let (ya, yb) = if b.x == a.x {
                    (a.y.min(b.y), a.y.max(b.y))
                } else {
                    let x_lo = (min.x + cx as f64 * cw).max(a.x);
                    let x_hi = (min.x + (cx + 1) as f64 * cw).min(b.x);
                    let (p, q) = (y_at(x_lo), y_at(x_hi));
                    (p.min(q), p.max(q))
                };
                let margin = ch * 1e-6;
                let c_lo = cx.saturating_sub(1);
                let c_hi = (cx + 1).min(nx - 1);
                for ccx in c_lo..=c_hi {
                    // Neighbouring columns only when the segment reaches their border.
                    if ccx != cx {
                        let border = if ccx < cx {
                            min.x + cx as f64 * cw
                        } else {
                            min.x + (cx + 1) as f64 * cw
                        };
                        if (a.x - border).abs() > cw * 1e-6
                            && (b.x - border).abs() > cw * 1e-6
                            && !(a.x <= border && border <= b.x)
                        {
                            continue;
                        }
                    }
                    for cy in row(ya - margin)..=row(yb + margin) {
                        touched.push(((cy * nx + ccx) as u32, k, si as u32));
                    }
                }
            }
            // Scanline: rows whose centre line y_c satisfies lo <= y_c < hi (half-open rule).
            let (lo, hi) = (s[1].min(s[3]), s[1].max(s[3]));
            if hi > lo {
                let first = ((lo - min.y) / ch - 0.5).ceil().max(0.0) as usize;
                let mut r = first;
                while r < ny {
                    let yc = min.y + (r as f64 + 0.5) * ch;
                    if yc >= hi {
                        break;
                    }
                    if yc >= lo {
                        let x = s[0] + (s[2] - s[0]) * ((yc - s[1]) / (s[3] - s[1]));
                        crossings[r].push((k, x));
                    }
                    r += 1;
                }
            }
        }
        touched.sort_unstable_by_key(|&(c, k, s)| (c, k, s));
        touched.dedup();

        // 2. Edge cells: candidates with their segments (centre status filled in below).
        let mut cells_v = vec![OUTSIDE; nx * ny];
        let mut offsets = vec![0u32];
        let mut cand: Vec<Candidate> = Vec::new();
        let mut cell_segs: Vec<[f64; 4]> = Vec::with_capacity(touched.len());
        let mut i = 0;
        while i < touched.len() {
            let cell = touched[i].0;
            while i < touched.len() && touched[i].0 == cell {
                let k = touched[i].1;
                let start = cell_segs.len() as u32;
                while i < touched.len() && touched[i].0 == cell && touched[i].1 == k {
                    cell_segs.push(segs[touched[i].2 as usize]);
                    i += 1;
                }
                cand.push(Candidate {
                    polygon: k,
                    centre_inside: false,
                    start,
                    end: cell_segs.len() as u32,
                });
            }
            cells_v[cell as usize] = EDGE | (offsets.len() as u32 - 1);
            offsets.push(cand.len() as u32);
        }

        // 3. Scanlines: owner of every cell centre.
        let mut owner = vec![OUTSIDE; nx];
        for (cy, xs) in crossings.iter_mut().enumerate() {
            owner.fill(OUTSIDE);
            xs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            for pair in xs.chunk_by(|a, b| a.0 == b.0) {
                for iv in pair.chunks_exact(2) {
                    let (x0, x1) = (iv[0].1, iv[1].1);
                    // Centres x_c = min.x + (cx + 0.5) cw with x0 <= x_c < x1.
                    let c0 = ((x0 - min.x) / cw - 0.5).ceil().max(0.0) as usize;
                    let mut cx = c0;
                    while cx < nx {
                        let xc = min.x + (cx as f64 + 0.5) * cw;
                        if xc >= x1 {
                            break;
                        }
                        if xc >= x0 {
                            owner[cx] = iv[0].0 + 1;
                        }
                        cx += 1;
                    }
                }
            }
            for cx in 0..nx {
                let v = &mut cells_v[cy * nx + cx];
                if *v & EDGE == 0 {
                    *v = owner[cx];
                } else {
                    let e = (*v & !EDGE) as usize;
                    for c in &mut cand[offsets[e] as usize..offsets[e + 1] as usize] {
                        c.centre_inside = owner[cx] == c.polygon + 1;
                    }
                }
            }
        }
        PartitionGrid {
            min,
            cw,
            ch,
            inv_w: 1.0 / cw,
            inv_h: 1.0 / ch,
            nx,
            ny,
            cells: cells_v,
            offsets,
            cand,
            segs: cell_segs,
        }
    }

    /// Index of the polygon containing (x, y), if any.
    #[inline]
    pub fn locate(&self, x: f64, y: f64) -> Option<usize> {
        let fx = (x - self.min.x) * self.inv_w;
        let fy = (y - self.min.y) * self.inv_h;
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (cx, cy) = (fx as usize, fy as usize);
        if cx >= self.nx || cy >= self.ny {
            return None;
        }
        let v = self.cells[cy * self.nx + cx];
        if v == OUTSIDE {
            return None;
        }
        if v & EDGE == 0 {
            return Some((v - 1) as usize);
        }
        let e = (v & !EDGE) as usize;
        let centre = Coord {
            x: self.min.x + (cx as f64 + 0.5) * self.cw,
            y: self.min.y + (cy as f64 + 0.5) * self.ch,
        };
        let p = Coord { x, y };
        for c in &self.cand[self.offsets[e] as usize..self.offsets[e + 1] as usize] {
            let flips = self.segs[c.start as usize..c.end as usize]
                .iter()
                .filter(|s| crosses(centre, p, s))
                .count();
            if c.centre_inside ^ (flips % 2 == 1) {
                return Some(c.polygon as usize);
            }
        }
        None
    }

    /// Share of cells crossed by a boundary.
    pub fn edge_cell_share(&self) -> f64 {
        (self.offsets.len() - 1) as f64 / self.cells.len() as f64
    }

    /// Grid size (columns, rows).
    pub fn size(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, polygon};
    use rand::{Rng, SeedableRng};

    #[test]
    fn matches_exact_point_in_polygon_with_holes_and_shared_edges() {
        // Two squares sharing an edge; the left one has a hole; a triangle apart.
        let a: MultiPolygon<f64> = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
            interiors: [[(x: 0.3, y: 0.3), (x: 0.6, y: 0.3), (x: 0.6, y: 0.6), (x: 0.3, y: 0.6)]],
        )
        .into();
        let b: MultiPolygon<f64> =
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)].into();
        let c: MultiPolygon<f64> =
            polygon![(x: 2.5, y: 0.2), (x: 3.0, y: 0.9), (x: 2.2, y: 0.8)].into();
        let polys = [&a, &b, &c];
        let bbox = Rect::new((0.0, 0.0), (3.0, 1.0));
        for res in [3, 17, 64] {
            let g = PartitionGrid::new(&polys, bbox, res);
            let mut rng = rand_pcg::Pcg64::seed_from_u64(res as u64);
            for _ in 0..20_000 {
                let p = Coord {
                    x: rng.random_range(-0.1..3.1),
                    y: rng.random_range(-0.1..1.1),
                };
                let exact = polys.iter().position(|m| m.contains(&p));
                let on_boundary =
                    exact.is_none() && polys.iter().any(|m| geo::Intersects::intersects(*m, &p));
                if !on_boundary {
                    assert_eq!(g.locate(p.x, p.y), exact, "{p:?} at resolution {res}");
                }
            }
        }
    }
}
