//! Hostile or careless input gives a clear error, never a panic, a hang or an out-of-memory
//! abort; concurrent writers of the territory folder lose nothing; an import never silently
//! replaces the officer's data. Each case is one that once broke boucle (issue 22).

use std::path::Path;

use crate::common::{boucle, boucle_in, copy_geodata, ok};

fn err(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure; stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn check_errors(dir: &Path) -> String {
    let out = boucle_in(dir, &["check"]);
    assert_eq!(out.status.code(), Some(1), "check must fail");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn replace_in(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{file} holds {from}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}

#[test]
fn zero_or_huge_capacity_and_cost_are_refused_with_file_line_field() {
    let d = copy_geodata();
    replace_in(
        d.path(),
        "vehicles.csv",
        ",1100,20,60,0.35,30,",
        ",0,20,60,0.35,30,",
    );
    let e = err(&boucle_in(d.path(), &["rounds", "--material", "pallets"]));
    assert!(
        e.contains("vehicles.csv, line 2, field `capacity_kg`: must be > 0"),
        "{e}"
    );
    let d = copy_geodata();
    replace_in(
        d.path(),
        "vehicles.csv",
        ",1100,20,60,0.35,30,",
        ",1100,20,60,0.35,1e8,",
    );
    let e = err(&boucle_in(d.path(), &["rounds", "--material", "pallets"]));
    assert!(
        e.contains("vehicles.csv, line 2, field `cost_per_hour_eur`: 100000000 is outside the accepted range [0, 10000]"),
        "{e}"
    );
    let d = copy_geodata();
    replace_in(
        d.path(),
        "vehicles.csv",
        ",1100,20,60,0.35,30,",
        ",0.000001,20,60,0.35,30,",
    );
    let e = err(&boucle_in(d.path(), &["rounds", "--material", "pallets"]));
    assert!(
        e.contains("field `capacity_kg`: 1e-6 is outside the accepted range [1, 100000]"),
        "{e}"
    );
}

#[test]
fn huge_quantity_is_refused_and_a_split_that_explodes_the_stops_is_an_error() {
    let d = copy_geodata();
    replace_in(
        d.path(),
        "flows.csv",
        "out,150,pallets",
        "out,1e300,pallets",
    );
    let e = check_errors(d.path());
    assert!(
        e.contains("flows.csv, line 2, field `quantity`: 1e300 is outside the accepted range [0, 1000000000]"),
        "{e}"
    );
    // Within range but far too many loads for the smallest vehicle: refused before allocating.
    let d = copy_geodata();
    replace_in(
        d.path(),
        "flows.csv",
        "out,150,pallets",
        "out,900000000,pallets",
    );
    let e = err(&boucle_in(
        d.path(),
        &["rounds", "--material", "pallets", "--vehicle", "van_3_5t"],
    ));
    assert!(e.contains("stops per collection cycle"), "{e}");
    assert!(e.contains("BOUCLE_MAX_STOPS"), "{e}");
    assert!(e.contains("holder `angenstein-sa` alone needs"), "{e}");
}

#[test]
fn circuity_nan_or_below_one_is_refused_by_check_and_site() {
    for bad in ["nan", "-1", "0.5", "inf"] {
        let d = copy_geodata();
        replace_in(
            d.path(),
            "territory.toml",
            "circuity = 1.3",
            &format!("circuity = {bad}"),
        );
        let e = check_errors(d.path());
        assert!(
            e.contains("territory.toml, line 23, field `defaults.circuity`:")
                && e.contains("is outside the accepted range [1, 5]"),
            "{bad}: {e}"
        );
        let e = err(&boucle_in(d.path(), &["site", "--material", "pallets"]));
        assert!(e.contains("defaults.circuity"), "{e}");
    }
}

#[test]
fn truncated_vehicles_or_factors_fail_check() {
    for (file, cut_from_end) in [("vehicles.csv", 40), ("emission_factors.csv", 120)] {
        let d = copy_geodata();
        let p = d.path().join(file);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() - cut_from_end]).unwrap();
        let e = check_errors(d.path());
        assert!(
            e.contains(&format!("{file}, line "))
                && (e.contains("a quoted field is never closed: the file looks truncated")
                    || e.contains("fields, the header has")),
            "{file}: {e}"
        );
    }
}

#[test]
fn swapped_lon_lat_and_duplicate_flows_fail_check() {
    let d = copy_geodata();
    let actors = std::fs::read_to_string(d.path().join("actors.csv")).unwrap();
    let line = actors.lines().nth(1).unwrap().to_owned();
    let f: Vec<&str> = line.split(',').collect();
    let header: Vec<&str> = actors.lines().next().unwrap().split(',').collect();
    let (ilon, ilat) = (
        header.iter().position(|h| *h == "lon").unwrap(),
        header.iter().position(|h| *h == "lat").unwrap(),
    );
    let mut g = f.clone();
    g.swap(ilon, ilat);
    std::fs::write(
        d.path().join("actors.csv"),
        actors.replacen(&line, &g.join(","), 1),
    )
    .unwrap();
    let e = check_errors(d.path());
    assert!(
        e.contains("km outside the territory's box")
            && e.contains("longitude and latitude swapped?"),
        "{e}"
    );

    let d = copy_geodata();
    let flows = std::fs::read_to_string(d.path().join("flows.csv")).unwrap();
    let first = flows.lines().nth(1).unwrap();
    std::fs::write(d.path().join("flows.csv"), format!("{flows}{first}\n")).unwrap();
    let n = flows.lines().count() + 1;
    let e = check_errors(d.path());
    assert!(
        e.contains(&format!("flows.csv, line {n}, field `material`: duplicate flow: flow #1 already gives `angenstein-sa` out of `pallets`")),
        "{e}"
    );
}

#[test]
fn set_position_refuses_a_point_far_outside_the_territory() {
    let d = copy_geodata();
    let e = err(&boucle_in(
        d.path(),
        &["actors", "set-position", "angenstein-sa", "47.8", "7.1"],
    ));
    assert!(e.contains("longitude and latitude swapped?"), "{e}");
}

#[test]
fn cvrplib_dimension_beyond_the_file_is_refused() {
    let d = tempfile::tempdir().unwrap();
    for dim in ["1000000000", "2000000000000000000"] {
        let p = d.path().join("big.vrp");
        std::fs::write(
            &p,
            format!("NAME : big\nTYPE : CVRP\nDIMENSION : {dim}\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n"),
        )
        .unwrap();
        let e = err(&boucle(&["vrp", "solve", p.to_str().unwrap()]));
        assert!(
            e.contains(&format!(
                "big.vrp, line 3, field `DIMENSION`: {dim} nodes announced but the file has 7 lines"
            )),
            "{e}"
        );
    }
}

#[test]
fn osm_way_going_back_and_forth_imports_quickly_with_each_edge_once() {
    let d = copy_geodata();
    let refs: String = (0..2000)
        .map(|i| format!("<nd ref=\"{}\"/>", 1 + i % 2))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\"?><osm version=\"0.6\"><node id=\"1\" lat=\"47.80\" lon=\"7.10\"/><node id=\"2\" lat=\"47.81\" lon=\"7.11\"/><node id=\"3\" lat=\"47.82\" lon=\"7.12\"/><way id=\"10\">{refs}<tag k=\"highway\" v=\"residential\"/></way><way id=\"11\"><nd ref=\"2\"/><nd ref=\"3\"/><tag k=\"highway\" v=\"residential\"/></way></osm>"
    );
    let osm = d.path().join("alt.osm");
    std::fs::write(&osm, xml).unwrap();
    let out = ok(&boucle_in(
        d.path(),
        &[
            "network",
            "import",
            osm.to_str().unwrap(),
            "--no-clip",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["nodes"], 3, "{v}");
    assert_eq!(v["edges"], 3, "{v}");
}

#[test]
fn concurrent_set_position_on_different_actors_loses_no_update() {
    let d = copy_geodata();
    let t = boucle::territory::Territory::load(d.path()).unwrap();
    let ids: Vec<String> = t.actors.iter().take(2).map(|a| a.id.clone()).collect();
    for trial in 0..10 {
        let x = 7.05 + f64::from(trial) * 0.001;
        let children: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| {
                crate::common::command()
                    .args(["actors", "set-position", id])
                    .arg(format!("{:.4}", x + k as f64 * 0.0001))
                    .arg("47.80")
                    .arg("--data")
                    .arg(d.path())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let t = boucle::territory::Territory::load(d.path()).unwrap();
        for (k, id) in ids.iter().enumerate() {
            let p = t.actor(id).unwrap().position.unwrap();
            assert!(
                (p.x() - (x + k as f64 * 0.0001)).abs() < 1e-6,
                "trial {trial}: update of {id} lost"
            );
        }
    }
}

#[test]
fn stale_temp_files_are_cleaned_by_the_next_writer() {
    let d = copy_geodata();
    let stale = d.path().join(format!(".actors.csv.{}.tmp", u32::MAX - 1));
    std::fs::write(&stale, "half").unwrap();
    ok(&boucle_in(
        d.path(),
        &["actors", "set-position", "angenstein-sa", "7.05", "47.80"],
    ));
    assert!(!stale.exists());
}

#[test]
fn concurrent_synergies_record_loses_no_record() {
    let d = copy_geodata();
    for trial in 0..10 {
        let children: Vec<_> = (0..2)
            .map(|k| {
                crate::common::command()
                    .args(["synergies", "record", "--id"])
                    .arg(format!("t{trial}-{k}"))
                    .args([
                        "--title",
                        "Palettes",
                        "--material",
                        "pallets",
                        "--status",
                        "idea",
                        "--actors",
                        "angenstein-sa",
                        "--source",
                        "test",
                        "--data",
                    ])
                    .arg(d.path())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let all = boucle::territory::register::read_register(
        &d.path().join(boucle::territory::SYNERGIES_FILE),
    )
    .unwrap();
    assert_eq!(all.len(), 20, "every record kept");
}
