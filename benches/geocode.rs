//! Geocoding benchmark: a generated 100,000-address index (100 communes × 100 streets × 10
//! numbers), 100,000 generated queries (exact, abbreviated, misspelt, missing numbers), single
//! thread. Also measures the index build and prints its size on disk.
//!
//! Before criterion, it prints the top-1 accuracy per query family (see [`families`]): every
//! tenth commune has two former (delegated) communes holding half its streets each, five
//! lieux-dits per commune, and five communes outside the territory whose streets share names
//! with the territory's.
//!
//! Run: `cargo bench --bench geocode`

use std::hint::black_box;
use std::time::Instant;

use boucle::geocode::{
    ACCEPTANCE, AddressIndex, AddressRecord, CommuneSeed, GeocodeResult, Geocoder, IndexBuilder,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng, rngs::SmallRng};

const TYPES: &[&str] = &[
    "Rue", "Avenue", "Chemin", "Place", "Impasse", "Route", "Allée",
];
const NAMES: &[&str] = &[
    "des Vosges",
    "des Vergers",
    "de la Gare",
    "du Général de Gaulle",
    "Saint-Pierre",
    "des Jardins",
    "du Moulin",
    "de l'Église",
    "des Écoles",
    "de la Doller",
    "du Château",
    "des Prés",
    "de la Forêt",
    "du Stade",
    "des Tilleuls",
    "Pasteur",
    "Victor Hugo",
    "Jean Jaurès",
    "des Lilas",
    "de la Paix",
    "du Maréchal Foch",
    "des Roses",
    "de Thann",
    "de Mulhouse",
    "du Ballon",
    "des Mines",
    "de la Thur",
    "des Cerisiers",
    "du Vignoble",
    "des Sapins",
];
const COMMUNE_PARTS: &[&str] = &[
    "Thann",
    "Cernay",
    "Wattwiller",
    "Uffholtz",
    "Steinbach",
    "Leimbach",
    "Roderen",
    "Rammersmatt",
    "Bourbach",
    "Masevaux",
    "Oderen",
    "Kruth",
    "Fellering",
    "Moosch",
    "Willer",
    "Goldbach",
    "Husseren",
    "Mollau",
    "Storckensohn",
    "Urbès",
];

fn commune_name(i: usize) -> String {
    let a = COMMUNE_PARTS[i % COMMUNE_PARTS.len()];
    match i / COMMUNE_PARTS.len() {
        0 => a.to_owned(),
        1 => format!("{a}-le-Haut"),
        2 => format!("{a}-le-Bas"),
        3 => format!("{a}-lès-Thann"),
        k => format!("Saint-{a}-{k}"),
    }
}

fn street_name(i: usize) -> String {
    format!(
        "{} {} {}",
        TYPES[i % TYPES.len()],
        NAMES[(i / TYPES.len()) % NAMES.len()],
        i / (TYPES.len() * NAMES.len())
    )
}

/// Name of former commune `k` (0 or 1) of commune `c` (a multiple of 10).
fn former_name(c: usize, k: usize) -> String {
    format!("{}weiler", ["Alt", "Neu"][k]) + &COMMUNE_PARTS[c % COMMUNE_PARTS.len()].to_lowercase()
}

/// Its INSEE code: the chef-lieu keeps the commune's.
fn former_insee(c: usize, k: usize) -> String {
    if k == 0 {
        format!("68{:03}", c + 1)
    } else {
        format!("67{:03}", c + 1)
    }
}

fn lieu_dit(c: usize, k: usize) -> String {
    const LD: &[&str] = &[
        "Grossmatt",
        "Kleinfeld",
        "Oberwald",
        "Steinacker",
        "Rebberg",
        "Hinterfeld",
        "Bruehl",
    ];
    format!(
        "{} {}",
        LD[(c + k) % LD.len()],
        ["Nord", "Sud", "Est", "Ouest", "Haut"][k]
    )
}

fn records() -> (Vec<CommuneSeed>, Vec<AddressRecord>) {
    let mut rng = SmallRng::seed_from_u64(42);
    let mut seeds = Vec::new();
    let mut recs = Vec::with_capacity(100_000);
    for c in 0..100 {
        let insee = format!("68{:03}", c + 1);
        let postcode = (68000 + c * 10).to_string();
        let (lon0, lat0) = (7.0 + (c % 10) as f64 * 0.02, 47.7 + (c / 10) as f64 * 0.02);
        seeds.push(CommuneSeed {
            insee: insee.clone(),
            name: commune_name(c),
            postcodes: vec![postcode.clone()],
            lonlat: Some((lon0, lat0)),
        });
        for s in 0..100 {
            let street = street_name(s * 7 + c);
            // every tenth commune: two former communes, half the streets each
            let former = (c % 10 == 0).then(|| (former_insee(c, s % 2), former_name(c, s % 2)));
            for n in 0..10u32 {
                recs.push(AddressRecord {
                    insee: insee.clone(),
                    old_insee: former.as_ref().map(|f| f.0.clone()),
                    old_commune: former.as_ref().map(|f| f.1.clone()),
                    commune: commune_name(c),
                    postcode: postcode.clone(),
                    street: street.clone(),
                    number: Some(n * 2 + 1),
                    suffix: if n == 3 { 1 } else { 0 },
                    lon: lon0 + rng.random::<f64>() * 0.01,
                    lat: lat0 + rng.random::<f64>() * 0.01,
                });
            }
        }
    }
    for c in 0..100 {
        let insee = format!("68{:03}", c + 1);
        let postcode = (68000 + c * 10).to_string();
        let (lon0, lat0) = (7.0 + (c % 10) as f64 * 0.02, 47.7 + (c / 10) as f64 * 0.02);
        for k in 0..5 {
            recs.push(AddressRecord {
                insee: insee.clone(),
                old_insee: None,
                old_commune: None,
                commune: commune_name(c),
                postcode: postcode.clone(),
                street: lieu_dit(c, k),
                number: None,
                suffix: 0,
                lon: lon0 + rng.random::<f64>() * 0.01,
                lat: lat0 + rng.random::<f64>() * 0.01,
            });
        }
    }
    // outside the territory: five communes whose streets have the territory's names
    for o in 0..5 {
        for s in 0..20 {
            recs.push(AddressRecord {
                insee: format!("68{:03}", 500 + o),
                old_insee: None,
                old_commune: None,
                commune: format!("Outreville-{o}"),
                postcode: (68900 + o).to_string(),
                street: street_name(s * 7 + o),
                number: Some(1),
                suffix: 0,
                lon: 7.5,
                lat: 47.5,
            });
        }
    }
    (seeds, recs)
}

const COMPANIES: &[&str] = &[
    "SARL Métallerie Dupont",
    "Transports Muller et Fils",
    "Boulangerie du Centre",
    "Garage de la Place",
    "SAS Plasturgie 2000",
    "Menuiserie Schmitt",
    "Établissements Kieffer SA",
];

/// What a family query should give: the commune, and the street (None: the commune itself).
struct Expected {
    insee: String,
    street: Option<String>,
    /// Whether the answer must be flagged (outside, or a postcode several communes share).
    flagged: bool,
}

/// Query families, 2,000 queries each (seed 11), with the expected answer.
fn families() -> Vec<(&'static str, Vec<(String, Expected)>)> {
    let mut rng = SmallRng::seed_from_u64(11);
    let mut out = Vec::new();
    let names = [
        "exact",
        "typo",
        "capitals_bis",
        "abbreviated_no_postcode",
        "company_name_first",
        "commune_first",
        "postcode_commune_first",
        "lieu_dit",
        "former_commune",
        "outside_territory",
    ];
    for (f, name) in names.iter().enumerate() {
        let mut qs = Vec::new();
        for _ in 0..2000 {
            let mut c = rng.random_range(0..100usize);
            if *name == "former_commune" {
                c = rng.random_range(0..10usize) * 10;
            }
            let s = rng.random_range(0..100usize);
            let num = rng.random_range(0..10u32) * 2 + 1;
            let street = street_name(s * 7 + c);
            let pc = (68000 + c * 10).to_string();
            let com = commune_name(c);
            let exp = |street: Option<String>| Expected {
                insee: format!("68{:03}", c + 1),
                street,
                flagged: false,
            };
            let q = match *name {
                "exact" => (format!("{num} {street}, {pc} {com}"), exp(Some(street))),
                "typo" => {
                    let mut chars: Vec<char> = street.chars().collect();
                    chars.remove(chars.len() / 2);
                    let t: String = chars.into_iter().collect();
                    (format!("{num} {t}, {pc} {com}"), exp(Some(street)))
                }
                "capitals_bis" => (
                    format!(
                        "{num} BIS {}, {pc} {}",
                        street.to_uppercase(),
                        com.to_uppercase()
                    ),
                    exp(Some(street)),
                ),
                "abbreviated_no_postcode" => (
                    format!(
                        "{num} {} {com}",
                        street.replacen("Rue", "r.", 1).replacen("Avenue", "av", 1)
                    ),
                    exp(Some(street)),
                ),
                "company_name_first" => (
                    format!(
                        "{} {num} {street} {pc} {com}",
                        COMPANIES[s % COMPANIES.len()]
                    ),
                    exp(Some(street)),
                ),
                "commune_first" => (format!("{com}, {num} {street}"), exp(Some(street))),
                "postcode_commune_first" => {
                    (format!("{pc} {com}, {num} {street}"), exp(Some(street)))
                }
                "lieu_dit" => {
                    let ld = lieu_dit(c, s % 5);
                    let q = if s % 2 == 0 {
                        format!("Lieu-dit {ld} {pc} {com}")
                    } else {
                        format!("{}, lieu-dit {ld}, {com}", COMPANIES[s % COMPANIES.len()])
                    };
                    (q, exp(Some(ld)))
                }
                "former_commune" => {
                    let k = s % 2;
                    (
                        format!("{num} {street} {pc} {}", former_name(c, k)),
                        exp(Some(street)),
                    )
                }
                "outside_territory" => {
                    let o = s % 5;
                    let street = street_name(rng.random_range(0..20usize) * 7 + o);
                    (
                        format!("1 {street} {} Outreville-{o}", 68900 + o),
                        Expected {
                            insee: format!("68{:03}", 500 + o),
                            street: None,
                            flagged: true,
                        },
                    )
                }
                _ => unreachable!("family {f}"),
            };
            qs.push(q);
        }
        out.push((*name, qs));
    }
    out
}

/// Whether a result is the expected one.
fn correct(r: &Option<GeocodeResult>, e: &Expected) -> bool {
    let Some(r) = r else { return false };
    if e.flagged {
        return r.insee == e.insee && !r.in_territory && r.score < ACCEPTANCE;
    }
    r.insee == e.insee && r.street == e.street && r.in_territory
}

fn queries(n: usize) -> Vec<String> {
    let mut rng = SmallRng::seed_from_u64(7);
    (0..n)
        .map(|_| {
            let c = rng.random_range(0..100usize);
            let s = rng.random_range(0..100usize);
            let num = rng.random_range(0..12u32) * 2 + 1;
            let street = street_name(s * 7 + c);
            let postcode = (68000 + c * 10).to_string();
            match rng.random_range(0..10) {
                // abbreviated street type, no postcode
                0 => format!(
                    "{num} {} {}",
                    street.replacen("Rue", "r.", 1).replacen("Avenue", "av", 1),
                    commune_name(c)
                ),
                // a typo in the street (a letter dropped)
                1 => {
                    let mut chars: Vec<char> = street.chars().collect();
                    chars.remove(chars.len() / 2);
                    let t: String = chars.into_iter().collect();
                    format!("{num} {t}, {postcode} {}", commune_name(c))
                }
                // upper case, bis
                2 => format!(
                    "{num} bis {}, {postcode} {}",
                    street.to_uppercase(),
                    commune_name(c).to_uppercase()
                ),
                _ => format!("{num} {street}, {postcode} {}", commune_name(c)),
            }
        })
        .collect()
}

/// CPU time of this thread in nanoseconds (Linux `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn bench(c: &mut Criterion) {
    let (seeds, recs) = records();
    let t = Instant::now();
    let mut b = IndexBuilder::for_communes(seeds.clone());
    for r in recs.iter().cloned() {
        b.add(r);
    }
    let (idx, _) = b.build();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("addresses.idx");
    idx.save(&path).unwrap();
    let build = t.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    let t = Instant::now();
    let idx = AddressIndex::load(&path).unwrap();
    let load = t.elapsed();
    eprintln!(
        "index: {} addresses, {} streets; build+save {:.1} ms; {} bytes on disk ({:.1} B/address); load {:.1} ms",
        idx.address_count(),
        idx.streets.len(),
        build.as_secs_f64() * 1e3,
        size,
        size as f64 / idx.address_count() as f64,
        load.as_secs_f64() * 1e3
    );
    let g = Geocoder::new(idx);
    let qs = queries(100_000);
    let found = qs
        .iter()
        .filter(|q| g.geocode(q).is_some_and(|r| r.score >= 0.8))
        .count();
    eprintln!("queries with score >= 0.8: {found} / {}", qs.len());
    eprintln!("family                    top-1 correct   correct and accepted (>= 0.8)   µs/query");
    for (name, fqs) in families() {
        let t = Instant::now();
        let results: Vec<Option<GeocodeResult>> = fqs.iter().map(|(q, _)| g.geocode(q)).collect();
        let us = t.elapsed().as_secs_f64() * 1e6 / fqs.len() as f64;
        let ok = fqs
            .iter()
            .zip(&results)
            .filter(|((_, e), r)| correct(r, e))
            .count();
        let accepted = fqs
            .iter()
            .zip(&results)
            .filter(|((_, e), r)| {
                correct(r, e) && (e.flagged || r.as_ref().is_some_and(|r| r.score >= ACCEPTANCE))
            })
            .count();
        eprintln!(
            "{name:<25} {:>6.1} %        {:>6.1} %                        {us:.1}",
            100.0 * ok as f64 / fqs.len() as f64,
            100.0 * accepted as f64 / fqs.len() as f64
        );
        if std::env::var_os("BOUCLE_BENCH_SHOW_MISSES").is_some() {
            for ((q, e), r) in fqs
                .iter()
                .zip(&results)
                .filter(|((_, e), r)| !correct(r, e))
                .take(5)
            {
                eprintln!(
                    "   miss: {q:?} expected {} {:?} → {:?}",
                    e.insee,
                    e.street,
                    r.as_ref().map(|r| (&r.label, r.score, &r.reasons))
                );
            }
        }
    }

    // CPU time of one pass (the machine may be shared: wall time then overstates the cost)
    let (t, cpu) = (Instant::now(), thread_cpu_ns());
    for q in &qs {
        black_box(g.geocode(black_box(q)));
    }
    let (wall, cpu) = (
        t.elapsed().as_secs_f64(),
        cpu.map(|c0| thread_cpu_ns().unwrap_or(c0) - c0),
    );
    eprintln!(
        "one pass of {} queries: wall {:.3} s ({:.0} q/s){}",
        qs.len(),
        wall,
        qs.len() as f64 / wall,
        cpu.map(|c| format!(
            ", thread CPU {:.3} s ({:.0} q/s per CPU-second)",
            c as f64 / 1e9,
            qs.len() as f64 / (c as f64 / 1e9)
        ))
        .unwrap_or_default()
    );

    let mut group = c.benchmark_group("geocode");
    group.sample_size(10);
    group.throughput(Throughput::Elements(qs.len() as u64));
    group.bench_function("100k_queries_100k_addresses", |bch| {
        bch.iter(|| {
            for q in &qs {
                black_box(g.geocode(black_box(q)));
            }
        })
    });
    group.throughput(Throughput::Elements(recs.len() as u64));
    group.bench_function("build_index_100k", |bch| {
        bch.iter(|| {
            let mut b = IndexBuilder::for_communes(seeds.clone());
            for r in recs.iter().cloned() {
                b.add(r);
            }
            black_box(b.build().0.to_bytes().len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
