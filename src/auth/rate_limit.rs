//! Rate limits for login and registration, per client IP and per account (e-mail), using
//! the generic cell rate algorithm of `governor`: a burst, refilled evenly over a minute.

use std::{net::IpAddr, num::NonZeroU32};

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// Keyed limiters for the two keys.
pub struct LoginLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
}

/// Past this many tracked keys, keys that have fully refilled are forgotten.
const MAX_TRACKED_KEYS: usize = 50_000;

fn quota(burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(burst).allow_burst(burst)
}

impl LoginLimiter {
    /// `per_ip` and `per_account` attempts in a burst, refilled over one minute.
    pub fn new(per_ip: u32, per_account: u32) -> Self {
        Self {
            by_ip: RateLimiter::keyed(quota(per_ip)),
            by_account: RateLimiter::keyed(quota(per_account)),
        }
    }

    /// Counts one attempt; 429 with the seconds to wait when either key is over its limit.
    pub fn check(&self, ip: Option<IpAddr>, account: &str) -> Result<(), AppError> {
        if self.by_ip.len() > MAX_TRACKED_KEYS {
            self.by_ip.retain_recent();
        }
        if self.by_account.len() > MAX_TRACKED_KEYS {
            self.by_account.retain_recent();
        }
        let clock = governor::clock::DefaultClock::default();
        if let Some(ip) = ip {
            if let Err(wait) = self.by_ip.check_key(&ip) {
                return Err(AppError::TooManyRequests(
                    wait.wait_time_from(clock.now()).as_secs().max(1),
                ));
            }
        }
        let account = account.trim().to_lowercase();
        if let Err(wait) = self.by_account.check_key(&account) {
            return Err(AppError::TooManyRequests(
                wait.wait_time_from(clock.now()).as_secs().max(1),
            ));
        }
        Ok(())
    }
}

/// E-mails with a link a person may have sent to one address (or account) per hour: a
/// password reset or a verification link, three an hour each.
pub const MAILS_PER_HOUR: u32 = 3;

/// Limits the e-mails with a link sent per key (a normalised address, an account id), so that
/// nobody floods another person's mailbox. Keyed by what the caller sent, never by whether it
/// has an account, so the limit itself tells nothing.
pub struct MailLimiter {
    by_key: DefaultKeyedRateLimiter<String>,
}

impl MailLimiter {
    /// `per_hour` mails in a burst, refilled evenly over an hour.
    pub fn new(per_hour: u32) -> Self {
        let burst = NonZeroU32::new(per_hour.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            by_key: RateLimiter::keyed(Quota::per_hour(burst).allow_burst(burst)),
        }
    }

    /// Counts one mail for `key`; over the limit, the seconds until the next one may go.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        if self.by_key.len() > MAX_TRACKED_KEYS {
            self.by_key.retain_recent();
        }
        let clock = governor::clock::DefaultClock::default();
        self.by_key
            .check_key(&key.trim().to_lowercase())
            .map_err(|wait| wait.wait_time_from(clock.now()).as_secs().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_are_limited_per_key() {
        let limiter = MailLimiter::new(3);
        for _ in 0..3 {
            limiter.check("reset:a@example.nl").unwrap();
        }
        let wait = limiter.check("reset:A@example.nl ").unwrap_err();
        assert!(
            (1..=1200).contains(&wait),
            "normalised, one mail per 20 minutes: {wait}"
        );
        limiter.check("reset:b@example.nl").unwrap();
        limiter.check("verify:a@example.nl").unwrap();
    }

    #[test]
    fn allows_the_burst_then_refuses() {
        let limiter = LoginLimiter::new(100, 3);
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..3 {
            limiter.check(ip, "a@example.nl").unwrap();
        }
        assert!(
            matches!(limiter.check(ip, "A@example.nl "), Err(AppError::TooManyRequests(s)) if s >= 1)
        );
        // Another account from the same address is still fine.
        limiter.check(ip, "b@example.nl").unwrap();
    }

    #[test]
    fn limits_per_ip_across_accounts() {
        let limiter = LoginLimiter::new(2, 100);
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        limiter.check(ip, "a@x.nl").unwrap();
        limiter.check(ip, "b@x.nl").unwrap();
        assert!(limiter.check(ip, "c@x.nl").is_err());
        limiter
            .check(Some(IpAddr::from([10, 0, 0, 2])), "c@x.nl")
            .unwrap();
    }
}
