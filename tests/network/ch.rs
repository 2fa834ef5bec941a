//! The contraction hierarchy against plain Dijkstra on seeded random graphs, and the road
//! router's matrices (snapped points in the middle of edges, oneways) against Dijkstra.

use boucle::network::ch::{Ch, INF, InputArc, Seed, dijkstra};
use boucle::network::fixture::OsmFixture;
use boucle::network::import::{ImportOptions, build_from_pbf, ch_arcs};
use boucle::network::{RoadRouter, Router};
use geo::Point;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

fn random_graph(rng: &mut Pcg64, n: usize, m: usize) -> Vec<InputArc> {
    let mut arcs = Vec::new();
    for k in 0..m {
        let a = rng.random_range(0..n as u32);
        // Mostly local arcs (road-like), some long ones.
        let b = if rng.random_bool(0.8) {
            ((a as i64 + rng.random_range(-5..=5)).rem_euclid(n as i64)) as u32
        } else {
            rng.random_range(0..n as u32)
        };
        let weight = rng.random_range(1..1_000_000);
        let dist_m = rng.random_range(1.0..5000.0f32);
        arcs.push(InputArc {
            from: a,
            to: b,
            weight,
            dist_m,
            edge: k as u32,
        });
        if rng.random_bool(0.7) {
            arcs.push(InputArc {
                from: b,
                to: a,
                weight,
                dist_m,
                edge: k as u32,
            });
        }
    }
    arcs
}

fn seeds(rng: &mut Pcg64, n: usize) -> Vec<Seed> {
    (0..rng.random_range(1..=2))
        .map(|_| Seed {
            node: rng.random_range(0..n as u32),
            weight: rng.random_range(0..50_000),
            dist_m: rng.random_range(0.0..100.0),
        })
        .collect()
}

#[test]
fn many_to_many_and_one_to_one_equal_dijkstra() {
    let mut rng = Pcg64::seed_from_u64(42);
    for round in 0..12 {
        let n = [20, 60, 150, 400][round % 4];
        let arcs = random_graph(&mut rng, n, n * 2);
        let ch = Ch::build(n, &arcs);
        assert_eq!(
            ch.core_size(),
            0,
            "round {round}: sparse graphs contract fully"
        );
        check_against_dijkstra(&mut rng, &ch, n, &arcs, round);
    }
}

/// The same checks with the contraction stopped early (a core searched like Dijkstra), from an
/// all-core hierarchy (no contraction at all) to a small core.
#[test]
fn queries_with_a_core_equal_dijkstra() {
    let mut rng = Pcg64::seed_from_u64(43);
    for round in 0..8 {
        let n = [300, 400][round % 2];
        let arcs = random_graph(&mut rng, n, n * 2);
        let per_node = [0, 3, 4, 5][(round / 2) % 4];
        let ch = Ch::build_with_core(n, &arcs, per_node);
        let core = ch.core_size();
        assert!(core > 0, "round {round}: a core was left");
        if per_node == 0 {
            assert_eq!(ch.rank.len(), n);
            assert!(
                core > n / 2,
                "round {round}: nothing contracted, core {core}"
            );
        } else {
            assert!(core < n, "round {round}: some nodes contracted");
        }
        check_against_dijkstra(&mut rng, &ch, n, &arcs, round);
    }
}

/// Buckets, RPHAST and one-to-one (with the unpacked path) against plain Dijkstra, from random
/// seed sets.
fn check_against_dijkstra(rng: &mut Pcg64, ch: &Ch, n: usize, arcs: &[InputArc], round: usize) {
    {
        let srcs: Vec<Vec<Seed>> = (0..15).map(|_| seeds(rng, n)).collect();
        let dsts: Vec<Vec<Seed>> = (0..13).map(|_| seeds(rng, n)).collect();
        let table = ch.many_to_many(&srcs, &dsts);
        for other in [
            ch.many_to_many_buckets(&srcs, &dsts),
            ch.many_to_many_rphast(&srcs, &dsts),
        ] {
            for (a, b) in table.iter().zip(&other) {
                assert_eq!(a.0, b.0, "round {round}");
                assert!(
                    a.0 == INF || (a.1 - b.1).abs() < 1e-6 * a.1.max(1.0),
                    "round {round}"
                );
            }
        }
        for (i, s) in srcs.iter().enumerate() {
            let all = dijkstra(n, arcs, s);
            for (j, d) in dsts.iter().enumerate() {
                let expect = d
                    .iter()
                    .filter(|t| all[t.node as usize].0 != INF)
                    .map(|t| {
                        (
                            all[t.node as usize].0 + t.weight,
                            all[t.node as usize].1 + t.dist_m,
                        )
                    })
                    .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
                let got = table[i * dsts.len() + j];
                match expect {
                    None => assert_eq!(got.0, INF, "round {round} ({i},{j})"),
                    Some((w, dm)) => {
                        assert_eq!(got.0, w, "round {round} ({i},{j}) duration");
                        assert!(
                            (got.1 - dm).abs() < 1e-3 * dm.max(1.0),
                            "round {round} ({i},{j}) distance {} vs {dm}",
                            got.1
                        );
                        let p = ch.one_to_one(s, d).expect("reachable");
                        assert_eq!(p.weight_ms, w, "round {round} ({i},{j}) one-to-one");
                        // The unpacked path is a chain of input arcs summing to the weight.
                        let mut sum = s
                            .iter()
                            .filter(|x| x.node == p.start)
                            .map(|x| x.weight)
                            .min()
                            .unwrap();
                        let mut at = p.start;
                        for &(e, tail) in &p.edges {
                            assert_eq!(tail, at);
                            let a = arcs
                                .iter()
                                .filter(|a| a.edge == e && a.from == tail)
                                .min_by_key(|a| a.weight)
                                .unwrap();
                            sum += a.weight;
                            at = a.to;
                        }
                        assert_eq!(at, p.end);
                        sum += d
                            .iter()
                            .filter(|x| x.node == p.end)
                            .map(|x| x.weight)
                            .min()
                            .unwrap();
                        assert_eq!(sum, w, "round {round} ({i},{j}) unpacked path");
                    }
                }
            }
        }
    }
}

/// Weights of 1 to 3 (ties everywhere) on graphs big enough for the witness searches' settled
/// limits to cut them short: every shortest duration still equals Dijkstra's.
#[test]
fn durations_equal_dijkstra_with_ties() {
    let mut rng = Pcg64::seed_from_u64(7);
    for round in 0..6 {
        let n = [300, 1000, 2000][round % 3];
        let mut arcs = random_graph(&mut rng, n, n * 3);
        for a in &mut arcs {
            a.weight = 1 + a.weight % 3;
        }
        let ch = Ch::build(n, &arcs);
        let seed = |node: u32| {
            vec![Seed {
                node,
                weight: 0,
                dist_m: 0.0,
            }]
        };
        let srcs: Vec<Vec<Seed>> = (0..20)
            .map(|_| seed(rng.random_range(0..n as u32)))
            .collect();
        let dsts: Vec<Vec<Seed>> = (0..n as u32).step_by(7).map(seed).collect();
        let table = ch.many_to_many(&srcs, &dsts);
        for (i, s) in srcs.iter().enumerate() {
            let all = dijkstra(n, &arcs, s);
            for (j, d) in dsts.iter().enumerate() {
                assert_eq!(
                    table[i * dsts.len() + j].0,
                    all[d[0].node as usize].0,
                    "round {round} ({i},{j})"
                );
            }
        }
    }
}

/// A random street grid with some oneways and missing streets, as a PBF fixture.
fn grid_fixture(rng: &mut Pcg64, side: i64) -> OsmFixture {
    let mut f = OsmFixture::street_grid(
        rng,
        side,
        |x, y| y * side + x + 1,
        |_| Vec::new(),
        |rng| {
            let hw = ["residential", "tertiary", "secondary", "service"][rng.random_range(0..4)];
            let mut tags = vec![("highway", hw)];
            match rng.random_range(0..10) {
                0 => tags.push(("oneway", "yes")),
                1 => tags.push(("oneway", "-1")),
                _ => {}
            }
            tags
        },
    );
    f.zlib = true;
    f
}

#[test]
fn router_table_equals_dijkstra_with_mid_edge_points() {
    router_table_equals_dijkstra(None);
}

/// The same with a hierarchy that leaves a core, as a grid without road hierarchy does.
#[test]
fn router_table_with_a_core_equals_dijkstra() {
    router_table_equals_dijkstra(Some(5));
}

fn router_table_equals_dijkstra(core_arcs_per_node: Option<usize>) {
    let mut rng = Pcg64::seed_from_u64(7);
    let fx = grid_fixture(&mut rng, 14);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("grid.osm.pbf");
    fx.write(&p).unwrap();
    let (mut file, _) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    if let Some(k) = core_arcs_per_node {
        let n = 2 * file.graph.edges.len();
        file.ch = Ch::build_with_core(n, &ch_arcs(&file.graph, &file.turns), k);
        let core = file.ch.core_size();
        assert!(core > 0 && core < n / 2, "core of {core} nodes out of {n}");
    } else {
        assert_eq!(file.ch.core_size(), 0);
    }
    let r = RoadRouter::new(file);
    // Plain Dijkstra on the edge-based graph (nodes = directed edges, arcs = allowed turns).
    let arcs = ch_arcs(&r.graph, &r.turns);
    let n = 2 * r.graph.edges.len();
    let pts: Vec<Point<f64>> = (0..25)
        .map(|_| {
            Point::new(
                7.0 + rng.random_range(0.0..0.026),
                47.8 + rng.random_range(0.0..0.0195),
            )
        })
        .collect();
    let t = r.table(&pts, &pts).unwrap();
    for (i, a) in pts.iter().enumerate() {
        let sa = r.snap(*a, "a").unwrap();
        let all = dijkstra(n, &arcs, &r.source_seeds(&sa));
        // From the same edge, a point behind the start is reached only after leaving the edge.
        let around = dijkstra(n, &arcs, &r.source_seeds_after_turn(&sa));
        for (j, b) in pts.iter().enumerate() {
            let sb = r.snap(*b, "b").unwrap();
            let from = if sa.edge == sb.edge { &around } else { &all };
            let best = reference_ms(&r, &sa, &sb, from);
            let got = t.matrix.durations_s[i * pts.len() + j];
            assert!(
                (got - f64::from(best) / 1000.0).abs() < 1e-9,
                "({i},{j}) {got} vs {best}"
            );
            if i == j {
                assert_eq!(got, 0.0);
            }
            if (i + j) % 7 == 0 {
                let route = r.route(*a, *b).unwrap();
                assert!(
                    (route.duration_s - got).abs() < 1e-9,
                    "({i},{j}) route vs table"
                );
                assert!((route.distance_m - t.matrix.distances_m[i * pts.len() + j]).abs() < 1e-6);
                // The geometry runs from snapped point to snapped point, and its length matches.
                let g = &route.geometry.0;
                let first = Point::from(g[0]);
                let last = Point::from(*g.last().unwrap());
                assert!(
                    (first.x() - sa.location.x()).abs() < 1e-6
                        && (first.y() - sa.location.y()).abs() < 1e-6
                );
                assert!(
                    (last.x() - sb.location.x()).abs() < 1e-6
                        && (last.y() - sb.location.y()).abs() < 1e-6
                );
                use geo::{Haversine, Length};
                let len = Haversine.length(&route.geometry);
                assert!(
                    (len - route.distance_m).abs() < 0.01 * route.distance_m + 1.0,
                    "({i},{j}) geometry {len} vs {}",
                    route.distance_m
                );
            }
        }
    }
}

/// The duration (ms) from snapped point `sa` to `sb` that plain Dijkstra gives: `from` is the
/// search from `sa`'s seeds (from its seeds after a turn when both lie on one edge), plus
/// travel along a shared edge when its direction allows; [`INF`] when unreachable.
pub fn reference_ms(
    r: &RoadRouter,
    sa: &boucle::network::snap::Snap,
    sb: &boucle::network::snap::Snap,
    from: &[(u32, f64)],
) -> u32 {
    let k = r.target_offset_ms;
    let mut best = r
        .target_seeds(sb)
        .iter()
        .filter(|s| from[s.node as usize].0 != INF)
        .map(|s| from[s.node as usize].0 + s.weight - k)
        .min()
        .unwrap_or(INF);
    // Both on one edge: travel along it if the direction allows.
    if sa.edge == sb.edge {
        let e = &r.graph.edges[sa.edge as usize];
        let dt = sb.fraction - sa.fraction;
        if e.forward() && dt >= 0.0 {
            best = best.min((dt * f64::from(e.dur_fwd_ms)).round() as u32);
        } else if e.backward() && dt <= 0.0 {
            best = best.min((-dt * f64::from(e.dur_bwd_ms)).round() as u32);
        }
    }
    best
}
