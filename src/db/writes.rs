//! The write path: one write transaction per workflow (see [`transaction`]).

use std::time::Duration;

use diesel::Connection;

use super::{DbConnection, Pool};
use crate::error::AppError;

/// Attempts of a PostgreSQL write transaction that loses to a concurrent one.
pub const WRITE_ATTEMPTS: u32 = 4;

/// Runs `work` inside one write transaction and answers once it is committed.
///
/// On SQLite every write goes to one writer thread with one connection, which commits the
/// writes waiting at the same moment together, each in its own savepoint (group commit; see
/// `db::sqlite_writer`). SQLite admits one writer anyway, and letting pooled connections
/// compete for it cost twice: a writer that finds the lock taken sleeps in SQLite's busy
/// handler (naps of up to 100 ms, long after the lock is free again), and in WAL mode each
/// commit empties the page cache of every *other* connection. (Another process writing the
/// same file still meets busy_timeout.) On PostgreSQL it is an ordinary transaction on a
/// pooled connection, on the blocking pool (see [`run`]).
///
/// On PostgreSQL a transaction that lost to a concurrent one (a deadlock broken by the server,
/// a serialization failure) has stored nothing and is run again, at most
/// [`WRITE_ATTEMPTS`] times in all, after a short pause; then it is a 503 with `Retry-After`.
/// So `work` may run more than once and must keep nothing of an attempt outside the database.
pub async fn transaction<T, F>(pool: &Pool, mut work: F) -> Result<T, AppError>
where
    F: FnMut(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    if let Some(writer) = &pool.sqlite_writer {
        let done = writer.run(work).await;
        if let Some(pause) = pool.pause_after_write {
            actix_web::rt::time::sleep(pause).await;
        }
        return done;
    }
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let mut attempt = 1;
        loop {
            let done = write_transaction(&mut conn, &mut work);
            match done {
                Err(err) if err.is_write_conflict() && attempt < WRITE_ATTEMPTS => {
                    tracing::debug!(
                        attempt,
                        "a write lost to a concurrent one; running it again"
                    );
                    std::thread::sleep(Duration::from_millis(5 << attempt));
                    attempt += 1;
                }
                Ok(value) => {
                    conn.prove();
                    return Ok(value);
                }
                Err(err) => return Err(err),
            }
        }
    })
    .await?
}

/// Runs `work` in a transaction that intends to write. On SQLite it starts with
/// `BEGIN IMMEDIATE`, taking the write lock up front: a deferred transaction that reads first
/// and writes later fails with "database is locked" when another writer got in between,
/// which busy_timeout cannot wait out. On PostgreSQL it is an ordinary transaction.
pub fn write_transaction<T, F>(conn: &mut DbConnection, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => {
            // The original error matters more than a failed rollback; log the latter.
            if let Err(rollback) =
                <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    }
}
