//! Vehicle-aware routing: a vehicle avoids the roads whose legal limits (maxweight, maxheight,
//! maxlength, maxaxleload) it breaks; trucks use `hgv=destination` roads only as the first or
//! last leg; a vehicle's matrix equals Dijkstra on the graph without the roads it breaks.

use boucle::network::ch::dijkstra;
use boucle::network::fixture::OsmFixture;
use boucle::network::import::{ImportOptions, build_from_pbf, ch_arcs};
use boucle::network::{RoadRouter, Router, VehicleLimits};
use geo::Point;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// Import `f` written as OSM XML.
fn router_xml(f: &OsmFixture) -> RoadRouter {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.osm");
    std::fs::write(&p, f.to_osm_xml()).unwrap();
    let (file, _) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    RoadRouter::new(file)
}

/// A street from W (7.0, 47.0) to E (7.01, 47.0) crossing a bridge B1–B2 (7.004–7.006) with
/// `bridge_tags`, and a detour by the north (latitude 47.01, ≈ 3 km longer).
fn river(bridge_tags: &[(&str, &str)]) -> OsmFixture {
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 47.0, &[]);
    f.node(2, 7.004, 47.0, &[]);
    f.node(3, 7.006, 47.0, &[]);
    f.node(4, 7.01, 47.0, &[]);
    f.node(5, 7.0, 47.01, &[]);
    f.node(6, 7.01, 47.01, &[]);
    let r = [("highway", "tertiary")];
    f.way(1, &[1, 2], &r);
    let mut b = vec![("highway", "tertiary"), ("bridge", "yes")];
    b.extend_from_slice(bridge_tags);
    f.way(2, &[2, 3], &b);
    f.way(3, &[3, 4], &r);
    f.way(4, &[1, 5, 6, 4], &r);
    f
}

const A: (f64, f64) = (7.002, 47.0);
const B: (f64, f64) = (7.008, 47.0);

fn pt(p: (f64, f64)) -> Point<f64> {
    Point::new(p.0, p.1)
}

fn truck(weight_t: f64, height_m: f64) -> VehicleLimits {
    VehicleLimits {
        weight_t: Some(weight_t),
        height_m: Some(height_m),
        ..VehicleLimits::default()
    }
}

#[test]
fn a_3_5_t_bridge_is_avoided_by_the_19_t_truck_and_used_by_the_van() {
    let r = router_xml(&river(&[("maxweight", "3.5")]));
    let direct = r.route(pt(A), pt(B)).unwrap();
    assert!(
        (direct.distance_m - 455.0).abs() < 5.0,
        "{}",
        direct.distance_m
    );
    // The van (3.5 t) breaks nothing: the imported hierarchy, the bridge.
    let van = truck(3.5, 2.7);
    assert!(r.for_vehicle(&van).is_none());
    assert!(Router::limits_on_route(&r, pt(A), pt(B), &van).is_empty());
    // The 19 t truck goes round by the north.
    let heavy = truck(19.0, 3.8);
    let t = r
        .for_vehicle(&heavy)
        .expect("the truck breaks the bridge's limit");
    let round = t.route(pt(A), pt(B)).unwrap();
    assert!(round.distance_m > 3000.0, "{}", round.distance_m);
    assert!(round.duration_s > direct.duration_s);
    // The answer says which limit shaped the route.
    let shaped = Router::limits_on_route(&r, pt(A), pt(B), &heavy);
    assert_eq!(shaped.len(), 1);
    assert_eq!(shaped[0].to_string(), "maxweight 3.5 t (vehicle 19 t)");
    // Its matrix too, both ways; the class's hierarchy is built once and kept.
    let m = t.table(&[pt(A), pt(B)], &[pt(A), pt(B)]).unwrap();
    assert!((m.matrix.distances_m[1] - round.distance_m).abs() < 1e-6);
    assert!(m.matrix.distances_m[2] > 3000.0);
    let again = r.for_vehicle(&truck(26.0, 3.9)).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&t, &again),
        "same class, same router"
    );
}

#[test]
fn a_3_m_bridge_is_avoided_by_a_4_m_vehicle() {
    let r = router_xml(&river(&[("maxheight", "3")]));
    let low = truck(3.5, 2.7);
    assert!(r.for_vehicle(&low).is_none());
    let tall = truck(12.0, 4.0);
    let t = r.for_vehicle(&tall).unwrap();
    assert!(t.route(pt(A), pt(B)).unwrap().distance_m > 3000.0);
    let shaped = Router::limits_on_route(&r, pt(A), pt(B), &tall);
    assert_eq!(shaped[0].to_string(), "maxheight 3 m (vehicle 4 m)");
    // maxlength the same way.
    let r = router_xml(&river(&[("maxlength", "8")]));
    let long = VehicleLimits {
        length_m: Some(10.0),
        ..VehicleLimits::default()
    };
    assert!(
        r.for_vehicle(&long)
            .unwrap()
            .route(pt(A), pt(B))
            .unwrap()
            .distance_m
            > 3000.0
    );
}

#[test]
fn hgv_destination_is_used_only_as_the_first_or_last_leg() {
    let r = router_xml(&river(&[("hgv", "destination")]));
    // Through traffic goes round.
    let through = r.route(pt(A), pt(B)).unwrap();
    assert!(through.distance_m > 3000.0, "{}", through.distance_m);
    // To and from a place on it: straight in and out.
    let on = pt((7.005, 47.0));
    let to = r.route(pt(A), on).unwrap();
    assert!((to.distance_m - 228.0).abs() < 5.0, "{}", to.distance_m);
    let from = r.route(on, pt(B)).unwrap();
    assert!((from.distance_m - 228.0).abs() < 5.0, "{}", from.distance_m);
    // Without the tag the bridge is the way.
    let open = router_xml(&river(&[]));
    assert!(open.route(pt(A), pt(B)).unwrap().distance_m < 500.0);
}

#[test]
fn a_vehicle_matrix_equals_dijkstra_on_its_filtered_graph() {
    let mut rng = Pcg64::seed_from_u64(11);
    let side = 12;
    let f = OsmFixture::street_grid(
        &mut rng,
        side,
        |x, y| y * side + x + 1,
        |_| Vec::new(),
        |rng| {
            let mut tags = vec![("highway", "residential")];
            match rng.random_range(0..10) {
                0 => tags.push(("maxweight", "7.5")),
                1 => tags.push(("maxweight", "3.5")),
                2 => tags.push(("maxheight", "3.2")),
                3 => tags.push(("oneway", "yes")),
                _ => {}
            }
            tags
        },
    );
    let r = router_xml(&f);
    for limits in [truck(12.0, 3.0), truck(19.0, 4.0), truck(5.0, 3.5)] {
        let v = r
            .for_vehicle(&limits)
            .expect("the grid has limits each breaks");
        let broken: Vec<u32> = (0..r.graph.edges.len() as u32)
            .filter(|&e| {
                let e = &r.graph.edges[e as usize];
                let w = f64::from(e.maxweight_100kg) / 10.0;
                let h = f64::from(e.maxheight_cm) / 100.0;
                (w > 0.0 && limits.weight_t.unwrap() > w)
                    || (h > 0.0 && limits.height_m.unwrap() > h)
            })
            .collect();
        assert!(!broken.is_empty());
        // The imported graph's edge-based arcs without the broken roads.
        let arcs: Vec<_> = ch_arcs(&r.graph, &r.turns)
            .into_iter()
            .filter(|a| !broken.contains(&(a.from / 2)) && !broken.contains(&(a.to / 2)))
            .collect();
        let n = 2 * r.graph.edges.len();
        let pts: Vec<Point<f64>> = (0..20)
            .map(|_| {
                Point::new(
                    7.0 + rng.random_range(0.0..0.022),
                    47.8 + rng.random_range(0.0..0.0165),
                )
            })
            .collect();
        let t = v.table(&pts, &pts).unwrap();
        for (i, a) in pts.iter().enumerate() {
            let sa = v.snap(*a, "a").unwrap();
            assert!(!broken.contains(&sa.edge), "never placed on a broken road");
            let all = dijkstra(n, &arcs, &v.source_seeds(&sa));
            let around = dijkstra(n, &arcs, &v.source_seeds_after_turn(&sa));
            for (j, b) in pts.iter().enumerate() {
                let sb = v.snap(*b, "b").unwrap();
                let from = if sa.edge == sb.edge { &around } else { &all };
                let best = super::ch::reference_ms(&v, &sa, &sb, from);
                let got = t.matrix.durations_s[i * pts.len() + j];
                assert!(
                    (got - f64::from(best) / 1000.0).abs() < 1e-9,
                    "({i},{j}) {got} vs {best}"
                );
                // No route of the vehicle drives a road it breaks.
                if i != j && got.is_finite() {
                    let (_, edges) = v.route_edges(*a, *b).unwrap();
                    assert!(edges.iter().all(|e| !broken.contains(e)));
                }
            }
        }
    }
}
