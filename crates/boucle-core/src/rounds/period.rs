//! Planning a period (`boucle rounds --period 4w`, `POST /api/rounds` with `period`): each
//! holder visited at its own frequency on its allowed days, each day's rounds within the fleet
//! and its shifts — a periodic vehicle-routing problem solved by the project's engine
//! ([`super::period_solve`]), and the comparison with today's single cycle and with the
//! baseline.
//!
//! Visits in the period: `round(collections_per_year × weeks / 52)`, at least 1 (a holder
//! asking less than once per period is visited once) and at most the period's days. Each
//! visit collects the period's quantity (`kg_per_year × weeks / 52`) divided by the visits.
//! Allowed days: the fleet works that weekday (`working_days`, Monday to Friday by default),
//! the holder is open (`schedules.csv`) and its hours meet the shift. Each day the fleet is
//! `count` vehicles of each type, within its shift (the default day without one).

use std::collections::BTreeSet;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::answer::{
    DefaultTaken, PlanRound, PlanStop, Reason, Unassigned, enough_holders, left_out_contributors,
};
use super::defaults;
use super::period_solve::{DayFleet, PHolder, PeriodProblem, patterns};
use super::plan::{self, Holders};
use super::request::RoundsRequest;
use super::solve::TypeSpec;
use super::week::{self, StopRules, shift_of, shift_within_site};
use crate::disclosure::{Contributors, Rule};
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::territory::hours::DAYS_FR;
use crate::territory::vehicles::loads;
use crate::territory::{Territory, Totals, Vehicle};
use crate::travel::{Method, Travel};

/// Genetic iterations of the engine per day when the request gives none.
pub const PERIOD_DAY_ITERATIONS: u64 = 150;
/// Improvement passes over the holders.
pub const PERIOD_PASSES: usize = 3;
/// Time after which the improvement stops when the request gives no time limit, s.
pub const PERIOD_DEFAULT_TIME_S: f64 = 25.0;

/// One day of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodDay {
    /// Day of the period, from 0 (the first Monday).
    pub day: usize,
    /// Week of the period, from 1.
    pub week: usize,
    /// Day of the week, OSM code (`Mo`…`Su`).
    pub weekday: String,
    /// French label, e.g. `lundi (semaine 1)`.
    pub label_fr: String,
    /// The day's rounds.
    pub rounds: Vec<PlanRound>,
    /// The day's figures (in a public answer, of the rounds shown).
    pub totals: Totals,
}

/// A holder's visits over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyVisits {
    /// Actor id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Collections per year asked (its flows, else the default).
    pub collections_per_year: f64,
    /// Its frequency in words (`weekly`, `fortnightly`, `every 4 weeks`…).
    pub frequency: String,
    /// Visits due in the period.
    pub visits: usize,
    /// Days of the period it is visited (from 0).
    pub days: Vec<usize>,
    /// Weekdays it may be visited (OSM codes).
    pub allowed_weekdays: Vec<String>,
    /// Days it was due but left out by the day's rounds (see `missed`).
    #[serde(default)]
    pub missed_days: Vec<usize>,
}

/// A visit planned on a day that the day's rounds could not make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedVisit {
    /// Actor id.
    pub id: String,
    /// Day of the period.
    pub day: usize,
    /// Why.
    pub reason: Reason,
}

/// How the day assignment and routing were improved together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Improvement {
    /// Period cost after the construction, EUR (visits left out priced 100,000 EUR each).
    pub initial_objective_eur: f64,
    /// The same after the improvement.
    pub final_objective_eur: f64,
    /// Pattern changes tried (affected days solved again).
    pub moves_tried: usize,
    /// Pattern changes kept.
    pub moves_kept: usize,
}

/// A period's plan: the calendar, each company's visit days, the period's figures and the
/// comparison with today's single cycle and the baseline over the same weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodPlan {
    /// Material slug.
    pub material: String,
    /// Unit of the material's quantities.
    pub unit: String,
    /// Weeks planned.
    pub weeks: u32,
    /// How distances and durations were obtained.
    pub method: Method,
    /// The engine and its budget, in words.
    pub engine: String,
    /// Defaults taken (in words).
    pub defaults_used: Vec<String>,
    /// The same as data.
    pub defaults: Vec<DefaultTaken>,
    /// The depot.
    pub depot: PlanStop,
    /// The treatment site.
    pub dump: PlanStop,
    /// The fleet.
    pub fleet: Vec<Vehicle>,
    /// The calendar: every day of the period, with its rounds (none on a day off).
    pub calendar: Vec<PeriodDay>,
    /// Each holder planned, with its visit days.
    pub companies: Vec<CompanyVisits>,
    /// Holders not planned at all, and why.
    pub unassigned: Vec<Unassigned>,
    /// Visits planned on a day whose rounds could not make them.
    pub missed: Vec<MissedVisit>,
    /// The period's figures: km, hours, EUR, kg CO2e.
    pub totals: Totals,
    /// Today's approach over the same weeks: one cycle at the highest frequency asked,
    /// repeated (`boucle rounds` without `--period`, yearly pooled figures × weeks / 52).
    pub single_cycle: Totals,
    /// Holders today's single cycle leaves out.
    pub single_cycle_unassigned: usize,
    /// Each company alone over the same weeks (the baseline, yearly × weeks / 52).
    pub baseline: Totals,
    /// `single_cycle − totals`.
    pub savings_vs_single_cycle: Totals,
    /// `baseline − totals`.
    pub savings_vs_baseline: Totals,
    /// The improvement phase.
    pub improvement: Improvement,
    /// Why the figures are estimates (the single cycle's reasons).
    pub estimate: Option<Estimate>,
    /// Remarks.
    pub notes: Vec<String>,
    /// Whether loads are hidden (public answers).
    #[serde(default)]
    pub loads_hidden: bool,
    /// Rounds left out of a public answer (fewer than `min_contributors` companies).
    #[serde(default)]
    pub suppressed_rounds: usize,
}

/// Visits of a holder collected `cpy` times a year in `weeks` weeks of `days` days.
pub fn visits_in_period(cpy: f64, weeks: u32, days: usize) -> usize {
    let n = (cpy * f64::from(weeks) / 52.0).round();
    if n.is_finite() {
        (n.max(1.0) as usize).min(days)
    } else {
        1
    }
}

/// A frequency in words.
fn frequency(cpy: f64) -> String {
    let every = 52.0 / cpy.max(1e-9);
    match every {
        e if (e - 1.0).abs() < 0.15 => "weekly".into(),
        e if (e - 2.0).abs() < 0.3 => "fortnightly".into(),
        e if (4.0..=4.5).contains(&e) => "monthly".into(),
        e if e < 1.0 => format!("{:.1} times a week", 1.0 / e),
        e => format!("every {e:.1} weeks"),
    }
}

/// Plan the period `req.period` on the territory's travel costs.
pub fn plan_period(t: &Territory, req: &RoundsRequest) -> Result<PeriodPlan> {
    plan_period_with(t, &Travel::for_territory(t)?, req)
}

/// [`plan_period`] with a travel context the caller keeps.
pub fn plan_period_with(t: &Territory, travel: &Travel, req: &RoundsRequest) -> Result<PeriodPlan> {
    let weeks = req
        .period
        .as_ref()
        .ok_or_else(|| Error::Invalid("`period` is required for a period plan".into()))?
        .weeks()?;
    plan::check_stopping_rule(req)?;
    // Today's approach, for the comparison (same request, one cycle, the engine's default
    // budget: the request's time limit is the period's).
    // Today's approach has no fleet limit (rounds one after the other within a cycle): the
    // vehicles' shifts are left out of it, so that it serves every holder.
    let (mut today_types, _) = defaults::vehicle_types(t, req.vehicles.as_ref(), &mut Vec::new())?;
    for v in &mut today_types {
        v.week.shift_start = None;
        v.week.shift_end = None;
    }
    let single = plan::plan_rounds_with(
        t,
        travel,
        &RoundsRequest {
            period: None,
            time_limit_s: None,
            vehicles: Some(super::request::VehiclesSpec::Inline(today_types)),
            ..req.clone()
        },
    )?;
    // The improvement's clock starts once today's plan is made.
    let started = Instant::now();
    let material = t.material_or_err(&req.material)?;
    let mut settings = defaults::resolve(t, material, req)?;
    let Holders {
        demands,
        mut unassigned,
        points,
        ..
    } = plan::holders(t, material, &settings)?;
    let (demands, wk) = plan::with_week(t, material, &mut settings, demands, &mut unassigned);
    let models = plan::cost_models(&settings)?;
    let table = travel.square(&points)?;
    let nd = weeks as usize * 7;
    let share = f64::from(weeks) / 52.0;
    // The fleet of each weekday.
    let (_, site_hours) = week::site_rules(t, &settings.dump.id, &material.slug);
    let week_fleet: Vec<DayFleet> = (0..7)
        .map(|wd| DayFleet {
            types: settings
                .fleet
                .iter()
                .map(|v| {
                    let sh = shift_of(v);
                    let cut = shift_within_site(sh, site_hours.as_ref(), wd, 0.0);
                    let works = v.week.days()[wd] && cut.is_some();
                    let sh = cut.unwrap_or(sh);
                    TypeSpec {
                        count: Some(if works { v.count as usize } else { 0 }),
                        shift: Some((sh.start_s, sh.end_s)),
                        ..TypeSpec::new(v, &material.unit, material.m3_per_unit)
                    }
                })
                .collect(),
        })
        .collect();
    let days: Vec<DayFleet> = (0..nd).map(|d| week_fleet[d % 7].clone()).collect();
    // Loads are cut to the largest vehicle.
    let largest = settings
        .fleet
        .iter()
        .reduce(|a, b| if b.capacity_kg > a.capacity_kg { b } else { a })
        .unwrap_or(&settings.fleet[0]);
    let cap_m3 = largest.volume_capacity_m3(&material.unit, material.m3_per_unit);
    let mut holders = Vec::with_capacity(demands.len());
    let mut total_stops = 0usize;
    for (k, d) in demands.iter().enumerate() {
        let n = visits_in_period(d.collections_per_year, weeks, nd);
        let (kg, m3) = (
            d.kg_per_year * share / n as f64,
            d.m3_per_year * share / n as f64,
        );
        let nl = loads(kg, m3, largest.capacity_kg, cap_m3);
        total_stops = total_stops.saturating_add((nl as usize).saturating_mul(n));
        if total_stops > crate::limits::max_stops().saturating_mul(nd) {
            return Err(Error::Invalid(format!(
                "the period needs more than {} stops once split into loads of `{}`; holder `{}` alone needs {nl} loads per visit: check its quantity in flows.csv",
                crate::limits::max_stops().saturating_mul(nd),
                largest.id,
                d.id
            )));
        }
        let rules: &StopRules = &wk.rules[k];
        let windows: [Option<Option<(f64, f64)>>; 7] = std::array::from_fn(|wd| {
            let ty = week_fleet[wd].types.iter().find(|t| t.count != Some(0))?;
            let (a, b) = ty.shift?;
            if !rules.open_on(wd) {
                return None;
            }
            let sh = week::Shift {
                start_s: a,
                end_s: b,
                own: true,
            };
            rules.window(wd, &sh).ok()
        });
        let pats = patterns(nd, n, |day| windows[day % 7].is_some());
        holders.push(PHolder {
            index: d.index,
            loads: vec![(kg / f64::from(nl), m3 / f64::from(nl)); nl as usize],
            service_s: rules.service_s,
            windows,
            patterns: pats,
        });
    }
    let problem = PeriodProblem {
        m: &table.matrix,
        timing: settings.timing,
        holders,
        days,
    };
    let iterations = req.max_iterations.unwrap_or(PERIOD_DAY_ITERATIONS);
    let params = boucle_vrp::SolverParams {
        time_limit_s: f64::INFINITY,
        seed: req.seed.unwrap_or(1),
        max_iterations: Some(iterations),
        max_work: None,
        cancel: req.cancel.clone(),
    };
    let budget = req.time_limit_s.unwrap_or(PERIOD_DEFAULT_TIME_S);
    let deadline = started + std::time::Duration::from_secs_f64(budget);
    let sol = problem.solve(&params, PERIOD_PASSES, Some(deadline))?;
    // The answer.
    let mut calendar = Vec::with_capacity(nd);
    let mut totals = Totals::default();
    let mut missed = Vec::new();
    let mut missed_by: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); demands.len()];
    for (d, ds) in sol.days.iter().enumerate() {
        let list: Vec<usize> = {
            let mut v: Vec<usize> = Vec::new();
            for &h in &ds.holder_of {
                if !v.contains(&h) {
                    v.push(h);
                }
            }
            v
        };
        let (p, _) = problem.day_problem(d, &list);
        let (rounds, day_totals) = plan::describe_rounds(
            travel,
            &table,
            &p,
            &ds.solved.0,
            &demands,
            &settings,
            &models,
            &points,
        );
        for (s, reason) in wk.explain(&p, ds.solved.1.clone()) {
            let h = ds.holder_of[s];
            if missed_by[h].insert(d) {
                missed.push(MissedVisit {
                    id: demands[h].id.clone(),
                    day: d,
                    reason,
                });
            }
        }
        totals = totals.plus(day_totals);
        calendar.push(PeriodDay {
            day: d,
            week: d / 7 + 1,
            weekday: week::day_name(d % 7).into(),
            label_fr: format!("{} (semaine {})", DAYS_FR[d % 7], d / 7 + 1),
            rounds,
            totals: day_totals,
        });
    }
    let due: f64 = demands.iter().map(|d| d.collections_per_year * share).sum();
    let mut companies = Vec::new();
    for (h, d) in demands.iter().enumerate() {
        let ph = &problem.holders[h];
        let Some(c) = sol.chosen[h] else {
            unassigned.push(Unassigned {
                id: d.id.clone(),
                name: d.name.clone(),
                reason: Reason::TimeWindow,
            });
            continue;
        };
        let n = ph.patterns[c].len();
        companies.push(CompanyVisits {
            id: d.id.clone(),
            name: d.name.clone(),
            collections_per_year: d.collections_per_year,
            frequency: frequency(d.collections_per_year),
            visits: n,
            days: ph.patterns[c].clone(),
            allowed_weekdays: (0..7)
                .filter(|&wd| ph.windows[wd].is_some())
                .map(|wd| week::day_name(wd).to_owned())
                .collect(),
            missed_days: missed_by[h].iter().copied().collect(),
        });
    }
    let single_cycle = single.scenario.pooled.scaled(share);
    let baseline = single.scenario.alone.scaled(share);
    let mut notes = vec![
        format!(
            "period of {weeks} week(s), {nd} days from a Monday; each holder visited round(collections per year × {weeks} / 52) time(s), at least once, on days its hours and the fleet's working days allow; each visit collects the period's quantity (yearly × {weeks} / 52) divided by its visits"
        ),
        format!(
            "single cycle: today's plan (one cycle at the highest frequency asked, {} cycles a year, no fleet limit: the vehicles' shifts left out) × {weeks} / 52; baseline: each company alone × {weeks} / 52",
            single.cycles_per_year
        ),
        "each day: `count` vehicles of each type of the fleet within its shift (vehicles.csv; without a shift, the default day); public holidays are not modelled".into(),
    ];
    notes.extend(wk.notes.iter().cloned());
    let planned: usize = companies.iter().map(|c| c.visits).sum();
    if (planned as f64 - due).abs() > 0.5 {
        notes.push(format!(
            "{planned} visits planned where the frequencies ask {due:.1} over {weeks} week(s): a frequency is rounded to whole visits in the period (a monthly company is visited once in 4 weeks, 13 times a year instead of 12); the single cycle's figures are not rounded"
        ));
    }
    if !missed.is_empty() {
        notes.push(format!(
            "{} visit(s) planned on a day whose rounds could not make them (fleet or shift too small): see `missed`",
            missed.len()
        ));
    }
    let improvement = Improvement {
        initial_objective_eur: sol.initial_cost,
        final_objective_eur: sol.days.iter().map(|d| d.objective()).sum(),
        moves_tried: sol.moves_tried,
        moves_kept: sol.moves_kept,
    };
    let engine = format!(
        "periodic planning: visit patterns by least estimated cost, each day routed by boucle-vrp's hybrid genetic search ({iterations} iterations per day, seed {}), then patterns moved where re-solving the affected days lowers the period's cost ({} pass(es) at most, stopped after {budget} s)",
        params.seed, PERIOD_PASSES
    );
    let settings_used = settings.used;
    Ok(PeriodPlan {
        material: material.slug.clone(),
        unit: material.unit.clone(),
        weeks,
        method: table.method(),
        engine,
        defaults_used: settings_used.iter().map(|d| d.text.clone()).collect(),
        defaults: settings_used,
        depot: single.depot.clone(),
        dump: single.dump.clone(),
        fleet: settings.fleet,
        calendar,
        companies,
        unassigned,
        missed,
        totals,
        single_cycle,
        single_cycle_unassigned: single
            .unassigned
            .iter()
            .filter(|u| !matches!(u.reason, Reason::Unlocated | Reason::ZeroQuantity))
            .count(),
        baseline,
        savings_vs_single_cycle: single_cycle.minus(totals),
        savings_vs_baseline: baseline.minus(totals),
        improvement,
        estimate: single.scenario.estimate.clone(),
        notes,
        loads_hidden: false,
        suppressed_rounds: 0,
    })
}

impl PeriodPlan {
    /// The holders the plan rests on: every company planned, every holder left out for a reason
    /// that depends on its quantity or position.
    pub fn contributors(&self) -> Contributors {
        let mut c: Contributors = self.companies.iter().map(|x| x.id.clone()).collect();
        c.extend(left_out_contributors(&self.unassigned));
        c
    }

    /// The plan as the public may see it, as [`super::RoundsPlan::public`]: refused below
    /// `rule.k` holders; no load; a holder once per round; a round shown only when at least
    /// `rule.k` holders make it and the rounds left out rest on none or at least `rule.k`;
    /// each day's figures are then those of its rounds shown (the period's totals keep every
    /// round).
    pub fn public(mut self, rule: Rule) -> Result<PeriodPlan> {
        let all = self.contributors();
        enough_holders(rule, all.len(), &self.material)?;
        let holders: Vec<Contributors> = self
            .calendar
            .iter()
            .flat_map(|d| d.rounds.iter())
            .map(PlanRound::holders)
            .collect();
        let parts: Vec<&Contributors> = holders.iter().collect();
        let mut shown = rule.protect_parts(&all, &parts).into_iter();
        let mut suppressed = 0;
        for day in &mut self.calendar {
            let before = day.rounds.len();
            day.rounds = std::mem::take(&mut day.rounds)
                .into_iter()
                .filter(|_| shown.next().unwrap_or(false))
                .map(|r| r.without_loads(&mut Default::default()))
                .collect();
            if day.rounds.len() < before {
                suppressed += before - day.rounds.len();
                day.totals = day.rounds.iter().fold(Totals::default(), |t, r| {
                    t.plus(Totals {
                        distance_km: r.distance_m / 1000.0,
                        hours: r.duration_s / 3600.0,
                        cost_eur: r.cost_eur,
                        co2e_kg: r.co2e_kg,
                    })
                });
            }
        }
        self.suppressed_rounds = suppressed;
        if suppressed > 0 {
            self.notes.push(format!(
                "{suppressed} round(s) collecting fewer than {} companies (or whose omission would isolate fewer than {}) are not shown: their figures are in the period's totals only",
                rule.k, rule.k
            ));
        }
        self.depot.load = None;
        self.dump.load = None;
        self.loads_hidden = true;
        Ok(self)
    }
}
