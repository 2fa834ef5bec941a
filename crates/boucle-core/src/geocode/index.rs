//! The address index: communes → streets → numbered addresses, in compact arrays, saved as a
//! small versioned binary file (`DIR/addresses.idx`, written atomically).
//!
//! File layout (little-endian): magic `BCLADDR\0`, format version (u32), then three sections:
//! communes (INSEE, name, postcodes, point, street range, whether it is in the territory, its
//! former (delegated) communes with their names, postcodes and points), streets (name, postcode,
//! commune, former commune, point, number range) and numbers (number u32, suffix u8, lon/lat as
//! i32 in 1e-7 degrees, ~1 cm). Strings are u32-length-prefixed UTF-8. Normalised keys and
//! lookup tables are rebuilt on load (a few ms for 10^5 addresses), so a change of the
//! normaliser needs no re-import.
//!
//! History and edges of the territory:
//! - a commune merged into another (Soppe-le-Haut into Le Haut Soultzbach) is a *former
//!   commune* of the current one: its name and postcodes are aliases of the current commune, and
//!   the streets of two former communes are kept apart even when they have the same name;
//! - communes outside the territory met in the address file are kept by name, postcodes and
//!   mean point only (no streets): a query naming one is answered as outside the territory
//!   instead of being placed on a same-named street inside it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::error::{Error, InputError, Location, Result};
use crate::geocode::ban::AddressRecord;
use crate::geocode::normalise::{Suffix, key, suffix_equivalent};

/// The index file's name inside a territory folder.
pub const INDEX_FILE: &str = "addresses.idx";
/// Magic bytes at the start of an index file.
const MAGIC: &[u8; 8] = b"BCLADDR\0";
/// Version of the binary format; a file of another version must be re-imported.
pub const INDEX_VERSION: u32 = 2;
/// `IndexStreet::former` of a street that belongs to no former commune.
pub const NO_FORMER: u32 = u32::MAX;

/// Former communes merged into a new one, as (old INSEE, new INSEE): the territory's 2016
/// mergers (Masevaux-Niederbruck, Le Haut Soultzbach). Address files that still carry the old
/// codes are mapped to the new ones on import. Other mergers can be passed to
/// [`IndexBuilder::with_former_communes`].
pub const FORMER_COMMUNES: &[(&str, &str)] = &[
    ("68233", "68201"), // Niederbruck → Masevaux-Niederbruck
    ("68314", "68219"), // Soppe-le-Haut → Le Haut Soultzbach
];

/// Degrees ↔ fixed point (1e-7 degree).
fn to_fixed(d: f64) -> i32 {
    (d * 1e7).round() as i32
}
fn from_fixed(f: i32) -> f64 {
    f64::from(f) / 1e7
}

/// A commune of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexCommune {
    /// INSEE code.
    pub insee: String,
    /// Name.
    pub name: String,
    /// Postcodes.
    pub postcodes: Vec<String>,
    /// Representative point (longitude, latitude): the territory's, else the mean of addresses.
    pub lonlat: (f64, f64),
    /// Range of its streets in [`AddressIndex::streets`].
    pub streets: (u32, u32),
    /// Whether the commune is one of the territory's (the others are known by name, postcodes
    /// and point only, to recognise answers outside the territory).
    pub in_territory: bool,
    /// Former (delegated) communes merged into it.
    pub former: Vec<IndexFormer>,
}

/// A former (delegated) commune, merged into a current one: an alias of it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexFormer {
    /// Its own INSEE code (may equal the current commune's, for the chef-lieu).
    pub insee: String,
    /// Its name, e.g. "Soppe-le-Haut".
    pub name: String,
    /// Postcodes of its addresses.
    pub postcodes: Vec<String>,
    /// Mean point of its addresses, else the current commune's point.
    pub lonlat: (f64, f64),
}

/// A street (or named place) of the index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexStreet {
    /// Name as written in the address file.
    pub name: String,
    /// Most frequent postcode of its addresses.
    pub postcode: String,
    /// Index of its commune in [`AddressIndex::communes`].
    pub commune: u32,
    /// Index of its former commune in the commune's [`IndexCommune::former`], or
    /// [`NO_FORMER`].
    pub former: u32,
    /// Position of the street: its own point for a named place, else the address of median
    /// number (a real point on the street).
    pub lon: i32,
    /// Latitude of the street's position, 1e-7 degrees.
    pub lat: i32,
    /// Range of its numbers in [`AddressIndex::numbers`], sorted by number then suffix.
    pub numbers: (u32, u32),
}

/// A numbered address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexNumber {
    /// House number.
    pub number: u32,
    /// Repetition index.
    pub suffix: Suffix,
    /// Longitude, 1e-7 degrees.
    pub lon: i32,
    /// Latitude, 1e-7 degrees.
    pub lat: i32,
}

impl IndexNumber {
    /// (longitude, latitude) in degrees.
    pub fn lonlat(&self) -> (f64, f64) {
        (from_fixed(self.lon), from_fixed(self.lat))
    }
}

impl IndexStreet {
    /// (longitude, latitude) in degrees.
    pub fn lonlat(&self) -> (f64, f64) {
        (from_fixed(self.lon), from_fixed(self.lat))
    }
}

/// The address index, with its lookup tables.
#[derive(Debug, Clone, Default)]
pub struct AddressIndex {
    /// Communes, sorted by INSEE code.
    pub communes: Vec<IndexCommune>,
    /// Streets, grouped by commune.
    pub streets: Vec<IndexStreet>,
    /// Numbers, grouped by street.
    pub numbers: Vec<IndexNumber>,
    pub(crate) commune_keys: Vec<String>,
    pub(crate) street_keys: Vec<String>,
    /// Letter/digit counts of each street key (see [`char_bag`]), to skip hopeless fuzzy
    /// comparisons.
    pub(crate) street_bags: Vec<CharBag>,
    /// Letter/digit counts of each commune key.
    pub(crate) commune_bags: Vec<CharBag>,
    pub(crate) commune_by_insee: HashMap<String, u32>,
    pub(crate) communes_by_key: HashMap<String, Vec<u32>>,
    /// Former commune names → (commune, index in its `former`).
    pub(crate) formers_by_key: HashMap<String, Vec<(u32, u32)>>,
    /// Keys of former communes, as (commune, former) → key, in the order of `formers`.
    pub(crate) former_keys: Vec<(u32, u32, String)>,
    pub(crate) communes_by_postcode: HashMap<String, Vec<u32>>,
    pub(crate) streets_by_key: HashMap<String, Vec<u32>>,
}

/// A commune declared to the builder (from the territory).
#[derive(Debug, Clone)]
pub struct CommuneSeed {
    /// INSEE code.
    pub insee: String,
    /// Name.
    pub name: String,
    /// Postcodes.
    pub postcodes: Vec<String>,
    /// Representative point (lon, lat), if known.
    pub lonlat: Option<(f64, f64)>,
}

#[derive(Debug, Default)]
struct CommuneAcc {
    name: String,
    postcodes: BTreeSet<String>,
    point: Option<(f64, f64)>,
    sum: (f64, f64),
    n: u64,
    former: Vec<FormerAcc>,
}

#[derive(Debug, Default)]
struct FormerAcc {
    insee: String,
    name: String,
    postcodes: BTreeSet<String>,
    sum: (f64, f64),
    n: u64,
}

impl CommuneAcc {
    /// The index of the former commune with this code (and, when given, name), created when
    /// new; the chef-lieu keeps the current code, so a code alone is not always enough.
    fn former_index(&mut self, insee: &str, name: &str) -> usize {
        let pos = self.former.iter().position(|f| {
            f.insee == insee && (name.is_empty() || f.name.is_empty() || key(&f.name) == key(name))
        });
        match pos {
            Some(i) => {
                if self.former[i].name.is_empty() {
                    self.former[i].name = name.to_owned();
                }
                i
            }
            None => {
                self.former.push(FormerAcc {
                    insee: insee.to_owned(),
                    name: name.to_owned(),
                    ..FormerAcc::default()
                });
                self.former.len() - 1
            }
        }
    }
}

#[derive(Debug, Default)]
struct StreetAcc {
    name: String,
    postcodes: HashMap<String, u32>,
    place: Option<(i32, i32)>,
    numbers: Vec<IndexNumber>,
}

/// A street's sort key within its commune: normalised name, former commune.
type StreetSort = (String, u32);

/// Counts from a build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildStats {
    /// Records added to the index.
    pub added: u64,
    /// Records outside the declared communes.
    pub outside: u64,
    /// Duplicate (street, number, suffix) records dropped.
    pub duplicates: u64,
    /// Records placed in a former (delegated) commune.
    pub in_former_communes: u64,
}

/// Builds an [`AddressIndex`] from address records, optionally restricted to given communes.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    restrict: bool,
    former: HashMap<String, String>,
    communes: BTreeMap<String, CommuneAcc>,
    outside: BTreeMap<String, CommuneAcc>,
    streets: HashMap<(String, u32, String), StreetAcc>,
    stats: BuildStats,
}

impl IndexBuilder {
    /// A builder that accepts every commune.
    pub fn new() -> Self {
        IndexBuilder {
            former: FORMER_COMMUNES
                .iter()
                .map(|(o, n)| ((*o).to_owned(), (*n).to_owned()))
                .collect(),
            ..IndexBuilder::default()
        }
    }

    /// A builder restricted to the given communes (the territory's): records of other communes
    /// are counted in [`BuildStats::outside`] and dropped. The communes are in the index even
    /// without addresses, so that commune-level fallback works everywhere.
    pub fn for_communes(seeds: impl IntoIterator<Item = CommuneSeed>) -> Self {
        let mut b = IndexBuilder::new();
        b.restrict = true;
        for s in seeds {
            b.communes.insert(
                s.insee,
                CommuneAcc {
                    name: s.name,
                    postcodes: s.postcodes.into_iter().collect(),
                    point: s.lonlat,
                    ..CommuneAcc::default()
                },
            );
        }
        b
    }

    /// Add (old INSEE, new INSEE) pairs of merged communes.
    pub fn with_former_communes<'a>(
        mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        for (o, n) in pairs {
            self.former.insert(o.to_owned(), n.to_owned());
        }
        self
    }

    /// Declare a former (delegated) commune of a current one, e.g. ("68219", "68314",
    /// "Soppe-le-Haut"): its name becomes an alias of the current commune. Address records that
    /// carry its code as their commune are mapped to the current commune.
    pub fn add_former_commune(&mut self, current: &str, former_insee: &str, name: &str) {
        if former_insee != current {
            self.former
                .insert(former_insee.to_owned(), current.to_owned());
        }
        if self.restrict && !self.communes.contains_key(current) {
            return;
        }
        let c = self.communes.entry(current.to_owned()).or_default();
        c.former_index(former_insee, name);
    }

    /// Add one record; returns whether it was kept.
    pub fn add(&mut self, rec: AddressRecord) -> bool {
        let mut insee = rec.insee;
        // the former commune of the record: given by the file, or the record's own code when
        // it is a merged commune's
        let mut former: Option<(String, String)> = rec
            .old_insee
            .clone()
            .map(|o| (o, rec.old_commune.clone().unwrap_or_default()));
        if let Some(new) = self.former.get(&insee) {
            if former.is_none() {
                former = Some((insee.clone(), rec.commune.clone()));
            }
            insee = new.clone();
        }
        if self.restrict && !self.communes.contains_key(&insee) {
            // an old file may carry a former commune only in `old_insee`
            match rec.old_insee.as_ref().and_then(|o| self.former.get(o)) {
                Some(new) if self.communes.contains_key(new) => insee = new.clone(),
                _ => {
                    self.stats.outside += 1;
                    let c = self.outside.entry(insee).or_default();
                    if c.name.is_empty() {
                        c.name = rec.commune;
                    }
                    if !rec.postcode.is_empty() {
                        c.postcodes.insert(rec.postcode);
                    }
                    c.sum.0 += rec.lon;
                    c.sum.1 += rec.lat;
                    c.n += 1;
                    return false;
                }
            }
        }
        let c = self.communes.entry(insee.clone()).or_default();
        if c.name.is_empty() {
            c.name = rec.commune.clone();
        }
        if !rec.postcode.is_empty() {
            c.postcodes.insert(rec.postcode.clone());
        }
        c.sum.0 += rec.lon;
        c.sum.1 += rec.lat;
        c.n += 1;
        // a BAN file may name the chef-lieu of a commune that never merged: only a code that
        // differs from the current one, or a name that differs, makes a former commune
        let former_idx = match former {
            Some((code, name))
                if !code.is_empty()
                    && (code != insee
                        || (!name.is_empty() && key(&name) != key(&c.name))
                        || c.former.iter().any(|f| f.insee == code)) =>
            {
                let i = c.former_index(&code, &name);
                let f = &mut c.former[i];
                if !rec.postcode.is_empty() {
                    f.postcodes.insert(rec.postcode.clone());
                }
                f.sum.0 += rec.lon;
                f.sum.1 += rec.lat;
                f.n += 1;
                self.stats.in_former_communes += 1;
                i as u32
            }
            _ => NO_FORMER,
        };
        let skey = key(&rec.street);
        let s = self.streets.entry((insee, former_idx, skey)).or_default();
        if s.name.is_empty() {
            s.name = rec.street;
        }
        if !rec.postcode.is_empty() {
            *s.postcodes.entry(rec.postcode).or_default() += 1;
        }
        let (lon, lat) = (to_fixed(rec.lon), to_fixed(rec.lat));
        match rec.number {
            Some(number) => s.numbers.push(IndexNumber {
                number,
                suffix: rec.suffix,
                lon,
                lat,
            }),
            None => s.place = Some((lon, lat)),
        }
        self.stats.added += 1;
        true
    }

    /// Counts so far.
    pub fn stats(&self) -> BuildStats {
        self.stats
    }

    /// Finish: sort, deduplicate and build the lookup tables.
    pub fn build(mut self) -> (AddressIndex, BuildStats) {
        let mut by_commune: BTreeMap<String, Vec<(StreetSort, StreetAcc)>> = BTreeMap::new();
        for ((insee, former, skey), acc) in self.streets {
            by_commune
                .entry(insee)
                .or_default()
                .push(((skey, former), acc));
        }
        let mut idx = AddressIndex::default();
        for (insee, c) in &self.communes {
            let ci = idx.communes.len() as u32;
            let start = idx.streets.len() as u32;
            let mut streets = by_commune.remove(insee).unwrap_or_default();
            streets.sort_by(|a, b| a.0.cmp(&b.0));
            for ((_, former), mut s) in streets {
                s.numbers.sort_by_key(|n| (n.number, n.suffix));
                let before = s.numbers.len();
                s.numbers.dedup_by_key(|n| (n.number, n.suffix));
                self.stats.duplicates += (before - s.numbers.len()) as u64;
                let (lon, lat) = match s.place {
                    Some(p) => p,
                    None => s
                        .numbers
                        .get(s.numbers.len() / 2)
                        .map(|n| (n.lon, n.lat))
                        .unwrap_or((0, 0)),
                };
                let postcode = s
                    .postcodes
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(p, _)| p.clone())
                    .unwrap_or_default();
                let nstart = idx.numbers.len() as u32;
                idx.numbers.extend_from_slice(&s.numbers);
                idx.streets.push(IndexStreet {
                    name: s.name,
                    postcode,
                    commune: ci,
                    former,
                    lon,
                    lat,
                    numbers: (nstart, idx.numbers.len() as u32),
                });
            }
            let lonlat = c.point.unwrap_or(if c.n > 0 {
                (c.sum.0 / c.n as f64, c.sum.1 / c.n as f64)
            } else {
                (f64::NAN, f64::NAN)
            });
            let former = c
                .former
                .iter()
                .map(|f| IndexFormer {
                    insee: f.insee.clone(),
                    name: f.name.clone(),
                    postcodes: f.postcodes.iter().cloned().collect(),
                    lonlat: if f.n > 0 {
                        (f.sum.0 / f.n as f64, f.sum.1 / f.n as f64)
                    } else {
                        lonlat
                    },
                })
                .collect();
            let n = idx.streets.len() as u32;
            idx.communes.push(IndexCommune {
                insee: insee.clone(),
                name: c.name.clone(),
                postcodes: c.postcodes.iter().cloned().collect(),
                lonlat,
                streets: (start, n),
                in_territory: true,
                former,
            });
        }
        // communes outside the territory: name, postcodes and mean point only
        for (insee, c) in &self.outside {
            if self.communes.contains_key(insee) || c.n == 0 {
                continue;
            }
            let n = idx.streets.len() as u32;
            idx.communes.push(IndexCommune {
                insee: insee.clone(),
                name: c.name.clone(),
                postcodes: c.postcodes.iter().cloned().collect(),
                lonlat: (c.sum.0 / c.n as f64, c.sum.1 / c.n as f64),
                streets: (n, n),
                in_territory: false,
                former: Vec::new(),
            });
        }
        idx.rebuild_tables();
        (idx, self.stats)
    }
}

impl AddressIndex {
    /// An index of communes only (no addresses): geocoding then falls back to parks and communes.
    pub fn from_communes(seeds: impl IntoIterator<Item = CommuneSeed>) -> Self {
        IndexBuilder::for_communes(seeds).build().0
    }

    /// Number of numbered addresses.
    pub fn address_count(&self) -> usize {
        self.numbers.len()
    }

    /// Index of the commune with this INSEE code.
    pub fn commune_by_insee(&self, insee: &str) -> Option<u32> {
        self.commune_by_insee.get(insee).copied()
    }

    /// The numbers of a street.
    pub fn street_numbers(&self, street: u32) -> &[IndexNumber] {
        let (a, b) = self.streets[street as usize].numbers;
        &self.numbers[a as usize..b as usize]
    }

    /// Find a number on a street: the exact number with an equivalent suffix, else the same
    /// number with another suffix. Returns the entry and whether the suffix matched.
    pub fn find_number(
        &self,
        street: u32,
        number: u32,
        suffix: Suffix,
    ) -> Option<(IndexNumber, bool)> {
        let nums = self.street_numbers(street);
        let start = nums.partition_point(|n| n.number < number);
        let same: &[IndexNumber] = {
            let end = start + nums[start..].partition_point(|n| n.number == number);
            &nums[start..end]
        };
        if let Some(n) = same.iter().find(|n| suffix_equivalent(n.suffix, suffix)) {
            return Some((*n, true));
        }
        same.iter()
            .find(|n| n.suffix == 0)
            .or(same.first())
            .map(|n| (*n, false))
    }

    /// The nearest number on a street, preferring the same side (parity) within 20 numbers.
    pub fn nearest_number(&self, street: u32, number: u32) -> Option<IndexNumber> {
        let nums = self.street_numbers(street);
        let dist = |n: &IndexNumber| n.number.abs_diff(number);
        let same_side = nums
            .iter()
            .filter(|n| n.number % 2 == number % 2)
            .min_by_key(|n| dist(n));
        match same_side {
            Some(n) if dist(n) <= 20 => Some(*n),
            _ => nums.iter().min_by_key(|n| dist(n)).copied(),
        }
    }

    fn rebuild_tables(&mut self) {
        self.commune_keys = self.communes.iter().map(|c| key(&c.name)).collect();
        self.street_keys = self.streets.iter().map(|s| key(&s.name)).collect();
        self.street_bags = self.street_keys.iter().map(|k| char_bag(k)).collect();
        self.commune_bags = self.commune_keys.iter().map(|k| char_bag(k)).collect();
        self.commune_by_insee.clear();
        self.communes_by_key.clear();
        self.communes_by_postcode.clear();
        self.streets_by_key.clear();
        self.formers_by_key.clear();
        self.former_keys.clear();
        for (i, c) in self.communes.iter().enumerate() {
            self.commune_by_insee.insert(c.insee.clone(), i as u32);
            self.communes_by_key
                .entry(self.commune_keys[i].clone())
                .or_default()
                .push(i as u32);
            let mut postcodes: Vec<&String> = c.postcodes.iter().collect();
            for (j, f) in c.former.iter().enumerate() {
                let k = key(&f.name);
                if !k.is_empty() && k != self.commune_keys[i] {
                    self.formers_by_key
                        .entry(k.clone())
                        .or_default()
                        .push((i as u32, j as u32));
                    self.former_keys.push((i as u32, j as u32, k));
                }
                postcodes.extend(&f.postcodes);
            }
            postcodes.sort();
            postcodes.dedup();
            for p in postcodes {
                self.communes_by_postcode
                    .entry(p.clone())
                    .or_default()
                    .push(i as u32);
            }
        }
        for (i, k) in self.street_keys.iter().enumerate() {
            self.streets_by_key
                .entry(k.clone())
                .or_default()
                .push(i as u32);
        }
    }

    /// The street key (normalised name) of a street.
    pub fn street_key(&self, street: u32) -> &str {
        &self.street_keys[street as usize]
    }

    /// Serialise to the binary format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(64 + self.numbers.len() * 13 + self.streets.len() * 40);
        w.extend_from_slice(MAGIC);
        put_u32(&mut w, INDEX_VERSION);
        put_u32(&mut w, self.communes.len() as u32);
        for c in &self.communes {
            put_str(&mut w, &c.insee);
            put_str(&mut w, &c.name);
            put_u32(&mut w, c.postcodes.len() as u32);
            for p in &c.postcodes {
                put_str(&mut w, p);
            }
            w.extend_from_slice(&c.lonlat.0.to_le_bytes());
            w.extend_from_slice(&c.lonlat.1.to_le_bytes());
            put_u32(&mut w, c.streets.0);
            put_u32(&mut w, c.streets.1);
            w.push(u8::from(c.in_territory));
            put_u32(&mut w, c.former.len() as u32);
            for f in &c.former {
                put_str(&mut w, &f.insee);
                put_str(&mut w, &f.name);
                put_u32(&mut w, f.postcodes.len() as u32);
                for p in &f.postcodes {
                    put_str(&mut w, p);
                }
                w.extend_from_slice(&f.lonlat.0.to_le_bytes());
                w.extend_from_slice(&f.lonlat.1.to_le_bytes());
            }
        }
        put_u32(&mut w, self.streets.len() as u32);
        for s in &self.streets {
            put_str(&mut w, &s.name);
            put_str(&mut w, &s.postcode);
            put_u32(&mut w, s.commune);
            put_u32(&mut w, s.former);
            w.extend_from_slice(&s.lon.to_le_bytes());
            w.extend_from_slice(&s.lat.to_le_bytes());
            put_u32(&mut w, s.numbers.0);
            put_u32(&mut w, s.numbers.1);
        }
        put_u32(&mut w, self.numbers.len() as u32);
        for n in &self.numbers {
            put_u32(&mut w, n.number);
            w.push(n.suffix);
            w.extend_from_slice(&n.lon.to_le_bytes());
            w.extend_from_slice(&n.lat.to_le_bytes());
        }
        w
    }

    /// Parse the binary format; `path` is only used in error messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<AddressIndex> {
        let mut r = Cursor {
            b: bytes,
            pos: 0,
            path,
        };
        if r.take(8)? != MAGIC {
            return Err(r.err("not a boucle address index (bad magic bytes)"));
        }
        let version = r.u32()?;
        if version != INDEX_VERSION {
            return Err(r.err(&format!(
                "address index format version {version}, this program reads version \
                 {INDEX_VERSION}: re-run `boucle geocode import-ban`"
            )));
        }
        let mut idx = AddressIndex::default();
        let nc = r.count(35)?;
        for _ in 0..nc {
            let insee = r.str()?;
            let name = r.str()?;
            let np = r.count(4)?;
            let postcodes = (0..np).map(|_| r.str()).collect::<Result<Vec<_>>>()?;
            let lon = r.f64()?;
            let lat = r.f64()?;
            let streets = (r.u32()?, r.u32()?);
            let in_territory = match r.take(1)?[0] {
                0 => false,
                1 => true,
                _ => return Err(r.err("bad territory flag in the address index")),
            };
            let nf = r.count(28)?;
            let mut former = Vec::with_capacity(nf);
            for _ in 0..nf {
                let insee = r.str()?;
                let name = r.str()?;
                let np = r.count(4)?;
                let postcodes = (0..np).map(|_| r.str()).collect::<Result<Vec<_>>>()?;
                let lon = r.f64()?;
                let lat = r.f64()?;
                former.push(IndexFormer {
                    insee,
                    name,
                    postcodes,
                    lonlat: (lon, lat),
                });
            }
            idx.communes.push(IndexCommune {
                insee,
                name,
                postcodes,
                lonlat: (lon, lat),
                streets,
                in_territory,
                former,
            });
        }
        let ns = r.count(32)?;
        for _ in 0..ns {
            let name = r.str()?;
            let postcode = r.str()?;
            let commune = r.u32()?;
            let former = r.u32()?;
            let lon = r.i32()?;
            let lat = r.i32()?;
            let numbers = (r.u32()?, r.u32()?);
            idx.streets.push(IndexStreet {
                name,
                postcode,
                commune,
                former,
                lon,
                lat,
                numbers,
            });
        }
        let nn = r.count(13)?;
        idx.numbers.reserve(nn);
        for _ in 0..nn {
            let number = r.u32()?;
            let suffix = r.take(1)?[0];
            let lon = r.i32()?;
            let lat = r.i32()?;
            idx.numbers.push(IndexNumber {
                number,
                suffix,
                lon,
                lat,
            });
        }
        if r.pos != bytes.len() {
            return Err(r.err("trailing bytes after the address index"));
        }
        // ranges must stay inside the arrays
        let bad_c = idx
            .communes
            .iter()
            .any(|c| c.streets.0 > c.streets.1 || c.streets.1 as usize > idx.streets.len());
        let bad_s = idx.streets.iter().any(|s| {
            s.numbers.0 > s.numbers.1
                || s.numbers.1 as usize > idx.numbers.len()
                || s.commune as usize >= idx.communes.len()
                || (s.former != NO_FORMER
                    && s.former as usize >= idx.communes[s.commune as usize].former.len())
        });
        if bad_c || bad_s {
            return Err(r.err("inconsistent ranges in the address index (corrupt file)"));
        }
        idx.rebuild_tables();
        Ok(idx)
    }

    /// Write the index atomically to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::atomic::write_atomic(path, &self.to_bytes())
    }

    /// Read an index file.
    pub fn load(path: &Path) -> Result<AddressIndex> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        AddressIndex::from_bytes(&bytes, path)
    }
}

/// Counts of `a`–`z`, `0`–`9` and other bytes in a normalised key.
pub type CharBag = [u8; 37];

/// The [`CharBag`] of a key (counts saturate at 255).
pub fn char_bag(k: &str) -> CharBag {
    let mut bag = [0u8; 37];
    for b in k.bytes() {
        let i = match b {
            b'a'..=b'z' => (b - b'a') as usize,
            b'0'..=b'9' => 26 + (b - b'0') as usize,
            _ => 36,
        };
        bag[i] = bag[i].saturating_add(1);
    }
    bag
}

/// An upper bound of the number of Jaro matches between two keys: the size of the
/// intersection of their character multisets.
pub fn bag_common(a: &CharBag, b: &CharBag) -> usize {
    a.iter().zip(b).map(|(x, y)| usize::from(*x.min(y))).sum()
}

fn put_u32(w: &mut Vec<u8>, v: u32) {
    w.extend_from_slice(&v.to_le_bytes());
}

fn put_str(w: &mut Vec<u8>, s: &str) {
    put_u32(w, s.len() as u32);
    w.extend_from_slice(s.as_bytes());
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn err(&self, msg: &str) -> Error {
        InputError::new(
            self.path,
            Location::File,
            None,
            format!("{msg} (at byte {})", self.pos),
        )
        .into()
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.b.len() - self.pos < n {
            return Err(self.err("truncated address index"));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    /// A count of records of at least `min_size` bytes each, checked against what is left.
    fn count(&mut self, min_size: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.b.len() - self.pos {
            return Err(self.err("truncated address index (count larger than the file)"));
        }
        Ok(n)
    }
    fn str(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.err("invalid UTF-8 in address index"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(insee: &str, street: &str, number: Option<u32>, suffix: u8, lon: f64) -> AddressRecord {
        AddressRecord {
            insee: insee.into(),
            old_insee: None,
            old_commune: None,
            commune: "Thann".into(),
            postcode: "68800".into(),
            street: street.into(),
            number,
            suffix,
            lon,
            lat: 47.8,
        }
    }

    #[test]
    fn round_trip_and_restriction() {
        let mut b = IndexBuilder::for_communes([CommuneSeed {
            insee: "68334".into(),
            name: "Thann".into(),
            postcodes: vec!["68800".into()],
            lonlat: Some((7.1, 47.8)),
        }]);
        assert!(b.add(rec("68334", "Rue de la Gare", Some(2), 0, 7.10)));
        assert!(b.add(rec("68334", "rue de la gare", Some(1), 1, 7.11)));
        assert!(b.add(rec("68334", "Rue de la Gare", Some(1), 1, 7.12)));
        assert!(!b.add(rec("68063", "Rue X", Some(1), 0, 7.2)));
        let (idx, stats) = b.build();
        assert_eq!(stats.outside, 1);
        assert_eq!(stats.duplicates, 1);
        assert_eq!(idx.streets.len(), 1);
        assert_eq!(idx.numbers.len(), 2);
        let back = AddressIndex::from_bytes(&idx.to_bytes(), Path::new("x.idx")).unwrap();
        assert_eq!(back.communes, idx.communes);
        assert_eq!(back.streets, idx.streets);
        assert_eq!(back.numbers, idx.numbers);
        let bytes = idx.to_bytes();
        let err = AddressIndex::from_bytes(&bytes[..bytes.len() - 3], Path::new("x.idx"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.idx") && err.contains("truncated"), "{err}");
    }

    #[test]
    fn jaro_winkler_bound_is_an_upper_bound() {
        use rand::{Rng, SeedableRng, rngs::SmallRng};
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
            let ub = crate::geocode::normalise::jaro_winkler_bound(m, a.len(), b.len());
            assert!(
                crate::geocode::normalise::jaro_winkler(&a, &b) <= ub + 1e-12,
                "{a:?} {b:?}"
            );
        }
    }
}
