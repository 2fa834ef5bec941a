//! Via-way turn restrictions: `from` way, then along one `via` way, then (not) the `to` way.
//!
//! A turn restriction via a node forbids one turn; one via a way forbids a *sequence* of turns,
//! which a graph whose nodes are directed edges cannot say without memory. As OSRM does, the
//! graph is split: the directed edges of the via path get copies (same geometry, same costs,
//! one direction) that only the `from` way enters. A vehicle coming from the `from` way drives
//! the copies and, at the end, cannot take the `to` way (`no_*`) or can take only it
//! (`only_*`); anyone else drives the originals, untouched. Copies are flagged
//! [`VIA_COPY`]: no point is placed on them.
//!
//! Applied to restrictions with one via way whose path is found (edges of the via way, each
//! driven once, from the end of a `from` edge to the start of a `to` edge, at most
//! [`MAX_VIA_EDGES`] edges). Restrictions with several via ways are counted
//! ([`super::turns::TurnStats::via_way_skipped`]) and not applied.

use super::build::EdgeInfo;
use super::graph::{BACKWARD, FORWARD, RoadGraph};
use super::osm::{Restriction, Via};
use super::turns::{Turn, TurnStats, directed, drivable, is_forward};

/// Edge flag: a copy made for a via-way restriction (never snapped to).
pub const VIA_COPY: u8 = 8;
/// Longest via path, in graph edges.
pub const MAX_VIA_EDGES: usize = 16;

fn way_at_head(info: &[EdgeInfo], d: u32) -> i64 {
    let x = &info[(d / 2) as usize];
    if is_forward(d) {
        x.way_at_to
    } else {
        x.way_at_from
    }
}

fn way_at_tail(info: &[EdgeInfo], d: u32) -> i64 {
    let x = &info[(d / 2) as usize];
    if is_forward(d) {
        x.way_at_from
    } else {
        x.way_at_to
    }
}

/// Apply the via-way restrictions of `restrictions` to `g` and `turns` (see the module
/// documentation), counting them in `stats`.
pub fn apply(
    g: &mut RoadGraph,
    info: &[EdgeInfo],
    turns: &mut Vec<Turn>,
    restrictions: &[Restriction],
    stats: &mut TurnStats,
) {
    let n_original = g.edges.len();
    if !restrictions
        .iter()
        .any(|r| matches!(r.via, Via::Way(_)) && !r.conditional)
    {
        return;
    }
    // Turns sorted by `from` (copies' turns are appended after `sorted`, never looked up).
    turns.sort_unstable_by_key(|t| (t.from, t.to));
    let sorted = turns.len();
    // Directed edges by the way they end on.
    let mut by_head_way: std::collections::HashMap<i64, Vec<u32>> =
        std::collections::HashMap::new();
    for d in 0..2 * n_original as u32 {
        if drivable(g, d) {
            by_head_way.entry(way_at_head(info, d)).or_default().push(d);
        }
    }
    for r in restrictions {
        let Via::Way(via) = r.via else { continue };
        if r.conditional {
            continue; // counted by the turn computation
        }
        if r.several_vias {
            stats.via_way_skipped += 1;
            continue;
        }
        let mut applied = false;
        // Every directed edge that ends on the `from` way and turns onto the via way.
        let froms = by_head_way.get(&r.from).cloned().unwrap_or_default();
        for f in froms {
            let Some((path, tos)) = via_path(info, &turns[..sorted], n_original, f, via, r.to)
            else {
                continue;
            };
            split(g, turns, sorted, f, &path, &tos, r.only);
            applied = true;
        }
        if applied {
            stats.via_way_applied += 1;
        } else {
            stats.via_way_skipped += 1;
        }
    }
}

/// The directed edges of the via way from the end of `f` to a node where an edge of the `to`
/// way leaves (each edge driven once), and the turns onto the `to` way there.
fn via_path(
    info: &[EdgeInfo],
    turns: &[Turn],
    n_original: usize,
    f: u32,
    via: i64,
    to: i64,
) -> Option<(Vec<u32>, Vec<u32>)> {
    let on_via = |d: u32| {
        (d / 2) < n_original as u32 && way_at_tail(info, d) == via && way_at_head(info, d) == via
    };
    let next = |d: u32| turns[from_range(turns, d)].iter().map(|t| t.to);
    // Depth-first over the via way's edges; the via way is short, the search tiny.
    let mut stack: Vec<Vec<u32>> = next(f).filter(|&d| on_via(d)).map(|d| vec![d]).collect();
    while let Some(path) = stack.pop() {
        let last = *path.last().expect("non-empty");
        let tos: Vec<u32> = next(last)
            .filter(|&d| way_at_tail(info, d) == to && !on_via(d))
            .collect();
        if !tos.is_empty() {
            return Some((path, tos));
        }
        if path.len() >= MAX_VIA_EDGES {
            continue;
        }
        for d in next(last).filter(|&d| on_via(d)) {
            if path.iter().all(|&p| p / 2 != d / 2) {
                let mut p = path.clone();
                p.push(d);
                stack.push(p);
            }
        }
    }
    None
}

/// The turns leaving `d` in `turns` sorted by `from`.
fn from_range(turns: &[Turn], d: u32) -> std::ops::Range<usize> {
    turns.partition_point(|t| t.from < d)..turns.partition_point(|t| t.from <= d)
}

/// Copy the directed edges of `path` (entered only from `f`); at the end of the copies, turns
/// onto `tos` are dropped (`only` false) or are the only ones kept (`only` true).
fn split(
    g: &mut RoadGraph,
    turns: &mut Vec<Turn>,
    sorted: usize,
    f: u32,
    path: &[u32],
    tos: &[u32],
    only: bool,
) {
    let copies: Vec<u32> = path
        .iter()
        .map(|&d| {
            let mut e = g.edges[(d / 2) as usize];
            let fwd = is_forward(d);
            e.flags = (if fwd { FORWARD } else { BACKWARD }) | VIA_COPY;
            if fwd {
                e.dur_bwd_ms = 0;
            } else {
                e.dur_fwd_ms = 0;
            }
            g.edges.push(e);
            directed((g.edges.len() - 1) as u32, fwd)
        })
        .collect();
    let mut added: Vec<Turn> = Vec::new();
    let at_f = from_range(&turns[..sorted], f);
    for t in &mut turns[at_f] {
        if t.to == path[0] {
            t.to = copies[0];
        }
    }
    for (i, &d) in path.iter().enumerate() {
        for t in &turns[from_range(&turns[..sorted], d)] {
            let to = if i + 1 < path.len() {
                if t.to == path[i + 1] {
                    copies[i + 1]
                } else {
                    t.to
                }
            } else {
                if tos.contains(&t.to) != only {
                    continue;
                }
                t.to
            };
            added.push(Turn {
                from: copies[i],
                to,
                cost_ms: t.cost_ms,
            });
        }
    }
    turns.extend(added);
}
