//! The controlled vocabulary of materials: the territory's materials file (slugs, French
//! labels, European Waste Catalogue codes, families, French synonyms) joined with a built-in
//! table of EWC codes and French family words, all compared after accent and case folding
//! ([`normalize`]). A match always says why ([`MatchReason`]): same material, same EWC code, a
//! synonym, or only the same family; materials of different families never match.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::Material;
pub use crate::io::text::normalize;

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
