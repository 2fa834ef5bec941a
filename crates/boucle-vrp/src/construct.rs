//! Cheap starting solutions: Clarke and Wright's parallel savings (1964) over the granular
//! neighbour pairs only, so that a start costs O(n k log(n k)) for k neighbours per customer
//! instead of the O(n²) savings list, and randomised savings (the detour weight λ drawn, the
//! savings perturbed) for a diverse initial population. Routes are built for the first vehicle
//! slot's type, one trip at a time: capacity per trip in both dimensions, and time windows,
//! duration and distance limits checked on the merged trip by segment concatenation when the
//! problem has any. The trips, concatenated, form a giant tour that Split cuts (and packs into
//! multi-trip rounds) as it does every chromosome.

use rand::Rng;

use super::instance::{EPS, Inst};

/// Detour weights λ drawn for randomised savings (s = c(i, 0) + c(0, j) − λ c(i, j)).
const LAMBDA_RANGE: std::ops::Range<f64> = 0.6..1.4;
/// Relative noise on each saving in randomised savings.
const NOISE: f64 = 0.1;

/// A giant tour from the savings of the granular neighbour pairs: `rng` `None` gives the
/// classical savings (λ = 1, no noise), else a randomised variant.
pub(crate) fn savings_tour<R: Rng>(inst: &Inst, rng: Option<&mut R>) -> Vec<u32> {
    let n = inst.n;
    if n == 0 {
        return Vec::new();
    }
    let ty = inst.slots[0];
    let td = &inst.types[ty];
    let (start, end) = (td.start_seg.last, td.end_seg.first);
    let (lambda, noise, mut rng) = match rng {
        Some(r) => (r.random_range(LAMBDA_RANGE), NOISE, Some(r)),
        None => (1.0, 0.0, None),
    };
    let arc = |a: u32, b: u32| inst.arc(ty, a, b);
    // Candidate merges: route ending at u followed by route starting at v.
    let mut cand: Vec<(f64, u32, u32)> =
        Vec::with_capacity(n * inst.neigh.first().map_or(0, Vec::len) * 2);
    for u in 0..n as u32 {
        let lu = inst.cust_loc[u as usize];
        for &v in &inst.neigh[u as usize] {
            let lv = inst.cust_loc[v as usize];
            for (a, b, la, lb) in [(u, v, lu, lv), (v, u, lv, lu)] {
                let mut s = arc(la, end) + arc(start, lb) - lambda * arc(la, lb);
                if let Some(r) = rng.as_deref_mut() {
                    s *= 1.0 + r.random_range(-noise..=noise);
                }
                if s > 0.0 {
                    cand.push((s, a, b));
                }
            }
        }
    }
    cand.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    cand.dedup_by(|x, y| x.1 == y.1 && x.2 == y.2);
    // Each customer starts alone on its trip; `route[c]` is the trip holding c.
    let mut route: Vec<usize> = (0..n).collect();
    let mut trips: Vec<Vec<u32>> = (0..n as u32).map(|c| vec![c]).collect();
    let mut load: Vec<[f64; 2]> = inst.demand.clone();
    let checked = inst.timed || !td.plain;
    let flip = inst.symmetric && !inst.timed;
    for &(_, a, b) in &cand {
        let (ra, rb) = (route[a as usize], route[b as usize]);
        if ra == rb {
            continue;
        }
        let l = [load[ra][0] + load[rb][0], load[ra][1] + load[rb][1]];
        if l[0] > td.cap[0] + EPS || l[1] > td.cap[1] + EPS {
            continue;
        }
        // `a` must end its trip and `b` open its own; on symmetric plain costs a trip may be
        // turned round to make it so.
        let a_last = trips[ra].last() == Some(&a);
        let b_first = trips[rb].first() == Some(&b);
        let a_ok = a_last || (flip && trips[ra].first() == Some(&a));
        let b_ok = b_first || (flip && trips[rb].last() == Some(&b));
        if !a_ok || !b_ok {
            continue;
        }
        let mut merged = Vec::with_capacity(trips[ra].len() + trips[rb].len());
        if a_last {
            merged.extend_from_slice(&trips[ra]);
        } else {
            merged.extend(trips[ra].iter().rev());
        }
        if b_first {
            merged.extend_from_slice(&trips[rb]);
        } else {
            merged.extend(trips[rb].iter().rev());
        }
        if checked && !inst.viol(ty, &inst.route_seg(ty, &merged)).feasible() {
            continue;
        }
        for &c in &trips[rb] {
            route[c as usize] = ra;
        }
        trips[rb].clear();
        trips[ra] = merged;
        load[ra] = l;
    }
    // Trips in a fixed order (by their first customer's index of creation), then concatenated.
    trips
        .into_iter()
        .filter(|t| !t.is_empty())
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use super::*;
    use crate::instance::DUMP;
    use crate::split::split;
    use crate::testutil::{instance, two_types_with_unloading};

    fn is_permutation(n: usize, t: &[u32]) -> bool {
        let mut seen = vec![false; n];
        t.len() == n
            && t.iter()
                .all(|&c| !std::mem::replace(&mut seen[c as usize], true))
    }

    #[test]
    fn savings_tours_visit_every_customer_once_and_split_within_capacity() {
        for seed in 0..6u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 60;
            let (p, m) = instance(&mut rng, n, 40.0);
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 10);
            let classic = savings_tour::<Pcg64>(&inst, None);
            assert!(is_permutation(n, &classic));
            // Deterministic without a generator.
            assert_eq!(classic, savings_tour::<Pcg64>(&inst, None));
            let randomised = savings_tour(&inst, Some(&mut rng));
            assert!(is_permutation(n, &randomised));
            let pen = inst.initial_pen().scaled(1e3);
            let mut work = 0;
            let routes = split(&inst, &pen, &classic, inst.slots[0], &mut work);
            for r in &routes {
                let load: f64 = r.iter().map(|&c| inst.demand[c as usize][0]).sum();
                assert!(load <= 40.0 + 1e-9, "seed {seed}: load {load}");
            }
            // Savings beat one route per customer.
            let per_customer: f64 = (0..n as u32)
                .map(|c| inst.base_cost(0, &inst.route_seg(0, &[c])))
                .sum();
            let savings: f64 = routes
                .iter()
                .map(|r| inst.base_cost(0, &inst.route_seg(0, r)))
                .sum();
            assert!(savings < 0.8 * per_customer, "{savings} vs {per_customer}");
        }
    }

    #[test]
    fn savings_keep_limits_on_multi_trip_types() {
        for seed in 0..4u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 18;
            let (p, m) = two_types_with_unloading(&mut rng, n);
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 8);
            let tour = savings_tour(&inst, Some(&mut rng));
            assert!(is_permutation(n, &tour));
            assert!(!tour.contains(&DUMP));
        }
    }
}
