//! The officer's flow inventory from a spreadsheet (`boucle flows import FILE.xlsx|.ods|.csv`):
//! columns found by their French headers or a mapping, materials matched to the vocabulary
//! (labels, synonyms, EWC codes), holders matched to actors by SIRET or name, quantities
//! converted to the material's unit (t, kg, m³ through the material's density, litres, pallets
//! and other units through its unit weight). What cannot be settled (unknown or ambiguous
//! material or holder, unknown unit) goes to a review list, never guessed; a cell that is not a
//! number where one is needed is an error naming file, sheet, row and column.
//!
//! [`plan`] computes the new flows without writing; the command writes them (atomically, under
//! the folder's lock) unless `--dry-run`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::io::text::normalize;
use crate::territory::model::{Direction, Flow, Material};
use crate::territory::vocabulary::normalize_ewc;
use crate::territory::{Period, Territory, Vocabulary};

pub mod mapping;
pub mod sheet;
mod units;

use mapping::Role;
use sheet::{Cell, column_letters};

/// Options of an import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Sheet name (default: the first).
    pub sheet: Option<String>,
    /// Columns set by the officer (role → header).
    pub forced: BTreeMap<Role, String>,
    /// Direction of rows without a « Sens » column or value.
    pub direction: Direction,
    /// Period of rows without a « Période » column or value.
    pub period: Period,
    /// Date written in each flow's source.
    pub imported_on: String,
}

/// A row that was not imported, for the officer to settle.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewItem {
    /// File, sheet and row.
    #[serde(rename = "where")]
    pub at: String,
    /// Holder as written.
    pub holder: String,
    /// Material as written.
    pub material: String,
    /// Why it was not imported.
    pub reason: String,
}

/// What an import would do.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Sheet read.
    pub sheet: String,
    /// Columns used: role → header.
    pub columns: BTreeMap<String, String>,
    /// Flows added.
    pub added: Vec<Flow>,
    /// Flows replaced: (old, new) for the same holder, material and direction.
    pub updated: Vec<(Flow, Flow)>,
    /// Rows to review (not imported).
    pub review: Vec<ReviewItem>,
    /// Cell errors (row not imported), naming file, sheet, row and column.
    pub errors: Vec<String>,
    /// The whole flows file after the import.
    #[serde(skip)]
    pub flows: Vec<Flow>,
}

/// A company name folded for matching: [`normalize`]d, legal forms and "établissements"
/// dropped.
pub fn holder_key(name: &str) -> String {
    const DROP: &[&str] = &[
        "sarl",
        "sas",
        "sasu",
        "sa",
        "eurl",
        "sci",
        "snc",
        "scop",
        "ets",
        "etablissements",
        "etablissement",
        "societe",
        "ste",
        "groupe",
        "et",
        "cie",
    ];
    normalize(name)
        .split(' ')
        .filter(|w| !DROP.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compute the flows file after importing `path` into `t`'s flows.
pub fn plan(t: &Territory, path: &Path, opts: &Options) -> Result<Plan> {
    let sheet = sheet::read_sheet(path, opts.sheet.as_deref())?;
    let m = mapping::detect(&sheet, &opts.forced).map_err(|e| {
        crate::error::Error::Invalid(format!("{}, sheet {}: {e}", path.display(), sheet.name))
    })?;
    let vocabulary = Vocabulary::new(&t.materials);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut plan = Plan {
        sheet: sheet.name.clone(),
        columns: m
            .headers
            .iter()
            .map(|(r, h)| (r.name().to_owned(), h.clone()))
            .collect(),
        added: Vec::new(),
        updated: Vec::new(),
        review: Vec::new(),
        errors: Vec::new(),
        flows: t.flows.clone(),
    };
    for (k, row) in sheet.rows.iter().enumerate().skip(m.header_row + 1) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let row_no = sheet.first_row + k;
        let at = format!("{}, sheet {}, row {row_no}", path.display(), sheet.name);
        let cell = |role: Role| -> Cell {
            m.columns
                .get(&role)
                .and_then(|&i| row.get(i))
                .cloned()
                .unwrap_or(Cell::Empty)
        };
        let column = |role: Role| -> String {
            m.columns
                .get(&role)
                .map(|&i| {
                    format!(
                        "column {} ({})",
                        column_letters(sheet.first_column + i),
                        m.headers.get(&role).map(String::as_str).unwrap_or("")
                    )
                })
                .unwrap_or_default()
        };
        let holder_text = cell(Role::Holder).text();
        let material_text = cell(Role::Material).text();
        let review = |reason: String| ReviewItem {
            at: at.clone(),
            holder: holder_text.clone(),
            material: material_text.clone(),
            reason,
        };
        // Quantity: a number in range (a cell error otherwise).
        let quantity = match units::number(&cell(Role::Quantity)) {
            Ok(Some(q)) => q,
            Ok(None) => {
                plan.errors
                    .push(format!("{at}, {}: empty quantity", column(Role::Quantity)));
                continue;
            }
            Err(e) => {
                plan.errors
                    .push(format!("{at}, {}: {e}", column(Role::Quantity)));
                continue;
            }
        };
        // Material: from the name, else from the code; both given must agree.
        let ewc_text = cell(Role::Ewc).text();
        let ewc = normalize_ewc(&ewc_text);
        if !ewc_text.is_empty() && ewc.is_none() {
            plan.errors.push(format!(
                "{at}, {}: `{ewc_text}` is not an EWC code (6 digits, e.g. 15 01 03)",
                column(Role::Ewc)
            ));
            continue;
        }
        let by_name = (!material_text.is_empty())
            .then(|| vocabulary.resolve(&material_text))
            .flatten();
        let by_code = ewc.as_ref().and_then(|c| vocabulary.resolve(c));
        let slug = match (&by_name, &by_code) {
            (Some(a), Some(b)) if a.slug.is_some() && b.slug.is_some() && a.slug != b.slug => {
                plan.review.push(review(format!(
                    "material \"{material_text}\" is {} but code {} is {}",
                    a.slug.as_deref().unwrap_or(""),
                    ewc.as_deref().unwrap_or(""),
                    b.slug.as_deref().unwrap_or("")
                )));
                continue;
            }
            (Some(a), _) if a.slug.is_some() => a.slug.clone(),
            (_, Some(b)) if b.slug.is_some() => b.slug.clone(),
            (Some(a), _) | (_, Some(a)) => {
                plan.review.push(review(format!(
                    "only the family \"{}\" is recognised, not a material of the vocabulary \
                     (add a synonym to materials.csv)",
                    a.family
                )));
                continue;
            }
            (None, None) => {
                plan.review.push(review(format!(
                    "unknown material{} (add a synonym or an EWC code to materials.csv)",
                    if ewc_text.is_empty() {
                        String::new()
                    } else {
                        format!(" and code {ewc_text}")
                    }
                )));
                continue;
            }
        };
        let Some(material) = slug.as_deref().and_then(|s| t.material(s)) else {
            continue;
        };
        // Holder: SIRET first, then the name.
        let holder = match match_holder(t, &cell(Role::Siret).text(), &holder_text) {
            Ok(h) => h,
            Err(reason) => {
                plan.review.push(review(reason));
                continue;
            }
        };
        // Unit and conversion.
        let unit_text = cell(Role::Unit).text();
        let (q, note) = match units::convert(quantity, &unit_text, material) {
            Ok(x) => x,
            Err(reason) => {
                plan.review.push(review(reason));
                continue;
            }
        };
        if !(0.0..=crate::limits::MAX_QUANTITY).contains(&q) {
            plan.errors.push(format!(
                "{at}, {}: {q} {} outside [0, {}]",
                column(Role::Quantity),
                material.unit,
                crate::limits::MAX_QUANTITY
            ));
            continue;
        }
        let direction = match cell(Role::Direction).text().as_str() {
            "" => opts.direction,
            s => match units::direction(s) {
                Some(d) => d,
                None => {
                    plan.errors.push(format!(
                        "{at}, {}: `{s}` is neither out (sortant, produit, gisement) nor in \
                         (entrant, besoin)",
                        column(Role::Direction)
                    ));
                    continue;
                }
            },
        };
        let period = match cell(Role::Period).text().as_str() {
            "" => opts.period,
            s => match Period::parse(s) {
                Some(p) => p,
                None => {
                    plan.errors.push(format!(
                        "{at}, {}: `{s}` is not a period ({})",
                        column(Role::Period),
                        Period::NAMES
                    ));
                    continue;
                }
            },
        };
        let collections = match units::frequency(&cell(Role::Frequency), period) {
            Ok(c) => c,
            Err(e) => {
                plan.errors
                    .push(format!("{at}, {}: {e}", column(Role::Frequency)));
                continue;
            }
        };
        let mut source = format!(
            "{file_name}, sheet {}, row {row_no}, imported {}",
            sheet.name, opts.imported_on
        );
        if let Some(n) = note {
            source.push_str(&format!(" ({n})"));
        }
        let flow = Flow {
            holder,
            material: material.slug.clone(),
            ewc_code: ewc.unwrap_or_default(),
            direction,
            quantity: q,
            unit: material.unit.clone(),
            period,
            collections_per_period: collections,
            estimate: false,
            source,
        };
        let same = |f: &Flow| {
            f.holder == flow.holder && f.material == flow.material && f.direction == flow.direction
        };
        if plan.added.iter().any(same) || plan.updated.iter().any(|(_, n)| same(n)) {
            plan.review.push(review(format!(
                "a row above already gives {} of {} ({}): not added twice",
                flow.holder,
                flow.material,
                flow.direction.as_str()
            )));
            continue;
        }
        match plan.flows.iter_mut().find(|f| same(f)) {
            Some(old) => {
                plan.updated.push((old.clone(), flow.clone()));
                *old = flow;
            }
            None => {
                plan.added.push(flow.clone());
                plan.flows.push(flow);
            }
        }
    }
    Ok(plan)
}

/// The actor (or site) a row names: by SIRET when given and known, else by name (legal forms
/// and accents ignored). Two or more candidates, or none: the reason, for review.
fn match_holder(t: &Territory, siret: &str, name: &str) -> std::result::Result<String, String> {
    let siret: String = siret.chars().filter(|c| !c.is_whitespace()).collect();
    if !siret.is_empty() {
        if let Some(a) = t
            .actors
            .iter()
            .find(|a| a.siret.as_deref() == Some(siret.as_str()))
        {
            return Ok(a.id.clone());
        }
        if name.is_empty() {
            return Err(format!("no actor with SIRET {siret}"));
        }
    }
    let key = holder_key(name);
    if key.is_empty() {
        return Err("no holder (neither a name nor a known SIRET)".into());
    }
    let mut ids: Vec<&str> = t
        .actors
        .iter()
        .filter(|a| holder_key(&a.name) == key || holder_key(&a.id) == key)
        .map(|a| a.id.as_str())
        .chain(
            t.sites
                .iter()
                .filter(|s| holder_key(&s.name) == key)
                .map(|s| s.id.as_str()),
        )
        .collect();
    ids.dedup();
    match ids.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(format!(
            "no actor named \"{name}\"{} (add it, or set its SIRET with `boucle actors set-siret`)",
            if siret.is_empty() {
                String::new()
            } else {
                format!(" nor with SIRET {siret}")
            }
        )),
        many => Err(format!(
            "\"{name}\" matches several actors ({}): not merged, give the SIRET",
            many.join(", ")
        )),
    }
}

/// Density of a material in kg/m³ (`kg_per_unit / m3_per_unit`), when its volume is known.
pub(crate) fn density_kg_per_m3(m: &Material) -> Option<f64> {
    m.m3_per_unit
        .filter(|v| *v > 0.0)
        .map(|v| m.kg_per_unit / v)
}
