//! Per-key rate limits, answered with 429 and `Retry-After`: failed sign-ins per
//! account and per address, registrations per address, and each user's writes
//! (annotations; other writes; imports). Every number is a setting
//! ([`crate::config::RateSettings`]), listed in the README.
//!
//! A fixed window per key in memory: one process serves the app, and a restart
//! forgetting the counts is acceptable for limits this generous. Written here
//! because a crate (governor) would add a dependency for a few dozen lines, and
//! sign-in needs "count failures only", which a plain token bucket does not give.

use crate::config::RateSettings;
use crate::error::Error;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

/// The most keys one limit remembers; past it, expired windows are dropped at once
/// instead of at the next sweep.
const MOST_KEYS: usize = 100_000;

/// How many events a key may have per window.
#[derive(Debug)]
pub struct RateLimit {
    max: u32,
    window: Duration,
    enabled: bool,
    counts: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    #[must_use]
    pub fn new(max: u32, window: Duration, enabled: bool) -> Self {
        Self { max, window, enabled, counts: Mutex::new(HashMap::new()) }
    }

    /// Counts one event for `key`; `Err(RateLimited)` once the window's allowance is used up.
    pub fn hit(&self, key: &str) -> Result<(), Error> {
        self.check(key)?;
        self.count(key);
        Ok(())
    }

    /// `Err(RateLimited)` if `key` has used its allowance, without counting anything.
    pub fn check(&self, key: &str) -> Result<(), Error> {
        if !self.enabled {
            return Ok(());
        }
        let now = Instant::now();
        let counts = self.lock();
        match counts.get(key) {
            Some(&(start, n)) if n >= self.max && now.duration_since(start) < self.window => {
                let retry_after = self.window.saturating_sub(now.duration_since(start)).as_secs().max(1);
                Err(Error::RateLimited { retry_after })
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `key` (a failed sign-in) without refusing anything.
    pub fn count(&self, key: &str) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut counts = self.lock();
        if counts.len() >= MOST_KEYS {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `key` (a successful sign-in clears its failures).
    pub fn reset(&self, key: &str) {
        self.lock().remove(key);
    }

    /// Drops every key whose window has passed.
    pub fn sweep(&self) {
        let now = Instant::now();
        self.lock().retain(|_, (start, _)| now.duration_since(*start) < self.window);
    }

    /// How many keys are remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The app's limits.
#[derive(Debug)]
pub struct Limits {
    /// Failed sign-ins per account (its normalised email).
    pub sign_in_account: RateLimit,
    /// Failed sign-ins per client address: successes do not count, so a lecture
    /// hall behind one address can sign in.
    pub sign_in_address: RateLimit,
    /// Registration attempts and password-reset requests per client address.
    pub registrations: RateLimit,
    /// Password-reset mails per account (fixed: 3 an hour), so no one is flooded with them.
    pub reset_mails: RateLimit,
    /// Annotations created per user.
    pub annotations: RateLimit,
    /// Other writes per user: replies, edits, deletes, links, feedback, settings.
    pub writes: RateLimit,
    /// Imports per user: readings added or uploaded, W3C annotation imports.
    pub imports: RateLimit,
}

impl Limits {
    #[must_use]
    pub fn new(enabled: bool, settings: &RateSettings) -> Self {
        let quarter_hour = Duration::from_secs(15 * 60);
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(60 * 60);
        Self {
            sign_in_account: RateLimit::new(settings.sign_in_failures_per_account, quarter_hour, enabled),
            sign_in_address: RateLimit::new(settings.sign_in_failures_per_address, quarter_hour, enabled),
            registrations: RateLimit::new(settings.registrations_per_hour, hour, enabled),
            reset_mails: RateLimit::new(3, hour, enabled),
            annotations: RateLimit::new(settings.annotations_per_minute, minute, enabled),
            writes: RateLimit::new(settings.writes_per_minute, minute, enabled),
            imports: RateLimit::new(settings.imports_per_hour, hour, enabled),
        }
    }

    fn all(&self) -> [&RateLimit; 7] {
        [
            &self.sign_in_account,
            &self.sign_in_address,
            &self.registrations,
            &self.reset_mails,
            &self.annotations,
            &self.writes,
            &self.imports,
        ]
    }

    /// Sweeps expired windows every minute, so keys do not pile up between
    /// attacks; the task ends when the limits are dropped.
    pub fn sweep_every_minute(limits: &Arc<Self>) {
        let limits: Weak<Self> = Arc::downgrade(limits);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                let Some(limits) = limits.upgrade() else { return };
                for limit in limits.all() {
                    limit.sweep();
                }
            }
        });
    }
}

/// Which allowance a state-changing request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// Counted where the annotation is made (`annotations` allowance), for the page form and the API alike.
    Annotation,
    /// Readings added and annotations imported.
    Import,
    /// Signing in, registering and signing out have limits of their own.
    Account,
    /// Everything else.
    Other,
}

impl WriteKind {
    /// The kind of a `POST`/`PUT`/`DELETE` to `path`.
    #[must_use]
    pub fn of(method: &Method, path: &str) -> Self {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["login" | "register" | "logout" | "forgot"] | ["reset", _] => Self::Account,
            ["readings", _] | ["api", "readings", _, "annotations"] if method == Method::POST => Self::Annotation,
            ["api", "readings", _, "import"] | ["api", "courses", _, "readings"] | ["courses", _, "readings", ..] => {
                Self::Import
            }
            // A new text for a reading is parsed and every annotation re-anchored: an import's cost.
            ["api", "readings", _] if method == Method::PUT => Self::Import,
            _ => Self::Other,
        }
    }
}

/// Draws each signed-in user's state-changing request on its allowance
/// (annotations are counted by the use case that makes them).
pub async fn limit_writes(
    State(state): State<super::AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Error> {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(request).await);
    }
    if let Some(user_id) = request.extensions().get::<super::auth::Auth>().and_then(super::auth::Auth::user_id) {
        let key = user_id.to_string();
        match WriteKind::of(request.method(), request.uri().path()) {
            WriteKind::Import => state.limits.imports.hit(&key)?,
            WriteKind::Other => state.limits.writes.hit(&key)?,
            WriteKind::Annotation | WriteKind::Account => {}
        }
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_limited_after_its_allowance_and_others_are_not() {
        let limit = RateLimit::new(2, Duration::from_secs(60), true);
        assert!(limit.hit("a").is_ok() && limit.hit("a").is_ok());
        assert!(
            matches!(limit.hit("a"), Err(Error::RateLimited { retry_after }) if retry_after > 0 && retry_after <= 60)
        );
        assert!(limit.hit("b").is_ok());
        limit.reset("a");
        assert!(limit.hit("a").is_ok());
        let off = RateLimit::new(0, Duration::from_secs(60), false);
        assert!(off.hit("a").is_ok());
    }

    #[test]
    fn counting_without_checking_refuses_only_once_the_count_is_reached() {
        let limit = RateLimit::new(3, Duration::from_secs(60), true);
        for _ in 0..3 {
            assert!(limit.check("a").is_ok());
            limit.count("a");
        }
        assert!(matches!(limit.check("a"), Err(Error::RateLimited { .. })));
        assert!(limit.check("b").is_ok());
    }

    #[test]
    fn sweeping_forgets_expired_windows() {
        let limit = RateLimit::new(3, Duration::ZERO, true);
        limit.count("a");
        limit.count("b");
        assert_eq!(limit.len(), 2);
        limit.sweep();
        assert!(limit.is_empty());
    }

    #[test]
    fn writes_are_sorted_into_their_allowances() {
        let cases = [
            (Method::POST, "/readings/3", WriteKind::Annotation),
            (Method::POST, "/api/readings/3/annotations/", WriteKind::Annotation),
            (Method::POST, "/api/readings/3/annotations", WriteKind::Annotation),
            (Method::PUT, "/api/readings/3/annotations/ab", WriteKind::Other),
            (Method::DELETE, "/api/annotations/ab", WriteKind::Other),
            (Method::POST, "/api/annotations/ab/replies", WriteKind::Other),
            (Method::POST, "/api/annotations/ab/links", WriteKind::Other),
            (Method::POST, "/api/annotations/ab/feedback", WriteKind::Other),
            (Method::POST, "/api/readings/3/import", WriteKind::Import),
            (Method::POST, "/api/courses/2/readings", WriteKind::Import),
            (Method::POST, "/courses/2/readings", WriteKind::Import),
            (Method::POST, "/courses/2/readings/upload", WriteKind::Import),
            (Method::POST, "/courses/2/members/4/remove", WriteKind::Other),
            (Method::POST, "/login", WriteKind::Account),
            (Method::POST, "/register", WriteKind::Account),
        ];
        for (method, path, kind) in cases {
            assert_eq!(WriteKind::of(&method, path), kind, "{method} {path}");
        }
    }
}
