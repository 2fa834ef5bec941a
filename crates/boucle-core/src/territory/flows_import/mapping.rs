//! Which column holds what: French headers recognised (« Entreprise », « SIRET »,
//! « Matière/Déchet », « Code déchet », « Quantité », « Unité », « Fréquence », « Sens »,
//! « Période »), or set by the officer (`role=Header`, from flags or a mapping file).

use std::collections::BTreeMap;

use crate::io::text::normalize;

use super::sheet::{Cell, Sheet};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Holder's name.
    Holder,
    /// Holder's SIRET.
    Siret,
    /// Material name.
    Material,
    /// EWC code (code déchet).
    Ewc,
    /// Quantity.
    Quantity,
    /// Unit of the quantity.
    Unit,
    /// Collections per period.
    Frequency,
    /// Out (produced) or in (needed).
    Direction,
    /// Period of the quantity.
    Period,
}

impl Role {
    /// Every role with its name in mappings.
    pub const ALL: &'static [(Role, &'static str)] = &[
        (Role::Holder, "holder"),
        (Role::Siret, "siret"),
        (Role::Material, "material"),
        (Role::Ewc, "ewc"),
        (Role::Quantity, "quantity"),
        (Role::Unit, "unit"),
        (Role::Frequency, "frequency"),
        (Role::Direction, "direction"),
        (Role::Period, "period"),
    ];

    /// The role's name in mappings.
    pub fn name(self) -> &'static str {
        Role::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map(|(_, n)| *n)
            .unwrap_or("")
    }

    /// Parse [`Self::name`].
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .iter()
            .find(|(_, n)| *n == s.trim())
            .map(|(r, _)| *r)
    }

    /// Headers (normalised) recognised for the role, most specific first.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Role::Holder => &[
                "entreprise",
                "etablissement",
                "raison sociale",
                "societe",
                "nom entreprise",
                "detenteur",
                "producteur",
                "nom",
                "company",
                "holder",
            ],
            Role::Siret => &["siret", "n siret", "numero siret", "no siret"],
            Role::Material => &[
                "matiere dechet",
                "dechet matiere",
                "matiere",
                "dechet",
                "dechets",
                "type de dechet",
                "nature du dechet",
                "nature",
                "designation",
                "material",
            ],
            Role::Ewc => &[
                "code dechet",
                "code ced",
                "ced",
                "code nomenclature",
                "code europeen",
                "code lod",
                "ewc",
            ],
            Role::Quantity => &[
                "quantite",
                "qte",
                "quantite annuelle",
                "tonnage",
                "gisement",
                "volume",
                "quantity",
            ],
            Role::Unit => &["unite", "unites", "u", "unit"],
            Role::Frequency => &[
                "frequence",
                "frequence de collecte",
                "frequence d enlevement",
                "nb collectes",
                "nombre de collectes",
                "enlevements",
                "frequency",
            ],
            Role::Direction => &["sens", "flux", "entrant sortant", "direction"],
            Role::Period => &["periode", "period"],
        }
    }
}

/// The columns found: role → 0-based index in the rows, and the header row's index.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Index in `Sheet::rows` of the header row.
    pub header_row: usize,
    /// Role → column index (in the row).
    pub columns: BTreeMap<Role, usize>,
    /// The header text of each mapped column.
    pub headers: BTreeMap<Role, String>,
}

fn role_of(header: &str, taken: &BTreeMap<Role, usize>) -> Option<Role> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    // Exact header first, then a header starting with a known one ("Quantité (t/an)").
    for exact in [true, false] {
        for (role, _) in Role::ALL {
            if taken.contains_key(role) {
                continue;
            }
            let hit = role.headers().iter().any(|k| {
                if exact {
                    h == *k
                } else {
                    h.starts_with(&format!("{k} "))
                }
            });
            if hit {
                return Some(*role);
            }
        }
    }
    None
}

/// Find the header row (within the first 30 rows: the first where a material or EWC column
/// and a quantity column are recognised) and map its columns; `forced` (role → header text,
/// from the officer) wins over recognition. Error: what was missing.
pub fn detect(sheet: &Sheet, forced: &BTreeMap<Role, String>) -> Result<Mapping, String> {
    let mut best_err = String::from("the sheet is empty");
    for (k, row) in sheet.rows.iter().enumerate().take(30) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let texts: Vec<String> = row.iter().map(Cell::text).collect();
        let mut columns = BTreeMap::new();
        let mut headers = BTreeMap::new();
        let mut missing_forced = Vec::new();
        for (role, header) in forced {
            let n = normalize(header);
            match texts.iter().position(|t| normalize(t) == n) {
                Some(i) => {
                    columns.insert(*role, i);
                    headers.insert(*role, texts[i].clone());
                }
                None => missing_forced.push(format!("{}=\"{header}\"", role.name())),
            }
        }
        for (i, t) in texts.iter().enumerate() {
            if columns.values().any(|&c| c == i) {
                continue;
            }
            if let Some(role) = role_of(t, &columns) {
                columns.insert(role, i);
                headers.insert(role, t.clone());
            }
        }
        let has_material =
            columns.contains_key(&Role::Material) || columns.contains_key(&Role::Ewc);
        let has_holder = columns.contains_key(&Role::Holder) || columns.contains_key(&Role::Siret);
        if has_material && columns.contains_key(&Role::Quantity) && has_holder {
            if !missing_forced.is_empty() {
                return Err(format!(
                    "row {}: no column {} (header: {})",
                    sheet.first_row + k,
                    missing_forced.join(", "),
                    texts.join(" | ")
                ));
            }
            return Ok(Mapping {
                header_row: k,
                columns,
                headers,
            });
        }
        if k == 0 || columns.len() > 1 {
            best_err = format!(
                "no header row with a holder (« Entreprise » or « SIRET »), a material \
                 (« Matière/Déchet » or « Code déchet ») and a quantity (« Quantité ») column; \
                 row {} reads: {} (map columns with --map ROLE=HEADER)",
                sheet.first_row + k,
                texts.join(" | ")
            );
        }
    }
    Err(best_err)
}

/// Parse `role=Header` items (flags or lines of a mapping file; `#` comments and blank lines
/// ignored).
pub fn parse_forced<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<Role, String>, String> {
    let mut out = BTreeMap::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() || item.starts_with('#') {
            continue;
        }
        let (role, header) = item
            .split_once('=')
            .ok_or_else(|| format!("`{item}`: expected ROLE=HEADER"))?;
        let role = Role::parse(role).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|(_, n)| *n).collect();
            format!("`{}`: unknown role ({})", role.trim(), names.join(", "))
        })?;
        let header = header.trim().trim_matches('"').to_owned();
        if header.is_empty() {
            return Err(format!("`{item}`: empty header"));
        }
        out.insert(role, header);
    }
    Ok(out)
}
