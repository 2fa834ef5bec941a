//! What a search is given: its stop (wall clock, work budget or iteration count), its seed and
//! a cancellation flag ([`SolverParams`]), read by the budget and the genetic search alike.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Search parameters.
///
/// The default stop is the wall clock: a search given `time_limit_s` seconds stops at that
/// limit minus a small margin (1 %, 2–20 ms) kept for building the answer, on any machine, and
/// reads the clock often enough inside its long phases (initial population, local search,
/// ruin and recreate, set partitioning) never to run more than a few milliseconds over. Its
/// result then depends on the machine's speed and load. For a result that depends on the seed
/// only, give a work budget ([`SolverParams::deterministic`]) or an iteration count, with an
/// infinite time limit.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverParams {
    /// Wall-clock budget (s), counted from the call to `solve`; infinite: no clock stop.
    pub time_limit_s: f64,
    /// Seed of the random generator.
    pub seed: u64,
    /// Stop after this many genetic iterations (deterministic stop).
    pub max_iterations: Option<u64>,
    /// Work budget in move evaluations (deterministic stop); `None`: no work budget (the
    /// clock or the iteration count stops the search).
    pub max_work: Option<u64>,
    /// Cooperative cancellation: when another thread sets the flag, the search stops where it
    /// checks its time limit and returns the best solution found so far.
    pub cancel: Option<CancelFlag>,
}

/// A stop flag shared with another thread (e.g. a server whose request timed out).
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag not set.
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// Ask the search to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the search was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl PartialEq for CancelFlag {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl SolverParams {
    /// A deterministic search of about `seconds` of work: a work budget of `seconds ×`
    /// [`WORK_PER_SECOND`] move evaluations and no clock, so that a seed gives the same result
    /// on any machine (in more or less time than `seconds`, depending on the machine).
    pub fn deterministic(seconds: f64, seed: u64) -> SolverParams {
        SolverParams {
            time_limit_s: f64::INFINITY,
            seed,
            max_iterations: None,
            max_work: Some(work_for(seconds)),
            cancel: None,
        }
    }
}

/// The work budget that lasts about `seconds` (see [`WORK_PER_SECOND`]); at least one unit.
pub fn work_for(seconds: f64) -> u64 {
    if seconds.is_finite() && seconds > 0.0 {
        ((seconds * WORK_PER_SECOND) as u64).max(1)
    } else if seconds.is_finite() || seconds.is_nan() {
        1
    } else {
        u64::MAX
    }
}

/// Work units (move evaluations) per second used to turn seconds into a deterministic work
/// budget ([`SolverParams::deterministic`]): about the engine's rate on one core of a current
/// machine on instances of a hundred customers, so that such a budget lasts roughly the seconds
/// asked for there. The rate falls as instances grow (about 12 M units per second of CPU on the
/// generated 1,000-customer instances of the benchmarks): a deterministic budget then lasts
/// longer than its seconds.
pub const WORK_PER_SECOND: f64 = 25.0e6;

impl Default for SolverParams {
    fn default() -> Self {
        SolverParams {
            time_limit_s: 10.0,
            seed: 1,
            max_iterations: None,
            max_work: None,
            cancel: None,
        }
    }
}
