//! `boucle import territory` from a small sources folder written by the test, with commune
//! boundaries as a Lambert-93 ADMIN EXPRESS-like shapefile; shapefile round trip; missing .prj.

use crate::common::{boucle, load};

use std::path::Path;

use boucle::io::shapefile::{Crs, read_polygons, write_polygons};
use boucle::territory::Territory;
use geo::HausdorffDistance;

/// Thann, Vieux-Thann, Aspach-Michelbach (a 2016 merger) and Cernay.
const CODES: [&str; 4] = ["68334", "68348", "68012", "68063"];

fn write_commune_shp(dir: &Path, crs: Crs) -> std::path::PathBuf {
    let t = load();
    let shp = dir.join("COMMUNE.shp");
    let records: Vec<(Vec<String>, geo::MultiPolygon<f64>)> = CODES
        .iter()
        .map(|code| {
            let c = t.commune(code).unwrap();
            (
                vec![c.insee.clone(), c.name.to_uppercase()],
                c.geometry.clone(),
            )
        })
        .collect();
    write_polygons(&shp, crs, &["INSEE_COM", "NOM"], &records).unwrap();
    shp
}

#[test]
fn lambert93_shapefile_round_trips_to_the_same_wgs84_geometry() {
    let t = load();
    let dir = tempfile::tempdir().unwrap();
    let shp = write_commune_shp(dir.path(), Crs::Lambert93);
    let prj = std::fs::read_to_string(shp.with_extension("prj")).unwrap();
    assert!(prj.contains("Lambert_93"));
    let back = read_polygons(&shp).unwrap();
    assert_eq!(back.len(), CODES.len());
    for r in &back {
        let code = &r.attributes["INSEE_COM"];
        let original = &t.commune(code).unwrap().geometry;
        let d = original.hausdorff_distance(&r.geometry);
        assert!(d < 1e-7, "{code}: Hausdorff distance {d}°");
        // Coordinates really went through Lambert-93: the .shp holds metres.
        let raw = shapefile::read_shapes(&shp).unwrap();
        if let shapefile::Shape::Polygon(p) = &raw[r.index] {
            let x = p.rings()[0].points()[0].x;
            assert!(x > 900_000.0 && x < 1_100_000.0, "L93 easting {x}");
        } else {
            panic!("not a polygon");
        }
    }
}

#[test]
fn missing_prj_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_commune_shp(dir.path(), Crs::Lambert93);
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let e = read_polygons(&shp).unwrap_err().to_string();
    assert!(
        e.contains("COMMUNE.shp") && e.contains("missing .prj file"),
        "{e}"
    );
    std::fs::write(
        shp.with_extension("prj"),
        "PROJCS[\"WGS 84 / UTM zone 32N\"]",
    )
    .unwrap();
    let e = read_polygons(&shp).unwrap_err().to_string();
    assert!(
        e.contains("COMMUNE.prj") && e.contains("unsupported coordinate system"),
        "{e}"
    );
}

fn write_sources(dir: &Path) {
    let w = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "communes/decoupage-administratif-6.0.0_communes-68.json",
        r#"[
 {"code":"68334","nom":"Thann","type":"commune-actuelle","codesPostaux":["68800"],"population":7762},
 {"code":"68348","nom":"Vieux-Thann","type":"commune-actuelle","codesPostaux":["68800"],"population":2866},
 {"code":"68012","nom":"Aspach-Michelbach","type":"commune-actuelle","codesPostaux":["68700"],"population":1747,"anciensCodes":["68206"]},
 {"code":"68206","nom":"Michelbach","type":"commune-deleguee"},
 {"code":"68063","nom":"Cernay","type":"commune-actuelle","codesPostaux":["68700"],"population":12057}
]"#,
    );
    w(
        "communes/pays_thur_doller_epci.json",
        r#"[{"code":"200036465","nom":"CC de Thann-Cernay","membres":[{"code":"68334"},{"code":"68348"},{"code":"68012"}]}]"#,
    );
    w(
        "business_parks/zones_activites_pays_thur_doller.csv",
        "nom,communes,ref_commune,insee_ref,lat,lon,location_method,epci_siren,surface_ha,nb_entreprises,nb_emplois,remarques,sources,confiance\n\
         Plate-forme chimique,Thann;Vieux-Thann,Vieux-Thann,68348,,,x,200036465,12,2+,,,https://example.org/a,ok\n\
         ZI de Cernay (voisine),Cernay,Cernay,68063,,,x,,\"52 (16,5 disponibles)\",,,,https://example.org/b,ok\n",
    );
    w(
        "waste/waste_and_reuse_sites.csv",
        "nom,type,commune,insee,adresse,lat,lon,location_method,operateur,remarques,sources,confiance\n\
         Broyeur,recycleur privé (bois),Thann,68334,inconnue,,,x,Op,Broyeur de bois; papier/carton,https://example.org/c,ok\n",
    );
    w(
        "companies/pilot_companies_pays_thur_doller.csv",
        "nom_document_projet,commune,insee,adresse,secteur,naf_guess_unverified,effectif_approx,remarques,sources,lat,lon,location_method,confiance\n\
         ACME CHIMIE,Thann,68334,UNKNOWN,Chimie,20.13B (guess),~100 (2020),,https://example.org/d,,,x,ok\n\
         MYSTERY,UNKNOWN,,UNKNOWN,UNKNOWN,,,,,,,unknown,rien\n",
    );
}

#[test]
fn import_from_sources_with_an_admin_express_shapefile() {
    let src = tempfile::tempdir().unwrap();
    write_sources(src.path());
    let shp = write_commune_shp(src.path(), Crs::Lambert93);
    let out = tempfile::tempdir().unwrap();
    let o = boucle(&[
        "import",
        "territory",
        "--sources",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--boundaries",
        shp.to_str().unwrap(),
        "--name",
        "Test",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["communes"], 3);
    assert_eq!(summary["population"], 7762 + 2866 + 1747);
    assert_eq!(summary["actors"], 2);
    assert_eq!(summary["actors_unlocated"], 1);

    let o = boucle(&["check", "--json", "--data", out.path().to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(o.status.success(), "{report}");
    assert_eq!(report["communes"], 3);
    assert_eq!(report["actors_located"], 1);

    let t = Territory::load(out.path()).unwrap();
    assert_eq!(t.epcis[0].members.len(), 3);
    assert_eq!(t.epcis[0].population, 7762 + 2866 + 1747);
    let cernay_park = t
        .parks
        .iter()
        .find(|p| p.name.starts_with("ZI de Cernay"))
        .unwrap();
    assert!(
        !cernay_park.in_territory,
        "Cernay is not a member here: kept, flagged"
    );
    assert_eq!(cernay_park.free_ha, Some(16.5));
    assert_eq!(
        t.sites[0].accepts,
        vec!["pallets", "wood", "paper_cardboard"]
    );
    let acme = t.actor("acme-chimie").unwrap();
    assert_eq!(acme.naf.as_deref(), Some("20.13B"));
    assert!(!acme.naf_verified);
    let flows: Vec<_> = t
        .flows
        .iter()
        .filter(|f| f.holder == "acme-chimie")
        .collect();
    assert_eq!(flows.len(), 3, "pallets, paper/cardboard, big-bags");
    assert_eq!(flows[0].quantity, 400.0, "4 pallets/employee × 100");
    assert!(flows.iter().all(|f| f.estimate));
    assert!(out.path().join("SOURCES.md").is_file());

    // Default vehicle types and emission factors are written, and a re-import keeps the
    // officer's edits.
    let vehicles = out.path().join("vehicles.csv");
    assert_eq!(
        std::fs::read_to_string(&vehicles).unwrap(),
        boucle::territory::vehicles::DEFAULT_VEHICLES_CSV
    );
    assert!(out.path().join("emission_factors.csv").is_file());
    let edited = boucle::territory::vehicles::DEFAULT_VEHICLES_CSV.replace(",0.60,", ",0.65,");
    std::fs::write(&vehicles, &edited).unwrap();
    let o = boucle(&[
        "import",
        "territory",
        "--sources",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--boundaries",
        shp.to_str().unwrap(),
        "--name",
        "Test",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&vehicles).unwrap(), edited);
    let t = Territory::load(out.path()).unwrap();
    assert_eq!(
        t.manifest.defaults.rounds["pallets"].vehicle.as_deref(),
        Some("rigid_19t_tail_lift")
    );
}

#[test]
fn import_errors_name_the_source_file() {
    let src = tempfile::tempdir().unwrap();
    write_sources(src.path());
    std::fs::write(
        src.path().join("communes/pays_thur_doller_epci.json"),
        r#"[{"code":"200036465","nom":"CC","membres":[{"code":"68999"}]}]"#,
    )
    .unwrap();
    let shp = write_commune_shp(src.path(), Crs::Wgs84);
    let out = tempfile::tempdir().unwrap();
    let o = boucle(&[
        "import",
        "territory",
        "--sources",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--boundaries",
        shp.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("pays_thur_doller_epci.json") && e.contains("68999"),
        "{e}"
    );
    assert!(
        !out.path().join("territory.toml").exists(),
        "nothing written on error"
    );
}

#[test]
fn import_over_measured_flows_or_manual_positions_refuses_unless_forced() {
    let src = tempfile::tempdir().unwrap();
    write_sources(src.path());
    let shp = write_commune_shp(src.path(), Crs::Lambert93);
    let out = tempfile::tempdir().unwrap();
    let run = |force: bool| {
        let mut args = vec![
            "import",
            "territory",
            "--sources",
            src.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--boundaries",
            shp.to_str().unwrap(),
            "--name",
            "Test",
        ];
        if force {
            args.push("--force");
        }
        boucle(&args)
    };
    assert!(run(false).status.success());
    std::fs::write(out.path().join("synergies.csv"), "kept by the import\n").unwrap();
    let flows = out.path().join("flows.csv");
    let text = std::fs::read_to_string(&flows).unwrap();
    let measured = text.replacen(",true,", ",false,", 1);
    assert_ne!(measured, text, "a demonstration flow to mark as measured");
    std::fs::write(&flows, &measured).unwrap();
    let o = run(false);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("1 measured flow(s) in flows.csv") && e.contains("use --force"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(&flows).unwrap(),
        measured,
        "untouched"
    );
    let o = run(true);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("--force: 1 measured flow(s)"));
    assert_eq!(std::fs::read_to_string(&flows).unwrap(), text);
    assert_eq!(
        std::fs::read_to_string(out.path().join("synergies.csv")).unwrap(),
        "kept by the import\n",
        "files the import does not write are kept"
    );
    let parent = out.path().parent().unwrap();
    let name = out
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let leftovers: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!(".{name}."))
        })
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left");
}

#[test]
fn import_keeps_former_communes_the_boundaries_source_and_ccw_rings() {
    use geo::Winding;
    let src = tempfile::tempdir().unwrap();
    write_sources(src.path());
    // the COG's delegated communes, with their chef-lieu
    std::fs::write(
        src.path()
            .join("communes/decoupage-administratif-6.0.0_communes-68.json"),
        r#"[
 {"code":"68334","nom":"Thann","type":"commune-actuelle","codesPostaux":["68800"],"population":7762},
 {"code":"68348","nom":"Vieux-Thann","type":"commune-actuelle","codesPostaux":["68800"],"population":2866},
 {"code":"68012","nom":"Aspach-Michelbach","type":"commune-actuelle","codesPostaux":["68700"],"population":1747,"anciensCodes":["68206"]},
 {"code":"68012","nom":"Aspach-le-Haut","type":"commune-deleguee","chefLieu":"68012"},
 {"code":"68206","nom":"Michelbach","type":"commune-deleguee","chefLieu":"68012"},
 {"code":"68063","nom":"Cernay","type":"commune-actuelle","codesPostaux":["68700"],"population":12057}
]"#,
    )
    .unwrap();
    let shp = write_commune_shp(src.path(), Crs::Lambert93);
    let out = tempfile::tempdir().unwrap();
    let o = boucle(&[
        "import",
        "territory",
        "--sources",
        src.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--boundaries",
        shp.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = Territory::load(out.path()).unwrap();
    let am = t.commune("68012").unwrap();
    let names: Vec<&str> = am.former_communes.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Aspach-le-Haut", "Michelbach"]);
    assert!(am.population_vintage.contains("2022"), "{am:?}");
    for c in &t.communes {
        assert!(
            c.source.contains("COMMUNE.shp") || c.source.contains(".shp"),
            "{}",
            c.source
        );
        assert!(!c.source.contains("france-geojson"), "{}", c.source);
    }
    let sources = std::fs::read_to_string(out.path().join("SOURCES.md")).unwrap();
    assert!(
        sources.contains(".shp") && !sources.contains("france-geojson"),
        "{sources}"
    );
    // every outer ring written counter-clockwise (RFC 7946), as read back from the files
    let text = std::fs::read_to_string(out.path().join("communes.geojson")).unwrap();
    let gj: geojson::FeatureCollection = text.parse().unwrap();
    for f in gj.features {
        let g: geo::Geometry<f64> = f.geometry.unwrap().try_into().unwrap();
        let mp: geo::MultiPolygon<f64> = g.try_into().unwrap();
        for p in mp {
            assert!(p.exterior().is_ccw());
        }
    }
    for m in &t.materials {
        assert!(
            !m.weights_source.is_empty(),
            "{} has no weights source",
            m.slug
        );
    }
    // the territory geocoder knows the delegated communes
    let g = boucle::cli::geocode::territory_geocoder(&t).unwrap();
    let r = g.geocode("Michelbach").unwrap();
    assert_eq!(r.insee, "68012");
    assert_eq!(
        r.former_commune_text().as_deref(),
        Some("Michelbach, commune déléguée d'Aspach-Michelbach")
    );
}

#[test]
fn repository_communes_have_ccw_rings_vintage_and_former_communes() {
    use geo::Winding;
    let t = crate::common::load();
    for c in &t.communes {
        for p in &c.geometry {
            assert!(p.exterior().is_ccw(), "{}", c.insee);
        }
        assert!(!c.population_vintage.is_empty(), "{}", c.insee);
    }
    let hs = t.commune("68219").unwrap();
    assert!(
        hs.former_communes
            .iter()
            .any(|f| f.name == "Soppe-le-Haut" && f.insee == "68314")
    );
    // the file itself, not only what the reader makes of it
    let text = std::fs::read_to_string(crate::common::geodata().join("communes.geojson")).unwrap();
    let gj: geojson::FeatureCollection = text.parse().unwrap();
    for f in gj.features {
        let g: geo::Geometry<f64> = f.geometry.unwrap().try_into().unwrap();
        let mp: geo::MultiPolygon<f64> = g.try_into().unwrap();
        assert!(mp.iter().all(|p| p.exterior().is_ccw()));
    }
}
