//! Geocoding benchmark: a generated 100,000-address index (100 communes × 100 streets × 10
//! numbers), 100,000 generated queries (exact, abbreviated, misspelt, missing numbers), single
//! thread. Also measures the index build and prints its size on disk.
//!
//! Run: `cargo bench --bench geocode`

use std::hint::black_box;
use std::time::Instant;

use boucle::geocode::{AddressIndex, AddressRecord, CommuneSeed, Geocoder, IndexBuilder};
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
            for n in 0..10u32 {
                recs.push(AddressRecord {
                    insee: insee.clone(),
                    old_insee: None,
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
    (seeds, recs)
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
