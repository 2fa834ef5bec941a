//! Calendar dates without a time-zone library: UTC dates from Unix time (proleptic Gregorian,
//! H. Hinnant's civil-from-days algorithm) and partial ISO dates (`YYYY`, `YYYY-MM`,
//! `YYYY-MM-DD`) as registers write them.

/// The civil date `(year, month, day)` of `days` days after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` for seconds since 1970-01-01 UTC.
pub fn utc_date(unix_s: u64) -> String {
    let (y, m, d) = civil_from_days((unix_s / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since 1970-01-01 UTC.
pub fn utc_iso8601(unix_s: u64) -> String {
    let secs = unix_s % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        utc_date(unix_s),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Seconds since 1970-01-01 UTC, now (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    utc_date(unix_now())
}

/// The parts of a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date (a real calendar day, years
/// 1900–2999), or `None`.
pub fn date_parts(s: &str) -> Option<Vec<u32>> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, lo: u32, hi: u32| {
        (p.len() == len && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
            .filter(|v| (lo..=hi).contains(v))
    };
    let days_in_month = |y: u32, m: u32| match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match parts.as_slice() {
        [y] => Some(vec![num(y, 4, 1900, 2999)?]),
        [y, m] => Some(vec![num(y, 4, 1900, 2999)?, num(m, 2, 1, 12)?]),
        [y, m, d] => {
            let (y, m) = (num(y, 4, 1900, 2999)?, num(m, 2, 1, 12)?);
            Some(vec![y, m, num(d, 2, 1, days_in_month(y, m))?])
        }
        _ => None,
    }
}

/// Whether date `a` is surely after date `b`, compared at the coarser of their precisions
/// (`2024-05` is not after `2024`); `false` when either does not parse.
pub fn date_after(a: &str, b: &str) -> bool {
    match (date_parts(a), date_parts(b)) {
        (Some(a), Some(b)) => {
            let n = a.len().min(b.len());
            a[..n] > b[..n]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(utc_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_iso8601(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(utc_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn partial_dates() {
        assert_eq!(date_parts("2024-02-29"), Some(vec![2024, 2, 29]));
        assert_eq!(date_parts("2023-02-29"), None);
        assert_eq!(date_parts("2024-5"), None);
        assert!(date_after("2024-06", "2024-05-31"));
        assert!(!date_after("2024-05", "2024"));
    }
}
