//! The register of synergies followed by the programme (`synergies.csv` in the territory
//! folder): reading, checking against the territory (`boucle check`), recording.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Territory;
use super::vocabulary::{Vocabulary, normalize};
use crate::error::{Error, InputError, Result};
use crate::io::atomic::write_atomic;
use crate::io::csv::{CsvTable, Row, to_csv_bytes};
use crate::io::date::{date_after, date_parts, today};

/// File name of the synergy register in a territory folder.
pub const SYNERGIES_FILE: &str = "synergies.csv";

/// Columns of the register, in order.
pub const SYNERGY_COLUMNS: [&str; 9] = [
    "id", "title", "material", "status", "actors", "started", "updated", "notes", "source",
];

/// Where a synergy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A lead, not yet studied.
    Idea,
    /// Under study (feasibility, quantities).
    Study,
    /// The actors are negotiating.
    Negotiation,
    /// In operation.
    Implemented,
    /// Dropped.
    Abandoned,
}

impl Status {
    /// All statuses, in order.
    pub const ALL: [Status; 5] = [
        Status::Idea,
        Status::Study,
        Status::Negotiation,
        Status::Implemented,
        Status::Abandoned,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idea => "idea",
            Status::Study => "study",
            Status::Negotiation => "negotiation",
            Status::Implemented => "implemented",
            Status::Abandoned => "abandoned",
        }
    }

    /// Parse an English or French name (accents and case ignored): `idea`/`idée`,
    /// `study`/`étude`, `negotiation`/`négociation`, `implemented`/`réalisée`/`en place`,
    /// `abandoned`/`abandonnée`.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match normalize(s).as_str() {
            "idea" | "idee" | "piste" => Status::Idea,
            "study" | "etude" | "en etude" => Status::Study,
            "negotiation" | "negociation" | "en negociation" => Status::Negotiation,
            "implemented" | "realisee" | "realise" | "en place" | "mise en oeuvre" => {
                Status::Implemented
            }
            "abandoned" | "abandonnee" | "abandonne" => Status::Abandoned,
            _ => return None,
        })
    }
}

/// A synergy followed by the programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Synergy {
    /// Stable identifier.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Material slug.
    pub material: String,
    /// Where it stands.
    pub status: Status,
    /// Actor (or site) ids involved.
    pub actors: Vec<String>,
    /// Start date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub started: Option<String>,
    /// Date of the last update (same forms).
    pub updated: Option<String>,
    /// Notes.
    pub notes: String,
    /// Provenance (e.g. "demonstration, not a programme record").
    pub source: String,
}

/// The synergy of one register row, with the problems that the row alone shows (empty id or
/// title, unknown status, dates that do not parse or are out of order) pushed on `errors`.
fn row_synergy(row: &Row<'_>, errors: &mut Vec<InputError>) -> Option<Synergy> {
    let before = errors.len();
    let mut take = |r: Result<String, InputError>| r.map_err(|e| errors.push(e)).ok();
    let id = take(row.required("id"));
    let title = take(row.required("title"));
    let material = take(row.required("material"));
    if let Some(id) = &id
        && id.contains([';', '\n'])
    {
        errors.push(row.error("id", format!("`{id}` contains `;` or a line break")));
    }
    let raw = row.get("status");
    let status = Status::parse(raw);
    if status.is_none() {
        errors.push(row.error(
            "status",
            format!("unknown status `{raw}` (idea, study, negotiation, implemented, abandoned)"),
        ));
    }
    let mut date = |col: &str| match row.optional(col) {
        Some(d) if date_parts(&d).is_none() => {
            errors.push(row.error(
                col,
                format!("`{d}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
            ));
            None
        }
        d => d,
    };
    let started = date("started");
    let updated = date("updated");
    if let (Some(s), Some(u)) = (&started, &updated)
        && date_after(s, u)
    {
        errors.push(row.error(
            "updated",
            format!("last update `{u}` is before the start `{s}`"),
        ));
    }
    if errors.len() > before {
        return None;
    }
    Some(Synergy {
        id: id?,
        title: title?,
        material: material?,
        status: status?,
        actors: row.list("actors"),
        started,
        updated,
        notes: row.get("notes").to_owned(),
        source: row.get("source").to_owned(),
    })
}

/// Parse register bytes as if read from `path`. The first problem is the error, naming the
/// line and the field.
pub fn parse_register(path: &Path, bytes: &[u8]) -> Result<Vec<Synergy>> {
    let table = CsvTable::from_bytes(path, bytes, b',', &SYNERGY_COLUMNS)?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in table.iter() {
        let mut errors = Vec::new();
        let Some(s) = row_synergy(&row, &mut errors) else {
            return Err(errors.swap_remove(0).into());
        };
        if let Some(first) = seen.insert(s.id.clone(), row.line()) {
            return Err(row
                .error(
                    "id",
                    format!("duplicate id `{}` (first on line {first})", s.id),
                )
                .into());
        }
        out.push(s);
    }
    Ok(out)
}

/// Check the register at `path` against territory `t` (`boucle check`): every problem found,
/// each naming the file, the line and the field — rows with a wrong number of fields, empty id
/// or title, duplicate ids, a status outside the controlled list, a material that is not one of
/// the territory's slugs, actors that are neither actors nor sites, dates that do not parse or
/// an update before the start. Returns the number of rows read and the problems; a missing
/// file is an empty register.
pub fn check_register(t: &Territory, path: &Path) -> (usize, Vec<InputError>) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (0, Vec::new()),
        Err(e) => return (0, Error::io(path, e).into_input_errors(path)),
    };
    let table = match CsvTable::from_bytes_lenient(path, &bytes, b',', &SYNERGY_COLUMNS) {
        Ok(table) => table,
        Err(e) => return (0, e.into_input_errors(path)),
    };
    let mut errors = table.row_errors.clone();
    let vocab = Vocabulary::new(&t.materials);
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in table.iter() {
        row_synergy(&row, &mut errors);
        let id = row.get("id");
        if !id.is_empty()
            && let Some(first) = seen.insert(id.to_owned(), row.line())
        {
            errors.push(row.error("id", format!("duplicate id `{id}` (first on line {first})")));
        }
        let m = row.get("material");
        if !m.is_empty() && t.material(m).is_none() {
            let msg = match vocab.resolve(m).and_then(|r| r.slug) {
                Some(slug) => format!("`{m}` is not a material slug: write `{slug}`"),
                None => format!(
                    "unknown material `{m}` (known: {})",
                    t.materials
                        .iter()
                        .map(|m| m.slug.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            errors.push(row.error("material", msg));
        }
        let mut listed = HashSet::new();
        for a in row.list("actors") {
            if t.actor(&a).is_none() && t.site(&a).is_none() {
                errors.push(row.error("actors", format!("unknown actor or site `{a}`")));
            } else if !listed.insert(a.clone()) {
                errors.push(row.error("actors", format!("`{a}` listed twice")));
            }
        }
    }
    (table.rows.len() + table.row_errors.len(), errors)
}

/// Read the register at `path`; a missing file is an empty register.
pub fn read_register(path: &Path) -> Result<Vec<Synergy>> {
    match std::fs::read(path) {
        Ok(bytes) => parse_register(path, &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The register of the territory (`synergies.csv` in its folder).
pub fn register_of(t: &Territory) -> Result<Vec<Synergy>> {
    read_register(&t.dir.join(SYNERGIES_FILE))
}

/// Write the register atomically.
pub fn write_register(path: &Path, synergies: &[Synergy]) -> Result<()> {
    let rows: Vec<Vec<String>> = synergies
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.title.clone(),
                s.material.clone(),
                s.status.as_str().to_owned(),
                s.actors.join(";"),
                s.started.clone().unwrap_or_default(),
                s.updated.clone().unwrap_or_default(),
                s.notes.clone(),
                s.source.clone(),
            ]
        })
        .collect();
    write_atomic(path, &to_csv_bytes(&SYNERGY_COLUMNS, &rows)?)
}

/// Check a synergy against the territory: known material (a label, synonym or EWC code naming
/// one material is replaced by its slug), known actors or sites, valid dates, non-empty id and
/// title.
pub fn validate(t: &Territory, s: &mut Synergy) -> Result<()> {
    let bad = |m: String| Err(Error::Invalid(format!("synergy `{}`: {m}", s.id)));
    if s.id.trim().is_empty() || s.id.contains([',', '\n', ';']) {
        return bad("the id must be non-empty, without `,` `;` or line breaks".into());
    }
    if s.title.trim().is_empty() {
        return bad("empty title".into());
    }
    if t.material(&s.material).is_none() {
        match Vocabulary::new(&t.materials)
            .resolve(&s.material)
            .and_then(|r| r.slug)
        {
            Some(slug) => s.material = slug,
            None => return bad(format!("unknown material `{}`", s.material)),
        }
    }
    for a in &s.actors {
        if t.actor(a).is_none() && t.site(a).is_none() {
            return bad(format!("unknown actor or site `{a}`"));
        }
    }
    for d in [&s.started, &s.updated].into_iter().flatten() {
        if date_parts(d).is_none() {
            return bad(format!("`{d}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"));
        }
    }
    Ok(())
}

/// Whether [`record`] created or replaced the synergy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recorded {
    /// A new id.
    Created,
    /// An existing id, replaced.
    Updated,
}

/// Add or replace (by id) a synergy in the territory's register, after [`validate`]; `updated`
/// defaults to today. The file is rewritten atomically.
pub fn record(t: &Territory, mut s: Synergy) -> Result<(Recorded, Synergy)> {
    validate(t, &mut s)?;
    if s.updated.is_none() {
        s.updated = Some(today());
    }
    let path = t.dir.join(SYNERGIES_FILE);
    // Read-modify-write under the folder's lock: a concurrent `record` never loses this one.
    let _lock = super::lock::TerritoryLock::acquire(&t.dir)?;
    let mut all = read_register(&path)?;
    let outcome = match all.iter_mut().find(|x| x.id == s.id) {
        Some(x) => {
            *x = s.clone();
            Recorded::Updated
        }
        None => {
            all.push(s.clone());
            Recorded::Created
        }
    };
    write_register(&path, &all)?;
    Ok((outcome, s))
}

/// Counts of synergies by status (every status present, zero included).
pub fn count_by_status(synergies: &[Synergy]) -> BTreeMap<Status, usize> {
    let mut m: BTreeMap<Status, usize> = Status::ALL.iter().map(|&s| (s, 0)).collect();
    for s in synergies {
        *m.entry(s.status).or_default() += 1;
    }
    m
}
