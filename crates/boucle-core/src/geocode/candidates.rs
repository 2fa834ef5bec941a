//! Which commune a query names: by its words after the postcode, at the end of the street part,
//! or before it; current names and former (delegated) communes' names alike; exact, then fuzzy.
//!
//! The fuzzy match compares the whole names (Jaro–Winkler ≥
//! [`COMMUNE_MIN_SIMILARITY`]) and then word by word:
//! every word of the query must resemble a word of the name, so that "Soppe-le-Haut" is not
//! taken for Soppe-le-Bas nor "Aspach-le-Haut" for Aspach-le-Bas; a word of the name missing
//! from the query ("Bitschwiller" for Bitschwiller-lès-Thann) lowers the confidence by 15 %.

use crate::geocode::index::AddressIndex;
use crate::geocode::index::bag_common;
use crate::geocode::index::char_bag;
use crate::geocode::normalise::{canonical_key, jaro_winkler, jaro_winkler_bound};
use crate::geocode::query::Hints;

/// Minimum commune-name similarity for a fuzzy commune match.
pub const COMMUNE_MIN_SIMILARITY: f64 = 0.85;

/// Similarity of two words for the word-by-word check.
const WORD_MIN_SIMILARITY: f64 = 0.8;
/// Confidence factor when a word of the commune's name is missing from the query.
const MISSING_WORD_FACTOR: f64 = 0.85;

/// A commune candidate: commune index, confidence, and the words of the query left for the
/// street part.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommuneCandidate {
    /// Index of the commune in the address index.
    pub commune: u32,
    /// The former commune the query named, as an index in the commune's `former`.
    pub former: Option<u32>,
    /// How sure the commune is, in [0, 1].
    pub confidence: f64,
    /// The street words (house number removed, commune name removed).
    pub street_words: Vec<String>,
    /// Whether the query names the commune (or it is the caller's hint), rather than only its
    /// postcode.
    pub named: bool,
    /// Whether the commune was named before the street part.
    pub from_prefix: bool,
    /// Whether only the postcode led to it.
    pub postcode_only: bool,
    /// What in the query disagrees with this commune, if anything.
    pub disagreement: Option<String>,
}

/// A commune (or former commune) whose name matches, with its similarity.
type NameMatch = (u32, Option<u32>, f64);

/// The communes of an address index, as a query may name them.
pub(crate) struct CommuneNames<'a> {
    /// The address index whose communes are named.
    pub index: &'a AddressIndex,
}

impl CommuneNames<'_> {
    /// Candidate communes for a query, with the street words that remain, and the words that
    /// look like a commune name but match none (when no postcode of the territory is given
    /// either).
    pub(crate) fn commune_candidates(
        &self,
        words: &[String],
        prefix: &[String],
        after_pc: &[String],
        by_pc: &[u32],
        hints: Hints<'_>,
    ) -> (Vec<CommuneCandidate>, Option<String>) {
        let idx = &self.index;
        let (named, unmatched) = self.named_candidates(words, prefix, after_pc, by_pc);
        let Some(c) = hints.insee.and_then(|i| idx.commune_by_insee(i)) else {
            return (named, unmatched);
        };
        // the known commune first: the query as is, and without the commune's name at its end
        let base = CommuneCandidate {
            commune: c,
            confidence: 1.0,
            street_words: words.to_vec(),
            named: true,
            ..CommuneCandidate::default()
        };
        let mut out = vec![base.clone()];
        let ckey = &idx.commune_keys[c as usize];
        if after_pc.is_empty() {
            for k in (1..words.len().min(6)).rev() {
                let tail = canonical_key(&words[words.len() - k..]);
                if !tail.is_empty()
                    && (tail == *ckey || jaro_winkler(&tail, ckey) >= COMMUNE_MIN_SIMILARITY)
                {
                    out.push(CommuneCandidate {
                        street_words: words[..words.len() - k].to_vec(),
                        ..base.clone()
                    });
                    break;
                }
            }
        }
        // a commune named in the text that differs from the known one is a candidate too, a
        // little less trusted (the caller flags the disagreement); the known commune named by
        // one of its former communes is the known one
        for mut n in named {
            if n.commune != c {
                n.confidence *= 0.9;
                out.push(n);
            } else if n.former.is_some() {
                out.push(n);
            }
        }
        (out, unmatched)
    }

    /// Candidate communes named by the query text itself (postcode, commune name).
    fn named_candidates(
        &self,
        words: &[String],
        prefix: &[String],
        after_pc: &[String],
        by_pc: &[u32],
    ) -> (Vec<CommuneCandidate>, Option<String>) {
        let from =
            |(commune, former, confidence): NameMatch, street_words: &[String]| CommuneCandidate {
                commune,
                former,
                confidence,
                street_words: street_words.to_vec(),
                named: true,
                ..CommuneCandidate::default()
            };
        let postcode_only = |confidence: f64, disagreement: Option<String>| {
            by_pc
                .iter()
                .map(|&c| CommuneCandidate {
                    commune: c,
                    confidence,
                    street_words: words.to_vec(),
                    postcode_only: true,
                    disagreement: disagreement.clone(),
                    ..CommuneCandidate::default()
                })
                .collect::<Vec<_>>()
        };
        // words after the postcode name the commune
        if !after_pc.is_empty() {
            let ckey = canonical_key(after_pc);
            let found = self.match_commune_name(&ckey, by_pc, true);
            if !found.is_empty() {
                let mut out: Vec<CommuneCandidate> =
                    found.into_iter().map(|m| from(m, words)).collect();
                out.extend(self.prefix_candidates(words, prefix, by_pc));
                return (out, None);
            }
            let text = after_pc.join(" ");
            if by_pc.is_empty() {
                return (Vec::new(), Some(text));
            }
            let why = format!("commune \"{text}\" not found among the postcode's communes");
            let conf = if by_pc.len() == 1 { 0.9 } else { 0.8 };
            return (postcode_only(conf, Some(why)), None);
        }
        let mut out = Vec::new();
        // the last words of the street part name the commune: exact, longest first
        let n = words.len();
        for k in (1..=n.min(6)).rev() {
            let tail = canonical_key(&words[n - k..]);
            let found = self.exact_names(&tail, by_pc);
            if !found.is_empty() {
                out.extend(found.into_iter().map(|m| from(m, &words[..n - k])));
                break;
            }
        }
        // the words before the street part
        out.extend(self.prefix_candidates(words, prefix, by_pc));
        if !out.is_empty() {
            return (out, None);
        }
        // fuzzy on the last words (1 to 4)
        let mut best: Vec<(NameMatch, usize)> = Vec::new();
        for k in 1..=n.min(4) {
            let tail = canonical_key(&words[n - k..]);
            if tail.len() < 3 {
                continue;
            }
            for m in self.match_commune_name(&tail, by_pc, false) {
                best.push((m, k));
            }
        }
        best.sort_by(|a, b| b.0.2.total_cmp(&a.0.2));
        best.dedup_by_key(|(m, _)| (m.0, m.1));
        if !best.is_empty() {
            return (
                best.into_iter()
                    .take(2)
                    .map(|(m, k)| from(m, &words[..n - k]))
                    .collect(),
                None,
            );
        }
        (
            postcode_only(if by_pc.len() == 1 { 0.95 } else { 0.85 }, None),
            None,
        )
    }

    /// Communes named by the words before the street part: all of them, their first or last
    /// words (exact), or all of them (fuzzy, up to four words).
    fn prefix_candidates(
        &self,
        words: &[String],
        prefix: &[String],
        by_pc: &[u32],
    ) -> Vec<CommuneCandidate> {
        let n = prefix.len();
        if n == 0 {
            return Vec::new();
        }
        let mut found = Vec::new();
        for k in (1..=n.min(5)).rev() {
            for part in [&prefix[..k], &prefix[n - k..]] {
                found = self.exact_names(&canonical_key(part), by_pc);
                if !found.is_empty() {
                    break;
                }
            }
            if !found.is_empty() {
                break;
            }
        }
        if found.is_empty() && n <= 4 {
            found = self.match_commune_name(&canonical_key(prefix), by_pc, false);
        }
        found
            .into_iter()
            .map(|(commune, former, confidence)| CommuneCandidate {
                commune,
                former,
                confidence,
                street_words: words.to_vec(),
                named: true,
                from_prefix: true,
                ..CommuneCandidate::default()
            })
            .collect()
    }

    /// Communes and former communes named exactly `ckey`, those of the postcode first: when
    /// none has the postcode, all of them (the answer then says the postcode disagrees).
    fn exact_names(&self, ckey: &str, restrict: &[u32]) -> Vec<NameMatch> {
        let idx = &self.index;
        let mut all: Vec<NameMatch> = Vec::new();
        if let Some(cs) = idx.communes_by_key.get(ckey) {
            all.extend(cs.iter().map(|&c| (c, None, 1.0)));
        }
        if let Some(fs) = idx.formers_by_key.get(ckey) {
            all.extend(fs.iter().map(|&(c, f)| (c, Some(f), 1.0)));
        }
        if restrict.is_empty() {
            return all;
        }
        let inside: Vec<NameMatch> = all
            .iter()
            .copied()
            .filter(|m| restrict.contains(&m.0))
            .collect();
        if inside.is_empty() { all } else { inside }
    }

    /// Communes whose name matches `ckey`: exact matches with confidence 1, else the two best
    /// fuzzy matches (see the module's rules) among `restrict` (or all communes when empty).
    /// `exact_anywhere`: an exact name outside `restrict` is accepted too.
    fn match_commune_name(
        &self,
        ckey: &str,
        restrict: &[u32],
        exact_anywhere: bool,
    ) -> Vec<NameMatch> {
        let idx = &self.index;
        let exact = self.exact_names(ckey, restrict);
        if !exact.is_empty()
            && (exact_anywhere || restrict.is_empty() || restrict.contains(&exact[0].0))
        {
            return exact;
        }
        let mut best: Vec<NameMatch> = Vec::new();
        let qbag = char_bag(ckey);
        let mut consider = |c: u32, former: Option<u32>, k: &str| {
            let bag = match former {
                None => idx.commune_bags[c as usize],
                Some(_) => char_bag(k),
            };
            let common = bag_common(&qbag, &bag);
            if jaro_winkler_bound(common, ckey.len(), k.len()) < COMMUNE_MIN_SIMILARITY {
                return;
            }
            let sim = name_similarity(ckey, k);
            if sim > 0.0 {
                best.push((c, former, sim));
            }
        };
        let in_scope = |c: u32| restrict.is_empty() || restrict.contains(&c);
        for c in 0..idx.communes.len() as u32 {
            if in_scope(c) {
                consider(c, None, &idx.commune_keys[c as usize]);
            }
        }
        for (c, f, k) in &idx.former_keys {
            if in_scope(*c) {
                consider(*c, Some(*f), k);
            }
        }
        best.sort_by(|a, b| b.2.total_cmp(&a.2));
        best.truncate(2);
        best
    }
}

/// The fuzzy similarity of a query's commune words and a commune's name (both keys): 0 when
/// they do not match (see the module's rules).
pub fn name_similarity(q: &str, name: &str) -> f64 {
    let jw = jaro_winkler(q, name);
    if jw < COMMUNE_MIN_SIMILARITY {
        return 0.0;
    }
    let close = |a: &str, b: &str| a == b || jaro_winkler(a, b) >= WORD_MIN_SIMILARITY;
    if !q
        .split(' ')
        .all(|qw| name.split(' ').any(|nw| close(qw, nw)))
    {
        return 0.0;
    }
    if name
        .split(' ')
        .all(|nw| q.split(' ').any(|qw| close(qw, nw)))
    {
        jw
    } else {
        jw * MISSING_WORD_FACTOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn former_and_neighbour_names_do_not_mix() {
        assert_eq!(name_similarity("soppe haut", "soppe bas"), 0.0);
        assert_eq!(name_similarity("aspach haut", "aspach bas"), 0.0);
        assert!(name_similarity("tann", "thann") > 0.85);
        let s = name_similarity("bitschwiller", "bitschwiller thann");
        assert!(s > 0.7 && s < 0.85, "{s}");
    }
}
