//! The savings floor of a plan: Clarke–Wright savings on the primary vehicle type, then 2-opt in
//! each route. Deterministic and cheap; the plan keeps it when it beats the routing engine
//! within its budget (serving as many stops for less).

use super::answer::{Binding, Reason};
use super::solve::{Problem, Solved, SolvedRound, SolvedVisit, VisitKind};

impl Problem<'_> {
    fn route_dist_dur(&self, route: &[usize]) -> (f64, f64) {
        let mut prev = self.depot;
        let (mut d, mut t) = (0.0, 0.0);
        for &s in route {
            let i = self.stops[s].matrix_index;
            d += self.m.distance_m(prev, i);
            t += self.m.duration_s(prev, i) + self.timing.service_s;
            prev = i;
        }
        d += self.m.distance_m(prev, self.dump) + self.m.distance_m(self.dump, self.depot);
        t += self.m.duration_s(prev, self.dump)
            + self.m.duration_s(self.dump, self.depot)
            + self.timing.unload_s;
        (d, t)
    }

    fn load(&self, route: &[usize]) -> (f64, f64) {
        route.iter().fold((0.0, 0.0), |(k, v), &s| {
            (k + self.stops[s].kg, v + self.stops[s].m3)
        })
    }

    /// The first limit `route` breaks, if any.
    fn violation(&self, route: &[usize]) -> Option<Reason> {
        let (kg, m3) = self.load(route);
        if kg > self.types[0].limits.capacity_kg * (1.0 + 1e-9) {
            return Some(Reason::CapacityKg);
        }
        if self.types[0]
            .limits
            .capacity_m3
            .is_some_and(|c| m3 > c * (1.0 + 1e-9))
        {
            return Some(Reason::CapacityM3);
        }
        let (d, t) = self.route_dist_dur(route);
        if self.types[0].limits.max_duration_s.is_some_and(|l| t > l) {
            return Some(Reason::MaxDuration);
        }
        if self.types[0].limits.max_distance_m.is_some_and(|l| d > l) {
            return Some(Reason::MaxDistance);
        }
        None
    }

    fn cost(&self, route: &[usize]) -> f64 {
        let (d, t) = self.route_dist_dur(route);
        self.types[0].cost(d, t)
    }

    /// Solve with the savings construction and describe each round visit by visit.
    pub fn run_savings(&self) -> Solved {
        let (routes, dropped) = self.solve();
        let rounds = routes
            .iter()
            .map(|r| {
                let mut visits = vec![SolvedVisit {
                    kind: VisitKind::Depot,
                    stop: None,
                    location: self.depot,
                    arrival_s: 0.0,
                    load_kg: 0.0,
                }];
                let (mut time, mut load, mut prev) = (0.0, 0.0, self.depot);
                for &s in r {
                    let st = &self.stops[s];
                    time += self.m.duration_s(prev, st.matrix_index);
                    load += st.kg;
                    visits.push(SolvedVisit {
                        kind: VisitKind::Stop,
                        stop: Some(s),
                        location: st.matrix_index,
                        arrival_s: time,
                        load_kg: load,
                    });
                    time += self.timing.service_s;
                    prev = st.matrix_index;
                }
                time += self.m.duration_s(prev, self.dump);
                visits.push(SolvedVisit {
                    kind: VisitKind::Dump,
                    stop: None,
                    location: self.dump,
                    arrival_s: time,
                    load_kg: 0.0,
                });
                time += self.timing.unload_s + self.m.duration_s(self.dump, self.depot);
                visits.push(SolvedVisit {
                    kind: VisitKind::Depot,
                    stop: None,
                    location: self.depot,
                    arrival_s: time,
                    load_kg: 0.0,
                });
                let (distance_m, duration_s) = self.route_dist_dur(r);
                let (kg, m3) = self.load(r);
                let mut binding = Vec::new();
                if kg >= 0.9 * self.types[0].limits.capacity_kg {
                    binding.push(Binding::CapacityKg);
                }
                if self.types[0]
                    .limits
                    .capacity_m3
                    .is_some_and(|c| m3 >= 0.9 * c)
                {
                    binding.push(Binding::CapacityM3);
                }
                if self.types[0]
                    .limits
                    .max_duration_s
                    .is_some_and(|l| duration_s >= 0.9 * l)
                {
                    binding.push(Binding::MaxDuration);
                }
                if self.types[0]
                    .limits
                    .max_distance_m
                    .is_some_and(|l| distance_m >= 0.9 * l)
                {
                    binding.push(Binding::MaxDistance);
                }
                SolvedRound {
                    visits,
                    distance_m,
                    duration_s,
                    binding,
                    ty: 0,
                }
            })
            .collect();
        (rounds, dropped)
    }

    /// Clarke–Wright savings, then 2-opt in each route. Returns the routes and the stops that
    /// cannot be served even alone, with the reason.
    fn solve(&self) -> (Vec<Vec<usize>>, Vec<(usize, Reason)>) {
        let mut unassigned = Vec::new();
        let mut routes: Vec<Option<Vec<usize>>> = Vec::new();
        let mut route_of = vec![usize::MAX; self.stops.len()];
        for (s, r) in route_of.iter_mut().enumerate() {
            if let Some(v) = self.violation(&[s]) {
                unassigned.push((s, v));
            } else {
                *r = routes.len();
                routes.push(Some(vec![s]));
            }
        }
        let served: Vec<usize> = (0..self.stops.len())
            .filter(|&s| route_of[s] != usize::MAX)
            .collect();
        let m = self.m;
        let mut savings = Vec::new();
        for &i in &served {
            for &j in &served {
                if i == j {
                    continue;
                }
                let (a, b) = (self.stops[i].matrix_index, self.stops[j].matrix_index);
                let dd = m.distance_m(a, self.dump)
                    + m.distance_m(self.dump, self.depot)
                    + m.distance_m(self.depot, b)
                    - m.distance_m(a, b);
                let dt = m.duration_s(a, self.dump)
                    + m.duration_s(self.dump, self.depot)
                    + m.duration_s(self.depot, b)
                    - m.duration_s(a, b)
                    + self.timing.unload_s;
                let s = self.types[0].cost(dd, dt);
                if s > 1e-9 {
                    savings.push((s, i, j));
                }
            }
        }
        savings.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        for (_, i, j) in savings {
            let (ri, rj) = (route_of[i], route_of[j]);
            if ri == rj {
                continue;
            }
            let (Some(a), Some(b)) = (&routes[ri], &routes[rj]) else {
                continue;
            };
            if a.last() != Some(&i) || b.first() != Some(&j) {
                continue;
            }
            let merged: Vec<usize> = a.iter().chain(b.iter()).copied().collect();
            if self.violation(&merged).is_some() {
                continue;
            }
            for &s in &merged {
                route_of[s] = ri;
            }
            routes[ri] = Some(merged);
            routes[rj] = None;
        }
        let mut out: Vec<Vec<usize>> = routes.into_iter().flatten().collect();
        for r in &mut out {
            self.two_opt(r);
        }
        (out, unassigned)
    }

    fn two_opt(&self, r: &mut [usize]) {
        let mut best = self.cost(r);
        let mut improved = true;
        while improved {
            improved = false;
            for i in 0..r.len() {
                for j in i + 1..r.len() {
                    r[i..=j].reverse();
                    let c = self.cost(r);
                    if c < best - 1e-9 && self.violation(r).is_none() {
                        best = c;
                        improved = true;
                    } else {
                        r[i..=j].reverse();
                    }
                }
            }
        }
    }
}
