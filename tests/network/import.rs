//! Import of small hand-made OSM fixtures (written as PBF in code): truck profile, oneways,
//! roundabouts, access restrictions, SCC, chain contraction, maxspeed, corrupt files.

use boucle::network::fixture::OsmFixture;
use boucle::network::import::{ImportOptions, build_from_pbf, import_pbf};
use boucle::network::{GRAPH_FILE, RoadRouter, Router, open_router};
use boucle::travel::Method;
use geo::Point;

/// Grid step: 0.001° (≈ 75 m east-west, 111 m north-south at 47.8° N).
fn at(x: f64, y: f64) -> (f64, f64) {
    (7.10 + x * 0.001, 47.80 + y * 0.001)
}

fn pt(x: f64, y: f64) -> Point<f64> {
    let (lon, lat) = at(x, y);
    Point::new(lon, lat)
}

/// Node ids are offset by `id_base` (negative to mimic files with negative ids).
fn fixture(id_base: i64, ways_first: bool, zlib: bool) -> OsmFixture {
    let mut f = OsmFixture::new();
    f.ways_first = ways_first;
    f.zlib = zlib;
    f.block_size = 5;
    let n = |i: i64| id_base + i;
    let nodes: &[(i64, f64, f64)] = &[
        (1, 0.0, 0.0),
        (2, 1.0, 0.0),
        (3, 2.0, 0.0),
        (4, 0.0, 1.0),
        (5, 1.0, 1.0),
        (6, 2.0, 1.0),
        (9, -1.0, 0.3),
        (10, -1.0, 0.7),
        (20, 3.0, 0.0),
        (21, 3.5, 0.3),
        (22, 3.0, 0.6),
        (23, 2.5, 0.3),
        (30, 20.0, 20.0),
        (31, 21.0, 20.0),
    ];
    for &(i, x, y) in nodes.iter().rev() {
        let (lon, lat) = at(x, y);
        f.node(n(i), lon, lat, &[]);
    }
    let r = |ids: &[i64]| ids.iter().map(|&i| n(i)).collect::<Vec<_>>();
    f.way(
        100,
        &r(&[1, 2, 3]),
        &[("highway", "residential"), ("maxspeed", "30")],
    );
    f.way(
        101,
        &r(&[4, 5, 6]),
        &[
            ("highway", "primary"),
            ("oneway", "yes"),
            ("maxspeed", "50"),
        ],
    );
    f.way(
        102,
        &r(&[1, 4]),
        &[
            ("highway", "residential"),
            ("maxweight", "7.5"),
            ("maxheight", "3.5 m"),
        ],
    );
    f.way(
        103,
        &r(&[3, 6]),
        &[("highway", "tertiary"), ("oneway", "-1")],
    );
    f.way(
        104,
        &r(&[2, 5]),
        &[("highway", "residential"), ("hgv", "no")],
    );
    f.way(
        110,
        &r(&[4, 2]),
        &[("highway", "service"), ("access", "no")],
    );
    f.way(111, &r(&[5, 3]), &[("highway", "footway")]);
    f.way(108, &r(&[1, 9]), &[("highway", "residential")]);
    f.way(109, &r(&[9, 10, 4]), &[("highway", "residential")]);
    f.way(
        120,
        &r(&[20, 21, 22, 23, 20]),
        &[("highway", "tertiary"), ("junction", "roundabout")],
    );
    f.way(121, &r(&[3, 20]), &[("highway", "tertiary")]);
    f.way(122, &r(&[22, 6]), &[("highway", "tertiary")]);
    f.way(130, &r(&[30, 31]), &[("highway", "primary")]);
    // Reverse the way order too: the reader must not depend on it.
    f.ways.reverse();
    f
}

fn router_for(f: &OsmFixture) -> RoadRouter {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.osm.pbf");
    f.write(&p).unwrap();
    let (file, _) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    RoadRouter::new(file)
}

#[test]
fn fixture_graph_shape() {
    let r = router_for(&fixture(0, false, false));
    let g = &r.graph;
    // Intersections 1, 3, 4, 6, 20, 22; the island (30, 31) is dropped by the SCC filter.
    assert_eq!(g.nodes.len(), 6, "{:?}", g.nodes);
    // 1-3, 4-6, 1-4, 3-6, 3-20, 20→22, 22→20, 22-6, and the chain 1-9-10-4 as ONE edge.
    assert_eq!(g.edges.len(), 9, "{:?}", g.edges);
    let chain = g.edges.iter().filter(|e| e.geom_len == 2).count();
    assert!(
        chain >= 1,
        "the degree-2 chain through 9 keeps its two interior points"
    );
    // Island out of the graph: snapping there fails, naming the point.
    let err = r
        .route(pt(20.0, 20.0), pt(0.0, 0.0))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("start") && err.contains("from the nearest road"),
        "{err}"
    );
}

#[test]
fn oneways_roundabout_and_restrictions() {
    let r = router_for(&fixture(0, false, false));
    // 4 → 6 along the oneway primary: direct, ≈ 150 m.
    let fwd = r.route(pt(0.0, 1.0), pt(2.0, 1.0)).unwrap();
    assert!((fwd.distance_m - 149.6).abs() < 2.0, "{}", fwd.distance_m);
    // 6 → 4 may not use it: via 3 and 1 (oneway=-1 3-6 is drivable 6 → 3).
    let back = r.route(pt(2.0, 1.0), pt(0.0, 1.0)).unwrap();
    assert!(back.distance_m > 350.0, "{}", back.distance_m);
    // 3 → 6: the -1 way forbids it; through the roundabout (3 → 20 → 21 → 22 → 6).
    let r36 = r.route(pt(2.0, 0.0), pt(2.0, 1.0)).unwrap();
    let lonlat = |c: &geo::Coord<f64>| (c.x, c.y);
    let (lon21, lat21) = at(3.5, 0.3);
    assert!(
        r36.geometry.0.iter().any(|c| {
            let (x, y) = lonlat(c);
            (x - lon21).abs() < 1e-7 && (y - lat21).abs() < 1e-7
        }),
        "the roundabout is driven anticlockwise through node 21: {:?}",
        r36.geometry
    );
    // 2 → 5 may not use the hgv=no street (111 m): around by 1, 4.
    let r25 = r.route(pt(1.0, 0.0), pt(1.0, 1.0)).unwrap();
    assert!(r25.distance_m > 250.0, "{}", r25.distance_m);
    assert_eq!(r25.method, Method::Road);
    // maxspeed=30 on 1-2-3: 30 × 0.8 km/h, plus the crossing of intersection 3.
    let r13 = r.route(pt(0.0, 0.0), pt(2.0, 0.0)).unwrap();
    let expect =
        r13.distance_m / (30.0 * 0.8 / 3.6) + ImportOptions::default().intersection_penalty_s;
    assert!(
        (r13.duration_s - expect).abs() < 0.01,
        "{} vs {expect}",
        r13.duration_s
    );
}

#[test]
fn unsorted_file_with_negative_ids_gives_the_same_graph() {
    let a = router_for(&fixture(0, false, false));
    let b = router_for(&fixture(-1000, true, true));
    assert_eq!(a.graph.nodes.len(), b.graph.nodes.len());
    assert_eq!(a.graph.edges.len(), b.graph.edges.len());
    let pa = a.route(pt(2.0, 1.0), pt(0.0, 1.0)).unwrap();
    let pb = b.route(pt(2.0, 1.0), pt(0.0, 1.0)).unwrap();
    assert!((pa.distance_m - pb.distance_m).abs() < 1e-6);
    assert!((pa.duration_s - pb.duration_s).abs() < 1e-6);
}

#[test]
fn clipping_keeps_only_the_box() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.osm.pbf");
    fixture(0, false, false).write(&p).unwrap();
    // A box around nodes 1, 2, 3 only (y = 0): the street 1-2-3 alone (bidirectional).
    let (w, s) = at(-0.5, -0.5);
    let (e, n) = at(2.5, 0.2);
    let clip = geo::Rect::new(geo::coord! {x: w, y: s}, geo::coord! {x: e, y: n});
    let opts = ImportOptions {
        clip: Some(clip),
        ..Default::default()
    };
    let (file, _) = build_from_pbf(&p, &opts).unwrap();
    assert_eq!(file.graph.nodes.len(), 2);
    assert_eq!(file.graph.edges.len(), 1);
}

#[test]
fn graph_file_round_trip_and_open_router() {
    let dir = tempfile::tempdir().unwrap();
    // No graph yet: the crow-flies fallback.
    let cf = open_router(dir.path()).unwrap();
    assert_eq!(cf.method(), Method::CrowFlies);
    let t = cf.table(&[pt(0.0, 0.0)], &[pt(2.0, 1.0)]).unwrap();
    assert_eq!(t.matrix.method, Method::CrowFlies);

    let p = dir.path().join("f.osm.pbf");
    fixture(0, false, true).write(&p).unwrap();
    let out = dir.path().join(GRAPH_FILE);
    let s = import_pbf(&p, &out, &ImportOptions::default()).unwrap();
    assert_eq!((s.nodes, s.edges), (6, 9));
    let r = open_router(dir.path()).unwrap();
    assert_eq!(r.method(), Method::Road);
    let read = boucle::network::file::read(&out).unwrap();
    let (mem, _) = build_from_pbf(&p, &ImportOptions::default()).unwrap();
    assert_eq!(read.graph, mem.graph);
    assert_eq!(read.ch, mem.ch);
    assert_eq!(read.meta.source, "f.osm.pbf");

    // A corrupt graph file is refused with a clear message.
    let mut bytes = std::fs::read(&out).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&out, &bytes).unwrap();
    let err = open_router(dir.path()).err().unwrap().to_string();
    assert!(err.contains("corrupt"), "{err}");
    std::fs::write(&out, &bytes[..mid]).unwrap();
    let err = open_router(dir.path()).err().unwrap().to_string();
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn corrupt_and_truncated_pbf_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.osm.pbf");
    std::fs::write(&p, b"this is not a protobuf file at all, just text").unwrap();
    let err = build_from_pbf(&p, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.osm.pbf") && err.contains("not a readable OSM PBF file"),
        "{err}"
    );

    let good = fixture(0, false, true).to_pbf();
    std::fs::write(&p, &good[..good.len() * 2 / 3]).unwrap();
    let err = build_from_pbf(&p, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a readable OSM PBF file"), "{err}");

    let err = build_from_pbf(&dir.path().join("missing.pbf"), &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.pbf"), "{err}");
}
