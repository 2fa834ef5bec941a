//! What the collection rounds answer: the rounds of one collection cycle, the holders left out
//! and why, the defaults taken and where they come from, and the alone-vs-pooled scenario.
//! Every closed set of values is an enum that serialises to the snake_case word the JSON has
//! always carried.

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::scenario::Scenario;
use crate::disclosure::{Contributors, Rule};
use crate::error::{Error, Result};
use crate::estimate::Estimate;
use crate::territory::Vehicle;
use crate::travel::Method;

/// What a place of a round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// Where the rounds start and end.
    Depot,
    /// A holder collected.
    Stop,
    /// The treatment site where the load is emptied.
    Dump,
}

/// A place of a round: depot, stop or treatment site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStop {
    /// Actor or site id (`"LON,LAT"` for a depot or dump given by coordinates).
    pub id: String,
    /// Name.
    pub name: String,
    /// `depot`, `stop` or `dump`.
    pub kind: PlaceKind,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Latitude (WGS84).
    pub lat: f64,
    /// Arrival time from the start of the round, in seconds.
    pub arrival_s: f64,
    /// Load on board on leaving the place, in kg (`None` in public answers).
    pub load: Option<f64>,
}

/// A constraint that limits a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// A trip is full (routing engine).
    Capacity,
    /// The round is at its maximum duration.
    MaxDuration,
    /// The round is at its maximum distance.
    MaxDistance,
    /// A stop is served at the end of its time window.
    TimeWindows,
    /// The load is at ≥ 90 % of the payload (savings construction).
    CapacityKg,
    /// The load is at ≥ 90 % of the volume (savings construction).
    CapacityM3,
}

/// One round of one vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRound {
    /// Vehicle type id.
    pub vehicle: String,
    /// Depot, stops, treatment site, depot.
    pub stops: Vec<PlanStop>,
    /// Length in metres.
    pub distance_m: f64,
    /// Duration in seconds (driving, service, unloading).
    pub duration_s: f64,
    /// Cost in euros (cost model of the vehicle).
    pub cost_eur: f64,
    /// Emissions in kg CO2e.
    pub co2e_kg: f64,
    /// Trips (unloadings at the treatment site) in the round.
    pub trips: usize,
    /// Load collected, in kg (`None` in public answers).
    pub load_kg: Option<f64>,
    /// Load collected, in m³ (`None` in public answers).
    pub load_m3: Option<f64>,
    /// How distances were obtained (`road` / `crow_flies`).
    pub method: Method,
    /// GeoJSON LineString of the round; straight segments between places unless `method` is
    /// `road`.
    pub geometry: serde_json::Value,
    /// The constraints that limit the round: from the routing engine `capacity` (a trip is
    /// full), `max_duration`, `max_distance`, `time_windows`; from the savings construction the
    /// constraints at ≥ 90 % of their limit (`capacity_kg`, `capacity_m3`, `max_duration`,
    /// `max_distance`). Empty: nothing binds.
    pub binding: Vec<Binding>,
    /// Why its cost and CO2e are estimates (stable reason codes), `None` when measured.
    #[serde(default)]
    pub estimate: Option<Estimate>,
    /// Time of day the round leaves the depot, seconds from midnight, when the plan has one
    /// (opening hours or shifts; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_s: Option<f64>,
}

/// Why a holder is left out of the rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It has no position.
    Unlocated,
    /// Its yearly quantity is zero.
    ZeroQuantity,
    /// Its load per collection exceeds every vehicle (routing engine).
    Capacity,
    /// No vehicle reaches it within its time window.
    TimeWindow,
    /// Even alone it exceeds the maximum duration.
    MaxDuration,
    /// Even alone it exceeds the maximum distance.
    MaxDistance,
    /// No vehicle is available for it.
    NoVehicle,
    /// The fleet's shifts end before it can be served (the vehicles of the day are full).
    Shift,
    /// No vehicle of the fleet meets its access constraints (length, weight, tail lift).
    Access,
    /// Its load exceeds the payload (savings construction).
    CapacityKg,
    /// Its load exceeds the volume (savings construction).
    CapacityM3,
}

impl From<boucle_vrp::UnassignedReason> for Reason {
    fn from(r: boucle_vrp::UnassignedReason) -> Self {
        use boucle_vrp::UnassignedReason as U;
        match r {
            U::Capacity => Reason::Capacity,
            U::TimeWindow => Reason::TimeWindow,
            U::MaxDuration => Reason::MaxDuration,
            U::MaxDistance => Reason::MaxDistance,
            U::NoVehicle => Reason::NoVehicle,
        }
    }
}

/// A holder left out of the rounds, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unassigned {
    /// Actor or site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Why.
    pub reason: Reason,
}

/// What a default is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultKey {
    /// The treatment site where the rounds unload.
    TreatmentSite,
    /// The depot where they start and end.
    Depot,
    /// The list of vehicle types.
    VehicleTypes,
    /// The vehicle type used.
    Vehicle,
    /// The emission factors.
    EmissionFactors,
    /// Service time per stop.
    ServiceTime,
    /// Unloading time at the treatment site.
    UnloadTime,
    /// Collections per year of holders whose flows give none.
    CollectionsPerYear,
    /// A mixed fleet asked in the request.
    Fleet,
    /// Opening hours of stops without a row in `schedules.csv`.
    OpeningHours,
    /// The vehicles' shift when `vehicles.csv` gives none.
    Shift,
    /// The vehicles' working days when `vehicles.csv` gives none.
    WorkingDays,
    /// Access constraints on figures the vehicles do not give.
    Access,
    /// The day of the week whose hours a single cycle takes.
    Day,
}

/// Where a default comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The territory.toml setting named in `setting`.
    Manifest,
    /// A file of the territory folder.
    TerritoryFile,
    /// boucle's own default.
    Builtin,
    /// The first located site accepting the material.
    FirstLocatedSite,
    /// The depot is the treatment site.
    TreatmentSite,
    /// The first vehicle type.
    FirstType,
    /// The request.
    Request,
}

/// A default the planner took because the request did not say: what, which, and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefaultTaken {
    /// What was defaulted.
    pub key: DefaultKey,
    /// What was taken: a site or vehicle type id, a file name, minutes (`service_time`,
    /// `unload_time`), collections per year, or the fleet's type ids (comma-separated).
    pub value: String,
    /// The name of what was taken, when it has one (a site).
    pub name: Option<String>,
    /// Where it comes from.
    pub origin: Origin,
    /// The territory.toml setting read, when `origin` is `manifest`.
    pub setting: Option<String>,
    /// The same in an English sentence (as in [`RoundsPlan::defaults_used`]).
    pub text: String,
}

impl DefaultTaken {
    /// A default taken, described by `text`.
    pub fn new(key: DefaultKey, value: impl Into<String>, origin: Origin, text: String) -> Self {
        DefaultTaken {
            key,
            value: value.into(),
            name: None,
            origin,
            setting: None,
            text,
        }
    }

    /// With the name of what was taken.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.into());
        self
    }

    /// With the territory.toml setting read.
    pub fn setting(mut self, setting: String) -> Self {
        self.setting = Some(setting);
        self
    }
}

/// Which construction produced the rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    /// The routing engine (boucle-vrp's hybrid genetic search).
    Hgs,
    /// The Clarke–Wright savings construction + 2-opt, kept when cheaper.
    Savings,
}

/// The rounds of one collection cycle and the yearly alone-vs-pooled comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundsPlan {
    /// Material slug.
    pub material: String,
    /// Unit of the material's quantities.
    pub unit: String,
    /// How distances and durations were obtained.
    pub method: Method,
    /// Which routing engine produced the rounds, in words.
    pub engine: String,
    /// Which routing engine produced the rounds.
    pub solver: Solver,
    /// Defaults taken because the request did not say (in words).
    pub defaults_used: Vec<String>,
    /// The same defaults as data (what, which, from where), for display in any language.
    #[serde(default)]
    pub defaults: Vec<DefaultTaken>,
    /// The depot.
    pub depot: PlanStop,
    /// The treatment site.
    pub dump: PlanStop,
    /// The vehicle type (the primary one of the fleet).
    pub vehicle: Vehicle,
    /// The fleet the rounds may use: `vehicle` first, then the other types asked (`vehicle`
    /// of the request as a comma-separated list); each round names its type.
    #[serde(default)]
    pub fleet: Vec<Vehicle>,
    /// Collection cycles per year (the pooled rounds run once per cycle).
    pub cycles_per_year: f64,
    /// The rounds of one collection cycle.
    pub rounds: Vec<PlanRound>,
    /// Holders not served, with the reason.
    pub unassigned: Vec<Unassigned>,
    /// The "each company alone" baseline: its definition, treatment site and vehicles.
    pub baseline: Baseline,
    /// Alone vs pooled, per year.
    pub scenario: Scenario,
    /// Remarks on the plan (fleet use, engine, estimated distances), in words.
    pub notes: Vec<String>,
    /// Whether the loads are hidden (public answers): `load`, `load_kg` and `load_m3` are then
    /// `null`.
    #[serde(default)]
    pub loads_hidden: bool,
    /// Rounds left out of a public answer because fewer than the territory's
    /// `min_contributors` holders make them (see [`RoundsPlan::public`]); 0 for the officer.
    #[serde(default)]
    pub suppressed_rounds: usize,
}

impl PlanRound {
    /// The holders this round collects.
    pub(super) fn holders(&self) -> Contributors {
        self.stops
            .iter()
            .filter(|s| s.kind == PlaceKind::Stop)
            .map(|s| s.id.clone())
            .collect()
    }

    /// The round as the public sees it: no load (round, stop), and each holder not yet in
    /// `seen` listed once (how many times it is visited would tell its quantity).
    pub(super) fn without_loads(
        mut self,
        seen: &mut std::collections::HashSet<String>,
    ) -> PlanRound {
        self.load_kg = None;
        self.load_m3 = None;
        self.stops
            .retain(|s| s.kind != PlaceKind::Stop || seen.insert(s.id.clone()));
        for s in &mut self.stops {
            s.load = None;
        }
        self
    }
}

/// The holders left out for a reason that depends on their quantity or position (not the
/// unlocated or zero-quantity ones): a plan's figures rest on them too.
pub(super) fn left_out_contributors(
    unassigned: &[Unassigned],
) -> impl Iterator<Item = String> + '_ {
    unassigned
        .iter()
        .filter(|u| !matches!(u.reason, Reason::Unlocated | Reason::ZeroQuantity))
        .map(|u| u.id.clone())
}

/// A public plan of `material` needs at least `rule.k` holders behind it.
pub(super) fn enough_holders(rule: Rule, holders: usize, material: &str) -> Result<()> {
    if rule.allows(holders) {
        Ok(())
    } else {
        Err(Error::Confidential(format!(
            "fewer than {} holders of `{material}` in the rounds: their figures are confidential (officer only)",
            rule.k
        )))
    }
}

impl RoundsPlan {
    /// The holders whose quantities the plan rests on: every holder collected, and every
    /// holder left out for a reason that depends on its quantity or position in the rounds
    /// (not the unlocated or zero-quantity ones).
    pub fn contributors(&self) -> Contributors {
        let mut c: Contributors = self
            .rounds
            .iter()
            .flat_map(|r| r.stops.iter())
            .filter(|s| s.kind == PlaceKind::Stop)
            .map(|s| s.id.clone())
            .collect();
        c.extend(left_out_contributors(&self.unassigned));
        c
    }

    /// The plan as the public may see it ([`crate::disclosure`]):
    ///
    /// - refused ([`Error::Confidential`]) when fewer than `rule.k` holders stand behind it;
    /// - no load (per stop, per round);
    /// - each holder listed once, in the first round that collects it: how many times a
    ///   holder is visited (its load split into several stops) is not shown;
    /// - a round is shown only when at least `rule.k` holders make it, and the rounds left
    ///   out together rest on none or on at least `rule.k` holders (secondary suppression:
    ///   the yearly pooled total minus the rounds shown is theirs); `suppressed_rounds` counts
    ///   them.
    pub fn public(mut self, rule: Rule) -> Result<RoundsPlan> {
        let all = self.contributors();
        enough_holders(rule, all.len(), &self.material)?;
        let holders: Vec<Contributors> = self.rounds.iter().map(PlanRound::holders).collect();
        let parts: Vec<&Contributors> = holders.iter().collect();
        let shown = rule.protect_parts(&all, &parts);
        let before = self.rounds.len();
        let mut seen = std::collections::HashSet::new();
        self.rounds = std::mem::take(&mut self.rounds)
            .into_iter()
            .zip(shown)
            .filter(|(_, on)| *on)
            .map(|(r, _)| r.without_loads(&mut seen))
            .collect();
        self.suppressed_rounds = before - self.rounds.len();
        if self.suppressed_rounds > 0 {
            self.notes.push(format!(
                "{} round(s) collecting fewer than {} companies (or whose omission would isolate fewer than {}) are not shown: their figures are in the yearly totals only",
                self.suppressed_rounds, rule.k, rule.k
            ));
        }
        self.depot.load = None;
        self.dump.load = None;
        // Which vehicle each company would take alone tells its quantity per collection.
        self.baseline.vehicles = None;
        // The share of the quantity at commune precision, to the nearest tenth: a finer share
        // with one company placed otherwise would give its part of the total.
        for e in std::iter::once(&mut self.scenario.estimate)
            .chain(self.rounds.iter_mut().map(|r| &mut r.estimate))
            .flatten()
        {
            e.commune_precision_share =
                e.commune_precision_share.map(|s| (s * 10.0).round() / 10.0);
        }
        self.loads_hidden = true;
        Ok(self)
    }
}

/// `as_str` (the snake_case word of the JSON) and `Display` for the answer's enums.
macro_rules! words {
    ($t:ty { $($v:ident => $w:literal),* $(,)? }) => {
        impl $t {
            /// The snake_case word, as in the JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(<$t>::$v => $w,)*
                }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(PlaceKind { Depot => "depot", Stop => "stop", Dump => "dump" });
words!(Binding {
    Capacity => "capacity",
    MaxDuration => "max_duration",
    MaxDistance => "max_distance",
    TimeWindows => "time_windows",
    CapacityKg => "capacity_kg",
    CapacityM3 => "capacity_m3",
});
words!(Reason {
    Unlocated => "unlocated",
    ZeroQuantity => "zero_quantity",
    Capacity => "capacity",
    TimeWindow => "time_window",
    MaxDuration => "max_duration",
    MaxDistance => "max_distance",
    NoVehicle => "no_vehicle",
    Shift => "shift",
    Access => "access",
    CapacityKg => "capacity_kg",
    CapacityM3 => "capacity_m3",
});
words!(Origin {
    Manifest => "manifest",
    TerritoryFile => "territory_file",
    Builtin => "builtin",
    FirstLocatedSite => "first_located_site",
    TreatmentSite => "treatment_site",
    FirstType => "first_type",
    Request => "request",
});
words!(DefaultKey {
    TreatmentSite => "treatment_site",
    Depot => "depot",
    VehicleTypes => "vehicle_types",
    Vehicle => "vehicle",
    EmissionFactors => "emission_factors",
    ServiceTime => "service_time",
    UnloadTime => "unload_time",
    CollectionsPerYear => "collections_per_year",
    Fleet => "fleet",
    OpeningHours => "opening_hours",
    Shift => "shift",
    WorkingDays => "working_days",
    Access => "access",
    Day => "day",
});
words!(Solver { Hgs => "hgs", Savings => "savings" });

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `as_str` are the JSON's.
    #[test]
    fn words_match_serde() {
        let same = |v: serde_json::Value, w: &str| assert_eq!(v, serde_json::json!(w));
        same(
            serde_json::to_value(Reason::ZeroQuantity).unwrap(),
            Reason::ZeroQuantity.as_str(),
        );
        same(
            serde_json::to_value(Binding::CapacityM3).unwrap(),
            Binding::CapacityM3.as_str(),
        );
        same(
            serde_json::to_value(Origin::FirstLocatedSite).unwrap(),
            Origin::FirstLocatedSite.as_str(),
        );
        same(
            serde_json::to_value(DefaultKey::CollectionsPerYear).unwrap(),
            DefaultKey::CollectionsPerYear.as_str(),
        );
        same(
            serde_json::to_value(PlaceKind::Dump).unwrap(),
            PlaceKind::Dump.as_str(),
        );
        same(
            serde_json::to_value(Solver::Savings).unwrap(),
            Solver::Savings.as_str(),
        );
    }
}
