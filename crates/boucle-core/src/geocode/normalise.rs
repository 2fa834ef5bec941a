//! French address normalisation: accent folding, case, punctuation, abbreviations and stop words.
//!
//! Every name that is compared (street, commune, business park) goes through [`key`], which gives
//! a canonical form: lower-case ASCII words separated by one space, abbreviations expanded
//! (`r.` → `rue`, `av` → `avenue`, `bd` → `boulevard`, `chem` → `chemin`, `st` → `saint`,
//! `gal` → `general`, `zi` → `zone industrielle`, `za` → `zone activites`…), articles and
//! prepositions dropped (`de`, `la`, `du`, `les`, `lès`, `d'`, `l'`…). Two spellings of the same
//! name give the same key: `Rue de la Gare` and `r. gare` both give `rue gare`.

/// Abbreviations and their expansion (after accent folding and lower-casing). An expansion may
/// hold several words.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("r", "rue"),
    ("av", "avenue"),
    ("ave", "avenue"),
    ("bd", "boulevard"),
    ("bld", "boulevard"),
    ("bvd", "boulevard"),
    ("boul", "boulevard"),
    ("chem", "chemin"),
    ("ch", "chemin"),
    ("che", "chemin"),
    ("pl", "place"),
    ("rte", "route"),
    ("imp", "impasse"),
    ("all", "allee"),
    ("fg", "faubourg"),
    ("fbg", "faubourg"),
    ("qu", "quai"),
    ("sq", "square"),
    ("crs", "cours"),
    ("pass", "passage"),
    ("sent", "sentier"),
    ("lot", "lotissement"),
    ("res", "residence"),
    ("resid", "residence"),
    ("ham", "hameau"),
    ("ld", "lieu dit"),
    ("st", "saint"),
    ("ste", "sainte"),
    ("gal", "general"),
    ("gen", "general"),
    ("gl", "general"),
    ("mal", "marechal"),
    ("mar", "marechal"),
    ("pdt", "president"),
    ("dr", "docteur"),
    ("doct", "docteur"),
    ("cdt", "commandant"),
    ("cne", "capitaine"),
    ("lt", "lieutenant"),
    ("mgr", "monseigneur"),
    ("prof", "professeur"),
    ("nd", "notre dame"),
    ("zi", "zone industrielle"),
    ("za", "zone activites"),
    ("zae", "zone activites economiques"),
    ("zac", "zone amenagement concerte"),
    ("activite", "activites"),
    ("pa", "parc activites"),
    ("activ", "activites"),
    ("ind", "industrielle"),
    ("indus", "industrielle"),
    ("1er", "1"),
    ("premier", "1"),
    ("1ere", "1"),
    ("premiere", "1"),
    ("grande", "grand"),
    ("gde", "grand"),
    ("gd", "grand"),
];

/// Words dropped from keys: articles, prepositions, and the `lès`/`les` of commune names.
const STOP_WORDS: &[&str] = &[
    "de", "du", "des", "d", "la", "le", "les", "l", "et", "a", "au", "aux", "en", "sur", "sous",
];

/// Street-type words, used to split a key into its type and its proper name.
const STREET_TYPES: &[&str] = &[
    "rue",
    "avenue",
    "boulevard",
    "chemin",
    "place",
    "route",
    "impasse",
    "allee",
    "faubourg",
    "quai",
    "square",
    "cours",
    "passage",
    "sentier",
    "ruelle",
    "voie",
    "lotissement",
    "residence",
    "cite",
    "hameau",
    "chaussee",
    "promenade",
    "esplanade",
    "sente",
    "clos",
    "montee",
    "parvis",
    "rond",
    "carrefour",
    "cour",
    "venelle",
    "traverse",
    "zone",
    "parc",
];

/// Fold accents (deunicode), lower-case, and split into alphanumeric words: every other
/// character (space, hyphen, apostrophe, dot, comma…) separates words.
pub fn raw_words(s: &str) -> Vec<String> {
    let folded = if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(deunicode::deunicode(s))
    };
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            cur.push(c.to_ascii_lowercase());
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The expansion of an abbreviation, if `word` is one (see [`ABBREVIATIONS`]).
fn expansion(word: &str) -> Option<&'static str> {
    // short-circuit: every abbreviation is at most 9 bytes
    if word.len() > 9 {
        return None;
    }
    ABBREVIATIONS
        .iter()
        .find(|(a, _)| *a == word)
        .map(|(_, e)| *e)
}

fn is_stop_word(word: &str) -> bool {
    word.len() <= 4 && STOP_WORDS.contains(&word)
}

/// Expand one lower-case ASCII word into the words of its canonical form (possibly none, for a
/// stop word), appending them to `out`.
fn push_canonical(word: &str, out: &mut Vec<String>) {
    if is_stop_word(word) {
        return;
    }
    match expansion(word) {
        Some(exp) => out.extend(exp.split(' ').map(str::to_owned)),
        None => out.push(word.to_owned()),
    }
}

/// Canonical words of already split raw words (see [`raw_words`]).
pub fn canonical_words<S: AsRef<str>>(words: &[S]) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len() + 2);
    for w in words {
        push_canonical(w.as_ref(), &mut out);
    }
    out
}

/// The canonical key of already split raw words: [`canonical_words`] joined by one space,
/// built without intermediate allocations.
pub fn canonical_key<S: AsRef<str>>(words: &[S]) -> String {
    let mut out = String::with_capacity(words.iter().map(|w| w.as_ref().len() + 1).sum());
    for w in words {
        let w = w.as_ref();
        if is_stop_word(w) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(expansion(w).unwrap_or(w));
    }
    out
}

/// The canonical key of a name: accents folded, lower case, abbreviations expanded, stop words
/// dropped, words joined by one space.
///
/// ```
/// use boucle_core::geocode::normalise::key;
/// assert_eq!(key("Rue de la Gare"), "rue gare");
/// assert_eq!(key("r. de la gare"), "rue gare");
/// assert_eq!(key("Bitschwiller-lès-Thann"), "bitschwiller thann");
/// assert_eq!(key("Av. du Gal de Gaulle"), "avenue general gaulle");
/// ```
pub fn key(s: &str) -> String {
    canonical_key(&raw_words(s))
}

/// Whether a raw word (lower-case ASCII) is a street type (`rue`, `av`, `fg`, `chemin`…) once
/// its abbreviation is expanded.
pub fn is_street_type_word(word: &str) -> bool {
    let w = expansion(word).unwrap_or(word);
    let first = w.split(' ').next().unwrap_or(w);
    // `zone` and `parc` start a business park's name, not a street
    first != "zone" && first != "parc" && STREET_TYPES.contains(&first)
}

/// Whether raw words start with a "lieu-dit" marker (`lieu dit`, `lieudit`, `ld`); returns how
/// many words it takes.
pub fn lieu_dit_marker<S: AsRef<str>>(words: &[S]) -> usize {
    match (
        words.first().map(AsRef::as_ref),
        words.get(1).map(AsRef::as_ref),
    ) {
        (Some("lieu"), Some("dit")) => 2,
        (Some("lieudit" | "ld"), _) => 1,
        _ => 0,
    }
}

/// Split a key into its street type (`rue`, `avenue`…), when it starts with one, and the rest.
pub fn split_street_type(key: &str) -> (Option<&str>, &str) {
    match key.split_once(' ') {
        Some((first, rest)) if STREET_TYPES.contains(&first) => (Some(first), rest),
        None if STREET_TYPES.contains(&key) => (Some(key), ""),
        _ => (None, key),
    }
}

/// A house-number suffix (indice de répétition), encoded in one byte: 0 none, 1 bis, 2 ter,
/// 3 quater, 4 quinquies, 10 + n for the letter `a` + n.
pub type Suffix = u8;

/// Parse a suffix as written in BAN (`rep`: `bis`, `ter`, `a`…), BAL (`suffixe`), SIRENE
/// (`indiceRepetitionEtablissement`: `B`, `T`, `Q`, `C`…) or an address. Unknown text gives `None`.
pub fn parse_suffix(s: &str) -> Option<Suffix> {
    let s = s.trim().to_ascii_lowercase();
    Some(match s.as_str() {
        "" => 0,
        "bis" => 1,
        "ter" => 2,
        "quater" | "qua" => 3,
        "quinquies" | "quin" => 4,
        _ if s.len() == 1 && s.as_bytes()[0].is_ascii_lowercase() => 10 + (s.as_bytes()[0] - b'a'),
        _ => return None,
    })
}

/// The text of a suffix, e.g. `bis`, `b`; empty for none.
pub fn suffix_str(s: Suffix) -> String {
    match s {
        0 => String::new(),
        1 => "bis".into(),
        2 => "ter".into(),
        3 => "quater".into(),
        4 => "quinquies".into(),
        n if (10..36).contains(&n) => ((b'a' + (n - 10)) as char).to_string(),
        _ => String::new(),
    }
}

/// Whether two suffixes denote the same number: equal, or a letter and its Latin word
/// (`b` = `bis`, `t` = `ter`, `q` = `quater`), as SIRENE and hand-typed addresses write them.
pub fn suffix_equivalent(a: Suffix, b: Suffix) -> bool {
    fn canon(s: Suffix) -> Suffix {
        match s {
            11 => 1, // b
            29 => 2, // t
            26 => 3, // q
            _ => s,
        }
    }
    canon(a) == canon(b)
}

/// A house number at the start of a list of raw words: `12`, `12 bis`, `12bis`, `12b`, `12 B`,
/// `12-14` (the range's first number). Returns the number, its suffix and how many words it used.
/// Numbers of five digits or more are not house numbers (they are postcodes).
pub fn leading_number<S: AsRef<str>>(words: &[S]) -> Option<(u32, Suffix, usize)> {
    let first = words.first()?.as_ref();
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let number: u32 = first[..digits].parse().ok()?;
    let tail = &first[digits..];
    if !tail.is_empty() {
        // `12bis`, `12b`
        return parse_suffix(tail).map(|s| (number, s, 1));
    }
    let mut used = 1;
    let mut suffix = 0;
    if let Some(next) = words.get(1).map(AsRef::as_ref) {
        match next {
            "bis" | "ter" | "quater" | "quinquies" => {
                suffix = parse_suffix(next).unwrap_or(0);
                used = 2;
            }
            // a single-letter suffix; other letters are words or abbreviations (`r.` for rue,
            // `à` in `12 à 14`, `l'`, `d'`)
            "b" | "c" | "e" | "f" | "g" | "h" | "t" | "q" => {
                suffix = parse_suffix(next).unwrap_or(0);
                used = 2;
            }
            // a range `12 à 14`: keep the first number
            "a" if words
                .get(2)
                .is_some_and(|w| w.as_ref().bytes().all(|b| b.is_ascii_digit())) =>
            {
                used = 3;
            }
            // a range `12-14`: keep the first number
            _ if next.len() <= 4
                && !next.is_empty()
                && next.bytes().all(|b| b.is_ascii_digit()) =>
            {
                used = 2;
            }
            _ => {}
        }
    }
    Some((number, suffix, used))
}

/// Whether a word looks like a French postcode (five digits, or `2a`/`2b` + three for Corsica
/// is never written so: postcodes are always five digits).
pub fn is_postcode(word: &str) -> bool {
    word.len() == 5 && word.bytes().all(|b| b.is_ascii_digit())
}

/// An upper bound of the Jaro–Winkler similarity of two strings of lengths `la` and `lb` that
/// have at most `common` characters in common (as multisets).
pub fn jaro_winkler_bound(common: usize, la: usize, lb: usize) -> f64 {
    if la == 0 || lb == 0 {
        return 1.0;
    }
    let m = common.min(la).min(lb) as f64;
    let jaro = (m / la as f64 + m / lb as f64 + 1.0) / 3.0;
    if jaro > 0.7 {
        jaro + 0.4 * (1.0 - jaro)
    } else {
        jaro
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let table = [
            ("Rue de la Gare", "rue gare"),
            ("R. DE LA GARE", "rue gare"),
            ("rue de la gare", "rue gare"),
            ("Av. Gal de Gaulle", "avenue general gaulle"),
            ("Avenue du Général de Gaulle", "avenue general gaulle"),
            ("Bd Foch", "boulevard foch"),
            ("chem. des Vignes", "chemin vignes"),
            ("St-Amarin", "saint amarin"),
            ("Saint Amarin", "saint amarin"),
            ("Bitschwiller-lès-Thann", "bitschwiller thann"),
            ("Bitschwiller les Thann", "bitschwiller thann"),
            ("ZI de la Doller", "zone industrielle doller"),
            ("Zone Industrielle de la Doller", "zone industrielle doller"),
            ("ZA du Grossmatt", "zone activites grossmatt"),
            ("Zone d'activités du Grossmatt", "zone activites grossmatt"),
            ("Rue du 1er Mars", "rue 1 mars"),
            ("Place de l'Église", "place eglise"),
            ("Grand'Rue", "grand rue"),
            ("Grande Rue", "grand rue"),
        ];
        for (input, want) in table {
            assert_eq!(key(input), want, "key({input:?})");
        }
    }

    #[test]
    fn numbers() {
        let w = |s: &str| raw_words(s);
        assert_eq!(leading_number(&w("12 rue X")), Some((12, 0, 1)));
        assert_eq!(leading_number(&w("12 bis rue X")), Some((12, 1, 2)));
        assert_eq!(leading_number(&w("12bis rue X")), Some((12, 1, 1)));
        assert_eq!(leading_number(&w("12B rue X")), Some((12, 11, 1)));
        assert_eq!(leading_number(&w("12 ter, rue X")), Some((12, 2, 2)));
        assert_eq!(leading_number(&w("12-14 rue X")), Some((12, 0, 2)));
        assert_eq!(leading_number(&w("68800 Thann")), None);
        assert_eq!(leading_number(&w("rue X")), None);
        assert_eq!(leading_number(&w("7 r. des Vosges")), Some((7, 0, 1)));
        assert_eq!(leading_number(&w("12 à 14 rue X")), Some((12, 0, 3)));
        assert_eq!(leading_number(&w("12 t rue X")), Some((12, 29, 2)));
        assert!(suffix_equivalent(
            parse_suffix("B").unwrap(),
            parse_suffix("bis").unwrap()
        ));
        assert!(!suffix_equivalent(
            parse_suffix("bis").unwrap(),
            parse_suffix("ter").unwrap()
        ));
        assert_eq!(suffix_str(parse_suffix("c").unwrap()), "c");
    }

    #[test]
    fn street_type_split() {
        assert_eq!(split_street_type("rue gare"), (Some("rue"), "gare"));
        assert_eq!(split_street_type("gare"), (None, "gare"));
    }
}

/// Jaro–Winkler similarity, the same as `strsim::jaro_winkler`, without allocation for ASCII
/// strings of up to 128 bytes (normalised keys always are ASCII): the matcher calls it for
/// every street of a commune on a fuzzy match.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 128 || b.len() > 128 || !a.is_ascii() || !b.is_ascii() {
        return strsim::jaro_winkler(
            std::str::from_utf8(a).unwrap_or(""),
            std::str::from_utf8(b).unwrap_or(""),
        );
    }
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_flags = 0u128;
    let mut b_flags = 0u128;
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        if lo >= hi {
            break;
        }
        for (k, &cb) in b[lo..hi].iter().enumerate() {
            let j = lo + k;
            if ca == cb && b_flags & (1u128 << j) == 0 {
                a_flags |= 1u128 << i;
                b_flags |= 1u128 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags & (1u128 << i) == 0 {
            continue;
        }
        while b_flags & (1u128 << j) == 0 {
            j += 1;
        }
        if ca != b[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (matches - transpositions / 2) as f64 / m) / 3.0;
    if jaro > 0.7 {
        let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

#[cfg(test)]
mod jw_tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::SmallRng};

    #[test]
    fn same_as_strsim() {
        let mut rng = SmallRng::seed_from_u64(1);
        let alphabet = b"abcde fgh";
        for _ in 0..20_000 {
            let mut gen_s = || {
                let n = rng.random_range(0..20);
                (0..n)
                    .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                    .collect::<String>()
            };
            let (a, b) = (gen_s(), gen_s());
            let (x, y) = (jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            assert!((x - y).abs() < 1e-12, "{a:?} {b:?}: {x} vs {y}");
        }
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("é", "e"), strsim::jaro_winkler("é", "e"));
    }
}
