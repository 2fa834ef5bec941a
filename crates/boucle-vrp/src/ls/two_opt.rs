//! 2-opt inside a route: the nodes from the successor of the first of `u` and `v` to the
//! second are reversed.

use super::price::{IntraPricer, Piece, Seq};
use super::{Ls, Move, Pair};

/// The positions `i..=j` that the 2-opt on `u` and `v` reverses.
#[inline(always)]
fn span(c: &Pair) -> (usize, usize) {
    if c.ku < c.kv {
        (c.ku + 1, c.kv)
    } else {
        (c.kv + 1, c.ku)
    }
}

/// Prices the 2-opt on `u` and `v`: in O(1) on a symmetric matrix, else (on plain routes) with
/// the arcs of the reversed run, each travelled the other way.
#[inline(always)]
pub(super) fn price<P: IntraPricer>(ls: &Ls, c: &Pair, p: &mut P) {
    let inst = ls.inst;
    let (r, ty) = (c.ru, c.tu);
    let (i, j) = span(c);
    if i >= j {
        return;
    }
    let arc = |a: u32, b: u32| inst.arc(ty, a, b);
    let la = ls.ext_loc(r, i);
    let (li, lj) = (ls.ext_loc(r, i + 1), ls.ext_loc(r, j + 1));
    let nb = ls.ext_loc(r, j + 2);
    let mut d = arc(la, lj) + arc(li, nb) - arc(la, li) - arc(lj, nb);
    if P::EXACT && !inst.symmetric {
        let nodes = &ls.routes[r].nodes;
        for k in i..j {
            let (a, b) = (
                inst.cust_loc[nodes[k] as usize],
                inst.cust_loc[nodes[k + 1] as usize],
            );
            d += arc(b, a) - arc(a, b);
        }
    }
    let q = Seq {
        r,
        a: i,
        mid: [Piece::Rev(i, j), Piece::None, Piece::None],
        b: j + 1,
    };
    // On an asymmetric matrix the four arcs bound nothing.
    p.intra(ls, Move::TwoOpt, &q, d, inst.symmetric);
}

/// Applies the 2-opt on `u` and `v`.
pub(super) fn apply(ls: &mut Ls, c: &Pair) {
    let (i, j) = span(c);
    ls.routes[c.ru].nodes[i..=j].reverse();
}
