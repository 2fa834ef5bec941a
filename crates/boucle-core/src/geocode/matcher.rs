//! Matching a free-text French address against the [`AddressIndex`] and the territory's parks.
//!
//! The precision ladder: exact house number → nearest number on the street → street → business
//! park (name match) → commune. Each result has a score in [0, 1] (how well the query was
//! understood, like addok's `result_score`) and a type (`housenumber`, `street`, `park`,
//! `commune`, like addok's `result_type`).
//!
//! The commune is found from, in order: an INSEE code given with the query; the words after a
//! postcode; the last words of the query (exact, then fuzzy, Jaro–Winkler ≥ 0.85); the postcode
//! alone. The street is then matched within that commune: exact normalised key, else fuzzy
//! (Jaro–Winkler on the name without its type word, weighted by the type word's agreement).
//!
//! Scores: `street similarity × commune confidence × number factor`, where the number factor is
//! 1 for the exact number, 0.95 for the right number with another suffix (bis/ter), `0.9 − 0.01 ×
//! distance` (at least 0.6) for the nearest number; a query without street part that names only
//! a commune scores the commune confidence; a query whose street could not be found falls back
//! to its park (score: park-name similarity × commune confidence) or commune (score 0.4 ×
//! commune confidence).

use crate::geocode::index::{AddressIndex, bag_common, char_bag};
use crate::geocode::normalise::{
    Suffix, canonical_key, is_postcode, jaro_winkler, key, leading_number, raw_words,
    split_street_type, suffix_str,
};
use crate::territory::Precision;

/// Minimum street similarity for a street match.
pub const STREET_MIN_SIMILARITY: f64 = 0.82;
/// Minimum commune-name similarity for a fuzzy commune match.
pub const COMMUNE_MIN_SIMILARITY: f64 = 0.85;
/// Two candidates closer than this in score make a result ambiguous.
pub const AMBIGUITY_MARGIN: f64 = 0.03;
/// Score of a commune-level fallback when the query had a street part that was not found.
const COMMUNE_FALLBACK_SCORE: f64 = 0.4;

/// What a result points at, from the most to the least precise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchType {
    /// The address itself (exact number, possibly another suffix).
    Housenumber,
    /// The street: either its nearest known number or its representative point.
    Street,
    /// The business park named in the query.
    Park,
    /// The commune's representative point.
    Commune,
}

impl MatchType {
    /// The addok-style name (`housenumber`, `street`, `park`, `commune`).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Housenumber => "housenumber",
            MatchType::Street => "street",
            MatchType::Park => "park",
            MatchType::Commune => "commune",
        }
    }

    /// Parse an addok or Géoplateforme type (`municipality` and `locality` are accepted).
    pub fn parse(s: &str) -> Option<MatchType> {
        Some(match s {
            "housenumber" => MatchType::Housenumber,
            "street" | "locality" => MatchType::Street,
            "park" => MatchType::Park,
            "commune" | "municipality" => MatchType::Commune,
            _ => return None,
        })
    }

    /// The actor position precision this type gives.
    pub fn precision(self) -> Precision {
        match self {
            MatchType::Housenumber => Precision::Housenumber,
            MatchType::Street => Precision::Street,
            MatchType::Park => Precision::Park,
            MatchType::Commune => Precision::Commune,
        }
    }
}

/// A geocoding result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GeocodeResult {
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Confidence in [0, 1].
    pub score: f64,
    /// What the point is.
    #[serde(rename = "type")]
    pub match_type: MatchType,
    /// Human-readable label of what was found.
    pub label: String,
    /// INSEE code of the commune found.
    pub insee: String,
    /// The house number used (with suffix), when a number positioned the result.
    pub housenumber: Option<String>,
    /// Street name found.
    pub street: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// Commune name.
    pub city: String,
    /// Park id, for a park match.
    pub park_id: Option<String>,
    /// Whether another candidate scored within [`AMBIGUITY_MARGIN`].
    pub ambiguous: bool,
    /// Label of the runner-up candidate, if any.
    pub runner_up: Option<String>,
}

/// A business park the matcher can fall back to.
#[derive(Debug, Clone)]
pub struct ParkRef {
    /// Park id.
    pub id: String,
    /// Name.
    pub name: String,
    /// INSEE codes of the communes it spans (reference commune included).
    pub communes: Vec<String>,
    /// Position (lon, lat).
    pub lonlat: (f64, f64),
    /// Whether the position is the park's own; `false` when it is only its commune's point:
    /// a match then gives type `commune` (the park is still named in the result).
    pub precise: bool,
}

#[derive(Debug, Clone)]
struct ParkEntry {
    park: ParkRef,
    /// Key without the generic words (zone, industrielle, activites, parc…).
    core: String,
}

/// Words that only say "this is a business park".
const PARK_GENERIC: &[&str] = &[
    "zone",
    "industrielle",
    "activites",
    "activite",
    "economiques",
    "parc",
    "amenagement",
    "concerte",
    "artisanale",
    "commerciale",
    "intercommunale",
    "intercommunal",
    "communale",
    "industriel",
];

fn park_core(k: &str) -> String {
    k.split(' ')
        .filter(|w| !PARK_GENERIC.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Optional hints given with a query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// INSEE code of the commune, when already known (an actor's `insee`).
    pub insee: Option<&'a str>,
    /// Business park id, when already known (an actor's `park_id`).
    pub park_id: Option<&'a str>,
}

/// The offline geocoder: an address index plus the territory's parks.
#[derive(Debug, Clone, Default)]
pub struct Geocoder {
    index: AddressIndex,
    parks: Vec<ParkEntry>,
}

/// A commune candidate: commune index, confidence, and the words of the query left for the
/// street part.
#[derive(Debug, Clone)]
struct CommuneCandidate {
    commune: u32,
    confidence: f64,
    street_words: Vec<String>,
}

/// Best street found in a commune.
#[derive(Debug, Clone, Copy)]
struct StreetHit {
    street: u32,
    sim: f64,
}

impl Geocoder {
    /// A geocoder over an index, without parks.
    pub fn new(index: AddressIndex) -> Self {
        Geocoder {
            index,
            parks: Vec::new(),
        }
    }

    /// Add business parks for the park fallback (parks without position are ignored).
    pub fn with_parks(mut self, parks: impl IntoIterator<Item = ParkRef>) -> Self {
        for p in parks {
            if !(p.lonlat.0.is_finite() && p.lonlat.1.is_finite()) {
                continue;
            }
            let core = park_core(&key(&p.name));
            self.parks.push(ParkEntry { park: p, core });
        }
        self
    }

    /// The underlying index.
    pub fn index(&self) -> &AddressIndex {
        &self.index
    }

    /// Geocode a free-text address.
    pub fn geocode(&self, text: &str) -> Option<GeocodeResult> {
        self.geocode_with(text, Hints::default())
    }

    /// Geocode a free-text address with hints (known commune, known park).
    pub fn geocode_with(&self, text: &str, hints: Hints<'_>) -> Option<GeocodeResult> {
        let mut words = raw_words(text);
        // postcode: the last five-digit word
        let pc_pos = words.iter().rposition(|w| is_postcode(w));
        let postcode = pc_pos.map(|p| words[p].clone());
        let mut after_pc: Vec<String> = Vec::new();
        if let Some(p) = pc_pos {
            after_pc = words.split_off(p + 1);
            words.pop();
        }
        // house number at the start of the street part
        let (number, suffix) = match leading_number(&words) {
            Some((n, s, used)) => {
                words.drain(..used);
                (Some(n), s)
            }
            None => (None, 0),
        };
        let candidates = self.commune_candidates(&words, &after_pc, postcode.as_deref(), hints);
        let mut best: Option<GeocodeResult> = None;
        let mut second: Option<GeocodeResult> = None;
        if candidates.is_empty() {
            // no commune: look for the street everywhere (exact key only), then parks
            let skey = canonical_key(&words);
            if let Some(streets) = self.index.streets_by_key.get(&skey) {
                for &s in streets {
                    let hit = StreetHit {
                        street: s,
                        sim: 1.0,
                    };
                    push_ranked(
                        &mut best,
                        &mut second,
                        self.street_result(hit, 0.8, number, suffix),
                    );
                }
            }
            if best.is_none()
                && let Some(r) = self.park_result(&words, None, 1.0, hints.park_id)
            {
                push_ranked(&mut best, &mut second, r);
            }
        }
        for c in &candidates {
            for r in self.results_in_commune(c, number, suffix, hints.park_id) {
                push_ranked(&mut best, &mut second, r);
            }
        }
        let mut best = best?;
        if let Some(s) = second
            && s.label != best.label
            && best.score - s.score < AMBIGUITY_MARGIN
        {
            best.ambiguous = true;
            best.runner_up = Some(s.label);
        }
        Some(best)
    }

    /// Candidate communes for a query, with the street words that remain.
    fn commune_candidates(
        &self,
        words: &[String],
        after_pc: &[String],
        postcode: Option<&str>,
        hints: Hints<'_>,
    ) -> Vec<CommuneCandidate> {
        let idx = &self.index;
        let by_pc: &[u32] = postcode
            .and_then(|p| idx.communes_by_postcode.get(p))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let named = self.named_candidates(words, after_pc, by_pc);
        let Some(c) = hints.insee.and_then(|i| idx.commune_by_insee(i)) else {
            return named;
        };
        // the known commune first: the query as is, and without the commune's name at its end
        let mut out = vec![CommuneCandidate {
            commune: c,
            confidence: 1.0,
            street_words: words.to_vec(),
        }];
        let ckey = &idx.commune_keys[c as usize];
        if after_pc.is_empty() {
            for k in (1..words.len().min(6)).rev() {
                let tail = canonical_key(&words[words.len() - k..]);
                if !tail.is_empty()
                    && (tail == *ckey || jaro_winkler(&tail, ckey) >= COMMUNE_MIN_SIMILARITY)
                {
                    out.push(CommuneCandidate {
                        commune: c,
                        confidence: 1.0,
                        street_words: words[..words.len() - k].to_vec(),
                    });
                    break;
                }
            }
        }
        // a commune named in the text that differs from the known one is a candidate too, a
        // little less trusted (the caller flags the disagreement)
        for mut n in named {
            if n.commune != c {
                n.confidence *= 0.9;
                out.push(n);
            }
        }
        out
    }

    /// Candidate communes named by the query text itself (postcode, commune name).
    fn named_candidates(
        &self,
        words: &[String],
        after_pc: &[String],
        by_pc: &[u32],
    ) -> Vec<CommuneCandidate> {
        let idx = &self.index;
        // words after the postcode name the commune
        if !after_pc.is_empty() {
            let ckey = canonical_key(after_pc);
            let found = self.match_commune_name(&ckey, by_pc);
            if !found.is_empty() {
                return found
                    .into_iter()
                    .map(|(c, conf)| CommuneCandidate {
                        commune: c,
                        confidence: conf,
                        street_words: words.to_vec(),
                    })
                    .collect();
            }
            return by_pc
                .iter()
                .map(|&c| CommuneCandidate {
                    commune: c,
                    confidence: if by_pc.len() == 1 { 0.9 } else { 0.8 },
                    street_words: words.to_vec(),
                })
                .collect();
        }
        // the last words of the query name the commune: exact, longest first
        let n = words.len();
        for k in (1..=n.min(6)).rev() {
            let tail = canonical_key(&words[n - k..]);
            if let Some(cs) = idx.communes_by_key.get(&tail) {
                let cs: Vec<u32> = if by_pc.is_empty() {
                    cs.clone()
                } else {
                    cs.iter().copied().filter(|c| by_pc.contains(c)).collect()
                };
                if !cs.is_empty() {
                    return cs
                        .into_iter()
                        .map(|c| CommuneCandidate {
                            commune: c,
                            confidence: 1.0,
                            street_words: words[..n - k].to_vec(),
                        })
                        .collect();
                }
            }
        }
        // fuzzy on the last words (1 to 4)
        let mut best: Option<(u32, f64, usize)> = None;
        for k in 1..=n.min(4) {
            let tail = canonical_key(&words[n - k..]);
            if tail.len() < 3 {
                continue;
            }
            for (c, sim) in self.match_commune_name(&tail, by_pc) {
                if sim < 1.0 && best.is_none_or(|b| sim > b.1) {
                    best = Some((c, sim, k));
                }
            }
        }
        if let Some((c, sim, k)) = best {
            return vec![CommuneCandidate {
                commune: c,
                confidence: sim,
                street_words: words[..n - k].to_vec(),
            }];
        }
        by_pc
            .iter()
            .map(|&c| CommuneCandidate {
                commune: c,
                confidence: if by_pc.len() == 1 { 0.95 } else { 0.85 },
                street_words: words.to_vec(),
            })
            .collect()
    }

    /// Communes whose name matches `ckey`: exact matches with confidence 1, else the best fuzzy
    /// match (≥ [`COMMUNE_MIN_SIMILARITY`]) among `restrict` (or all communes when empty).
    fn match_commune_name(&self, ckey: &str, restrict: &[u32]) -> Vec<(u32, f64)> {
        let idx = &self.index;
        if let Some(cs) = idx.communes_by_key.get(ckey) {
            let cs: Vec<(u32, f64)> = cs
                .iter()
                .filter(|c| restrict.is_empty() || restrict.contains(c))
                .map(|&c| (c, 1.0))
                .collect();
            if !cs.is_empty() {
                return cs;
            }
        }
        let mut best: Option<(u32, f64)> = None;
        let qbag = char_bag(ckey);
        let mut check = |c: u32| {
            let k = &idx.commune_keys[c as usize];
            let common = bag_common(&qbag, &idx.commune_bags[c as usize]);
            if jaro_winkler_bound(common, ckey.len(), k.len()) < COMMUNE_MIN_SIMILARITY {
                return;
            }
            let sim = jaro_winkler(ckey, k);
            if sim >= COMMUNE_MIN_SIMILARITY && best.is_none_or(|b| sim > b.1) {
                best = Some((c, sim));
            }
        };
        if restrict.is_empty() {
            (0..idx.communes.len() as u32).for_each(&mut check);
        } else {
            restrict.iter().copied().for_each(&mut check);
        }
        best.into_iter().collect()
    }

    /// The best and second-best streets of commune `c` for a street key.
    fn match_street(&self, c: u32, skey: &str) -> (Option<StreetHit>, Option<StreetHit>) {
        let idx = &self.index;
        if let Some(ss) = idx.streets_by_key.get(skey)
            && let Some(&s) = ss.iter().find(|&&s| idx.streets[s as usize].commune == c)
        {
            return (
                Some(StreetHit {
                    street: s,
                    sim: 1.0,
                }),
                None,
            );
        }
        let (qt, qn) = split_street_type(skey);
        let qwords: Vec<&str> = qn.split(' ').collect();
        let qbag = char_bag(skey);
        let (a, b) = idx.communes[c as usize].streets;
        let mut best: Option<StreetHit> = None;
        let mut second: Option<StreetHit> = None;
        for s in a..b {
            let sk = idx.street_key(s);
            let (st, sn) = split_street_type(sk);
            let whole = qn.is_empty() || sn.is_empty();
            let (x, y) = if whole { (skey, sk) } else { (qn, sn) };
            let all_words_in = |qwords: &[&str]| {
                !qn.is_empty() && qwords.iter().all(|w| sn.split(' ').any(|x| x == *w))
            };
            let type_factor = match (qt, st) {
                (Some(x), Some(y)) if x == y => 1.0,
                (None, _) | (_, None) => 0.95,
                _ => 0.85,
            };
            // skip hopeless streets: an upper bound of Jaro–Winkler from the common letters
            let m = bag_common(&qbag, &idx.street_bags[s as usize]);
            let jw_ub = jaro_winkler_bound(m, x.len(), y.len());
            if jw_ub * type_factor < STREET_MIN_SIMILARITY && !all_words_in(&qwords) {
                continue;
            }
            let mut name_sim = jaro_winkler(x, y);
            if name_sim < 0.95 && all_words_in(&qwords) {
                // every word of the query's name is in the street's name ("gaulle" in
                // "general gaulle")
                name_sim = name_sim.max(0.9);
            }
            let sim = name_sim * type_factor;
            let hit = StreetHit { street: s, sim };
            if best.is_none_or(|h| sim > h.sim) {
                second = best;
                best = Some(hit);
            } else if second.is_none_or(|h| sim > h.sim) {
                second = Some(hit);
            }
        }
        (best, second)
    }

    /// Results for one commune candidate: best street (and runner-up), or park, or commune.
    fn results_in_commune(
        &self,
        c: &CommuneCandidate,
        number: Option<u32>,
        suffix: Suffix,
        park_hint: Option<&str>,
    ) -> Vec<GeocodeResult> {
        let skey = canonical_key(&c.street_words);
        let mut out = Vec::new();
        if !skey.is_empty() {
            let (best, second) = self.match_street(c.commune, &skey);
            for hit in [best, second].into_iter().flatten() {
                if hit.sim >= STREET_MIN_SIMILARITY {
                    out.push(self.street_result(hit, c.confidence, number, suffix));
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
        if let Some(r) = self.park_result(&c.street_words, Some(c.commune), c.confidence, park_hint)
        {
            return vec![r];
        }
        let has_street_part = !skey.is_empty() || number.is_some();
        let score = c.confidence
            * if has_street_part {
                COMMUNE_FALLBACK_SCORE
            } else {
                1.0
            };
        self.commune_result(c.commune, score).into_iter().collect()
    }

    fn commune_result(&self, c: u32, score: f64) -> Option<GeocodeResult> {
        let com = &self.index.communes[c as usize];
        if !(com.lonlat.0.is_finite() && com.lonlat.1.is_finite()) {
            return None;
        }
        Some(GeocodeResult {
            lon: com.lonlat.0,
            lat: com.lonlat.1,
            score,
            match_type: MatchType::Commune,
            label: com.name.clone(),
            insee: com.insee.clone(),
            housenumber: None,
            street: None,
            postcode: com.postcodes.first().cloned(),
            city: com.name.clone(),
            park_id: None,
            ambiguous: false,
            runner_up: None,
        })
    }

    fn street_result(
        &self,
        hit: StreetHit,
        commune_conf: f64,
        number: Option<u32>,
        suffix: Suffix,
    ) -> GeocodeResult {
        let idx = &self.index;
        let s = &idx.streets[hit.street as usize];
        let com = &idx.communes[s.commune as usize];
        let mut match_type = MatchType::Street;
        let mut factor = 1.0;
        let mut lonlat = s.lonlat();
        let mut housenumber = None;
        if let Some(n) = number {
            if let Some((found, suffix_ok)) = idx.find_number(hit.street, n, suffix) {
                match_type = MatchType::Housenumber;
                factor = if suffix_ok { 1.0 } else { 0.95 };
                lonlat = found.lonlat();
                housenumber = Some(format!("{}{}", found.number, suffix_label(found.suffix)));
            } else if let Some(near) = idx.nearest_number(hit.street, n) {
                let d = near.number.abs_diff(n) as f64;
                factor = (0.9 - 0.01 * d).max(0.6);
                lonlat = near.lonlat();
                housenumber = Some(format!("{}{}", near.number, suffix_label(near.suffix)));
            } else {
                factor = 0.9;
            }
        }
        let city_part = format!("{} {}", s.postcode, com.name);
        let label = match (&housenumber, match_type) {
            (Some(h), MatchType::Housenumber) => format!("{h} {} {}", s.name, city_part.trim()),
            (Some(h), _) => format!(
                "{} {} (nearest number {h}; asked {}{})",
                s.name,
                city_part.trim(),
                number.unwrap_or(0),
                suffix_label(suffix)
            ),
            _ => format!("{} {}", s.name, city_part.trim()),
        };
        GeocodeResult {
            lon: lonlat.0,
            lat: lonlat.1,
            score: (hit.sim * commune_conf * factor).clamp(0.0, 1.0),
            match_type,
            label,
            insee: com.insee.clone(),
            housenumber,
            street: Some(s.name.clone()),
            postcode: (!s.postcode.is_empty()).then(|| s.postcode.clone()),
            city: com.name.clone(),
            park_id: None,
            ambiguous: false,
            runner_up: None,
        }
    }

    /// A park whose name is in the query (or the hinted park), restricted to the commune's parks
    /// when a commune is known.
    fn park_result(
        &self,
        words: &[String],
        commune: Option<u32>,
        commune_conf: f64,
        park_hint: Option<&str>,
    ) -> Option<GeocodeResult> {
        let idx = &self.index;
        let insee = commune.map(|c| idx.communes[c as usize].insee.as_str());
        let qkey = canonical_key(words);
        let qcore = park_core(&qkey);
        let in_commune =
            |p: &ParkEntry| insee.is_none_or(|i| p.park.communes.iter().any(|c| c == i));
        let mut best: Option<(&ParkEntry, f64)> = None;
        if !qcore.is_empty() {
            let qset: Vec<&str> = qcore.split(' ').collect();
            let says_park = qkey.split(' ').any(|w| PARK_GENERIC.contains(&w));
            for p in self.parks.iter().filter(|p| in_commune(p)) {
                // a park named after its commune ("ZI de Thann") is only matched when the
                // query says it is a park: otherwise every address in Thann would match
                if p.core.is_empty() || (!says_park && idx.communes_by_key.contains_key(&p.core)) {
                    continue;
                }
                let all_in = p.core.split(' ').all(|w| qset.contains(&w));
                let sim = if all_in {
                    1.0
                } else {
                    jaro_winkler(&qcore, &p.core)
                };
                if sim >= 0.88 && best.is_none_or(|b| sim > b.1) {
                    best = Some((p, sim));
                }
            }
        }
        if best.is_none()
            && let Some(id) = park_hint
            && let Some(p) = self.parks.iter().find(|p| p.park.id == id)
        {
            // the actor is known to be in this park: its position beats the commune's
            best = Some((p, 0.7));
        }
        let (p, sim) = best?;
        let com_insee = insee
            .map(str::to_owned)
            .or_else(|| p.park.communes.first().cloned())
            .unwrap_or_default();
        let city = idx
            .commune_by_insee(&com_insee)
            .map(|c| idx.communes[c as usize].name.clone())
            .unwrap_or_default();
        Some(GeocodeResult {
            lon: p.park.lonlat.0,
            lat: p.park.lonlat.1,
            score: (sim * commune_conf).clamp(0.0, 1.0),
            match_type: if p.park.precise {
                MatchType::Park
            } else {
                MatchType::Commune
            },
            label: match (city.is_empty(), p.park.precise) {
                (true, true) => p.park.name.clone(),
                (false, true) => format!("{}, {city}", p.park.name),
                (true, false) => format!("{} (position: its commune)", p.park.name),
                (false, false) => format!("{}, {city} (position: the commune's)", p.park.name),
            },
            insee: com_insee,
            housenumber: None,
            street: None,
            postcode: None,
            city,
            park_id: Some(p.park.id.clone()),
            ambiguous: false,
            runner_up: None,
        })
    }
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

/// Keep the best and second-best results by score.
fn push_ranked(
    best: &mut Option<GeocodeResult>,
    second: &mut Option<GeocodeResult>,
    r: GeocodeResult,
) {
    match best {
        Some(b) if b.score >= r.score => {
            if second.as_ref().is_none_or(|s| s.score < r.score) {
                *second = Some(r);
            }
        }
        _ => {
            *second = best.take();
            *best = Some(r);
        }
    }
}

fn suffix_label(s: Suffix) -> String {
    let t = suffix_str(s);
    if t.is_empty() { t } else { format!(" {t}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geocode::index::{bag_common, char_bag};
    use rand::{Rng, SeedableRng, rngs::SmallRng};

    #[test]
    fn jaro_winkler_bound_is_an_upper_bound() {
        let mut rng = SmallRng::seed_from_u64(3);
        let alphabet = b"aeiorstu 12";
        for _ in 0..20_000 {
            let mut gen_s = || {
                let n = rng.random_range(0..16);
                (0..n)
                    .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                    .collect::<String>()
            };
            let (a, b) = (gen_s(), gen_s());
            let m = bag_common(&char_bag(&a), &char_bag(&b));
            let ub = jaro_winkler_bound(m, a.len(), b.len());
            assert!(jaro_winkler(&a, &b) <= ub + 1e-12, "{a:?} {b:?}");
        }
    }
}
