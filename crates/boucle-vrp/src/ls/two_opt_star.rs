//! 2-opt* between two routes: the tails after `u` and after `v` exchanged, or the tails from
//! `u` and from `v`; on plain symmetric round trips also the reversing variant (HGS-CVRP's move
//! 8), where each route takes the other's head or tail backwards.

use super::price::{Part, Parts, Plain, Pricer};
use super::{Ls, Move, Pair};
use crate::instance::TypeData;

/// Prices the exchanges of the tails after `u` and `v`, then of the tails from `u` and `v`,
/// when each route's type may take the other's tail.
#[inline(always)]
pub(super) fn price<P: Pricer>(ls: &Ls, c: &Pair, p: &mut P) {
    if !ls.inst.compat[c.tu][c.tv] {
        return;
    }
    for (m, cu, cv) in [
        (Move::TwoOptStarAfter, c.ku + 1, c.kv + 1),
        (Move::TwoOptStarBefore, c.ku, c.kv),
    ] {
        p.inter(
            ls,
            m,
            &Part::Join {
                r: c.ru,
                i: cu,
                s: c.rv,
                j: cv,
            },
            &Part::Join {
                r: c.rv,
                i: cv,
                s: c.ru,
                j: cu,
            },
        );
    }
}

/// Prices the reversing 2-opt* on `u` and `v` (and, when `v` is first in its route, the variant
/// that puts A's reversed tail in front of B), on plain routes where it is O(1) (see
/// [`Ls::reversible`]).
#[inline(always)]
pub(super) fn price_reversed(ls: &Ls, c: &Pair, p: &mut Plain) {
    if !ls.reversible(c.tu, c.tv) {
        return;
    }
    p.consider(
        ls,
        Move::TwoOptStarReversed,
        &ls.reverse_parts(c.ru, c.ku, c.rv, c.kv + 1),
    );
    if c.kv == 0 {
        p.consider(
            ls,
            Move::TwoOptStarReversedToFront,
            &ls.reverse_parts(c.ru, c.ku, c.rv, 0),
        );
    }
}

/// Applies 2-opt* move `m` on the routes of `u` and `v` (their segments are refreshed by the
/// caller).
pub(super) fn apply(ls: &mut Ls, m: Move, c: &Pair) {
    let (an, bn) = (&ls.routes[c.ru].nodes, &ls.routes[c.rv].nodes);
    let (na, nb) = match m {
        Move::TwoOptStarAfter | Move::TwoOptStarBefore => {
            let (cu, cv) = if m == Move::TwoOptStarAfter {
                (c.ku + 1, c.kv + 1)
            } else {
                (c.ku, c.kv)
            };
            let mut na = an[..cu].to_vec();
            na.extend_from_slice(&bn[cv..]);
            let mut nb = bn[..cv].to_vec();
            nb.extend_from_slice(&an[cu..]);
            (na, nb)
        }
        Move::TwoOptStarReversed | Move::TwoOptStarReversedToFront => {
            let cv = if m == Move::TwoOptStarReversed {
                c.kv + 1
            } else {
                0
            };
            let mut na = an[..=c.ku].to_vec();
            na.extend(bn[..cv].iter().rev());
            let mut nb: Vec<u32> = an[c.ku + 1..].iter().rev().copied().collect();
            nb.extend_from_slice(&bn[cv..]);
            (na, nb)
        }
        _ => unreachable!("{m:?} is not a 2-opt*"),
    };
    ls.routes[c.ru].nodes = na;
    ls.routes[c.rv].nodes = nb;
}

impl Ls<'_> {
    /// Whether the reversing 2-opt* can be priced between plain routes of types `a` and `b`:
    /// symmetric travel, both start and end at one place (no separate unloading), and each type
    /// may take the other's tail.
    #[inline(always)]
    fn reversible(&self, a: usize, b: usize) -> bool {
        let inst = self.inst;
        let (ta, tb) = (&inst.types[a], &inst.types[b]);
        let round_trip = |t: &TypeData| {
            t.start_seg.last == t.end_seg.first
                && t.start_seg.dist == 0.0
                && t.start_seg.dur == 0.0
                && t.end_seg.dist == 0.0
        };
        inst.symmetric
            && round_trip(ta)
            && round_trip(tb)
            && ta.start_seg.last == tb.start_seg.last
            && inst.compat[a][b]
            && inst.compat[b][a]
    }

    /// The two routes after the reversing 2-opt* on plain routes `ra` and `rb` (see
    /// [`Self::reversible`]): `ra` keeps its nodes up to position `ka` then takes the first
    /// `cb` nodes of `rb` backwards; `rb` takes the rest of `ra` backwards, then its own nodes
    /// from position `cb`. Base-cost deltas, loads and customer counts of both.
    fn reverse_parts(&self, ra: usize, ka: usize, rb: usize, cb: usize) -> Parts {
        let inst = self.inst;
        let (a, b) = (&self.routes[ra], &self.routes[rb]);
        let (ta, tb) = (&inst.types[a.ty], &inst.types[b.ty]);
        let ea = &ta.end_seg;
        let (fa, ba) = (&a.fwd[ka + 1], &a.bwd[ka + 1]);
        let (fb, bb) = (&b.fwd[cb], &b.bwd[cb]);
        let la = fa.last;
        let dist_a = fa.dist + inst.d(la, fb.last) + fb.dist + ea.dist;
        let dur_a = fa.dur + inst.t(la, fb.last) + fb.dur + ea.dur;
        let dist_b = ba.dist - ea.dist + inst.d(ba.first, bb.first) + bb.dist;
        let dur_b = ba.dur - ea.dur + inst.t(ba.first, bb.first) + bb.dur;
        let head = [fa.back[0] + fb.back[0], fa.back[1] + fb.back[1]];
        Parts {
            da: dist_a * ta.c_m + dur_a * ta.c_s + ta.fixed - a.base,
            la: head,
            na: ka + 1 + cb,
            db: dist_b * tb.c_m + dur_b * tb.c_s + tb.fixed - b.base,
            lb: [
                a.load[0] + b.load[0] - head[0],
                a.load[1] + b.load[1] - head[1],
            ],
            nb: a.ncust + b.ncust - ka - 1 - cb,
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    use rand_pcg::Pcg64;

    use super::super::cost_from_scratch as cost;
    use super::*;
    use crate::instance::Inst;
    use crate::testutil::instance;

    /// The O(1) pricing of the reversing 2-opt* equals the cost of the two routes built and
    /// evaluated from scratch, at every cut of every pair of routes, under and over capacity.
    #[test]
    fn reversing_two_opt_star_is_priced_exactly() {
        for seed in 0..8u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 20;
            let (p, m) = instance(&mut rng, n, 25.0);
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 10);
            assert!(inst.symmetric);
            let mut ls = Ls::new(&inst, inst.initial_pen());
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.shuffle(&mut rng);
            let mut slots = vec![Vec::new(); inst.slots.len()];
            for (i, chunk) in order.chunks(5).enumerate() {
                slots[i] = chunk.to_vec();
            }
            ls.load(&slots);
            let mut checked = 0;
            for ra in 0..4 {
                for rb in 0..4 {
                    if ra == rb {
                        continue;
                    }
                    assert!(ls.reversible(ls.routes[ra].ty, ls.routes[rb].ty));
                    let (a, b) = (slots[ra].clone(), slots[rb].clone());
                    let old = cost(&ls, 0, &a) + cost(&ls, 0, &b);
                    for ka in 0..a.len() {
                        for cb in 0..=b.len() {
                            let mut na = a[..=ka].to_vec();
                            na.extend(b[..cb].iter().rev());
                            let mut nb: Vec<u32> = a[ka + 1..].iter().rev().copied().collect();
                            nb.extend_from_slice(&b[cb..]);
                            let exact = cost(&ls, 0, &na) + cost(&ls, 0, &nb) - old;
                            let r = ls.reverse_parts(ra, ka, rb, cb);
                            let priced = ls.plain_cost(0, ls.routes[ra].base + r.da, r.la, r.na)
                                + ls.plain_cost(0, ls.routes[rb].base + r.db, r.lb, r.nb)
                                - old;
                            assert!(
                                (priced - exact).abs() < 1e-6 * (1.0 + old),
                                "seed {seed}, routes {ra}/{rb}, cut ({ka}, {cb}): priced \
                                 {priced}, exact {exact}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
            assert_eq!(checked, 12 * 5 * 6);
        }
    }
}
