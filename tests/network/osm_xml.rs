//! OSM XML input: the same data as XML and as PBF give the same graph; deleted elements are
//! skipped; bad XML is a clear error naming the file, line and field.

use boucle::network::Profile;
use boucle::network::fixture::OsmFixture;
use boucle::network::import::{ImportOptions, build_from_pbf};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// A random street grid with oneways, traffic lights, stop signs, a gate, names that need
/// escaping and turn restrictions (one via a node, one via a way).
fn rich_fixture(seed: u64, side: i64, ways_first: bool) -> OsmFixture {
    let mut rng = Pcg64::seed_from_u64(seed);
    let id = |x: i64, y: i64| -(y * side + x + 1);
    let mut f = OsmFixture::street_grid(
        &mut rng,
        side,
        id,
        |rng| match rng.random_range(0..12) {
            0 => vec![("highway", "traffic_signals")],
            1 => vec![("highway", "stop"), ("direction", "forward")],
            2 => vec![("barrier", "gate")],
            _ => Vec::new(),
        },
        |rng| {
            let hw =
                ["residential", "tertiary", "primary", "service", "track"][rng.random_range(0..5)];
            let mut tags = vec![("highway", hw), ("name", "Rue \"A\" & <B>")];
            match rng.random_range(0..8) {
                0 => tags.push(("oneway", "yes")),
                1 => tags.push(("oneway", "-1")),
                2 => tags.push(("maxspeed", "30")),
                3 => tags.push(("hgv", "no")),
                _ => {}
            }
            tags
        },
    );
    f.ways_first = ways_first;
    f.zlib = true;
    // Ways 1 and 2 meet at the second node of the first row when both exist.
    f.relation(
        1,
        &[('w', 1, "from"), ('n', id(1, 0), "via"), ('w', 2, "to")],
        &[("type", "restriction"), ("restriction", "no_left_turn")],
    );
    f.relation(
        2,
        &[('w', 1, "from"), ('w', 2, "via"), ('w', 3, "to")],
        &[("type", "restriction"), ("restriction", "no_u_turn")],
    );
    f
}

#[test]
fn xml_and_pbf_of_the_same_data_give_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, ways_first) in [(1, false), (2, true)] {
        let f = rich_fixture(seed, 12, ways_first);
        let pbf = dir.path().join("x.osm.pbf");
        let xml = dir.path().join("x.osm");
        f.write(&pbf).unwrap();
        std::fs::write(&xml, f.to_osm_xml()).unwrap();
        for profile in [Profile::Truck, Profile::Car] {
            let opts = ImportOptions {
                profile,
                ..ImportOptions::default()
            };
            let (a, ra) = build_from_pbf(&pbf, &opts).unwrap();
            let (b, rb) = build_from_pbf(&xml, &opts).unwrap();
            assert!(a.graph.edges.len() > 50, "{} edges", a.graph.edges.len());
            assert_eq!(a.graph, b.graph, "seed {seed} {profile:?}");
            assert_eq!(a.turns, b.turns, "seed {seed} {profile:?}");
            assert_eq!(a.ch, b.ch, "seed {seed} {profile:?}");
            assert_eq!(ra.ways, rb.ways);
            assert_eq!(ra.turn_stats, rb.turn_stats);
            assert_eq!(rb.turn_stats.via_way_skipped, 1);
        }
    }
}

const HEADER: &str = "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\">\n";

fn nodes_and(way_attrs: &str) -> String {
    format!(
        "{HEADER}  <node id=\"1\" lat=\"47.80\" lon=\"7.10\"/>\n  <node id=\"2\" lat=\"47.80\" \
         lon=\"7.11\"/>\n  <node id=\"3\" lat=\"47.81\" lon=\"7.11\"/>\n  <way id=\"1\">\n    \
         <nd ref=\"1\"/>\n    <nd ref=\"2\"/>\n    <tag k=\"highway\" v=\"primary\"/>\n  </way>\n  \
         <way id=\"2\"{way_attrs}>\n    <nd ref=\"2\"/>\n    <nd ref=\"3\"/>\n    <tag \
         k=\"highway\" v=\"primary\"/>\n  </way>\n</osm>\n"
    )
}

#[test]
fn deleted_elements_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("josm.osm");
    let opts = ImportOptions::default();
    std::fs::write(&p, nodes_and("")).unwrap();
    let (all, r) = build_from_pbf(&p, &opts).unwrap();
    assert_eq!(
        (r.ways, all.graph.nodes.len()),
        (2, 2),
        "one edge from node 1 to node 3"
    );
    // One edge: 1 → 2 (0.01° of longitude, 749 m) then 2 → 3 (0.01° of latitude, 1,112 m).
    let length =
        |g: &boucle::network::graph::RoadGraph| g.edges.iter().map(|e| e.dist_m).sum::<f32>();
    assert!((1800.0..1900.0).contains(&length(&all.graph)));
    for attr in [" action=\"delete\"", " visible=\"false\""] {
        std::fs::write(&p, nodes_and(attr)).unwrap();
        let (kept, r) = build_from_pbf(&p, &opts).unwrap();
        assert_eq!(r.ways, 1, "{attr}");
        assert_eq!(kept.graph.nodes.len(), 2, "{attr}");
        let l = length(&kept.graph);
        assert!((700.0..800.0).contains(&l), "{attr}: {l} m, way 2 left out");
    }
}

#[test]
fn bad_xml_is_a_clear_error_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.osm");
    let opts = ImportOptions::default();
    let err = |text: &[u8]| {
        std::fs::write(&p, text).unwrap();
        build_from_pbf(&p, &opts).unwrap_err().to_string()
    };
    // A node without latitude, moved to line 5.
    let e = err(nodes_and("")
        .replace("<node id=\"2\" lat=\"47.80\" lon", "\n<node id=\"2\" lon")
        .as_bytes());
    assert!(
        e.contains("bad.osm") && e.contains("line 5") && e.contains("lat"),
        "{e}"
    );
    // A latitude out of range (line 5).
    let e = err(nodes_and("").replace("47.81", "97.81").as_bytes());
    assert!(e.contains("line 5") && e.contains("lat"), "{e}");
    // A way's node reference that is not a number (line 13).
    let e = err(nodes_and("")
        .replace("<nd ref=\"3\"/>", "<nd ref=\"x\"/>")
        .as_bytes());
    assert!(e.contains("ref") && e.contains("line 13"), "{e}");
    // Broken XML: an end tag that does not match (line 15).
    let e = err(nodes_and("")
        .replace("</way>\n</osm>", "</node>\n</osm>")
        .as_bytes());
    assert!(
        e.contains("not a readable OSM XML file") && e.contains("line 15"),
        "{e}"
    );
    // Another kind of XML file.
    let e = err(b"<?xml version='1.0'?>\n<osmChange version=\"0.6\"><modify/></osmChange>\n");
    assert!(e.contains("osmChange") && e.contains("line 2"), "{e}");
    // XML with no element at all.
    let e = err(b"<?xml version='1.0'?>\n");
    assert!(e.contains("no <osm> element"), "{e}");
    // An empty file.
    let e = err(b"");
    assert!(e.contains("bad.osm") && e.contains("empty file"), "{e}");
    // Compressed extracts are named as such.
    let e = err(&[0x1f, 0x8b, 8, 0, 0, 0]);
    assert!(e.contains("gzip") && e.contains("gunzip"), "{e}");
    let e = err(b"BZh91AY&SY");
    assert!(e.contains("bzip2") && e.contains("bunzip2"), "{e}");
}
