//! Road-network benchmarks on the real OSM extracts of `../shared/osm` (or `$BOUCLE_OSM_DIR`):
//! import time, 100 × 100 many-to-many matrix, one-to-one route; a vehicle's own hierarchy
//! (build, matrix) against Dijkstra on its filtered graph. Prints a clear message and
//! benchmarks nothing when the folder is absent. On stderr, per extract: the sampled points
//! that snapping to any edge would place off the main component of the edge-based graph (the
//! points that gave "no road path" cells before), and the edges a 19 t, 4 m truck avoids.

use std::path::{Path, PathBuf};

use boucle::network::ch::dijkstra;
use boucle::network::import::{ImportOptions, build_from_pbf, ch_arcs};
use boucle::network::snap::Snapper;
use boucle::network::vehicle::filtered;
use boucle::network::{RoadRouter, Router, VehicleLimits};
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
        .map(|f| f.to_string_lossy())
        .unwrap_or_default()
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
        // A table or route error (a point off the graph, a pair without a road path) is
        // reported and skips that measurement: it never stops the other extracts.
        match r.table(&pts, &pts) {
            Ok(t) => {
                let null = t
                    .matrix
                    .distances_m
                    .iter()
                    .filter(|d| !d.is_finite())
                    .count();
                if null > 0 {
                    eprintln!("{n}: {null} of 10000 cells without a road path");
                }
                bench("matrix_100x100", &mut || {
                    let _ = r.table(&pts, &pts);
                });
            }
            Err(e) => eprintln!("{n}: matrix_100x100 not measured: {e}"),
        }
        // The two many-to-many algorithms alone on the same seeds (the table picks one).
        let snaps: Vec<_> = pts
            .iter()
            .filter_map(|&p| r.snap(p, "point").ok())
            .collect();
        let src: Vec<_> = snaps.iter().map(|s| r.source_seeds(s)).collect();
        let dst: Vec<_> = snaps.iter().map(|s| r.target_seeds(s)).collect();
        bench("matrix_buckets_100x100", &mut || {
            r.ch.many_to_many_buckets(&src, &dst);
        });
        bench("matrix_rphast_100x100", &mut || {
            r.ch.many_to_many_rphast(&src, &dst);
        });
        // Consecutive pairs with a road path.
        let pairs: Vec<usize> = (0..99)
            .filter(|&k| r.route(pts[k], pts[k + 1]).is_ok())
            .collect();
        if pairs.len() < 99 {
            eprintln!(
                "{n}: {} of 99 routes without a road path (skipped)",
                99 - pairs.len()
            );
        }
        if !pairs.is_empty() {
            let mut k = 0;
            bench("one_to_one", &mut || {
                k = (k + 1) % pairs.len();
                let _ = r.route(pts[pairs[k]], pts[pairs[k] + 1]);
            });
        }
        if grid {
            continue;
        }
        // Snapping to every edge (as before) vs to the main component.
        let all = Snapper::new(&r.graph);
        let off = pts
            .iter()
            .filter_map(|&p| all.snap(p))
            .filter(|s| !r.in_main(2 * s.edge) && !r.in_main(2 * s.edge + 1))
            .count();
        eprintln!(
            "{n}: {} of {} edges snappable; {off} of 100 points would snap off the main component if every edge were",
            r.snappable_edges(),
            r.graph.edges.len()
        );
        // A 19 t, 4 m truck: its own hierarchy vs Dijkstra on its filtered graph.
        let heavy = VehicleLimits {
            weight_t: Some(19.0),
            height_m: Some(4.0),
            ..VehicleLimits::default()
        };
        let broken = heavy.broken_edges(&r.graph);
        eprintln!("{n}: the 19 t, 4 m truck avoids {} edges", broken.len());
        bench("vehicle_hierarchy_build", &mut || {
            filtered(&r.graph, &r.turns, &broken);
        });
        let v = r.for_vehicle(&heavy);
        let vr: &RoadRouter = v.as_deref().unwrap_or(&r);
        if vr.table(&pts, &pts).is_ok() {
            bench("vehicle_matrix_100x100", &mut || {
                let _ = vr.table(&pts, &pts);
            });
        }
        let (vg, vt, _) = filtered(&r.graph, &r.turns, &broken);
        let arcs = ch_arcs(&vg, &vt);
        let nn = 2 * vg.edges.len();
        let seeds: Vec<_> = pts
            .iter()
            .filter_map(|&p| vr.snap(p, "point").ok())
            .map(|s| vr.source_seeds(&s))
            .collect();
        bench("vehicle_dijkstra_100_sources", &mut || {
            for s in &seeds {
                dijkstra(nn, &arcs, s);
            }
        });
        let mut g = c.benchmark_group("import");
        g.sample_size(10);
        g.bench_function(&n, |b| {
            b.iter(|| {
                if let Err(e) = build_from_pbf(&p, &opts) {
                    eprintln!("{n}: {e}");
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
