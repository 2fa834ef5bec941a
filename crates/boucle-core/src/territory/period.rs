//! The period of a flow's quantity and how many of it a year holds: the one rule every
//! capability uses to turn a flow into yearly figures.

use serde::{Deserialize, Serialize};

/// The period a flow's quantity (and its collections) refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// A calendar year.
    Year,
    /// A quarter (3 months).
    Quarter,
    /// A month.
    Month,
    /// A week.
    Week,
    /// A working day: companies produce and hand over waste on working days.
    Day,
}

/// Working days in a year: 52 weeks of 5 days, less about 10 public holidays.
pub const WORKING_DAYS_PER_YEAR: f64 = 250.0;

impl Period {
    /// The names accepted in files, for error messages.
    pub const NAMES: &'static str =
        "year, quarter, month, week, day (French: an, trimestre, mois, semaine, jour)";

    /// The period named `s` (English or French, any case), or `None`.
    pub fn parse(s: &str) -> Option<Period> {
        Some(match s.trim().to_lowercase().as_str() {
            "year" | "yr" | "y" | "an" | "annee" | "année" => Period::Year,
            "quarter" | "trimestre" => Period::Quarter,
            "month" | "mois" => Period::Month,
            "week" | "semaine" => Period::Week,
            "day" | "jour" => Period::Day,
            _ => return None,
        })
    }

    /// The English name written in files and JSON (`year`, `quarter`, `month`, `week`, `day`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Year => "year",
            Period::Quarter => "quarter",
            Period::Month => "month",
            Period::Week => "week",
            Period::Day => "day",
        }
    }

    /// How many of this period a year holds: 1, 4, 12, 52, or [`WORKING_DAYS_PER_YEAR`] for a
    /// day.
    pub fn per_year(self) -> f64 {
        match self {
            Period::Year => 1.0,
            Period::Quarter => 4.0,
            Period::Month => 12.0,
            Period::Week => 52.0,
            Period::Day => WORKING_DAYS_PER_YEAR,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_counts() {
        for p in [
            Period::Year,
            Period::Quarter,
            Period::Month,
            Period::Week,
            Period::Day,
        ] {
            assert_eq!(Period::parse(p.as_str()), Some(p));
        }
        assert_eq!(Period::parse(" Semaine "), Some(Period::Week));
        assert_eq!(Period::parse("année"), Some(Period::Year));
        assert_eq!(Period::parse("fortnight"), None);
        assert_eq!(Period::Day.per_year(), 250.0);
        assert_eq!(Period::Quarter.per_year(), 4.0);
    }
}
