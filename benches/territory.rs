//! Point → commune lookups on the default territory, and loading + indexing geodata/.
//!
//! `cargo bench --bench territory`

use std::hint::black_box;
use std::path::Path;

use boucle::spatial::SpatialIndex;
use boucle::territory::Territory;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};

fn geodata() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

fn point_to_commune(c: &mut Criterion) {
    let t = Territory::load(&geodata()).unwrap();
    let idx = SpatialIndex::new(&t);
    let bb = t.bbox();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(42);
    let points: Vec<(f64, f64)> = (0..1_000_000)
        .map(|_| {
            (
                rng.random_range(bb.min().x..bb.max().x),
                rng.random_range(bb.min().y..bb.max().y),
            )
        })
        .collect();
    let mut g = c.benchmark_group("point_to_commune");
    g.throughput(Throughput::Elements(points.len() as u64));
    g.sample_size(20);
    g.bench_function("grid_1M_random_points_in_bbox", |b| {
        b.iter(|| {
            let mut inside = 0usize;
            for &(x, y) in &points {
                if idx.commune_index(black_box(x), black_box(y)).is_some() {
                    inside += 1;
                }
            }
            inside
        })
    });
    g.finish();
    eprintln!(
        "edge cells (need a point-in-polygon test): {:.1} %",
        idx.edge_cell_share() * 100.0
    );
}

fn load_and_index(c: &mut Criterion) {
    let dir = geodata();
    c.bench_function("load_geodata_and_build_indexes", |b| {
        b.iter(|| {
            let t = Territory::load(&dir).unwrap();
            SpatialIndex::new(&t)
        })
    });
}

criterion_group!(benches, point_to_commune, load_and_index);
criterion_main!(benches);
