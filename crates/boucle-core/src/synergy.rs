//! Synergies: matching what one actor gives away ("out" flows) with what another needs or
//! treats ("in" flows, and the materials a treatment site `accepts`), through a controlled
//! vocabulary; and the register of synergies followed by the programme (`synergies.csv`).
//!
//! The [`Vocabulary`] joins the territory's materials file (slugs, French labels, European Waste
//! Catalogue codes, families, French synonyms) with a built-in table of EWC codes and French
//! family words, all compared after accent and case folding ([`normalize`]). A match always
//! says why ([`MatchReason`]): same material, same EWC code, a synonym, or only the same
//! family; materials of different families never match.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use geo::Point;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError, Result};
use crate::io::csv::{CsvTable, Row, to_csv_bytes};
use crate::network::Router;
use crate::siting::{annual, crow_flies_of, router_for, travel_costs};
use crate::territory::{Direction, Material, Territory};
use crate::travel::{CostMatrix, Method};

/// Lower case, accents folded, every run of non-alphanumeric characters turned into one space,
/// trimmed: `"Palettes  EUROPE"` → `"palettes europe"`, `"Métaux"` → `"metaux"`.
pub fn normalize(s: &str) -> String {
    let folded = deunicode::deunicode(s).to_lowercase();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A European Waste Catalogue code in canonical form (`"15 01 03"`) from any spelling with six
/// digits (`150103`, `15.01.03`, `15 01 03*`), or `None` when `s` is not one.
pub fn normalize_ewc(s: &str) -> Option<String> {
    let t = s.trim().trim_end_matches('*').trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.' || c == '-')
    {
        return None;
    }
    let d: String = t.chars().filter(char::is_ascii_digit).collect();
    (d.len() == 6).then(|| format!("{} {} {}", &d[0..2], &d[2..4], &d[4..6]))
}

/// Built-in EWC codes and their material family, for codes that the materials file may not
/// list (chapters 02–20 of the European Waste Catalogue, common non-hazardous entries).
const EWC_FAMILIES: &[(&str, &str)] = &[
    ("02 01 04", "plastics"),
    ("02 02 03", "organic"),
    ("02 03 04", "organic"),
    ("02 05 01", "organic"),
    ("03 01 01", "wood"),
    ("03 01 05", "wood"),
    ("03 03 07", "paper"),
    ("03 03 08", "paper"),
    ("04 02 09", "textiles"),
    ("04 02 21", "textiles"),
    ("04 02 22", "textiles"),
    ("07 02 13", "plastics"),
    ("10 11 12", "glass"),
    ("12 01 01", "metals"),
    ("12 01 02", "metals"),
    ("12 01 03", "metals"),
    ("12 01 04", "metals"),
    ("12 01 05", "plastics"),
    ("15 01 01", "paper"),
    ("15 01 02", "plastics"),
    ("15 01 03", "wood"),
    ("15 01 04", "metals"),
    ("15 01 07", "glass"),
    ("15 01 09", "textiles"),
    ("16 01 17", "metals"),
    ("16 01 18", "metals"),
    ("16 01 19", "plastics"),
    ("16 01 20", "glass"),
    ("16 02 14", "weee"),
    ("16 02 16", "weee"),
    ("16 10 02", "effluents"),
    ("17 02 01", "wood"),
    ("17 02 02", "glass"),
    ("17 02 03", "plastics"),
    ("17 04 01", "metals"),
    ("17 04 02", "metals"),
    ("17 04 05", "metals"),
    ("17 04 07", "metals"),
    ("19 12 01", "paper"),
    ("19 12 02", "metals"),
    ("19 12 04", "plastics"),
    ("19 12 05", "glass"),
    ("19 12 07", "wood"),
    ("19 12 08", "textiles"),
    ("20 01 01", "paper"),
    ("20 01 02", "glass"),
    ("20 01 08", "organic"),
    ("20 01 10", "textiles"),
    ("20 01 11", "textiles"),
    ("20 01 36", "weee"),
    ("20 01 38", "wood"),
    ("20 01 39", "plastics"),
    ("20 01 40", "metals"),
    ("20 02 01", "organic"),
    ("20 03 07", "furniture"),
];

/// French (and English) words naming a whole family, after [`normalize`].
const FAMILY_WORDS: &[(&str, &str)] = &[
    ("bois", "wood"),
    ("wood", "wood"),
    ("papier", "paper"),
    ("papiers", "paper"),
    ("carton", "paper"),
    ("cartons", "paper"),
    ("paper", "paper"),
    ("plastique", "plastics"),
    ("plastiques", "plastics"),
    ("plastics", "plastics"),
    ("metal", "metals"),
    ("metaux", "metals"),
    ("metals", "metals"),
    ("ferraille", "metals"),
    ("verre", "glass"),
    ("glass", "glass"),
    ("textile", "textiles"),
    ("textiles", "textiles"),
    ("organique", "organic"),
    ("organiques", "organic"),
    ("biodechets", "organic"),
    ("deee", "weee"),
    ("d3e", "weee"),
    ("weee", "weee"),
    ("effluents", "effluents"),
    ("mobilier", "furniture"),
];

/// How a term was recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Via {
    /// The material's slug.
    Slug,
    /// The material's French label.
    Label,
    /// One of the material's French synonyms (as written in the materials file).
    Synonym(String),
    /// A European Waste Catalogue code (canonical form).
    Ewc(String),
    /// A word naming a whole family.
    Family(String),
}

/// What a term means in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// The material, when the term names exactly one.
    pub slug: Option<String>,
    /// The family.
    pub family: String,
    /// How it was recognised.
    pub via: Via,
}

/// Why an out flow matches an in flow, strongest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// The same material slug.
    SameMaterial {
        /// The slug.
        slug: String,
    },
    /// A shared European Waste Catalogue code.
    SameEwc {
        /// The code.
        code: String,
    },
    /// Recognised through a French synonym.
    Synonym {
        /// The synonym, as written in the materials file.
        term: String,
    },
    /// Different materials of the same family.
    SameFamily {
        /// The family.
        family: String,
    },
}

impl MatchReason {
    /// A short explanation: `same material "pallets"`, `same EWC code 15 01 02`,
    /// `synonym "palette europe"`, `same family "wood"`.
    pub fn describe(&self) -> String {
        match self {
            MatchReason::SameMaterial { slug } => format!("same material \"{slug}\""),
            MatchReason::SameEwc { code } => format!("same EWC code {code}"),
            MatchReason::Synonym { term } => format!("synonym \"{term}\""),
            MatchReason::SameFamily { family } => format!("same family \"{family}\""),
        }
    }

    /// Weight of the reason in the ranking: 1.0 same material, 0.9 same EWC code, 0.8 synonym,
    /// 0.5 same family.
    pub fn weight(&self) -> f64 {
        match self {
            MatchReason::SameMaterial { .. } => 1.0,
            MatchReason::SameEwc { .. } => 0.9,
            MatchReason::Synonym { .. } => 0.8,
            MatchReason::SameFamily { .. } => 0.5,
        }
    }

    /// Whether the match is at least as strong as a shared EWC code or synonym (a family alone
    /// is only a lead).
    pub fn is_specific(&self) -> bool {
        !matches!(self, MatchReason::SameFamily { .. })
    }
}

#[derive(Debug, Clone)]
struct Entry {
    slug: String,
    family: String,
    ewc: Vec<String>,
    synonyms: Vec<(String, String)>, // (normalised, as written)
}

/// The controlled vocabulary of materials: see the module documentation.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    entries: Vec<Entry>,
    by_slug: HashMap<String, usize>,
    /// normalised term → (entry, how)
    terms: HashMap<String, Vec<(usize, Via)>>,
    /// EWC code → entries listing it
    ewc: HashMap<String, Vec<usize>>,
    ewc_family: HashMap<&'static str, &'static str>,
    family_words: HashMap<&'static str, &'static str>,
}

impl Vocabulary {
    /// Build the vocabulary from the territory's materials and the built-in tables.
    pub fn new(materials: &[Material]) -> Vocabulary {
        let mut v = Vocabulary {
            entries: Vec::new(),
            by_slug: HashMap::new(),
            terms: HashMap::new(),
            ewc: HashMap::new(),
            ewc_family: EWC_FAMILIES.iter().copied().collect(),
            family_words: FAMILY_WORDS.iter().copied().collect(),
        };
        for (k, m) in materials.iter().enumerate() {
            let ewc: Vec<String> = m
                .ewc_codes
                .iter()
                .filter_map(|c| normalize_ewc(c))
                .collect();
            for c in &ewc {
                v.ewc.entry(c.clone()).or_default().push(k);
            }
            let synonyms: Vec<(String, String)> = m
                .synonyms_fr
                .iter()
                .map(|s| (normalize(s), s.clone()))
                .filter(|(n, _)| !n.is_empty())
                .collect();
            v.by_slug.insert(m.slug.clone(), k);
            v.terms
                .entry(normalize(&m.slug))
                .or_default()
                .push((k, Via::Slug));
            v.terms
                .entry(normalize(&m.label_fr))
                .or_default()
                .push((k, Via::Label));
            for (n, s) in &synonyms {
                v.terms
                    .entry(n.clone())
                    .or_default()
                    .push((k, Via::Synonym(s.clone())));
            }
            v.entries.push(Entry {
                slug: m.slug.clone(),
                family: normalize(&m.family),
                ewc,
                synonyms,
            });
        }
        v
    }

    /// The family of a material slug.
    pub fn family(&self, slug: &str) -> Option<&str> {
        self.by_slug
            .get(slug)
            .map(|&k| self.entries[k].family.as_str())
    }

    fn one(&self, hits: &[(usize, Via)]) -> Option<Resolved> {
        let first = hits.first()?;
        let slugs: HashSet<usize> = hits.iter().map(|h| h.0).collect();
        let families: HashSet<&str> = slugs
            .iter()
            .map(|&k| self.entries[k].family.as_str())
            .collect();
        if families.len() != 1 {
            return None;
        }
        Some(Resolved {
            slug: (slugs.len() == 1).then(|| self.entries[first.0].slug.clone()),
            family: self.entries[first.0].family.clone(),
            via: first.1.clone(),
        })
    }

    /// What `term` means: a slug, an EWC code in any spelling, a French label or synonym
    /// (accents and case ignored; a synonym contained as whole words in a longer phrase counts),
    /// or a family word. `None` when unknown or ambiguous across families.
    pub fn resolve(&self, term: &str) -> Option<Resolved> {
        if let Some(&k) = self.by_slug.get(term.trim()) {
            return Some(Resolved {
                slug: Some(self.entries[k].slug.clone()),
                family: self.entries[k].family.clone(),
                via: Via::Slug,
            });
        }
        if let Some(code) = normalize_ewc(term) {
            if let Some(ks) = self.ewc.get(&code) {
                let hits: Vec<(usize, Via)> =
                    ks.iter().map(|&k| (k, Via::Ewc(code.clone()))).collect();
                return self.one(&hits);
            }
            return self.ewc_family.get(code.as_str()).map(|f| Resolved {
                slug: None,
                family: (*f).to_owned(),
                via: Via::Ewc(code.clone()),
            });
        }
        let n = normalize(term);
        if n.is_empty() {
            return None;
        }
        if let Some(hits) = self.terms.get(&n) {
            return self.one(hits);
        }
        // Longest known term contained as whole words.
        let padded = format!(" {n} ");
        let mut best: Option<(&String, &Vec<(usize, Via)>)> = None;
        for (t, hits) in &self.terms {
            if padded.contains(&format!(" {t} ")) && best.is_none_or(|(b, _)| t.len() > b.len()) {
                best = Some((t, hits));
            }
        }
        if let Some((_, hits)) = best {
            return self.one(hits);
        }
        n.split(' ').find_map(|w| {
            self.family_words.get(w).map(|f| Resolved {
                slug: None,
                family: (*f).to_owned(),
                via: Via::Family(w.to_owned()),
            })
        })
    }

    /// Why two free terms (slugs, EWC codes, labels, synonyms) match, or `None` when they do
    /// not (unknown term, or different families).
    pub fn match_terms(&self, a: &str, b: &str) -> Option<MatchReason> {
        let (ra, rb) = (self.resolve(a)?, self.resolve(b)?);
        let synonym = |r: &Resolved| match &r.via {
            Via::Synonym(s) => Some(s.clone()),
            _ => None,
        };
        let ewc = |r: &Resolved| match &r.via {
            Via::Ewc(c) => Some(c.clone()),
            _ => None,
        };
        if ra.slug.is_some() && ra.slug == rb.slug {
            if let Some(term) = synonym(&ra).or_else(|| synonym(&rb)) {
                return Some(MatchReason::Synonym { term });
            }
            if let Some(code) = ewc(&ra).or_else(|| ewc(&rb)) {
                return Some(MatchReason::SameEwc { code });
            }
            return Some(MatchReason::SameMaterial {
                slug: ra.slug.unwrap_or_default(),
            });
        }
        if let (Some(x), Some(y)) = (ewc(&ra), ewc(&rb))
            && x == y
        {
            return Some(MatchReason::SameEwc { code: x });
        }
        // One side names a material, the other an EWC code that material lists.
        for (r, other) in [(&ra, &rb), (&rb, &ra)] {
            if let (Some(slug), Some(code)) = (&r.slug, ewc(other))
                && self
                    .by_slug
                    .get(slug)
                    .is_some_and(|&k| self.entries[k].ewc.contains(&code))
            {
                return Some(MatchReason::SameEwc { code });
            }
        }
        (ra.family == rb.family).then_some(MatchReason::SameFamily { family: ra.family })
    }

    /// Why an out flow of material `out_slug` (declared EWC code `out_ewc`, may be empty) matches
    /// an in flow of `in_slug` (code `in_ewc`), or `None` across families.
    pub fn match_materials(
        &self,
        out_slug: &str,
        out_ewc: &str,
        in_slug: &str,
        in_ewc: &str,
    ) -> Option<MatchReason> {
        if out_slug == in_slug {
            return Some(MatchReason::SameMaterial {
                slug: out_slug.to_owned(),
            });
        }
        let (a, b) = (
            &self.entries[*self.by_slug.get(out_slug)?],
            &self.entries[*self.by_slug.get(in_slug)?],
        );
        let codes = |e: &Entry, declared: &str| -> Vec<String> {
            match normalize_ewc(declared) {
                Some(c) => vec![c],
                None => e.ewc.clone(),
            }
        };
        let (ca, cb) = (codes(a, out_ewc), codes(b, in_ewc));
        if let Some(code) = ca.iter().find(|c| cb.contains(c)) {
            return Some(MatchReason::SameEwc { code: code.clone() });
        }
        if a.family != b.family {
            return None;
        }
        if let Some((_, s)) = a
            .synonyms
            .iter()
            .find(|(n, _)| b.synonyms.iter().any(|(m, _)| m == n))
        {
            return Some(MatchReason::Synonym { term: s.clone() });
        }
        Some(MatchReason::SameFamily {
            family: a.family.clone(),
        })
    }
}

/// One candidate synergy: an out flow and an in side that could take it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynergyCandidate {
    /// Holder of the out flow (actor or site id).
    pub out_holder: String,
    /// Its name.
    pub out_name: String,
    /// Material given away.
    pub out_material: String,
    /// Tonnes per year given away.
    pub out_tonnes_per_year: f64,
    /// Actor or site that needs or treats it.
    pub in_holder: String,
    /// Its name.
    pub in_name: String,
    /// `actor` (an in flow) or `site` (a treatment site's `accepts`).
    pub in_kind: String,
    /// Material on the in side.
    pub in_material: String,
    /// Tonnes per year asked on the in side, when known.
    pub in_tonnes_per_year: Option<f64>,
    /// Why they match.
    pub reason: MatchReason,
    /// The reason in words.
    pub reason_text: String,
    /// min/max of the two tonnages in [0, 1]; 0.5 when the in side gives no quantity.
    pub quantity_compatibility: f64,
    /// One-way travel distance, km, when both have a position.
    pub distance_km: Option<f64>,
    /// Whether the in side lies in the territory.
    pub in_territory: bool,
    /// Whether the in side is in the same intercommunality as the out holder (when both known).
    pub same_epci: Option<bool>,
    /// Ranking score in [0, 1]: reason weight × (½ quantity compatibility + ½ 1/(1 + km/10)).
    pub score: f64,
    /// Whether the out flow is a demonstration or estimated value.
    pub estimate: bool,
}

/// All candidate synergies of a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchReport {
    /// Candidates, best score first.
    pub candidates: Vec<SynergyCandidate>,
    /// How distances were obtained.
    pub method: Method,
    /// Whether any out flow is a demonstration or estimated value.
    pub estimate: bool,
    /// Out flows considered.
    pub out_flows: usize,
    /// In sides considered (in flows + materials accepted by sites).
    pub in_sides: usize,
    /// Out flows with no match at all, as `holder: material`.
    pub unmatched: Vec<String>,
}

/// A side of a potential synergy, with its position and administrative place.
#[derive(Debug, Clone)]
pub(crate) struct Side {
    pub holder: String,
    pub name: String,
    pub kind: &'static str,
    pub material: String,
    pub ewc: String,
    pub tonnes: Option<f64>,
    pub point: Option<Point<f64>>,
    pub epci: Option<String>,
    pub in_territory: bool,
    pub estimate: bool,
}

/// The EPCI SIREN of a holder: from its INSEE code, else from its position.
fn holder_place(
    t: &Territory,
    insee: Option<&str>,
    point: Option<Point<f64>>,
    idx: &crate::spatial::SpatialIndex,
) -> (Option<String>, bool) {
    if let Some(c) = insee.and_then(|i| t.commune(i)) {
        return (Some(c.epci_siren.clone()), true);
    }
    if let Some(p) = point
        && let Some(e) = idx.epci_at(p.x(), p.y())
    {
        return (Some(e.siren.clone()), true);
    }
    (None, false)
}

/// Out flows and in sides of the territory. Flows whose tonnage cannot be computed get `None`
/// tonnes on the in side, and are skipped on the out side.
pub(crate) fn sides(t: &Territory) -> (Vec<Side>, Vec<Side>) {
    let idx = crate::spatial::SpatialIndex::new(t);
    let mut outs = Vec::new();
    let mut ins = Vec::new();
    let mut in_keys = HashSet::new();
    for f in &t.flows {
        let Some(material) = t.material(&f.material) else {
            continue;
        };
        let tonnes = annual::tonnes_per_year(f, material).ok();
        let (name, insee, point) = if let Some(a) = t.actor(&f.holder) {
            (a.name.clone(), a.insee.as_deref(), a.position)
        } else if let Some(s) = t.site(&f.holder) {
            (s.name.clone(), s.insee.as_deref(), s.position)
        } else {
            continue;
        };
        let (epci, in_territory) = holder_place(t, insee, point, &idx);
        let side = Side {
            holder: f.holder.clone(),
            name,
            kind: if t.site(&f.holder).is_some() {
                "site"
            } else {
                "actor"
            },
            material: f.material.clone(),
            ewc: f.ewc_code.clone(),
            tonnes,
            point,
            epci,
            in_territory,
            estimate: f.estimate,
        };
        match f.direction {
            Direction::Out if tonnes.is_some() => outs.push(side),
            Direction::Out => {}
            Direction::In => {
                in_keys.insert((f.holder.clone(), f.material.clone()));
                ins.push(side);
            }
        }
    }
    for s in &t.sites {
        let (epci, in_territory) = holder_place(t, s.insee.as_deref(), s.position, &idx);
        for m in &s.accepts {
            if in_keys.insert((s.id.clone(), m.clone())) {
                ins.push(Side {
                    holder: s.id.clone(),
                    name: s.name.clone(),
                    kind: "site",
                    material: m.clone(),
                    ewc: String::new(),
                    tonnes: None,
                    point: s.position,
                    epci: epci.clone(),
                    in_territory,
                    estimate: false,
                });
            }
        }
    }
    (outs, ins)
}

/// Candidate out → in matches of the territory, ranked by score (see
/// [`SynergyCandidate::score`]), with the territory's router. An actor is never matched with
/// itself.
pub fn find_candidates(t: &Territory) -> Result<MatchReport> {
    find_candidates_with(t, router_for(t)?.as_ref())
}

/// [`find_candidates`] with a router the caller keeps.
pub fn find_candidates_with(t: &Territory, router: &dyn Router) -> Result<MatchReport> {
    let vocab = Vocabulary::new(&t.materials);
    let (outs, ins) = sides(t);
    let out_pts: Vec<Point<f64>> = outs.iter().filter_map(|s| s.point).collect();
    let in_pts: Vec<Point<f64>> = ins.iter().filter_map(|s| s.point).collect();
    let out_ix = position_index(&outs);
    let in_ix = position_index(&ins);
    let m = travel_costs(router, &crow_flies_of(t), &out_pts, &in_pts)?.matrix;
    let mut candidates = Vec::new();
    let mut unmatched = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        let mut any = false;
        for (j, n) in ins.iter().enumerate() {
            if o.holder == n.holder {
                continue;
            }
            let Some(reason) = vocab.match_materials(&o.material, &o.ewc, &n.material, &n.ewc)
            else {
                continue;
            };
            any = true;
            let ot = o.tonnes.unwrap_or(0.0);
            let q = match n.tonnes {
                Some(nt) if ot.max(nt) > 0.0 => ot.min(nt) / ot.max(nt),
                Some(_) => 0.0,
                None => 0.5,
            };
            let distance_km = match (out_ix[i], in_ix[j]) {
                (Some(a), Some(b)) => Some(m.distance_m(a, b) / 1000.0),
                _ => None,
            };
            let dscore = distance_km.map_or(0.0, |d| 1.0 / (1.0 + d / 10.0));
            let score = reason.weight() * (0.5 * q + 0.5 * dscore);
            candidates.push(SynergyCandidate {
                out_holder: o.holder.clone(),
                out_name: o.name.clone(),
                out_material: o.material.clone(),
                out_tonnes_per_year: ot,
                in_holder: n.holder.clone(),
                in_name: n.name.clone(),
                in_kind: n.kind.to_owned(),
                in_material: n.material.clone(),
                in_tonnes_per_year: n.tonnes,
                reason_text: reason.describe(),
                reason,
                quantity_compatibility: q,
                distance_km,
                in_territory: n.in_territory,
                same_epci: match (&o.epci, &n.epci) {
                    (Some(a), Some(b)) => Some(a == b),
                    _ => None,
                },
                score,
                estimate: o.estimate || n.estimate,
            });
        }
        if !any {
            unmatched.push(format!("{}: {}", o.holder, o.material));
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.out_holder.cmp(&b.out_holder))
            .then_with(|| a.in_holder.cmp(&b.in_holder))
    });
    Ok(MatchReport {
        estimate: outs.iter().any(|o| o.estimate),
        method: m.method(),
        out_flows: outs.len(),
        in_sides: ins.len(),
        unmatched,
        candidates,
    })
}

/// For each side, its row/column in the matrix built from the sides that have a position.
pub(crate) fn position_index(sides: &[Side]) -> Vec<Option<usize>> {
    let mut k = 0;
    sides
        .iter()
        .map(|s| {
            s.point.map(|_| {
                k += 1;
                k - 1
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Register

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

/// The parts of a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date (a real calendar day), or `None`.
fn date_parts(s: &str) -> Option<Vec<u32>> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, lo: u32, hi: u32| {
        (p.len() == len && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
            .filter(|v| (lo..=hi).contains(v))
    };
    let days_in_month = |y: u32, m: u32| match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match parts.as_slice() {
        [y] => Some(vec![num(y, 4, 1900, 2999)?]),
        [y, m] => Some(vec![num(y, 4, 1900, 2999)?, num(m, 2, 1, 12)?]),
        [y, m, d] => {
            let (y, m) = (num(y, 4, 1900, 2999)?, num(m, 2, 1, 12)?);
            Some(vec![y, m, num(d, 2, 1, days_in_month(y, m))?])
        }
        _ => None,
    }
}

fn valid_date(s: &str) -> bool {
    date_parts(s).is_some()
}

/// Whether date `a` is surely after date `b`, compared at the coarser of their precisions
/// (`2024-05` is not after `2024`).
fn date_after(a: &str, b: &str) -> bool {
    match (date_parts(a), date_parts(b)) {
        (Some(a), Some(b)) => {
            let n = a.len().min(b.len());
            a[..n] > b[..n]
        }
        _ => false,
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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
        Some(d) if !valid_date(&d) => {
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
    crate::io::atomic::write_atomic(path, &to_csv_bytes(&SYNERGY_COLUMNS, &rows)?)
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
        if !valid_date(d) {
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
