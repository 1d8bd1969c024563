//! The service's notion of "now", injectable so that tests can move time forward (grace
//! periods, proposal expiry, retention) without sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// The date in the Netherlands at `now` (UTC): what "today" means for every date a person
/// gives (a VOG's issue date, the days a request or an offer runs), also between 00:00 and
/// 01:00 or 02:00 Dutch time, when the UTC date is still yesterday's.
pub fn dutch_today(now: NaiveDateTime) -> chrono::NaiveDate {
    use chrono::TimeZone;
    chrono_tz::Europe::Amsterdam
        .from_utc_datetime(&now)
        .date_naive()
}

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// Now as stored in the database (UTC without zone, microsecond precision, so a value
    /// read back from either backend equals the one written).
    fn now_naive(&self) -> NaiveDateTime {
        let now = self.now().naive_utc();
        now.with_nanosecond_micros()
    }
}

trait MicrosOnly {
    fn with_nanosecond_micros(self) -> Self;
}

impl MicrosOnly for NaiveDateTime {
    fn with_nanosecond_micros(self) -> Self {
        use chrono::Timelike;
        let micros = self.nanosecond() / 1_000 * 1_000;
        self.with_nanosecond(micros).unwrap_or(self)
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved (tests and simulations).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|now| *now)
            .unwrap_or_else(|poisoned| *poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = Utc::now();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(49));
        assert_eq!(clock.now(), start + Duration::hours(49));
        assert_eq!(
            clock.now_naive().and_utc().timestamp_subsec_nanos() % 1000,
            0
        );
    }
}
