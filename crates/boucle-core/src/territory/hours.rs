//! Opening hours in the common forms of OpenStreetMap's `opening_hours` syntax, and working
//! days (`Mo-Fr`).
//!
//! Accepted: rules separated by `;`, each `DAYS TIMES`, `DAYS off` (or `closed`), or `TIMES`
//! alone (every day); `DAYS` is a list of days and day ranges (`Mo-Fr`, `Mo,We,Fr`, `Sa-Mo`);
//! `TIMES` a list of `HH:MM-HH:MM` ranges (`08:00-12:00,13:30-17:00`, end up to `24:00`);
//! `24/7`. A later rule replaces the hours of the days it names, as in OSM. Public-holiday rules
//! (`PH off`, `PH 09:00-12:00`) are accepted and ignored, with a note: plans are made on
//! ordinary weeks. Anything else (months, weeks, school holidays, sunrise, overnight ranges…)
//! is an error naming the token.

use serde::Serialize;

/// Names of the days, Monday first (OSM's two-letter codes).
pub const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
/// French names of the days, Monday first.
pub const DAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// Opening hours of a week: per day (Monday first), the open ranges in minutes from midnight,
/// sorted and disjoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpeningHours {
    /// Open ranges `[start, end)` per day, minutes from midnight, Monday first.
    pub days: [Vec<(u32, u32)>; 7],
    /// Notes on what was accepted but ignored (public holidays).
    pub notes: Vec<String>,
}

impl OpeningHours {
    /// Open every day, all day (`24/7`).
    pub fn always() -> OpeningHours {
        OpeningHours {
            days: std::array::from_fn(|_| vec![(0, 24 * 60)]),
            notes: Vec::new(),
        }
    }

    /// Whether it is open at some time on `weekday` (0 = Monday).
    pub fn open_on(&self, weekday: usize) -> bool {
        self.days.get(weekday).is_some_and(|d| !d.is_empty())
    }

    /// Parse `s`; the error names the token that is not understood.
    pub fn parse(s: &str) -> Result<OpeningHours, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty opening hours".into());
        }
        let mut out = OpeningHours {
            days: Default::default(),
            notes: Vec::new(),
        };
        for rule in s.split(';').map(str::trim) {
            if rule.is_empty() {
                continue;
            }
            if rule == "24/7" {
                out.days = OpeningHours::always().days;
                continue;
            }
            let (head, rest) = match rule.split_once(char::is_whitespace) {
                Some((h, r)) => (h.trim(), r.trim()),
                None => (rule, ""),
            };
            if head == "PH" || head.starts_with("PH,") {
                out.notes.push(format!(
                    "`{rule}`: public holidays ignored (plans are made on ordinary weeks)"
                ));
                continue;
            }
            let starts_with_time = head.starts_with(|c: char| c.is_ascii_digit());
            let (days, times) = if starts_with_time {
                ([true; 7], rule)
            } else {
                (
                    parse_days(head).map_err(|e| format!("{e} in `{rule}`"))?,
                    rest,
                )
            };
            let ranges = if times.is_empty() {
                return Err(format!(
                    "`{rule}`: no hours after the days (e.g. `{head} 08:00-12:00` or `{head} off`)"
                ));
            } else if times == "off" || times == "closed" {
                Vec::new()
            } else if times == "24/7" || times == "00:00-24:00" {
                vec![(0, 24 * 60)]
            } else {
                parse_times(times).map_err(|e| format!("{e} in `{rule}`"))?
            };
            for (d, on) in days.iter().enumerate() {
                if *on {
                    out.days[d] = ranges.clone();
                }
            }
        }
        Ok(out)
    }
}

/// Parse a list of days and day ranges (`Mo-Fr`, `Mo,We,Fr`, `Sa-Mo`).
pub fn parse_days(s: &str) -> Result<[bool; 7], String> {
    let mut on = [false; 7];
    for part in s.split(',').map(str::trim) {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (day(a)?, day(b)?),
            None => {
                let d = day(part)?;
                (d, d)
            }
        };
        let mut d = a;
        loop {
            on[d] = true;
            if d == b {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    Ok(on)
}

fn day(s: &str) -> Result<usize, String> {
    DAYS.iter().position(|d| *d == s.trim()).ok_or_else(|| {
        format!(
            "`{}` is not a day ({}; months, weeks, school holidays are not supported)",
            s.trim(),
            DAYS.join(" ")
        )
    })
}

fn parse_times(s: &str) -> Result<Vec<(u32, u32)>, String> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for part in s.split(',').map(str::trim) {
        let bad = || format!("`{part}` is not a time range HH:MM-HH:MM");
        let (a, b) = part.split_once('-').ok_or_else(bad)?;
        let (a, b) = (
            minute(a.trim()).ok_or_else(bad)?,
            minute(b.trim()).ok_or_else(bad)?,
        );
        if b <= a {
            return Err(format!(
                "`{part}`: the range ends before it starts (ranges over midnight are not supported)"
            ));
        }
        out.push((a, b));
    }
    out.sort_unstable();
    for w in out.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(format!("`{s}`: ranges overlap"));
        }
    }
    Ok(out)
}

/// `HH:MM` → minutes from midnight (`24:00` allowed).
fn minute(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// A time of day `HH:MM` → minutes from midnight (`24:00` allowed), with an error naming it.
pub fn parse_time(s: &str) -> Result<u32, String> {
    minute(s.trim()).ok_or_else(|| format!("`{}` is not a time HH:MM", s.trim()))
}

/// Days written back in OSM form (`Mo-Fr`, `Mo,We,Fr`).
pub fn days_text(on: &[bool; 7]) -> String {
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if !on[d] {
            d += 1;
            continue;
        }
        let start = d;
        while d + 1 < 7 && on[d + 1] {
            d += 1;
        }
        parts.push(if d > start + 1 {
            format!("{}-{}", DAYS[start], DAYS[d])
        } else if d == start + 1 {
            format!("{},{}", DAYS[start], DAYS[d])
        } else {
            DAYS[start].to_owned()
        });
        d += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> OpeningHours {
        OpeningHours::parse(s).unwrap()
    }

    #[test]
    fn common_forms() {
        let o = h("Mo-Fr 08:00-12:00,13:30-17:00");
        assert_eq!(o.days[0], vec![(480, 720), (810, 1020)]);
        assert_eq!(o.days[4], o.days[0]);
        assert!(o.days[5].is_empty() && o.days[6].is_empty());
        let o = h("Mo,We,Fr 07:30-16:00");
        assert_eq!(o.days[0], vec![(450, 960)]);
        assert!(o.days[1].is_empty());
        assert_eq!(o.days[2], vec![(450, 960)]);
        let o = h("Mo-Sa 08:00-18:00; Su off");
        assert_eq!(o.days[5], vec![(480, 1080)]);
        assert!(o.days[6].is_empty());
        assert_eq!(h("24/7").days[3], vec![(0, 1440)]);
        let o = h("Mo-Fr 08:00-17:00; PH off");
        assert_eq!(o.notes.len(), 1);
        assert!(o.notes[0].contains("public holidays"));
        // A later rule replaces the days it names; a wrapping range.
        let o = h("Mo-Fr 08:00-17:00; We 08:00-12:00");
        assert_eq!(o.days[2], vec![(480, 720)]);
        let o = h("Sa-Mo 09:00-10:00");
        assert!(o.open_on(5) && o.open_on(6) && o.open_on(0) && !o.open_on(1));
        assert_eq!(h("08:00-12:00").days[6], vec![(480, 720)]);
        assert_eq!(h("Mo-Fr 06:00-24:00").days[0], vec![(360, 1440)]);
    }

    #[test]
    fn clear_errors_name_the_token() {
        let e = OpeningHours::parse("Mx-Fr 08:00-12:00").unwrap_err();
        assert!(e.contains("`Mx`") && e.contains("not a day"), "{e}");
        let e = OpeningHours::parse("Mo-Fr 8h-12h").unwrap_err();
        assert!(e.contains("`8h-12h`") && e.contains("HH:MM"), "{e}");
        let e = OpeningHours::parse("Mo-Fr 22:00-06:00").unwrap_err();
        assert!(e.contains("over midnight"), "{e}");
        let e = OpeningHours::parse("Jan-Mar Mo 08:00-12:00").unwrap_err();
        assert!(e.contains("`Jan`"), "{e}");
        let e = OpeningHours::parse("Mo-Fr").unwrap_err();
        assert!(e.contains("no hours"), "{e}");
        let e = OpeningHours::parse("Mo 08:00-12:00,11:00-13:00").unwrap_err();
        assert!(e.contains("overlap"), "{e}");
        assert!(OpeningHours::parse("Mo 25:00-26:00").is_err());
        assert!(OpeningHours::parse("").is_err());
        assert!(OpeningHours::parse("sunrise-sunset").is_err());
    }

    #[test]
    fn days_round_trip() {
        assert_eq!(days_text(&parse_days("Mo-Fr").unwrap()), "Mo-Fr");
        assert_eq!(days_text(&parse_days("Mo,We,Fr").unwrap()), "Mo,We,Fr");
        assert_eq!(days_text(&parse_days("Mo,Tu").unwrap()), "Mo,Tu");
    }
}
