//! Clustering: DBSCAN on a cost matrix against a naive oracle and geo's Dbscan, capacity split,
//! clusters of the default territory, bad inputs. Needs only the repository.

use crate::common::load;

use std::collections::{BTreeMap, BTreeSet};

use boucle::cluster::{ClusterParams, clusters_for, dbscan, split_by_capacity};
use boucle::territory::Holder;
use boucle::travel::{DenseMatrix, Method};
use geo::{Dbscan, Point};
use rand::{Rng, SeedableRng};

fn euclid(points: &[(f64, f64)]) -> DenseMatrix {
    DenseMatrix::planar(points, 1.0, false)
}

/// Naive DBSCAN: core points, connected components of cores, borders, noise.
struct Oracle {
    core: Vec<bool>,
    component: Vec<Option<usize>>,
    noise: BTreeSet<usize>,
    neighbours: Vec<Vec<usize>>,
}

fn oracle(m: &DenseMatrix, eps: f64, min_points: usize) -> Oracle {
    let n = m.rows;
    let neighbours: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| m.distances_m[i * n + j] <= eps)
                .collect()
        })
        .collect();
    let core: Vec<bool> = neighbours.iter().map(|v| v.len() >= min_points).collect();
    // Union-find over core pairs.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        if p[x] != x {
            let r = find(p, p[x]);
            p[x] = r;
        }
        p[x]
    }
    for i in 0..n {
        for &j in &neighbours[i] {
            if core[i] && core[j] {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let component = (0..n)
        .map(|i| core[i].then(|| find(&mut parent, i)))
        .collect();
    let noise = (0..n)
        .filter(|&i| !core[i] && !neighbours[i].iter().any(|&j| core[j]))
        .collect();
    Oracle {
        core,
        component,
        noise,
        neighbours,
    }
}

fn check_against_oracle(labels: &[Option<usize>], o: &Oracle, what: &str) {
    let n = labels.len();
    let noise: BTreeSet<usize> = (0..n).filter(|&i| labels[i].is_none()).collect();
    assert_eq!(noise, o.noise, "{what}: noise");
    // Core points: same partition (a bijection between labels and components).
    let mut l2c = BTreeMap::new();
    let mut c2l = BTreeMap::new();
    for i in (0..n).filter(|&i| o.core[i]) {
        let l = labels[i].expect("core point labelled");
        let c = o.component[i].unwrap();
        assert_eq!(
            *l2c.entry(l).or_insert(c),
            c,
            "{what}: label {l} spans components"
        );
        assert_eq!(*c2l.entry(c).or_insert(l), l, "{what}: component split");
    }
    // Border points: labelled like one of their core neighbours.
    for i in (0..n).filter(|&i| !o.core[i] && labels[i].is_some()) {
        assert!(
            o.neighbours[i]
                .iter()
                .any(|&j| o.core[j] && labels[j] == labels[i]),
            "{what}: border point {i} not next to a core of its cluster"
        );
    }
}

#[test]
fn dbscan_matches_naive_oracle_and_geo_on_random_points() {
    for seed in 0..40u64 {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let n = rng.random_range(1..60);
        // Points in a 10 km square, some in tight groups.
        let centres: Vec<(f64, f64)> = (0..4)
            .map(|_| {
                (
                    rng.random_range(0.0..10_000.0),
                    rng.random_range(0.0..10_000.0),
                )
            })
            .collect();
        let points: Vec<(f64, f64)> = (0..n)
            .map(|_| {
                if rng.random_bool(0.7) {
                    let c = centres[rng.random_range(0..4)];
                    (
                        c.0 + rng.random_range(-800.0..800.0),
                        c.1 + rng.random_range(-800.0..800.0),
                    )
                } else {
                    (
                        rng.random_range(0.0..10_000.0),
                        rng.random_range(0.0..10_000.0),
                    )
                }
            })
            .collect();
        let m = euclid(&points);
        for (eps, min_points) in [(500.0, 2), (1000.0, 3), (1500.0, 5), (300.0, 1)] {
            let what = format!("seed {seed}, n {n}, eps {eps}, min {min_points}");
            let labels = dbscan(&m, eps, min_points);
            let o = oracle(&m, eps, min_points);
            check_against_oracle(&labels, &o, &what);
            let geo_points: Vec<Point<f64>> =
                points.iter().map(|&(x, y)| Point::new(x, y)).collect();
            let geo_labels = geo_points.as_slice().dbscan(eps, min_points);
            check_against_oracle(&geo_labels, &o, &format!("geo {what}"));
        }
    }
}

#[test]
fn dbscan_uses_the_shorter_direction_of_an_asymmetric_matrix() {
    // 0 → 1 is long (one-way street), 1 → 0 is short: neighbours.
    let m = DenseMatrix {
        rows: 2,
        cols: 2,
        distances_m: vec![0.0, 5000.0, 800.0, 0.0],
        durations_s: vec![0.0; 4],
        method: Method::Road,
    };
    assert_eq!(dbscan(&m, 1000.0, 2), vec![Some(0), Some(0)]);
    assert_eq!(dbscan(&m, 500.0, 2), vec![None, None]);
}

fn holder(id: &str, lon: f64, lat: f64, kg: f64) -> Holder {
    Holder {
        id: id.into(),
        name: id.into(),
        position: Some(Point::new(lon, lat)),
        quantity_per_year: kg,
        kg_per_year: kg,
        m3_per_year: kg / 100.0,
        collections_per_year: Some(12.0),
        estimate: false,
    }
}

#[test]
fn capacity_split_keeps_every_member_once_and_fills_at_most_one_load() {
    // 8 holders around a centre, 1200 kg/year each = 100 kg per cycle; capacity 250 kg.
    let hs: Vec<Holder> = (0..8)
        .map(|i| {
            let a = i as f64 * std::f64::consts::PI / 4.0;
            holder(
                &format!("h{i}"),
                7.1 + 0.01 * a.cos(),
                47.8 + 0.01 * a.sin(),
                1200.0,
            )
        })
        .chain(std::iter::once(holder("big", 7.1, 47.81, 6000.0)))
        .collect();
    let members: Vec<usize> = (0..hs.len()).collect();
    let parts = split_by_capacity(&hs, &members, 12.0, 250.0, None);
    let mut seen: Vec<usize> = parts.iter().flatten().copied().collect();
    seen.sort();
    assert_eq!(seen, members);
    for p in &parts {
        let kg: f64 = p.iter().map(|&i| hs[i].kg_per_year / 12.0).sum();
        assert!(
            kg <= 250.0 + 1e-9 || p.len() == 1,
            "part {p:?} carries {kg} kg"
        );
    }
    // 800 kg of small holders in 250 kg loads: 4 parts (2 members each), plus the big one alone.
    assert_eq!(parts.len(), 5);
    assert!(parts.contains(&vec![8]));
    // A volume limit splits too.
    let parts = split_by_capacity(&hs[..8], &members[..8], 12.0, 1e9, Some(2.5));
    assert_eq!(parts.len(), 4);
    // Everything fits: one part.
    assert_eq!(split_by_capacity(&hs, &members, 12.0, 1e6, None).len(), 1);
}

#[test]
fn clusters_of_the_default_territory_cover_located_holders_once() {
    let t = load();
    for (vehicle, material) in [
        (None, "pallets"),
        (Some("van_3_5t"), "pallets"),
        (None, "paper_cardboard"),
    ] {
        let params = ClusterParams {
            vehicle: vehicle.map(str::to_owned),
            ..ClusterParams::default()
        };
        let cs = clusters_for(&t, material, &params).unwrap();
        let mat = t.material_or_err(material).unwrap();
        let located: BTreeSet<String> = t
            .holders(mat)
            .unwrap()
            .into_iter()
            .filter(|h| h.position.is_some())
            .map(|h| h.id)
            .collect();
        let members: Vec<String> = cs
            .iter()
            .flat_map(|c| c.members.iter().map(|m| m.id.clone()))
            .collect();
        assert_eq!(members.len(), located.len(), "{material}: each holder once");
        assert_eq!(members.into_iter().collect::<BTreeSet<_>>(), located);
        for c in &cs {
            assert_eq!(c.method, Method::CrowFlies);
            assert!(c.estimate);
            assert!(c.rounds_per_cycle >= 1);
            if c.members.len() > 1 {
                let cap = t.vehicles.get(&c.vehicle).unwrap().capacity_kg;
                assert!(
                    c.kg_per_cycle.unwrap() <= cap + 1e-6,
                    "{material}: cluster {} over capacity",
                    c.id
                );
            }
        }
        if vehicle == Some("van_3_5t") {
            // A 1.1 t van cannot take a whole Cernay group: split in several parts.
            assert!(cs.len() > 5, "van split: {} clusters", cs.len());
        }
    }
}

#[test]
fn unknown_material_is_a_clear_error() {
    let t = load();
    let e = clusters_for(&t, "unobtainium", &ClusterParams::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown material `unobtainium`"), "{e}");
    assert!(e.contains("pallets"), "{e}");
}
