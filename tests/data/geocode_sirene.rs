//! SIRENE stock import: territory filter, active only, partial diffusion, merge by SIRET.

use std::collections::{HashMap, HashSet};

use boucle::geocode::sirene::{SireneOptions, merge_into_actors, read_establishments};
use boucle::territory::{Actor, ActorKind, Precision};
use geo::Point;

const HEADER: &str = "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,dateDebut,etatAdministratifEtablissement,enseigne1Etablissement,enseigne2Etablissement,enseigne3Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement,activitePrincipaleNAF25Etablissement";

/// siret, diffusion, tranche, numero, rep, type, voie, cp, commune name, insee, x, y, etat,
/// enseigne, naf
fn row(f: [&str; 15]) -> String {
    let [
        siret,
        diff,
        tranche,
        num,
        rep,
        typ,
        voie,
        cp,
        lcom,
        insee,
        x,
        y,
        etat,
        ens,
        naf,
    ] = f;
    format!(
        "{},{},{siret},{diff},2001-01-01,{tranche},2022,,2024-01-01,true,1,,{num},{rep},,,{typ},{voie},{cp},{lcom},,,{insee},,,,,,{x},{y},2001-01-01,{etat},{ens},,,,{naf},NAFRev2,O,",
        &siret[..9],
        &siret[9..]
    )
}

fn fixture(dir: &std::path::Path) -> std::path::PathBuf {
    let rows = [
        // active, public, with Lambert-93 coordinates
        row([
            "12345678900011",
            "O",
            "12",
            "3",
            "B",
            "RUE",
            "DE LA GARE",
            "68800",
            "THANN",
            "68334",
            "1004000.5",
            "6749000.5",
            "A",
            "USINE A",
            "20.13B",
        ]),
        // partial diffusion: address and coordinates hidden
        row([
            "22345678900012",
            "P",
            "01",
            "[ND]",
            "[ND]",
            "[ND]",
            "[ND]",
            "68800",
            "THANN",
            "68334",
            "[ND]",
            "[ND]",
            "A",
            "[ND]",
            "96.02A",
        ]),
        // partial diffusion even though the file carried values: must not be stored
        row([
            "32345678900013",
            "P",
            "",
            "7",
            "",
            "RUE",
            "SECRETE",
            "68800",
            "THANN",
            "68334",
            "1004100",
            "6749100",
            "A",
            "",
            "62.01Z",
        ]),
        // closed
        row([
            "42345678900014",
            "O",
            "",
            "1",
            "",
            "AV",
            "FOCH",
            "68700",
            "CERNAY",
            "68063",
            "1010000",
            "6747000",
            "F",
            "",
            "47.11B",
        ]),
        // outside the territory
        row([
            "52345678900015",
            "O",
            "",
            "1",
            "",
            "RUE",
            "DE RIVOLI",
            "75001",
            "PARIS",
            "75056",
            "652000",
            "6862000",
            "A",
            "",
            "47.11B",
        ]),
        // a former commune code (Soppe-le-Haut), kept by the caller's code list
        row([
            "62345678900016",
            "O",
            "",
            "",
            "",
            "",
            "",
            "68780",
            "LE HAUT SOULTZBACH",
            "68314",
            "",
            "",
            "A",
            "SCIERIE",
            "16.10A",
        ]),
    ];
    let p = dir.join("StockEtablissement_extrait.csv");
    std::fs::write(&p, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    p
}

fn codes() -> HashSet<String> {
    ["68334", "68063", "68314"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn reads_territory_active_and_hides_partial_diffusion() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    let (ests, stats) = read_establishments(&p, &codes(), SireneOptions::default()).unwrap();
    assert_eq!(stats.rows, 6);
    assert_eq!(stats.in_territory, 5);
    assert_eq!(stats.closed_skipped, 1);
    assert_eq!(stats.partial, 2);
    assert_eq!(ests.len(), 4);
    let a = &ests[0];
    assert_eq!(
        a.address.as_deref(),
        Some("3 bis Rue DE LA GARE, 68800 THANN")
    );
    assert_eq!(a.naf.as_deref(), Some("20.13B"));
    assert_eq!(a.name.as_deref(), Some("USINE A"));
    assert_eq!(a.employees.as_deref(), Some("20 à 49 salariés"));
    let (lon, lat) = a.lonlat.unwrap();
    assert!(
        (6.9..7.3).contains(&lon) && (47.6..48.0).contains(&lat),
        "{lon},{lat}"
    );
    for e in &ests[1..3] {
        assert!(e.partial);
        assert!(e.address.is_none() && e.lonlat.is_none(), "{e:?}");
        assert_eq!(e.insee, "68334");
    }
    assert!(ests[1].name.is_none(), "[ND] is empty");
    assert_eq!(ests[3].insee, "68314");

    let (all, _) = read_establishments(
        &p,
        &codes(),
        SireneOptions {
            include_closed: true,
        },
    )
    .unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.iter().any(|e| !e.active));
}

fn actor(id: &str, siret: Option<&str>, pos: Option<(f64, f64)>, precision: Precision) -> Actor {
    Actor {
        id: id.into(),
        name: "Usine A (nom du programme)".into(),
        kind: ActorKind::Company,
        siret: siret.map(str::to_owned),
        naf: Some("20.13A".into()),
        naf_verified: false,
        naf_nomenclature: None,
        sector: "chimie".into(),
        insee: Some("68334".into()),
        address: None,
        park_id: None,
        employees: None,
        position: pos.map(|(x, y)| Point::new(x, y)),
        precision,
        score: None,
        remarks: String::new(),
        source: "programme".into(),
    }
}

#[test]
fn merge_updates_by_siret_and_keeps_manual_positions() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    let (ests, _) = read_establishments(&p, &codes(), SireneOptions::default()).unwrap();
    let points: HashMap<String, (f64, f64)> = [
        ("68334".to_owned(), (7.10, 47.81)),
        ("68314".to_owned(), (7.05, 47.72)),
    ]
    .into_iter()
    .collect();
    let mut actors = vec![actor(
        "usine-a",
        Some("12345678900011"),
        Some((7.0, 47.0)),
        Precision::Manual,
    )];
    let report = merge_into_actors(&mut actors, &ests, &points, "SIRENE test", false);
    assert_eq!(report.updated, vec!["usine-a".to_string()]);
    assert_eq!(report.added.len(), 3);
    assert_eq!(report.position_kept, vec!["usine-a".to_string()]);
    let a = &actors[0];
    assert_eq!(a.precision, Precision::Manual);
    assert_eq!(a.position.unwrap().x(), 7.0);
    assert_eq!(a.naf.as_deref(), Some("20.13B"));
    assert!(a.naf_verified);
    assert_eq!(a.name, "Usine A (nom du programme)", "names are kept");
    // partial diffusion: commune point only, no address
    let hidden = actors.iter().find(|a| a.id == "32345678900013").unwrap();
    assert!(hidden.address.is_none());
    assert_eq!(hidden.precision, Precision::Commune);
    assert_eq!(hidden.position.unwrap().x(), 7.10);
    // running again does not duplicate
    let n = actors.len();
    let report = merge_into_actors(&mut actors, &ests, &points, "SIRENE test", false);
    assert_eq!(actors.len(), n);
    assert!(report.added.is_empty());
    // forced: SIRENE's position replaces the manual one
    merge_into_actors(&mut actors, &ests, &points, "SIRENE test", true);
    assert_eq!(actors[0].precision, Precision::Sirene);
    // a commune-level actor gets SIRENE's position without force
    let mut actors = vec![actor(
        "b",
        Some("12345678900011"),
        Some((7.1, 47.8)),
        Precision::Commune,
    )];
    merge_into_actors(&mut actors, &ests, &points, "SIRENE test", false);
    assert_eq!(actors[0].precision, Precision::Sirene);
}

#[test]
fn malformed_sirene_rows_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad_sirene.csv");
    let bad = row([
        "12345678900011",
        "O",
        "",
        "3",
        "",
        "RUE",
        "X",
        "68800",
        "THANN",
        "68334",
        "abc",
        "6749000",
        "A",
        "",
        "",
    ]);
    let good = row([
        "12345678900012",
        "O",
        "",
        "3",
        "",
        "RUE",
        "X",
        "68800",
        "THANN",
        "68334",
        "",
        "",
        "A",
        "",
        "",
    ]);
    std::fs::write(&p, format!("{HEADER}\n{good}\n{bad}\n")).unwrap();
    let err = read_establishments(&p, &codes(), SireneOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad_sirene.csv")
            && err.contains("line 3")
            && err.contains("`coordonneeLambertAbscisseEtablissement`"),
        "{err}"
    );
    std::fs::write(
        &p,
        "siret,codeCommuneEtablissement,etatAdministratifEtablissement\n123,68334,A\n",
    )
    .unwrap();
    let err = read_establishments(&p, &codes(), SireneOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2") && err.contains("`siret`"), "{err}");
    std::fs::write(&p, "siret,etatAdministratifEtablissement\n").unwrap();
    let err = read_establishments(&p, &codes(), SireneOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`codeCommuneEtablissement`") && err.contains("missing column"),
        "{err}"
    );
}
