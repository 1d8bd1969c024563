//! The multi-table workflows: each checks what it needs, writes in one transaction and
//! leaves side effects until after the commit.

pub mod account_tokens;
pub mod accounts;
pub mod batch;
pub mod candidate_search;
pub mod case_decisions;
pub mod case_file;
pub mod case_handover;
pub mod case_proposals;
pub mod case_trend;
pub mod dispatch;
pub mod engine_rows;
pub mod escalation;
pub mod help_requests;
pub mod intake;
pub mod live_offers;
pub mod match_lifecycle;
pub mod matching;
pub mod need_map;
pub mod notify;
pub mod offers;
pub mod policy;
pub mod privacy;
pub mod safeguarding;
#[cfg(feature = "bench-tools")]
pub mod seed;
pub mod staff;
pub mod staff_lifecycle;
pub mod statistics;
pub mod sweeper;
pub mod web_sessions;
pub mod webhooks;
pub mod workplace;

use crate::{
    db::{self, DbConnection, Pool},
    error::AppError,
};

/// Runs a workflow that may propose (it takes the matching policy) as one write transaction
/// (`db::transaction`), then applies what it learnt about the offers to the in-memory index:
/// after the commit, never for a rollback (see `live_offers`). Before the transaction the
/// index is built if it is not there yet, on a pooled connection, so that a write never
/// waits for a build while it holds the database's write lock.
/// `work` may run again after a lost race on PostgreSQL (see `db::transaction`); the notes of
/// an attempt that rolled back are dropped.
pub async fn write<T, F>(pool: &Pool, policy: matching::Policy, mut work: F) -> Result<T, AppError>
where
    F: FnMut(&mut DbConnection, &matching::Policy) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let offers = policy.offers.clone();
    offers_loaded(pool, &offers).await?;
    let (value, notes) = db::transaction(pool, move |conn| {
        drop(policy.take_notes());
        let value = work(conn, &policy)?;
        Ok((value, policy.take_notes()))
    })
    .await?;
    offers.apply(notes);
    Ok(value)
}

/// Builds the in-memory offer index if it is not there yet, on a pooled connection of its
/// own, so that no transaction (which may hold the database's write lock) waits for a build:
/// [`write`] and the reads that consult the index (a case's suggestions) call it first.
pub async fn offers_loaded(
    pool: &Pool,
    offers: &std::sync::Arc<live_offers::LiveOffers>,
) -> Result<(), AppError> {
    if !offers.is_loaded() {
        let building = offers.clone();
        db::run(pool, move |conn| building.ensure_loaded(conn)).await?;
    }
    Ok(())
}

/// Attempts of one step of a long job (see [`retry_busy`]).
const STEP_ATTEMPTS: u32 = 5;

/// Runs one step of a long job (a batch, a sweep), again after a growing pause when the
/// database could not take it (503: busy, a deadlock, a failed group commit), at most
/// [`STEP_ATTEMPTS`] times. A step checks again everything it changes, so running it twice is
/// safe.
pub async fn retry_busy<T, F, Fut>(mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(AppError::Unavailable(reason)) if tries < STEP_ATTEMPTS => {
                tracing::warn!(%reason, tries, "a step of a long job is tried again");
                actix_web::rt::time::sleep(std::time::Duration::from_millis(
                    250 * u64::from(tries),
                ))
                .await;
                tries += 1;
            }
            done => return done,
        }
    }
}

/// Runs one item of a long job's step in a savepoint of the step's transaction. A lost race
/// (409: the request moved on, a concurrent proposal took the one live place) rolls back that
/// item alone and answers `None`; the step goes on with the next item. On PostgreSQL a
/// failed statement would otherwise abort the whole step.
pub fn unless_lost_race<T>(
    conn: &mut DbConnection,
    item: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<Option<T>, AppError> {
    use diesel::Connection;
    match conn.transaction(item) {
        Ok(value) => Ok(Some(value)),
        Err(AppError::Conflict { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}
