//! Geocoding that knows the territory's history and edges: former (delegated) communes as
//! aliases, communes outside the territory, contradictions that lower the score, the street part
//! found anywhere in the query; and what `geocode actors` writes.

use crate::common::{BAN_HEADER, boucle_in, copy_geodata, ok};

use boucle::geocode::actors::{ActorsOptions, geocode_actors};
use boucle::geocode::{
    ACCEPTANCE, AddressIndex, AddressReader, CommuneSeed, Geocoder, Hints, IndexBuilder, MatchType,
};
use boucle::territory::{Precision, Territory, write_actors};

/// (numero, nom_voie, code_postal, code_insee, nom_commune, ancienne commune code, name, lon, lat)
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    f64,
    f64,
);

fn ban_text(rows: &[Row<'_>]) -> String {
    let mut s = String::from(BAN_HEADER);
    s.push('\n');
    for (i, (num, voie, cp, insee, com, old, old_name, lon, lat)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "{insee}_{i};;{num};;{voie};{cp};{insee};{com};{old};{old_name};0;0;{lon};{lat};entrée;;;{};{};commune;commune;1;\n",
            com.to_uppercase(),
            voie.to_uppercase()
        ));
    }
    s
}

const ROWS: &[Row<'static>] = &[
    // Le Haut Soultzbach: two former communes with a street of the same name
    (
        "3",
        "Rue Principale",
        "68780",
        "68219",
        "Le Haut Soultzbach",
        "68314",
        "Soppe-le-Haut",
        7.0601,
        47.7301,
    ),
    (
        "5",
        "Rue Principale",
        "68780",
        "68219",
        "Le Haut Soultzbach",
        "68314",
        "Soppe-le-Haut",
        7.0605,
        47.7305,
    ),
    (
        "3",
        "Rue Principale",
        "68780",
        "68219",
        "Le Haut Soultzbach",
        "68219",
        "Mortzwiller",
        7.0301,
        47.7401,
    ),
    (
        "7",
        "Rue Principale",
        "68780",
        "68219",
        "Le Haut Soultzbach",
        "68219",
        "Mortzwiller",
        7.0307,
        47.7407,
    ),
    // Soppe-le-Bas, a neighbour with a close name
    (
        "3",
        "Rue Principale",
        "68780",
        "68313",
        "Soppe-le-Bas",
        "",
        "",
        7.0801,
        47.7201,
    ),
    // Cernay and its street named after Wittelsheim
    (
        "82",
        "Rue de Wittelsheim",
        "68700",
        "68063",
        "Cernay",
        "",
        "",
        7.1801,
        47.8101,
    ),
    (
        "9",
        "Faubourg de Colmar",
        "68700",
        "68063",
        "Cernay",
        "",
        "",
        7.1709,
        47.8009,
    ),
    (
        "10",
        "Lieu-dit Grossmatt",
        "68700",
        "68063",
        "Cernay",
        "",
        "",
        7.1710,
        47.8010,
    ),
    (
        "2",
        "Rue Inconnue de Thann",
        "68800",
        "68334",
        "Thann",
        "",
        "",
        7.1002,
        47.8102,
    ),
    (
        "3",
        "Rue de la Thur",
        "68800",
        "68334",
        "Thann",
        "",
        "",
        7.1003,
        47.8103,
    ),
    (
        "3",
        "Rue de la Thur",
        "68800",
        "68348",
        "Vieux-Thann",
        "",
        "",
        7.1203,
        47.8003,
    ),
    // Wittelsheim is outside the territory: known by name and postcode only
    (
        "82",
        "Rue de Cernay",
        "68310",
        "68376",
        "Wittelsheim",
        "",
        "",
        7.2382,
        47.8082,
    ),
];

fn seeds() -> Vec<CommuneSeed> {
    let c = |insee: &str, name: &str, pc: &str, lon: f64, lat: f64| CommuneSeed {
        insee: insee.into(),
        name: name.into(),
        postcodes: vec![pc.into()],
        lonlat: Some((lon, lat)),
    };
    vec![
        c("68219", "Le Haut Soultzbach", "68780", 7.04, 47.73),
        c("68313", "Soppe-le-Bas", "68780", 7.08, 47.72),
        c("68063", "Cernay", "68700", 7.17, 47.80),
        c("68334", "Thann", "68800", 7.10, 47.81),
        c("68348", "Vieux-Thann", "68800", 7.12, 47.80),
    ]
}

fn builder() -> IndexBuilder {
    let mut b = IndexBuilder::for_communes(seeds());
    b.add_former_commune("68219", "68219", "Mortzwiller");
    b.add_former_commune("68219", "68314", "Soppe-le-Haut");
    b
}

fn geocoder_from(rows: &[Row<'_>]) -> Geocoder {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("adresses-68.csv");
    std::fs::write(&p, ban_text(rows)).unwrap();
    let mut b = builder();
    for r in AddressReader::open(&p).unwrap() {
        b.add(r.unwrap());
    }
    let (idx, stats) = b.build();
    assert_eq!(
        stats.duplicates, 0,
        "same-named streets of two former communes are kept apart"
    );
    let idx_path = dir.path().join("addresses.idx");
    idx.save(&idx_path).unwrap();
    Geocoder::new(AddressIndex::load(&idx_path).unwrap())
}

fn geocoder() -> Geocoder {
    geocoder_from(ROWS)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn former_commune_resolves_to_the_current_one_with_the_alias_reported() {
    let g = geocoder();
    let r = g.geocode("Soppe-le-Haut").unwrap();
    assert_eq!(r.insee, "68219", "{r:?}");
    assert_eq!(r.match_type, MatchType::Commune);
    assert_eq!(r.former_commune.as_deref(), Some("Soppe-le-Haut"));
    assert_eq!(r.former_commune_insee.as_deref(), Some("68314"));
    assert_eq!(
        r.label,
        "Soppe-le-Haut, commune déléguée du Haut Soultzbach"
    );
    assert!(r.score >= ACCEPTANCE && !r.ambiguous, "{r:?}");
    // the former commune's own point: the mean of its addresses, not Mortzwiller's
    assert!(close(r.lon, 7.0603), "{r:?}");
    let r = g.geocode("Soppe-le-Bas").unwrap();
    assert_eq!(r.insee, "68313");
    assert_eq!(r.former_commune, None);

    // an address in a former commune: its own street, though Mortzwiller has one of that name
    let r = g.geocode("5 rue Principale 68780 Soppe-le-Haut").unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber, "{r:?}");
    assert!(close(r.lon, 7.0605), "{r:?}");
    assert_eq!(r.former_commune.as_deref(), Some("Soppe-le-Haut"));
    let r = g.geocode("3 rue Principale, Mortzwiller").unwrap();
    assert!(close(r.lon, 7.0301), "{r:?}");
    assert_eq!(r.former_commune.as_deref(), Some("Mortzwiller"));
    assert_eq!(
        r.former_commune_text().unwrap(),
        "Mortzwiller, commune déléguée du Haut Soultzbach"
    );
    assert!(r.score >= ACCEPTANCE && !r.ambiguous, "{r:?}");
    // the numbers of both streets were kept: 7 is Mortzwiller's only
    let r = g
        .geocode("7 rue Principale 68780 Le Haut Soultzbach")
        .unwrap();
    assert!(close(r.lon, 7.0307), "{r:?}");
    // the current name alone: two streets of that name, one per former commune → ambiguous
    let r = g
        .geocode("3 rue Principale 68780 Le Haut Soultzbach")
        .unwrap();
    assert!(r.ambiguous, "{r:?}");
    assert!(
        r.label.contains("Soppe-le-Haut") || r.label.contains("Mortzwiller"),
        "{r:?}"
    );
}

#[test]
fn former_communes_without_addresses_come_from_the_territory() {
    // no address file: only the communes and their declared former communes
    let (idx, _) = builder().build();
    let g = Geocoder::new(idx);
    for (q, former) in [
        ("Mortzwiller", "Mortzwiller"),
        ("68780 Soppe-le-Haut", "Soppe-le-Haut"),
        ("Soppe le haut", "Soppe-le-Haut"),
    ] {
        let r = g.geocode(q).unwrap();
        assert_eq!(r.insee, "68219", "{q}: {r:?}");
        assert_eq!(r.former_commune.as_deref(), Some(former), "{q}: {r:?}");
    }
}

#[test]
fn outside_the_territory_is_flagged_and_scored_under_acceptance() {
    let g = geocoder();
    let q = "82 rue de Wittelsheim 68310 Wittelsheim";
    let r = g.geocode(q).unwrap();
    assert!(!r.in_territory, "{r:?}");
    assert_eq!(r.insee, "68376", "{r:?}");
    assert!(r.score < ACCEPTANCE, "{r:?}");
    assert!(
        r.reasons
            .iter()
            .any(|m| m.contains("outside the territory")),
        "{r:?}"
    );
    // without the outside commune in the index: the unknown postcode says so
    let rows: Vec<Row<'_>> = ROWS.iter().copied().filter(|r| r.3 != "68376").collect();
    let g = geocoder_from(&rows);
    let r = g.geocode(q).unwrap();
    assert!(!r.in_territory, "{r:?}");
    assert!(r.score < ACCEPTANCE, "{r:?}");
    assert!(r.reasons.iter().any(|m| m.contains("68310")), "{r:?}");
    // the same street with the territory's postcode is fine
    let r = g.geocode("82 rue de Wittelsheim 68700 Cernay").unwrap();
    assert!(r.in_territory && r.score > 0.99, "{r:?}");
}

#[test]
fn contradictions_lower_the_score_with_a_reason() {
    let g = geocoder();
    // Thann's postcode with Cernay's name
    let r = g.geocode("82 rue de Wittelsheim 68800 Cernay").unwrap();
    assert_eq!(r.insee, "68063");
    assert!(r.score < ACCEPTANCE, "{r:?}");
    assert!(r.reasons.iter().any(|m| m.contains("68800")), "{r:?}");
    // a postcode several communes share, nothing else: capped and ambiguous
    let r = g.geocode("68800").unwrap();
    assert_eq!(r.match_type, MatchType::Commune);
    assert!(r.score <= 0.5 && r.ambiguous, "{r:?}");
    // one commune for the postcode: fine
    let r = g.geocode("68700").unwrap();
    assert_eq!(r.insee, "68063");
    assert!(r.score >= ACCEPTANCE, "{r:?}");
}

#[test]
fn street_part_anywhere_in_the_query() {
    let g = geocoder();
    let r = g
        .geocode("SARL Métallerie Dupont 9 faubourg de Colmar 68700 Cernay")
        .unwrap();
    assert_eq!(r.match_type, MatchType::Housenumber, "{r:?}");
    assert!(close(r.lon, 7.1709));
    assert!(r.score >= ACCEPTANCE, "{r:?}");
    assert!(
        r.reasons
            .iter()
            .any(|m| m.contains("sarl metallerie dupont")),
        "{r:?}"
    );
    // the commune first
    let r = g.geocode("Thann, 3 rue de la Thur").unwrap();
    assert_eq!(r.insee, "68334", "{r:?}");
    assert!(close(r.lon, 7.1003));
    assert!(r.score > 0.99, "{r:?}");
    let r = g.geocode("68800 Vieux-Thann 3 rue de la Thur").unwrap();
    assert_eq!(r.insee, "68348", "{r:?}");
    // a lieu-dit marker
    let r = g
        .geocode("Ferme Schmitt, lieu-dit Grossmatt 68700 Cernay")
        .unwrap();
    assert_eq!(r.insee, "68063", "{r:?}");
    assert_eq!(r.street.as_deref(), Some("Lieu-dit Grossmatt"), "{r:?}");
    // a hint plus a company name
    let r = g
        .geocode_with(
            "Établissements Martin 3 rue de la Thur",
            Hints {
                insee: Some("68348"),
                park_id: None,
            },
        )
        .unwrap();
    assert!(close(r.lon, 7.1203), "{r:?}");
}

#[test]
fn bal_1_1_cle_interop_and_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    // BAL 1.1: no commune_insee, the code is inside cle_interop; Windows-1252 bytes
    let mut bytes: Vec<u8> = b"cle_interop;uid_adresse;voie_nom;numero;suffixe;commune_nom;position;x;y;long;lat;source;date_der_maj\r\n".to_vec();
    bytes.extend_from_slice(b"68219_0001_00003;;Rue de l'\xc9glise;3;;Le Haut Soultzbach;entr\xe9e;0;0;7.05;47.72;commune;2020-01-01\r\n");
    let p = dir.path().join("bal-1.1.csv");
    std::fs::write(&p, &bytes).unwrap();
    let mut reader = AddressReader::open(&p).unwrap();
    let r = reader.next().unwrap().unwrap();
    assert_eq!(r.insee, "68219");
    assert_eq!(r.street, "Rue de l'Église");
    assert_eq!(reader.cp1252_lines(), 1);
    // a bad cle_interop names the column
    std::fs::write(
        &p,
        "cle_interop;voie_nom;numero;suffixe;commune_nom;long;lat\nxx;Rue A;1;;Thann;7.1;47.8\n",
    )
    .unwrap();
    let err = AddressReader::open(&p)
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 2") && err.contains("`cle_interop`"),
        "{err}"
    );
}

#[test]
fn geocode_actors_writes_only_accepted_results_in_the_territory() {
    let tmp = copy_geodata();
    let dir = tmp.path();
    let t = Territory::load(dir).unwrap();
    let pt = |insee: &str| {
        let p = t.commune(insee).unwrap().point;
        (p.x(), p.y())
    };
    let (cx, cy) = pt("68063");
    let (hx, hy) = pt("68219");
    let rows = [
        (
            "82",
            "Rue de Wittelsheim",
            "68700",
            "68063",
            "Cernay",
            "",
            "",
            cx,
            cy,
        ),
        (
            "3",
            "Rue de l'Église",
            "68780",
            "68219",
            "Le Haut Soultzbach",
            "68314",
            "Soppe-le-Haut",
            hx,
            hy,
        ),
        (
            "82",
            "Rue de Cernay",
            "68310",
            "68376",
            "Wittelsheim",
            "",
            "",
            7.2382,
            47.8082,
        ),
    ];
    let ban = dir.join("adresses-68.csv");
    std::fs::write(&ban, ban_text(&rows)).unwrap();
    let out = ok(&boucle_in(
        dir,
        &["geocode", "import-ban", ban.to_str().unwrap(), "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["communes_outside_territory"], 1, "{v:#}");
    assert_eq!(v["records_in_former_communes"], 1, "{v:#}");

    let out = ok(&boucle_in(
        dir,
        &["geocode", "3 rue de l'Eglise Soppe-le-Haut"],
    ));
    assert!(
        out.contains("former_commune\tSoppe-le-Haut, commune déléguée du Haut Soultzbach"),
        "{out}"
    );

    let mut actors = t.actors.clone();
    let ids: Vec<String> = actors.iter().take(4).map(|a| a.id.clone()).collect();
    let set = |actors: &mut Vec<boucle::territory::Actor>, id: &str, addr: &str| {
        let a = actors.iter_mut().find(|a| a.id == id).unwrap();
        a.address = Some(addr.into());
        a.insee = None;
        a.precision = Precision::Unknown;
        a.position = None;
    };
    set(
        &mut actors,
        &ids[0],
        "82 rue de Wittelsheim 68310 Wittelsheim",
    );
    set(&mut actors, &ids[1], "12 rue Inconnue 68780 Soppe-le-Haut");
    set(
        &mut actors,
        &ids[2],
        "SARL Dupont, 3 rue de l'Église 68780 Soppe-le-Haut",
    );
    set(&mut actors, &ids[3], "82 rue de Wittelsheim 68800 Cernay");
    write_actors(dir, &actors).unwrap();
    let out = ok(&boucle_in(dir, &["geocode", "actors", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let not_written: Vec<&str> = v["not_written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(not_written.contains(&ids[0].as_str()), "outside: {v:#}");
    assert!(
        not_written.contains(&ids[1].as_str()),
        "0.4 × street fallback: {v:#}"
    );
    assert!(
        not_written.contains(&ids[3].as_str()),
        "postcode contradiction: {v:#}"
    );
    assert!(!not_written.contains(&ids[2].as_str()), "{v:#}");
    let review = v["review"].as_array().unwrap();
    for id in [&ids[0], &ids[1], &ids[3]] {
        assert!(review.iter().any(|r| r["id"] == id.as_str()), "{id}: {v:#}");
    }
    let t = Territory::load(dir).unwrap();
    for id in [&ids[0], &ids[1], &ids[3]] {
        let a = t.actor(id).unwrap();
        assert!(a.position.is_none(), "{id} was written: {a:?}");
    }
    let a = t.actor(&ids[2]).unwrap();
    assert_eq!(a.precision, Precision::Housenumber);
    assert!(close(a.position.unwrap().x(), hx));

    // --min-score decides what is written: at 0.3 the 0.4 commune fallback is written
    let mut opts = ActorsOptions {
        min_score: 0.3,
        force: false,
    };
    let g = boucle::cli::geocode::territory_geocoder(&t).unwrap();
    let mut actors = t.actors.clone();
    let report = geocode_actors(
        &mut actors,
        opts,
        |q, h| Ok::<_, std::convert::Infallible>(g.geocode_with(q, h)),
        |_, _| Some("68219".to_owned()),
    )
    .unwrap();
    assert!(!report.not_written.contains(&ids[1]), "{report:?}");
    assert!(
        report.not_written.contains(&ids[0]),
        "outside stays unwritten: {report:?}"
    );
    opts.min_score = 0.95;
    let mut actors = t.actors.clone();
    let report = geocode_actors(
        &mut actors,
        opts,
        |q, h| Ok::<_, std::convert::Infallible>(g.geocode_with(q, h)),
        |_, _| Some("68219".to_owned()),
    )
    .unwrap();
    // 0.97 (a company name left aside) passes 0.95; nothing under it is written
    for a in &actors {
        if let Some(s) = a.score
            && report.changes.iter().any(|c| c.id == a.id)
        {
            assert!(s >= 0.95, "{a:?}");
        }
    }
}

#[test]
fn locate_csv_semicolons_and_an_input_insee_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = crate::common::geodata();
    let csv = dir.path().join("points.csv");
    std::fs::write(
        &csv,
        "id;insee;lon;lat\na;99999;7,09666;47,81592\nb;;7.3389;47.7508\n",
    )
    .unwrap();
    let out = boucle_in(&data, &["locate", "--csv", csv.to_str().unwrap()]);
    let text = ok(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id;insee;lon;lat;commune;epci_siren;epci;park_id;park;park_distance_m"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("a;68334;7,09666;47,81592;Thann;200036465;")
    );
    assert!(lines.next().unwrap().starts_with("b;;7.3389;47.7508;;;"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("insee") && err.contains("1 values changed"),
        "{err}"
    );
}
