//! The officer's access: the token kept as its SHA-256 digest and compared in constant time,
//! wrong tokens rate-limited per client with a growing delay, and each officer action logged
//! (time, action, client) without the token.
//!
//! [`guard`] runs before every `/api` handler. A request carrying `Authorization` from a client
//! that is waiting out a delay gets 429 `too_many_attempts` with `Retry-After`, whatever the
//! token (so that guessing is slowed even when the guess would be right); a wrong token counts a
//! failure; the right one clears the client's failures and logs the action on standard error.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// How wrong tokens are slowed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatePolicy {
    /// Wrong tokens a client may send before the first delay.
    pub free_attempts: u32,
    /// Delay after the first failure beyond `free_attempts`; it doubles with each further
    /// failure.
    pub base_delay: Duration,
    /// Longest delay.
    pub max_delay: Duration,
    /// Clients whose failures are remembered at most (the oldest are forgotten first).
    pub max_clients: usize,
}

impl Default for RatePolicy {
    /// 5 free attempts, then 1 s doubling up to 5 min: about 300 guesses a day per client
    /// once the delay is at its cap.
    fn default() -> Self {
        RatePolicy {
            free_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            max_clients: 10_000,
        }
    }
}

impl RatePolicy {
    /// The delay imposed after `failures` wrong tokens (zero within the free attempts).
    pub fn delay(&self, failures: u32) -> Duration {
        if failures <= self.free_attempts {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free_attempts - 1).min(30);
        self.base_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    until: Instant,
    last: Instant,
}

/// The officer's secret (as a digest) and the failures per client.
#[derive(Debug)]
pub struct OfficerGuard {
    digest: Option<[u8; 32]>,
    policy: RatePolicy,
    failures: Mutex<HashMap<IpAddr, Failures>>,
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl OfficerGuard {
    /// A guard for `token` (`None` or empty: officer access disabled). Only the digest is kept.
    pub fn new(token: Option<&str>, policy: RatePolicy) -> OfficerGuard {
        OfficerGuard {
            digest: token.filter(|t| !t.is_empty()).map(digest),
            policy,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether officer access is enabled.
    pub fn enabled(&self) -> bool {
        self.digest.is_some()
    }

    /// The rate policy.
    pub fn policy(&self) -> RatePolicy {
        self.policy
    }

    /// Whether `token` is the officer's: digests compared in constant time (the time does not
    /// depend on where they differ, nor on the token's length).
    pub fn check(&self, token: &str) -> bool {
        match &self.digest {
            None => false,
            Some(d) => {
                let t = digest(token);
                d.iter().zip(&t).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Failures>> {
        // A poisoned lock only means a panic elsewhere while holding it: the map stays usable.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long `client` must still wait before its token is checked again.
    pub fn wait(&self, client: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        self.lock()
            .get(&client)
            .and_then(|f| f.until.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }

    /// Count a wrong token from `client`; returns the delay it now has to wait.
    pub fn fail(&self, client: IpAddr) -> Duration {
        self.fail_in(&mut self.lock(), client, Instant::now())
    }

    fn fail_in(
        &self,
        map: &mut HashMap<IpAddr, Failures>,
        client: IpAddr,
        now: Instant,
    ) -> Duration {
        if !map.contains_key(&client) && map.len() >= self.policy.max_clients {
            map.retain(|_, f| f.until > now || now.duration_since(f.last) < self.policy.max_delay);
            if map.len() >= self.policy.max_clients
                && let Some(oldest) = map.iter().min_by_key(|(_, f)| f.last).map(|(k, _)| *k)
            {
                map.remove(&oldest);
            }
        }
        let f = map.entry(client).or_insert(Failures {
            count: 0,
            until: now,
            last: now,
        });
        f.count = f.count.saturating_add(1);
        f.last = now;
        let delay = self.policy.delay(f.count);
        f.until = now + delay;
        delay
    }

    /// The right token from `client`: its failures are forgotten.
    pub fn succeed(&self, client: IpAddr) {
        self.lock().remove(&client);
    }

    /// One attempt of `client`, whose token is `right` or not, decided under one lock (so
    /// that concurrent guesses cannot all pass before the first failure counts): `Err(wait)`
    /// while the client must wait (the attempt is then not counted), else the failure is
    /// counted or, for the right token, the failures are forgotten.
    pub fn attempt(&self, client: IpAddr, right: bool) -> Result<(), Duration> {
        let now = Instant::now();
        let mut map = self.lock();
        if let Some(w) = map
            .get(&client)
            .and_then(|f| f.until.checked_duration_since(now))
            .filter(|d| !d.is_zero())
        {
            return Err(w);
        }
        if right {
            map.remove(&client);
        } else {
            self.fail_in(&mut map, client, now);
        }
        Ok(())
    }
}

/// The client's address: the TCP peer when the server runs with connection info, else
/// 0.0.0.0 (in-process calls).
pub fn client_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The bearer token of a request, if it has a well-formed one.
fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The middleware: rate limit and log officer requests (see the module documentation).
pub async fn guard(officer: &OfficerGuard, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/")
        || !req.headers().contains_key(header::AUTHORIZATION)
        || !officer.enabled()
    {
        return next.run(req).await;
    }
    let client = client_ip(&req);
    let right = bearer(&req).is_some_and(|t| officer.check(t));
    if let Err(wait) = officer.attempt(client, right) {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut r = ApiError::too_many_attempts(secs).into_response();
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    if !right {
        return next.run(req).await;
    }
    let action = format!("{} {}", req.method(), req.uri().path());
    let r = next.run(req).await;
    // One line per officer action, never the token.
    eprintln!(
        "officer action: time={} client={client} action=\"{action}\" status={}",
        crate::io::date::utc_iso8601(crate::io::date::unix_now()),
        r.status().as_u16()
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_then_caps() {
        let p = RatePolicy {
            free_attempts: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_clients: 4,
        };
        let d: Vec<u128> = (1..=7).map(|n| p.delay(n).as_millis()).collect();
        assert_eq!(d, [0, 0, 10, 20, 40, 50, 50]);
        assert_eq!(
            RatePolicy::default().delay(u32::MAX),
            Duration::from_secs(300)
        );
    }

    #[test]
    fn only_the_digest_is_kept_and_checked() {
        let g = OfficerGuard::new(Some("s3cret"), RatePolicy::default());
        assert!(g.check("s3cret"));
        assert!(!g.check("s3cre") && !g.check("S3CRET") && !g.check(""));
        assert!(!format!("{g:?}").contains("s3cret"));
        assert!(!OfficerGuard::new(Some(""), RatePolicy::default()).enabled());
    }

    #[test]
    fn failures_are_per_client_and_bounded() {
        let p = RatePolicy {
            free_attempts: 1,
            base_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(60),
            max_clients: 3,
        };
        let g = OfficerGuard::new(Some("x"), p);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(g.fail(a), Duration::ZERO);
        assert!(g.wait(a).is_none());
        assert_eq!(g.fail(a), Duration::from_secs(60));
        assert!(g.wait(a).is_some());
        assert!(g.wait(b).is_none(), "another client is not delayed");
        g.succeed(a);
        assert!(g.wait(a).is_none());
        for i in 0..10u8 {
            g.fail(IpAddr::V4(Ipv4Addr::new(10, 1, 0, i)));
        }
        assert!(g.lock().len() <= 3);
    }
}
