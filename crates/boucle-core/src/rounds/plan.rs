//! [`plan_rounds`]: a request → the rounds of one collection cycle, the holders left out and
//! the alone-vs-pooled scenario, in named steps.
//!
//! Scaling over the year: the pooled service runs `cycles_per_year` collection cycles, the
//! highest frequency asked by the holders; each holder's demand per cycle is its yearly quantity
//! divided by the cycles, cut into loads that fit the fleet's largest vehicle. One cycle's
//! rounds are computed and multiplied by the cycles.
//!
//! Routing: the routing engine ([`boucle_vrp::solve`]: hybrid genetic search, the fleet's
//! types, multi-trip with unloading at the treatment site, as many vehicles as needed within a
//! cycle) and the savings floor (Clarke–Wright + 2-opt); the cheaper plan serving as many stops is
//! kept and [`RoundsPlan::solver`] says which.

use std::collections::BTreeSet;

use geo::Point;

use super::answer::{
    DefaultKey, DefaultTaken, Origin, PlaceKind, PlanRound, PlanStop, Reason, RoundsPlan, Solver,
    Unassigned,
};
use super::baseline::{self, Baseline, BaselineSite};
use super::defaults::{self, Settings};
use super::request::RoundsRequest;
use super::scenario::{Demand, Scenario};
use super::sensitivity::{self, Usage, add_usage};
use super::solve::{Problem, Solved, SolvedRound, SolverStop, TypeSpec, VisitKind};
use super::week;
use crate::error::{Error, Result};
use crate::estimate::{EstimateReason, Reasons};
use crate::territory::vehicles::loads;
use crate::territory::{
    CostModel, DEFAULT_COLLECTIONS_PER_YEAR, Factor, Material, Place, Precision, Territory, Totals,
};
use crate::travel::{Method, Travel, TravelTable};

/// Time limit of the routing engine when the request gives none, seconds.
pub const DEFAULT_TIME_LIMIT_S: f64 = 2.0;
/// Genetic iterations of the routing engine when the request gives no time limit (a
/// deterministic stop that keeps small territory plans fast and reproducible).
pub const DEFAULT_MAX_ITERATIONS: u64 = 300;

/// Plan the pooled rounds of one material and compare them with each holder served alone, on
/// the territory's travel costs ([`Travel::for_territory`]).
pub fn plan_rounds(t: &Territory, req: &RoundsRequest) -> Result<RoundsPlan> {
    plan_rounds_with(t, &Travel::for_territory(t)?, req)
}

/// [`plan_rounds`] with a travel context the caller keeps (the server builds it once).
pub fn plan_rounds_with(t: &Territory, travel: &Travel, req: &RoundsRequest) -> Result<RoundsPlan> {
    check_stopping_rule(req)?;
    let material = t.material_or_err(&req.material)?;
    let mut settings = defaults::resolve(t, material, req)?;
    let Holders {
        demands,
        mut unassigned,
        mut points,
        mut reasons,
    } = holders(t, material, &settings)?;
    let (demands, wk) = with_week(t, material, &mut settings, demands, &mut unassigned);
    let models = cost_models(&settings)?;
    // The baseline's treatment site, when it is not the pooled plan's: one more point.
    let baseline_dump = if settings.baseline_dump.id == settings.dump.id {
        1
    } else {
        points.push(settings.baseline_dump.position);
        points.len() - 1
    };
    if demands.iter().any(|d| d.defaulted) {
        settings.used.push(DefaultTaken::new(
            DefaultKey::CollectionsPerYear,
            DEFAULT_COLLECTIONS_PER_YEAR.to_string(),
            Origin::Builtin,
            format!(
                "collections per year: {DEFAULT_COLLECTIONS_PER_YEAR} where flows.csv gives none"
            ),
        ));
    }
    // Roads every vehicle of the fleet may take (legal limits against the largest size).
    let fleet_travel = travel.for_vehicle(&crate::network::VehicleLimits::covering(
        settings.fleet.iter().map(|v| v.road_limits()),
    ));
    let travel = &fleet_travel;
    let table = travel.square(&points)?;
    let cycles = cycles_per_year(&demands);
    let problem = routing_problem(&table, &demands, &settings, material, cycles, &wk)?;
    let params = solver_params(req);
    let Chosen {
        rounds: solved,
        dropped,
        solver,
        engine,
    } = best_construction(&problem, &params)?;
    let dropped = wk.explain(&problem, dropped);
    let served = left_out(&problem, &demands, dropped, &mut unassigned);
    reasons.travel(&table);
    let (rounds, pooled_cycle) = describe_rounds(
        travel, &table, &problem, &solved, &demands, &settings, &models, &points,
    );
    let (scenario, baseline) = scenario_of(
        t,
        &served,
        &table,
        &models,
        &settings,
        material,
        &rounds,
        pooled_cycle,
        cycles,
        reasons,
        baseline_dump,
    )?;
    let mut notes = fleet_notes(&settings, &rounds);
    notes.extend(wk.notes.iter().cloned());
    if settings.fleet.len() > 1 {
        settings.used.push(fleet_default(&settings));
    }
    notes.push(travel.describe());
    notes.extend(table.warnings("place"));
    let Settings {
        depot,
        dump,
        fleet,
        used,
        ..
    } = settings;
    Ok(RoundsPlan {
        notes,
        material: material.slug.clone(),
        unit: material.unit.clone(),
        method: table.method(),
        engine,
        solver,
        defaults_used: used.iter().map(|d| d.text.clone()).collect(),
        defaults: used,
        depot: plan_stop(&depot, PlaceKind::Depot, depot.position, 0.0, 0.0),
        dump: plan_stop(&dump, PlaceKind::Dump, dump.position, 0.0, 0.0),
        vehicle: fleet[0].clone(),
        fleet,
        cycles_per_year: cycles,
        rounds,
        unassigned,
        baseline,
        scenario,
        loads_hidden: false,
        suppressed_rounds: 0,
    })
}

/// The cost model of each type of the fleet.
pub(super) fn cost_models(s: &Settings) -> Result<Vec<CostModel>> {
    s.fleet
        .iter()
        .map(|v| CostModel::new(v, &s.factors))
        .collect()
}

/// A holder to collect, with its place in the matrix.
pub(super) struct Collected {
    pub(super) demand: Demand,
    /// Whether its frequency is the default (its flows give none).
    pub(super) defaulted: bool,
    /// Whether any of its flows is an estimate.
    pub(super) estimate: bool,
    /// Whether it is placed at its commune's centre only.
    pub(super) at_commune: bool,
}

impl std::ops::Deref for Collected {
    type Target = Demand;
    fn deref(&self) -> &Demand {
        &self.demand
    }
}

/// The holders of a plan.
pub(super) struct Holders {
    /// Those to collect (located, with a quantity).
    pub(super) demands: Vec<Collected>,
    /// Those left out, and why.
    pub(super) unassigned: Vec<Unassigned>,
    /// The points of the matrix: depot, treatment site, then the holders to collect.
    pub(super) points: Vec<Point<f64>>,
    /// Why their data are estimates (demonstration flows, default frequencies, commune
    /// positions), with the share of the quantity at commune precision.
    pub(super) reasons: Reasons,
}

/// The holders of `material`: those to collect and those left out.
pub(super) fn holders(t: &Territory, material: &Material, s: &Settings) -> Result<Holders> {
    let mut unassigned = Vec::new();
    let mut points = vec![s.depot.position, s.dump.position];
    let mut out = Vec::new();
    let mut reasons = Reasons::new();
    for h in t.holders(material)? {
        let reason = match h.position {
            None => Some(Reason::Unlocated),
            Some(_) if h.kg_per_year <= 0.0 => Some(Reason::ZeroQuantity),
            Some(_) => None,
        };
        if let Some(reason) = reason {
            unassigned.push(Unassigned {
                id: h.id,
                name: h.name,
                reason,
            });
            continue;
        }
        let at_commune = t.position_precision(&h.id) == Some(Precision::Commune);
        reasons
            .when(h.estimate, EstimateReason::DemonstrationFlows)
            .when(
                h.collections_per_year.is_none(),
                EstimateReason::DefaultFrequency,
            )
            .quantity(h.kg_per_year, at_commune);
        out.push(Collected {
            defaulted: h.collections_per_year.is_none(),
            estimate: h.estimate,
            at_commune,
            demand: Demand {
                id: h.id.clone(),
                name: h.name.clone(),
                index: points.len(),
                quantity_per_year: h.quantity_per_year,
                kg_per_year: h.kg_per_year,
                m3_per_year: h.m3_per_year,
                collections_per_year: h.collections_or_default(),
            },
        });
        points.extend(h.position);
    }
    Ok(Holders {
        demands: out,
        unassigned,
        points,
        reasons,
    })
}

/// The officer's week on the holders to collect: those no vehicle can serve (access, hours)
/// are left out with the reason; the others come with their rules and windows, in the same
/// order.
pub(super) fn with_week(
    t: &Territory,
    material: &Material,
    s: &mut Settings,
    demands: Vec<Collected>,
    unassigned: &mut Vec<Unassigned>,
) -> (Vec<Collected>, week::PlanWeek) {
    let ids: Vec<&str> = demands.iter().map(|d| d.id.as_str()).collect();
    let mut wk = week::for_cycle(t, &material.slug, s, &ids);
    let out: BTreeSet<usize> = wk.excluded.iter().map(|(k, _)| *k).collect();
    for &(k, reason) in &wk.excluded {
        unassigned.push(Unassigned {
            id: demands[k].id.clone(),
            name: demands[k].name.clone(),
            reason,
        });
    }
    let mut kept = Vec::with_capacity(demands.len());
    let (mut rules, mut windows) = (Vec::new(), Vec::new());
    for (k, d) in demands.into_iter().enumerate() {
        if !out.contains(&k) {
            kept.push(d);
            rules.push(wk.rules[k].clone());
            windows.push(wk.windows[k]);
        }
    }
    wk.rules = rules;
    wk.windows = windows;
    (kept, wk)
}

/// Collection cycles per year: the highest frequency asked (nobody is collected less often
/// than asked), [`DEFAULT_COLLECTIONS_PER_YEAR`] when there is no holder.
fn cycles_per_year(demands: &[Collected]) -> f64 {
    let c = demands
        .iter()
        .map(|d| d.collections_per_year)
        .fold(0.0_f64, f64::max);
    if c > 0.0 {
        c
    } else {
        DEFAULT_COLLECTIONS_PER_YEAR
    }
}

/// The request's time limit is finite, positive and at most [`crate::limits::MAX_TIME_LIMIT_S`];
/// its iteration count is at least 1.
pub(super) fn check_stopping_rule(req: &RoundsRequest) -> Result<()> {
    if let Some(t) = req.time_limit_s {
        crate::limits::in_range_excl(t, 0.0, crate::limits::MAX_TIME_LIMIT_S)
            .map_err(|m| Error::Invalid(format!("`time_limit_s`: {m}")))?;
    }
    if req.max_iterations == Some(0) {
        return Err(Error::Invalid("`max_iterations` must be at least 1".into()));
    }
    Ok(())
}

/// The routing problem of one cycle: each holder's demand per cycle cut into loads that fit the
/// fleet's largest vehicle (by payload). More than [`crate::limits::max_stops`] loads in all is
/// an error saying which holder needs the most, before any of them is allocated.
fn routing_problem<'a>(
    table: &'a TravelTable,
    demands: &[Collected],
    s: &Settings,
    material: &Material,
    cycles: f64,
    wk: &week::PlanWeek,
) -> Result<Problem<'a>> {
    let largest = s
        .fleet
        .iter()
        .reduce(|a, b| if b.capacity_kg > a.capacity_kg { b } else { a })
        .unwrap_or(&s.fleet[0]);
    let load_kg = largest.capacity_kg;
    let load_m3 = largest.volume_capacity_m3(&material.unit, material.m3_per_unit);
    let per_holder: Vec<u32> = demands
        .iter()
        .map(|d| {
            loads(
                d.kg_per_year / cycles,
                d.m3_per_year / cycles,
                load_kg,
                load_m3,
            )
        })
        .collect();
    let total = per_holder
        .iter()
        .fold(0usize, |a, &n| a.saturating_add(n as usize));
    let max = crate::limits::max_stops();
    if total > max {
        let (k, n) = per_holder
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .map(|(k, n)| (k, *n))
            .unwrap_or((0, 0));
        return Err(Error::Invalid(format!(
            "the demand needs {total} stops per collection cycle once split into loads of vehicle `{}` ({load_kg} kg), more than the limit of {max} (BOUCLE_MAX_STOPS); holder `{}` alone needs {n} loads: check its quantity in flows.csv and the vehicle's capacity",
            largest.id,
            demands.get(k).map(|d| d.id.as_str()).unwrap_or("-"),
        )));
    }
    let mut stops = Vec::with_capacity(total);
    for (k, (d, &n)) in demands.iter().zip(&per_holder).enumerate() {
        let kg = d.kg_per_year / cycles;
        let m3 = d.m3_per_year / cycles;
        for _ in 0..n {
            stops.push(SolverStop {
                holder: k,
                matrix_index: d.index,
                kg: kg / f64::from(n),
                m3: m3 / f64::from(n),
                service_s: wk.rules[k].service_s,
                window: wk.windows[k],
            });
        }
    }
    Ok(Problem {
        m: &table.matrix,
        depot: 0,
        dump: 1,
        stops,
        timing: s.timing,
        types: s
            .fleet
            .iter()
            .zip(&wk.types)
            .map(|(v, &(count, shift))| TypeSpec {
                count,
                shift,
                ..TypeSpec::new(v, &material.unit, material.m3_per_unit)
            })
            .collect(),
    })
}

/// The engine's stopping rule: the request's time limit (else [`DEFAULT_TIME_LIMIT_S`] with at
/// most [`DEFAULT_MAX_ITERATIONS`]), or the request's iteration count with no clock.
fn solver_params(req: &RoundsRequest) -> boucle_vrp::SolverParams {
    let (time_limit_s, max_iterations) = match (req.time_limit_s, req.max_iterations) {
        (Some(t), i) => (t, i),
        (None, Some(i)) => (f64::INFINITY, Some(i)),
        (None, None) => (DEFAULT_TIME_LIMIT_S, Some(DEFAULT_MAX_ITERATIONS)),
    };
    boucle_vrp::SolverParams {
        time_limit_s,
        seed: req.seed.unwrap_or(1),
        max_iterations,
        max_work: None,
        cancel: req.cancel.clone(),
    }
}

/// The construction kept for a plan.
struct Chosen {
    /// Its rounds.
    rounds: Vec<SolvedRound>,
    /// The stops it left out, and why.
    dropped: Vec<(usize, Reason)>,
    /// Which construction it is.
    solver: Solver,
    /// The same in words.
    engine: String,
}

/// The engine and the savings floor: the cheaper plan serving as many stops wins.
fn best_construction(problem: &Problem<'_>, params: &boucle_vrp::SolverParams) -> Result<Chosen> {
    let (sv_rounds, sv_dropped): Solved = if problem.timed() {
        // The savings floor knows no windows, shifts, fleet limit nor per-stop service: not a
        // candidate.
        (
            Vec::new(),
            (0..=problem.stops.len())
                .map(|i| (i, Reason::NoVehicle))
                .collect(),
        )
    } else {
        problem.run_savings()
    };
    let (en_rounds, en_dropped): Solved = problem.run_engine(params)?;
    let (sv_cost, en_cost) = (
        problem.total_cost(&sv_rounds),
        problem.total_cost(&en_rounds),
    );
    let engine_wins = en_dropped.len() < sv_dropped.len()
        || (en_dropped.len() == sv_dropped.len() && en_cost <= sv_cost + 1e-6);
    if engine_wins {
        let limit = if params.time_limit_s.is_finite() {
            format!("time limit {} s", params.time_limit_s)
        } else {
            "no time limit".to_owned()
        };
        let engine = format!(
            "boucle-vrp hybrid genetic search ({limit}, seed {}{}), multi-trip with unloading at the treatment site",
            params.seed,
            params
                .max_iterations
                .map(|i| format!(", at most {i} iterations"))
                .unwrap_or_default()
        );
        Ok(Chosen {
            rounds: en_rounds,
            dropped: en_dropped,
            solver: Solver::Hgs,
            engine,
        })
    } else {
        let engine = format!(
            "Clarke–Wright savings + 2-opt (cheaper than the hybrid genetic search within its budget: {sv_cost:.2} vs {en_cost:.2} EUR per cycle)"
        );
        Ok(Chosen {
            rounds: sv_rounds,
            dropped: sv_dropped,
            solver: Solver::Savings,
            engine,
        })
    }
}

/// Report the holders whose loads the construction left out (a holder split into several loads
/// is served only if every load is); returns the demands served.
fn left_out(
    problem: &Problem<'_>,
    demands: &[Collected],
    dropped: Vec<(usize, Reason)>,
    unassigned: &mut Vec<Unassigned>,
) -> Vec<Demand> {
    let mut reported = BTreeSet::new();
    for (s, reason) in dropped {
        let d = &demands[problem.stops[s].holder];
        if reported.insert(d.id.clone()) {
            unassigned.push(Unassigned {
                id: d.id.clone(),
                name: d.name.clone(),
                reason,
            });
        }
    }
    demands
        .iter()
        .filter(|d| !reported.contains(&d.id))
        .map(|d| d.demand.clone())
        .collect()
}

fn plan_stop(p: &Place, kind: PlaceKind, at: Point<f64>, arrival_s: f64, load: f64) -> PlanStop {
    PlanStop {
        id: p.id.clone(),
        name: p.name.clone(),
        kind,
        lon: at.x(),
        lat: at.y(),
        arrival_s,
        load: Some(load),
    }
}

/// The solved rounds as the answer gives them (places, loads, figures, geometry), and the
/// totals of one cycle.
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one plan, each named at the call"
)]
pub(super) fn describe_rounds(
    travel: &Travel,
    table: &TravelTable,
    problem: &Problem<'_>,
    solved: &[SolvedRound],
    demands: &[Collected],
    s: &Settings,
    models: &[CostModel],
    points: &[Point<f64>],
) -> (Vec<PlanRound>, Totals) {
    let mut rounds = Vec::new();
    let mut pooled_cycle = Totals::default();
    for r in solved {
        // With a time of day, the engine's times are from midnight: the answer's are from the
        // start of the round, and the round says when it starts.
        let start = if problem.timed() {
            r.visits.first().map(|v| v.arrival_s)
        } else {
            None
        };
        let t0 = start.unwrap_or(0.0);
        let mut stops = Vec::with_capacity(r.visits.len());
        let (mut kg, mut m3) = (0.0, 0.0);
        let mut reasons = Reasons::new();
        reasons
            .travel(table)
            .when(
                models[r.ty].vehicle.source.contains("estimate"),
                EstimateReason::EstimatedCost,
            )
            .when(
                factor_is_estimate(&models[r.ty]),
                EstimateReason::EstimatedFactor,
            );
        for v in &r.visits {
            let at = points[v.location];
            let stop = match (v.kind, v.stop) {
                (VisitKind::Stop, Some(i)) => {
                    let st = &problem.stops[i];
                    kg += st.kg;
                    m3 += st.m3;
                    let d = &demands[st.holder];
                    reasons
                        .when(d.estimate, EstimateReason::DemonstrationFlows)
                        .when(d.defaulted, EstimateReason::DefaultFrequency)
                        .quantity(st.kg, d.at_commune);
                    PlanStop {
                        id: d.id.clone(),
                        name: d.name.clone(),
                        kind: PlaceKind::Stop,
                        lon: at.x(),
                        lat: at.y(),
                        arrival_s: v.arrival_s - t0,
                        load: Some(v.load_kg),
                    }
                }
                (VisitKind::Dump, _) => {
                    plan_stop(&s.dump, PlaceKind::Dump, at, v.arrival_s - t0, v.load_kg)
                }
                _ => plan_stop(&s.depot, PlaceKind::Depot, at, v.arrival_s - t0, v.load_kg),
            };
            stops.push(stop);
        }
        let totals = models[r.ty].round(r.distance_m, r.duration_s);
        pooled_cycle = pooled_cycle.plus(totals);
        let mut coords: Vec<[f64; 2]> = Vec::new();
        for (i, w) in r.visits.windows(2).enumerate() {
            let leg = travel.leg(points[w[0].location], points[w[1].location]);
            coords.extend(leg.into_iter().skip(usize::from(i > 0)));
        }
        rounds.push(PlanRound {
            vehicle: s.fleet[r.ty].id.clone(),
            stops,
            distance_m: r.distance_m,
            duration_s: r.duration_s,
            cost_eur: totals.cost_eur,
            co2e_kg: totals.co2e_kg,
            trips: r
                .visits
                .iter()
                .filter(|v| v.kind == VisitKind::Dump)
                .count(),
            load_kg: Some(kg),
            load_m3: Some(m3),
            method: table.method(),
            geometry: serde_json::json!({ "type": "LineString", "coordinates": coords }),
            binding: r.binding.clone(),
            estimate: reasons.build(),
            start_s: start,
        });
    }
    (rounds, pooled_cycle)
}

/// Whether the consumption or emission factor of `m` is marked as an estimate.
fn factor_is_estimate(m: &CostModel) -> bool {
    if m.vehicle.fuel_l_per_100km.is_some() {
        m.vehicle.source.contains("estimate")
    } else {
        m.factor.source.contains("estimate") || m.factor.vintage.contains("estimate")
    }
}

/// Alone (the baseline) vs pooled per year, with every factor used, why the figures are
/// estimates and how sure the savings are; and the baseline's description.
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one plan, each named at the call"
)]
fn scenario_of(
    t: &Territory,
    served: &[Demand],
    table: &TravelTable,
    models: &[CostModel],
    s: &Settings,
    material: &Material,
    rounds: &[PlanRound],
    pooled_cycle: Totals,
    cycles: f64,
    mut reasons: Reasons,
    baseline_dump: usize,
) -> Result<(Scenario, Baseline)> {
    // The baseline takes every type of the fleet's list that has an emission factor.
    let mut all: Vec<CostModel> = models.to_vec();
    let mut skipped = Vec::new();
    for v in &s.types {
        if all.iter().any(|m| m.vehicle.id == v.id) {
            continue;
        }
        match CostModel::new(v, &s.factors) {
            Ok(m) => all.push(m),
            Err(_) => skipped.push(v.id.clone()),
        }
    }
    let volume = |m: &CostModel| {
        m.vehicle
            .volume_capacity_m3(&material.unit, material.m3_per_unit)
    };
    let (alone, alone_usage, by_type) = baseline::alone(
        served,
        baseline_dump,
        &table.matrix,
        &all,
        &volume,
        s.timing,
    );
    let mut pooled_usage: Vec<Usage> = Vec::new();
    for r in rounds {
        add_usage(
            &mut pooled_usage,
            &r.vehicle,
            cycles,
            r.distance_m / 1000.0 * cycles,
            r.duration_s / 3600.0 * cycles,
        );
    }
    let used: Vec<CostModel> = all
        .iter()
        .filter(|m| {
            alone_usage.iter().any(|u| u.vehicle == m.vehicle.id)
                || pooled_usage.iter().any(|u| u.vehicle == m.vehicle.id)
                || m.vehicle.id == models[0].vehicle.id
        })
        .cloned()
        .collect();
    let sens = sensitivity::sensitivity(&used, &alone_usage, &pooled_usage);
    let mut factors = Vec::new();
    for m in &used {
        for f in m.factors() {
            if !factors.contains(&f) {
                factors.push(f);
            }
        }
    }
    let method = table.method();
    if method == Method::CrowFlies || table.unreachable > 0 || table.fallback_reason.is_some() {
        factors.push(Factor {
            name: "circuity".into(),
            value: t.manifest.defaults.circuity,
            unit: "road km / great-circle km".into(),
            source: "territory.toml defaults.circuity (crow-flies fallback)".into(),
        });
        factors.push(Factor {
            name: "speed".into(),
            value: t.manifest.defaults.speed_kmh,
            unit: "km/h".into(),
            source: "territory.toml defaults.speed_kmh (crow-flies fallback)".into(),
        });
    }
    reasons
        .when(
            used.iter().any(|m| m.vehicle.source.contains("estimate")),
            EstimateReason::EstimatedCost,
        )
        .when(
            used.iter().any(factor_is_estimate),
            EstimateReason::EstimatedFactor,
        );
    let estimate = reasons.build();
    let same_site = s.baseline_dump.id == s.dump.id;
    let mut notes = Vec::new();
    let named = |p: &Place| {
        if p.name.contains(&p.id) {
            p.name.clone()
        } else {
            format!("{} ({})", p.name, p.id)
        }
    };
    if !same_site {
        notes.push(format!(
            "the pooled rounds unload at {} but the baseline at the material's default treatment site {}: the comparison includes the change of site",
            named(&s.dump),
            named(&s.baseline_dump)
        ));
    }
    if !skipped.is_empty() {
        notes.push(format!(
            "vehicle types without an emission factor left out of the baseline: {}",
            skipped.join(", ")
        ));
    }
    let scenario = Scenario::new(alone, pooled_cycle, cycles, method, factors, estimate, sens);
    let baseline = Baseline {
        definition: baseline::DEFINITION.into(),
        definition_fr: baseline::DEFINITION_FR.into(),
        treatment_site: BaselineSite {
            id: s.baseline_dump.id.clone(),
            name: s.baseline_dump.name.clone(),
        },
        same_site_as_pooled: same_site,
        vehicles: Some(by_type),
        notes,
    };
    Ok((scenario, baseline))
}

/// How each type of the fleet is used, in words.
fn fleet_notes(s: &Settings, rounds: &[PlanRound]) -> Vec<String> {
    let mut notes = Vec::new();
    for v in &s.fleet {
        let mine: Vec<&PlanRound> = rounds.iter().filter(|r| r.vehicle == v.id).collect();
        if mine.is_empty() {
            if s.fleet.len() > 1 {
                notes.push(format!(
                    "vehicle type `{}`: no round (others are cheaper or the only ones able)",
                    v.id
                ));
            }
            continue;
        }
        let hours: f64 = mine.iter().map(|r| r.duration_s).sum::<f64>() / 3600.0;
        let shift_h = v.max_duration_h.unwrap_or(8.0);
        let days = (hours / (shift_h * f64::from(v.count.max(1)))).ceil();
        notes.push(format!(
            "{} round(s) per cycle, {hours:.1} h in total: about {days} working day(s) per cycle for {} vehicle(s) `{}` of {shift_h} h (rounds are done one after the other)",
            mine.len(),
            v.count,
            v.id
        ));
    }
    notes
}

/// The mixed fleet asked by the request, reported as a default taken.
fn fleet_default(s: &Settings) -> DefaultTaken {
    let largest = s
        .fleet
        .iter()
        .reduce(|a, b| if b.capacity_kg > a.capacity_kg { b } else { a })
        .unwrap_or(&s.fleet[0]);
    DefaultTaken::new(
        DefaultKey::Fleet,
        s.fleet
            .iter()
            .map(|v| v.id.as_str())
            .collect::<Vec<_>>()
            .join(","),
        Origin::Request,
        format!(
            "fleet: {} (request); each round takes the type that makes the plan cheapest, loads are cut to fit `{}`, the savings construction uses `{}`",
            s.fleet
                .iter()
                .map(|v| format!("`{}`", v.id))
                .collect::<Vec<_>>()
                .join(", "),
            largest.id,
            s.fleet[0].id
        ),
    )
}

/// The routing problem of one collection cycle, as [`plan_rounds_with`] hands it to the engine,
/// in VROOM's input format (`boucle rounds --export vroom`): jobs are the holders' loads
/// (`pickup` in kg and litres, rounded up; described by holder id and name), vehicles the fleet
/// (costs in euro cents; an unbounded fleet is written as one vehicle per stop), the travel
/// matrices the plan uses, and each vehicle's treatment site in boucle's `"boucle"` extension.
/// It holds each holder's quantity: the officer's data.
pub fn export_vroom(
    t: &Territory,
    travel: &Travel,
    req: &RoundsRequest,
) -> Result<serde_json::Value> {
    check_stopping_rule(req)?;
    let material = t.material_or_err(&req.material)?;
    let mut settings = defaults::resolve(t, material, req)?;
    let Holders {
        demands,
        mut unassigned,
        points,
        ..
    } = holders(t, material, &settings)?;
    // The same week and the same roads as the plan: windows, shifts, access, legal limits.
    let (demands, wk) = with_week(t, material, &mut settings, demands, &mut unassigned);
    let fleet_travel = travel.for_vehicle(&crate::network::VehicleLimits::covering(
        settings.fleet.iter().map(|v| v.road_limits()),
    ));
    let table = fleet_travel.square(&points)?;
    let cycles = cycles_per_year(&demands);
    let problem = routing_problem(&table, &demands, &settings, material, cycles, &wk)?;
    let engine = problem.engine_problem();
    let spec = crate::vroom::export::ExportSpec {
        coords: points.iter().map(|p| Some([p.x(), p.y()])).collect(),
        stop_names: problem
            .stops
            .iter()
            .map(|s| {
                let d = &demands[s.holder];
                format!("{} {}", d.id, d.name)
            })
            .collect(),
        amount_scale: [1.0, 1000.0],
        cost_scale: 100.0,
        unbounded_count: problem.stops.len().max(1),
        notes: vec![
            format!(
                "boucle rounds --material {}: one collection cycle ({cycles:.2} a year), {}",
                material.slug,
                t.manifest.name
            ),
            "amounts: kg and litres (m3 x 1000), rounded up; capacities rounded down".into(),
            "costs in euro cents: fixed per vehicle used, per_km, per_hour (boucle prices the hour on the whole round, VROOM on travel time)".into(),
            format!(
                "depot `{}`, treatment site `{}` (boucle extension: VROOM ignores it and plans single trips from and to the depot)",
                settings.depot.id, settings.dump.id
            ),
            travel.describe(),
        ],
    };
    Ok(crate::vroom::export::to_vroom(
        &engine,
        &table.matrix,
        &spec,
    ))
}
