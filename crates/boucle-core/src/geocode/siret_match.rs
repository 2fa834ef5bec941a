//! Suggesting SIRETs for actors that have none: the officer's pilot companies were entered by
//! name, so a SIRENE import would otherwise add their own establishment as a second actor.
//!
//! An establishment is suggested for an actor when their names resemble each other (words of
//! the names, legal forms left out, and Jaro–Winkler of the whole), with a bonus for the same
//! commune and the same NAF code (or division). Suggestions are listed for the officer to
//! confirm with `boucle actors set-siret ID SIRET`; they are never merged silently.

use serde::Serialize;

use crate::geocode::normalise::jaro_winkler;
use crate::geocode::sirene::Establishment;
use crate::io::text::normalize;
use crate::territory::Actor;

/// Lowest name similarity for a suggestion.
pub const MIN_NAME_SIMILARITY: f64 = 0.6;
/// Lowest overall score for a suggestion.
pub const MIN_SCORE: f64 = 0.55;

/// Words that say nothing about which company it is.
const LEGAL_WORDS: &[&str] = &[
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "snc",
    "sca",
    "sci",
    "scop",
    "gie",
    "ets",
    "etablissement",
    "etablissements",
    "societe",
    "ste",
    "groupe",
    "france",
    "et",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "fils",
    "cie",
];

/// A SIRET suggested for an actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiretSuggestion {
    /// Actor id.
    pub actor: String,
    /// Actor name.
    pub actor_name: String,
    /// Suggested SIRET.
    pub siret: String,
    /// The establishment's name (trade name and company name).
    pub name: String,
    /// INSEE code of the establishment's commune.
    pub insee: String,
    /// NAF code of the establishment.
    pub naf: Option<String>,
    /// Score in [0, 1].
    pub score: f64,
    /// Why: name similarity, same commune, same NAF.
    pub reasons: Vec<String>,
}

fn words(s: &str) -> Vec<String> {
    normalize(s)
        .split(' ')
        .filter(|w| !w.is_empty() && !LEGAL_WORDS.contains(w))
        .map(str::to_owned)
        .collect()
}

/// Name similarity in [0, 1]: the share of the shorter name's words found (exactly or nearly)
/// in the other; Jaro–Winkler of the whole names when it is 0.9 or more (a typo).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let (short, long) = if wa.len() <= wb.len() {
        (&wa, &wb)
    } else {
        (&wb, &wa)
    };
    let found = short
        .iter()
        .filter(|w| {
            long.iter()
                .any(|x| x == *w || (w.len() > 3 && jaro_winkler(w, x) >= 0.92))
        })
        .count();
    let share = found as f64 / short.len() as f64;
    let jw = jaro_winkler(&wa.join(" "), &wb.join(" "));
    if jw >= 0.9 { share.max(jw) } else { share }
}

/// Suggestions for every actor without SIRET, best first, at most `per_actor` each.
pub fn suggest_sirets(
    actors: &[Actor],
    ests: &[Establishment],
    per_actor: usize,
) -> Vec<SiretSuggestion> {
    let mut out = Vec::new();
    for a in actors.iter().filter(|a| a.siret.is_none()) {
        let mut found: Vec<SiretSuggestion> = Vec::new();
        for e in ests {
            let names: Vec<String> = [e.name.clone(), e.legal_name.clone()]
                .into_iter()
                .flatten()
                .collect();
            let sim = names
                .iter()
                .map(|n| name_similarity(&a.name, n))
                .fold(0.0, f64::max);
            if sim < MIN_NAME_SIMILARITY {
                continue;
            }
            let mut reasons = vec![format!("name similarity {sim:.2}")];
            let mut score = 0.6 * sim;
            if a.insee.as_deref() == Some(e.insee.as_str()) {
                score += 0.25;
                reasons.push("same commune".into());
            }
            match (&a.naf, &e.naf) {
                (Some(x), Some(y)) if x == y => {
                    score += 0.15;
                    reasons.push("same NAF code".into());
                }
                (Some(x), Some(y)) if x.get(..2) == y.get(..2) => {
                    score += 0.1;
                    reasons.push("same NAF division".into());
                }
                _ => {}
            }
            if score < MIN_SCORE {
                continue;
            }
            found.push(SiretSuggestion {
                actor: a.id.clone(),
                actor_name: a.name.clone(),
                siret: e.siret.clone(),
                name: e.display_name().unwrap_or_default(),
                insee: e.insee.clone(),
                naf: e.naf.clone(),
                score: (score * 1000.0).round() / 1000.0,
                reasons,
            });
        }
        found.sort_by(|x, y| y.score.total_cmp(&x.score));
        found.truncate(per_actor);
        out.extend(found);
    }
    out
}

/// Whether a SIRET is 14 digits with a valid Luhn key (La Poste's establishments, SIREN
/// 356000000, use a digit sum multiple of 5 instead).
pub fn valid_siret(s: &str) -> bool {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    if s.starts_with("356000000") {
        return digits.iter().sum::<u32>().is_multiple_of(5);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sirets() {
        assert!(name_similarity("Cristal France SAS", "CRISTAL FRANCE") > 0.99);
        assert!(name_similarity("Métallerie Dupont", "SARL METALLERIE DUPONT ET FILS") > 0.99);
        assert!(name_similarity("Garage du Centre", "Boulangerie Schmitt") < 0.6);
        assert!(name_similarity("ENDRESS + HAUSER FLOWTEC AG", "METALLERIE DUPONT") < 0.6);
        // SIRETs of INSEE's own examples: Luhn keys
        assert!(valid_siret("73282932000074"));
        assert!(!valid_siret("73282932000075"));
        assert!(!valid_siret("7328293200007"));
        assert!(valid_siret("35600000000051"));
    }
}
