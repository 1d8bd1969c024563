//! Rate limits for login and registration, using the generic cell rate algorithm of
//! `governor` (a burst, refilled evenly over a minute), per client IP, per account (e-mail)
//! and client IP, and per account from addresses it has not signed in from lately. The last
//! keeps a guesser spread over many addresses slow without letting anyone lock the owner out:
//! the owner's own recent addresses do not count against it (issue 26).

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, NotUntil, Quota, RateLimiter,
};

use crate::error::AppError;

/// Keyed limiters for the three keys, and the addresses each account signed in from.
pub struct LoginLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_pair: DefaultKeyedRateLimiter<(String, IpAddr)>,
    by_account: DefaultKeyedRateLimiter<String>,
    known: KnownAddresses,
}

/// Past this many tracked keys, keys that have fully refilled are forgotten.
const MAX_TRACKED_KEYS: usize = 50_000;

fn quota(burst: u32) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(burst).allow_burst(burst)
}

/// Whole seconds to wait, rounded up: a client that waits `Retry-After` seconds must find the
/// next cell ready (rounded down, it came back a fraction of a second early and got 429 again).
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

fn too_many(not_until: NotUntil<<DefaultClock as Clock>::Instant>) -> AppError {
    let now = DefaultClock::default().now();
    AppError::TooManyRequests(retry_after_secs(not_until.wait_time_from(now)))
}

fn account_key(account: &str) -> String {
    account.trim().to_lowercase()
}

impl LoginLimiter {
    /// `per_ip` attempts from one address and `per_account` attempts at one account (from
    /// one address, and from all addresses it has not signed in from) in a burst, refilled
    /// over one minute.
    pub fn new(per_ip: u32, per_account: u32) -> Self {
        Self {
            by_ip: RateLimiter::keyed(quota(per_ip)),
            by_pair: RateLimiter::keyed(quota(per_account)),
            by_account: RateLimiter::keyed(quota(per_account)),
            known: KnownAddresses::default(),
        }
    }

    /// Counts one attempt; 429 with the seconds to wait when a key is over its limit. The
    /// answer depends only on what was sent and from where, never on whether the account
    /// exists: an address counts as known only after a successful sign-in to it.
    pub fn check(&self, ip: Option<IpAddr>, account: &str) -> Result<(), AppError> {
        for len in [self.by_ip.len(), self.by_pair.len(), self.by_account.len()] {
            if len > MAX_TRACKED_KEYS {
                self.by_ip.retain_recent();
                self.by_pair.retain_recent();
                self.by_account.retain_recent();
                break;
            }
        }
        let account = account_key(account);
        if let Some(ip) = ip {
            self.by_ip.check_key(&ip).map_err(too_many)?;
            self.by_pair
                .check_key(&(account.clone(), ip))
                .map_err(too_many)?;
            if self.known.contains(&account, ip, Instant::now()) {
                return Ok(());
            }
        }
        self.by_account.check_key(&account).map_err(too_many)
    }

    /// Notes a successful sign-in to `account` from `ip`: from now on (for a while) that
    /// address's attempts at it are spared the per-account limit that others can use up.
    pub fn succeeded(&self, ip: Option<IpAddr>, account: &str) {
        if let Some(ip) = ip {
            self.known
                .remember(account_key(account), ip, Instant::now());
        }
    }
}

/// Addresses remembered per account.
const KNOWN_PER_ACCOUNT: usize = 8;
/// How long a sign-in keeps its address known.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// The last few addresses each account signed in from, with when. Only successful sign-ins
/// add to it, so its size is bounded by the people who know their passwords.
#[derive(Default)]
struct KnownAddresses(Mutex<HashMap<String, VecDeque<(IpAddr, Instant)>>>);

impl KnownAddresses {
    fn contains(&self, account: &str, ip: IpAddr, now: Instant) -> bool {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(account).is_some_and(|seen| {
            seen.iter()
                .any(|(known, at)| *known == ip && now.duration_since(*at) < KNOWN_FOR)
        })
    }

    fn remember(&self, account: String, ip: IpAddr, now: Instant) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_TRACKED_KEYS && !map.contains_key(&account) {
            map.retain(|_, seen| {
                seen.iter()
                    .any(|(_, at)| now.duration_since(*at) < KNOWN_FOR)
            });
            if map.len() >= MAX_TRACKED_KEYS {
                // Forgetting only makes the limits stricter again, never looser.
                map.clear();
            }
        }
        let seen = map.entry(account).or_default();
        seen.retain(|(known, _)| *known != ip);
        if seen.len() >= KNOWN_PER_ACCOUNT {
            seen.pop_front();
        }
        seen.push_back((ip, now));
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
            .map_err(|wait| retry_after_secs(wait.wait_time_from(clock.now())))
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
    fn retry_after_rounds_up_so_waiting_that_long_is_enough() {
        // One attempt a minute: right after it, the next is a hair under 60 s away.
        let limiter = LoginLimiter::new(100, 1);
        let ip = Some(IpAddr::from([127, 0, 0, 1]));
        limiter.check(ip, "a@example.nl").unwrap();
        assert!(matches!(
            limiter.check(ip, "a@example.nl"),
            Err(AppError::TooManyRequests(60))
        ));
        let mails = MailLimiter::new(3);
        for _ in 0..3 {
            mails.check("k").unwrap();
        }
        assert_eq!(mails.check("k"), Err(1200), "one mail per 20 minutes");
    }

    #[test]
    fn known_addresses_are_bounded_per_account_and_expire() {
        let known = KnownAddresses::default();
        let start = Instant::now();
        for last in 0..=KNOWN_PER_ACCOUNT as u8 {
            known.remember("a".into(), IpAddr::from([10, 0, 0, last]), start);
        }
        assert!(
            !known.contains("a", IpAddr::from([10, 0, 0, 0]), start),
            "oldest gone"
        );
        assert!(known.contains("a", IpAddr::from([10, 0, 0, 8]), start));
        assert!(!known.contains("b", IpAddr::from([10, 0, 0, 8]), start));
        assert!(!known.contains("a", IpAddr::from([10, 0, 0, 8]), start + KNOWN_FOR));
    }

    #[test]
    fn a_known_address_is_spared_the_per_account_limit_others_used_up() {
        let limiter = LoginLimiter::new(100, 2);
        let (owner, attacker) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        limiter.check(Some(owner), "a@x.nl").unwrap();
        limiter.succeeded(Some(owner), "A@x.nl ");
        limiter.check(Some(attacker), "a@x.nl").unwrap();
        assert!(limiter.check(Some(attacker), "a@x.nl").is_err());
        limiter.check(Some(owner), "a@x.nl").unwrap();
        assert!(limiter.check(Some(owner), "a@x.nl").is_err(), "per pair");
        assert!(limiter
            .check(Some(IpAddr::from([10, 0, 0, 3])), "a@x.nl")
            .is_err());
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
