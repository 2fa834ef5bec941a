//! p-median on 500 candidates × 2,000 sources (uniform random, 60 km square, seed 7), p = 1…5:
//! time of the fast-interchange heuristic as `boucle::siting::site` runs it (greedy + 16 random
//! starts), and, printed once per p, its gap to the exact optimum (branch-and-bound, p = 1, 2)
//! or to the best of 200 random restarts and to a Lagrangian lower bound (p ≥ 3). Wall-clock
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
        if p <= 2 {
            let opt = pmedian::exact(&inst, p, Some(&heur), f64::INFINITY).expect("no budget");
            eprintln!(
                "p={p}: heuristic {:.1}, exact optimum {:.1} (branch-and-bound {:.2} s), gap {:.4}%",
                heur.cost,
                opt.cost,
                t0.elapsed().as_secs_f64(),
                100.0 * (heur.cost - opt.cost) / opt.cost
            );
        } else {
            let many = pmedian::fast_interchange(&inst, p, 200, 12345);
            // Polyak target 5 % above the best known value: the bound is clipped to the target
            // only, so a bound above the heuristic's value would show as a negative gap.
            let lb = pmedian::lagrangian_bound(&inst, p, 1.05 * heur.cost.min(many.cost), 300);
            eprintln!(
                "p={p}: heuristic {:.1}, best of 201 starts {:.1} (gap {:.4}%), Lagrangian bound {:.1} (proven gap ≤ {:.3}%), reference runs {:.2} s",
                heur.cost,
                many.cost,
                100.0 * (heur.cost - many.cost) / many.cost,
                lb,
                100.0 * (heur.cost - lb) / heur.cost,
                t0.elapsed().as_secs_f64()
            );
        }
        g.bench_function(format!("fast_interchange_p{p}"), |b| {
            b.iter(|| pmedian::fast_interchange(black_box(&inst), p, RANDOM_STARTS, 0))
        });
    }
    g.bench_function("exact_p1", |b| {
        b.iter(|| pmedian::exact(black_box(&inst), 1, None, f64::INFINITY))
    });
    g.finish();
}

criterion_group!(benches, pmedian_500x2000);
criterion_main!(benches);
