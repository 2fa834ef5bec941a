//! The `network import|info`, `route` and `matrix` commands, run as the real binary on a fixture.

use std::path::Path;

use boucle::network::fixture::OsmFixture;

fn boucle(args: &[&str], data: &Path) -> (bool, String, String) {
    let out = crate::common::command()
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("run boucle");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A 3 × 3 street grid around Thann (≈ 150 m blocks).
fn grid(dir: &Path) -> std::path::PathBuf {
    let mut f = OsmFixture::new();
    let id = |x: i64, y: i64| y * 3 + x + 1;
    for y in 0..3 {
        for x in 0..3 {
            f.node(
                id(x, y),
                7.10 + x as f64 * 0.002,
                47.81 + y as f64 * 0.0015,
                &[],
            );
        }
    }
    let mut w = 1;
    for y in 0..3 {
        for x in 0..3 {
            if x < 2 {
                f.way(w, &[id(x, y), id(x + 1, y)], &[("highway", "residential")]);
                w += 1;
            }
            if y < 2 {
                f.way(w, &[id(x, y), id(x, y + 1)], &[("highway", "tertiary")]);
                w += 1;
            }
        }
    }
    let p = dir.join("grid.osm.pbf");
    f.write(&p).unwrap();
    p
}

#[test]
fn import_info_route_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // Without a graph: the fallback, flagged.
    let (ok, out, _) = boucle(&["network", "info"], data);
    assert!(ok && out.contains("no graph: crow-flies fallback"), "{out}");
    let (ok, out, err) = boucle(
        &["route", "7.1", "47.81", "7.104", "47.813", "--json"],
        data,
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["method"], "crow_flies");

    let pbf = grid(data);
    let (ok, out, err) = boucle(
        &[
            "network",
            "import",
            pbf.to_str().unwrap(),
            "--bbox",
            "7.09,47.80,7.11,47.82",
        ],
        data,
    );
    assert!(ok, "{err}");
    assert!(out.contains("9 nodes") || out.contains("nodes"), "{out}");
    let (ok, out, _) = boucle(&["network", "info", "--json"], data);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["source"], "grid.osm.pbf");
    assert_eq!(v["version"], 3);
    // The truck is the default profile, recorded in the file.
    assert_eq!(v["profile"], "truck");
    assert!(v["nodes"].as_u64().unwrap() >= 4);

    let (ok, out, err) = boucle(
        &["route", "7.1", "47.81", "7.104", "47.813", "--json"],
        data,
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["method"], "road");
    assert_eq!(v["geometry"]["type"], "LineString");
    let d = v["distance_m"].as_f64().unwrap();
    assert!((d - (300.0 + 333.6)).abs() < 5.0, "{d}");

    let csv = data.join("points.csv");
    std::fs::write(
        &csv,
        "id,lon,lat\na,7.1,47.81\nb,7.104,47.813\nc,7.102,47.8115\n",
    )
    .unwrap();
    let (ok, out, err) = boucle(&["matrix", "--csv", csv.to_str().unwrap(), "--json"], data);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["method"], "road");
    assert_eq!(v["durations"].as_array().unwrap().len(), 3);
    assert_eq!(v["distances"][0][0], 0.0);
    assert!((v["distances"][0][1].as_f64().unwrap() - d).abs() < 1e-6);
    assert_eq!(v["sources"][1]["name"], "b");
    assert!(v["destinations"][2]["location"].is_array());

    // A point too far from the roads, and a bad CSV line, are named.
    std::fs::write(&csv, "lon,lat\n7.1,47.81\n7.5,47.9\n").unwrap();
    let (ok, _, err) = boucle(&["matrix", "--csv", csv.to_str().unwrap()], data);
    assert!(
        !ok && err.contains("source 1") && err.contains("CSV line 3"),
        "{err}"
    );
    std::fs::write(&csv, "lon,lat\n7.1,47.81\n7.1,north\n").unwrap();
    let (ok, _, err) = boucle(&["matrix", "--csv", csv.to_str().unwrap()], data);
    assert!(
        !ok && err.contains("line 3") && err.contains("lat"),
        "{err}"
    );
}

/// `route --vehicle` and `matrix --vehicle`: the 19 t truck of the built-in vehicle types goes
/// round a bridge signed 3.5 t and says why; the van takes it.
#[test]
fn route_and_matrix_for_a_vehicle_avoid_the_roads_it_may_not_take() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut f = OsmFixture::new();
    f.node(1, 7.0, 47.0, &[]);
    f.node(2, 7.004, 47.0, &[]);
    f.node(3, 7.006, 47.0, &[]);
    f.node(4, 7.01, 47.0, &[]);
    f.node(5, 7.0, 47.01, &[]);
    f.node(6, 7.01, 47.01, &[]);
    let r = [("highway", "tertiary")];
    f.way(1, &[1, 2], &r);
    f.way(
        2,
        &[2, 3],
        &[
            ("highway", "tertiary"),
            ("bridge", "yes"),
            ("maxweight", "3.5"),
        ],
    );
    f.way(3, &[3, 4], &r);
    f.way(4, &[1, 5, 6, 4], &r);
    let pbf = data.join("river.osm");
    std::fs::write(&pbf, f.to_osm_xml()).unwrap();
    let (ok, _, err) = boucle(
        &["network", "import", pbf.to_str().unwrap(), "--no-clip"],
        data,
    );
    assert!(ok, "{err}");
    let route = |vehicle: &str| -> serde_json::Value {
        let (ok, out, err) = boucle(
            &[
                "route",
                "7.002",
                "47.0",
                "7.008",
                "47.0",
                "--vehicle",
                vehicle,
                "--json",
            ],
            data,
        );
        assert!(ok, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let truck = route("rigid_19t_tail_lift");
    assert!(truck["distance_m"].as_f64().unwrap() > 3000.0, "{truck}");
    assert_eq!(truck["limits_avoided"][0], "maxweight 3.5 t (vehicle 19 t)");
    assert_eq!(truck["vehicle"]["id"], "rigid_19t_tail_lift");
    assert_eq!(truck["vehicle"]["size"]["weight_t"], 19.0);
    let van = route("van_3_5t");
    assert!(van["distance_m"].as_f64().unwrap() < 500.0, "{van}");
    assert_eq!(van["limits_avoided"].as_array().unwrap().len(), 0);
    // Text output says it too.
    let (ok, out, _) = boucle(
        &[
            "route",
            "7.002",
            "47.0",
            "7.008",
            "47.0",
            "--vehicle",
            "hooklift_26t",
        ],
        data,
    );
    assert!(
        ok && out.contains("avoided maxweight 3.5 t (vehicle 26 t)"),
        "{out}"
    );
    // An unknown id names the known ones.
    let (ok, _, err) = boucle(
        &[
            "route",
            "7.002",
            "47.0",
            "7.008",
            "47.0",
            "--vehicle",
            "bus",
        ],
        data,
    );
    assert!(
        !ok && err.contains("unknown vehicle type `bus`") && err.contains("van_3_5t"),
        "{err}"
    );
    // The matrix of the truck.
    let csv = data.join("points.csv");
    std::fs::write(&csv, "id,lon,lat\na,7.002,47.0\nb,7.008,47.0\n").unwrap();
    let (ok, out, err) = boucle(
        &[
            "matrix",
            "--csv",
            csv.to_str().unwrap(),
            "--vehicle",
            "rigid_19t_tail_lift",
            "--json",
        ],
        data,
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["distances"][0][1].as_f64().unwrap() > 3000.0, "{v}");
    assert_eq!(v["vehicle"]["id"], "rigid_19t_tail_lift");
}
