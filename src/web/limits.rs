//! Per-key rate limits (sign-in attempts per account and per address; annotation
//! creation per user), answered with 429 and `Retry-After`.
//!
//! A fixed window per key in memory: one process serves the app, and a restart
//! forgetting the counts is acceptable for limits this generous. Written here
//! because a crate (governor) would add a dependency for a dozen lines.

use crate::error::Error;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
        if !self.enabled {
            return Ok(());
        }
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if counts.len() > 100_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            let retry_after = self.window.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
            return Err(Error::RateLimited { retry_after });
        }
        entry.1 += 1;
        Ok(())
    }

    /// Forgets `key` (a successful sign-in clears its failures).
    pub fn reset(&self, key: &str) {
        self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
    }
}

/// The app's limits.
#[derive(Debug)]
pub struct Limits {
    /// Failed sign-ins per account.
    pub sign_in_account: RateLimit,
    /// Sign-in attempts per client address.
    pub sign_in_address: RateLimit,
    /// Annotations created per user.
    pub annotations: RateLimit,
}

impl Limits {
    #[must_use]
    pub fn new(enabled: bool, annotations_per_minute: u32) -> Self {
        let quarter_hour = Duration::from_secs(15 * 60);
        Self {
            sign_in_account: RateLimit::new(10, quarter_hour, enabled),
            sign_in_address: RateLimit::new(100, quarter_hour, enabled),
            annotations: RateLimit::new(annotations_per_minute, Duration::from_secs(60), enabled),
        }
    }
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
}
