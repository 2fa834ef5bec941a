//! The documented ranges of every number boucle reads from a file, a flag or a request, and the
//! largest inputs it accepts by default. Each number is checked against its range before it
//! sizes an allocation or a loop; the README's "Limits" section lists them.
//!
//! Size limits can be raised by environment variables (read once per process):
//! `BOUCLE_MAX_STOPS`, `BOUCLE_MAX_MATRIX_POINTS`, `BOUCLE_MAX_CANDIDATES`. Value ranges
//! (capacities, costs, circuity…) are physical sanity bounds and are fixed.

use std::sync::OnceLock;

/// Smallest vehicle payload accepted, kg.
pub const MIN_CAPACITY_KG: f64 = 1.0;
/// Largest vehicle payload accepted, kg (a 44 t articulated lorry carries about 25 t).
pub const MAX_CAPACITY_KG: f64 = 100_000.0;
/// Largest vehicle volume accepted, m³.
pub const MAX_CAPACITY_M3: f64 = 1_000.0;
/// Largest number of stacked units (e.g. empty pallets) a vehicle can carry.
pub const MAX_CAPACITY_UNITS: f64 = 100_000.0;
/// Largest cost per km accepted, euros.
pub const MAX_COST_PER_KM_EUR: f64 = 1_000.0;
/// Largest cost per hour accepted, euros.
pub const MAX_COST_PER_HOUR_EUR: f64 = 10_000.0;
/// Largest fixed cost per round accepted, euros.
pub const MAX_FIXED_COST_EUR: f64 = 1_000_000.0;
/// Longest round accepted, hours (a week).
pub const MAX_DURATION_H: f64 = 168.0;
/// Longest round accepted, km.
pub const MAX_DISTANCE_KM: f64 = 10_000.0;
/// Most vehicles of one type.
pub const MAX_VEHICLE_COUNT: u32 = 10_000;
/// Largest vehicle gross weight (`weight_t`) and axle load (`axle_load_t`), tonnes.
pub const MAX_VEHICLE_WEIGHT_T: f64 = 100.0;
/// Largest vehicle height (`height_m`), metres.
pub const MAX_VEHICLE_HEIGHT_M: f64 = 10.0;
/// Largest vehicle length (`length_m`), metres.
pub const MAX_VEHICLE_LENGTH_M: f64 = 50.0;
/// Largest fuel consumption accepted, L/100 km.
pub const MAX_FUEL_L_PER_100KM: f64 = 500.0;
/// Largest emission factor accepted, kg CO2e per litre.
pub const MAX_KG_CO2E_PER_L: f64 = 100.0;
/// Largest flow quantity accepted, in the flow's unit per period.
pub const MAX_QUANTITY: f64 = 1.0e9;
/// Most collections per period a flow may ask.
pub const MAX_COLLECTIONS_PER_PERIOD: f64 = 100_000.0;
/// Largest mass of one unit of a material, kg.
pub const MAX_KG_PER_UNIT: f64 = 1.0e6;
/// Range of the crow-flies circuity factor (road km / great-circle km).
pub const CIRCUITY: (f64, f64) = (1.0, 5.0);
/// Range of the crow-flies mean speed, km/h.
pub const SPEED_KMH: (f64, f64) = (1.0, 200.0);
/// Largest park attachment distance, m.
pub const MAX_PARK_DISTANCE_M: f64 = 100_000.0;
/// Largest time limit of the routing engine from the command line, seconds.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;
/// Distance beyond the territory's bounding box at which a position is refused by `check`
/// (a swapped longitude/latitude lands thousands of km away), km.
pub const MAX_KM_OUTSIDE_TERRITORY: f64 = 100.0;

/// Default most stops of one rounds plan after loads are split to fit the vehicle.
pub const DEFAULT_MAX_STOPS: usize = 2_000;
/// Default most points of one travel-time matrix side (sources, candidates, stops).
pub const DEFAULT_MAX_MATRIX_POINTS: usize = 5_000;
/// Default most candidate sites of a siting request.
pub const DEFAULT_MAX_CANDIDATES: usize = 2_000;
/// Largest value any size limit can be raised to.
const HARD_MAX: usize = 1_000_000;

fn env_limit(cell: &OnceLock<usize>, var: &str, default: usize) -> usize {
    *cell.get_or_init(|| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .map_or(default, |n| n.min(HARD_MAX))
    })
}

/// Most stops of one rounds plan after splitting loads (`BOUCLE_MAX_STOPS`, default
/// [`DEFAULT_MAX_STOPS`]).
pub fn max_stops() -> usize {
    static C: OnceLock<usize> = OnceLock::new();
    env_limit(&C, "BOUCLE_MAX_STOPS", DEFAULT_MAX_STOPS)
}

/// Most points on one side of a travel matrix (`BOUCLE_MAX_MATRIX_POINTS`, default
/// [`DEFAULT_MAX_MATRIX_POINTS`]).
pub fn max_matrix_points() -> usize {
    static C: OnceLock<usize> = OnceLock::new();
    env_limit(&C, "BOUCLE_MAX_MATRIX_POINTS", DEFAULT_MAX_MATRIX_POINTS)
}

/// Most candidate sites of a siting request (`BOUCLE_MAX_CANDIDATES`, default
/// [`DEFAULT_MAX_CANDIDATES`]).
pub fn max_candidates() -> usize {
    static C: OnceLock<usize> = OnceLock::new();
    env_limit(&C, "BOUCLE_MAX_CANDIDATES", DEFAULT_MAX_CANDIDATES)
}

/// A number as a person reads it: plain, or in scientific notation when very large or small
/// (`1e300`, not three hundred digits).
pub fn show(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// `Ok(())` when `v` is finite and in `[lo, hi]`, else the message saying the range.
pub fn in_range(v: f64, lo: f64, hi: f64) -> Result<(), String> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(format!(
            "{} is outside the accepted range [{lo}, {hi}]",
            show(v)
        ))
    }
}

/// `Ok(())` when `v` is finite and in `(lo, hi]`, else the message saying the range.
pub fn in_range_excl(v: f64, lo: f64, hi: f64) -> Result<(), String> {
    if v.is_finite() && v > lo && v <= hi {
        Ok(())
    } else {
        Err(format!(
            "{} is outside the accepted range ({lo}, {hi}]",
            show(v)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_nan_infinity_and_bounds() {
        assert!(in_range(1.0, 1.0, 5.0).is_ok());
        assert_eq!(
            in_range(-1.0, 1.0, 5.0).unwrap_err(),
            "-1 is outside the accepted range [1, 5]"
        );
        assert!(in_range(f64::NAN, 1.0, 5.0).is_err());
        assert_eq!(
            in_range(1e300, 0.0, 1e9).unwrap_err(),
            "1e300 is outside the accepted range [0, 1000000000]"
        );
        assert!(in_range(f64::INFINITY, 1.0, f64::INFINITY).is_err());
        assert_eq!(
            in_range_excl(0.0, 0.0, 10.0).unwrap_err(),
            "0 is outside the accepted range (0, 10]"
        );
    }

    #[test]
    fn size_limits_default() {
        assert!(max_stops() >= 1 && max_matrix_points() >= 1 && max_candidates() >= 1);
    }
}
