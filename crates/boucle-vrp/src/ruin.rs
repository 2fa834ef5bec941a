//! Ruin and recreate after SISR (Christiaens & Vanden Berghe 2020, "Slack induction by string
//! removals for vehicle routing problems"): strings of consecutive customers are removed from a
//! few neighbouring routes around a random seed customer, then put back one by one at their
//! cheapest position on penalised costs, skipping positions at random ("blinks").
//!
//! The genetic search uses it as a second way to make a child: it changes a few routes of one
//! parent together, which the giant-tour crossover rarely does on instances whose routes are full
//! (capacity-tight sets such as CVRPLIB's A, B and P), where the routes of a better solution
//! differ from the parent's in several routes at once.

use rand::Rng;
use rand::seq::SliceRandom;

use super::instance::{DUMP, Inst, Pen, Seg};

/// Average number of customers removed (SISR's c̄).
const AVG_REMOVED: f64 = 10.0;
/// Longest string removed (SISR's L^max).
const MAX_STRING: f64 = 10.0;
/// Probability of skipping a position when inserting (SISR's β).
const BLINK: f64 = 0.01;
/// Neighbours of each customer kept for the ruin (by distance); the ruin stops long before.
const ADJ: usize = 100;
/// Nearest customers whose routes are tried first for an insertion (all routes are tried when
/// none of theirs can take the customer within capacity): the cheapest position of a customer
/// is almost always next to one of them, and the recreate then costs O(this × route length)
/// per customer instead of O(n) on large instances.
const INSERT_NEAR: usize = 40;
/// No route (a customer removed and not yet reinserted).
const NONE: u32 = u32::MAX;

/// Customers sorted by distance from each customer, for the ruin.
pub(crate) struct Adjacency {
    near: Vec<Vec<u32>>,
}

impl Adjacency {
    /// The nearest customers of every customer (at most [`ADJ`]), by distance then index.
    pub fn new(inst: &Inst) -> Adjacency {
        let n = inst.n;
        let near = (0..n)
            .map(|u| {
                let lu = inst.cust_loc[u];
                let mut c: Vec<(f64, u32)> = (0..n)
                    .filter(|&v| v != u)
                    .map(|v| {
                        let lv = inst.cust_loc[v];
                        (inst.d(lu, lv).min(inst.d(lv, lu)), v as u32)
                    })
                    .collect();
                let k = ADJ.min(c.len());
                if k > 0 && k < c.len() {
                    c.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    c.truncate(k);
                }
                c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                c.into_iter().map(|x| x.1).collect()
            })
            .collect();
        Adjacency { near }
    }
}

/// Removes strings from up to a few routes near a random customer; returns the removed
/// customers and the routes they left. `route_of` gives each customer's route (`NONE` once
/// removed) and `used` the number of non-empty routes.
fn ruin<R: Rng>(
    inst: &Inst,
    adj: &Adjacency,
    routes: &mut [Vec<u32>],
    route_of: &mut [u32],
    used: usize,
    rng: &mut R,
) -> (Vec<u32>, Vec<usize>) {
    let n = inst.n;
    let avg_len = n as f64 / used.max(1) as f64;
    let ls_max = MAX_STRING.min(avg_len).max(1.0);
    let ks_max = (4.0 * AVG_REMOVED / (1.0 + ls_max) - 1.0).max(1.0);
    let ks = (rng.random_range(1.0..ks_max + 1.0).floor() as usize).max(1);
    let seed = rng.random_range(0..n as u32);
    let mut ruined: Vec<usize> = Vec::new();
    let mut removed: Vec<u32> = Vec::new();
    for &c in std::iter::once(&seed).chain(adj.near[seed as usize].iter()) {
        if ruined.len() >= ks {
            break;
        }
        let r = route_of[c as usize];
        if r == NONE || ruined.contains(&(r as usize)) {
            continue;
        }
        let r = r as usize;
        // Customers of the route in order, with their positions in the node list.
        let custs: Vec<usize> = routes[r]
            .iter()
            .enumerate()
            .filter(|&(_, &x)| x != DUMP)
            .map(|(i, _)| i)
            .collect();
        let len = custs.len();
        let lmax = (len as f64).min(ls_max).max(1.0);
        let l = (rng.random_range(1.0..lmax + 1.0).floor() as usize).clamp(1, len);
        let pos = custs
            .iter()
            .position(|&i| routes[r][i] == c)
            .expect("customer on its route");
        // A string of l customers containing c, at a random offset.
        let lo = pos.saturating_sub(l - 1);
        let hi = pos.min(len - l);
        let start = rng.random_range(lo..=hi);
        let take: Vec<usize> = custs[start..start + l].to_vec();
        for &i in &take {
            let x = routes[r][i];
            route_of[x as usize] = NONE;
            removed.push(x);
        }
        let mut k = 0;
        routes[r].retain(|_| {
            let keep = !take.contains(&k);
            k += 1;
            keep
        });
        if routes[r].iter().all(|&x| x == DUMP) {
            routes[r].clear();
        }
        ruined.push(r);
    }
    (removed, ruined)
}

/// Simulated annealing over ruin-and-recreate moves (SISR's search), on the base cost with
/// capacity and limits as hard constraints when a feasible insertion exists (strong penalties
/// otherwise).
pub(crate) struct Anneal<'a> {
    inst: &'a Inst,
    pen: Pen,
    /// Every vehicle type plain (insertions priced from arc deltas and loads).
    plain: bool,
    routes: Vec<Vec<u32>>,
    cost: Vec<f64>,
    load: Vec<[f64; 2]>,
    /// Route of each customer ([`NONE`] while removed).
    route_of: Vec<u32>,
    /// Non-empty routes.
    used: usize,
    total: f64,
}

impl Clone for Anneal<'_> {
    fn clone(&self) -> Self {
        Anneal {
            inst: self.inst,
            pen: self.pen,
            plain: self.plain,
            routes: self.routes.clone(),
            cost: self.cost.clone(),
            load: self.load.clone(),
            route_of: self.route_of.clone(),
            used: self.used,
            total: self.total,
        }
    }

    fn clone_from(&mut self, o: &Self) {
        self.pen = o.pen;
        self.plain = o.plain;
        for (a, b) in self.routes.iter_mut().zip(&o.routes) {
            a.clone_from(b);
        }
        self.cost.clone_from(&o.cost);
        self.load.clone_from(&o.load);
        self.route_of.clone_from(&o.route_of);
        self.used = o.used;
        self.total = o.total;
    }
}

impl<'a> Anneal<'a> {
    /// The state of a solution given per vehicle slot, priced with `pen` (use strong penalties).
    pub fn new(inst: &'a Inst, pen: Pen, slots: Vec<Vec<u32>>) -> Anneal<'a> {
        let plain = inst.types.iter().all(|t| t.plain && t.max_trips <= 1);
        let mut a = Anneal {
            inst,
            pen,
            plain,
            cost: vec![0.0; slots.len()],
            load: vec![[0.0; 2]; slots.len()],
            routes: slots,
            route_of: vec![NONE; inst.n],
            used: 0,
            total: 0.0,
        };
        for s in 0..a.routes.len() {
            a.refresh(s);
        }
        a.used = a.routes.iter().filter(|r| !r.is_empty()).count();
        a.total = a.cost.iter().sum();
        a
    }

    /// Penalised cost of the whole solution.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Whether every route keeps its capacities (the only constraints on plain routes), or,
    /// on other routes, whether the penalised cost equals the base cost.
    pub fn feasible(&self) -> bool {
        let inst = self.inst;
        self.routes.iter().enumerate().all(|(s, nodes)| {
            if nodes.is_empty() {
                return true;
            }
            let ty = inst.slots[s];
            let v = inst.viol(ty, &inst.route_seg(ty, nodes));
            v.feasible()
        })
    }

    /// The solution, one node list per slot.
    pub fn slots(&self) -> &[Vec<u32>] {
        &self.routes
    }

    fn refresh(&mut self, s: usize) {
        let inst = self.inst;
        let nodes = &self.routes[s];
        if nodes.iter().all(|&x| x == DUMP) {
            self.routes[s].clear();
            self.cost[s] = 0.0;
            self.load[s] = [0.0; 2];
            return;
        }
        let ty = inst.slots[s];
        self.cost[s] = inst.pcost(ty, &inst.route_seg(ty, nodes), &self.pen);
        let mut l = [0.0; 2];
        for &x in nodes.iter().filter(|&&x| x != DUMP) {
            l[0] += inst.demand[x as usize][0];
            l[1] += inst.demand[x as usize][1];
            self.route_of[x as usize] = s as u32;
        }
        self.load[s] = l;
    }

    /// One ruin and recreate of this state (the caller keeps a copy to go back to).
    pub fn step<R: Rng>(&mut self, adj: &Adjacency, rng: &mut R, work: &mut u64) {
        let inst = self.inst;
        if inst.n == 0 || self.routes.is_empty() {
            return;
        }
        let (removed, ruined) = ruin(
            inst,
            adj,
            &mut self.routes,
            &mut self.route_of,
            self.used,
            rng,
        );
        for &s in &ruined {
            self.refresh(s);
        }
        let removed = order(inst, removed, rng);
        let mut near: Vec<usize> = Vec::with_capacity(INSERT_NEAR + 8);
        for c in removed {
            self.near_routes(adj, c, &mut near);
            let found = if self.plain {
                self.best_plain(c, &near, rng, work)
            } else {
                self.best_segs(c, &near, rng, work)
            };
            // Nowhere near within capacity: every route.
            let (s, p) = match found {
                Some(b) => b,
                None => {
                    near.clear();
                    near.extend(0..self.routes.len());
                    let all = if self.plain {
                        self.best_plain(c, &near, rng, work)
                    } else {
                        self.best_segs(c, &near, rng, work)
                    };
                    all.unwrap_or((0, self.routes[0].len()))
                }
            };
            self.routes[s].insert(p, c);
            self.refresh(s);
        }
        self.used = self.routes.iter().filter(|r| !r.is_empty()).count();
        self.total = self.cost.iter().sum();
    }

    /// The slots where `c` may go first, in increasing order: the routes of its
    /// [`INSERT_NEAR`] nearest customers, and the first empty slot of each vehicle type.
    fn near_routes(&self, adj: &Adjacency, c: u32, out: &mut Vec<usize>) {
        out.clear();
        for &v in adj.near[c as usize].iter().take(INSERT_NEAR) {
            let r = self.route_of[v as usize];
            if r != NONE {
                out.push(r as usize);
            }
        }
        let mut seen_types = [false; 8];
        for (s, nodes) in self.routes.iter().enumerate() {
            let ty = self.inst.slots[s];
            if nodes.is_empty() && ty < seen_types.len() && !seen_types[ty] {
                seen_types[ty] = true;
                out.push(s);
                if seen_types.iter().take(self.inst.types.len()).all(|&b| b) {
                    break;
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Cheapest position of `c` on the plain routes of the slots `among`: among those within
    /// capacity if any (an empty vehicle counts), else, when `among` is every slot, on
    /// penalised cost; `None` when no position within capacity is found among fewer slots.
    fn best_plain<R: Rng>(
        &self,
        c: u32,
        among: &[usize],
        rng: &mut R,
        work: &mut u64,
    ) -> Option<(usize, usize)> {
        let inst = self.inst;
        let dem = inst.demand[c as usize];
        let lc = inst.cust_loc[c as usize];
        let mut best_ok: Option<(f64, usize, usize)> = None;
        let mut best_any: Option<(f64, usize, usize)> = None;
        let mut empty_seen = [false; 8];
        for &s in among {
            let ty = inst.slots[s];
            let td = &inst.types[ty];
            let nodes = &self.routes[s];
            if nodes.is_empty() {
                if ty < empty_seen.len() {
                    if empty_seen[ty] {
                        continue;
                    }
                    empty_seen[ty] = true;
                }
                *work += 1;
                let cost = inst.pcost(ty, &inst.route_seg(ty, &[c]), &self.pen);
                let ok = dem[0] <= td.cap[0] + 1e-9 && dem[1] <= td.cap[1] + 1e-9;
                keep(&mut best_any, (cost, s, 0));
                if ok {
                    keep(&mut best_ok, (cost, s, 0));
                }
                continue;
            }
            let l = self.load[s];
            let ok = l[0] + dem[0] <= td.cap[0] + 1e-9 && l[1] + dem[1] <= td.cap[1] + 1e-9;
            if !ok && best_ok.is_some() {
                continue;
            }
            let pen_now = self.pen.excess(l, td.cap);
            let pen_add = self.pen.excess([l[0] + dem[0], l[1] + dem[1]], td.cap) - pen_now;
            let svc = inst.svc(ty, c);
            let start = td.start_seg.last;
            let end = td.end_seg.first;
            let mut prev = start;
            for p in 0..=nodes.len() {
                let next = if p < nodes.len() {
                    inst.cust_loc[nodes[p] as usize]
                } else {
                    end
                };
                if !rng.random_bool(BLINK) {
                    *work += 1;
                    let d = inst.detour(ty, prev, lc, next) + svc;
                    if ok {
                        keep(&mut best_ok, (d, s, p));
                    }
                    keep(&mut best_any, (d + pen_add, s, p));
                }
                prev = next;
            }
        }
        let every = among.len() == self.routes.len();
        best_ok
            .or(if every { best_any } else { None })
            .map(|b| (b.1, b.2))
    }

    /// Cheapest position of `c` by segment concatenation (time windows, limits, unloadings)
    /// in the slots `among`; when they are fewer than every slot, `None` unless the cheapest
    /// adds no penalty.
    fn best_segs<R: Rng>(
        &self,
        c: u32,
        among: &[usize],
        rng: &mut R,
        work: &mut u64,
    ) -> Option<(usize, usize)> {
        let inst = self.inst;
        let cs = &inst.cust_seg[c as usize];
        let mut best: Option<(f64, usize, usize)> = None;
        let mut empty_seen = [false; 8];
        let mut bwd: Vec<Seg> = Vec::new();
        let mut best_feasible = false;
        for &s in among {
            let ty = inst.slots[s];
            let td = &inst.types[ty];
            let nodes = &self.routes[s];
            if nodes.is_empty() && ty < empty_seen.len() {
                if empty_seen[ty] {
                    continue;
                }
                empty_seen[ty] = true;
            }
            bwd.clear();
            bwd.resize(nodes.len() + 1, td.end_seg);
            for i in (0..nodes.len()).rev() {
                bwd[i] = inst.cat(inst.seg(nodes[i], ty), &bwd[i + 1], &td.cap);
            }
            let mut fwd = td.start_seg;
            for p in 0..=nodes.len() {
                if !rng.random_bool(BLINK) {
                    *work += 1;
                    let seg = inst.cat(&inst.cat(&fwd, cs, &td.cap), &bwd[p], &td.cap);
                    let d = inst.pcost(ty, &seg, &self.pen) - self.cost[s];
                    if best.is_none_or(|b| d < b.0) {
                        best = Some((d, s, p));
                        best_feasible = inst.viol(ty, &seg).feasible();
                    }
                }
                if p < nodes.len() {
                    fwd = inst.cat(&fwd, inst.seg(nodes[p], ty), &td.cap);
                }
            }
        }
        let every = among.len() == self.routes.len();
        best.filter(|_| every || best_feasible).map(|b| (b.1, b.2))
    }
}

fn keep(best: &mut Option<(f64, usize, usize)>, c: (f64, usize, usize)) {
    if best.is_none_or(|b| c.0 < b.0) {
        *best = Some(c);
    }
}

/// SISR's insertion orders: random (4), by demand (4), farthest from the depot (2), closest (1).
fn order<R: Rng>(inst: &Inst, mut removed: Vec<u32>, rng: &mut R) -> Vec<u32> {
    let depot = inst.types[0].start_seg.last;
    match rng.random_range(0..11) {
        0..=3 => removed.shuffle(rng),
        4..=7 => removed.sort_by(|&a, &b| {
            let (da, db) = (inst.demand[a as usize], inst.demand[b as usize]);
            (db[0] + db[1]).total_cmp(&(da[0] + da[1])).then(a.cmp(&b))
        }),
        8..=9 => removed.sort_by(|&a, &b| {
            let (la, lb) = (inst.cust_loc[a as usize], inst.cust_loc[b as usize]);
            inst.d(depot, lb)
                .total_cmp(&inst.d(depot, la))
                .then(a.cmp(&b))
        }),
        _ => removed.sort_by(|&a, &b| {
            let (la, lb) = (inst.cust_loc[a as usize], inst.cust_loc[b as usize]);
            inst.d(depot, la)
                .total_cmp(&inst.d(depot, lb))
                .then(a.cmp(&b))
        }),
    }
    removed
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    use super::*;
    use crate::testutil::{instance, two_types_with_unloading};

    fn start(inst: &Inst, rng: &mut Pcg64, chunk: usize) -> Vec<Vec<u32>> {
        let mut order: Vec<u32> = (0..inst.n as u32).collect();
        order.shuffle(rng);
        let mut slots = vec![Vec::new(); inst.slots.len()];
        for (i, c) in order.chunks(chunk).enumerate() {
            slots[i] = c.to_vec();
        }
        slots
    }

    /// Every customer once, and the running total equal to the routes priced from scratch.
    fn check(inst: &Inst, a: &Anneal) {
        let mut seen = vec![0; inst.n];
        let mut total = 0.0;
        for (s, nodes) in a.slots().iter().enumerate() {
            for &x in nodes.iter().filter(|&&x| x != DUMP) {
                seen[x as usize] += 1;
            }
            if !nodes.is_empty() {
                let ty = inst.slots[s];
                total += inst.pcost(ty, &inst.route_seg(ty, nodes), &a.pen);
            }
        }
        assert!(seen.iter().all(|&k| k == 1), "{seen:?}");
        assert!((total - a.total()).abs() < 1e-6 * total.max(1.0));
    }

    #[test]
    fn steps_keep_every_customer_once_and_within_capacity_when_a_vehicle_is_free() {
        for seed in 0..6u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let (p, m) = instance(&mut rng, 30, 25.0);
            let custs: Vec<usize> = (0..30).collect();
            let inst = Inst::new(&p, &m, &custs, 10);
            let adj = Adjacency::new(&inst);
            let pen = inst.initial_pen().scaled(1e4);
            let mut a = Anneal::new(&inst, pen, start(&inst, &mut rng, 2));
            assert!(a.plain);
            let mut work = 0;
            for _ in 0..300 {
                a.step(&adj, &mut rng, &mut work);
                check(&inst, &a);
                // The fleet is unbounded: an insertion never needs to overload a route.
                for nodes in a.slots() {
                    let load: f64 = nodes.iter().map(|&x| inst.demand[x as usize][0]).sum();
                    assert!(load <= 25.0 + 1e-9, "load {load}");
                }
            }
            assert!(work > 0);
        }
    }

    /// Unloadings, a duration limit and two types: the segment-priced insertions keep every
    /// customer once and the total exact.
    #[test]
    fn steps_on_multi_trip_rounds_price_exactly() {
        for seed in 0..4u64 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let n = 18;
            let (mut p, m) = two_types_with_unloading(&mut rng, n);
            for t in &mut p.vehicle_types {
                t.count = Some(2);
            }
            let custs: Vec<usize> = (0..n).collect();
            let inst = Inst::new(&p, &m, &custs, 8);
            let adj = Adjacency::new(&inst);
            let pen = inst.initial_pen().scaled(1e4);
            let mut slots = vec![Vec::new(); inst.slots.len()];
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.shuffle(&mut rng);
            slots[0] = order[..9].to_vec();
            slots[0].insert(4, DUMP);
            slots[1] = order[9..].to_vec();
            let mut a = Anneal::new(&inst, pen, slots);
            assert!(!a.plain);
            let mut work = 0;
            for _ in 0..200 {
                a.step(&adj, &mut rng, &mut work);
                check(&inst, &a);
            }
        }
    }

    #[test]
    fn same_seed_same_steps() {
        let mut rng = Pcg64::seed_from_u64(3);
        let (p, m) = instance(&mut rng, 25, 20.0);
        let custs: Vec<usize> = (0..25).collect();
        let inst = Inst::new(&p, &m, &custs, 10);
        let adj = Adjacency::new(&inst);
        let slots = start(&inst, &mut rng, 3);
        let run = |seed: u64| {
            let mut rng = Pcg64::seed_from_u64(seed);
            let mut a = Anneal::new(&inst, inst.initial_pen(), slots.clone());
            let mut work = 0;
            for _ in 0..100 {
                a.step(&adj, &mut rng, &mut work);
            }
            a.slots().to_vec()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
