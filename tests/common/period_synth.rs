//! A seeded synthetic territory for period planning: `n` companies placed at random in the box
//! of `geodata/`, each with one pallets flow at a mixed frequency (weekly, fortnightly, every
//! four weeks, monthly) and opening hours drawn among common forms; what each company is open
//! is also returned as plain data, for checkers that must not use the planner's own parser.
//! Shared by the period tests and `benches/period.rs`.

use boucle::rounds::{RoundsRequest, VehiclesSpec};
use boucle::territory::hours::OpeningHours;
use boucle::territory::schedules::{Access, Schedule};
use boucle::territory::{Actor, ActorKind, Direction, Flow, Period, Precision, Territory};
use geo::Point;
use rand::{Rng, SeedableRng};

/// What a generated company is: open days (Monday first), open ranges (minutes), visits a year.
#[derive(Debug, Clone)]
pub struct Synth {
    /// Actor id.
    pub id: String,
    /// Open days, Monday first.
    pub days: [bool; 7],
    /// Open ranges of an open day, minutes from midnight.
    pub ranges: Vec<(u32, u32)>,
    /// Collections per year.
    pub per_year: f64,
    /// Pallets per year.
    pub pallets: f64,
}

/// A form of opening hours: OSM text, open days, ranges (minutes).
type Form = (&'static str, [bool; 7], &'static [(u32, u32)]);

/// Hours a company may have.
const FORMS: &[Form] = &[
    (
        "Mo-Fr 08:00-17:00",
        [true, true, true, true, true, false, false],
        &[(480, 1020)],
    ),
    (
        "Mo-Fr 08:00-12:00",
        [true, true, true, true, true, false, false],
        &[(480, 720)],
    ),
    (
        "Mo-Fr 08:00-12:00,13:30-17:00",
        [true, true, true, true, true, false, false],
        &[(480, 720), (810, 1020)],
    ),
    (
        "Mo,We,Fr 07:30-16:00",
        [true, false, true, false, true, false, false],
        &[(450, 960)],
    ),
    (
        "Mo-Th 09:00-16:00; Fr off",
        [true, true, true, true, false, false, false],
        &[(540, 960)],
    ),
    (
        "Tu,Th 13:00-17:00",
        [false, true, false, true, false, false, false],
        &[(780, 1020)],
    ),
];

/// The default territory with its companies and flows replaced by `n` generated ones (seed
/// `seed`), and their hours in `schedules.csv` form.
pub fn territory(base: &Territory, n: usize, seed: u64) -> (Territory, Vec<Synth>) {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let mut t = base.clone();
    t.actors.clear();
    t.flows.clear();
    t.week.rows.clear();
    t.week.present = true;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let id = format!("synth-{k:03}");
        let lon = rng.random_range(6.95..7.25);
        let lat = rng.random_range(47.72..47.88);
        let per_year = [52.0, 26.0, 13.0, 12.0][rng.random_range(0..4)];
        let pallets = rng.random_range(100.0..2500.0_f64).round();
        let (text, days, ranges) = FORMS[rng.random_range(0..FORMS.len())];
        t.actors.push(Actor {
            id: id.clone(),
            name: format!("Entreprise synthétique {k}"),
            kind: ActorKind::Company,
            siret: None,
            naf: None,
            naf_verified: false,
            naf_nomenclature: None,
            sector: String::new(),
            insee: None,
            address: None,
            park_id: None,
            employees: None,
            position: Some(Point::new(lon, lat)),
            precision: Precision::Manual,
            score: None,
            remarks: String::new(),
            source: "synthetic".into(),
        });
        t.flows.push(Flow {
            holder: id.clone(),
            material: "pallets".into(),
            ewc_code: "15 01 03".into(),
            direction: Direction::Out,
            quantity: pallets,
            unit: "pallets".into(),
            period: Period::Year,
            collections_per_period: Some(per_year),
            estimate: false,
            source: "synthetic".into(),
        });
        t.week.rows.push(Schedule {
            id: id.clone(),
            material: None,
            opening_hours_text: Some(text.into()),
            opening_hours: Some(OpeningHours::parse(text).expect("a common form")),
            service_min: Some(rng.random_range(10.0..25.0_f64).round()),
            unload_min: None,
            container: None,
            access: Access::default(),
            line: 0,
        });
        out.push(Synth {
            id,
            days,
            ranges: ranges.to_vec(),
            per_year,
            pallets,
        });
    }
    (t, out)
}

/// A request for `weeks` weeks of pallets with `count` rigid 19 t trucks working 07:00–17:00,
/// Monday to Friday.
pub fn request(base: &Territory, weeks: u32, count: u32) -> RoundsRequest {
    let mut v = base
        .vehicles
        .types
        .iter()
        .find(|v| v.id == "rigid_19t_tail_lift")
        .expect("the territory's 19 t truck")
        .clone();
    v.count = count;
    v.week.shift_start = Some("07:00".into());
    v.week.shift_end = Some("17:00".into());
    v.week.working_days = Some("Mo-Fr".into());
    RoundsRequest {
        material: "pallets".into(),
        vehicles: Some(VehiclesSpec::Inline(vec![v])),
        seed: Some(1),
        period: Some(boucle::rounds::PeriodSpec::Text(format!("{weeks}w"))),
        ..RoundsRequest::default()
    }
}
