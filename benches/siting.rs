//! p-median on 500 candidates × 2,000 sources (uniform random, 60 km square, seed 7), p = 1…5:
//! time of the fast-interchange heuristic as `boucle::siting::site` runs it (greedy + 16 random
//! starts), and, printed once per p, its gap to the exact optimum (Lagrangian variable fixing +
//! branch-and-bound, every p; plain branch-and-bound too for p = 1, 2, as a cross-check). Wall-clock
//! figures depend on the machine's load: report them with `uptime`.
//!
//! `cargo bench --bench siting`

use std::hint::black_box;
use std::time::Instant;

use boucle::siting::{RANDOM_STARTS, pmedian};
use criterion::{Criterion, criterion_group, criterion_main};

const N: usize = 2_000;
const M: usize = 500;

fn pmedian_500x2000(c: &mut Criterion) {
    let inst = pmedian::random_instance(N, M, 60.0, 7);
    let mut g = c.benchmark_group("pmedian_500_candidates_2000_sources");
    g.sample_size(10);
    for p in 1..=5 {
        let heur = pmedian::fast_interchange(&inst, p, RANDOM_STARTS, 0);
        let t0 = Instant::now();
        let (opt, fixing) =
            pmedian::exact_by_fixing(&inst, p, &heur, 300, f64::INFINITY).expect("no budget");
        let secs = t0.elapsed().as_secs_f64();
        eprintln!(
            "p={p}: heuristic {:.1}, exact optimum {:.1} (Lagrangian bound {:.1}, {} of {M} candidates kept, fixing + branch-and-bound {:.2} s), heuristic gap {:.4}%",
            heur.cost,
            opt.cost,
            fixing.bound,
            fixing.kept,
            secs,
            100.0 * (heur.cost - opt.cost) / opt.cost
        );
        if p <= 2 {
            let t0 = Instant::now();
            let plain = pmedian::exact(&inst, p, Some(&heur), f64::INFINITY).expect("no budget");
            eprintln!(
                "p={p}: plain branch-and-bound {:.1} in {:.2} s (same optimum: {})",
                plain.cost,
                t0.elapsed().as_secs_f64(),
                (plain.cost - opt.cost).abs() <= 1e-9 * opt.cost
            );
        }
        g.bench_function(format!("fast_interchange_p{p}"), |b| {
            b.iter(|| pmedian::fast_interchange(black_box(&inst), p, RANDOM_STARTS, 0))
        });
    }
    g.bench_function("exact_p1", |b| {
        b.iter(|| pmedian::exact(black_box(&inst), 1, None, f64::INFINITY))
    });
    let heur5 = pmedian::fast_interchange(&inst, 5, RANDOM_STARTS, 0);
    g.bench_function("exact_by_fixing_p5", |b| {
        b.iter(|| pmedian::exact_by_fixing(black_box(&inst), 5, &heur5, 300, f64::INFINITY))
    });
    g.finish();
}

criterion_group!(benches, pmedian_500x2000);
criterion_main!(benches);
