//! SIRENE done properly: the legal unit joined to its establishments (zipped as INSEE publishes
//! them), the NAF nomenclature stored, SIRET suggestions for actors without one (listed, not
//! merged), `actors set-siret`.

use crate::common::{boucle_in, copy_geodata, ok};

use std::collections::HashSet;
use std::io::Write;

use boucle::geocode::legal_units::read_legal_units;
use boucle::territory::Territory;

const EST_HEADER: &str = "siren,nic,siret,statutDiffusionEtablissement,trancheEffectifsEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,etatAdministratifEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement,activitePrincipaleEtablissement,nomenclatureActivitePrincipaleEtablissement,activitePrincipaleNAF25Etablissement";
const UL_HEADER: &str = "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenomUsuelUniteLegale,nomUniteLegale,nomUsageUniteLegale,denominationUniteLegale,categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale";

/// A one-entry deflated ZIP archive (local header and data, as INSEE's stocks start).
fn zip(name: &str, content: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(content).unwrap();
    let data = enc.finish().unwrap();
    let mut z = b"PK\x03\x04".to_vec();
    z.extend_from_slice(&[20, 0, 8, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(content.len() as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(&data);
    z
}

fn est(
    siret: &str,
    diff: &str,
    street: &str,
    insee: &str,
    enseigne: &str,
    naf: &str,
    naf25: &str,
) -> String {
    format!(
        "{},{},{siret},{diff},12,3,,RUE,{street},68700,CERNAY,{insee},1006000,6746000,A,{enseigne},,{naf},{},{naf25}",
        &siret[..9],
        &siret[9..],
        if naf.is_empty() { "" } else { "NAFRev2" }
    )
}

#[test]
fn legal_units_name_establishments_and_hide_partial_diffusion() {
    let dir = tempfile::tempdir().unwrap();
    let ul = format!(
        "{UL_HEADER}\n732829320,O,,1990-01-01,,,,,,,METALLERIE DUPONT,5499,25.11Z\n\
         552100554,P,,1990-01-01,,M,JEAN,JEAN,[ND],[ND],,1000,25.11Z\n\
         999999999,O,,1990-01-01,,,,,,,AUTRE,5710,25.11Z\n"
    );
    let p = dir.path().join("StockUniteLegale_utf8.zip");
    std::fs::write(&p, zip("StockUniteLegale_utf8.csv", ul.as_bytes())).unwrap();
    let sirens: HashSet<String> = ["732829320", "552100554"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let units = read_legal_units(&p, &sirens).unwrap();
    assert_eq!(units.len(), 2, "only the SIRENs asked for");
    assert_eq!(
        units["732829320"].name.as_deref(),
        Some("METALLERIE DUPONT")
    );
    assert_eq!(units["732829320"].category.as_deref(), Some("5499"));
    assert!(units["552100554"].partial);
    assert_eq!(units["552100554"].name, None, "partial diffusion: no name");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "siren,foo\n1,2\n").unwrap();
    let err = read_legal_units(&bad, &sirens).unwrap_err().to_string();
    assert!(
        err.contains("bad.csv") && err.contains("denominationUniteLegale"),
        "{err}"
    );
}

#[test]
fn import_sirene_joins_units_suggests_and_set_siret_confirms() {
    let tmp = copy_geodata();
    let dir = tmp.path();
    // Angenstein (Cernay, 25.62B) has no SIRET: an establishment named like it is suggested,
    // not added; an unrelated one is added with its company's name; a NAF 2025-only row says
    // its nomenclature
    let ests = [
        EST_HEADER.to_owned(),
        est(
            "73282932000074",
            "O",
            "DE BELFORT",
            "68063",
            "",
            "25.11Z",
            "",
        ),
        est(
            "44306184100047",
            "O",
            "DE MULHOUSE",
            "68063",
            "ANGENSTEIN",
            "25.62B",
            "",
        ),
        est("55210055400012", "P", "[ND]", "68063", "", "", "16.24Y"),
    ]
    .join("\n");
    let ul = format!(
        "{UL_HEADER}\n732829320,O,,1990-01-01,,,,,,,METALLERIE DUPONT,5499,25.11Z\n\
         443061841,O,,1990-01-01,,,,,,,ANGENSTEIN SA,5599,25.62B\n\
         552100554,P,,1990-01-01,,M,JEAN,JEAN,[ND],[ND],,1000,16.24Y\n"
    );
    let ef = dir.join("StockEtablissement_utf8.zip");
    std::fs::write(&ef, zip("StockEtablissement_utf8.csv", ests.as_bytes())).unwrap();
    let uf = dir.join("StockUniteLegale_utf8.zip");
    std::fs::write(&uf, zip("StockUniteLegale_utf8.csv", ul.as_bytes())).unwrap();
    let before = Territory::load(dir).unwrap().actors.len();

    let args = [
        "actors",
        "import-sirene",
        ef.to_str().unwrap(),
        "--units",
        uf.to_str().unwrap(),
        "--json",
    ];
    let mut dry: Vec<&str> = args.to_vec();
    dry.push("--dry-run");
    let v: serde_json::Value = serde_json::from_str(&ok(&boucle_in(dir, &dry))).unwrap();
    assert_eq!(v["written"], false);
    assert_eq!(
        Territory::load(dir).unwrap().actors.len(),
        before,
        "dry run writes nothing"
    );

    let v: serde_json::Value = serde_json::from_str(&ok(&boucle_in(dir, &args))).unwrap();
    assert_eq!(v["legal_units_joined"], 3, "{v:#}");
    assert_eq!(v["withheld_as_suggestions"], 1, "{v:#}");
    let s = &v["suggestions"][0];
    assert_eq!(s["actor"], "angenstein-sa", "{v:#}");
    assert_eq!(s["siret"], "44306184100047");
    assert!(s["reasons"].to_string().contains("same commune"), "{v:#}");
    let t = Territory::load(dir).unwrap();
    assert_eq!(t.actors.len(), before + 2, "the suggested one is not added");
    assert!(
        t.actors
            .iter()
            .all(|a| a.siret.as_deref() != Some("44306184100047"))
    );
    let dupont = t.actor("73282932000074").unwrap();
    assert_eq!(
        dupont.name, "METALLERIE DUPONT",
        "the legal name, not 'Établissement …'"
    );
    assert_eq!(dupont.naf_nomenclature.as_deref(), Some("NAFRev2"));
    let p = t.actor("55210055400012").unwrap();
    assert_eq!(p.naf.as_deref(), Some("16.24Y"));
    assert_eq!(p.naf_nomenclature.as_deref(), Some("NAF2025"));
    assert_eq!(p.address, None, "partial diffusion keeps no address");
    assert!(
        p.name.starts_with("Établissement"),
        "no name for a partial-diffusion person: {p:?}"
    );

    // the officer confirms; a bad SIRET is refused with the reason
    let bad = boucle_in(
        dir,
        &["actors", "set-siret", "angenstein-sa", "44306184100048"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a valid SIRET"));
    let taken = boucle_in(
        dir,
        &["actors", "set-siret", "angenstein-sa", "73282932000074"],
    );
    assert!(
        String::from_utf8_lossy(&taken.stderr).contains("already"),
        "{taken:?}"
    );
    ok(&boucle_in(
        dir,
        &["actors", "set-siret", "angenstein-sa", "443 061 841 00047"],
    ));
    let v: serde_json::Value = serde_json::from_str(&ok(&boucle_in(dir, &args))).unwrap();
    assert_eq!(v["withheld_as_suggestions"], 0, "{v:#}");
    let t = Territory::load(dir).unwrap();
    assert_eq!(t.actors.len(), before + 2);
    let a = t.actor("angenstein-sa").unwrap();
    assert_eq!(a.siret.as_deref(), Some("44306184100047"));
    assert!(
        a.naf_verified && a.naf_nomenclature.as_deref() == Some("NAFRev2"),
        "{a:?}"
    );
}
