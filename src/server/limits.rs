//! Bounded work for every request: a cap on concurrent heavy computations (rounds, clusters,
//! siting, indicators) with a short queue and `503 busy` + `Retry-After` beyond it, a time cap
//! on each computation that the server enforces whatever the body asks (the computation is then
//! told to stop and keeps its slot until it has), and panics in handlers answered with 500.
//!
//! Light requests (layers, territory, locate) never wait here: heavy computations run on the
//! blocking pool, a bounded number at a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::error::ApiError;
use crate::vrp::CancelFlag;

/// Settings of the heavy-computation gate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Heavy computations running at once.
    pub concurrent: usize,
    /// Heavy requests waiting for a slot; more are answered `503 busy` at once.
    pub queue: usize,
    /// Longest wait in the queue before `503 busy`.
    pub queue_wait: Duration,
    /// Longest run of one computation before the server answers `503 timeout` and stops it.
    pub compute_timeout: Duration,
}

/// Heavy requests that may wait for a slot by default (a viewer asks a few at once).
pub const DEFAULT_QUEUE: usize = 8;

/// Seconds a client is told to wait (`Retry-After`) when the server is busy.
pub const RETRY_AFTER_S: u64 = 5;

impl Default for Limits {
    /// One computation per core but one (at least one: a core stays free for light
    /// requests), a queue of [`DEFAULT_QUEUE`], 15 s of queue, 40 s per computation (the
    /// longest time limit a request may ask is 30 s; the request itself is cut at 60 s).
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            concurrent: cores.saturating_sub(1).max(1),
            queue: DEFAULT_QUEUE,
            queue_wait: Duration::from_secs(15),
            compute_timeout: Duration::from_secs(40),
        }
    }
}

/// The gate: a semaphore of `concurrent` slots and a count of waiting requests.
#[derive(Debug)]
pub struct Gate {
    limits: Limits,
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
}

/// 503 `busy`: every slot taken and the queue full (or the wait too long).
pub fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        format!("the server is busy with other computations; retry in {RETRY_AFTER_S} s"),
    )
}

/// 503 `timeout`: the computation ran longer than the server allows and was stopped.
pub fn timed_out(limit: Duration) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        format!(
            "the computation took longer than the server's limit of {} s and was stopped; ask less (a shorter time_limit_s, fewer stops)",
            limit.as_secs()
        ),
    )
}

/// Cancels the computation when dropped (the awaiting request went away).
struct CancelOnDrop(Option<CancelFlag>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.cancel();
        }
    }
}

struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gate {
    /// A gate with these limits (at least one slot).
    pub fn new(limits: Limits) -> Gate {
        Gate {
            slots: Arc::new(Semaphore::new(limits.concurrent.max(1))),
            waiting: AtomicUsize::new(0),
            limits,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Heavy computations running now.
    pub fn running(&self) -> usize {
        self.limits.concurrent.max(1) - self.slots.available_permits()
    }

    /// Run `f` on the blocking pool once a slot is free. `f` receives a flag that the gate
    /// sets when the computation overruns [`Limits::compute_timeout`]; the slot stays taken
    /// until `f` has returned. Busy: `503 busy`; overrun: `503 timeout`; a panic in `f`: 500.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(CancelFlag) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = match self.slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limits.queue {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(busy());
                }
                let _w = Waiting(&self.waiting);
                match tokio::time::timeout(
                    self.limits.queue_wait,
                    self.slots.clone().acquire_owned(),
                )
                .await
                {
                    Ok(Ok(p)) => p,
                    Ok(Err(_)) => return Err(ApiError::internal("computation pool closed")),
                    Err(_) => return Err(busy()),
                }
            }
        };
        let cancel = CancelFlag::new();
        let flag = cancel.clone();
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(flag)
        });
        // If the request is dropped (client gone, request timeout), the computation is told to
        // stop too.
        let mut guard = CancelOnDrop(Some(cancel.clone()));
        let r = tokio::time::timeout(self.limits.compute_timeout, task).await;
        guard.0 = None;
        match r {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::error!("computation panicked: {e}");
                Err(ApiError::internal(
                    "the computation failed (internal error)",
                ))
            }
            Err(_) => {
                cancel.cancel();
                Err(timed_out(self.limits.compute_timeout))
            }
        }
    }
}

/// Answer a handler's panic with the API's 500 (logged); the process and the other
/// connections carry on.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!("handler panicked: {what}");
    ApiError::internal("internal error (the server caught a panic; see its log)").into_response()
}
