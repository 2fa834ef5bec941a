//! Swap moves: `u` and `v` exchanged (1-1), and between routes also `(u, x)` exchanged with `v`
//! (2-1) or with `(v, y)` (2-2).

use super::price::{IntraPricer, Nodes, Part, Piece, Pricer, Seq};
use super::{Ls, Move, Pair};

use Piece::{One, Run};

/// Prices the exchanges of `(u, x)` with `v` and with `(v, y)`, then of `u` with `v`, between
/// routes A and B.
#[inline(always)]
pub(super) fn price_inter<P: Pricer>(ls: &Ls, c: &Pair, p: &mut P) {
    let inst = ls.inst;
    let (tu, tv) = (c.tu, c.tv);
    let (u, v, lu, lv) = (c.u, c.v, c.lu, c.lv);
    let (pu, xu, pv, yv) = (c.pu, c.xu, c.pv, c.yv);
    let arc = |t: usize, a: u32, b: u32| inst.arc(t, a, b);
    let svc = |t: usize, z: u32| inst.svc(t, z);
    if let Some(x) = c.x {
        let lx = inst.cust_loc[x as usize];
        let xx = ls.ext_loc(c.ru, c.ku + 3);
        let da =
            arc(tu, pu, lv) + arc(tu, lv, xx) - arc(tu, pu, lu) - arc(tu, lu, lx) - arc(tu, lx, xx)
                + svc(tu, v)
                - svc(tu, u)
                - svc(tu, x);
        let db =
            arc(tv, pv, lu) + arc(tv, lu, lx) + arc(tv, lx, yv) - arc(tv, pv, lv) - arc(tv, lv, yv)
                + svc(tv, u)
                + svc(tv, x)
                - svc(tv, v);
        p.inter(
            ls,
            Move::SwapPairWithOne,
            &Part::Edit {
                r: c.ru,
                i: c.ku,
                out: Nodes::Two(u, x),
                ins: Nodes::One(v),
                arcs: da,
            },
            &Part::Edit {
                r: c.rv,
                i: c.kv,
                out: Nodes::One(v),
                ins: Nodes::Two(u, x),
                arcs: db,
            },
        );
        if let Some(y) = c.y {
            let ly = inst.cust_loc[y as usize];
            let yy = ls.ext_loc(c.rv, c.kv + 3);
            let da = arc(tu, pu, lv) + arc(tu, lv, ly) + arc(tu, ly, xx)
                - arc(tu, pu, lu)
                - arc(tu, lu, lx)
                - arc(tu, lx, xx)
                + svc(tu, v)
                + svc(tu, y)
                - svc(tu, u)
                - svc(tu, x);
            let db = arc(tv, pv, lu) + arc(tv, lu, lx) + arc(tv, lx, yy)
                - arc(tv, pv, lv)
                - arc(tv, lv, ly)
                - arc(tv, ly, yy)
                + svc(tv, u)
                + svc(tv, x)
                - svc(tv, v)
                - svc(tv, y);
            p.inter(
                ls,
                Move::SwapPairs,
                &Part::Edit {
                    r: c.ru,
                    i: c.ku,
                    out: Nodes::Two(u, x),
                    ins: Nodes::Two(v, y),
                    arcs: da,
                },
                &Part::Edit {
                    r: c.rv,
                    i: c.kv,
                    out: Nodes::Two(v, y),
                    ins: Nodes::Two(u, x),
                    arcs: db,
                },
            );
        }
    }
    let da = arc(tu, pu, lv) + arc(tu, lv, xu) - arc(tu, pu, lu) - arc(tu, lu, xu) + svc(tu, v)
        - svc(tu, u);
    let db = arc(tv, pv, lu) + arc(tv, lu, yv) - arc(tv, pv, lv) - arc(tv, lv, yv) + svc(tv, u)
        - svc(tv, v);
    p.inter(
        ls,
        Move::Swap,
        &Part::Edit {
            r: c.ru,
            i: c.ku,
            out: Nodes::One(u),
            ins: Nodes::One(v),
            arcs: da,
        },
        &Part::Edit {
            r: c.rv,
            i: c.kv,
            out: Nodes::One(v),
            ins: Nodes::One(u),
            arcs: db,
        },
    );
}

/// Applies exchange `m` between the routes of `u` and `v` (their segments are refreshed by the
/// caller).
pub(super) fn apply_inter(ls: &mut Ls, m: Move, c: &Pair) {
    let (ku, kv) = (c.ku, c.kv);
    match m {
        Move::Swap => {
            ls.routes[c.ru].nodes[ku] = c.v;
            ls.routes[c.rv].nodes[kv] = c.u;
        }
        Move::SwapPairWithOne => {
            let x = c.x.expect("x");
            ls.routes[c.ru].nodes.splice(ku..ku + 2, [c.v]);
            ls.routes[c.rv].nodes.splice(kv..kv + 1, [c.u, x]);
        }
        Move::SwapPairs => {
            let (x, y) = (c.x.expect("x"), c.y.expect("y"));
            let an = &mut ls.routes[c.ru].nodes;
            an[ku] = c.v;
            an[ku + 1] = y;
            let bn = &mut ls.routes[c.rv].nodes;
            bn[kv] = c.u;
            bn[kv + 1] = x;
        }
        _ => unreachable!("{m:?} is not an exchange"),
    }
}

/// Prices the exchange of `u` and `v` inside their route.
#[inline(always)]
pub(super) fn price_intra<P: IntraPricer>(ls: &Ls, c: &Pair, p: &mut P) {
    let inst = ls.inst;
    let (ty, ku, kv) = (c.tu, c.ku, c.kv);
    let (lu, lv, pu, xu, pv, yv) = (c.lu, c.lv, c.pu, c.xu, c.pv, c.yv);
    let arc = |a: u32, b: u32| inst.arc(ty, a, b);
    let d = if kv == ku + 1 {
        arc(pu, lv) + arc(lv, lu) + arc(lu, yv) - arc(pu, lu) - arc(lu, lv) - arc(lv, yv)
    } else if ku == kv + 1 {
        arc(pv, lu) + arc(lu, lv) + arc(lv, xu) - arc(pv, lv) - arc(lv, lu) - arc(lu, xu)
    } else {
        arc(pu, lv) + arc(lv, xu) - arc(pu, lu) - arc(lu, xu) + arc(pv, lu) + arc(lu, yv)
            - arc(pv, lv)
            - arc(lv, yv)
    };
    let (lo, hi) = (ku.min(kv), ku.max(kv));
    let nodes = &ls.routes[c.ru].nodes;
    let q = Seq {
        r: c.ru,
        a: lo,
        mid: [One(nodes[hi]), Run(lo + 1, hi - 1), One(nodes[lo])],
        b: hi + 1,
    };
    // Neighbours in the route are always priced by concatenation.
    p.intra(ls, Move::Swap, &q, d, hi - lo > 1);
}

/// Applies the exchange of `u` and `v` inside their route.
pub(super) fn apply_intra(ls: &mut Ls, c: &Pair) {
    ls.routes[c.ru].nodes.swap(c.ku, c.kv);
}
