//! The sweeper: the time-based steps of the lifecycles (docs/ARCHITECTURE.md §8). One
//! [`sweep`] expires unanswered proposals, runs the global matching batch when it is due,
//! escalates what waited past its grace period, and applies retention. `serve` runs it every
//! `HULPMARKT_SWEEP_MINUTES` ([`spawn_periodic`]); `hulpmarkt sweep` runs it once.
//!
//! Every change goes through the one write path (`services::write`, `db::transaction`) in
//! short steps: a few dozen rows per transaction, so that on SQLite a resident's write never
//! waits behind more than one step.
//!
//! With several instances on one PostgreSQL, exactly one sweeps at a time: the sweep holds the
//! session-level advisory lock [`SWEEP_LOCK_KEY`] on a connection of its own for the whole
//! sweep, and an instance that does not get it skips this round. SQLite has a single writer
//! and one process, so it needs no lock.

use chrono::NaiveDateTime;
use diesel::{sql_types::BigInt, QueryableByName, RunQueryDsl};
use serde::Serialize;

use super::{escalation, match_lifecycle, matching::Policy};
use crate::{
    db::{self, DbConnection, Pool, PooledConnection},
    error::AppError,
};

/// The PostgreSQL advisory-lock key of the sweeper: the bytes of `"hulpswep"`, so that it is
/// recognisable in `pg_locks` (classid 0x68756c70, objid 0x73776570).
pub const SWEEP_LOCK_KEY: i64 = 0x6875_6c70_7377_6570;

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// False when another instance held the lock and this sweep did nothing.
    pub ran: bool,
    /// `advisory` (PostgreSQL), `not_needed` (SQLite) or `held_elsewhere` (skipped).
    pub lock: &'static str,
    /// Proposals expired.
    pub expired: usize,
    /// Requests escalated to their municipality.
    pub escalated: usize,
    /// Requests anonymised by retention.
    pub anonymised: usize,
    /// New proposals made by the global matching batch (when it ran in this sweep).
    pub batch_proposals: usize,
    /// Reminders written (proposals, waiting requests and cases, VOGs).
    pub reminders: super::notify::reminders::ReminderReport,
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

fn advisory(conn: &mut DbConnection, function: &str) -> Result<bool, AppError> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(true);
    };
    let row: Locked = diesel::sql_query(format!("SELECT {function}($1) AS locked"))
        .bind::<BigInt, _>(SWEEP_LOCK_KEY)
        .get_result(pg)?;
    Ok(row.locked)
}

/// The sweeper's advisory lock, held on a pooled PostgreSQL connection. Released when
/// dropped, also when the sweep fails or panics: a pooled connection that kept it would
/// keep every instance from sweeping again.
struct SweepLock(Option<PooledConnection>);

impl SweepLock {
    /// The lock, or `None` when another instance holds it.
    async fn acquire(pool: &Pool) -> Result<Option<Self>, AppError> {
        let pool = pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            Ok(advisory(&mut conn, "pg_try_advisory_lock")?.then_some(Self(Some(conn))))
        })
        .await?
    }
}

impl Drop for SweepLock {
    fn drop(&mut self) {
        if let Some(mut conn) = self.0.take() {
            if let Err(error) = advisory(&mut conn, "pg_advisory_unlock") {
                tracing::error!(?error, "releasing the sweeper lock failed");
            }
        }
    }
}

/// One sweep at `now`; see the module docs. `batch` also runs the global matching batch.
pub async fn sweep(
    pool: &Pool,
    now: NaiveDateTime,
    policy: &Policy,
    batch: bool,
) -> Result<SweepReport, AppError> {
    let lock = if pool.is_postgres() {
        match SweepLock::acquire(pool).await? {
            Some(lock) => Some(lock),
            None => {
                tracing::info!("sweep skipped: another instance holds the sweeper lock");
                return Ok(SweepReport {
                    ran: false,
                    lock: "held_elsewhere",
                    ..SweepReport::default()
                });
            }
        }
    } else {
        None
    };
    let mut report = SweepReport {
        ran: true,
        lock: if lock.is_some() {
            "advisory"
        } else {
            "not_needed"
        },
        ..SweepReport::default()
    };
    loop {
        let expired = super::retry_busy(|| {
            super::write(pool, policy.clone(), move |conn, policy| {
                match_lifecycle::expire_due(conn, now, policy)
            })
        })
        .await?;
        report.expired += expired;
        if expired < match_lifecycle::EXPIRE_STEP {
            break;
        }
    }
    // The batch runs before escalation, so a request it can place is not escalated.
    if batch {
        report.batch_proposals = super::batch::run(pool, now, policy, &|_, _| {})
            .await?
            .created;
    }
    let due = db::run(pool, move |conn| escalation::due(conn, now)).await?;
    for item in due {
        let escalated = super::retry_busy(|| {
            let item = item.clone();
            super::write(pool, policy.clone(), move |conn, policy| {
                escalation::escalate_if_still_due(conn, &item, now, policy)
            })
        })
        .await;
        match escalated {
            Ok(true) => report.escalated += 1,
            Ok(false) => {}
            // Changed under us (the resident cancelled, a volunteer appeared): next sweep.
            Err(AppError::Conflict { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    report.reminders = super::notify::reminders::remind(pool, now, policy.channels).await?;
    report.anonymised = super::privacy::retention(pool, now, policy.retention_months).await?;
    drop(lock);
    tracing::info!(?report, "sweep done");
    Ok(report)
}

/// Hours between runs of the global matching batch inside `serve`.
pub const BATCH_EVERY_HOURS: i64 = 6;

/// Whether the sweep at `now` is the first after a batch boundary (every
/// [`BATCH_EVERY_HOURS`] hours since the Unix epoch), given sweeps `period` apart. A pure rule
/// of the time, so instances agree without sharing state; a second run is harmless (the
/// batch keeps what is already optimal).
pub fn batch_due(now: NaiveDateTime, period: std::time::Duration) -> bool {
    let every = BATCH_EVERY_HOURS * 3600;
    let t = now.and_utc().timestamp();
    let previous = t - i64::try_from(period.as_secs()).unwrap_or(every).max(1);
    t.div_euclid(every) != previous.div_euclid(every)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_runs_once_per_six_hours() {
        let period = std::time::Duration::from_secs(300);
        let at = |h: u32, m: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(h, m, 0))
                .unwrap()
        };
        assert!(batch_due(at(6, 2), period));
        assert!(!batch_due(at(6, 7), period));
        assert!(!batch_due(at(11, 59), period));
        assert!(batch_due(at(12, 0), period));
        let day: usize = (0..288)
            .filter(|i| batch_due(at(0, 0) + chrono::Duration::minutes(5 * i + 1), period))
            .count();
        assert_eq!(day, 4);
    }
}
