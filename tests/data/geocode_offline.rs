//! Offline geocoding against a small BAN fixture written by the test.

use crate::common::BAN_HEADER;

use std::path::Path;

use boucle::geocode::{
    AddressIndex, AddressReader, CommuneSeed, Geocoder, Hints, IndexBuilder, MatchType, ParkRef,
};

/// (numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
);

const ROWS: &[Row] = &[
    (
        "1",
        "",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1001,
        47.8001,
    ),
    (
        "2",
        "",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1002,
        47.8002,
    ),
    (
        "3",
        "",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1003,
        47.8003,
    ),
    (
        "3",
        "bis",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1013,
        47.8013,
    ),
    (
        "3",
        "ter",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1023,
        47.8023,
    ),
    (
        "5",
        "",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1005,
        47.8005,
    ),
    (
        "10",
        "",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1010,
        47.8010,
    ),
    (
        "12",
        "",
        "Rue de la Gare",
        "68800",
        "68334",
        "Thann",
        7.1012,
        47.8012,
    ),
    (
        "1",
        "",
        "Rue des Vosges",
        "68800",
        "68334",
        "Thann",
        7.1101,
        47.8101,
    ),
    (
        "2",
        "",
        "Rue des Vosges",
        "68800",
        "68334",
        "Thann",
        7.1102,
        47.8102,
    ),
    (
        "1",
        "",
        "Rue des Vergers",
        "68800",
        "68334",
        "Thann",
        7.1201,
        47.8201,
    ),
    (
        "3",
        "",
        "Rue des Vergers",
        "68800",
        "68334",
        "Thann",
        7.1203,
        47.8203,
    ),
    (
        "99999",
        "",
        "Place Joffre",
        "68800",
        "68334",
        "Thann",
        7.1300,
        47.8300,
    ),
    (
        "1",
        "",
        "Rue du Général de Gaulle",
        "68620",
        "68040",
        "Bitschwiller-lès-Thann",
        7.0801,
        47.8301,
    ),
    (
        "15",
        "",
        "Rue du Général de Gaulle",
        "68620",
        "68040",
        "Bitschwiller-lès-Thann",
        7.0815,
        47.8315,
    ),
    (
        "15",
        "bis",
        "Rue du Général de Gaulle",
        "68620",
        "68040",
        "Bitschwiller-lès-Thann",
        7.0816,
        47.8316,
    ),
    (
        "4",
        "",
        "Rue Saint-Pierre",
        "68620",
        "68040",
        "Bitschwiller-lès-Thann",
        7.0904,
        47.8304,
    ),
    (
        "7",
        "",
        "Rue de la Gare",
        "68800",
        "68348",
        "Vieux-Thann",
        7.1207,
        47.8107,
    ),
    // outside the territory: dropped on import
    (
        "1",
        "",
        "Rue de Mulhouse",
        "68700",
        "68063",
        "Cernay",
        7.17,
        47.80,
    ),
];

fn write_ban(dir: &Path) -> std::path::PathBuf {
    let mut s = String::from(BAN_HEADER);
    s.push('\n');
    for (i, (num, rep, voie, cp, insee, com, lon, lat)) in ROWS.iter().enumerate() {
        s.push_str(&format!(
            "{insee}_{i};;{num};{rep};{voie};{cp};{insee};{com};;;0;0;{lon};{lat};entrée;;;{};{};commune;commune;1;\n",
            com.to_uppercase(),
            voie.to_uppercase()
        ));
    }
    let p = dir.join("adresses-68.csv");
    std::fs::write(&p, s).unwrap();
    p
}

fn seeds() -> Vec<CommuneSeed> {
    let c = |insee: &str, name: &str, pc: &str, lon: f64, lat: f64| CommuneSeed {
        insee: insee.into(),
        name: name.into(),
        postcodes: vec![pc.into()],
        lonlat: Some((lon, lat)),
    };
    vec![
        c("68334", "Thann", "68800", 7.10, 47.81),
        c("68040", "Bitschwiller-lès-Thann", "68620", 7.08, 47.83),
        c("68348", "Vieux-Thann", "68800", 7.12, 47.80),
        c("68060", "Burnhaupt-le-Haut", "68520", 7.14, 47.73),
    ]
}

fn parks() -> Vec<ParkRef> {
    vec![
        ParkRef {
            id: "zi-doller".into(),
            name: "ZI de la Doller".into(),
            communes: vec!["68060".into(), "68112".into()],
            lonlat: (7.12835, 47.73428),
            precise: true,
        },
        ParkRef {
            id: "zi-vieux-thann".into(),
            name: "Zone industrielle de Vieux-Thann".into(),
            communes: vec!["68348".into()],
            lonlat: (7.125, 47.805),
            precise: true,
        },
        ParkRef {
            id: "zi-thann".into(),
            name: "Zone industrielle de Thann".into(),
            communes: vec!["68334".into()],
            lonlat: (7.10, 47.81),
            precise: false,
        },
    ]
}

fn geocoder() -> Geocoder {
    let dir = tempfile::tempdir().unwrap();
    let path = write_ban(dir.path());
    let mut b = IndexBuilder::for_communes(seeds());
    for r in AddressReader::open(&path).unwrap() {
        b.add(r.unwrap());
    }
    let (idx, stats) = b.build();
    assert_eq!(stats.outside, 1);
    // through the file format
    let idx_path = dir.path().join("addresses.idx");
    idx.save(&idx_path).unwrap();
    let idx = AddressIndex::load(&idx_path).unwrap();
    Geocoder::new(idx).with_parks(parks())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn exact_house_numbers_with_suffixes() {
    let g = geocoder();
    for q in [
        "3 bis rue de la Gare 68800 Thann",
        "3bis, R. de la gare, 68800 THANN",
        "3 B rue de la gare Thann",
    ] {
        let r = g.geocode(q).unwrap();
        assert_eq!(r.match_type, MatchType::Housenumber, "{q}");
        assert!(close(r.lon, 7.1013) && close(r.lat, 47.8013), "{q}: {r:?}");
        assert!(r.score > 0.95, "{q}: {r:?}");
        assert_eq!(r.insee, "68334");
        assert!(!r.ambiguous, "{q}: {r:?}");
    }
    let r = g.geocode("3 ter rue de la gare 68800 Thann").unwrap();
    assert!(close(r.lon, 7.1023));
    assert_eq!(r.label, "3 ter Rue de la Gare 68800 Thann");
    // plain number
    let r = g.geocode("3 rue de la gare 68800 Thann").unwrap();
    assert!(close(r.lon, 7.1003));
    // an unknown suffix of a known number: the number, slightly lower score
    let r = g.geocode("3 quater rue de la gare 68800 Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber);
    assert!(close(r.lon, 7.1003));
    assert!(r.score < 0.99 && r.score > 0.9, "{r:?}");
}

#[test]
fn les_commune_and_abbreviations() {
    let g = geocoder();
    for q in [
        "15 bis rue du Gal de Gaulle 68620 Bitschwiller-lès-Thann",
        "15bis r. Général de Gaulle Bitschwiller les Thann",
        "15 B, Rue du General-de-Gaulle, BITSCHWILLER LES THANN",
    ] {
        let r = g.geocode(q).unwrap();
        assert_eq!(r.match_type, MatchType::Housenumber, "{q}: {r:?}");
        assert!(close(r.lon, 7.0816), "{q}: {r:?}");
        assert_eq!(r.insee, "68040");
    }
    let r = g
        .geocode("4 rue St Pierre 68620 Bitschwiller-lès-Thann")
        .unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber);
    // misspelt commune name: fuzzy
    let r = g
        .geocode("1 rue du General de Gaulle Bitschwiler-les-Tann")
        .unwrap();
    assert_eq!(r.insee, "68040", "{r:?}");
    assert_eq!(r.match_type, MatchType::Housenumber);
    assert!(r.score < 1.0 && r.score > 0.8, "{r:?}");
}

#[test]
fn nearest_number_then_street() {
    let g = geocoder();
    // 8 is missing: nearest on the same side is 10
    let r = g.geocode("8 rue de la gare 68800 Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Street);
    assert_eq!(r.housenumber.as_deref(), Some("10"));
    assert!(close(r.lon, 7.1010), "{r:?}");
    assert!(r.score < 0.9 && r.score > 0.8, "{r:?}");
    // no number: the street's median address
    let r = g.geocode("Rue de la Gare, Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Street);
    assert_eq!(r.insee, "68334");
    assert!(r.score > 0.99);
    // a named place without numbers
    let r = g.geocode("place Joffre Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Street);
    assert!(close(r.lon, 7.13));
}

#[test]
fn close_street_names_and_typos() {
    let g = geocoder();
    let r = g.geocode("1 rue des Vergers 68800 Thann").unwrap();
    assert!(close(r.lon, 7.1201), "{r:?}");
    let r = g.geocode("1 rue des Vosges 68800 Thann").unwrap();
    assert!(close(r.lon, 7.1101), "{r:?}");
    // typo: still the right street, lower score
    let r = g.geocode("2 rue des Vosgs 68800 Thann").unwrap();
    assert!(close(r.lon, 7.1102), "{r:?}");
    assert!(r.score < 1.0 && r.score > 0.85, "{r:?}");
}

#[test]
fn postcode_shared_by_two_communes() {
    let g = geocoder();
    let r = g.geocode("7 rue de la gare 68800 Vieux-Thann").unwrap();
    assert_eq!(r.insee, "68348");
    assert_eq!(r.match_type, MatchType::Housenumber);
    // without the commune name, two communes have a "rue de la Gare": ambiguous
    let r = g.geocode("rue de la gare 68800").unwrap();
    assert!(r.ambiguous, "{r:?}");
    // the commune given as a hint settles it
    let r = g
        .geocode_with(
            "7 rue de la gare",
            Hints {
                insee: Some("68348"),
                park_id: None,
            },
        )
        .unwrap();
    assert_eq!(r.insee, "68348");
    assert_eq!(r.match_type, MatchType::Housenumber);
}

#[test]
fn park_and_commune_fallbacks() {
    let g = geocoder();
    let r = g
        .geocode("ZI de la Doller 68520 Burnhaupt-le-Haut")
        .unwrap();
    assert_eq!(r.match_type, MatchType::Park, "{r:?}");
    assert_eq!(r.park_id.as_deref(), Some("zi-doller"));
    assert!(r.score > 0.9);
    let r = g
        .geocode("Zone Industrielle, Vieux-Thann")
        .unwrap_or_else(|| panic!());
    // the generic words alone do not name a park: commune
    assert_eq!(r.match_type, MatchType::Commune, "{r:?}");
    let r = g
        .geocode("Zone industrielle Vieux Thann 68800 Vieux-Thann")
        .unwrap();
    assert_eq!(r.match_type, MatchType::Park, "{r:?}");
    // a park known only at its commune's point: named, but commune-level
    let r = g.geocode("ZI de Thann, 68800 Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Commune, "{r:?}");
    assert_eq!(r.park_id.as_deref(), Some("zi-thann"));
    assert!(r.score > 0.9 && r.label.contains("commune"), "{r:?}");
    let r = g
        .geocode_with(
            "12 rue Inconnue Thann",
            Hints {
                insee: Some("68334"),
                park_id: None,
            },
        )
        .unwrap();
    assert_eq!(r.park_id, None, "{r:?}");
    assert!(r.score < 0.5, "{r:?}");
    // unknown street: commune, low score
    let r = g.geocode("12 rue Inconnue 68800 Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Commune);
    assert!(r.score < 0.5);
    assert!(close(r.lon, 7.10));
    // just a commune: commune, full score
    let r = g.geocode("Thann").unwrap();
    assert_eq!(r.match_type, MatchType::Commune);
    assert!(r.score > 0.99);
    // a park hint places an actor whose address is not found
    let r = g
        .geocode_with(
            "rue du Moulin",
            Hints {
                insee: Some("68060"),
                park_id: Some("zi-doller"),
            },
        )
        .unwrap();
    assert_eq!(r.match_type, MatchType::Park);
    assert!(r.score < 0.8);
    assert!(g.geocode("").is_none());
}

#[test]
fn malformed_ban_files_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.csv");
    std::fs::write(
        &p,
        format!("{BAN_HEADER}\nx;;1;;Rue A;68800;68334;Thann;;;0;0;7.1;47.8;;;;;;;;;\nx;;2;;Rue A;68800;68334;Thann;;;0;0;7.1;north;;;;;;;;;\n"),
    )
    .unwrap();
    let err = AddressReader::open(&p)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("`lat`"),
        "{err}"
    );

    std::fs::write(
        &p,
        format!("{BAN_HEADER}\nx;;2b;;Rue A;68800;68334;Thann;;;0;0;7.1;47.8;;;;;;;;;\n"),
    )
    .unwrap();
    let err = AddressReader::open(&p)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2") && err.contains("`numero`"), "{err}");

    std::fs::write(
        &p,
        "numero;nom_voie;code_postal;lon;lat\n1;Rue A;68800;7.1;47.8\n",
    )
    .unwrap();
    let err = AddressReader::open(&p).unwrap_err().to_string();
    assert!(
        err.contains("bad.csv") && err.contains("`code_insee`"),
        "{err}"
    );

    std::fs::write(&p, "a,b\n1,2\n").unwrap();
    let err = AddressReader::open(&p).unwrap_err().to_string();
    assert!(err.contains("not a BAN address file"), "{err}");

    let idx = dir.path().join("bad.idx");
    std::fs::write(&idx, b"garbage!garbage").unwrap();
    let err = AddressIndex::load(&idx).unwrap_err().to_string();
    assert!(err.contains("bad.idx") && err.contains("magic"), "{err}");
}

#[test]
fn bal_files_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bal.csv.gz");
    let bal = "uid_adresse;cle_interop;commune_insee;commune_nom;commune_deleguee_insee;commune_deleguee_nom;voie_nom;lieudit_complement_nom;numero;suffixe;position;x;y;long;lat;cad_parcelles;source;date_der_maj;certification_commune\n\
;68219_0001_00003;68219;Le Haut Soultzbach;68314;Soppe-le-Haut;Rue Principale;;3;a;entrée;0;0;7.05;47.72;;commune;2024-01-01;1\n\
;68314_0002_00005;68314;Soppe-le-Haut;;;Rue de l'Église;;5;;entrée;0;0;7.06;47.73;;commune;2024-01-01;1\n";
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, bal.as_bytes()).unwrap();
    std::fs::write(&p, enc.finish().unwrap()).unwrap();
    let reader = AddressReader::open(&p).unwrap();
    assert_eq!(reader.format(), boucle::geocode::AddressFormat::Bal);
    let mut b = IndexBuilder::for_communes([CommuneSeed {
        insee: "68219".into(),
        name: "Le Haut Soultzbach".into(),
        postcodes: vec!["68780".into()],
        lonlat: Some((7.05, 47.72)),
    }]);
    for r in reader {
        assert!(b.add(r.unwrap()), "former commune 68314 maps to 68219");
    }
    let g = Geocoder::new(b.build().0);
    let r = g
        .geocode("3a rue principale 68780 Le Haut-Soultzbach")
        .unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber, "{r:?}");
    let r = g.geocode("5 rue de l'eglise Haut Soultzbach").unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber, "{r:?}");
    assert_eq!(r.insee, "68219");
}

#[test]
fn named_commune_beats_a_wrong_hint() {
    let g = geocoder();
    // declared in Vieux-Thann, but the address says Thann: Thann's address is found (the
    // caller flags the disagreement)
    let r = g
        .geocode_with(
            "3 bis rue de la Gare 68800 Thann",
            Hints {
                insee: Some("68348"),
                park_id: None,
            },
        )
        .unwrap();
    assert_eq!(r.insee, "68334", "{r:?}");
    assert_eq!(r.match_type, MatchType::Housenumber);
    assert!(r.score < 1.0 && r.score > 0.85, "{r:?}");
    // the commune's name at the end of the text is not taken for a street word
    let r = g
        .geocode_with(
            "2 rue des Vosges Thann",
            Hints {
                insee: Some("68334"),
                park_id: None,
            },
        )
        .unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber);
    assert!(r.score > 0.99, "{r:?}");
}

#[test]
fn normalisation_table() {
    use boucle::geocode::normalise::{key, leading_number, raw_words};
    let table = [
        ("12 Rue de la Gare", "rue gare"),
        ("R. de la Gare", "rue gare"),
        ("AV. DU GAL LECLERC", "avenue general leclerc"),
        ("Bd du Mal Foch", "boulevard marechal foch"),
        ("Chem. des Prés", "chemin pres"),
        ("St-Amarin", "saint amarin"),
        ("Ste Odile", "sainte odile"),
        ("Bitschwiller-lès-Thann", "bitschwiller thann"),
        ("Vieux-Thann", "vieux thann"),
        ("ZI de la Doller", "zone industrielle doller"),
        ("ZA Grossmatt", "zone activites grossmatt"),
        ("Place de l'Hôtel de Ville", "place hotel ville"),
        ("Rte de Mulhouse", "route mulhouse"),
        ("Imp. des Lilas", "impasse lilas"),
        ("Fbg des Vosges", "faubourg vosges"),
    ];
    for (input, want) in table {
        let words = raw_words(input);
        let skip = leading_number(&words).map(|(_, _, used)| used).unwrap_or(0);
        assert_eq!(key(&words[skip..].join(" ")), want, "{input}");
    }
    let parsed = |s: &str| leading_number(&raw_words(s)).map(|(n, suf, _)| (n, suf));
    assert_eq!(parsed("12bis rue X"), Some((12, 1)));
    assert_eq!(parsed("12 TER rue X"), Some((12, 2)));
    assert_eq!(parsed("12 quater rue X"), Some((12, 3)));
    assert_eq!(parsed("12 à 14 rue X"), Some((12, 0)));
    assert_eq!(parsed("7 r. des Vosges"), Some((7, 0)));
}
