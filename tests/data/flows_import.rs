//! `boucle flows import`: an xlsx inventory (written here with rust_xlsxwriter) with French
//! headers and material names, tonnes, kg, m³ and pallets, a SIRET, unknown materials and
//! holders for review, a bad cell named by sheet, row and column; a `;` CSV with decimal
//! commas; the dry run changes nothing.

use std::path::Path;

use boucle::territory::{Direction, Flow, Territory};
use rust_xlsxwriter::Workbook;

use crate::common::{boucle_in, copy_geodata, ok};

/// A SIRET whose Luhn check digit is right, from its first 13 digits.
fn luhn_siret(first13: &str) -> String {
    (0..10)
        .map(|d| format!("{first13}{d}"))
        .find(|s| {
            let sum: u32 = s
                .chars()
                .rev()
                .enumerate()
                .map(|(i, c)| {
                    let v = c.to_digit(10).unwrap();
                    if i % 2 == 1 {
                        let w = v * 2;
                        if w > 9 { w - 9 } else { w }
                    } else {
                        v
                    }
                })
                .sum();
            sum.is_multiple_of(10)
        })
        .unwrap()
}

fn write_inventory(path: &Path, siret: &str) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Inventaire").unwrap();
    ws.write_string(0, 0, "Inventaire des flux — diagnostic 2025")
        .unwrap();
    let header = [
        "Entreprise",
        "SIRET",
        "Matière/Déchet",
        "Code déchet",
        "Quantité",
        "Unité",
        "Fréquence",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    enum V<'a> {
        S(&'a str),
        N(f64),
    }
    use V::*;
    let rows: Vec<[V; 7]> = vec![
        [
            S("Angenstein SA"),
            S(""),
            S("Cartons"),
            S(""),
            N(12.5),
            S("t"),
            S("12/an"),
        ],
        [
            S("Ets Techorma"),
            S(siret),
            S("Chutes de bois"),
            S(""),
            N(12.0),
            S("m³"),
            S("mensuelle"),
        ],
        [
            S("Super U"),
            S(""),
            S("Bidule inconnu"),
            S(""),
            N(3.0),
            S("t"),
            S(""),
        ],
        [
            S("Entreprise Fantôme"),
            S(""),
            S("Palettes"),
            S(""),
            N(10.0),
            S("palettes"),
            S(""),
        ],
        [
            S("Nord Réducteurs"),
            S(""),
            S("Palettes bois"),
            S("15 01 03"),
            N(400.0),
            S("palettes"),
            S(""),
        ],
        [
            S("Super U"),
            S(""),
            S("Verre"),
            S(""),
            S("beaucoup"),
            S("t"),
            S(""),
        ],
        [
            S("SUPER U"),
            S(""),
            S(""),
            S("20 01 02"),
            N(2000.0),
            S("kg"),
            S(""),
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (3 + r as u32, c as u16);
            match v {
                S("") => {}
                S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                N(x) => {
                    ws.write_number(r, c, *x).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn flow<'a>(t: &'a Territory, holder: &str, material: &str) -> &'a Flow {
    t.flows
        .iter()
        .find(|f| f.holder == holder && f.material == material && f.direction == Direction::Out)
        .unwrap_or_else(|| panic!("no flow {holder} {material}"))
}

#[test]
fn xlsx_inventory_imports_converts_and_lists_what_to_review() {
    let dir = copy_geodata();
    let siret = luhn_siret("7328293200007");
    ok(&boucle_in(
        dir.path(),
        &["actors", "set-siret", "techorma", &siret],
    ));
    let inbox = tempfile::tempdir().unwrap();
    let xlsx = inbox.path().join("inventaire.xlsx");
    write_inventory(&xlsx, &siret);
    let flows_before = std::fs::read(dir.path().join("flows.csv")).unwrap();

    // Dry run: says what would change, writes nothing.
    let out = boucle_in(
        dir.path(),
        &["flows", "import", xlsx.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(1), "a bad cell gives exit code 1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("+ techorma out wood 3 t/year, 12 collections"),
        "{stdout}"
    );
    assert!(
        stdout.contains("~ angenstein-sa out paper_cardboard 12.5 t/year, 12 collections"),
        "{stdout}"
    );
    assert!(stdout.contains("dry run: nothing written"), "{stdout}");
    assert!(
        stderr.contains("inventaire.xlsx, sheet Inventaire, row 9, column E (Quantité): `beaucoup` is not a number"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("flows.csv")).unwrap(),
        flows_before
    );

    // For real, with the review list written.
    let review = inbox.path().join("a-revoir.csv");
    let out = boucle_in(
        dir.path(),
        &[
            "flows",
            "import",
            xlsx.to_str().unwrap(),
            "--review",
            review.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let before = crate::common::load();
    let t = Territory::load(dir.path()).unwrap();
    // Cartons (synonym) → paper_cardboard, 12.5 t, replacing the 4 t.
    let f = flow(&t, "angenstein-sa", "paper_cardboard");
    assert_eq!(
        (f.quantity, f.unit.as_str(), f.collections_per_period),
        (12.5, "t", Some(12.0))
    );
    assert!(!f.estimate);
    assert!(
        f.source
            .starts_with("inventaire.xlsx, sheet Inventaire, row 4, imported "),
        "{}",
        f.source
    );
    // By SIRET; 12 m³ of wood at 250 kg/m³ = 3 t; monthly = 12 a year.
    let f = flow(&t, "techorma", "wood");
    assert_eq!(
        (f.quantity, f.unit.as_str(), f.collections_per_period),
        (3.0, "t", Some(12.0))
    );
    assert!(f.source.contains("12 m³ at 250 kg/m³"), "{}", f.source);
    // Pallets counted as pallets, the EWC code kept.
    let f = flow(&t, "nord-reducteurs", "pallets");
    assert_eq!((f.quantity, f.ewc_code.as_str()), (400.0, "15 01 03"));
    // By EWC code only; 2,000 kg = 2 t.
    let f = flow(&t, "super-u", "glass");
    assert_eq!((f.quantity, f.unit.as_str()), (2.0, "t"));
    // Nothing else changed; unknown material and holder not imported but listed.
    assert_eq!(t.flows.len(), before.flows.len() + 2);
    let text = std::fs::read_to_string(&review).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "where,holder,material,reason");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        text.contains("row 6")
            && text.contains("Bidule inconnu")
            && text.contains("unknown material"),
        "{text}"
    );
    assert!(
        text.contains("row 7")
            && text.contains("Entreprise Fantôme")
            && text.contains("no actor named"),
        "{text}"
    );
}

#[test]
fn semicolon_csv_with_decimal_commas_and_ambiguous_holders() {
    let dir = copy_geodata();
    let inbox = tempfile::tempdir().unwrap();
    let csv = inbox.path().join("flux.csv");
    std::fs::write(
        &csv,
        "Entreprise;Matière/Déchet;Quantité (par an);Unité;Sens\n\
         Les Halles de Cernay;Papiers et cartons;1,75;t;sortant\n\
         LES HALLES DE CERNAY;Biodéchets;2,5;m3;\n\
         Les Halles de Cernay;Palettes;1 200;kg;besoin\n",
    )
    .unwrap();
    let out = boucle_in(
        dir.path(),
        &["flows", "import", csv.to_str().unwrap(), "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["plan"]["columns"]["quantity"], "Quantité (par an)");
    let t = Territory::load(dir.path()).unwrap();
    assert_eq!(
        flow(&t, "les-halles-de-cernay", "paper_cardboard").quantity,
        1.75
    );
    // 2.5 m³ of biowaste at 1000/1.5 kg/m³ = 1.666667 t.
    let f = flow(&t, "les-halles-de-cernay", "organic");
    assert!((f.quantity - 1.666667).abs() < 1e-9, "{}", f.quantity);
    // 1,200 kg of pallets needed = 48 pallets of 25 kg, an in flow.
    let f = t
        .flows
        .iter()
        .find(|f| {
            f.holder == "les-halles-de-cernay"
                && f.material == "pallets"
                && f.direction == Direction::In
        })
        .unwrap();
    assert_eq!((f.quantity, f.unit.as_str()), (48.0, "pallets"));

    // Two actors whose names fold to the same key: listed, never merged.
    let actors = std::fs::read_to_string(dir.path().join("actors.csv")).unwrap();
    let line = actors.lines().find(|l| l.starts_with("super-u,")).unwrap();
    let twin = line.replacen("super-u,SUPER U", "super-u-2,SUPER U SAS", 1);
    std::fs::write(dir.path().join("actors.csv"), format!("{actors}{twin}\n")).unwrap();
    let flows_before = std::fs::read(dir.path().join("flows.csv")).unwrap();
    std::fs::write(
        &csv,
        "Entreprise;Déchet;Quantité;Unité\nSuper U;Verre;2;t\n",
    )
    .unwrap();
    let out = ok(&boucle_in(
        dir.path(),
        &["flows", "import", csv.to_str().unwrap()],
    ));
    assert!(
        out.contains("matches several actors (super-u, super-u-2)"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("flows.csv")).unwrap(),
        flows_before
    );

    // A mapping flag for a header that is not recognised.
    std::fs::write(
        &csv,
        "Producteur;Flux de matière;Tonnes;Unité\nSuper U;Verre;2;t\n",
    )
    .unwrap();
    let out = boucle_in(
        dir.path(),
        &["flows", "import", csv.to_str().unwrap(), "--dry-run"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--map ROLE=HEADER"));
    let out = ok(&boucle_in(
        dir.path(),
        &[
            "flows",
            "import",
            csv.to_str().unwrap(),
            "--dry-run",
            "--map",
            "material=Flux de matière",
            "--map",
            "quantity=Tonnes",
        ],
    ));
    assert!(out.contains("material=\"Flux de matière\""), "{out}");
}
