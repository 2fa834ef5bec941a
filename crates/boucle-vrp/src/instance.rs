//! The engine's compact internal instance: locations renumbered densely, costs in f64 matrices,
//! and the concatenable route segments used by every move evaluation (Vidal et al. 2013 time-warp
//! segments, extended with loads that reset at each unloading).

use crate::matrix::CostMatrix;

use super::model::{DIMS, Problem};

/// "Infinite" time or distance, kept finite so that arithmetic never yields NaN.
pub(crate) const BIG: f64 = 1e12;
/// Node id of an intermediate unloading visit in a route (its place depends on the route's type).
pub(crate) const DUMP: u32 = u32::MAX;
/// Numerical tolerance on feasibility.
pub(crate) const EPS: f64 = 1e-6;

/// A summary of a sequence of visits, concatenable in O(1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seg {
    /// Location of the first visit.
    pub first: u32,
    /// Location of the last visit.
    pub last: u32,
    /// Distance travelled.
    pub dist: f64,
    /// Minimal duration (travel, service, waiting), time warp excluded.
    pub dur: f64,
    /// Time warp (lateness forced by the time windows).
    pub tw: f64,
    /// Earliest start of the first visit at which the minimal duration is reached.
    pub early: f64,
    /// Latest start of the first visit without more time warp.
    pub late: f64,
    /// Load before the first unloading (whole load if none).
    pub front: [f64; DIMS],
    /// Load after the last unloading (whole load if none).
    pub back: [f64; DIMS],
    /// Capacity excess of the trips closed inside the segment.
    pub excess: [f64; DIMS],
    /// Whether the segment contains an unloading (start/end of a route count as one).
    pub unload: bool,
    /// Number of intermediate unloadings.
    pub dumps: u32,
}

/// Per vehicle-type data, in compact locations.
#[derive(Debug, Clone)]
pub(crate) struct TypeData {
    /// Capacity per dimension (per trip).
    pub cap: [f64; DIMS],
    /// Cost per metre.
    pub c_m: f64,
    /// Cost per second.
    pub c_s: f64,
    /// Fixed cost of a used vehicle.
    pub fixed: f64,
    /// Longest route duration (s).
    pub max_dur: f64,
    /// Longest route distance (m).
    pub max_dist: f64,
    /// Most trips per route.
    pub max_trips: u32,
    /// Segment of the start depot.
    pub start_seg: Seg,
    /// Segment of the route's end: the final unloading, then the end depot.
    pub end_seg: Seg,
    /// Segment of an intermediate unloading.
    pub dump_seg: Seg,
    /// Count of vehicles (usize::MAX when unbounded).
    pub count: usize,
    /// Travel cost (distance and time terms) between compact locations, row-major.
    pub arc: Vec<f64>,
    /// No maximum duration, distance or shift: a route's penalised cost is then its arc and
    /// service costs plus the capacity penalty, so moves are priced from arc deltas and loads.
    pub plain: bool,
}

/// Penalty weights of the relaxed constraints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pen {
    /// Per unit of load over capacity, per dimension.
    pub cap: [f64; DIMS],
    /// Per second of time warp or of duration over the limit.
    pub tw: f64,
    /// Per metre over the distance limit.
    pub dist: f64,
}

impl Pen {
    /// Penalty of the loads `load` over the capacities `cap`.
    #[inline]
    pub fn excess(&self, load: [f64; DIMS], cap: [f64; DIMS]) -> f64 {
        (load[0] - cap[0]).max(0.0) * self.cap[0] + (load[1] - cap[1]).max(0.0) * self.cap[1]
    }

    /// Every weight multiplied by `k`.
    pub fn scaled(&self, k: f64) -> Pen {
        Pen {
            cap: [self.cap[0] * k, self.cap[1] * k],
            tw: self.tw * k,
            dist: self.dist * k,
        }
    }
}

/// Violations of a route, in natural units.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Viol {
    /// Load over capacity, per dimension.
    pub cap: [f64; DIMS],
    /// Time warp plus duration over the limit (s).
    pub time: f64,
    /// Distance over the limit (m).
    pub dist: f64,
    /// Trips over the limit.
    pub trips: f64,
}

impl Viol {
    /// Whether nothing is violated (up to [`EPS`]).
    pub fn feasible(&self) -> bool {
        self.cap[0] <= EPS
            && self.cap[1] <= EPS
            && self.time <= EPS
            && self.dist <= EPS
            && self.trips <= 0.0
    }

    /// Adds the violations `o`.
    pub fn add(&mut self, o: &Viol) {
        self.cap[0] += o.cap[0];
        self.cap[1] += o.cap[1];
        self.time += o.time;
        self.dist += o.dist;
        self.trips += o.trips;
    }

    /// Penalty of the violations with weights `p`.
    pub fn penalty(&self, p: &Pen) -> f64 {
        p.cap[0] * self.cap[0]
            + p.cap[1] * self.cap[1]
            + p.tw * self.time
            + p.dist * self.dist
            + 1e9 * self.trips
    }
}

/// The compact instance.
#[derive(Debug, Clone)]
pub(crate) struct Inst {
    /// Number of customers (assignable stops).
    pub n: usize,
    nloc: usize,
    dist: Vec<f64>,
    time: Vec<f64>,
    /// Compact location of each customer.
    pub cust_loc: Vec<u32>,
    /// Segment of each customer alone.
    pub cust_seg: Vec<Seg>,
    /// Demand of each customer.
    pub demand: Vec<[f64; DIMS]>,
    /// Data of each vehicle type.
    pub types: Vec<TypeData>,
    /// Vehicle type of each route slot.
    pub slots: Vec<usize>,
    /// Granular neighbours of each customer.
    pub neigh: Vec<Vec<u32>>,
    /// Index in `Problem::stops` of each customer.
    pub stop_of: Vec<usize>,
    /// Matrix index of each compact location.
    pub locs: Vec<usize>,
    /// Weight on the longest round's duration (per s).
    pub balance: f64,
    /// Whether some customer has a time window (durations then include waiting).
    pub timed: bool,
    /// Whether distances and travel times are symmetric.
    pub symmetric: bool,
    /// `compat[a][b]`: a route of type `a` may take the tail of a route of type `b` in 2-opt*
    /// (same end, unloading place, unloading time, shift and capacity).
    pub compat: Vec<Vec<bool>>,
}

fn node_seg(loc: u32, service: f64, early: f64, late: f64, demand: [f64; DIMS]) -> Seg {
    Seg {
        first: loc,
        last: loc,
        dist: 0.0,
        dur: service,
        tw: 0.0,
        early,
        late,
        front: demand,
        back: demand,
        excess: [0.0; DIMS],
        unload: false,
        dumps: 0,
    }
}

impl Inst {
    /// Builds the compact instance for the stops `customers` (indices into `problem.stops`).
    pub fn new(
        problem: &Problem,
        matrix: &dyn CostMatrix,
        customers: &[usize],
        granular: usize,
    ) -> Inst {
        // Dense renumbering of the locations used.
        let mut used: Vec<usize> = customers
            .iter()
            .map(|&c| problem.stops[c].location)
            .collect();
        for v in &problem.vehicle_types {
            used.push(v.start);
            used.push(v.end);
            used.push(v.dump.unwrap_or(v.end));
        }
        used.sort_unstable();
        used.dedup();
        let nloc = used.len();
        let loc = |m: usize| used.binary_search(&m).expect("location listed") as u32;
        let mut dist = vec![0.0; nloc * nloc];
        let mut time = vec![0.0; nloc * nloc];
        for (a, &ma) in used.iter().enumerate() {
            for (b, &mb) in used.iter().enumerate() {
                if a != b {
                    let d = matrix.distance_m(ma, mb);
                    let t = matrix.duration_s(ma, mb);
                    dist[a * nloc + b] = if d.is_finite() { d.max(0.0) } else { BIG };
                    time[a * nloc + b] = if t.is_finite() { t.max(0.0) } else { BIG };
                }
            }
        }
        let n = customers.len();
        let mut cust_loc = Vec::with_capacity(n);
        let mut cust_seg = Vec::with_capacity(n);
        let mut demand = Vec::with_capacity(n);
        for &c in customers {
            let s = &problem.stops[c];
            let l = loc(s.location);
            let (e, la) = s
                .time_window
                .map(|w| (w.earliest_s, w.latest_s))
                .unwrap_or((0.0, BIG));
            cust_loc.push(l);
            cust_seg.push(node_seg(l, s.service_s, e, la, s.demand));
            demand.push(s.demand);
        }
        let mut inst = Inst {
            n,
            nloc,
            dist,
            time,
            cust_loc,
            cust_seg,
            demand,
            types: Vec::new(),
            slots: Vec::new(),
            neigh: Vec::new(),
            stop_of: customers.to_vec(),
            locs: Vec::new(),
            balance: problem.balance_cost_per_hour / 3600.0,
            symmetric: false,
            timed: customers
                .iter()
                .any(|&c| problem.stops[c].time_window.is_some()),
            compat: Vec::new(),
        };
        let mut ends = Vec::new();
        for v in &problem.vehicle_types {
            let (se, sl) = v
                .shift
                .map(|w| (w.earliest_s, w.latest_s))
                .unwrap_or((0.0, BIG));
            let mut start_seg = node_seg(loc(v.start), 0.0, se, sl, [0.0; DIMS]);
            start_seg.unload = true;
            let dl = loc(v.dump.unwrap_or(v.end));
            let mut dump_seg = node_seg(dl, v.unload_service_s, 0.0, BIG, [0.0; DIMS]);
            dump_seg.unload = true;
            let mut final_dump = dump_seg;
            dump_seg.dumps = 1;
            final_dump.dumps = 0;
            let end_node = node_seg(loc(v.end), 0.0, se, sl, [0.0; DIMS]);
            let end_seg = inst.cat(&final_dump, &end_node, &v.capacity);
            ends.push((
                loc(v.end),
                dl,
                v.unload_service_s.to_bits(),
                se.to_bits(),
                sl.to_bits(),
                // Route segments carry the capacity excess of the trips they close, measured
                // against their own type's capacity: a tail moves only between equal capacities.
                v.capacity.map(f64::to_bits),
            ));
            let (c_m, c_s) = (v.cost_per_km / 1000.0, v.cost_per_hour / 3600.0);
            let arc = (0..nloc * nloc)
                .map(|i| inst.dist[i] * c_m + inst.time[i] * c_s)
                .collect();
            inst.types.push(TypeData {
                arc,
                plain: v.max_duration_s.is_none()
                    && v.max_distance_m.is_none()
                    && v.shift.is_none(),
                cap: v.capacity,
                c_m: v.cost_per_km / 1000.0,
                c_s: v.cost_per_hour / 3600.0,
                fixed: v.fixed_cost,
                max_dur: v.max_duration_s.unwrap_or(BIG),
                max_dist: v.max_distance_m.unwrap_or(BIG),
                max_trips: v.max_trips.unwrap_or(u32::MAX),
                start_seg,
                end_seg,
                dump_seg,
                count: v.count.unwrap_or(usize::MAX),
            });
        }
        inst.locs = used.clone();
        inst.symmetric = (0..nloc).all(|a| {
            (0..a).all(|b| {
                inst.dist[a * nloc + b] == inst.dist[b * nloc + a]
                    && inst.time[a * nloc + b] == inst.time[b * nloc + a]
            })
        });
        inst.compat = ends
            .iter()
            .map(|a| ends.iter().map(|b| a == b).collect())
            .collect();
        for (t, td) in inst.types.iter().enumerate() {
            let k = td.count.min(n.max(1));
            inst.slots.extend(std::iter::repeat_n(t, k));
        }
        inst.neigh = inst.granular(granular);
        inst
    }

    /// Distance between compact locations.
    #[inline]
    pub fn d(&self, a: u32, b: u32) -> f64 {
        self.dist[a as usize * self.nloc + b as usize]
    }

    /// Travel time between compact locations.
    #[inline]
    pub fn t(&self, a: u32, b: u32) -> f64 {
        self.time[a as usize * self.nloc + b as usize]
    }

    /// Travel cost of an arc for vehicle type `ty` (distance and time terms).
    #[inline]
    pub fn arc(&self, ty: usize, a: u32, b: u32) -> f64 {
        self.types[ty].arc[a as usize * self.nloc + b as usize]
    }

    /// Service cost of customer `c` in a vehicle of type `ty`.
    #[inline]
    pub fn svc(&self, ty: usize, c: u32) -> f64 {
        self.cust_seg[c as usize].dur * self.types[ty].c_s
    }

    /// Change in travel cost when a visit at location `l` is inserted between `p` and `x`.
    #[inline]
    pub fn detour(&self, ty: usize, p: u32, l: u32, x: u32) -> f64 {
        self.arc(ty, p, l) + self.arc(ty, l, x) - self.arc(ty, p, x)
    }

    /// Change in travel cost when the visit at location `l` between `p` and `x` is removed.
    #[inline]
    pub fn removal(&self, ty: usize, p: u32, l: u32, x: u32) -> f64 {
        self.arc(ty, p, x) - self.arc(ty, p, l) - self.arc(ty, l, x)
    }

    fn granular(&self, k: usize) -> Vec<Vec<u32>> {
        let (c_m, c_s) = self
            .types
            .first()
            .map(|t| (t.c_m.max(1e-9), t.c_s))
            .unwrap_or((1.0, 0.0));
        (0..self.n)
            .map(|u| {
                let lu = self.cust_loc[u];
                let su = &self.cust_seg[u];
                let mut cand: Vec<(f64, u32)> = (0..self.n)
                    .filter(|&v| v != u)
                    .map(|v| {
                        let lv = self.cust_loc[v];
                        let sv = &self.cust_seg[v];
                        let arc = |a: u32, b: u32| self.d(a, b) * c_m + self.t(a, b) * c_s;
                        // Correlation: cheapest arc between them, plus a time-window term
                        // (waiting or lateness) as in HGS-TW, in cost units.
                        let gap = |x: &Seg, y: &Seg, tr: f64| {
                            let wait = (y.early - (x.late + x.dur + tr)).max(0.0);
                            let late = (x.early + x.dur + tr - y.late).max(0.0);
                            0.2 * wait + late
                        };
                        let w = self.t(lu, lv);
                        let c1 = arc(lu, lv) + c_m * gap(su, sv, w);
                        let c2 = arc(lv, lu) + c_m * gap(sv, su, self.t(lv, lu));
                        (c1.min(c2), v as u32)
                    })
                    .collect();
                // The k closest in O(n), then in order (ties by index: deterministic).
                let cmp = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
                if k < cand.len() {
                    cand.select_nth_unstable_by(k, cmp);
                    cand.truncate(k);
                }
                cand.sort_by(cmp);
                cand.into_iter().map(|x| x.1).collect()
            })
            .collect()
    }

    /// Concatenation of two segments, with the capacity of the route's type. Always inlined: the
    /// moves' prices then read the segment from registers, not from a copy just written.
    #[inline(always)]
    pub fn cat(&self, a: &Seg, b: &Seg, cap: &[f64; DIMS]) -> Seg {
        let t = self.t(a.last, b.first);
        let delta = a.dur - a.tw + t;
        let wait = (b.early - delta - a.late).max(0.0);
        let dtw = (a.early + delta - b.late).max(0.0);
        let mut s = Seg {
            first: a.first,
            last: b.last,
            dist: a.dist + b.dist + self.d(a.last, b.first),
            dur: a.dur + b.dur + t + wait,
            tw: a.tw + b.tw + dtw,
            early: (b.early - delta).max(a.early) - wait,
            late: (b.late - delta).min(a.late) + dtw,
            front: a.front,
            back: b.back,
            excess: a.excess,
            unload: a.unload || b.unload,
            dumps: a.dumps + b.dumps,
        };
        for k in 0..DIMS {
            s.excess[k] += b.excess[k];
            match (a.unload, b.unload) {
                (false, false) => {
                    s.front[k] = a.front[k] + b.front[k];
                    s.back[k] = s.front[k];
                }
                (false, true) => s.front[k] = a.front[k] + b.front[k],
                (true, false) => s.back[k] = a.back[k] + b.front[k],
                (true, true) => s.excess[k] += (a.back[k] + b.front[k] - cap[k]).max(0.0),
            }
        }
        s
    }

    /// Segment of one route node (customer or intermediate unloading) for a type.
    #[inline]
    pub fn seg(&self, node: u32, ty: usize) -> &Seg {
        if node == DUMP {
            &self.types[ty].dump_seg
        } else {
            &self.cust_seg[node as usize]
        }
    }

    /// Segment of a whole route of type `ty` (start, nodes, end).
    pub fn route_seg(&self, ty: usize, nodes: &[u32]) -> Seg {
        let td = &self.types[ty];
        let mut s = td.start_seg;
        for &x in nodes {
            s = self.cat(&s, self.seg(x, ty), &td.cap);
        }
        self.cat(&s, &td.end_seg, &td.cap)
    }

    /// Cost without penalties of a complete non-empty route segment.
    #[inline]
    pub fn base_cost(&self, ty: usize, s: &Seg) -> f64 {
        let td = &self.types[ty];
        s.dist * td.c_m + s.dur * td.c_s + td.fixed
    }

    /// Constraint violations of a complete route segment.
    #[inline]
    pub fn viol(&self, ty: usize, s: &Seg) -> Viol {
        let td = &self.types[ty];
        Viol {
            cap: s.excess,
            time: s.tw + (s.dur - td.max_dur).max(0.0),
            dist: (s.dist - td.max_dist).max(0.0),
            trips: if s.dumps >= td.max_trips {
                (s.dumps + 1 - td.max_trips) as f64
            } else {
                0.0
            },
        }
    }

    /// Penalised cost of a complete non-empty route segment.
    #[inline]
    pub fn pcost(&self, ty: usize, s: &Seg, pen: &Pen) -> f64 {
        self.base_cost(ty, s) + self.viol(ty, s).penalty(pen)
    }

    /// Initial penalty weights, scaled to the instance's costs.
    pub fn initial_pen(&self) -> Pen {
        let td = &self.types[0];
        let mut max_arc: f64 = 0.0;
        let mut max_time: f64 = 0.0;
        for a in 0..self.nloc as u32 {
            for b in 0..self.nloc as u32 {
                let (d, t) = (self.d(a, b), self.t(a, b));
                if d < BIG && t < BIG {
                    max_arc = max_arc.max(d * td.c_m + t * td.c_s);
                    max_time = max_time.max(t);
                }
            }
        }
        let mut cap = [1.0; DIMS];
        for (k, c) in cap.iter_mut().enumerate() {
            let max_dem = self.demand.iter().map(|d| d[k]).fold(0.0, f64::max);
            *c = if max_dem > 0.0 {
                (max_arc / max_dem).clamp(1e-3, 1e5)
            } else {
                1.0
            };
        }
        let tw = if max_time > 0.0 {
            (max_arc / max_time).max(1e-3)
        } else {
            1.0
        };
        let max_d = self
            .dist
            .iter()
            .copied()
            .filter(|&d| d < BIG)
            .fold(0.0, f64::max);
        let dist = if max_d > 0.0 {
            (max_arc / max_d).max(1e-3)
        } else {
            1.0
        };
        Pen { cap, tw, dist }
    }
}
