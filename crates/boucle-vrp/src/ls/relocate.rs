//! Relocate moves: a customer `u`, or `u` and its successor `x` in either order (or-opt),
//! moved after a neighbour `v`, between routes or inside one; between routes also `u` moved
//! before `v` when `v` opens its route or a trip.

use super::price::{IntraPricer, Nodes, Part, Piece, Pricer, Seq};
use super::{DUMP, Ls, Move, Pair};

use Piece::{One, Run};
const NONE: Piece = Piece::None;

/// Prices the relocations of `u` and of `(u, x)` from route A next to `v` in route B.
#[inline(always)]
pub(super) fn price_inter<P: Pricer>(ls: &Ls, c: &Pair, p: &mut P) {
    let inst = ls.inst;
    let (tu, tv) = (c.tu, c.tv);
    let (lu, lv) = (c.lu, c.lv);
    let arc = |t: usize, a: u32, b: u32| inst.arc(t, a, b);
    let svc = |t: usize, z: u32| inst.svc(t, z);
    let without_u = Part::Edit {
        r: c.ru,
        i: c.ku,
        out: Nodes::One(c.u),
        ins: Nodes::Nothing,
        arcs: inst.removal(tu, c.pu, lu, c.xu) - svc(tu, c.u),
    };
    p.inter(
        ls,
        Move::Relocate,
        &without_u,
        &Part::Edit {
            r: c.rv,
            i: c.kv + 1,
            out: Nodes::Nothing,
            ins: Nodes::One(c.u),
            arcs: inst.detour(tv, lv, lu, c.yv) + svc(tv, c.u),
        },
    );
    if c.kv == 0 || ls.routes[c.rv].nodes[c.kv - 1] == DUMP {
        p.inter(
            ls,
            Move::RelocateBefore,
            &without_u,
            &Part::Edit {
                r: c.rv,
                i: c.kv,
                out: Nodes::Nothing,
                ins: Nodes::One(c.u),
                arcs: inst.detour(tv, c.pv, lu, lv) + svc(tv, c.u),
            },
        );
    }
    if let Some(x) = c.x {
        let lx = inst.cust_loc[x as usize];
        let xx = ls.ext_loc(c.ru, c.ku + 3);
        let without_ux = Part::Edit {
            r: c.ru,
            i: c.ku,
            out: Nodes::Two(c.u, x),
            ins: Nodes::Nothing,
            arcs: arc(tu, c.pu, xx)
                - arc(tu, c.pu, lu)
                - arc(tu, lu, lx)
                - arc(tu, lx, xx)
                - svc(tu, c.u)
                - svc(tu, x),
        };
        let ins = svc(tv, c.u) + svc(tv, x) - arc(tv, lv, c.yv);
        let pairs = [
            (Move::RelocatePair, c.u, x, lu, lx),
            (Move::RelocatePairReversed, x, c.u, lx, lu),
        ];
        for (m, first, second, l1, l2) in pairs {
            p.inter(
                ls,
                m,
                &without_ux,
                &Part::Edit {
                    r: c.rv,
                    i: c.kv + 1,
                    out: Nodes::Nothing,
                    ins: Nodes::Two(first, second),
                    arcs: ins + arc(tv, lv, l1) + arc(tv, l1, l2) + arc(tv, l2, c.yv),
                },
            );
        }
    }
}

/// Applies relocation `m` between the routes of `u` and `v` (their segments are refreshed by
/// the caller).
pub(super) fn apply_inter(ls: &mut Ls, m: Move, c: &Pair) {
    match m {
        Move::Relocate | Move::RelocateBefore => {
            ls.routes[c.ru].nodes.remove(c.ku);
            let pos = if m == Move::Relocate { c.kv + 1 } else { c.kv };
            ls.routes[c.rv].nodes.insert(pos, c.u);
        }
        Move::RelocatePair | Move::RelocatePairReversed => {
            let x = c.x.expect("x");
            ls.routes[c.ru].nodes.drain(c.ku..c.ku + 2);
            let pair = if m == Move::RelocatePair {
                [c.u, x]
            } else {
                [x, c.u]
            };
            ls.routes[c.rv].nodes.splice(c.kv + 1..c.kv + 1, pair);
        }
        _ => unreachable!("{m:?} is not a relocation"),
    }
}

/// Prices the relocations of `u` and of `(u, x)` after `v` in their route.
#[inline(always)]
pub(super) fn price_intra<P: IntraPricer>(ls: &Ls, c: &Pair, p: &mut P) {
    let inst = ls.inst;
    let (r, ty, ku, kv) = (c.ru, c.tu, c.ku, c.kv);
    let (lu, lv, yv) = (c.lu, c.lv, c.yv);
    let arc = |a: u32, b: u32| inst.arc(ty, a, b);
    if kv + 1 != ku {
        let d = inst.removal(ty, c.pu, lu, c.xu) + arc(lv, lu) + arc(lu, yv) - arc(lv, yv);
        let q = if ku < kv {
            Seq {
                r,
                a: ku,
                mid: [Run(ku + 1, kv), One(c.u), NONE],
                b: kv + 1,
            }
        } else {
            Seq {
                r,
                a: kv + 1,
                mid: [One(c.u), Run(kv + 1, ku - 1), NONE],
                b: ku + 1,
            }
        };
        p.intra(ls, Move::Relocate, &q, d, true);
    }
    if let Some(x) = c.x
        && kv != ku + 1
        && kv + 1 != ku
    {
        let lx = inst.cust_loc[x as usize];
        let xx = ls.ext_loc(r, ku + 3);
        let rem = arc(c.pu, xx) - arc(c.pu, lu) - arc(lu, lx) - arc(lx, xx) - arc(lv, yv);
        let pairs = [
            (Move::RelocatePair, c.u, x, lu, lx),
            (Move::RelocatePairReversed, x, c.u, lx, lu),
        ];
        for (m, first, second, l1, l2) in pairs {
            let d = rem + arc(lv, l1) + arc(l1, l2) + arc(l2, yv);
            let q = if kv > ku + 1 {
                Seq {
                    r,
                    a: ku,
                    mid: [Run(ku + 2, kv), One(first), One(second)],
                    b: kv + 1,
                }
            } else {
                Seq {
                    r,
                    a: kv + 1,
                    mid: [One(first), One(second), Run(kv + 1, ku - 1)],
                    b: ku + 2,
                }
            };
            p.intra(ls, m, &q, d, true);
        }
    }
}

/// Applies relocation `m` inside the route of `u` and `v`.
pub(super) fn apply_intra(ls: &mut Ls, m: Move, c: &Pair) {
    let (ku, kv) = (c.ku, c.kv);
    let nodes = &mut ls.routes[c.ru].nodes;
    match m {
        Move::Relocate => {
            nodes.remove(ku);
            let kv2 = if ku < kv { kv - 1 } else { kv };
            nodes.insert(kv2 + 1, c.u);
        }
        Move::RelocatePair | Move::RelocatePairReversed => {
            let x = nodes[ku + 1];
            nodes.drain(ku..ku + 2);
            let kv2 = if ku < kv { kv - 2 } else { kv };
            let pair = if m == Move::RelocatePair {
                [c.u, x]
            } else {
                [x, c.u]
            };
            nodes.splice(kv2 + 1..kv2 + 1, pair);
        }
        _ => unreachable!("{m:?} is not a relocation"),
    }
}
