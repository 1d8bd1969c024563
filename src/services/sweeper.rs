//! The sweeper: the time-based steps of the lifecycles (DESIGN.md §7). One [`sweep`] expires
//! unanswered proposals, escalates what waited past its grace period, and applies retention.
//! `serve` runs it every `HULPMARKT_SWEEP_MINUTES` ([`spawn_periodic`]); `hulpmarkt sweep`
//! runs it once.
//!
//! With several instances on one PostgreSQL, exactly one sweeps at a time: the sweep holds the
//! session-level advisory lock [`SWEEP_LOCK_KEY`] on the connection that does the work, for
//! the whole sweep, and an instance that does not get it skips this round. SQLite has a
//! single writer and one process, so it needs no lock.

use chrono::NaiveDateTime;
use diesel::{sql_types::BigInt, QueryableByName, RunQueryDsl};
use serde::Serialize;

use super::{escalation, match_lifecycle, matching::Policy};
use crate::{
    db::{self, write_transaction, DbConnection},
    error::AppError,
    startup::AppState,
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
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Tries the sweeper's advisory lock on this (PostgreSQL) session.
fn try_lock(conn: &mut diesel::PgConnection) -> Result<bool, AppError> {
    let row: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(SWEEP_LOCK_KEY)
        .get_result(conn)?;
    Ok(row.locked)
}

fn unlock(conn: &mut diesel::PgConnection) -> Result<(), AppError> {
    let _: Locked = diesel::sql_query("SELECT pg_advisory_unlock($1) AS locked")
        .bind::<BigInt, _>(SWEEP_LOCK_KEY)
        .get_result(conn)?;
    Ok(())
}

/// One sweep at `now` on `conn`; see the module docs. Each step commits on its own.
pub fn sweep(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<SweepReport, AppError> {
    sweep_with(conn, now, policy, false)
}

/// A sweep that also runs the global matching batch when `batch` is set.
pub fn sweep_with(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &Policy,
    batch: bool,
) -> Result<SweepReport, AppError> {
    let DbConnection::Pg(pg) = conn else {
        return run_steps(conn, now, policy, "not_needed", batch);
    };
    if !try_lock(pg)? {
        tracing::info!("sweep skipped: another instance holds the sweeper lock");
        return Ok(SweepReport {
            ran: false,
            lock: "held_elsewhere",
            ..SweepReport::default()
        });
    }
    // The lock lives as long as this session: release it even if a step panics, or the pooled
    // connection would keep it and no instance would ever sweep again.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_steps(conn, now, policy, "advisory", batch)
    }));
    let DbConnection::Pg(pg) = conn else {
        return Err(AppError::Internal(anyhow::anyhow!("connection changed")));
    };
    let released = unlock(pg);
    match outcome {
        Ok(report) => {
            released?;
            report
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn run_steps(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &Policy,
    lock: &'static str,
    batch: bool,
) -> Result<SweepReport, AppError> {
    let expired = write_transaction(conn, |conn| match_lifecycle::expire_due(conn, now, policy))?;
    // The batch runs before escalation, so a request it can place is not escalated.
    let batch_proposals = if batch {
        write_transaction(conn, |conn| {
            crate::services::batch::run_batch(conn, now, policy, &|_, _| {})
        })?
        .created
    } else {
        0
    };
    let escalated = escalation::escalate_due(conn, now, policy)?.len();
    let anonymised = write_transaction(conn, |conn| retention(conn, now, policy.retention_months))?;
    let report = SweepReport {
        ran: true,
        lock,
        expired,
        escalated,
        anonymised,
        batch_proposals,
    };
    tracing::info!(?report, "sweep done");
    Ok(report)
}

/// Retention (DESIGN.md §8): anonymises requests, matches and cases finished longer ago than
/// the retention period. Runs inside this step's write transaction, after expiry and
/// escalation.
fn retention(conn: &mut DbConnection, now: NaiveDateTime, months: u32) -> Result<usize, AppError> {
    crate::services::privacy::apply_retention(conn, now, months)
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

/// Starts the periodic sweep inside `serve` (every `sweep_minutes`; 0 turns it off), with the
/// global matching batch in the first sweep after every six-hour boundary. The first sweep
/// runs one interval after start. Failures are logged, never fatal.
pub fn spawn_periodic(
    state: actix_web::web::Data<AppState>,
) -> Option<actix_web::rt::task::JoinHandle<()>> {
    let minutes = state.settings.sweep_minutes;
    if minutes == 0 {
        return None;
    }
    let period = std::time::Duration::from_secs(u64::from(minutes) * 60);
    Some(actix_web::rt::spawn(async move {
        let mut ticks =
            actix_web::rt::time::interval_at(actix_web::rt::time::Instant::now() + period, period);
        loop {
            ticks.tick().await;
            let (now, policy) = (state.clock.now_naive(), state.policy());
            let batch = batch_due(now, period);
            if let Err(error) = db::run(&state.pool, move |conn| {
                sweep_with(conn, now, &policy, batch)
            })
            .await
            {
                tracing::error!(?error, "sweep failed");
            }
        }
    }))
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
