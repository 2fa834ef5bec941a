//! The rules an import applies to the compiled public pages: which sites treat waste and which
//! materials they accept (keyword rules), headcounts, park areas, and the demonstration flows of
//! the pilot companies (fixed ratios, labelled as estimates).

use crate::io::text::normalize;
use crate::territory::Period;
use crate::territory::model::*;

pub(super) fn known_text(s: &str) -> Option<String> {
    let t = s.trim();
    let l = t.to_lowercase();
    if t.is_empty() || l == "unknown" || l.starts_with("inconnu") {
        None
    } else {
        Some(t.to_owned())
    }
}

/// "52 (16,5 disponibles)" → (52, 16.5); "44" → (44, None).
pub(super) fn parse_area(s: &str) -> (Option<f64>, Option<f64>) {
    let nums: Vec<f64> = s
        .split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .filter(|t| !t.is_empty())
        .filter_map(|t| t.replace(',', ".").parse().ok())
        .collect();
    let free = s.contains("dispon").then(|| nums.get(1).copied()).flatten();
    (nums.first().copied(), free)
}

/// Whether a site's kind says it takes waste in (not an office, not a producer).
pub fn treats_waste(kind: &str) -> bool {
    let k = normalize(kind);
    [
        "decheterie",
        "dechetterie",
        "recycl",
        "collecte",
        "traitement",
        "reemploi",
        "ressourcerie",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// Materials a site accepts, derived from keywords of its name, kind and remarks (the compiled
/// pages say it in words, not in codes). Documented in SOURCES.md.
pub fn accepted_materials(text: &str) -> Vec<String> {
    let t = normalize(text);
    let has = |w: &str| t.contains(w);
    let mut out = Vec::new();
    let mut add = |m: &str| {
        if !out.iter().any(|x: &String| x == m) {
            out.push(m.to_owned());
        }
    };
    if has("broyeur de bois") || has("palette") {
        add("pallets");
    }
    if has("bois") {
        add("wood");
    }
    if has("papier") || has("carton") {
        add("paper_cardboard");
    }
    if has("dnd") {
        add("plastics");
    }
    if has("ferraille") || has("metaux") || has("vhu") {
        add("metals");
    }
    if has("textile") {
        add("textiles");
    }
    if has("biodechet") {
        add("organic");
    }
    if has("dechetterie publique") || has("decheterie publique") {
        for m in ["wood", "paper_cardboard", "metals", "weee"] {
            add(m);
        }
    }
    if has("ressourcerie") || has("reemploi") {
        for m in ["textiles", "weee"] {
            add(m);
        }
    }
    if has("mobilier") || has("encombrant") {
        add("furniture");
    }
    out
}

/// The first whole number of a published headcount ("~50 (2024)" → 50; "375-380" → 375).
pub fn headcount(text: &str) -> Option<u32> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|t| !t.is_empty())
        .and_then(|t| t.parse().ok())
        .filter(|&n| n > 0 && n < 100_000)
}

/// Demonstration flows: every pilot company gets pallets and paper/cardboard out-flows, plus
/// one material typical of its NAF division, sized from its published headcount by fixed
/// ratios (see SOURCES.md). They are NOT measurements: `estimate = true` and the source says so.
pub fn demonstration_flows(actors: &[Actor], materials: &[Material]) -> Vec<Flow> {
    const ASSUMED_HEADCOUNT: u32 = 20;
    let ewc = |slug: &str| {
        materials
            .iter()
            .find(|m| m.slug == slug)
            .and_then(|m| m.ewc_codes.first().cloned())
            .unwrap_or_default()
    };
    let mut flows = Vec::new();
    for a in actors {
        if a.kind != ActorKind::Company {
            continue;
        }
        let (n, basis) = match a.employees.as_deref().and_then(headcount) {
            Some(n) => (n, format!("published headcount {n}")),
            None => (
                ASSUMED_HEADCOUNT,
                format!("headcount unknown, {ASSUMED_HEADCOUNT} assumed"),
            ),
        };
        let division = a
            .naf
            .as_deref()
            .and_then(|c| c.get(..2))
            .and_then(|d| d.parse::<u32>().ok());
        let retail = division == Some(47);
        let per_employee_pallets = match division {
            Some(47) => 10.0,
            Some(20) => 4.0,
            Some(10..=33) => 3.0,
            _ => 2.0,
        };
        let per_employee_paper_t = if retail { 0.5 } else { 0.08 };
        let mut push = |material: &str, quantity: f64, unit: &str, per_year: f64, rule: &str| {
            flows.push(Flow {
                holder: a.id.clone(),
                material: material.to_owned(),
                ewc_code: ewc(material),
                direction: Direction::Out,
                quantity,
                unit: unit.to_owned(),
                period: Period::Year,
                collections_per_period: Some(per_year),
                estimate: true,
                source: format!(
                    "demonstration value, not measured: {rule} × {basis} (boucle import rule)"
                ),
            });
        };
        let nf = f64::from(n);
        push(
            "pallets",
            (nf * per_employee_pallets).round().max(12.0),
            "pallets",
            12.0,
            &format!("{per_employee_pallets} pallets/employee/year"),
        );
        push(
            "paper_cardboard",
            round1(nf * per_employee_paper_t).max(0.5),
            "t",
            26.0,
            &format!("{per_employee_paper_t} t/employee/year"),
        );
        match division {
            Some(20) => push(
                "big_bags",
                (nf * 0.5).round().max(10.0),
                "big_bags",
                4.0,
                "0.5 big-bags/employee/year",
            ),
            Some(25..=30) => push(
                "metals",
                round1(nf * 0.3).max(0.5),
                "t",
                4.0,
                "0.3 t/employee/year",
            ),
            Some(13) => push(
                "textiles",
                round1(nf * 0.2).max(0.5),
                "t",
                4.0,
                "0.2 t/employee/year",
            ),
            Some(11) | Some(22) => push(
                "plastics",
                round1(nf * 0.1).max(0.5),
                "t",
                12.0,
                "0.1 t/employee/year",
            ),
            _ => {}
        }
    }
    flows
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
