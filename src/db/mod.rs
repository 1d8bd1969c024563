//! Storage: one connection type over SQLite and PostgreSQL, the pool, embedded migrations and
//! the one helper through which async code runs blocking diesel work.

pub mod account_tokens;
pub mod audit;
#[cfg(feature = "bench-tools")]
pub mod bulk;
pub mod cases;
mod columns;
pub mod deliveries;
pub mod help_requests;
mod lookups;
pub mod matches;
pub mod municipality_settings;
pub mod notifications;
pub mod offer_index;
pub mod offers;
pub mod people;
pub mod privacy;
pub mod refresh_tokens;
pub mod schema;
mod sqlite_checkpoint;
mod sqlite_writer;
pub mod statistics;
pub mod users;
pub mod web_sessions;
pub mod webhooks;
mod writes;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use diesel::{
    connection::SimpleConnection,
    r2d2::{self, ManageConnection},
    Connection, PgConnection, SqliteConnection,
};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use self::sqlite_writer::SqliteWriter;
pub use self::writes::{transaction, write_transaction, WRITE_ATTEMPTS};
use crate::{
    config::{DatabaseUrl, Settings, SqliteSynchronous},
    error::AppError,
};

/// Migrations for each backend; the folders hold identical migration names.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// See [`SQLITE_MIGRATIONS`].
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend. Queries written against it are portable; where SQL really
/// differs, code in `db/` matches on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, for larger deployments with several instances.
    Pg(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

/// Runs `$body` on the backend's own connection, bound to `$c`, for queries on hot paths.
///
/// Diesel's derived [`DbConnection`] hands a query to its backend by writing out the query's
/// whole SQL, on every execution and even when the prepared statement is cached (a large
/// part of the CPU of reading one help request by id; see `bench/HISTORY.md`). On the
/// backend's own connection the cached statement is found by the query's type and only the
/// values are bound. The body is compiled once per backend, so it must be portable.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Pg($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use lookups::{by_chunks, one_of, LOOKUP_CHUNK};
pub(crate) use on_backend;

/// The connection pool shared by all workers (an r2d2 pool, which it dereferences to), plus
/// on SQLite the one connection that writes (see [`transaction`]).
#[derive(Clone)]
pub struct Pool {
    connections: r2d2::Pool<Manager>,
    sqlite_writer: Option<Arc<SqliteWriter>>,
    postgres: bool,
    /// How long [`transaction`] leaves SQLite's write lock free after each write (see
    /// [`Pool::beside_a_server`]).
    pause_after_write: Option<Duration>,
}

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<Manager>;
    fn deref(&self) -> &Self::Target {
        &self.connections
    }
}

/// Longer than the longest nap of SQLite's busy handler (100 ms).
const PAUSE_FOR_OTHER_WRITERS: Duration = Duration::from_millis(120);

impl Pool {
    /// Whether this pool is on PostgreSQL (several instances may share the database).
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// This pool for a command that may run beside a serving process on the same SQLite file
    /// (`hulpmarkt match`, `sweep`, `retention`). The two processes' writers meet at SQLite's
    /// lock, where a writer that finds it taken sleeps in naps of up to 100 ms: a command
    /// writing its steps back to back could keep the server out for a second. So after each
    /// write the command leaves the lock free for longer than one nap. PostgreSQL has row
    /// locks instead and needs no pause.
    pub fn beside_a_server(mut self) -> Self {
        if !self.postgres {
            self.pause_after_write = Some(PAUSE_FOR_OTHER_WRITERS);
        }
        self
    }
}

/// A connection checked out of the pool.
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// How long after a use that went well a PostgreSQL connection is handed out again without
/// the round trip that tests it (see [`VouchedConnection`]).
const PROVEN_FOR: Duration = Duration::from_millis(250);

/// A pooled connection, and when work on it last succeeded.
///
/// A PostgreSQL connection can die with its server (a restart, a failover), so the pool
/// tests one with a round trip before handing it out, a large share of the statements of
/// reading one request (paired runs: `bench/HISTORY.md`). A connection that [`run`]
/// or [`transaction`] used successfully less than [`PROVEN_FOR`] ago skips that test once:
/// the proof is used up by the check-out, and only another success renews it. A connection
/// whose work failed, or that something else used, is tested again. What a server that
/// dies inside that quarter second costs is the one request per connection that was about
/// to start on it, answered 503 like the requests already running on it.
pub struct VouchedConnection {
    conn: DbConnection,
    proven_at: Option<Instant>,
}

impl VouchedConnection {
    /// Notes that work on this connection just succeeded.
    fn prove(&mut self) {
        self.proven_at = Some(Instant::now());
    }

    /// Whether it may be handed out without a test (using the proof up).
    fn take_proof(&mut self) -> bool {
        self.proven_at
            .take()
            .is_some_and(|at| at.elapsed() < PROVEN_FOR)
    }
}

impl std::ops::Deref for VouchedConnection {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for VouchedConnection {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// Page cache of each pooled (reading) SQLite connection, KiB.
const READER_CACHE_KIB: u32 = 1024;

/// Opens connections for one checked [`DatabaseUrl`], choosing the backend explicitly (the
/// derived `establish` would try each backend in turn) and setting SQLite's per-connection
/// pragmas.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    synchronous: SqliteSynchronous,
}

impl Manager {
    /// A manager for `url`.
    pub fn new(url: DatabaseUrl, synchronous: SqliteSynchronous) -> Self {
        Self { url, synchronous }
    }

    /// Opens one connection.
    pub fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url).map(DbConnection::Pg),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                let synchronous = match self.synchronous {
                    SqliteSynchronous::Full => "FULL",
                    SqliteSynchronous::Normal => "NORMAL",
                };
                // WAL lets readers proceed while one writer commits; busy_timeout makes a second
                // writer wait for the lock instead of failing at once; foreign keys are off by
                // default in SQLite and must be enabled on every connection. A reading
                // connection's page cache is emptied by every commit of the writer (WAL), so
                // under writes a large one only holds memory: 1 MiB each (the writer sets
                // its own, see `sqlite_writer`).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous}; \
                     PRAGMA cache_size = -{READER_CACHE_KIB};"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = VouchedConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<VouchedConnection, r2d2::Error> {
        let conn = Manager::connect(self).map_err(r2d2::Error::ConnectionError)?;
        Ok(VouchedConnection {
            conn,
            proven_at: None,
        })
    }

    fn is_valid(&self, conn: &mut VouchedConnection) -> Result<(), r2d2::Error> {
        if conn.take_proof() {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut VouchedConnection) -> bool {
        // A connection left inside a transaction that could not be rolled back is not
        // returned to the pool.
        diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

/// Builds the pool. Connections are opened lazily, so a database that is down at this moment
/// makes requests answer 503 rather than stopping the process.
pub fn build_pool(settings: &Settings, url: DatabaseUrl) -> Pool {
    build_pool_keeping(settings, url, 1)
}

/// The pool of a one-off command: it keeps no idle connection, so no background thread is
/// still opening one (a TLS handshake) when the command exits; one doing so crashed the
/// process at exit (bench/HISTORY.md, tenth round).
pub fn build_command_pool(settings: &Settings, url: DatabaseUrl) -> Pool {
    build_pool_keeping(settings, url, 0)
}

fn build_pool_keeping(settings: &Settings, url: DatabaseUrl, min_idle: u32) -> Pool {
    let max = settings.pool_size(&url);
    let manager = Manager::new(url, settings.sqlite_synchronous);
    let sqlite_writer = match manager.url {
        DatabaseUrl::Sqlite(_) => match SqliteWriter::start(manager.clone()) {
            Ok(writer) => Some(Arc::new(writer)),
            Err(error) => {
                // Still correct without it: pooled connections then take turns on SQLite's
                // lock (busy_timeout), only slower.
                tracing::error!(%error, "could not start the SQLite writer thread");
                None
            }
        },
        DatabaseUrl::Postgres(_) => None,
    };
    // A PostgreSQL connection can die with its server (a restart, a failover): a check-out
    // tests it with one round trip unless it was just proven (see `VouchedConnection`). An SQLite
    // connection is a handle on a local file and cannot; testing it cost every request a
    // statement.
    let postgres = matches!(manager.url, DatabaseUrl::Postgres(_));
    let test_on_check_out = postgres;
    let connections = r2d2::Pool::builder()
        .max_size(max)
        .test_on_check_out(test_on_check_out)
        .min_idle(Some(min_idle))
        .connection_timeout(settings.db_timeout())
        .idle_timeout(Some(Duration::from_secs(600)))
        .build_unchecked(manager);
    Pool {
        connections,
        sqlite_writer,
        postgres,
        pause_after_write: None,
    }
}

/// Runs the embedded migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConnection::Pg(pg) => pg
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// Runs blocking diesel work on actix's blocking thread pool with a pooled connection. This is
/// the only way async code touches the database.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let done = work(&mut conn);
        if done.is_ok() {
            conn.prove();
        }
        done
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A success lets the next check-out skip the test, once, and only soon after it.
    #[test]
    fn a_proof_spares_one_check_out_its_test_and_only_soon_after() {
        let conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let mut pooled = VouchedConnection {
            conn: DbConnection::Sqlite(conn),
            proven_at: None,
        };
        assert!(!pooled.take_proof(), "never proven");
        pooled.prove();
        assert!(pooled.take_proof());
        assert!(!pooled.take_proof(), "used up by one check-out");
        pooled.prove();
        pooled.proven_at = Instant::now().checked_sub(PROVEN_FOR + Duration::from_millis(1));
        assert!(pooled.proven_at.is_some());
        assert!(!pooled.take_proof(), "too long ago");
    }
}
