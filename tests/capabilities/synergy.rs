//! Synergy matching through the vocabulary, candidate matches on the default territory, and the
//! synergy register (record, list, bad lines).

use crate::common::{boucle_in, copy_geodata, geodata};

use std::path::Path;

use boucle::synergy;
use boucle::territory::register::{self, Recorded};
use boucle::territory::vocabulary::{Via, normalize, normalize_ewc};
use boucle::territory::{MatchReason, Status, Synergy, Territory, Vocabulary, files};

fn vocab() -> Vocabulary {
    let r = files::read_materials(&geodata().join("materials.csv"));
    assert!(r.errors.is_empty());
    Vocabulary::new(&r.records)
}

#[test]
fn normalisation_folds_accents_case_and_punctuation() {
    assert_eq!(normalize("  Métaux / FERRAILLES "), "metaux ferrailles");
    assert_eq!(normalize("Papier-Carton"), "papier carton");
    assert_eq!(normalize_ewc("150103").as_deref(), Some("15 01 03"));
    assert_eq!(normalize_ewc("15.01.03*").as_deref(), Some("15 01 03"));
    assert_eq!(normalize_ewc("15 01"), None);
    assert_eq!(normalize_ewc("carton"), None);
}

#[test]
fn terms_resolve_by_slug_ewc_code_synonym_and_family() {
    let v = vocab();
    let r = v.resolve("pallets").unwrap();
    assert_eq!((r.slug.as_deref(), r.via), (Some("pallets"), Via::Slug));
    let r = v.resolve("15.01.03").unwrap();
    assert_eq!(r.slug.as_deref(), Some("pallets"));
    assert_eq!(r.via, Via::Ewc("15 01 03".into()));
    // Accents and case ignored; the synonym is reported as written in materials.csv.
    let r = v.resolve("FILMS ETIRABLES").unwrap();
    assert_eq!(r.slug.as_deref(), Some("plastics"));
    assert_eq!(r.via, Via::Synonym("films étirables".into()));
    // A synonym inside a longer phrase.
    let r = v.resolve("Palette Europe usagée").unwrap();
    assert_eq!(r.slug.as_deref(), Some("pallets"));
    assert_eq!(r.via, Via::Synonym("palette europe".into()));
    // An EWC code shared by two materials of one family: the family, no single slug.
    let r = v.resolve("15 01 02").unwrap();
    assert_eq!((r.slug, r.family.as_str()), (None, "plastics"));
    // A built-in EWC code absent from materials.csv.
    assert_eq!(v.resolve("17 04 01").unwrap().family, "metals");
    assert!(v.resolve("unobtainium").is_none());
}

#[test]
fn matches_say_why_and_never_cross_families() {
    let v = vocab();
    assert_eq!(
        v.match_terms("Palette EUROPE", "pallets"),
        Some(MatchReason::Synonym {
            term: "palette europe".into()
        })
    );
    assert_eq!(
        v.match_terms("MÉTAUX", "ferraille"),
        Some(MatchReason::Synonym {
            term: "métaux".into()
        })
    );
    assert_eq!(
        v.match_terms("150103", "pallets"),
        Some(MatchReason::SameEwc {
            code: "15 01 03".into()
        })
    );
    assert_eq!(
        v.match_terms("15 01 02", "big_bags"),
        Some(MatchReason::SameEwc {
            code: "15 01 02".into()
        })
    );
    assert_eq!(
        v.match_terms("palettes", "chutes de bois"),
        Some(MatchReason::SameFamily {
            family: "wood".into()
        })
    );
    assert_eq!(v.match_terms("carton", "bois"), None);
    assert_eq!(v.match_terms("textiles", "métaux"), None);
    // Flow-level matching by slug and declared EWC codes.
    assert_eq!(
        v.match_materials("pallets", "15 01 03", "pallets", ""),
        Some(MatchReason::SameMaterial {
            slug: "pallets".into()
        })
    );
    assert_eq!(
        v.match_materials("plastics", "15 01 02", "big_bags", ""),
        Some(MatchReason::SameEwc {
            code: "15 01 02".into()
        })
    );
    assert_eq!(
        v.match_materials("pallets", "15 01 03", "wood", ""),
        Some(MatchReason::SameFamily {
            family: "wood".into()
        })
    );
    assert_eq!(
        v.match_materials("paper_cardboard", "15 01 01", "wood", ""),
        None
    );
    assert_eq!(
        MatchReason::Synonym { term: "x".into() }.describe(),
        "synonym \"x\""
    );
}

#[test]
fn candidate_matches_on_the_default_territory() {
    let t = Territory::load(&geodata()).unwrap();
    let v = Vocabulary::new(&t.materials);
    let r = synergy::find_candidates(&t).unwrap();
    assert!(r.estimate);
    assert_eq!(r.method.as_str(), "crow_flies");
    assert!(!r.candidates.is_empty());
    for c in &r.candidates {
        assert_ne!(c.out_holder, c.in_holder);
        assert_eq!(
            v.family(&c.out_material),
            v.family(&c.in_material),
            "{} → {}",
            c.out_material,
            c.in_material
        );
        assert!((0.0..=1.0).contains(&c.score));
        assert_eq!(c.reason_text, c.reason.describe());
    }
    assert!(r.candidates.windows(2).all(|w| w[0].score >= w[1].score));
    // Pallets go to a site that accepts pallets, with the reason "same material".
    assert!(r.candidates.iter().any(|c| c.out_material == "pallets"
        && c.in_kind == "site"
        && matches!(c.reason, MatchReason::SameMaterial { .. })));
}

fn syn(id: &str, status: Status, actors: &[&str]) -> Synergy {
    Synergy {
        id: id.into(),
        title: format!("Synergie {id}"),
        material: "pallets".into(),
        status,
        actors: actors.iter().map(|s| s.to_string()).collect(),
        started: Some("2025-03".into()),
        updated: None,
        notes: "note, with a comma".into(),
        source: "demonstration, not a programme record".into(),
    }
}

#[test]
fn register_records_updates_and_lists() {
    let dir = copy_geodata();
    let t = Territory::load(dir.path()).unwrap();
    assert!(
        register::register_of(&t).unwrap().is_empty(),
        "shipped header only"
    );
    let (o, s) =
        register::record(&t, syn("s1", Status::Idea, &["angenstein-sa", "super-u"])).unwrap();
    assert_eq!(o, Recorded::Created);
    assert_eq!(
        s.updated.as_deref().map(str::len),
        Some(10),
        "defaults to today"
    );
    let mut again = syn("s1", Status::Study, &["angenstein-sa"]);
    again.material = "Palettes bois".into();
    let (o, s) = register::record(&t, again).unwrap();
    assert_eq!(o, Recorded::Updated);
    assert_eq!(s.material, "pallets", "label resolved to the slug");
    register::record(
        &t,
        syn("s2", Status::Implemented, &["cernay-environnement-alsadis"]),
    )
    .unwrap();
    let all = register::register_of(&t).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].status, Status::Study);
    assert_eq!(all[0].notes, "note, with a comma");
    let counts = register::count_by_status(&all);
    assert_eq!(counts[&Status::Study], 1);
    assert_eq!(counts[&Status::Implemented], 1);
    assert_eq!(counts[&Status::Abandoned], 0);
    // No temporary file left behind by the atomic writes.
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty());
    // Unknown actor, unknown material: refused, file unchanged.
    let e = register::record(&t, syn("s3", Status::Idea, &["nobody"])).unwrap_err();
    assert!(
        e.to_string().contains("unknown actor or site `nobody`"),
        "{e}"
    );
    let mut bad = syn("s3", Status::Idea, &[]);
    bad.material = "unobtainium".into();
    assert!(register::record(&t, bad).is_err());
    assert_eq!(register::register_of(&t).unwrap().len(), 2);
}

#[test]
fn register_bad_lines_name_line_and_field() {
    let p = Path::new("synergies.csv");
    let head = "id,title,material,status,actors,started,updated,notes,source\n";
    let e = register::parse_register(
        p,
        format!("{head}a,T,pallets,idée,x;y,2024,,,\nb,T,pallets,maybe,,,,,\n").as_bytes(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("synergies.csv, line 3, field `status`: unknown status `maybe`"),
        "{e}"
    );
    let e = register::parse_register(
        p,
        format!("{head}a,T,pallets,study,,2024-13-01,,,\n").as_bytes(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 2, field `started`"), "{e}");
    let ok = register::parse_register(
        p,
        format!("{head}a,T,pallets,Négociation,x; y,2024,,,\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(ok[0].status, Status::Negotiation);
    assert_eq!(ok[0].actors, vec!["x", "y"]);
}

#[test]
fn cli_record_then_list() {
    let dir = copy_geodata();
    let run = |args: &[&str]| boucle_in(dir.path(), args);
    let out = run(&[
        "synergies",
        "record",
        "--id",
        "demo-1",
        "--title",
        "Palettes vers réemploi",
        "--material",
        "palettes",
        "--status",
        "étude",
        "--actors",
        "angenstein-sa,super-u",
        "--source",
        "demonstration, not a programme record",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["synergies", "list", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], "demo-1");
    assert_eq!(v[0]["status"], "study");
    assert_eq!(v[0]["material"], "pallets");
    let out = run(&["synergies", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["candidates"].as_array().unwrap().len() > 10);
}
