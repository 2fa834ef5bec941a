//! Witness searches: bounded Dijkstra searches that tell whether contracting a node needs a
//! shortcut between two of its neighbours (none when another path is at most as fast).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{DArc, INF, SHORTCUT};

/// Per-node witness-search state: tentative weight, and the round and threshold of a target.
#[derive(Debug, Clone, Copy)]
struct Slot {
    w: u32,
    round: u32,
    threshold: u32,
}

/// Witness-search state: tentative weights only (no distance, no parent), nodes beyond the
/// limit never enter the heap; targets are marked in the per-node slots, stamped with the round
/// number (no clearing between searches) together with the weight a witness must not exceed.
pub(super) struct Witness {
    slot: Vec<Slot>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<u64>>,
    round: u32,
    /// The out-arcs of the node being contracted, `(weight, head)` by decreasing weight: the
    /// targets of every search by decreasing threshold.
    targets: Vec<(u32, u32)>,
    /// The weight of the arc from the search's source to the node being contracted.
    base: u32,
}

impl Witness {
    pub(super) fn new(n: usize) -> Self {
        Witness {
            slot: vec![
                Slot {
                    w: INF,
                    round: 0,
                    threshold: 0
                };
                n
            ],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            round: 0,
            targets: Vec::new(),
            base: 0,
        }
    }

    /// Start a new round of target marks.
    fn next_round(&mut self) {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            for s in &mut self.slot {
                s.round = 0;
            }
            self.round = 1;
        }
    }

    /// Mark `x` as a target of this round: decided once its tentative weight is at most
    /// `threshold` (a witness) or once it is settled.
    fn mark_target(&mut self, x: u32, threshold: u32) {
        let s = &mut self.slot[x as usize];
        s.round = self.round;
        s.threshold = threshold;
    }

    /// The largest threshold of an undecided target, from `k` on (advanced past decided ones).
    fn undecided_limit(&self, k: &mut usize) -> u32 {
        while let Some(&(t, x)) = self.targets.get(*k) {
            if self.slot[x as usize].round == self.round {
                return self.base.saturating_add(t);
            }
            *k += 1;
        }
        0
    }

    /// Shortest distances from `u` avoiding `skip` (and contracted nodes, which no remaining
    /// adjacency list holds), up to `limit`; stops after `max_settled` nodes, or once the
    /// `pending` targets (marked with the current round, listed in `targets`) are decided:
    /// settled, or reached within their threshold. A target reached within its threshold keeps a
    /// tentative weight at most the threshold whatever the search does next, so stopping then
    /// gives the same answer as settling it. The limit shrinks to the largest threshold of the
    /// undecided targets: nodes beyond it cannot witness any of them, and no longer use up the
    /// settled budget (so a search finds every witness it found without the shrinking).
    fn run(
        &mut self,
        out: &[Vec<DArc>],
        u: u32,
        skip: u32,
        limit: u32,
        max_settled: usize,
        mut pending: usize,
    ) {
        let mut limit = limit;
        let mut k = 0;
        for &t in &self.touched {
            self.slot[t as usize].w = INF;
        }
        self.touched.clear();
        self.heap.clear();
        self.slot[u as usize].w = 0;
        self.touched.push(u);
        // `skip` at weight 0 is never improved, hence never entered.
        self.slot[skip as usize].w = 0;
        self.touched.push(skip);
        self.heap.push(Reverse(u64::from(u)));
        let round = self.round;
        let mut settled = 0;
        while let Some(Reverse(key)) = self.heap.pop() {
            let (w, v) = ((key >> 32) as u32, key as u32);
            let sv = &mut self.slot[v as usize];
            if w > sv.w {
                continue;
            }
            if settled >= max_settled || w > limit {
                break;
            }
            settled += 1;
            if sv.round == round {
                sv.round = 0;
                pending -= 1;
                if pending == 0 {
                    break;
                }
                limit = self.undecided_limit(&mut k);
            }
            for a in &out[v as usize] {
                let x = a.node;
                let nw = w.saturating_add(a.weight);
                let sx = &mut self.slot[x as usize];
                let old = sx.w;
                if nw < old && nw <= limit {
                    sx.w = nw;
                    let decided = sx.round == round && nw <= sx.threshold;
                    if decided {
                        sx.round = 0;
                    }
                    if old == INF {
                        self.touched.push(x);
                    }
                    if decided {
                        pending -= 1;
                        if pending == 0 {
                            return;
                        }
                        limit = self.undecided_limit(&mut k);
                    }
                    self.heap
                        .push(Reverse((u64::from(nw) << 32) | u64::from(x)));
                }
            }
        }
    }
    fn dist(&self, v: u32) -> u32 {
        self.slot[v as usize].w
    }
}

/// The shortcuts contracting `v` needs, given to `emit(tail, arc)`. The adjacency lists hold
/// only uncontracted nodes.
pub(super) fn shortcuts_for(
    v: u32,
    out: &[Vec<DArc>],
    inn: &[Vec<DArc>],
    wit: &mut Witness,
    max_settled: usize,
    mut emit: impl FnMut(u32, DArc),
) {
    let vu = v as usize;
    wit.targets.clear();
    wit.targets
        .extend(out[vu].iter().map(|a| (a.weight, a.node)));
    wit.targets.sort_unstable_by(|a, b| b.cmp(a));
    for a_in in &inn[vu] {
        let u = a_in.node;
        wit.next_round();
        wit.base = a_in.weight;
        let mut limit = 0u32;
        let mut pending = 0;
        for a_out in &out[vu] {
            if a_out.node != u {
                let via_v = a_in.weight.saturating_add(a_out.weight);
                limit = limit.max(via_v);
                wit.mark_target(a_out.node, via_v);
                pending += 1;
            }
        }
        if pending == 0 {
            continue;
        }
        wit.run(out, u, v, limit, max_settled, pending);
        for a_out in &out[vu] {
            let x = a_out.node;
            if x == u {
                continue;
            }
            let via_v = a_in.weight.saturating_add(a_out.weight);
            if wit.dist(x) > via_v {
                emit(
                    u,
                    DArc {
                        node: x,
                        weight: via_v,
                        dist: a_in.dist + a_out.dist,
                        via: SHORTCUT | v,
                        hops: a_in.hops.saturating_add(a_out.hops),
                    },
                );
            }
        }
    }
}
