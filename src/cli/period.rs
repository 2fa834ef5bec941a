//! `boucle rounds --period 4w`: the period's plan in words — the calendar, each company's
//! visit days and the comparison with today's single cycle and the baseline.

use crate::rounds::PeriodPlan;
use crate::territory::Territory;
use crate::territory::Totals;

fn figures(t: &Totals) -> String {
    format!(
        "{:>9.1} km {:>7.1} h {:>9.0} EUR {:>8.0} kg CO2e",
        t.distance_km, t.hours, t.cost_eur, t.co2e_kg
    )
}

/// Print `p` for the terminal.
pub fn print(t: &Territory, p: &PeriodPlan) {
    println!(
        "Rounds of {} ({}) over {} week(s) — {} — distances: {}",
        p.material,
        p.unit,
        p.weeks,
        t.manifest.name,
        p.method.as_str()
    );
    println!(
        "Depot: {} [{}]   treatment site: {} [{}]",
        p.depot.name, p.depot.id, p.dump.name, p.dump.id
    );
    let fleet: Vec<String> = p
        .fleet
        .iter()
        .map(|v| {
            format!(
                "{} × {} ({} kg, {}–{}, {})",
                v.count,
                v.id,
                v.capacity_kg,
                v.week.shift_start.as_deref().unwrap_or("-"),
                v.week.shift_end.as_deref().unwrap_or("-"),
                v.week.working_days.as_deref().unwrap_or("Mo-Fr")
            )
        })
        .collect();
    println!("Fleet each day: {}", fleet.join(", "));
    println!("Engine: {}", p.engine);
    println!("Defaults used:");
    for d in &p.defaults_used {
        println!("  - {d}");
    }
    println!();
    println!("Calendar:");
    for d in &p.calendar {
        if d.rounds.is_empty() {
            continue;
        }
        let stops: usize = d
            .rounds
            .iter()
            .map(|r| r.stops.iter().filter(|s| s.kind.as_str() == "stop").count())
            .sum();
        println!(
            "  day {:>2} {:<22} {} round(s), {stops:>3} stop(s) {}",
            d.day,
            d.label_fr,
            d.rounds.len(),
            figures(&d.totals)
        );
    }
    println!();
    println!("Companies (visit days):");
    for c in &p.companies {
        let days: Vec<String> = c.days.iter().map(ToString::to_string).collect();
        println!(
            "  {:<40} {:<14} {} visit(s): days {}{}",
            c.name,
            c.frequency,
            c.visits,
            days.join(", "),
            if c.missed_days.is_empty() {
                String::new()
            } else {
                format!("  (missed: {:?})", c.missed_days)
            }
        );
    }
    for u in &p.unassigned {
        println!("  {:<40} not planned: {}", u.name, u.reason.as_str());
    }
    println!();
    println!("Over the period:");
    println!("  planned         {}", figures(&p.totals));
    println!(
        "  single cycle    {}   (today's approach × {} / 52{})",
        figures(&p.single_cycle),
        p.weeks,
        if p.single_cycle_unassigned > 0 {
            format!(", {} holder(s) left out", p.single_cycle_unassigned)
        } else {
            String::new()
        }
    );
    println!("  each alone      {}", figures(&p.baseline));
    println!(
        "  saving vs single cycle {:.0} EUR, vs alone {:.0} EUR",
        p.savings_vs_single_cycle.cost_eur, p.savings_vs_baseline.cost_eur
    );
    println!(
        "  improvement: {} pattern move(s) kept of {} tried ({:.0} → {:.0} EUR)",
        p.improvement.moves_kept,
        p.improvement.moves_tried,
        p.improvement.initial_objective_eur,
        p.improvement.final_objective_eur
    );
    for n in &p.notes {
        println!("note: {n}");
    }
}
