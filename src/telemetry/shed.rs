//! Shed load (503 answers): counted in `/metrics` and logged at most once per interval with
//! the number shed since the last line, so that an overload does not also flood the log
//! (one WARN line per 503 made 38,950 lines in 15 s).

use std::sync::{Arc, LazyLock, Mutex};

use chrono::{DateTime, Duration, Utc};
use prometheus::IntCounter;

use crate::clock::{Clock, SystemClock};

/// Decides when a line about shed load is due.
pub struct ShedLog {
    interval: Duration,
    clock: Arc<dyn Clock>,
    /// When the last line was written, and the 503s since then.
    state: Mutex<(Option<DateTime<Utc>>, u64)>,
}

impl ShedLog {
    /// At most one line per `interval`, on `clock`'s time.
    pub fn new(interval: Duration, clock: Arc<dyn Clock>) -> Self {
        Self {
            interval,
            clock,
            state: Mutex::new((None, 0)),
        }
    }

    /// Counts one 503; `Some(n)` when a line is due now, `n` the 503s it reports.
    pub fn note(&self) -> Option<u64> {
        let now = self.clock.now();
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (last, count) = &mut *state;
        *count += 1;
        if last.is_some_and(|last| now - last < self.interval) {
            return None;
        }
        *last = Some(now);
        Some(std::mem::take(count))
    }
}

/// Seconds between two lines about shed load.
const LOG_INTERVAL_SECONDS: i64 = 10;

static LOG: LazyLock<ShedLog> = LazyLock::new(|| {
    ShedLog::new(
        Duration::seconds(LOG_INTERVAL_SECONDS),
        Arc::new(SystemClock),
    )
});

/// 503 answers since the process started, shared by every app it builds.
static UNAVAILABLE: LazyLock<Option<IntCounter>> = LazyLock::new(|| {
    IntCounter::new(
        "http_unavailable_responses_total",
        "Requests answered 503 (shed load: the database or password hashing at capacity)",
    )
    .ok()
});

/// The counter of 503 answers, for the metrics registry.
pub fn unavailable_counter() -> Option<IntCounter> {
    UNAVAILABLE.clone()
}

/// Records one 503 answer: counted, and logged when no line was written in the interval.
pub fn record(cause: &str) {
    if let Some(counter) = UNAVAILABLE.as_ref() {
        counter.inc();
    }
    if let Some(shed) = LOG.note() {
        tracing::warn!(
            shed,
            %cause,
            "answered 503 {shed} time(s) since the last such line; this cause is the latest"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn one_line_per_interval_with_the_count_since_the_last() {
        let clock = ManualClock::new(Utc::now());
        let log = ShedLog::new(Duration::seconds(10), Arc::new(clock.clone()));
        assert_eq!(log.note(), Some(1), "the first 503 is logged at once");
        for _ in 0..999 {
            assert_eq!(log.note(), None);
        }
        clock.advance(Duration::seconds(9));
        assert_eq!(log.note(), None, "still within the interval");
        clock.advance(Duration::seconds(1));
        assert_eq!(log.note(), Some(1001), "the 503s since the last line");
        assert_eq!(log.note(), None);
        clock.advance(Duration::seconds(60));
        assert_eq!(log.note(), Some(2));
    }
}
