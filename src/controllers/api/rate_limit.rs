//! A request budget per API key: `api_requests_per_minute` in a fixed
//! one-minute window, counted in this process (each web node counts its
//! own; behind a load balancer a key gets the budget on every node). Over
//! budget the API answers 429 with `Retry-After`, the seconds until the
//! window ends, so a client's retry loop knows when to come back.
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// The counters, kept in the app context's shared store.
#[derive(Debug)]
pub struct ApiRateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<i64, (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl ApiRateLimiter {
    #[must_use]
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request of key `key_id` at `now`; `Err(seconds)` to wait
    /// when the key has used its budget for this window.
    ///
    /// # Errors
    /// The seconds until the key's window ends, when over budget.
    pub fn admit(&self, key_id: i64, now: Instant) -> Result<(), u64> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            // forget keys whose window has ended, so the map stays small
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(key_id).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(left.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_budget_per_minute() {
        let limiter = ApiRateLimiter::new(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.admit(1, t0), Ok(()));
        }
        assert_eq!(limiter.admit(1, t0 + Duration::from_secs(20)), Err(40));
        assert_eq!(
            limiter.admit(2, t0),
            Ok(()),
            "another key has its own budget"
        );
        assert_eq!(
            limiter.admit(1, t0 + Duration::from_secs(60)),
            Ok(()),
            "a new window"
        );
    }
}
