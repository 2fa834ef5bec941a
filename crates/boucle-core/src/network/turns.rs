//! Turns: which moves from one road stretch to the next are allowed at each intersection, and
//! what they cost. The graph the hierarchy is built on is *edge-based*: its nodes are directed
//! edges ([`directed`]: edge `e` driven forward is `2e`, backward `2e + 1`) and its arcs are
//! the allowed turns.
//!
//! Rules:
//! - turn restrictions (`type=restriction`, via a node): `no_*` forbids the turn from the
//!   `from` way to the `to` way; `only_*` forbids every other turn from the `from` way. Via-way
//!   restrictions are applied afterwards by splitting the graph (the via-way module);
//! - u-turns are allowed only where nothing else is (dead ends), as in OSRM;
//! - at a blocking barrier (bollard, `access=no` node…) only turning back is allowed; passing a
//!   gate costs 60 s (OSRM car.lua);
//! - cost (both profiles, OSRM car.lua's `process_turn`): at a junction of three roads or more,
//!   and on u-turns, a sigmoid of the turn angle capped at `turn_penalty` (7.5 s) with a bias
//!   favouring right turns (1.075), plus up to 2 s for a turn across oncoming traffic (left
//!   turns, not on roundabouts), plus 20 s for a u-turn;
//! - entering a local-traffic-only road (access `destination`, `private`… in the car profile)
//!   from a public one adds [`RESTRICTED_ENTRY_MS`] (100 h) to the path's weight, so that such
//!   roads are used only to reach or leave places on them (OSRM's `max_turn_weight` does the
//!   same). It is a weight, not a duration: the router reports durations modulo that unit
//!   ([`travel_ms`]), so no real path (always under 100 h) is misreported.

use super::build::EdgeInfo;
use super::graph::{RoadGraph, dist_e7};
use super::osm::{Restriction, Via};
use super::profile::{GATE_PENALTY_S, NodeBarrier};

/// Parameters of the turn cost model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TurnModel {
    /// Largest turn penalty, seconds (car.lua `turn_penalty`).
    pub turn_penalty_s: f64,
    /// Right-turn bias (car.lua `turn_bias`, right-hand traffic).
    pub turn_bias: f64,
    /// Extra cost of crossing oncoming traffic, seconds (car.lua `oncoming_turn_penalty`).
    pub oncoming_penalty_s: f64,
    /// Extra cost of a u-turn, seconds (car.lua `u_turn_penalty`).
    pub u_turn_penalty_s: f64,
}

/// Weight added on entering a local-traffic-only road from a public one, ms (100 h).
pub const RESTRICTED_ENTRY_MS: u32 = 360_000_000;

/// The travel time of a path weight, ms: the weight without its restricted-road entries.
pub fn travel_ms(weight_ms: u32) -> u32 {
    weight_ms % RESTRICTED_ENTRY_MS
}

impl Default for TurnModel {
    fn default() -> Self {
        TurnModel {
            turn_penalty_s: 7.5,
            turn_bias: 1.075,
            oncoming_penalty_s: 2.0,
            u_turn_penalty_s: 20.0,
        }
    }
}

impl TurnModel {
    /// Cost in seconds of a turn of `angle` degrees (positive: right, negative: left, ±180:
    /// back) at a junction of `roads` roads.
    pub fn cost_s(&self, angle: f64, roads: usize, u_turn: bool, roundabout: bool) -> f64 {
        if roads <= 2 && !u_turn {
            return 0.0;
        }
        let (p, b) = (self.turn_penalty_s, self.turn_bias);
        let mut c = if angle >= 0.0 {
            p / (1.0 + (-((13.0 / b) * angle / 180.0 - 6.5 * b)).exp())
        } else {
            p / (1.0 + (-((13.0 * b) * -angle / 180.0 - 6.5 / b)).exp())
        };
        if angle < 0.0 && !u_turn && roads > 2 && !roundabout {
            let sharpness = 1.0 / (1.0 + (-(13.0 * angle.abs() / 180.0 - 3.25)).exp());
            c += self.oncoming_penalty_s * sharpness;
        }
        if u_turn {
            c += self.u_turn_penalty_s;
        }
        c
    }
}

/// An allowed turn between two directed edges, with its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    /// Directed edge arriving at the junction.
    pub from: u32,
    /// Directed edge leaving it.
    pub to: u32,
    /// Cost of the turn itself, ms.
    pub cost_ms: u32,
}

/// What the turn computation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TurnStats {
    /// Restrictions whose ways and node were found in the graph and applied.
    pub restrictions_applied: usize,
    /// Restrictions outside the graph or not matching its ways.
    pub restrictions_unmatched: usize,
    /// Via-way restrictions applied (the graph split by the via-way module).
    pub via_way_applied: usize,
    /// Via-way restrictions not applied: several via ways, or no via path found between the
    /// `from` and `to` ways.
    pub via_way_skipped: usize,
    /// Conditional restrictions (`restriction:conditional`): read, not applied.
    pub conditional_skipped: usize,
}

/// The directed edge of edge `e` driven forward (`from` → `to`) or backward.
pub fn directed(e: u32, forward: bool) -> u32 {
    2 * e + u32::from(!forward)
}

/// Whether directed edge `d` runs its edge forward (`from` → `to`).
pub fn is_forward(d: u32) -> bool {
    d & 1 == 0
}

/// The node a directed edge arrives at.
pub fn head(g: &RoadGraph, d: u32) -> u32 {
    let e = &g.edges[(d / 2) as usize];
    if is_forward(d) { e.to } else { e.from }
}

/// The node a directed edge leaves from.
pub fn tail(g: &RoadGraph, d: u32) -> u32 {
    let e = &g.edges[(d / 2) as usize];
    if is_forward(d) { e.from } else { e.to }
}

/// Whether directed edge `d` may be driven.
pub fn drivable(g: &RoadGraph, d: u32) -> bool {
    let e = &g.edges[(d / 2) as usize];
    if is_forward(d) {
        e.forward()
    } else {
        e.backward()
    }
}

/// Travel time along the whole directed edge, ms.
pub fn duration_ms(g: &RoadGraph, d: u32) -> u32 {
    let e = &g.edges[(d / 2) as usize];
    if is_forward(d) {
        e.dur_fwd_ms
    } else {
        e.dur_bwd_ms
    }
}

/// Bearing in degrees (clockwise from north) from `a` to `b`.
fn bearing(a: [i32; 2], b: [i32; 2]) -> f64 {
    let (lon1, lat1) = (f64::from(a[0]) * 1e-7, f64::from(a[1]) * 1e-7);
    let (lon2, lat2) = (f64::from(b[0]) * 1e-7, f64::from(b[1]) * 1e-7);
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    y.atan2(x).to_degrees()
}

/// A point about 10 m along the directed edge `d` from its tail (or the far end if shorter).
fn lookahead(g: &RoadGraph, d: u32, from_head: bool) -> [i32; 2] {
    let mut pts = g.edge_coords((d / 2) as usize);
    if is_forward(d) == from_head {
        pts.reverse();
    }
    // `pts` now starts at the junction.
    let mut acc = 0.0;
    for w in pts.windows(2) {
        acc += dist_e7(w[0], w[1]);
        if acc >= 10.0 {
            return w[1];
        }
    }
    *pts.last().unwrap_or(&[0, 0])
}

/// The allowed turns of graph `g` and their costs.
pub fn compute_turns(
    g: &RoadGraph,
    info: &[EdgeInfo],
    barriers: &[NodeBarrier],
    vertex_of: &[u32],
    node_ids: &[i64],
    restrictions: &[Restriction],
    model: &TurnModel,
) -> (Vec<Turn>, TurnStats) {
    let n = g.nodes.len();
    // Directed edges arriving at and leaving each node.
    let mut inc: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut roads = vec![0usize; n];
    for (i, e) in g.edges.iter().enumerate() {
        let i = i as u32;
        roads[e.from as usize] += 1;
        if e.to != e.from {
            roads[e.to as usize] += 1;
        }
        for fwd in [true, false] {
            let d = directed(i, fwd);
            if drivable(g, d) {
                inc[head(g, d) as usize].push(d);
                out[tail(g, d) as usize].push(d);
            }
        }
    }
    // Way of a directed edge at its head / tail.
    let way_at_head = |d: u32| {
        let x = &info[(d / 2) as usize];
        if is_forward(d) {
            x.way_at_to
        } else {
            x.way_at_from
        }
    };
    let way_at_tail = |d: u32| {
        let x = &info[(d / 2) as usize];
        if is_forward(d) {
            x.way_at_from
        } else {
            x.way_at_to
        }
    };
    let restricted = |d: u32| {
        let x = &info[(d / 2) as usize];
        if is_forward(d) {
            x.restricted_fwd
        } else {
            x.restricted_bwd
        }
    };
    // Forbidden (from, to) pairs.
    let mut stats = TurnStats::default();
    let mut forbidden: Vec<(u32, u32)> = Vec::new();
    for r in restrictions {
        if r.conditional {
            stats.conditional_skipped += 1;
            continue;
        }
        let v = match r.via {
            // Applied by splitting the graph afterwards (the via-way module).
            Via::Way(_) => continue,
            Via::Node(id) => match node_ids.binary_search(&id) {
                Ok(i) if vertex_of[i] != u32::MAX => vertex_of[i],
                _ => {
                    stats.restrictions_unmatched += 1;
                    continue;
                }
            },
        };
        let froms: Vec<u32> = inc[v as usize]
            .iter()
            .copied()
            .filter(|&d| way_at_head(d) == r.from)
            .collect();
        let tos: Vec<u32> = out[v as usize]
            .iter()
            .copied()
            .filter(|&d| way_at_tail(d) == r.to)
            .collect();
        if froms.is_empty() || tos.is_empty() {
            stats.restrictions_unmatched += 1;
            continue;
        }
        stats.restrictions_applied += 1;
        for &f in &froms {
            for &t in &out[v as usize] {
                if tos.contains(&t) != r.only {
                    forbidden.push((f, t));
                }
            }
        }
    }
    forbidden.sort_unstable();
    forbidden.dedup();
    let mut turns = Vec::new();
    for v in 0..n {
        let barrier = barriers.get(v).copied().unwrap_or_default();
        for &a in &inc[v] {
            let a_far = lookahead(g, a, true);
            let b_in = bearing(a_far, g.nodes[v]);
            let others = if barrier == NodeBarrier::Block {
                0
            } else {
                out[v]
                    .iter()
                    .filter(|&&b| b != (a ^ 1) && forbidden.binary_search(&(a, b)).is_err())
                    .count()
            };
            for &b in &out[v] {
                // Back along the same edge (a closed way's loop edge followed by itself is not).
                let u_turn = b == (a ^ 1);
                if (u_turn && others > 0)
                    || (!u_turn && barrier == NodeBarrier::Block)
                    || forbidden.binary_search(&(a, b)).is_ok()
                {
                    continue;
                }
                let angle = if u_turn {
                    180.0
                } else {
                    let b_out = bearing(g.nodes[v], lookahead(g, b, false));
                    let mut x = b_out - b_in;
                    while x > 180.0 {
                        x -= 360.0;
                    }
                    while x <= -180.0 {
                        x += 360.0;
                    }
                    x
                };
                let roundabout =
                    info[(a / 2) as usize].roundabout || info[(b / 2) as usize].roundabout;
                let mut c = model.cost_s(angle, roads[v], u_turn, roundabout);
                if barrier == NodeBarrier::Gate {
                    c += GATE_PENALTY_S;
                }
                let mut cost_ms = (c * 1000.0).round() as u32;
                if !restricted(a) && restricted(b) {
                    cost_ms += RESTRICTED_ENTRY_MS;
                }
                turns.push(Turn {
                    from: a,
                    to: b,
                    cost_ms,
                });
            }
        }
    }
    (turns, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_costs_follow_car_lua() {
        let m = TurnModel::default();
        // Straight on costs (almost) nothing; a right turn less than a left one.
        assert!(m.cost_s(0.0, 4, false, false) < 0.01);
        let right = m.cost_s(90.0, 4, false, false);
        let left = m.cost_s(-90.0, 4, false, false);
        assert!((right - 2.1).abs() < 0.1, "{right}");
        assert!((left - 7.3).abs() < 0.15, "{left}");
        // No cost at a simple bend (two roads), and u-turns pay 20 s more.
        assert_eq!(m.cost_s(-90.0, 2, false, false), 0.0);
        assert!(m.cost_s(180.0, 1, true, false) > 27.0);
    }
}
