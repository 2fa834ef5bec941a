//! The CNIG "Sites économiques" standard: SITE-ECO / TERRAIN-ECO / POLE-ECO import into the
//! parks (outlines: the park of a point is a polygon test), export valid against the schema
//! (a trimmed copy in tests/data/cnig/), and the round trip import → export.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use boucle::spatial::SpatialIndex;
use boucle::territory::Territory;
use serde_json::Value;

use crate::common::{boucle_in, copy_geodata, ok};

fn schema() -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cnig/site-eco.schema.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn field_names(schema: &Value) -> Vec<String> {
    schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A `;` CSV with the schema's columns from rows given as (field, value) lists.
fn csv_of(columns: &[String], rows: &[Vec<(&str, &str)>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    w.write_record(columns).unwrap();
    for r in rows {
        let m: HashMap<&str, &str> = r.iter().copied().collect();
        w.write_record(
            columns
                .iter()
                .map(|c| m.get(c.as_str()).copied().unwrap_or("")),
        )
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn read_rows(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .collect();
    (headers, rows)
}

// A business park in Cernay (outline counter-clockwise, WGS84) and one in Thann; the first
// updates the existing park of the same name.
const CERNAY_OUTLINE: &str = r#"{"type":"Polygon","coordinates":[[[7.17,47.8],[7.18,47.8],[7.18,47.806],[7.17,47.806],[7.17,47.8]]]}"#;
const THANN_OUTLINE: &str = r#"{"type":"Polygon","coordinates":[[[7.09,47.805],[7.095,47.805],[7.095,47.809],[7.09,47.809],[7.09,47.805]]]}"#;

fn site_rows() -> Vec<Vec<(&'static str, &'static str)>> {
    let common = |v: &mut Vec<(&'static str, &'static str)>| {
        v.extend([
            ("site_type", "zone d'activité économique"),
            ("site_etat", "existant et actif"),
            ("site_identif_date", "2023-05-02"),
            ("site_actu_date", "2024-01-15"),
            ("site_epci_nom", "CC de Thann-Cernay"),
            ("site_epci_siren", "200036465"),
            ("site_moa_type", "epci"),
            ("source_producteur", "CC de Thann-Cernay"),
        ]);
    };
    let mut a = vec![
        ("site_id", "68063_SITE-ECO_00001"),
        ("pole_id", "68063_POLE-ECO_00001"),
        ("site_nom", "Zone industrielle de Cernay"),
        ("site_vocadomi", "industrielle"),
        ("site_surf_brute", "52.5"),
        ("site_surf_utile", "41"),
        ("site_creation_date", "1968"),
        ("site_comm_nom", "Cernay"),
        ("site_comm_insee", "68063"),
        ("site_url", "https://www.example.org/zi-cernay"),
        ("site_nb_etab", "42"),
        ("site_nb_emploi", "1150"),
        ("site_geomsurf", CERNAY_OUTLINE),
        ("site_geompoint", "7.175, 47.803"),
        ("reseau_gaz", "oui"),
        ("reseau_fret_ferroviaire", "non"),
        ("autoroute_nom", "A36"),
        ("autoroute_echang_dist", "6.5"),
    ];
    common(&mut a);
    let mut b = vec![
        ("site_id", "68334_SITE-ECO_00002"),
        ("pole_id", "68063_POLE-ECO_00001"),
        ("site_nom", "Parc d'activités du Steinby"),
        ("site_vocadomi", "mixte"),
        ("site_surf_brute", "12"),
        ("site_surf_utile", "9.5"),
        ("site_comm_nom", "Thann"),
        ("site_comm_insee", "68334"),
        ("site_geomsurf", THANN_OUTLINE),
        ("site_surf_comm_dispo", "1.25"),
    ];
    common(&mut b);
    vec![a, b]
}

const TERRAIN: &str = "terr_id;site_id;terr_refcad;terr_surf_brute;terr_utile;terr_identif_date;terr_actu_date;terr_maitrise_fonc;terr_stade_amngt;terr_stade_comm;terr_etat_occup;terr_usage;terr_url_cartofriches;terr_geomsurf;terr_cle_en_main;terr_acquereur;terr_cession_date;terr_vente_montant;terr_m2_prix
68063_TERRAIN-ECO_00001;68063_SITE-ECO_00001;68063000AB0012;2,5;oui;2023-05-02;2024-01-15;structure intercommunale;viabilisé et aménagé;en vente;inoccupé;dépôt, stockage;;\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[7.171,47.801],[7.173,47.801],[7.173,47.802],[7.171,47.802],[7.171,47.801]]]}\";non;;;;
68063_TERRAIN-ECO_00002;68063_SITE-ECO_00001;;1;oui;2023-05-02;2024-01-15;commune;viabilisé et aménagé;vendu, commercialisation achevée;occupé;bâti productif;;;oui;SARL Exemple;2022-03-01;120000;12
";

fn import(dir: &Path, files: &[(&str, String)], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["parks".to_owned(), "import-cnig".to_owned()];
    // Received files sit outside the territory folder (its own sites.csv must stay).
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for (name, text) in files {
        let p = inbox.join(name);
        std::fs::write(&p, text).unwrap();
        args.push(p.display().to_string());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    boucle_in(dir, &args)
}

/// A value checked against a Table Schema field: type, format, enum, pattern.
fn check_value(field: &Value, v: &str) -> Result<(), String> {
    let name = field["name"].as_str().unwrap();
    match field["type"].as_str().unwrap() {
        "string" => {}
        "number" => {
            v.parse::<f64>()
                .map_err(|_| format!("{name}: `{v}` is not a number"))?;
        }
        "date" => {
            let ok = match field["format"].as_str() {
                Some("%Y") => v.len() == 4 && v.chars().all(|c| c.is_ascii_digit()),
                _ => {
                    v.len() == 10
                        && v.chars().enumerate().all(|(i, c)| {
                            if i == 4 || i == 7 {
                                c == '-'
                            } else {
                                c.is_ascii_digit()
                            }
                        })
                }
            };
            if !ok {
                return Err(format!(
                    "{name}: `{v}` is not a date of format {}",
                    field["format"]
                ));
            }
        }
        "geojson" => {
            let g: Value = serde_json::from_str(v).map_err(|e| format!("{name}: not JSON: {e}"))?;
            let t = g["type"].as_str().unwrap_or("");
            if !["Polygon", "MultiPolygon"].contains(&t) || !g["coordinates"].is_array() {
                return Err(format!("{name}: not a (multi)polygon geometry: {v}"));
            }
        }
        "geopoint" => {
            let parts: Vec<f64> = v.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            if parts.len() != 2
                || !(-180.0..=180.0).contains(&parts[0])
                || !(-90.0..=90.0).contains(&parts[1])
            {
                return Err(format!("{name}: `{v}` is not a geopoint `lon, lat`"));
            }
        }
        other => return Err(format!("{name}: unknown type {other}")),
    }
    let enums = field["constraints"]["enum"]
        .as_array()
        .or_else(|| field["enum"].as_array());
    if let Some(values) = enums
        && !values.iter().any(|e| e.as_str() == Some(v))
    {
        return Err(format!("{name}: `{v}` is not one of {values:?}"));
    }
    if let Some(p) = field["constraints"]["pattern"].as_str() {
        let re = regex::Regex::new(p).unwrap();
        if !re.is_match(v) {
            return Err(format!("{name}: `{v}` does not match {p}"));
        }
    }
    Ok(())
}

fn numbers_equal(a: &str, b: &str) -> bool {
    let f = |s: &str| s.replace(',', ".").parse::<f64>().ok();
    matches!((f(a), f(b)), (Some(x), Some(y)) if (x - y).abs() < 1e-9)
}

fn coordinates(v: &str) -> Vec<f64> {
    fn walk(v: &Value, out: &mut Vec<f64>) {
        match v {
            Value::Number(n) => out.push(n.as_f64().unwrap()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let g: Value = serde_json::from_str(v).unwrap();
    let mut out = Vec::new();
    walk(&g["coordinates"], &mut out);
    out
}

#[test]
fn site_eco_round_trip_and_schema_validation() {
    let schema = schema();
    let columns = field_names(&schema);
    let dir = copy_geodata();
    let before = Territory::load(dir.path()).unwrap();
    let input = csv_of(&columns, &site_rows());
    let out = import(
        dir.path(),
        &[
            ("terrain.csv", TERRAIN.to_owned()),
            ("sites.csv", input.clone()),
        ],
        &[],
    );
    let text = ok(&out);
    assert!(
        text.contains("~ park zone-industrielle-de-cernay (same name"),
        "{text}"
    );
    assert!(
        text.contains("+ park parc-d-activites-du-steinby"),
        "{text}"
    );
    assert!(
        text.contains("+ plot 68063_TERRAIN-ECO_00001 in park zone-industrielle-de-cernay"),
        "{text}"
    );

    let t = Territory::load(dir.path()).unwrap();
    assert_eq!(t.parks.len(), before.parks.len() + 1);
    let zi = t.park("zone-industrielle-de-cernay").unwrap();
    assert_eq!(zi.precision.as_str(), "park");
    assert_eq!(zi.area_ha, Some(52.5));
    assert_eq!(zi.free_ha, Some(2.5), "the plot on sale, 2,5 ha");
    assert_eq!(zi.companies.as_deref(), Some("42"));
    assert!(zi.outline.is_some());
    assert!(
        zi.source.contains("SITE-ECO 68063_SITE-ECO_00001"),
        "{}",
        zi.source
    );
    // The park of a point is a polygon test: inside the outline, this park even though
    // another park's position is nearer; outside, the nearest-position answer.
    let index = SpatialIndex::new(&t);
    let inside = index.locate(7.1795, 47.8058);
    let park = inside.park.unwrap();
    assert_eq!(park.id, "zone-industrielle-de-cernay");
    assert!(park.inside);
    assert_eq!(park.distance_m, 0.0);
    let steinby = index.locate(7.0925, 47.807).park.unwrap();
    assert_eq!(
        (steinby.id.as_str(), steinby.inside),
        ("parc-d-activites-du-steinby", true)
    );
    let outside = index.locate(7.1795, 47.81).park;
    assert!(outside.is_none_or(|p| !p.inside));

    // Export: the schema's columns in order, every value valid, required fields present for
    // the imported sites; the parks that never came from the standard have their missing
    // required fields listed as warnings.
    let export = dir.path().join("export.csv");
    let out = boucle_in(
        dir.path(),
        &[
            "parks",
            "export",
            "--format",
            "cnig-site-eco",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let exported = std::fs::read_to_string(&export).unwrap();
    let (headers, rows) = read_rows(&exported);
    assert_eq!(headers, columns);
    assert_eq!(rows.len(), t.parks.len());
    let fields = schema["fields"].as_array().unwrap();
    let missing: Vec<&str> = schema["missingValues"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut ids = std::collections::HashSet::new();
    for row in &rows {
        assert!(
            ids.insert(row["site_id"].clone()),
            "primary key site_id unique"
        );
        let imported = row["site_id"].starts_with("68063_SITE-ECO_0000")
            || row["site_id"].starts_with("68334_SITE-ECO_0000");
        for f in fields {
            let name = f["name"].as_str().unwrap();
            let required = f["constraints"]["required"].as_bool().unwrap_or(false);
            match row.get(name).filter(|v| !missing.contains(&v.as_str())) {
                Some(v) => check_value(f, v).unwrap_or_else(|e| panic!("{}: {e}", row["site_id"])),
                None if required && imported => {
                    panic!("{}: required {name} missing", row["site_id"])
                }
                None if required => {
                    let park = row["site_id"].split("_SITE-ECO_").nth(1).unwrap();
                    assert!(
                        stderr.contains(&format!("{park}: required field {name} has no value")),
                        "{park}: {name} missing without warning: {stderr}"
                    );
                }
                None => {}
            }
        }
    }
    // Round trip: every field of the input comes back equal (numbers as numbers, the outline as
    // the same coordinates).
    let (_, inputs) = read_rows(&input);
    for i in &inputs {
        let o = rows
            .iter()
            .find(|r| r["site_id"] == i["site_id"])
            .unwrap_or_else(|| panic!("{} not exported", i["site_id"]));
        for (k, v) in i {
            let w = o
                .get(k)
                .unwrap_or_else(|| panic!("{}: {k} lost", i["site_id"]));
            let ty = fields.iter().find(|f| f["name"] == k.as_str()).unwrap()["type"].clone();
            match ty.as_str().unwrap() {
                "number" => assert!(numbers_equal(v, w), "{k}: {v} → {w}"),
                "geojson" => {
                    let (a, b) = (coordinates(v), coordinates(w));
                    assert_eq!(a.len(), b.len(), "{k}");
                    assert!(
                        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-7),
                        "{k}: {v} → {w}"
                    );
                }
                _ => assert_eq!(v, w, "{}: {k}", i["site_id"]),
            }
        }
    }

    // The export as GeoJSON imports into another copy and exports the same records.
    let gj = dir.path().join("export.geojson");
    ok(&boucle_in(
        dir.path(),
        &["parks", "export", "--out", gj.to_str().unwrap()],
    ));
    let other = copy_geodata();
    let sites_only = {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&gj).unwrap()).unwrap();
        let features: Vec<Value> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["properties"]["site_id"]
                    .as_str()
                    .unwrap()
                    .contains("_SITE-ECO_0000")
            })
            .cloned()
            .collect();
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
    };
    ok(&import(other.path(), &[("sites.geojson", sites_only)], &[]));
    let again = boucle_in(other.path(), &["parks", "export"]);
    let (_, rows2) = read_rows(&ok(&again));
    for i in &inputs {
        let a = rows.iter().find(|r| r["site_id"] == i["site_id"]).unwrap();
        let b = rows2.iter().find(|r| r["site_id"] == i["site_id"]).unwrap();
        for (k, v) in a {
            if k == "site_geomsurf" {
                assert!(
                    coordinates(v)
                        .iter()
                        .zip(coordinates(&b[k]))
                        .all(|(x, y)| (x - y).abs() < 1e-7)
                );
            } else if k != "site_surf_comm_dispo" {
                // (free land came from the plots, not imported into this copy)
                assert_eq!(Some(v), b.get(k), "{k}");
            }
        }
    }

    // The plots come back as TERRAIN-ECO.
    let plots = ok(&boucle_in(
        dir.path(),
        &["parks", "export", "--format", "cnig-terrain-eco"],
    ));
    let (_, prow) = read_rows(&plots);
    let (_, pin) = read_rows(TERRAIN);
    assert_eq!(prow.len(), 2);
    for (a, b) in pin.iter().zip(&prow) {
        for (k, v) in a {
            if k == "terr_geomsurf" {
                assert!(
                    coordinates(v)
                        .iter()
                        .zip(coordinates(&b[k]))
                        .all(|(x, y)| (x - y).abs() < 1e-7)
                );
            } else {
                assert_eq!(Some(v), b.get(k), "{k}");
            }
        }
    }
}

#[test]
fn lambert93_outlines_bad_values_dry_run_and_ambiguous_names() {
    let columns = field_names(&schema());
    let dir = copy_geodata();
    let before_parks = std::fs::read(dir.path().join("parks.csv")).unwrap();
    // Lambert-93 outline whose ring is closed to 7 mm only (as in the standard's own example),
    // a bad number, a bad date.
    let l93 = r#"{"type": "Polygon", "coordinates": [[[1012000.00,6752400.00],[1012500,6752400],[1012500,6752800],[1012000.007,6752400.00]]]}"#;
    let rows = vec![
        vec![
            ("site_id", "X_1"),
            ("pole_id", "P"),
            ("site_nom", "ZA Lambert"),
            ("site_comm_insee", "68063"),
            ("site_geomsurf", l93),
        ],
        vec![
            ("site_id", "X_2"),
            ("pole_id", "P"),
            ("site_nom", "ZA Nombre"),
            ("site_surf_brute", "-3"),
        ],
        vec![
            ("site_id", "X_3"),
            ("pole_id", "P"),
            ("site_nom", "ZA Date"),
            ("site_identif_date", "2023-02-30"),
        ],
    ];
    let out = import(
        dir.path(),
        &[("l93.csv", csv_of(&columns, &rows))],
        &["--dry-run"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "rejected records make the exit code 1"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("outlines in Lambert-93"), "{stdout}");
    assert!(stdout.contains("+ park za-lambert"), "{stdout}");
    assert!(stdout.contains("dry run: nothing written"), "{stdout}");
    assert!(
        stderr.contains("l93.csv, line 3, field `site_surf_brute`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("l93.csv, line 4, field `site_identif_date`"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("parks.csv")).unwrap(),
        before_parks
    );
    assert!(!dir.path().join("parks.geojson").exists());

    // Written for real: the outline lies in Cernay, in WGS84.
    ok(&import(
        dir.path(),
        &[("l93b.csv", csv_of(&columns, &rows[..1]))],
        &[],
    ));
    let t = Territory::load(dir.path()).unwrap();
    let p = t.park("za-lambert").unwrap();
    let c = p.position.unwrap();
    assert!(
        (7.0..7.4).contains(&c.x()) && (47.6..48.1).contains(&c.y()),
        "{c:?}"
    );

    // Two parks of the same name: listed for review, neither changed.
    let parks = std::fs::read_to_string(dir.path().join("parks.csv")).unwrap();
    let dup = parks
        .lines()
        .find(|l| l.starts_with("zone-commerciale-de-la-croisiere,"))
        .unwrap()
        .replacen(
            "zone-commerciale-de-la-croisiere",
            "zone-commerciale-de-la-croisiere-bis",
            1,
        );
    std::fs::write(dir.path().join("parks.csv"), format!("{}{dup}\n", parks)).unwrap();
    let rows = vec![vec![
        ("site_id", "Y_1"),
        ("pole_id", "P"),
        ("site_nom", "Zone commerciale de la Croisière"),
        ("site_comm_insee", "68063"),
    ]];
    let out = import(dir.path(), &[("dup.csv", csv_of(&columns, &rows))], &[]);
    let text = ok(&out);
    assert!(
        text.contains("? to review:") && text.contains("zone-commerciale-de-la-croisiere-bis"),
        "{text}"
    );
    let t = Territory::load(dir.path()).unwrap();
    assert!(t.parks.iter().all(|p| {
        p.cnig
            .as_ref()
            .is_none_or(|c| c.fields.get("site_id").map(String::as_str) != Some("Y_1"))
    }));
}
