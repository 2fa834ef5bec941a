//! Reading a free-text address query: where the postcode is, where the "number + street" part
//! starts, and which words may name the commune.
//!
//! Officers' files put more than an address in the address column: a company name before it
//! ("SARL Métallerie Dupont 9 faubourg de Colmar 68700 Cernay"), a "lieu-dit" marker, the
//! commune first ("Thann, 3 rue de la Thur"). The query is split into *variants*, each a guess
//! of (words before the street part, street part, words after the postcode); the matcher tries
//! each and keeps the best answer. The words before the street part may name the commune; when
//! they do not (a company name), the answer says they were left aside.

use crate::geocode::normalise::{
    is_postcode, is_street_type_word, leading_number, lieu_dit_marker, raw_words,
};

/// One reading of the query.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Variant {
    /// Words before the street part: a company name, a commune written first, nothing.
    pub prefix: Vec<String>,
    /// The street part: house number, street, and possibly the commune at its end.
    pub street: Vec<String>,
    /// Words after the postcode (the commune, usually).
    pub after_pc: Vec<String>,
}

/// A parsed query.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    /// The postcode: the last five-digit word.
    pub postcode: Option<String>,
    /// The readings to try, the plainest first.
    pub variants: Vec<Variant>,
}

/// Whether the street part starts at `words[i]`: a house number followed by a street type or a
/// lieu-dit marker.
fn strong_start(words: &[String], i: usize) -> bool {
    let Some((_, _, used)) = leading_number(&words[i..]) else {
        return false;
    };
    let rest = &words[i + used..];
    rest.first().is_some_and(|w| is_street_type_word(w)) || lieu_dit_marker(rest) > 0
}

/// Whether `words[i]` starts a street without number (a street type or lieu-dit marker).
fn weak_start(words: &[String], i: usize) -> bool {
    is_street_type_word(&words[i]) || lieu_dit_marker(&words[i..]) > 0
}

/// Parse a query into its postcode and variants.
pub(crate) fn parse(text: &str) -> Query {
    let mut words = raw_words(text);
    let pc_pos = words.iter().rposition(|w| is_postcode(w));
    let postcode = pc_pos.map(|p| words.remove(p));
    // where the street part may start
    let mut starts: Vec<usize> = Vec::new();
    if let Some(s) = (0..words.len()).find(|&i| strong_start(&words, i)) {
        starts.push(s);
        // "Saint-Willer-4, 5 place …" reads as the range "4-5": the number after it may start
        // the street too (the commune's name then ends with the first number)
        if s + 1 < words.len()
            && leading_number(&words[s..]).is_some_and(|(_, _, used)| used > 1)
            && strong_start(&words, s + 1)
        {
            starts.push(s + 1);
        }
    } else {
        starts.push(0);
        // a street type further on (the first and the last one): text before it is not the
        // street's. A query that starts with a house number has its street at 0.
        if leading_number(&words).is_none() {
            let weak: Vec<usize> = (1..words.len())
                .filter(|&i| weak_start(&words, i))
                .collect();
            starts.extend(weak.first());
            if weak.len() > 1 {
                starts.extend(weak.last());
            }
        }
    }
    let variants = starts
        .into_iter()
        .map(|s| {
            let (street_end, after_pc) = match pc_pos {
                Some(p) if p > s => (p, words[p..].to_vec()),
                _ => (words.len(), Vec::new()),
            };
            let mut street: Vec<String> = words[s..street_end].to_vec();
            // a lieu-dit marker before the place's name (after the number, if any)
            let at = leading_number(&street).map_or(0, |(_, _, used)| used);
            let m = lieu_dit_marker(&street[at..]);
            street.drain(at..at + m);
            Variant {
                prefix: words[..s].to_vec(),
                street,
                after_pc,
            }
        })
        .collect();
    Query { postcode, variants }
}

/// Optional hints given with a query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// INSEE code of the commune, when already known (an actor's `insee`).
    pub insee: Option<&'a str>,
    /// Business park id, when already known (an actor's `park_id`).
    pub park_id: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(prefix: &str, street: &str, after: &str) -> Variant {
        Variant {
            prefix: raw_words(prefix),
            street: raw_words(street),
            after_pc: raw_words(after),
        }
    }

    #[test]
    fn variants() {
        let q = parse("SARL Métallerie Dupont 9 faubourg de Colmar 68700 Cernay");
        assert_eq!(q.postcode.as_deref(), Some("68700"));
        assert_eq!(
            q.variants,
            vec![v(
                "sarl metallerie dupont",
                "9 faubourg de colmar",
                "cernay"
            )]
        );
        let q = parse("Thann, 3 rue de la Thur");
        assert_eq!(q.variants, vec![v("thann", "3 rue de la thur", "")]);
        let q = parse("68800 Thann 3 rue de la Thur");
        assert_eq!(q.variants, vec![v("thann", "3 rue de la thur", "")]);
        let q = parse("12 rue de la Gare 68800 Thann");
        assert_eq!(q.variants, vec![v("", "12 rue de la gare", "thann")]);
        let q = parse("Lieu-dit Grossmatt 68700 Cernay");
        assert_eq!(q.variants, vec![v("", "grossmatt", "cernay")]);
        let q = parse("Ferme Schmitt lieu-dit Grossmatt 68700 Cernay");
        assert_eq!(
            q.variants,
            vec![
                v("", "ferme schmitt lieu dit grossmatt", "cernay"),
                v("ferme schmitt", "grossmatt", "cernay")
            ]
        );
        // a commune whose name ends with a number, then the address: both readings
        let q = parse("Saint-Willer-4, 5 Place des Roses");
        assert_eq!(
            q.variants,
            vec![
                v("saint willer", "4 5 place des roses", ""),
                v("saint willer 4", "5 place des roses", "")
            ]
        );
        // a number inside a street name is not a start
        let q = parse("rue du 8 mai 1945 Thann");
        assert_eq!(q.variants[0], v("", "rue du 8 mai 1945 thann", ""));
    }
}
