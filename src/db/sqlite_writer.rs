//! SQLite's single writer, with group commit.
//!
//! SQLite admits one writer at a time, and with `synchronous = FULL` each commit waits for
//! the disk (an fsync of the write-ahead log) and writes every page it
//! changed, even when the previous commit just wrote the same index pages. So all writes go
//! through one thread with one connection, and that thread runs the writes that are waiting
//! together in one transaction: each in its own savepoint, so a write that fails (a 409, a
//! 422 found late) is rolled back alone and the others go on, then one `COMMIT` for the
//! group. A write is answered only after the commit that holds it succeeded: a failed
//! commit fails every write of its group, so nothing acknowledged can be lost. The order is
//! the order of arrival, and each write sees every write before it, as with one transaction
//! after another.
//!
//! Groups form by themselves: while one group commits, the next requests queue up. Nothing
//! waits for company; a lone write commits at once.
//!
//! Besides the fsync and the pages written once per group, this keeps what the single
//! connection gave before: the next write starts the moment the previous one is done, on a
//! page cache that no other connection's commit invalidates, without holding a pooled
//! connection that readers need, and without a trip through the blocking thread pool.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::mpsc,
};

use diesel::{
    connection::{AnsiTransactionManager, SimpleConnection, TransactionManager},
    Connection,
};

use super::{sqlite_checkpoint::Checkpointer, DbConnection, Manager};
use crate::error::AppError;

/// Page cache of the writer connection (KiB): it keeps the pages every new request touches
/// (the tables' key indexes, the re-read candidates), and since it is the connection that
/// writes, its cache is never invalidated by another connection's commit.
const WRITER_CACHE_KIB: u32 = 16 * 1024;

/// WAL pages after which the writer copies the log back into the database itself, inside a
/// commit (SQLite's automatic checkpoint; its default is 1,000 pages, 4 MiB). The copying
/// thread of `sqlite_checkpoint` has the log start over at a quarter of this, with little
/// left for the writer to do; this stays as the bound should that thread fall behind.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 16_000;

/// At most this many writes share one commit, so that the first of a group does not wait
/// for many after it (each runs in well under a millisecond).
const MAX_GROUP: usize = 32;

/// What the writer thread calls once the group's commit is decided: `Ok` when it committed.
type Finish = Box<dyn FnOnce(Result<(), ()>) + Send>;
/// One write: runs in its savepoint and returns how to answer once the commit is decided.
/// Dropped unrun (the group could not start), its caller is told the database is unavailable.
type Job = Box<dyn FnOnce(&mut DbConnection) -> Finish + Send>;

/// The handle to the writer thread; the thread ends when the last handle is dropped.
pub(super) struct SqliteWriter {
    jobs: mpsc::Sender<Job>,
}

impl SqliteWriter {
    /// Starts the writer thread for `manager`'s database (the connection opens on first use).
    pub(super) fn start(manager: Manager) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let checkpointer = Checkpointer::start(manager.clone())?;
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || serve(&manager, &queue, &checkpointer))?;
        Ok(Self { jobs })
    }

    /// Runs `work` as one write (see the module documentation) and answers after the commit.
    pub(super) async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T, AppError>>();
        let job: Job = Box::new(move |conn: &mut DbConnection| -> Finish {
            // Inside the group's transaction diesel makes this a savepoint: an error rolls
            // back this write alone.
            let result = conn.transaction(work);
            Box::new(move |committed: Result<(), ()>| {
                let reply = match (result, committed) {
                    (Ok(value), Ok(())) => Ok(value),
                    (Ok(_), Err(())) => Err(not_stored()),
                    (Err(error), _) => Err(error),
                };
                // The caller may have gone (a dropped connection); the write stands.
                let _ = answer.send(reply);
            })
        });
        self.jobs.send(job).map_err(|_| not_stored())?;
        answered.await.map_err(|_| not_stored())?
    }
}

/// The answer to a write that was not stored (its group could not start or commit).
fn not_stored() -> AppError {
    AppError::Unavailable(
        "the database could not store the change; nothing was changed, try again".into(),
    )
}

/// The writer thread: takes the writes that are waiting, runs them as one group, commits.
fn serve(manager: &Manager, queue: &mpsc::Receiver<Job>, checkpointer: &Checkpointer) {
    let mut conn: Option<DbConnection> = None;
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let connection = match &mut conn {
            Some(c) => c,
            None => match open(manager) {
                Ok(c) => conn.insert(c),
                Err(error) => {
                    tracing::error!(%error, "opening the database for writing failed");
                    continue; // the group is dropped: each caller hears "unavailable"
                }
            },
        };
        if run_group(connection, group) {
            checkpointer.between_groups(connection);
        } else {
            // A write panicked, or a failed commit could not be rolled back: the connection
            // may be inside a transaction in a state diesel no longer tracks. Closing it rolls
            // that transaction back; the next group opens a fresh one.
            conn = None;
        }
    }
}

/// The writer's connection. Besides its cache and checkpoint interval it keeps temporary
/// storage in memory: every write runs in a savepoint, whose statement journal SQLite
/// otherwise writes to a temporary file (a `pwrite` to `/var/tmp` per changed page, seen
/// taking milliseconds while the database file was being synced). The journal lives until
/// the group commits: a few pages per write.
fn open(manager: &Manager) -> Result<DbConnection, AppError> {
    let mut conn = manager
        .connect()
        .map_err(|e| AppError::Unavailable(format!("opening the database: {e}")))?;
    conn.batch_execute(&format!(
        "PRAGMA cache_size = -{WRITER_CACHE_KIB}; \
         PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}; \
         PRAGMA temp_store = MEMORY;"
    ))?;
    Ok(conn)
}

/// Runs one group in one transaction. False when the connection must not be used again: a
/// write panicked (the group is then abandoned unanswered, which its callers hear as
/// "unavailable"), or a failed commit could not be rolled back.
fn run_group(conn: &mut DbConnection, group: Vec<Job>) -> bool {
    let DbConnection::Sqlite(sqlite) = conn else {
        return true; // the writer is only started for SQLite
    };
    if let Err(error) = AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE") {
        tracing::error!(%error, "starting a write transaction failed");
        return true; // dropped unrun: "unavailable"
    }
    let mut finishes: Vec<Finish> = Vec::with_capacity(group.len());
    for job in group {
        match catch_unwind(AssertUnwindSafe(|| job(conn))) {
            Ok(finish) => finishes.push(finish),
            Err(_) => {
                tracing::error!("a write panicked; its group is rolled back");
                return false;
            }
        }
    }
    let mut usable = true;
    let committed = match <DbConnection as Connection>::TransactionManager::commit_transaction(conn)
    {
        Ok(()) => Ok(()),
        Err(error) => {
            tracing::error!(%error, "committing a group of writes failed");
            if let Err(error) =
                <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(%error, "rollback failed");
                usable = false;
            }
            Err(())
        }
    };
    for finish in finishes {
        finish(committed);
    }
    usable
}

#[cfg(test)]
mod tests {
    use diesel::{sql_query, sql_types::BigInt, QueryableByName, RunQueryDsl};

    use super::*;
    use crate::config::{DatabaseUrl, SqliteSynchronous};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn count(conn: &mut DbConnection, sql: &str) -> i64 {
        sql_query(sql).get_result::<Count>(conn).expect("count").n
    }

    /// Many writes at once, every third failing after it wrote: each failure is rolled back
    /// alone, every success is stored and answered, and later writes see earlier ones.
    #[actix_rt::test]
    async fn a_failing_write_is_rolled_back_alone_within_its_group() {
        let dir = tempfile::tempdir().expect("temp dir");
        let manager = Manager::new(
            DatabaseUrl::Sqlite(dir.path().join("group.db")),
            SqliteSynchronous::Full,
        );
        let mut setup = manager.connect().expect("connect");
        setup
            .batch_execute("CREATE TABLE notes (n INTEGER PRIMARY KEY)")
            .expect("table");
        let writer = std::sync::Arc::new(SqliteWriter::start(manager).expect("writer"));
        let writes = (0..60i64).map(|n| {
            let writer = writer.clone();
            async move {
                writer
                    .run(move |conn| {
                        sql_query(format!("INSERT INTO notes (n) VALUES ({n})")).execute(conn)?;
                        if n % 3 == 0 {
                            return Err(AppError::Conflict {
                                detail: crate::msg!("conflict-same-moment"),
                                existing_id: None,
                            });
                        }
                        Ok(count(conn, "SELECT COUNT(*) AS n FROM notes"))
                    })
                    .await
            }
        });
        let answers = futures_util::future::join_all(writes).await;
        let mut seen_before = Vec::new();
        for (n, answer) in answers.into_iter().enumerate() {
            match answer {
                Ok(rows) => seen_before.push(rows),
                Err(AppError::Conflict { .. }) => assert_eq!(n % 3, 0, "write {n} failed"),
                Err(other) => panic!("write {n}: {other}"),
            }
        }
        assert_eq!(seen_before.len(), 40);
        // Each write saw the ones before it (in the order of arrival), none of the refused.
        assert!(seen_before.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(seen_before.last(), Some(&40));
        assert_eq!(count(&mut setup, "SELECT COUNT(*) AS n FROM notes"), 40);
        assert_eq!(
            count(
                &mut setup,
                "SELECT COUNT(*) AS n FROM notes WHERE n % 3 = 0"
            ),
            0,
            "the refused writes left nothing"
        );
    }

    /// Steady writes for longer than many copies (100 MB of pages, one group after another):
    /// the log starts over near `RESTART_AT_FRAMES` instead of growing to the writer's own
    /// bound (its file never shrinks, so its size is the longest the log ever was).
    #[actix_rt::test]
    async fn under_steady_writes_the_log_starts_over_long_before_the_writers_bound() {
        use crate::db::sqlite_checkpoint::RESTART_AT_FRAMES;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("steady.db");
        let manager = Manager::new(DatabaseUrl::Sqlite(path.clone()), SqliteSynchronous::Normal);
        let mut setup = manager.connect().expect("connect");
        setup
            .batch_execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB NOT NULL)")
            .expect("table");
        let writer = SqliteWriter::start(manager).expect("writer");
        let writes = 1_600;
        for _ in 0..writes {
            writer
                .run(|conn| {
                    sql_query("INSERT INTO blobs (b) VALUES (randomblob(65536))").execute(conn)?;
                    Ok(())
                })
                .await
                .expect("write");
            actix_rt::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        assert_eq!(count(&mut setup, "SELECT COUNT(*) AS n FROM blobs"), writes);
        let frame_bytes = 4096 + 24;
        let longest = std::fs::metadata(dir.path().join("steady.db-wal"))
            .expect("the log")
            .len()
            / frame_bytes;
        let written = writes as u64 * 16;
        assert!(
            longest > u64::try_from(RESTART_AT_FRAMES).expect("positive"),
            "the log should have reached the restart length: {longest} frames"
        );
        assert!(
            longest < u64::from(WAL_AUTOCHECKPOINT_PAGES) * 3 / 4,
            "the log grew to {longest} frames of the {written} written"
        );
    }
}
