//! The officer's week in a plan: each stop's service time, time window and access, the
//! treatment site's hours and unloading time, the fleet's shifts and limit
//! ([`crate::territory::schedules`], the optional columns of `vehicles.csv`).
//!
//! Times are seconds from midnight when the plan has a day (a shift on the fleet, or opening
//! hours on a stop); the engine takes one time window per stop: of a day with several ranges,
//! the one that overlaps the vehicles' working time the most (a lunch closure is never crossed).
//! Without a shift the vehicles work from [`DEFAULT_DAY_START_MIN`] for their longest round.

use super::answer::{DefaultKey, DefaultTaken, Origin};
use crate::territory::hours::{DAYS, OpeningHours};
use crate::territory::schedules::Access;
use crate::territory::{Territory, Vehicle};

/// Start of the vehicles' day when they have no shift, minutes from midnight (08:00).
pub const DEFAULT_DAY_START_MIN: u32 = 8 * 60;
/// Length of the vehicles' day when they have neither a shift nor a longest round, hours.
pub const DEFAULT_DAY_H: f64 = 8.0;

/// The working time of one vehicle type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shift {
    /// Earliest departure, s from midnight.
    pub start_s: f64,
    /// Latest return, s from midnight.
    pub end_s: f64,
    /// Whether it is the type's own shift (`shift_start`/`shift_end`), not the default day.
    pub own: bool,
}

/// The shift of `v`, else the default day ([`DEFAULT_DAY_START_MIN`] for its longest round).
pub fn shift_of(v: &Vehicle) -> Shift {
    match v.week.shift_min() {
        Some((a, b)) => Shift {
            start_s: f64::from(a) * 60.0,
            end_s: f64::from(b) * 60.0,
            own: true,
        },
        None => {
            let start = f64::from(DEFAULT_DAY_START_MIN) * 60.0;
            let h = v.max_duration_h.unwrap_or(DEFAULT_DAY_H).min(24.0);
            Shift {
                start_s: start,
                end_s: (start + h * 3600.0).min(86_400.0),
                own: false,
            }
        }
    }
}

/// What the week says about one stop of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct StopRules {
    /// Service time at the stop, s.
    pub service_s: f64,
    /// Whether the service time is the stop's own (`schedules.csv`).
    pub own_service: bool,
    /// Its opening hours, if the officer gave them.
    pub hours: Option<OpeningHours>,
    /// Its access constraints.
    pub access: Access,
    /// Its containers, as written.
    pub container: Option<crate::territory::schedules::Container>,
}

impl StopRules {
    /// The rules of holder `id` for `material`, with `service_s` as the default service time.
    pub fn of(t: &Territory, id: &str, material: &str, service_s: f64) -> StopRules {
        let row = t.week.of(id, material);
        StopRules {
            service_s: row
                .and_then(|r| r.service_min)
                .map(|m| m * 60.0)
                .unwrap_or(service_s),
            own_service: row.is_some_and(|r| r.service_min.is_some()),
            hours: row.and_then(|r| r.opening_hours.clone()),
            access: row.map(|r| r.access).unwrap_or_default(),
            container: row.and_then(|r| r.container.clone()),
        }
    }

    /// Whether it is open on `weekday` (0 = Monday); open every day without hours.
    pub fn open_on(&self, weekday: usize) -> bool {
        self.hours.as_ref().is_none_or(|h| h.open_on(weekday))
    }

    /// Its time window on `weekday` within `shift`: the open range that overlaps the shift the
    /// most, with service ending by the close (s from midnight). `Ok(None)`: no hours (no
    /// window); `Err(())`: no range where service fits within the shift that day.
    #[expect(clippy::result_unit_err, reason = "the only failure is 'no window'")]
    pub fn window(&self, weekday: usize, shift: &Shift) -> Result<Option<(f64, f64)>, ()> {
        let Some(h) = &self.hours else {
            return Ok(None);
        };
        let mut best: Option<(f64, (f64, f64))> = None;
        for &(a, b) in h.days.get(weekday).map(Vec::as_slice).unwrap_or(&[]) {
            let (a, b) = (f64::from(a) * 60.0, f64::from(b) * 60.0 - self.service_s);
            let lo = a.max(shift.start_s);
            let hi = b.min(shift.end_s - self.service_s);
            if hi < lo {
                continue;
            }
            let overlap = hi - lo;
            if best.is_none_or(|(o, _)| overlap > o) {
                best = Some((overlap, (a, b.max(a))));
            }
        }
        best.map(|(_, w)| Some(w)).ok_or(())
    }

    /// Whether vehicle `v` satisfies its access constraints; a vehicle that does not give the
    /// figure a constraint needs is taken as able (and the plan says so).
    pub fn admits(&self, v: &Vehicle) -> bool {
        let a = &self.access;
        let len_ok = match (a.max_length_m, v.length_m) {
            (Some(max), Some(l)) => l <= max,
            _ => true,
        };
        let w_ok = match (a.max_weight_t, v.weight_t) {
            (Some(max), Some(w)) => w <= max,
            _ => true,
        };
        let lift_ok = !a.tail_lift || v.week.tail_lift != Some(false);
        len_ok && w_ok && lift_ok
    }
}

/// The treatment site's unloading time (s) and opening hours, from `schedules.csv`.
pub fn site_rules(t: &Territory, id: &str, material: &str) -> (Option<f64>, Option<OpeningHours>) {
    let row = t.week.of(id, material);
    (
        row.and_then(|r| r.unload_min).map(|m| m * 60.0),
        row.and_then(|r| r.opening_hours.clone()),
    )
}

/// `shift` cut to the site's hours on `weekday` (the envelope of its ranges): the vehicle
/// leaves no earlier than the site opens and is back at most `back_s` after it closes
/// (the last unloading then starts before the close). `None`: the site is closed that day.
pub fn shift_within_site(
    shift: Shift,
    site: Option<&OpeningHours>,
    weekday: usize,
    back_s: f64,
) -> Option<Shift> {
    let Some(h) = site else {
        return Some(shift);
    };
    let day = h.days.get(weekday)?;
    let open = f64::from(day.first()?.0) * 60.0;
    let close = f64::from(day.last()?.1) * 60.0;
    let s = Shift {
        start_s: shift.start_s.max(open),
        end_s: shift.end_s.min(close + back_s),
        own: shift.own,
    };
    (s.end_s > s.start_s).then_some(s)
}

/// The defaults the week takes, said in the answer: hours, shifts, fleet limit, access.
pub fn defaults_taken(
    t: &Territory,
    fleet: &[Vehicle],
    rules: &[StopRules],
    used: &mut Vec<DefaultTaken>,
) {
    let with_hours = rules.iter().filter(|r| r.hours.is_some()).count();
    if with_hours < rules.len() {
        used.push(DefaultTaken::new(
            DefaultKey::OpeningHours,
            "always",
            Origin::Builtin,
            format!(
                "opening hours: {} of {} stops have none in {} (open whenever the vehicles work)",
                rules.len() - with_hours,
                rules.len(),
                t.manifest.files.schedules
            ),
        ));
    }
    for v in fleet {
        if v.week.shift_min().is_none() {
            let s = shift_of(v);
            used.push(DefaultTaken::new(
                DefaultKey::Shift,
                &v.id,
                Origin::Builtin,
                format!(
                    "shift of `{}`: none in vehicles.csv — one cycle has no fleet limit (rounds one after the other); where a day is needed (opening hours, a period) the vehicles work {}–{}",
                    v.id,
                    hhmm(s.start_s),
                    hhmm(s.end_s)
                ),
            ));
        }
        if v.week.working_days.is_none() {
            used.push(DefaultTaken::new(
                DefaultKey::WorkingDays,
                &v.id,
                Origin::Builtin,
                format!("working days of `{}`: Mo-Fr (none in vehicles.csv)", v.id),
            ));
        }
    }
    if rules.iter().any(|r| r.access.is_set())
        && fleet
            .iter()
            .any(|v| v.length_m.is_none() || v.weight_t.is_none() || v.week.tail_lift.is_none())
    {
        used.push(DefaultTaken::new(
            DefaultKey::Access,
            "unchecked",
            Origin::Builtin,
            "access: a constraint on a figure vehicles.csv does not give (length_m, weight_t, tail_lift) is taken as met".into(),
        ));
    }
}

/// `s` seconds from midnight as `HH:MM`.
pub fn hhmm(s: f64) -> String {
    let m = (s / 60.0).round().max(0.0) as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The name of day `weekday` (0 = Monday) in OSM form.
pub fn day_name(weekday: usize) -> &'static str {
    DAYS[weekday % 7]
}

/// A fleet type's vehicles a day (`None`: as many as needed) and working time (s from
/// midnight).
pub(super) type TypeDay = (Option<usize>, Option<(f64, f64)>);

/// The week of a single-cycle plan: per holder its rules and window, the holders no vehicle
/// can serve (access, hours), per fleet type its count and shift.
#[derive(Debug, Clone, Default)]
pub(super) struct PlanWeek {
    /// Per holder (in the order given), its rules.
    pub rules: Vec<StopRules>,
    /// Per holder, its time window (s from midnight) on the day it is taken.
    pub windows: Vec<Option<(f64, f64)>>,
    /// Holders left out before routing: index, reason.
    pub excluded: Vec<(usize, Reason)>,
    /// Per fleet type: vehicles a day (`None`: as many as needed) and working time.
    pub types: Vec<TypeDay>,
    /// Whether the plan has a time of day (a window or an own shift).
    pub timed: bool,
    /// Whether a type of the fleet has its own shift (the fleet limit applies).
    pub own_shift: bool,
    /// What the week changed, in words.
    pub notes: Vec<String>,
}

use super::answer::Reason;
use super::defaults::Settings;
use super::solve::Problem;

/// The week of a single-cycle plan of `material` for the holders `ids`: the treatment site's
/// unloading time, the fleet cut to the types that meet every reachable stop's access, each
/// stop's service time and window on the fleet's first working day (else its first open
/// working day), the shifts and fleet limit.
pub(super) fn for_cycle(t: &Territory, material: &str, s: &mut Settings, ids: &[&str]) -> PlanWeek {
    let mut w = PlanWeek::default();
    let (unload, site_hours) = site_rules(t, &s.dump.id, material);
    if let Some(u) = unload {
        s.timing.unload_s = u;
        s.used.retain(|d| d.key != DefaultKey::UnloadTime);
    }
    w.rules = ids
        .iter()
        .map(|id| StopRules::of(t, id, material, s.timing.service_s))
        .collect();
    // Access: keep the types that reach the most stops.
    let reach: Vec<usize> = s
        .fleet
        .iter()
        .map(|v| w.rules.iter().filter(|r| r.admits(v)).count())
        .collect();
    let best = reach.iter().copied().max().unwrap_or(0);
    let keep: Vec<bool> = reach.iter().map(|&n| n == best).collect();
    if keep.iter().any(|k| !k) {
        let dropped: Vec<String> = s
            .fleet
            .iter()
            .zip(&keep)
            .filter(|(_, k)| !**k)
            .map(|(v, _)| format!("`{}`", v.id))
            .collect();
        w.notes.push(format!(
            "access: vehicle type(s) {} left out of the fleet (they cannot reach every stop the others reach)",
            dropped.join(", ")
        ));
        let mut k = keep.iter();
        s.fleet.retain(|_| *k.next().unwrap_or(&true));
    }
    defaults_taken(t, &s.fleet, &w.rules, &mut s.used);
    if !w.rules.is_empty() && w.rules.iter().all(|r| r.own_service) {
        s.used.retain(|d| d.key != DefaultKey::ServiceTime);
    }
    w.own_shift = s.fleet.iter().any(|v| v.week.shift_min().is_some());
    w.timed = w.own_shift || site_hours.is_some() || w.rules.iter().any(|r| r.hours.is_some());
    let working = s.fleet[0].week.days();
    let day = working.iter().position(|d| *d).unwrap_or(0);
    let back = |sh: Shift| shift_within_site(sh, site_hours.as_ref(), day, 0.0);
    let primary = back(shift_of(&s.fleet[0]));
    for v in &s.fleet {
        let sh = shift_of(v);
        let count = sh.own.then_some(v.count as usize);
        let shift = if w.timed {
            match back(sh) {
                Some(x) => Some((x.start_s, x.end_s)),
                // The site is closed that day: no vehicle of this type works.
                None => Some((sh.start_s, sh.start_s)),
            }
        } else {
            None
        };
        w.types.push((count, shift));
    }
    if w.timed {
        s.used.push(DefaultTaken::new(
            DefaultKey::Day,
            day_name(day),
            Origin::Builtin,
            format!(
                "day of the cycle: {} (first working day of `{}`); a stop closed that day is taken at its first open working day",
                day_name(day),
                s.fleet[0].id
            ),
        ));
    }
    for (k, r) in w.rules.iter().enumerate() {
        if !s.fleet.iter().any(|v| r.admits(v)) {
            w.excluded.push((k, Reason::Access));
            w.windows.push(None);
            continue;
        }
        let d = if r.open_on(day) {
            Some(day)
        } else {
            (0..7).find(|&d| working[d] && r.open_on(d))
        };
        let window = match (d, primary) {
            (Some(d), Some(sh)) => r.window(d, &sh),
            _ => Err(()),
        };
        match window {
            Ok(win) => w.windows.push(win),
            Err(()) => {
                w.excluded.push((k, Reason::TimeWindow));
                w.windows.push(None);
            }
        }
    }
    w
}

impl PlanWeek {
    /// Why the engine left each stop out, in the week's words: `time_window` when the stop
    /// cannot be reached within its window even leaving at the start of the shift, `shift` when
    /// it could be served alone but the fleet's shifts are full.
    pub(super) fn explain(
        &self,
        problem: &Problem<'_>,
        dropped: Vec<(usize, Reason)>,
    ) -> Vec<(usize, Reason)> {
        dropped
            .into_iter()
            .map(|(i, reason)| {
                let st = &problem.stops[i];
                let timely = matches!(reason, Reason::TimeWindow | Reason::MaxDuration);
                if !timely || !self.timed {
                    return (i, reason);
                }
                let reachable = problem.types.iter().any(|ty| {
                    let start = ty.shift.map(|s| s.0).unwrap_or(0.0);
                    let arrive = start + problem.m.duration_s(problem.depot, st.matrix_index);
                    st.window.is_none_or(|(_, late)| arrive <= late + 1e-6)
                });
                if !reachable {
                    (i, Reason::TimeWindow)
                } else if self.own_shift {
                    (i, Reason::Shift)
                } else {
                    (i, reason)
                }
            })
            .collect()
    }
}
