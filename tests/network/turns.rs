//! Turn restrictions and turn costs on small hand-made OSM fixtures: a four-way crossing with
//! `no_left_turn`, `only_straight_on`, via-way restrictions (applied by splitting the graph),
//! `restriction:hgv` and `except=`, and the turn-angle cost model.

use boucle::network::fixture::OsmFixture;
use boucle::network::import::{ImportOptions, build_from_pbf};
use boucle::network::turns::TurnModel;
use boucle::network::{Profile, RoadRouter, Router};
use geo::Point;

const C: (f64, f64) = (7.0, 47.0);
/// Arm length: 0.002° of latitude (≈ 222 m) north/south, 0.003° of longitude (≈ 228 m)
/// east/west.
const DLAT: f64 = 0.002;
const DLON: f64 = 0.003;

/// A four-way crossing at C: way 1 from the south end to C, ways 2 (north), 3 (east), 4 (west)
/// from C outwards; all two-way residential streets with dead ends.
fn crossing() -> OsmFixture {
    let mut f = OsmFixture::new();
    f.node(1, C.0, C.1, &[]);
    f.node(2, C.0, C.1 - DLAT, &[]);
    f.node(3, C.0, C.1 + DLAT, &[]);
    f.node(4, C.0 + DLON, C.1, &[]);
    f.node(5, C.0 - DLON, C.1, &[]);
    let r = [("highway", "residential")];
    f.way(1, &[2, 1], &r);
    f.way(2, &[1, 3], &r);
    f.way(3, &[1, 4], &r);
    f.way(4, &[1, 5], &r);
    f
}

fn router(f: &OsmFixture, profile: Profile) -> RoadRouter {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.osm.pbf");
    f.write(&p).unwrap();
    let (file, report) = build_from_pbf(&p, &ImportOptions::for_profile(profile)).unwrap();
    let r = RoadRouter::new(file);
    assert_eq!(
        report.turn_stats.restrictions_unmatched, 0,
        "{:?}",
        report.turn_stats
    );
    r
}

/// Points halfway along the south, north, east and west arms.
fn south() -> Point<f64> {
    Point::new(C.0, C.1 - DLAT / 2.0)
}
fn north() -> Point<f64> {
    Point::new(C.0, C.1 + DLAT / 2.0)
}
fn east() -> Point<f64> {
    Point::new(C.0 + DLON / 2.0, C.1)
}
fn west() -> Point<f64> {
    Point::new(C.0 - DLON / 2.0, C.1)
}

fn arm_lengths() -> (f64, f64) {
    use geo::{Distance, Haversine};
    let ns = Haversine.distance(Point::new(C.0, C.1), Point::new(C.0, C.1 + DLAT));
    let ew = Haversine.distance(Point::new(C.0, C.1), Point::new(C.0 + DLON, C.1));
    (ns, ew)
}

/// Route and table agree on distance and duration.
fn checked_route(r: &RoadRouter, a: Point<f64>, b: Point<f64>) -> (f64, f64) {
    let route = r.route(a, b).unwrap();
    let t = r.table(&[a], &[b]).unwrap();
    assert!((t.matrix.distances_m[0] - route.distance_m).abs() < 1e-6);
    assert!((t.matrix.durations_s[0] - route.duration_s).abs() < 1e-9);
    use geo::{Haversine, Length};
    let len = Haversine.length(&route.geometry);
    assert!(
        (len - route.distance_m).abs() < 0.01 * route.distance_m + 1.0,
        "geometry {len} vs {}",
        route.distance_m
    );
    (route.distance_m, route.duration_s)
}

#[test]
fn without_restrictions_every_turn_is_direct() {
    let r = router(&crossing(), Profile::Truck);
    let (ns, ew) = arm_lengths();
    let (d, _) = checked_route(&r, south(), west());
    assert!((d - (ns / 2.0 + ew / 2.0)).abs() < 1.0, "{d}");
    let (d, _) = checked_route(&r, south(), east());
    assert!((d - (ns / 2.0 + ew / 2.0)).abs() < 1.0, "{d}");
}

#[test]
fn no_left_turn_forces_a_detour() {
    let mut f = crossing();
    f.relation(
        10,
        &[('w', 1, "from"), ('n', 1, "via"), ('w', 4, "to")],
        &[("type", "restriction"), ("restriction", "no_left_turn")],
    );
    let r = router(&f, Profile::Truck);
    let (ns, ew) = arm_lengths();
    // South → west is forbidden at C: straight on to the north dead end, back (u-turn allowed
    // at a dead end only), then right.
    let (d, _) = checked_route(&r, south(), west());
    let expected = ns / 2.0 + 2.0 * ns + ew / 2.0;
    assert!((d - expected).abs() < 1.0, "{d} vs {expected}");
    // Other turns are untouched, and the reverse direction too.
    let (d, _) = checked_route(&r, south(), east());
    assert!((d - (ns / 2.0 + ew / 2.0)).abs() < 1.0, "{d}");
    let (d, _) = checked_route(&r, west(), south());
    assert!((d - (ns / 2.0 + ew / 2.0)).abs() < 1.0, "{d}");
}

#[test]
fn only_straight_on_forbids_the_other_turns() {
    let mut f = crossing();
    f.relation(
        11,
        &[('w', 1, "from"), ('n', 1, "via"), ('w', 2, "to")],
        &[("type", "restriction"), ("restriction", "only_straight_on")],
    );
    let r = router(&f, Profile::Truck);
    let (ns, ew) = arm_lengths();
    let (d, _) = checked_route(&r, south(), north());
    assert!((d - ns).abs() < 1.0, "{d}");
    for p in [east(), west()] {
        let (d, _) = checked_route(&r, south(), p);
        let expected = ns / 2.0 + 2.0 * ns + ew / 2.0;
        assert!((d - expected).abs() < 1.0, "{d} vs {expected}");
    }
}

#[test]
fn hgv_restrictions_and_exceptions_follow_the_profile() {
    let mut f = crossing();
    f.relation(
        12,
        &[('w', 1, "from"), ('n', 1, "via"), ('w', 4, "to")],
        &[("type", "restriction"), ("restriction:hgv", "no_left_turn")],
    );
    f.relation(
        13,
        &[('w', 1, "from"), ('n', 1, "via"), ('w', 3, "to")],
        &[
            ("type", "restriction"),
            ("restriction", "no_right_turn"),
            ("except", "hgv"),
        ],
    );
    let (ns, ew) = arm_lengths();
    let direct = ns / 2.0 + ew / 2.0;
    let detour = ns / 2.0 + 2.0 * ns + ew / 2.0;
    let truck = router(&f, Profile::Truck);
    assert!((checked_route(&truck, south(), west()).0 - detour).abs() < 1.0);
    assert!((checked_route(&truck, south(), east()).0 - direct).abs() < 1.0);
    let car = router(&f, Profile::Car);
    assert!((checked_route(&car, south(), west()).0 - direct).abs() < 1.0);
    assert!((checked_route(&car, south(), east()).0 - detour).abs() < 1.0);
}

/// A via way that does not lead from the `from` way to the `to` way (here a dead end), and a
/// relation with two via ways: counted, not applied.
#[test]
fn via_way_restrictions_without_a_via_path_are_counted() {
    let mut f = crossing();
    f.relation(
        14,
        &[('w', 1, "from"), ('w', 2, "via"), ('w', 3, "to")],
        &[("type", "restriction"), ("restriction", "no_u_turn")],
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.osm.pbf");
    f.write(&p).unwrap();
    let (_, report) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    assert_eq!(report.turn_stats.via_way_skipped, 1);
    assert_eq!(report.turn_stats.restrictions_applied, 0);
    // Two via ways: counted too (they were dropped without a trace); a conditional restriction
    // is read and counted, not applied.
    f.relation(
        15,
        &[
            ('w', 1, "from"),
            ('w', 2, "via"),
            ('w', 4, "via"),
            ('w', 3, "to"),
        ],
        &[("type", "restriction"), ("restriction", "no_u_turn")],
    );
    f.relation(
        16,
        &[('w', 1, "from"), ('n', 1, "via"), ('w', 4, "to")],
        &[
            ("type", "restriction"),
            (
                "restriction:conditional",
                "no_left_turn @ (Mo-Fr 07:00-09:00)",
            ),
        ],
    );
    f.write(&p).unwrap();
    let (file, report) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    assert_eq!(report.turn_stats.via_way_skipped, 2);
    assert_eq!(report.turn_stats.conditional_skipped, 1);
    assert_eq!(report.turn_stats.restrictions_applied, 0);
    // The conditional left turn (south → west) stays allowed.
    let r = RoadRouter::new(file);
    let (left, _) = checked_route(&r, south(), west());
    let (ns, ew) = arm_lengths();
    let direct = ns / 2.0 + ew / 2.0;
    assert!((left - direct).abs() < 1.0, "{left} vs {direct}");
}

#[test]
fn turns_cost_by_angle_right_cheaper_than_left() {
    let r = router(&crossing(), Profile::Car);
    let m = TurnModel::default();
    // Car profile: residential 25 km/h.
    let (ns, ew) = arm_lengths();
    let travel = |d: f64| d / (25.0 / 3.6);
    let (_, t_straight) = checked_route(&r, south(), north());
    let (_, t_left) = checked_route(&r, south(), west());
    let (_, t_right) = checked_route(&r, south(), east());
    let tol = 0.05;
    assert!((t_straight - travel(ns) - m.cost_s(0.0, 4, false, false)).abs() < tol);
    let left = m.cost_s(-90.0, 4, false, false);
    let right = m.cost_s(90.0, 4, false, false);
    assert!(left > right + 3.0);
    assert!(
        (t_left - travel(ns / 2.0 + ew / 2.0) - left).abs() < tol,
        "{t_left}"
    );
    assert!(
        (t_right - travel(ns / 2.0 + ew / 2.0) - right).abs() < tol,
        "{t_right}"
    );
}

#[test]
fn points_on_one_oneway_edge_behind_each_other_go_round() {
    // A oneway loop: 1 → 2 → 3 → 4 → 1 (a square), all one way.
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 47.0, &[]);
    f.node(2, 7.003, 47.0, &[]);
    f.node(3, 7.003, 47.002, &[]);
    f.node(4, 7.0, 47.002, &[]);
    f.node(5, 6.997, 47.0, &[]);
    let tags = [("highway", "residential"), ("oneway", "yes")];
    f.way(1, &[1, 2, 3, 4, 1], &tags);
    f.way(2, &[5, 1], &[("highway", "residential")]);
    let r = router(&f, Profile::Truck);
    let a = Point::new(7.002, 47.0);
    let b = Point::new(7.001, 47.0);
    use geo::{Distance, Haversine};
    let side = Haversine.distance(Point::new(7.0, 47.0), Point::new(7.003, 47.0));
    let up = Haversine.distance(Point::new(7.0, 47.0), Point::new(7.0, 47.002));
    let (d, _) = checked_route(&r, a, b);
    let expected = 2.0 * side + 2.0 * up - Haversine.distance(a, b);
    assert!((d - expected).abs() < 1.0, "{d} vs {expected}");
    let (d, _) = checked_route(&r, b, a);
    assert!((d - Haversine.distance(a, b)).abs() < 1.0, "{d}");
}

/// A street 1 → 2 → 3 (west to east) with node 2 tagged `tags`, and a detour 1 → 4 → 3 to the
/// north.
fn street_with_node(tags: &[(&str, &str)]) -> OsmFixture {
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 47.0, &[]);
    f.node(2, 7.002, 47.0, tags);
    f.node(3, 7.004, 47.0, &[]);
    f.node(4, 7.002, 47.002, &[]);
    let r = [("highway", "residential")];
    f.way(1, &[1, 2, 3], &r);
    f.way(2, &[1, 4, 3], &r);
    f
}

#[test]
fn bollards_block_and_gates_cost_time() {
    use geo::{Distance, Haversine};
    let a = Point::new(7.001, 47.0);
    let b = Point::new(7.003, 47.0);
    let straight = Haversine.distance(a, b);
    for profile in [Profile::Truck, Profile::Car] {
        let open = router(&street_with_node(&[]), profile);
        let (d_open, t_open) = checked_route(&open, a, b);
        assert!((d_open - straight).abs() < 1.0, "{d_open}");
        // A bollard: the straight street is cut, the detour is taken.
        let blocked = router(&street_with_node(&[("barrier", "bollard")]), profile);
        let (d, _) = checked_route(&blocked, a, b);
        assert!(d > straight + 300.0, "{profile:?}: {d}");
        // A rising bollard or a lowered kerb lets traffic through.
        let rising = router(
            &street_with_node(&[("barrier", "bollard"), ("bollard", "rising")]),
            profile,
        );
        assert!((checked_route(&rising, a, b).0 - straight).abs() < 1.0);
        // A gate: passable, 60 s lost.
        let gate = router(&street_with_node(&[("barrier", "gate")]), profile);
        let (d, t) = checked_route(&gate, a, b);
        assert!((d - straight).abs() < 1.0);
        assert!(
            (t - t_open - 60.0).abs() < 0.01,
            "{profile:?}: {t} vs {t_open}"
        );
    }
}

#[test]
fn local_access_roads_are_reached_without_their_entry_weight_in_the_duration() {
    let mut f = crossing();
    // The west arm is for local traffic only (car profile: restricted, entry weighted 100 h).
    f.ways[3].tags.push(("access".into(), "destination".into()));
    let r = router(&f, Profile::Car);
    let (ns, ew) = arm_lengths();
    let (d, t) = checked_route(&r, south(), west());
    assert!((d - (ns / 2.0 + ew / 2.0)).abs() < 1.0, "{d}");
    let travel = (ns / 2.0 + ew / 2.0) / (25.0 / 3.6);
    let left = TurnModel::default().cost_s(-90.0, 4, false, false);
    assert!((t - travel - left).abs() < 0.05, "{t}");
    let table = r.table(&[south()], &[west()]).unwrap();
    assert!((table.matrix.durations_s[0] - t).abs() < 1e-9);
}

#[test]
fn traffic_lights_and_stop_signs_count_in_their_direction() {
    // The penalty of a node inside an edge is spread along the edge: route end to end.
    let a = Point::new(7.0, 47.0);
    let b = Point::new(7.004, 47.0);
    let open = router(&street_with_node(&[]), Profile::Truck);
    let (_, t_ab) = checked_route(&open, a, b);
    let (_, t_ba) = checked_route(&open, b, a);
    // A traffic light for the way's direction only (west → east): 8 s that way.
    let lights = router(
        &street_with_node(&[
            ("highway", "traffic_signals"),
            ("traffic_signals:direction", "forward"),
        ]),
        Profile::Truck,
    );
    assert!((checked_route(&lights, a, b).1 - t_ab - 8.0).abs() < 0.01);
    assert!((checked_route(&lights, b, a).1 - t_ba).abs() < 0.01);
    // A stop sign without direction: 2 s both ways; give way: 1 s.
    let stop = router(&street_with_node(&[("highway", "stop")]), Profile::Car);
    let give = router(&street_with_node(&[("highway", "give_way")]), Profile::Car);
    let car = router(&street_with_node(&[]), Profile::Car);
    let (_, c_ab) = checked_route(&car, a, b);
    let (_, c_ba) = checked_route(&car, b, a);
    assert!((checked_route(&stop, a, b).1 - c_ab - 2.0).abs() < 0.01);
    assert!((checked_route(&stop, b, a).1 - c_ba - 2.0).abs() < 0.01);
    assert!((checked_route(&give, a, b).1 - c_ab - 1.0).abs() < 0.01);
}

/// Two parallel streets A–X and B–Y joined by a short street X–Y, and a way round by the north
/// (X–N1–N2–Y): `from` A–X `via` X–Y `to` Y–B.
fn u_shape() -> OsmFixture {
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 46.99, &[]);
    f.node(2, 7.0, 47.0, &[]);
    f.node(3, 7.002, 47.0, &[]);
    f.node(4, 7.002, 46.99, &[]);
    f.node(5, 7.0, 47.01, &[]);
    f.node(6, 7.002, 47.01, &[]);
    let r = [("highway", "residential")];
    f.way(1, &[1, 2], &r);
    f.way(2, &[2, 3], &r);
    f.way(3, &[3, 4], &r);
    f.way(4, &[2, 5, 6, 3], &r);
    f
}

#[test]
fn a_via_way_no_u_turn_is_respected_and_the_route_without_it_differs() {
    let a = Point::new(7.0, 46.995);
    let b = Point::new(7.002, 46.995);
    let open = router(&u_shape(), Profile::Truck);
    let (free, _) = checked_route(&open, a, b);
    assert!((free - 1264.0).abs() < 5.0, "{free}");
    for kind in ["no_u_turn", "no_left_turn"] {
        let mut f = u_shape();
        f.relation(
            20,
            &[('w', 1, "from"), ('w', 2, "via"), ('w', 3, "to")],
            &[("type", "restriction"), ("restriction", kind)],
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.osm");
        std::fs::write(&p, f.to_osm_xml()).unwrap();
        let (file, report) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
        assert_eq!(report.turn_stats.via_way_applied, 1, "{kind}");
        assert_eq!(report.turn_stats.via_way_skipped, 0);
        let r = RoadRouter::new(file);
        // Round by the north instead: A–X, X–N1–N2–Y, Y–B.
        let (d, _) = checked_route(&r, a, b);
        assert!((d - 3488.0).abs() < 10.0, "{kind}: {d}");
        assert!(d > free + 2000.0);
        // Only the sequence is forbidden: X–Y then Y–B from elsewhere, and A–X then X–Y then
        // north, are still driven.
        let on_via = Point::new(7.001, 47.0);
        let (d, _) = checked_route(&r, on_via, b);
        assert!((d - (76.0 + 1112.0 / 2.0)).abs() < 5.0, "{d}");
        let (d, _) = checked_route(&r, a, Point::new(7.002, 47.005));
        assert!((d - (556.0 + 152.0 + 556.0)).abs() < 5.0, "{d}");
        // No point lands on the copies; every cell between points is finite.
        let pts = [a, b, on_via];
        let t = r.table(&pts, &pts).unwrap();
        assert!(t.matrix.distances_m.iter().all(|x| x.is_finite()));
        assert!(r.snappable_edges() < r.graph.edges.len());
    }
}
