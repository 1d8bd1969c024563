//! Copying SQLite's write-ahead log back into the database, mostly off the writer thread.
//!
//! A checkpoint ends with a sync of the database file, tens of milliseconds for the pages of
//! a few seconds of writes (figures: `bench/HISTORY.md`). Run by the writer
//! itself (SQLite's automatic checkpoint, inside a `COMMIT`), every write waiting behind it
//! waits that long, which set the p99 of `POST /help-requests`.
//!
//! So a thread of its own, with a connection of its own, copies the log every
//! [`COPY_EVERY`] (`PRAGMA wal_checkpoint(PASSIVE)`: it never waits for the writer nor
//! blocks it). That alone cannot bound the log: SQLite starts the log over only when a
//! write transaction begins and finds every frame copied, and the writer's transactions
//! follow one another without a gap, each adding frames while the copy runs. So once the log
//! holds [`RESTART_AT_FRAMES`], the copying thread asks the writer to copy the rest itself
//! between two groups ([`Checkpointer::between_groups`]): only the frames since the last copy
//! are left, and the sync has little to write. The next group then starts the log over.
//! The writer's automatic checkpoint stays as a bound ([`super::sqlite_writer`]) in case this
//! thread falls behind or fails.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc, Arc,
    },
    time::Duration,
};

use diesel::{sql_query, sql_types::Integer, QueryableByName, RunQueryDsl};

use super::{DbConnection, Manager};

/// How often the copying thread copies the log into the database.
pub(super) const COPY_EVERY: Duration = Duration::from_millis(200);
/// Frames (pages) in the log at which the writer is asked to finish the copy, so that the
/// log starts over (SQLite's own default checkpoint is at 1,000).
pub(super) const RESTART_AT_FRAMES: i32 = 4_000;

/// One row of `PRAGMA wal_checkpoint`.
#[derive(QueryableByName, Debug)]
struct Checkpoint {
    /// 1 when the checkpoint could not run (another one was running).
    #[diesel(sql_type = Integer)]
    busy: i32,
    /// Frames in the log.
    #[diesel(sql_type = Integer)]
    log: i32,
    /// Frames copied into the database so far.
    #[diesel(sql_type = Integer)]
    checkpointed: i32,
}

fn checkpoint(conn: &mut DbConnection) -> diesel::QueryResult<Checkpoint> {
    sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)
}

/// The writer's side of the copying thread; the thread ends when this is dropped.
pub(super) struct Checkpointer {
    /// Set by the copying thread when the log is long enough to start over.
    finish: Arc<AtomicBool>,
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts the copying thread for `manager`'s database.
    pub(super) fn start(manager: Manager) -> std::io::Result<Self> {
        let finish = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = mpsc::channel::<()>();
        let flag = finish.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || copy_until_stopped(&manager, &flag, &stopped))?;
        Ok(Self {
            finish,
            _stop: stop,
        })
    }

    /// Called by the writer between two groups (no transaction open): copies what the
    /// copying thread left when it asked for it. Never fails the writes; a checkpoint that
    /// cannot finish now is asked for again by the next copy.
    pub(super) fn between_groups(&self, conn: &mut DbConnection) {
        if !self.finish.swap(false, Ordering::AcqRel) {
            return;
        }
        match checkpoint(conn) {
            Ok(c) if c.busy == 0 && c.checkpointed == c.log => {}
            Ok(c) => tracing::debug!(?c, "the log could not be copied to its end yet"),
            Err(error) => tracing::warn!(%error, "finishing a checkpoint failed"),
        }
    }
}

fn copy_until_stopped(manager: &Manager, finish: &AtomicBool, stopped: &mpsc::Receiver<()>) {
    let mut conn: Option<DbConnection> = None;
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(COPY_EVERY) {
        let connection = match &mut conn {
            Some(c) => c,
            None => match manager.connect() {
                Ok(c) => conn.insert(c),
                Err(error) => {
                    tracing::warn!(%error, "opening the database for checkpoints failed");
                    continue;
                }
            },
        };
        match checkpoint(connection) {
            Ok(c) if c.busy == 0 && c.log >= RESTART_AT_FRAMES => {
                finish.store(true, Ordering::Release);
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "a checkpoint failed");
                conn = None; // open afresh next time
            }
        }
    }
}
