//! CVRPLIB and Solomon readers: valid files, malformed files (clear errors naming file, line and
//! field), and the `boucle vrp solve` command.

use std::path::PathBuf;

use boucle::travel::CostMatrix;
use boucle::vrp::formats::{BenchFormat, read};
use boucle::vrp::{SolverParams, check, solve};

const CVRP: &str = "NAME : tiny-n6-k2
COMMENT : test
TYPE : CVRP
DIMENSION : 6
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
 1 0 0
 2 10 0
 3 10 1
 4 -10 0
 5 -10 1
 6 0 7
DEMAND_SECTION
1 0
2 4
3 4
4 4
5 4
6 2
DEPOT_SECTION
 1
 -1
EOF
";

const SOLOMON: &str = "T3

VEHICLE
NUMBER     CAPACITY
  2         20

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0         0          0          0       200          0
    1      10        0          5         10        50         5
    2      0         10         5          0        40         5
    3      -10       0          5         50       100         5
";

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn quick() -> SolverParams {
    SolverParams {
        time_limit_s: 10.0,
        seed: 1,
        max_iterations: Some(50),
        max_work: Some(u64::MAX),
        cancel: None,
    }
}

#[test]
fn reads_and_solves_a_cvrplib_file() {
    let dir = tempfile::tempdir().unwrap();
    let inst = read(&write(&dir, "tiny.vrp", CVRP)).unwrap();
    assert_eq!(inst.format, BenchFormat::Cvrplib);
    assert_eq!(inst.name, "tiny-n6-k2");
    assert_eq!(inst.ids, vec![2, 3, 4, 5, 6]);
    assert_eq!(inst.matrix.distance_m(0, 5), 7.0);
    assert_eq!(inst.matrix.distance_m(1, 2), 1.0);
    assert_eq!(inst.matrix.distance_m(2, 5), 12.0); // sqrt(136) = 11.66, rounded
    let sol = solve(&inst.problem, &inst.matrix, &quick()).unwrap();
    assert!(check(&inst.problem, &inst.matrix, &sol).ok());
    // Optimum: {2,3,6} and {4,5}.
    let d =
        |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt().round();
    let r1 = 10.0 + 1.0 + d((10., 1.), (0., 7.)) + 7.0;
    let r2 = 10.0 + 1.0 + d((-10., 1.), (0., 0.));
    assert_eq!(sol.cost, r1 + r2);
}

#[test]
fn reads_and_solves_a_solomon_file() {
    let dir = tempfile::tempdir().unwrap();
    let inst = read(&write(&dir, "t3.txt", SOLOMON)).unwrap();
    assert_eq!(inst.format, BenchFormat::Solomon);
    assert_eq!(inst.problem.stops.len(), 3);
    assert_eq!(inst.problem.vehicle_types[0].count, Some(2));
    let sol = solve(&inst.problem, &inst.matrix, &quick()).unwrap();
    assert!(check(&inst.problem, &inst.matrix, &sol).ok());
    assert!(sol.unassigned.is_empty());
    assert!(sol.rounds.len() <= 2);
}

fn err_of(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, name, text);
    read(&p).unwrap_err().to_string()
}

#[test]
fn malformed_cvrplib_files_give_clear_errors() {
    let e = err_of("a.vrp", &CVRP.replace(" 3 10 1", " 3 10 x"));
    assert!(
        e.contains("a.vrp")
            && e.contains("line 10")
            && e.contains("NODE_COORD_SECTION y")
            && e.contains("`x`"),
        "{e}"
    );
    let e = err_of("b.vrp", &CVRP.replace("DIMENSION : 6\n", ""));
    assert!(
        e.contains("b.vrp") && e.contains("DIMENSION") && e.contains("missing"),
        "{e}"
    );
    let e = err_of("c.vrp", &CVRP.replace("EUC_2D", "GEO"));
    assert!(
        e.contains("line 5") && e.contains("EDGE_WEIGHT_TYPE") && e.contains("EUC_2D"),
        "{e}"
    );
    let e = err_of("d.vrp", &CVRP.replace("6 2\n", ""));
    assert!(e.contains("DEMAND_SECTION") && e.contains("node 6"), "{e}");
    let e = err_of("e.vrp", &CVRP.replace("CAPACITY : 10", "CAPACITY : -3"));
    assert!(
        e.contains("line 6") && e.contains("CAPACITY") && e.contains("positive"),
        "{e}"
    );
    let e = err_of("f.vrp", &CVRP.replace(" 6 0 7", " 9 0 7"));
    assert!(e.contains("line 13") && e.contains("node 9 outside"), "{e}");
}

#[test]
fn malformed_solomon_files_give_clear_errors() {
    let e = err_of(
        "s1.txt",
        &SOLOMON.replace(
            "    1      10        0          5",
            "    1      10        0",
        ),
    );
    assert!(
        e.contains("s1.txt") && e.contains("line 11") && e.contains("7 columns"),
        "{e}"
    );
    let e = err_of(
        "s2.txt",
        &SOLOMON.replace("  2         20", "  2         lots"),
    );
    assert!(
        e.contains("line 5") && e.contains("CAPACITY") && e.contains("`lots`"),
        "{e}"
    );
    let e = err_of("s3.txt", &SOLOMON.replace("40         5", "-1         5"));
    assert!(e.contains("line 12") && e.contains("DUE DATE"), "{e}");
    let e = err_of("s4.txt", "T\n\nVEHICLE\n");
    assert!(e.contains("s4.txt") && e.contains("VEHICLE"), "{e}");
}

#[test]
fn cli_solves_with_json_and_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let ok = write(&dir, "tiny.vrp", CVRP);
    let out = crate::common::command()
        .args([
            "vrp",
            "solve",
            "--time-limit",
            "1",
            "--max-iterations",
            "30",
            "--json",
        ])
        .arg(&ok)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["cost"].as_f64().unwrap() > 0.0);
    let mut ids: Vec<u64> = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()))
        .collect();
    ids.sort();
    assert_eq!(ids, vec![2, 3, 4, 5, 6]);

    let bad = write(
        &dir,
        "bad.vrp",
        &CVRP.replace("CAPACITY : 10", "CAPACITY : ten"),
    );
    let out = crate::common::command()
        .args(["vrp", "solve"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.vrp") && err.contains("line 6") && err.contains("CAPACITY"),
        "{err}"
    );

    let out = crate::common::command()
        .args(["vrp", "solve"])
        .arg(dir.path().join("missing.vrp"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.vrp"));
}
