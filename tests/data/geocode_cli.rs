//! Territory-level commands through the binary: import-ban, geocode, set-position, geocode
//! actors, import-sirene; on a copy of the repository's geodata/ with a BAN fixture.

use crate::common::{BAN_HEADER, boucle_in, copy_geodata, ok};

use std::path::{Path, PathBuf};

use boucle::territory::{Precision, Territory, write_actors};

/// Addresses placed around the communes' representative points (inside their polygons).
fn write_ban(dir: &Path) -> PathBuf {
    let rows = [
        (
            "1",
            "",
            "Rue de la Gare",
            "68800",
            "68334",
            "Thann",
            7.0971,
            47.8162,
        ),
        (
            "3",
            "",
            "Rue de la Gare",
            "68800",
            "68334",
            "Thann",
            7.0972,
            47.8163,
        ),
        (
            "3",
            "bis",
            "Rue de la Gare",
            "68800",
            "68334",
            "Thann",
            7.0973,
            47.8164,
        ),
        (
            "5",
            "",
            "Rue de la Gare",
            "68800",
            "68334",
            "Thann",
            7.0974,
            47.8165,
        ),
        (
            "2",
            "",
            "Rue des Vosges",
            "68800",
            "68334",
            "Thann",
            7.0969,
            47.8160,
        ),
        (
            "7",
            "",
            "Rue de la Gare",
            "68800",
            "68348",
            "Vieux-Thann",
            7.1265,
            47.8071,
        ),
        (
            "1",
            "",
            "Rue de Paris",
            "75001",
            "75101",
            "Paris 1er",
            2.34,
            48.86,
        ),
    ];
    let mut s = format!("{BAN_HEADER}\n");
    for (i, (n, rep, voie, cp, insee, com, lon, lat)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "{insee}_{i};;{n};{rep};{voie};{cp};{insee};{com};;;0;0;{lon};{lat};entrée;;;;;;;;\n"
        ));
    }
    let p = dir.join("adresses-68.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn import_geocode_set_position_and_actors() {
    let tmp = copy_geodata();
    let dir = tmp.path();
    let ban = write_ban(dir);
    let out = ok(&boucle_in(
        dir,
        &["geocode", "import-ban", ban.to_str().unwrap(), "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["addresses"], 6);
    assert_eq!(v["records_outside_territory"], 1);
    assert!(dir.join("addresses.idx").is_file());

    let out = ok(&boucle_in(
        dir,
        &["geocode", "3 bis r. de la gare 68800 Thann", "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["type"], "housenumber");
    assert_eq!(v["insee"], "68334");
    assert!((v["lon"].as_f64().unwrap() - 7.0973).abs() < 1e-9);
    let out = ok(&boucle_in(dir, &["geocode", "Rue des Vosges, Thann"]));
    assert!(
        out.contains("type\tstreet") && out.contains("insee\t68334"),
        "{out}"
    );

    // CSV in, CSV out
    let csv_in = dir.join("in.csv");
    std::fs::write(
        &csv_in,
        "name,adresse\nA,\"3 rue de la Gare, 68800 Thann\"\nB,nulle part\n",
    )
    .unwrap();
    let out = ok(&boucle_in(
        dir,
        &[
            "geocode",
            "--csv",
            csv_in.to_str().unwrap(),
            "--column",
            "adresse",
        ],
    ));
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "name,adresse,result_lon,result_lat,result_score,result_type,result_label,result_insee"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .contains(",housenumber,3 Rue de la Gare 68800 Thann,68334")
    );
    assert_eq!(lines.next(), Some("B,nulle part,,,,,,"));
    let bad = boucle_in(dir, &["geocode", "--csv", csv_in.to_str().unwrap()]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("in.csv") && err.contains("`address`"), "{err}");

    // give some actors addresses
    let t = Territory::load(dir).unwrap();
    let mut actors = t.actors.clone();
    let set = |actors: &mut Vec<boucle::territory::Actor>, id: &str, addr: &str| {
        actors.iter_mut().find(|a| a.id == id).unwrap().address = Some(addr.into());
    };
    set(
        &mut actors,
        "mic-thann-sas-cristal-france-sas",
        "3 bis rue de la Gare, 68800 Thann",
    );
    set(
        &mut actors,
        "ppc-potasse-et-produits-chimiques",
        "12 rue Inconnue, 68800 Thann",
    );
    set(&mut actors, "clipso-productions", "7 rue de la gare");
    set(&mut actors, "angenstein-sa", "5 rue de la Gare 68800 Thann");
    write_actors(dir, &actors).unwrap();

    // a manual position first
    ok(&boucle_in(
        dir,
        &[
            "actors",
            "set-position",
            "clipso-productions",
            "7.127",
            "47.8075",
        ],
    ));
    let t = Territory::load(dir).unwrap();
    let clipso = t.actor("clipso-productions").unwrap();
    assert_eq!(clipso.precision, Precision::Manual);
    assert_eq!(clipso.position.unwrap().x(), 7.127);
    let bad = boucle_in(dir, &["actors", "set-position", "nobody", "7.1", "47.8"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nobody"));

    let out = ok(&boucle_in(dir, &["geocode", "actors", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["geocoded"], 3, "{v:#}");
    assert_eq!(v["kept_manual"][0], "clipso-productions");
    assert_eq!(v["written"], true);
    let review: Vec<&str> = v["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(
        review.contains(&"ppc-potasse-et-produits-chimiques"),
        "{v:#}"
    );
    assert!(
        review.contains(&"angenstein-sa"),
        "declared Cernay, found Thann: {v:#}"
    );
    assert!(
        !review.contains(&"mic-thann-sas-cristal-france-sas"),
        "{v:#}"
    );
    let t = Territory::load(dir).unwrap();
    let mic = t.actor("mic-thann-sas-cristal-france-sas").unwrap();
    assert_eq!(mic.precision, Precision::Housenumber);
    assert!((mic.position.unwrap().x() - 7.0973).abs() < 1e-7);
    assert_eq!(
        t.actor("clipso-productions").unwrap().precision,
        Precision::Manual
    );

    // --force replaces the manual position (the hint gives Vieux-Thann's 7 rue de la Gare)
    let out = ok(&boucle_in(dir, &["geocode", "actors", "--force", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["geocoded"], 4, "{v:#}");
    let t = Territory::load(dir).unwrap();
    let clipso = t.actor("clipso-productions").unwrap();
    assert_eq!(clipso.precision, Precision::Housenumber);
    assert!((clipso.position.unwrap().x() - 7.1265).abs() < 1e-7);
}

#[test]
fn import_sirene_into_the_territory() {
    let tmp = copy_geodata();
    let dir = tmp.path();
    let p = dir.join("sirene.csv");
    std::fs::write(
        &p,
        "siret,statutDiffusionEtablissement,etatAdministratifEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,trancheEffectifsEtablissement\n\
         12345678900011,O,A,3,,RUE,DE LA GARE,68800,THANN,68334,USINE A,,20.13B,1004000,6749000,12\n\
         22345678900012,P,A,[ND],[ND],[ND],[ND],68800,THANN,68334,[ND],[ND],96.02A,[ND],[ND],NN\n\
         32345678900013,O,A,1,,RUE,DE RIVOLI,75001,PARIS,75101,X,,47.11B,652000,6862000,00\n",
    )
    .unwrap();
    let out = ok(&boucle_in(
        dir,
        &["actors", "import-sirene", p.to_str().unwrap(), "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["added"], 2, "{v:#}");
    assert_eq!(v["partial_diffusion"], 1);
    let t = Territory::load(dir).unwrap();
    let a = t.actor("12345678900011").unwrap();
    assert_eq!(a.precision, Precision::Sirene);
    assert_eq!(a.address.as_deref(), Some("3 Rue DE LA GARE, 68800 THANN"));
    let hidden = t.actor("22345678900012").unwrap();
    assert!(hidden.address.is_none());
    assert_eq!(hidden.precision, Precision::Commune);
    // again: updated, not duplicated
    let n = t.actors.len();
    let out = ok(&boucle_in(
        dir,
        &["actors", "import-sirene", p.to_str().unwrap(), "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["added"], 0);
    assert_eq!(v["updated"], 2);
    assert_eq!(Territory::load(dir).unwrap().actors.len(), n);
}
