//! The period planner on a seeded synthetic territory (`--companies`, default 60, mixed
//! weekly / fortnightly / four-weekly / monthly frequencies and common opening hours, placed at
//! random in the box of `geodata/`): the period's cost against today's single cycle over the
//! same weeks, every company visited at its own frequency, and the time to plan.
//!
//! `cargo bench --bench period -- [--companies N] [--weeks W] [--trucks K] [--seeds 1,2,3]`

use std::time::Instant;

use boucle::rounds::plan_period;
use boucle::territory::Territory;

#[allow(
    dead_code,
    reason = "the tests' checkers read the fields this bench does not"
)]
#[path = "../tests/common/period_synth.rs"]
mod period_synth;

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = arg(&args, "--companies", 60);
    let weeks: u32 = arg(&args, "--weeks", 4);
    let trucks: u32 = arg(&args, "--trucks", 2);
    let seeds: String = arg(&args, "--seeds", "1,2,3".to_owned());
    let geodata = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    let base = Territory::load(&geodata).expect("geodata/ loads");
    println!(
        "period planner: {n} companies, {weeks} weeks, {trucks} truck(s) 07:00-17:00 Mo-Fr, crow-flies distances"
    );
    println!(
        "seed | period EUR | single-cycle EUR | diff | period km | single km | period kg CO2e | single kg CO2e | at own frequency | missed | single-cycle left out | moves kept/tried | time s"
    );
    for seed in seeds
        .split(',')
        .filter_map(|s| s.trim().parse::<u64>().ok())
    {
        let (t, synth) = period_synth::territory(&base, n, seed);
        let mut req = period_synth::request(&base, weeks, trucks);
        req.seed = Some(seed);
        let started = Instant::now();
        let p = plan_period(&t, &req).expect("a plan");
        let elapsed = started.elapsed().as_secs_f64();
        let own = synth
            .iter()
            .filter(|c| {
                let due = ((c.per_year * f64::from(weeks) / 52.0).round() as usize).max(1);
                p.companies
                    .iter()
                    .find(|x| x.id == c.id)
                    .is_some_and(|x| x.days.len() == due && x.missed_days.is_empty())
            })
            .count();
        println!(
            "{seed} | {:.0} | {:.0} | {:+.1} % | {:.0} | {:.0} | {:.0} | {:.0} | {own}/{n} | {} | {} | {}/{} | {elapsed:.1}",
            p.totals.cost_eur,
            p.single_cycle.cost_eur,
            100.0 * (p.totals.cost_eur / p.single_cycle.cost_eur - 1.0),
            p.totals.distance_km,
            p.single_cycle.distance_km,
            p.totals.co2e_kg,
            p.single_cycle.co2e_kg,
            p.missed.len(),
            p.single_cycle_unassigned,
            p.improvement.moves_kept,
            p.improvement.moves_tried,
        );
    }
}
