//! The search's stopping rule and schedule clock.
//!
//! Two clocks can end a search: the wall clock (the time limit, minus a small margin kept for
//! building the answer) and a deterministic work budget counted in move evaluations, plus an
//! optional cap on genetic iterations. By default ([`crate::SolverParams::max_work`] `None`) only
//! the wall clock and the iteration cap count: a run given S seconds uses S seconds on any
//! machine. With a work budget and an infinite time limit the search is a pure function of the
//! seed; with both, the first to run out ends it.
//!
//! The schedule of the search (end of the initial population, annealing phases,
//! set-partitioning steps) follows [`Budget::progress`]: the share of the budget used, on the
//! clock or in work, whichever is further along.

use std::time::{Duration, Instant};

use super::params::{CancelFlag, SolverParams};

/// Share of the time limit kept, at the end, for building and checking the answer (clamped to
/// [`MIN_MARGIN_S`]–[`MAX_MARGIN_S`]).
const MARGIN_SHARE: f64 = 0.01;
/// Least margin before the time limit (s).
const MIN_MARGIN_S: f64 = 0.002;
/// Largest margin before the time limit (s).
const MAX_MARGIN_S: f64 = 0.02;

/// Why a search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The time limit (wall clock) was reached.
    #[default]
    Clock,
    /// The work budget was spent.
    Work,
    /// The iteration cap was reached.
    Iterations,
    /// Nothing to search (no customer).
    Empty,
    /// The caller cancelled the search (its cancel flag was set).
    Cancelled,
}

/// The stopping rule of one search.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    /// When the search (the call to `solve`) started.
    pub start: Instant,
    /// When the wall clock ends the search, if it may.
    pub deadline: Option<Instant>,
    /// Seconds from `start` to `deadline` (infinite without a deadline).
    span: f64,
    /// Work budget (move evaluations).
    pub max_work: u64,
    /// Most genetic iterations.
    max_iter: u64,
    /// Set by the caller to stop the search where it stands.
    cancel: Option<CancelFlag>,
}

impl Budget {
    /// The budget of `params` for a search started at `start`.
    pub fn new(params: &SolverParams, start: Instant) -> Budget {
        let limit = if params.time_limit_s.is_nan() {
            0.0
        } else {
            params.time_limit_s.max(0.0)
        };
        let (deadline, span) = if limit.is_finite() {
            let span = (limit - margin(limit)).max(0.0);
            let deadline = Duration::try_from_secs_f64(span)
                .ok()
                .and_then(|d| start.checked_add(d));
            match deadline {
                Some(d) => (Some(d), span),
                None => (None, f64::INFINITY),
            }
        } else {
            (None, f64::INFINITY)
        };
        Budget {
            start,
            deadline,
            span,
            max_work: params.max_work.unwrap_or(u64::MAX),
            max_iter: params.max_iterations.unwrap_or(u64::MAX),
            cancel: params.cancel.clone(),
        }
    }

    /// Whether the caller cancelled the search.
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(CancelFlag::is_cancelled)
    }

    /// Seconds since the start.
    pub fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Seconds from the start to the deadline (infinite without one).
    pub fn span(&self) -> f64 {
        self.span
    }

    /// Whether the deadline has passed (or the search was cancelled: every long phase that
    /// watches the clock stops as well).
    pub fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d) || self.cancelled()
    }

    /// Share of the budget used (time or work, whichever is further along).
    pub fn progress(&self, work: u64) -> f64 {
        let t = if self.span.is_finite() {
            self.elapsed() / self.span.max(1e-9)
        } else {
            0.0
        };
        let w = if self.max_work == u64::MAX {
            0.0
        } else {
            work as f64 / self.max_work.max(1) as f64
        };
        t.max(w)
    }

    /// Why the search must stop now, if it must.
    pub fn over(&self, it: u64, work: u64) -> Option<StopReason> {
        if self.cancelled() {
            Some(StopReason::Cancelled)
        } else if it >= self.max_iter {
            Some(StopReason::Iterations)
        } else if work >= self.max_work {
            Some(StopReason::Work)
        } else if self.past_deadline() {
            Some(StopReason::Clock)
        } else {
            None
        }
    }
}

/// Time kept before a limit of `limit_s` seconds for building the answer.
pub(crate) fn margin(limit_s: f64) -> f64 {
    (limit_s * MARGIN_SHARE).clamp(MIN_MARGIN_S, MAX_MARGIN_S)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(t: f64, work: Option<u64>, it: Option<u64>) -> SolverParams {
        SolverParams {
            time_limit_s: t,
            seed: 1,
            max_iterations: it,
            max_work: work,
            cancel: None,
        }
    }

    #[test]
    fn clock_budget_keeps_a_small_margin() {
        let b = Budget::new(&params(1.0, None, None), Instant::now());
        assert!((b.span() - 0.99).abs() < 1e-12);
        assert!(b.deadline.is_some());
        assert_eq!(b.max_work, u64::MAX);
        let b = Budget::new(&params(100.0, None, None), Instant::now());
        assert!((b.span() - 99.98).abs() < 1e-9);
        let b = Budget::new(&params(0.0, None, None), Instant::now());
        assert_eq!(b.span(), 0.0);
        assert_eq!(b.over(0, 0), Some(StopReason::Clock));
    }

    #[test]
    fn deterministic_budgets_ignore_the_clock() {
        let b = Budget::new(&params(f64::INFINITY, Some(1000), None), Instant::now());
        assert!(b.deadline.is_none());
        assert_eq!(b.over(0, 999), None);
        assert_eq!(b.over(0, 1000), Some(StopReason::Work));
        assert!((b.progress(500) - 0.5).abs() < 1e-12);
        let b = Budget::new(&params(f64::INFINITY, None, Some(5)), Instant::now());
        assert_eq!(b.over(4, u64::MAX - 1), None);
        assert_eq!(b.over(5, 0), Some(StopReason::Iterations));
        assert_eq!(b.progress(1 << 40), 0.0);
        // A NaN or negative limit is no time at all, never an endless run.
        let b = Budget::new(&params(f64::NAN, None, None), Instant::now());
        assert_eq!(b.span(), 0.0);
        let b = Budget::new(&params(-3.0, None, None), Instant::now());
        assert_eq!(b.span(), 0.0);
    }
}
