//! From a giant tour (an order of all customers) to routes: Bellman "Split" (Prins 2004, as in
//! HGS) on penalised costs, merging of consecutive trips into multi-trip rounds, and assignment of
//! the routes to vehicle slots.

use super::instance::{DUMP, Inst, Pen};

/// Splits `giant` into routes for vehicle type `ty` minimising the penalised cost.
pub(crate) fn split(
    inst: &Inst,
    pen: &Pen,
    giant: &[u32],
    ty: usize,
    work: &mut u64,
) -> Vec<Vec<u32>> {
    let n = giant.len();
    let td = &inst.types[ty];
    let mut p = vec![f64::INFINITY; n + 1];
    let mut pred = vec![0usize; n + 1];
    p[0] = 0.0;
    for i in 0..n {
        if p[i] == f64::INFINITY {
            continue;
        }
        let mut seg = td.start_seg;
        let mut load = [0.0; 2];
        for j in i..n {
            let c = giant[j] as usize;
            seg = inst.cat(&seg, &inst.cust_seg[c], &td.cap);
            load[0] += inst.demand[c][0];
            load[1] += inst.demand[c][1];
            if j > i && (load[0] > 1.5 * td.cap[0] + 1e-9 || load[1] > 1.5 * td.cap[1] + 1e-9) {
                break;
            }
            let full = inst.cat(&seg, &td.end_seg, &td.cap);
            *work += 1;
            let cost = p[i] + inst.pcost(ty, &full, pen);
            if cost < p[j + 1] {
                p[j + 1] = cost;
                pred[j + 1] = i;
            }
        }
    }
    let mut routes = Vec::new();
    let mut j = n;
    while j > 0 {
        let i = pred[j];
        routes.push(giant[i..j].to_vec());
        j = i;
    }
    routes.reverse();
    if td.max_trips > 1 {
        routes = pack(inst, pen, routes, ty);
    }
    routes
}

/// Merges consecutive routes into multi-trip rounds (with an unloading between) when that lowers
/// the penalised cost.
fn pack(inst: &Inst, pen: &Pen, routes: Vec<Vec<u32>>, ty: usize) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    for r in routes {
        if let Some(last) = out.last_mut() {
            let mut merged = last.clone();
            merged.push(DUMP);
            merged.extend_from_slice(&r);
            let c_sep = inst.pcost(ty, &inst.route_seg(ty, last), pen)
                + inst.pcost(ty, &inst.route_seg(ty, &r), pen);
            let c_m = inst.pcost(ty, &inst.route_seg(ty, &merged), pen);
            if c_m < c_sep - 1e-9 {
                *last = merged;
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// Assigns routes (of the split type) to the vehicle slots: largest loads first, each to the
/// available type where it is cheapest; routes beyond the fleet are appended to the route where
/// they cost least.
pub(crate) fn assign(inst: &Inst, pen: &Pen, mut routes: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
    let nt = inst.types.len();
    let mut slots: Vec<Vec<u32>> = vec![Vec::new(); inst.slots.len()];
    let mut free: Vec<Vec<usize>> = vec![Vec::new(); nt];
    for (s, &t) in inst.slots.iter().enumerate().rev() {
        free[t].push(s);
    }
    let load = |r: &Vec<u32>| -> f64 {
        r.iter()
            .filter(|&&c| c != DUMP)
            .map(|&c| {
                let d = inst.demand[c as usize];
                d[0] / inst.types[0].cap[0].max(1e-9) + d[1] / inst.types[0].cap[1].max(1e-9)
            })
            .sum()
    };
    if nt > 1 {
        let mut keyed: Vec<(f64, usize)> = routes
            .iter()
            .enumerate()
            .map(|(i, r)| (load(r), i))
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut taken: Vec<Option<Vec<u32>>> = routes.into_iter().map(Some).collect();
        routes = keyed
            .iter()
            .map(|&(_, i)| taken[i].take().expect("once"))
            .collect();
    }
    let mut leftover = Vec::new();
    for r in routes {
        let mut best: Option<(f64, usize)> = None;
        for t in 0..nt {
            if free[t].is_empty() {
                continue;
            }
            let mut nodes = r.clone();
            if inst.types[t].max_trips <= 1 {
                nodes.retain(|&x| x != DUMP);
            }
            let c = inst.pcost(t, &inst.route_seg(t, &nodes), pen);
            if best.is_none_or(|b| c < b.0) {
                best = Some((c, t));
            }
        }
        match best {
            Some((_, t)) => {
                let s = free[t].pop().expect("free slot");
                let mut nodes = r;
                if inst.types[t].max_trips <= 1 {
                    nodes.retain(|&x| x != DUMP);
                }
                slots[s] = nodes;
            }
            None => leftover.push(r),
        }
    }
    for r in leftover {
        let mut best: Option<(f64, usize)> = None;
        for (s, nodes) in slots.iter().enumerate() {
            if nodes.is_empty() {
                continue;
            }
            let t = inst.slots[s];
            let before = inst.pcost(t, &inst.route_seg(t, nodes), pen);
            let mut m = nodes.clone();
            if inst.types[t].max_trips > 1 {
                m.push(DUMP);
            }
            m.extend(r.iter().copied().filter(|&x| x != DUMP));
            let c = inst.pcost(t, &inst.route_seg(t, &m), pen) - before;
            if best.is_none_or(|b| c < b.0) {
                best = Some((c, s));
            }
        }
        if let Some((_, s)) = best {
            let t = inst.slots[s];
            if inst.types[t].max_trips > 1 {
                slots[s].push(DUMP);
            }
            slots[s].extend(r.iter().copied().filter(|&x| x != DUMP));
        }
    }
    slots
}
