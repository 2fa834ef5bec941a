//! Road-network benchmarks on the real OSM extracts of `../shared/osm` (or `$BOUCLE_OSM_DIR`):
//! import time, 100 × 100 many-to-many matrix, one-to-one route. Prints a clear message and
//! benchmarks nothing when the folder is absent.

use std::path::{Path, PathBuf};

use boucle::network::import::{ImportOptions, build_from_pbf};
use boucle::network::{RoadRouter, Router};
use criterion::{Criterion, criterion_group, criterion_main};
use geo::Point;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

fn osm_dir() -> PathBuf {
    std::env::var_os("BOUCLE_OSM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/osm")))
}

fn extracts() -> Vec<PathBuf> {
    let dir = osm_dir();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!(
            "benches/network: {} not found (set BOUCLE_OSM_DIR): no extract to benchmark",
            dir.display()
        );
        return Vec::new();
    };
    let grids = std::env::var_os("BOUCLE_BENCH_GRIDS").is_some();
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".osm.pbf"))
        .collect();
    v.sort();
    v.retain(|p| {
        // Synthetic grids have no road hierarchy: their hierarchy keeps a core (see
        // `Ch::build_with_core`), they take 4 s (grid100) to 45 s (grid300) to import and their
        // tables take 0.1–3 s; `benches/import_all.py` times their import.
        let grid = name(p).starts_with("synthetic_grid");
        if grid && !grids {
            eprintln!(
                "benches/network: skipping {} (a synthetic grid; set BOUCLE_BENCH_GRIDS=1)",
                name(p)
            );
        }
        grids || !grid
    });
    v
}

fn name(p: &Path) -> String {
    p.file_name()
        .unwrap()
        .to_string_lossy()
        .trim_end_matches(".osm.pbf")
        .to_owned()
}

/// Seeded points near graph nodes (within ~50 m), so that all of them snap.
pub fn sample_points(r: &RoadRouter, n: usize, seed: u64) -> Vec<Point<f64>> {
    let mut rng = Pcg64::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let c = r.graph.nodes[rng.random_range(0..r.graph.nodes.len())];
            Point::new(
                f64::from(c[0]) * 1e-7 + rng.random_range(-0.0005..0.0005),
                f64::from(c[1]) * 1e-7 + rng.random_range(-0.0003..0.0003),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for p in extracts() {
        let n = name(&p);
        let opts = ImportOptions::default();
        let (file, _) = match build_from_pbf(&p, &opts) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{n}: {e}");
                continue;
            }
        };
        let r = RoadRouter::new(file);
        let pts = sample_points(&r, 100, 1);
        // Grids: each table takes seconds; 10 samples (criterion's minimum) rather than 100.
        let grid = n.starts_with("synthetic_grid");
        let mut bench = |group: &str, f: &mut dyn FnMut()| {
            let mut g = c.benchmark_group(group);
            if grid {
                g.sample_size(10);
            }
            g.bench_function(&n, |b| b.iter(&mut *f));
            g.finish();
        };
        bench("matrix_100x100", &mut || {
            r.table(&pts, &pts).unwrap();
        });
        // The two many-to-many algorithms alone on the same seeds (the table picks one).
        let snaps: Vec<_> = pts.iter().map(|&p| r.snap(p, "point").unwrap()).collect();
        let src: Vec<_> = snaps.iter().map(|s| r.source_seeds(s)).collect();
        let dst: Vec<_> = snaps.iter().map(|s| r.target_seeds(s)).collect();
        bench("matrix_buckets_100x100", &mut || {
            r.ch.many_to_many_buckets(&src, &dst);
        });
        bench("matrix_rphast_100x100", &mut || {
            r.ch.many_to_many_rphast(&src, &dst);
        });
        let mut k = 0;
        bench("one_to_one", &mut || {
            k = (k + 1) % 99;
            r.route(pts[k], pts[k + 1]).unwrap();
        });
        if grid {
            continue;
        }
        let mut g = c.benchmark_group("import");
        g.sample_size(10);
        g.bench_function(&n, |b| b.iter(|| build_from_pbf(&p, &opts).unwrap()));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
