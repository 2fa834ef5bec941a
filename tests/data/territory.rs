//! The default territory in geodata/: counts, totals, lookups, outlines, malformed inputs.
//! Needs only the repository (no ../shared).

use crate::common::{boucle, copy_geodata, geodata, load};

use std::path::Path;

use boucle::spatial::SpatialIndex;
use boucle::territory::{self, Territory};
use geo::{ChamberlainDuquetteArea, Validation};

#[test]
fn forty_six_communes_in_three_epci_with_consistent_populations() {
    let t = load();
    assert_eq!(t.communes.len(), 46);
    assert_eq!(t.epcis.len(), 3);
    let mut sizes: Vec<(String, usize)> = t
        .epcis
        .iter()
        .map(|e| (e.siren.clone(), e.members.len()))
        .collect();
    sizes.sort();
    assert_eq!(
        sizes,
        vec![
            ("200036465".to_owned(), 16),
            ("246800205".to_owned(), 15),
            ("246800676".to_owned(), 15)
        ]
    );
    for e in &t.epcis {
        let sum: u64 = t
            .communes
            .iter()
            .filter(|c| c.epci_siren == e.siren)
            .map(|c| c.population)
            .sum();
        assert_eq!(e.population, sum, "{}", e.name);
        assert_eq!(
            t.communes
                .iter()
                .filter(|c| c.epci_siren == e.siren)
                .count(),
            e.members.len()
        );
    }
    assert_eq!(t.population(), 65_569);
    let thann = t.commune("68334").unwrap();
    assert_eq!(thann.name, "Thann");
    assert_eq!(t.commune("68219").unwrap().name, "Le Haut Soultzbach");
    // Wittelsheim and Staffelfelden are not in the territory.
    assert!(t.commune("68376").is_none() && t.commune("68321").is_none());
}

#[test]
fn every_representative_point_locates_to_its_commune_and_mulhouse_to_none() {
    let t = load();
    let idx = SpatialIndex::new(&t);
    for c in &t.communes {
        let got = idx
            .commune_at(c.point.x(), c.point.y())
            .map(|r| r.insee.as_str());
        assert_eq!(got, Some(c.insee.as_str()), "{} {}", c.insee, c.name);
        let epci = idx.epci_at(c.point.x(), c.point.y()).unwrap();
        assert_eq!(epci.siren, c.epci_siren);
    }
    assert!(
        idx.commune_at(7.3389, 47.7508).is_none(),
        "Mulhouse is outside"
    );
    let l = idx.locate(7.3389, 47.7508);
    assert!(l.commune.is_none() && l.epci.is_none());
}

#[test]
fn grid_answers_equal_exact_point_in_polygon_on_random_points() {
    use geo::Intersects;
    use rand::{Rng, SeedableRng};
    let t = load();
    let idx = SpatialIndex::with_resolution(&t, 256);
    let bb = t.bbox();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    for _ in 0..20_000 {
        let x = rng.random_range(bb.min().x - 0.01..bb.max().x + 0.01);
        let y = rng.random_range(bb.min().y - 0.01..bb.max().y + 0.01);
        let exact: Vec<&str> = t
            .communes
            .iter()
            .filter(|c| c.geometry.intersects(&geo::Coord { x, y }))
            .map(|c| c.insee.as_str())
            .collect();
        let got = idx.commune_at(x, y).map(|c| c.insee.as_str());
        match got {
            None => assert!(exact.is_empty(), "({x}, {y}) is in {exact:?}"),
            Some(g) => assert!(exact.contains(&g), "({x}, {y}): {g} not in {exact:?}"),
        }
    }
    assert!(idx.edge_cell_share() < 0.5);
}

#[test]
fn epci_outlines_are_valid_and_keep_the_communes_area() {
    let t = load();
    for e in &t.epcis {
        assert!(e.geometry.is_valid(), "{}", e.name);
        let sum: f64 = t
            .communes
            .iter()
            .filter(|c| c.epci_siren == e.siren)
            .map(|c| c.geometry.chamberlain_duquette_unsigned_area())
            .sum();
        let area = e.geometry.chamberlain_duquette_unsigned_area();
        assert!(
            ((area - sum) / sum).abs() < 1e-4,
            "{}: outline {area} m² vs communes {sum} m²",
            e.name
        );
    }
    assert!(t.outline.is_valid());
    let all: f64 = t
        .communes
        .iter()
        .map(|c| c.geometry.chamberlain_duquette_unsigned_area())
        .sum();
    let outline = t.outline.chamberlain_duquette_unsigned_area();
    assert!(((outline - all) / all).abs() < 1e-4);
    // ~ 486 km² for the Pays Thur Doller.
    assert!((450e6..520e6).contains(&all), "{all}");
}

#[test]
fn data_keeps_provenance_precision_and_unlocated_rows() {
    let t = load();
    assert!(t.actors.len() >= 20);
    let unlocated: Vec<_> = t.actors.iter().filter(|a| a.position.is_none()).collect();
    assert!(
        !unlocated.is_empty(),
        "companies of unknown commune stay in the data"
    );
    for a in &t.actors {
        assert!(!a.source.is_empty(), "{}", a.id);
        match a.position {
            Some(_) => assert_eq!(a.precision, territory::Precision::Commune),
            None => assert_eq!(a.precision, territory::Precision::Unknown),
        }
    }
    for p in &t.parks {
        assert!(!p.source.is_empty());
    }
    assert!(
        t.parks.iter().any(|p| !p.in_territory),
        "neighbour's park kept, flagged"
    );
    for f in &t.flows {
        assert!(f.estimate, "flows are demonstration values");
        assert!(f.source.starts_with("demonstration value"), "{}", f.source);
    }
    for m in ["pallets", "paper_cardboard"] {
        assert!(
            t.flows.iter().filter(|f| f.material == m).count() >= 20,
            "{m}"
        );
        assert!(!t.material(m).unwrap().ewc_codes.is_empty());
    }
}

#[test]
fn check_json_has_the_documented_keys() {
    let out = boucle(&["check", "--json", "--data", geodata().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "communes",
        "epci",
        "parks",
        "sites",
        "actors",
        "actors_located",
        "flows",
        "materials",
        "synergies",
        "vehicle_types",
        "emission_factors",
    ] {
        assert!(v[k].is_u64(), "{k}");
    }
    assert_eq!(v["vehicle_types"], 4);
    assert_eq!(v["communes"], 46);
    assert_eq!(v["epci"], 3);
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn locate_cli_inside_outside_and_csv() {
    let data = geodata();
    let d = data.to_str().unwrap();
    let out = boucle(&["locate", "7.09666", "47.81592", "--json", "--data", d]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["commune"]["insee"], "68334");
    assert_eq!(v["commune"]["name"], "Thann");
    assert_eq!(v["epci"]["siren"], "200036465");
    assert!(v["park"]["distance_m"].as_f64().unwrap() >= 0.0);

    let out = boucle(&["locate", "7.3389", "47.7508", "--json", "--data", d]);
    assert!(out.status.success(), "outside is not an error");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["commune"].is_null());

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("points.csv");
    std::fs::write(&csv, "id,lon,lat\na,7.09666,47.81592\nb,7.3389,47.7508\n").unwrap();
    let out = boucle(&["locate", "--csv", csv.to_str().unwrap(), "--data", d]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,lon,lat,insee,commune,epci_siren,epci,park_id,park,park_distance_m"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("a,7.09666,47.81592,68334,Thann,200036465,")
    );
    assert!(lines.next().unwrap().starts_with("b,7.3389,47.7508,,,,"));

    std::fs::write(&csv, "lon,lat\n7.1,47.8\n7.1,north\n").unwrap();
    let out = boucle(&["locate", "--csv", csv.to_str().unwrap(), "--data", d]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("points.csv, line 3, field `lat`: `north` is not a number"),
        "{err}"
    );
}

fn check_errors(dir: &Path) -> Vec<String> {
    territory::check(dir).errors
}

#[test]
fn truncated_geojson_names_file_and_line() {
    let dir = copy_geodata();
    let p = dir.path().join("communes.geojson");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, &text[..text.len() / 2]).unwrap();
    let errors = check_errors(dir.path());
    assert!(
        errors
            .iter()
            .any(|e| e.contains("communes.geojson, line") && e.contains("malformed JSON")),
        "{errors:?}"
    );
    let out = boucle(&["check", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "errors give a non-zero exit code"
    );
}

#[test]
fn wrong_geometry_type_names_the_feature() {
    let dir = copy_geodata();
    let p = dir.path().join("communes.geojson");
    let text = std::fs::read_to_string(&p).unwrap();
    // Turn the first commune (68011) into a LineString of its outer ring.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let g = &mut v["features"][0]["geometry"];
    let ring = g["coordinates"][0][0].clone();
    *g = serde_json::json!({"type": "LineString", "coordinates": ring});
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    let errors = check_errors(dir.path());
    assert!(
        errors.iter().any(|e| e.contains("communes.geojson, feature 0 (id 68011), field `geometry`: wrong geometry type: expected Polygon or MultiPolygon, found LineString")),
        "{errors:?}"
    );
}

#[test]
fn unknown_insee_code_in_actors_is_reported() {
    let dir = copy_geodata();
    let p = dir.path().join("actors.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen(",68063,", ",68999,", 1)).unwrap();
    let errors = check_errors(dir.path());
    assert!(
        errors.iter().any(|e| e.contains("actors.csv")
            && e.contains("field `insee`")
            && e.contains("unknown INSEE code 68999")),
        "{errors:?}"
    );
    assert!(Territory::load(dir.path()).is_err());
}

#[test]
fn bad_csv_rows_name_line_and_field() {
    let dir = copy_geodata();
    let p = dir.path().join("flows.csv");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("angenstein-sa,pallets,15 01 03,sideways,12,pallets,year,12,true,test\n");
    text.push_str("angenstein-sa,pallets,15 01 03,out,-3,pallets,year,12,true,test\n");
    text.push_str("angenstein-sa,pallets\n");
    std::fs::write(&p, text).unwrap();
    let n = std::fs::read_to_string(&p).unwrap().lines().count();
    let errors = check_errors(dir.path());
    let l1 = format!(
        "flows.csv, line {}, field `direction`: `sideways` is neither `out` nor `in`",
        n - 2
    );
    assert!(errors.iter().any(|e| e.ends_with(&l1)), "{errors:?}");
    let l3 = format!("flows.csv, line {}: row has 2 fields, the header has 10", n);
    assert!(errors.iter().any(|e| e.ends_with(&l3)), "{errors:?}");
}

#[test]
fn bad_synergy_register_names_line_and_field() {
    let dir = copy_geodata();
    let p = dir.path().join("synergies.csv");
    let head = std::fs::read_to_string(&p).unwrap();
    assert_eq!(
        head.trim(),
        "id,title,material,status,actors,started,updated,notes,source"
    );
    std::fs::write(
        &p,
        format!(
            "{head}\
ok,Palettes mutualisées,pallets,étude,angenstein-sa;clipso-productions,2024-02-29,2025-01-15,,test\n\
s1,Statut inconnu,pallets,maybe,angenstein-sa,,,,test\n\
s2,Acteur inconnu,pallets,idea,angenstein-sa;nobody-sarl,,,,test\n\
s3,Matière inconnue,gravel,idea,,,,,test\n\
s4,Libellé au lieu du slug,Palettes bois,idea,,,,,test\n\
s5,Date impossible,pallets,study,,2024-02-30,,,test\n\
s6,Dates inversées,pallets,study,,2025-06,2024-12-01,,test\n\
ok,Doublon,pallets,idea,,,,,test\n\
s7,Ligne courte\n"
        ),
    )
    .unwrap();
    let r = territory::check(dir.path());
    assert_eq!(r.synergies, 9);
    let errors = r.errors;
    let expect = [
        "synergies.csv, line 3, field `status`: unknown status `maybe` (idea, study, negotiation, implemented, abandoned)",
        "synergies.csv, line 4, field `actors`: unknown actor or site `nobody-sarl`",
        "synergies.csv, line 5, field `material`: unknown material `gravel` (known: pallets,",
        "synergies.csv, line 6, field `material`: `Palettes bois` is not a material slug: write `pallets`",
        "synergies.csv, line 7, field `started`: `2024-02-30` is not a date",
        "synergies.csv, line 8, field `updated`: last update `2024-12-01` is before the start `2025-06`",
        "synergies.csv, line 9, field `id`: duplicate id `ok` (first on line 2)",
        "synergies.csv, line 10: row has 2 fields, the header has 9",
    ];
    for e in expect {
        assert!(errors.iter().any(|x| x.contains(e)), "{e}\n{errors:?}");
    }
    assert!(
        !errors.iter().any(|x| x.contains("line 2,")),
        "the good row has no error: {errors:?}"
    );
    assert_eq!(errors.len(), expect.len(), "{errors:?}");
    let out = boucle(&["check", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a bad register fails the check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("synergies            9"), "{text}");
}

/// A file cut in the middle of a row, as a failed copy leaves it.
fn truncate_mid_row(p: &Path, row: usize) {
    let text = std::fs::read_to_string(p).unwrap();
    let start: usize = text.lines().take(row - 1).map(|l| l.len() + 1).sum();
    let line = text.lines().nth(row - 1).unwrap();
    std::fs::write(p, &text[..start + line.len() / 3]).unwrap();
}

#[test]
fn truncated_vehicles_and_emission_factors_name_file_and_line() {
    let dir = copy_geodata();
    truncate_mid_row(&dir.path().join("vehicles.csv"), 4);
    truncate_mid_row(&dir.path().join("emission_factors.csv"), 3);
    let errors = check_errors(dir.path());
    assert!(
        errors.iter().any(|e| e.contains("vehicles.csv, line 4")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("emission_factors.csv, line 3")),
        "{errors:?}"
    );
    // Vehicles whose class has lost its emission factor are named too.
    assert!(
        errors.iter().any(|e| e.contains("vehicles.csv")
            && e.contains("field `vehicle_class`")
            && e.contains("no emission factor for class")),
        "{errors:?}"
    );
    let out = boucle(&["check", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("vehicles.csv, line 4"), "{stdout}");
    // Nothing runs on such a folder: rounds cannot fall back to another vehicle in silence.
    let out = boucle(&[
        "rounds",
        "--material",
        "pallets",
        "--data",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("vehicles.csv, line 4"), "{stderr}");
}

#[test]
fn manifest_defaults_naming_missing_things_are_errors_with_their_line() {
    let dir = copy_geodata();
    let p = dir.path().join("territory.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text
        .replacen(
            "vehicle = \"rigid_19t_tail_lift\"",
            "vehicle = \"rigid_40t\"",
            1,
        )
        .replacen(
            "treatment_site = \"communaute-emmaus-cernay\"",
            "treatment_site = \"no-such-site\"",
            1,
        );
    std::fs::write(&p, &text).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let errors = check_errors(dir.path());
    let vehicle = format!("territory.toml, line {}", line_of("rigid_40t"));
    assert!(
        errors.iter().any(|e| e.contains(&vehicle)
            && e.contains("field `defaults.rounds.")
            && e.contains("unknown vehicle `rigid_40t`")),
        "{errors:?}"
    );
    let site = format!("territory.toml, line {}", line_of("no-such-site"));
    assert!(
        errors.iter().any(|e| e.contains(&site)
            && e.contains(".treatment_site`")
            && e.contains("unknown treatment site `no-such-site`")),
        "{errors:?}"
    );
    assert!(Territory::load(dir.path()).is_err());
}

#[test]
fn a_folder_without_vehicles_uses_the_builtin_ones_and_says_so() {
    let dir = copy_geodata();
    std::fs::remove_file(dir.path().join("vehicles.csv")).unwrap();
    std::fs::remove_file(dir.path().join("emission_factors.csv")).unwrap();
    let t = Territory::load(dir.path()).unwrap();
    assert_eq!(t.vehicles.origin, boucle::territory::DataOrigin::Builtin);
    assert_eq!(t.vehicles.types, load().vehicles.types);
    let r = territory::check(dir.path());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.vehicle_types, 4);
    assert_eq!(r.emission_factors, 4);
}

/// The vehicle size columns (`weight_t`, `height_m`, `length_m`, `axle_load_t`) are optional: a
/// file without them stays valid; a value out of range or not a number is reported by
/// `boucle check` with its file, line and field.
#[test]
fn vehicle_size_columns_are_optional_and_checked_with_file_line_and_field() {
    let t = load();
    let v = t.vehicles.get("rigid_19t_tail_lift").unwrap();
    assert_eq!(
        (v.weight_t, v.height_m, v.length_m, v.axle_load_t),
        (Some(19.0), Some(3.8), Some(10.0), Some(11.5))
    );
    let check = |dir: &Path| boucle(&["check", "--data", dir.to_str().unwrap()]);
    // Without the four columns (the last of each line): valid, sizes unset.
    let dir = copy_geodata();
    let p = dir.path().join("vehicles.csv");
    let old: String = std::fs::read_to_string(&p)
        .unwrap()
        .lines()
        .map(|l| format!("{}\n", l.rsplitn(5, ',').last().unwrap()))
        .collect();
    let header = old.lines().next().unwrap();
    assert!(
        header.starts_with("id,") && header.ends_with(",cost_per_hour_eur_high"),
        "{header}"
    );
    std::fs::write(&p, &old).unwrap();
    let out = check(dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let t = Territory::load(dir.path()).unwrap();
    assert!(t.vehicles.types.iter().all(|v| v.road_limits().is_unset()));
    // A 40 m high truck, a weight that is not a number.
    for (from, to, field) in [
        (
            "19,3.8,10.0,11.5",
            "19,40,10.0,11.5",
            "line 4, field `height_m`: 40 is outside the accepted range (0, 10]",
        ),
        (
            "19,3.8,10.0,11.5",
            "heavy,3.8,10.0,11.5",
            "line 4, field `weight_t`",
        ),
        (
            "3.5,2.7,6.0,2.0",
            "3.5,2.7,-6,2.0",
            "line 2, field `length_m`",
        ),
    ] {
        let dir = copy_geodata();
        let p = dir.path().join("vehicles.csv");
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from));
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
        let out = check(dir.path());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains(&format!("vehicles.csv, {field}")), "{text}");
    }
}

/// `[[viewer.base_maps]]` in territory.toml: read as written; a URL without `{z}/{x}/{y}`, a
/// duplicate id, a zoom above 22 or more than 10 base maps refused with the file and the field.
#[test]
fn viewer_base_maps_read_and_checked() {
    let base = "name = \"T\"\n";
    let one = |id: &str, url: &str, extra: &str| {
        format!(
            "[[viewer.base_maps]]\nid = \"{id}\"\nlabel = \"Plan\"\nurl = \"{url}\"\nattribution = \"IGN\"\n{extra}"
        )
    };
    let parse = |text: &str| territory::Manifest::parse(Path::new("territory.toml"), text);
    let ok = parse(&format!(
        "{base}{}{}",
        one(
            "plan",
            "https://x.example/{z}/{x}/{y}.png",
            "max_zoom = 18\n"
        ),
        one("osm", "https://tile.example/{z}/{x}/{y}.png", "")
    ))
    .expect("two base maps accepted");
    let ids: Vec<&str> = ok.viewer.base_maps.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["plan", "osm"]);
    assert_eq!(ok.viewer.base_maps[0].max_zoom, Some(18));
    assert!(parse(base).unwrap().viewer.base_maps.is_empty());
    for (text, field) in [
        (one("a", "https://x.example/tiles.png", ""), "url"),
        (one("a", "ftp://x.example/{z}/{x}/{y}", ""), "url"),
        (
            one("a", "https://x/{z}/{x}/{y}", "max_zoom = 30\n"),
            "max_zoom",
        ),
        (
            format!(
                "{}{}",
                one("a", "https://x/{z}/{x}/{y}", ""),
                one("a", "https://y/{z}/{x}/{y}", "")
            ),
            "id",
        ),
        (
            (0..11)
                .map(|i| one(&format!("m{i}"), "https://x/{z}/{x}/{y}", ""))
                .collect::<String>(),
            "base_maps",
        ),
    ] {
        let e = parse(&format!("{base}{text}")).unwrap_err().to_string();
        assert!(
            e.contains("territory.toml") && e.contains(field),
            "{field}: {e}"
        );
    }
}
