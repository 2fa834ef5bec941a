//! How a move is priced, written once per move: the move describes each route it leaves (a
//! [`Part`] between routes: an edit in place or a head joined to another route's tail; a
//! [`Seq`] inside one route) with the change in the route's arc and service costs, and a pricer
//! turns that into a price. [`Plain`] prices plain routes (no time windows, limits or
//! unloadings) in O(1) from the arc delta and the loads, as in HGS-CVRP; [`Segs`] and
//! [`SegsIntra`] prune with the arc delta (a route costs at least its arcs, services, unloadings
//! and fixed cost) and price what passes by concatenating time-warp segments.

use super::{IMPROVE, Ls, Move, SEG_WEIGHT};
use crate::instance::{DUMP, Seg};

/// Nodes that an inter-route move takes out of a route or puts into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Nodes {
    /// None.
    Nothing,
    /// One node.
    One(u32),
    /// Two nodes, in this order.
    Two(u32, u32),
}

impl Nodes {
    /// Number of nodes.
    #[inline(always)]
    fn len(self) -> usize {
        match self {
            Nodes::Nothing => 0,
            Nodes::One(_) => 1,
            Nodes::Two(..) => 2,
        }
    }
}

/// One route as an inter-route move leaves it, for the vehicle of route `r`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Part {
    /// Route `r` with the customers `out` at position `i` replaced by `ins`.
    Edit {
        /// The route.
        r: usize,
        /// Position of the first node replaced (or of the insertion).
        i: usize,
        /// Nodes taken out, from position `i` on.
        out: Nodes,
        /// Nodes put in their place.
        ins: Nodes,
        /// Change in the route's arc and service costs.
        arcs: f64,
    },
    /// Nodes `..i` of route `r`, then nodes `j..` of route `s` (plain routes are priced from
    /// the two segments).
    Join {
        /// Route whose head is kept.
        r: usize,
        /// Length of the head.
        i: usize,
        /// Route whose tail is taken.
        s: usize,
        /// First node of the tail.
        j: usize,
    },
}

impl Part {
    /// Whether the move leaves the route, which has `ncust` customers, empty.
    #[inline(always)]
    fn empties(&self, ncust: usize) -> bool {
        matches!(*self, Part::Edit { out, ins, .. }
            if out.len() > ins.len() && ncust == out.len() - ins.len())
    }

    /// Customers of the new order, when the route has `ncust` customers.
    #[inline(always)]
    fn customers(&self, ls: &Ls, ncust: usize) -> usize {
        match *self {
            Part::Edit { out, ins, .. } => ncust + ins.len() - out.len(),
            Part::Join { r, i, s, j } => before(ls, r, i) + ls.routes[s].ncust - before(ls, s, j),
        }
    }

    /// Segment of the whole new order (start and end of the vehicle included).
    #[inline(always)]
    fn seg(&self, ls: &Ls) -> Seg {
        let inst = ls.inst;
        match *self {
            Part::Edit { r, i, out, ins, .. } => {
                let route = &ls.routes[r];
                let ty = route.ty;
                let cap = &inst.types[ty].cap;
                let (head, tail) = (&route.fwd[i], &route.bwd[i + out.len()]);
                match ins {
                    Nodes::Nothing => inst.cat(head, tail, cap),
                    Nodes::One(a) => inst.cat(&inst.cat(head, inst.seg(a, ty), cap), tail, cap),
                    Nodes::Two(a, b) => inst.cat(
                        &inst.cat(&inst.cat(head, inst.seg(a, ty), cap), inst.seg(b, ty), cap),
                        tail,
                        cap,
                    ),
                }
            }
            Part::Join { r, i, s, j } => {
                let cap = &inst.types[ls.routes[r].ty].cap;
                inst.cat(&ls.routes[r].fwd[i], &ls.routes[s].bwd[j], cap)
            }
        }
    }
}

/// Customers among the first `k` nodes of route `r`.
#[inline(always)]
fn before(ls: &Ls, r: usize, k: usize) -> usize {
    let route = &ls.routes[r];
    if route.has_dump {
        route.nodes[..k].iter().filter(|&&z| z != DUMP).count()
    } else {
        k
    }
}

/// Part of the middle of a route order in an intra-route move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Piece {
    /// Nothing.
    None,
    /// One node.
    One(u32),
    /// The route's nodes `i..=j` in order (empty when `i > j`).
    Run(usize, usize),
    /// The route's nodes `i..=j` reversed.
    Rev(usize, usize),
}

/// A route order that an intra-route move would leave: the start and nodes `..a` of route
/// `r`, the pieces `mid`, then its nodes `b..` and its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Seq {
    /// The route.
    pub r: usize,
    /// Nodes kept before `mid`.
    pub a: usize,
    /// The middle, rearranged.
    pub mid: [Piece; 3],
    /// First node kept after `mid`.
    pub b: usize,
}

impl Seq {
    /// Segment of the whole order (runs from the cached sub-sequences of short routes).
    #[inline(always)]
    fn seg(&self, ls: &Ls) -> Seg {
        let inst = ls.inst;
        let route = &ls.routes[self.r];
        let ty = route.ty;
        let cap = &inst.types[ty].cap;
        let mut sgm = route.fwd[self.a];
        for piece in self.mid {
            match piece {
                Piece::None => {}
                Piece::One(z) => sgm = inst.cat(&sgm, inst.seg(z, ty), cap),
                Piece::Run(i, j) if i <= j => {
                    if route.sub_len > 0 {
                        sgm = inst.cat(&sgm, &route.sub[i * route.sub_len + j], cap);
                    } else {
                        for &z in &route.nodes[i..=j] {
                            sgm = inst.cat(&sgm, inst.seg(z, ty), cap);
                        }
                    }
                }
                Piece::Run(..) => {}
                Piece::Rev(i, j) => {
                    for &z in route.nodes[i..=j].iter().rev() {
                        sgm = inst.cat(&sgm, inst.seg(z, ty), cap);
                    }
                }
            }
        }
        inst.cat(&sgm, &route.bwd[self.b], cap)
    }
}

/// Two plain routes after an inter-route move: base-cost delta, loads and customer counts of
/// each.
#[derive(Debug, Clone, Copy)]
pub(super) struct Parts {
    /// Base-cost delta of route A.
    pub da: f64,
    /// Loads of route A.
    pub la: [f64; 2],
    /// Customers of route A.
    pub na: usize,
    /// Base-cost delta of route B.
    pub db: f64,
    /// Loads of route B.
    pub lb: [f64; 2],
    /// Customers of route B.
    pub nb: usize,
}

/// Prices the moves between the routes of two nodes and keeps the best improving one.
pub(super) trait Pricer {
    /// Prices `m`, which leaves route A (of `u`) as `a` and route B (of `v`) as `b`.
    fn inter(&mut self, ls: &Ls, m: Move, a: &Part, b: &Part);
}

/// Prices the moves inside the route of two nodes and keeps the best improving one.
pub(super) trait IntraPricer {
    /// Whether the arc delta of a move is its exact price (plain routes), rather than a bound
    /// that may be skipped where it is not O(1).
    const EXACT: bool;

    /// Prices `m`, which leaves the route as `q` with arc costs changed by `arcs`; `bound`
    /// tells whether segment pricing may prune with `arcs`.
    fn intra(&mut self, ls: &Ls, m: Move, q: &Seq, arcs: f64, bound: bool);
}

/// What plain pricing needs of one route of the pair.
#[derive(Debug, Clone, Copy)]
struct Side {
    ty: usize,
    base: f64,
    load: [f64; 2],
    ncust: usize,
}

/// Pricing on plain routes from arc deltas and loads.
pub(super) struct Plain {
    /// Routes A and B.
    sides: [Side; 2],
    old: f64,
    /// Best improving move so far and its gain (negative).
    pub best: Option<(f64, Move)>,
    /// Moves priced.
    pub work: u64,
}

impl Plain {
    /// A pricer for moves between routes `ra` and `rb` (equal for intra-route moves) of total
    /// penalised cost `old`.
    #[inline(always)]
    pub fn new(ls: &Ls, ra: usize, rb: usize, old: f64) -> Plain {
        let side = |r: usize| {
            let route = &ls.routes[r];
            Side {
                ty: route.ty,
                base: route.base,
                load: route.load,
                ncust: route.ncust,
            }
        };
        Plain {
            sides: [side(ra), side(rb)],
            old,
            best: None,
            work: 0,
        }
    }

    /// Prices a move from the base-cost deltas, loads and customer counts of both routes.
    #[inline(always)]
    pub fn consider(&mut self, ls: &Ls, m: Move, p: &Parts) {
        self.work += 1;
        let [a, b] = &self.sides;
        let c = ls.plain_cost(a.ty, a.base + p.da, p.la, p.na)
            + ls.plain_cost(b.ty, b.base + p.db, p.lb, p.nb)
            - self.old;
        if c < -IMPROVE && self.best.is_none_or(|bb| c < bb.0) {
            self.best = Some((c, m));
        }
    }

    /// Base-cost delta, loads and customers of the route `side` as `part` leaves it.
    #[inline(always)]
    fn change(ls: &Ls, side: &Side, part: &Part) -> (f64, [f64; 2], usize) {
        let inst = ls.inst;
        let sum = |z: Nodes| match z {
            Nodes::Nothing => [0.0; 2],
            Nodes::One(a) => inst.demand[a as usize],
            Nodes::Two(a, b) => {
                let (da, db) = (inst.demand[a as usize], inst.demand[b as usize]);
                [da[0] + db[0], da[1] + db[1]]
            }
        };
        match *part {
            Part::Edit { out, ins, arcs, .. } => {
                let (add, rem) = (sum(ins), sum(out));
                let l = side.load;
                (
                    arcs,
                    [l[0] + add[0] - rem[0], l[1] + add[1] - rem[1]],
                    side.ncust + ins.len() - out.len(),
                )
            }
            Part::Join { r, i, s, j } => {
                let (a, b) = (&ls.routes[r], &ls.routes[s]);
                let (f, bk) = (&a.fwd[i], &b.bwd[j]);
                let td = &inst.types[side.ty];
                let base = (f.dist + bk.dist + inst.d(f.last, bk.first)) * td.c_m
                    + (f.dur + bk.dur + inst.t(f.last, bk.first)) * td.c_s
                    + td.fixed;
                let hb = b.fwd[j].back;
                (
                    base - side.base,
                    [f.back[0] + b.load[0] - hb[0], f.back[1] + b.load[1] - hb[1]],
                    i + b.ncust - j,
                )
            }
        }
    }
}

impl Pricer for Plain {
    #[inline(always)]
    fn inter(&mut self, ls: &Ls, m: Move, a: &Part, b: &Part) {
        let (da, la, na) = Plain::change(ls, &self.sides[0], a);
        let (db, lb, nb) = Plain::change(ls, &self.sides[1], b);
        self.consider(
            ls,
            m,
            &Parts {
                da,
                la,
                na,
                db,
                lb,
                nb,
            },
        );
    }
}

impl IntraPricer for Plain {
    const EXACT: bool = true;

    #[inline(always)]
    fn intra(&mut self, _ls: &Ls, m: Move, _q: &Seq, arcs: f64, _bound: bool) {
        self.work += 1;
        if arcs < -IMPROVE && self.best.is_none_or(|b| arcs < b.0) {
            self.best = Some((arcs, m));
        }
    }
}

/// Pricing of moves between two routes by segment concatenation, after an arc-delta bound.
pub(super) struct Segs {
    /// Customers of routes A and B.
    ncust: [usize; 2],
    /// Vehicle types of routes A and B.
    ty: [usize; 2],
    old: f64,
    slack: f64,
    /// Best improving move so far and its gain (negative).
    pub best: Option<(f64, Move)>,
    /// Moves priced by concatenation.
    pub work: u64,
    /// Route A's last edit (`i`, `out`, `ins`) and its cost: relocations of one node, or of a
    /// pair in either order, leave it alike.
    last_a: Option<(usize, Nodes, Nodes, f64)>,
}

impl Segs {
    /// A pricer for moves between routes `ra` and `rb`, of total penalised cost `old`.
    #[inline(always)]
    pub fn new(ls: &Ls, ra: usize, rb: usize, old: f64) -> Segs {
        let (a, b) = (&ls.routes[ra], &ls.routes[rb]);
        Segs {
            ncust: [a.ncust, b.ncust],
            ty: [a.ty, b.ty],
            old,
            slack: a.slack + b.slack,
            best: None,
            work: 0,
            last_a: None,
        }
    }
}

impl Pricer for Segs {
    #[inline(always)]
    fn inter(&mut self, ls: &Ls, m: Move, a: &Part, b: &Part) {
        // A route left empty loses its fixed cost, which the arc delta does not count.
        if let (Part::Edit { arcs: da, .. }, Part::Edit { arcs: db, .. }) = (a, b)
            && !a.empties(self.ncust[0])
            && !b.empties(self.ncust[1])
            && da + db >= self.slack - IMPROVE
        {
            return;
        }
        self.work += 1;
        let (na, nb) = (
            a.customers(ls, self.ncust[0]),
            b.customers(ls, self.ncust[1]),
        );
        let known = match (*a, self.last_a) {
            (Part::Edit { i, out, ins, .. }, Some((li, lout, lins, c)))
                if (i, out, ins) == (li, lout, lins) =>
            {
                Some(c)
            }
            _ => None,
        };
        // Both segments before both costs: a cost read right after its segment is written
        // waits for the stores.
        let (ca, sb) = match known {
            Some(c) => (c, b.seg(ls)),
            None => {
                let sa = a.seg(ls);
                let sb = b.seg(ls);
                let c = ls.cost_of(self.ty[0], &sa, na);
                if let Part::Edit { i, out, ins, .. } = *a {
                    self.last_a = Some((i, out, ins, c));
                }
                (c, sb)
            }
        };
        let delta = ca + ls.cost_of(self.ty[1], &sb, nb) - self.old;
        if delta < -IMPROVE && self.best.is_none_or(|bb| delta < bb.0) {
            self.best = Some((delta, m));
        }
    }
}

/// Pricing of moves inside one route by segment concatenation, after an arc-delta bound.
pub(super) struct SegsIntra {
    r: usize,
    old: f64,
    slack: f64,
    /// Moves past the bound, priced together by [`SegsIntra::finish`].
    pending: [(Move, Seq); 5],
    npending: usize,
}

impl SegsIntra {
    /// A pricer for moves inside route `r`.
    pub fn new(ls: &Ls, r: usize) -> SegsIntra {
        const NONE: Seq = Seq {
            r: 0,
            a: 0,
            mid: [Piece::None; 3],
            b: 0,
        };
        SegsIntra {
            r,
            old: ls.routes[r].cost,
            slack: ls.routes[r].slack,
            pending: [(Move::TwoOpt, NONE); 5],
            npending: 0,
        }
    }

    /// Prices the moves that passed the bound (with the sub-sequence segments of short routes);
    /// returns the best improving one with the route's new cost.
    pub fn finish(&self, ls: &mut Ls) -> Option<(f64, Move)> {
        if self.npending == 0 {
            return None;
        }
        ls.ensure_sub(self.r);
        let route = &ls.routes[self.r];
        let (ty, ncust) = (route.ty, route.ncust);
        let mut best: Option<(f64, Move)> = None;
        for &(m, q) in &self.pending[..self.npending] {
            let c = ls.cost_of(ty, &q.seg(ls), ncust);
            if c - self.old < -IMPROVE && best.is_none_or(|bb| c < bb.0) {
                best = Some((c, m));
            }
        }
        ls.work += SEG_WEIGHT * self.npending as u64;
        best
    }
}

impl IntraPricer for SegsIntra {
    const EXACT: bool = false;

    #[inline(always)]
    fn intra(&mut self, _ls: &Ls, m: Move, q: &Seq, arcs: f64, bound: bool) {
        if !bound || arcs < self.slack - IMPROVE {
            self.pending[self.npending] = (m, *q);
            self.npending += 1;
        }
    }
}
