//! Matching a free-text French address against the [`AddressIndex`] and the territory's parks.
//!
//! The precision ladder: exact house number → nearest number on the street → street → business
//! park (name match) → commune. Each result has a score in [0, 1] (how well the query was
//! understood, like addok's `result_score`) and a type (`housenumber`, `street`, `park`,
//! `commune`, like addok's `result_type`).
//!
//! The query is first read into variants (see [`super::query`]): the "number + street" part is
//! found anywhere in it, after a company name or a commune written first. The commune is found
//! from, in order: an INSEE code given with the query; the words after a postcode; the last
//! words of the street part; the words before it (exact, then fuzzy — see
//! [`super::candidates`]); the postcode alone. Former (delegated) communes are aliases of the
//! current commune: "Soppe-le-Haut" finds Le Haut Soultzbach, and the answer says so
//! (`former_commune`). The street is then matched within that commune: exact normalised key,
//! else fuzzy (Jaro–Winkler on the name without its type word, weighted by the type word's
//! agreement); when the query named a former commune, its streets are preferred.
//!
//! Scores: `street similarity × commune confidence × number factor`, where the number factor is
//! 1 for the exact number, 0.95 for the right number with another suffix (bis/ter), `0.9 − 0.01 ×
//! distance` (at least 0.6) for the nearest number; a query without street part that names only
//! a commune scores the commune confidence; a query whose street could not be found falls back
//! to its park (score: park-name similarity × commune confidence) or commune (score 0.4 ×
//! commune confidence).
//!
//! Then what the query says is checked against the answer, and the score lowered below
//! [`ACCEPTANCE`] with a reason (`reasons`) when they disagree: a postcode that is not the
//! commune's; a postcode or commune name that is not the territory's (the answer is then
//! `in_territory: false`); a postcode that several communes share and nothing else names the
//! commune. Words left aside before the street part (a company name) cost 3 %.

pub use crate::geocode::candidates::COMMUNE_MIN_SIMILARITY;
use crate::geocode::candidates::{CommuneCandidate, CommuneNames};
use crate::geocode::index::{AddressIndex, NO_FORMER, bag_common, char_bag};
pub use crate::geocode::normalise::jaro_winkler_bound;
use crate::geocode::normalise::{
    Suffix, canonical_key, jaro_winkler, key, leading_number, split_street_type, suffix_str,
};
pub use crate::geocode::query::Hints;
use crate::geocode::query::{self, Variant};
use crate::territory::Precision;

/// Minimum street similarity for a street match.
pub const STREET_MIN_SIMILARITY: f64 = 0.82;
/// Two candidates closer than this in score make a result ambiguous.
pub const AMBIGUITY_MARGIN: f64 = 0.03;
/// Score of a commune-level fallback when the query had a street part that was not found.
const COMMUNE_FALLBACK_SCORE: f64 = 0.4;
/// The score from which an answer is accepted without review (`geocode actors --min-score`'s
/// default): every contradiction puts the score under it.
pub const ACCEPTANCE: f64 = 0.8;
/// Highest score of an answer whose postcode or commune contradicts the query.
pub const CONTRADICTION_CAP: f64 = 0.7;
/// Highest score of an answer outside the territory, or of a commune chosen by a postcode that
/// several communes share.
pub const UNSURE_CAP: f64 = 0.5;
/// Factor of an answer that left words before the street part aside (a company name).
const SKIPPED_PREFIX_FACTOR: f64 = 0.97;

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
    /// The former (delegated) commune of the answer, e.g. "Soppe-le-Haut" in Le Haut
    /// Soultzbach: named by the query, or the one the street belongs to.
    pub former_commune: Option<String>,
    /// INSEE code of that former commune.
    pub former_commune_insee: Option<String>,
    /// Whether the answer is in the territory; `false` when the query names a commune or
    /// postcode outside it. Such an answer is never written to an actor.
    pub in_territory: bool,
    /// Why the score was lowered, or what was left aside (empty when the query and the answer
    /// agree).
    pub reasons: Vec<String>,
}

impl GeocodeResult {
    /// "Soppe-le-Haut, commune déléguée du Haut Soultzbach" when the answer is in a former
    /// commune, else `None`.
    pub fn former_commune_text(&self) -> Option<String> {
        self.former_commune
            .as_ref()
            .map(|f| format!("{f}, commune déléguée {}", of_name(&self.city)))
    }

    fn cap(&mut self, cap: f64, reason: String) {
        self.score = self.score.min(cap);
        self.reasons.push(reason);
    }
}

/// "de Thann", "du Haut Soultzbach", "de la Petite-Raon", "d'Aspach", "des Baraques".
pub fn of_name(name: &str) -> String {
    let lower = name.to_lowercase();
    if let Some(rest) = name
        .strip_prefix("Le ")
        .filter(|_| lower.starts_with("le "))
    {
        format!("du {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("des {rest}")
    } else if let Some(rest) = name.strip_prefix("La ") {
        format!("de la {rest}")
    } else if name.starts_with("L'") || name.starts_with("L’") {
        format!("de {}", name)
    } else if name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊÂÎÔaeiouy".contains(c))
    {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
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

/// The offline geocoder: an address index plus the territory's parks.
#[derive(Debug, Clone, Default)]
pub struct Geocoder {
    pub(crate) index: AddressIndex,
    parks: Vec<ParkEntry>,
}

/// Best street found in a commune.
#[derive(Debug, Clone, Copy)]
struct StreetHit {
    street: u32,
    sim: f64,
}

/// What one variant of the query says besides its street: used to check the answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueryFacts {
    /// The postcode written, if any.
    pub postcode: Option<String>,
    /// How many communes (territory's or not) the postcode serves in the index.
    pub postcode_communes: usize,
    /// Why the query seems to be outside the territory (an unknown postcode or commune name).
    pub outside: Option<String>,
    /// Words before the street part (company name…), as written.
    pub prefix: String,
}

/// The best and second-best distinct answers.
#[derive(Debug, Default)]
struct Ranked {
    best: Option<GeocodeResult>,
    second: Option<GeocodeResult>,
}

impl Ranked {
    fn push(&mut self, r: GeocodeResult) {
        let better = |a: &GeocodeResult, b: &Option<GeocodeResult>| {
            b.as_ref().is_none_or(|b| a.score > b.score)
        };
        if self.best.as_ref().is_some_and(|b| b.label == r.label) {
            if better(&r, &self.best) {
                self.best = Some(r);
            }
            return;
        }
        if self.second.as_ref().is_some_and(|s| s.label == r.label) {
            if better(&r, &self.second) {
                self.second = Some(r);
                if better(self.second.as_ref().expect("set"), &self.best) {
                    std::mem::swap(&mut self.best, &mut self.second);
                }
            }
            return;
        }
        if better(&r, &self.best) {
            self.second = self.best.take();
            self.best = Some(r);
        } else if better(&r, &self.second) {
            self.second = Some(r);
        }
    }

    fn finish(self) -> Option<GeocodeResult> {
        let mut best = self.best?;
        if let Some(s) = self.second
            && best.score - s.score < AMBIGUITY_MARGIN
        {
            best.ambiguous = true;
            best.runner_up = Some(s.label);
        }
        Some(best)
    }
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
        let q = query::parse(text);
        let mut ranked = Ranked::default();
        for v in &q.variants {
            self.run_variant(q.postcode.as_deref(), v, hints, &mut ranked);
        }
        ranked.finish()
    }

    /// Answers of one reading of the query.
    fn run_variant(
        &self,
        postcode: Option<&str>,
        v: &Variant,
        hints: Hints<'_>,
        ranked: &mut Ranked,
    ) {
        let mut words = v.street.clone();
        let (number, suffix) = match leading_number(&words) {
            Some((n, s, used)) => {
                words.drain(..used);
                (Some(n), s)
            }
            None => (None, 0),
        };
        let by_pc: &[u32] = postcode
            .and_then(|p| self.index.communes_by_postcode.get(p))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let (candidates, unmatched) = CommuneNames { index: &self.index }.commune_candidates(
            &words,
            &v.prefix,
            &v.after_pc,
            by_pc,
            hints,
        );
        let mut facts = QueryFacts {
            postcode: postcode.map(str::to_owned),
            postcode_communes: by_pc.len(),
            outside: None,
            prefix: v.prefix.join(" "),
        };
        if let Some(p) = postcode
            && by_pc.is_empty()
        {
            facts.outside = Some(format!("postcode {p} is not one of the territory's"));
        } else if let Some(name) = unmatched {
            facts.outside = Some(format!(
                "commune \"{name}\" is not one of the territory's communes"
            ));
        }
        if candidates.is_empty() {
            // no commune: look for the street everywhere (exact key only), then parks
            let skey = canonical_key(&words);
            if let Some(streets) = self.index.streets_by_key.get(&skey) {
                for &s in streets {
                    let hit = StreetHit {
                        street: s,
                        sim: 1.0,
                    };
                    let r = self.street_result(hit, 0.8, None, number, suffix);
                    ranked.push(self.checked(r, None, &facts));
                }
            }
            if ranked.best.is_none() {
                let mut pw = v.prefix.clone();
                pw.extend(words.iter().cloned());
                if let Some(r) = self.park_result(&pw, None, 1.0, hints.park_id) {
                    ranked.push(self.checked(r, None, &facts));
                }
            }
        }
        for c in &candidates {
            for r in self.results_in_commune(c, &v.prefix, number, suffix, hints.park_id) {
                ranked.push(self.checked(r, Some(c), &facts));
            }
        }
    }

    /// Check an answer against what the query says: lower its score and say why when they
    /// disagree, flag it outside the territory.
    fn checked(
        &self,
        mut r: GeocodeResult,
        c: Option<&CommuneCandidate>,
        facts: &QueryFacts,
    ) -> GeocodeResult {
        let idx = &self.index;
        let com = idx
            .commune_by_insee(&r.insee)
            .map(|i| &idx.communes[i as usize]);
        if com.is_some_and(|c| !c.in_territory) {
            r.in_territory = false;
            let name = com.map(|c| c.name.as_str()).unwrap_or("");
            r.cap(
                UNSURE_CAP,
                format!(
                    "outside the territory: {name} ({}) is not one of its communes",
                    r.insee
                ),
            );
            return r;
        }
        let named = c.is_some_and(|c| c.named);
        if let Some(why) = &facts.outside
            && !named
        {
            r.in_territory = false;
            r.cap(
                UNSURE_CAP,
                format!("{why}: the address is probably outside the territory"),
            );
        }
        if let (Some(pc), Some(com)) = (&facts.postcode, com) {
            let known = com
                .postcodes
                .iter()
                .chain(com.former.iter().flat_map(|f| &f.postcodes));
            let mut known = known.peekable();
            if known.peek().is_some()
                && !com.postcodes.contains(pc)
                && !com.former.iter().any(|f| f.postcodes.contains(pc))
            {
                r.cap(
                    CONTRADICTION_CAP,
                    format!(
                        "postcode {pc} is not that of {} ({})",
                        com.name,
                        com.postcodes.join(", ")
                    ),
                );
            }
        }
        if let Some(c) = c {
            if c.postcode_only && facts.postcode_communes > 1 && r.match_type == MatchType::Commune
            {
                r.cap(
                    UNSURE_CAP,
                    format!(
                        "postcode {} serves {} communes and no commune is named",
                        facts.postcode.as_deref().unwrap_or(""),
                        facts.postcode_communes
                    ),
                );
            }
            if !facts.prefix.is_empty() && !c.from_prefix {
                r.score *= SKIPPED_PREFIX_FACTOR;
                r.reasons.push(format!(
                    "words left aside before the address: \"{}\"",
                    facts.prefix
                ));
            }
            if let Some(n) = &c.disagreement {
                r.cap(CONTRADICTION_CAP, n.clone());
            }
        }
        r
    }

    /// The best and second-best streets of commune `c` for a street key; streets of another
    /// former commune than the one named (`former`) are a little less similar.
    fn match_street(
        &self,
        c: u32,
        skey: &str,
        former: Option<u32>,
    ) -> (Option<StreetHit>, Option<StreetHit>) {
        let idx = &self.index;
        let former_factor = |s: u32| match former {
            Some(f) => {
                let sf = idx.streets[s as usize].former;
                if sf == NO_FORMER || sf == f { 1.0 } else { 0.9 }
            }
            None => 1.0,
        };
        let mut best: Option<StreetHit> = None;
        let mut second: Option<StreetHit> = None;
        let push =
            |best: &mut Option<StreetHit>, second: &mut Option<StreetHit>, hit: StreetHit| {
                if best.is_none_or(|h| hit.sim > h.sim) {
                    *second = *best;
                    *best = Some(hit);
                } else if second.is_none_or(|h| hit.sim > h.sim) {
                    *second = Some(hit);
                }
            };
        if let Some(ss) = idx.streets_by_key.get(skey) {
            for &s in ss.iter().filter(|&&s| idx.streets[s as usize].commune == c) {
                push(
                    &mut best,
                    &mut second,
                    StreetHit {
                        street: s,
                        sim: former_factor(s),
                    },
                );
            }
        }
        if best.is_some() {
            return (best, second);
        }
        let (qt, qn) = split_street_type(skey);
        let qwords: Vec<&str> = qn.split(' ').collect();
        let qbag = char_bag(skey);
        let (a, b) = idx.communes[c as usize].streets;
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
            push(
                &mut best,
                &mut second,
                StreetHit {
                    street: s,
                    sim: name_sim * type_factor * former_factor(s),
                },
            );
        }
        (best, second)
    }

    /// Results for one commune candidate: best street (and runner-up), or park, or commune.
    fn results_in_commune(
        &self,
        c: &CommuneCandidate,
        prefix: &[String],
        number: Option<u32>,
        suffix: Suffix,
        park_hint: Option<&str>,
    ) -> Vec<GeocodeResult> {
        let skey = canonical_key(&c.street_words);
        let mut out = Vec::new();
        if !skey.is_empty() {
            let (best, second) = self.match_street(c.commune, &skey, c.former);
            for hit in [best, second].into_iter().flatten() {
                if hit.sim >= STREET_MIN_SIMILARITY {
                    out.push(self.street_result(hit, c.confidence, c.former, number, suffix));
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
        // a park may be named before the street part too ("ZI Europe, rue …")
        let park_words: Vec<String> = if c.from_prefix {
            c.street_words.clone()
        } else {
            prefix.iter().chain(&c.street_words).cloned().collect()
        };
        if let Some(mut r) = self.park_result(&park_words, Some(c.commune), c.confidence, park_hint)
        {
            self.set_former(&mut r, c.commune, c.former.unwrap_or(NO_FORMER));
            return vec![r];
        }
        let has_street_part = !skey.is_empty() || number.is_some();
        let score = c.confidence
            * if has_street_part {
                COMMUNE_FALLBACK_SCORE
            } else {
                1.0
            };
        self.commune_result(c.commune, c.former, score)
            .into_iter()
            .collect()
    }

    fn set_former(&self, r: &mut GeocodeResult, commune: u32, former: u32) {
        if let Some(f) = self.index.communes[commune as usize]
            .former
            .get(former as usize)
        {
            r.former_commune = Some(f.name.clone());
            r.former_commune_insee = Some(f.insee.clone());
        }
    }

    fn commune_result(&self, c: u32, former: Option<u32>, score: f64) -> Option<GeocodeResult> {
        let com = &self.index.communes[c as usize];
        let f = former.and_then(|f| com.former.get(f as usize));
        let lonlat = f.map_or(com.lonlat, |f| f.lonlat);
        if !(lonlat.0.is_finite() && lonlat.1.is_finite()) {
            return None;
        }
        let mut r = GeocodeResult {
            lon: lonlat.0,
            lat: lonlat.1,
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
            former_commune: None,
            former_commune_insee: None,
            in_territory: com.in_territory,
            reasons: Vec::new(),
        };
        if let Some(f) = former {
            self.set_former(&mut r, c, f);
            if let Some(t) = r.former_commune_text() {
                r.label = t;
            }
        }
        Some(r)
    }

    fn street_result(
        &self,
        hit: StreetHit,
        commune_conf: f64,
        _named_former: Option<u32>,
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
        let former = com.former.get(s.former as usize);
        let mut city_part = format!("{} {}", s.postcode, com.name);
        if let Some(f) = former {
            city_part = format!("{city_part} ({})", f.name);
        }
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
            former_commune: former.map(|f| f.name.clone()),
            former_commune_insee: former.map(|f| f.insee.clone()),
            in_territory: com.in_territory,
            reasons: Vec::new(),
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
            former_commune: None,
            former_commune_insee: None,
            in_territory: true,
            reasons: Vec::new(),
        })
    }
}

fn suffix_label(s: Suffix) -> String {
    let t = suffix_str(s);
    if t.is_empty() { t } else { format!(" {t}") }
}
