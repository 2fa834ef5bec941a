//! Every snapped point can reach and be reached: points are placed on the main component of
//! the edge-based graph (barriers, turn restrictions and u-turns included), never on a stretch
//! that cannot be left; a graph that is one small component keeps all of it.

use boucle::network::fixture::OsmFixture;
use boucle::network::import::{ImportOptions, build_from_pbf};
use boucle::network::{RoadRouter, Router};
use geo::Point;

/// Import `f` written as OSM XML (`.osm`).
fn router_xml(f: &OsmFixture) -> RoadRouter {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.osm");
    std::fs::write(&p, f.to_osm_xml()).unwrap();
    let (file, _) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    RoadRouter::new(file)
}

/// A loop of residential streets (1-2-3-4) with a street east from 2 along latitude 47.0
/// (2-11-12-13-14-15) whose nodes 11 and 14 are `barrier=block`: the stretch 11…14 cannot be
/// left. A street along latitude 47.002 (3-21) comes down to 15, so 14-15 is reachable.
fn blocked_stretch() -> OsmFixture {
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 47.0, &[]);
    f.node(2, 7.01, 47.0, &[]);
    f.node(3, 7.01, 47.002, &[]);
    f.node(4, 7.0, 47.002, &[]);
    f.node(11, 7.012, 47.0, &[("barrier", "block")]);
    f.node(12, 7.0135, 47.0, &[]);
    f.node(13, 7.0165, 47.0, &[]);
    f.node(14, 7.018, 47.0, &[("barrier", "block")]);
    f.node(15, 7.02, 47.0, &[]);
    f.node(21, 7.02, 47.002, &[]);
    let r = [("highway", "residential")];
    f.way(1, &[1, 2, 3, 4, 1], &r);
    f.way(2, &[2, 11, 12, 13, 14, 15], &r);
    f.way(3, &[3, 21, 15], &r);
    f
}

#[test]
fn a_point_beside_a_blocked_stretch_snaps_to_the_main_component_and_every_cell_is_finite() {
    let r = router_xml(&blocked_stretch());
    // The stretch is in the graph but no point is placed on it.
    assert!(r.snappable_edges() < r.graph.edges.len());
    // 33 m from the blocked stretch, ~190 m from the street along 47.002.
    let beside = Point::new(7.015, 47.0003);
    let pts = [
        beside,
        Point::new(7.005, 47.0001),
        Point::new(7.019, 47.0001),
        Point::new(7.015, 47.0019),
    ];
    let t = r.table(&pts, &pts).unwrap();
    assert!(
        t.matrix.distances_m.iter().all(|d| d.is_finite()),
        "{:?}",
        t.matrix.distances_m
    );
    assert!(t.matrix.durations_s.iter().all(|d| d.is_finite()));
    // The point went to the street to the north, and the snap distance says how far.
    let s = t.sources[0];
    assert!((s.location.y() - 47.002).abs() < 1e-6, "{s:?}");
    assert!((s.distance_m - 189.0).abs() < 3.0, "{}", s.distance_m);
    // Routes exist both ways.
    assert!(r.route(beside, pts[1]).is_ok());
    assert!(r.route(pts[2], beside).is_ok());
}

#[test]
fn a_two_node_extract_keeps_its_road() {
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 47.0, &[]);
    f.node(2, 7.003, 47.0, &[]);
    f.way(1, &[1, 2], &[("highway", "residential")]);
    let r = router_xml(&f);
    assert_eq!(r.graph.edges.len(), 1);
    assert_eq!(r.snappable_edges(), 1);
    let a = Point::new(7.0005, 47.0001);
    let b = Point::new(7.0025, 47.0001);
    let t = r.table(&[a, b], &[a, b]).unwrap();
    assert!(t.matrix.distances_m.iter().all(|d| d.is_finite()));
    // Along the road, about 0.002° of longitude at 47° N.
    let d = t.matrix.distances_m[1];
    assert!((d - 152.0).abs() < 2.0, "{d}");
    assert!((t.matrix.distances_m[2] - d).abs() < 1e-6);
}
