//! Settings, read once from the environment (and a `.env` file in development) by the binary and
//! passed into [`crate::startup::Application::build`]. Nothing here is global: tests build their
//! own `Settings` value.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, ValueEnum};

/// Every setting of the service. Each one is also a command-line flag; `hulpmarkt --help` lists
/// them with their environment variable and default.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Where the data lives: `sqlite://PATH` (embedded, the default) or
    /// `postgres://USER@HOST:PORT/DB` (for several server instances sharing one database).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://hulpmarkt.db")]
    pub database_url: String,

    /// Address and port the HTTP server listens on.
    #[arg(long, env = "HULPMARKT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Log filter in `tracing` syntax, e.g. `info` or `hulpmarkt=debug,actix_web=info`.
    #[arg(long, env = "HULPMARKT_LOG", default_value = "info")]
    pub log_level: String,

    /// Log line format: `plain` for people, `json` for log collectors.
    #[arg(long, env = "HULPMARKT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Plain)]
    pub log_format: LogFormat,

    /// Secret (at least 32 bytes) that signs access tokens. When unset, a random secret is made
    /// at start and tokens do not survive a restart. Shared by all instances behind one database.
    #[arg(long, env = "HULPMARKT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// Maximum number of database connections per server instance (reads, and writes on
    /// PostgreSQL). Unset: see [`Settings::pool_size`].
    #[arg(long, env = "HULPMARKT_DB_POOL_SIZE")]
    pub db_pool_size: Option<u32>,

    /// How long a request waits for a free database connection before it is answered with 503.
    #[arg(long, env = "HULPMARKT_DB_TIMEOUT_MS", default_value_t = 5_000)]
    pub db_timeout_ms: u64,

    /// SQLite durability: `full` syncs the write-ahead log on every commit, so an acknowledged
    /// write survives a power cut; `normal` syncs only at checkpoints and may lose the last
    /// transactions on power loss (never on a process crash). Ignored on PostgreSQL.
    #[arg(long, env = "HULPMARKT_SQLITE_SYNCHRONOUS", value_enum, default_value_t = SqliteSynchronous::Full)]
    pub sqlite_synchronous: SqliteSynchronous,

    /// Largest request body accepted, in bytes; larger bodies get 413.
    #[arg(long, env = "HULPMARKT_BODY_LIMIT", default_value_t = 64 * 1024)]
    pub body_limit: usize,

    /// Login and registration attempts allowed per client IP in a burst (refilled per minute).
    #[arg(long, env = "HULPMARKT_LOGIN_BURST_PER_IP", default_value_t = 30)]
    pub login_burst_per_ip: u32,

    /// Login attempts allowed per account (e-mail) in a burst (refilled per minute).
    #[arg(long, env = "HULPMARKT_LOGIN_BURST_PER_ACCOUNT", default_value_t = 5)]
    pub login_burst_per_account: u32,

    /// Password hashes allowed to wait for a free core; past this, login and registration
    /// answer 503 with Retry-After at once instead of queueing.
    #[arg(long, env = "HULPMARKT_HASH_QUEUE", default_value_t = 16)]
    pub hash_queue: usize,

    /// Hours a volunteer has to answer a proposal before it goes to the next candidate.
    #[arg(long, env = "HULPMARKT_PROPOSAL_HOURS", default_value_t = 48)]
    pub proposal_hours: u32,

    /// New proposals a volunteer receives at most per 24 hours, so nobody is flooded.
    #[arg(long, env = "HULPMARKT_DAILY_PROPOSAL_CAP", default_value_t = 3)]
    pub daily_proposal_cap: u32,

    /// Minutes between runs of the background sweeper (proposal expiry, escalation,
    /// retention) and of the global matching batch inside `serve` (0 turns both off).
    #[arg(long, env = "HULPMARKT_SWEEP_MINUTES", default_value_t = 5)]
    pub sweep_minutes: u32,

    /// Minutes between counts of recent demand per volunteer (issue 5's demand policy: among
    /// the volunteers who can help, prefer the one fewer recent requests could also use);
    /// 0 turns the policy off and candidates are ranked by their score alone.
    #[arg(long, env = "HULPMARKT_DEMAND_RECOUNT_MINUTES", default_value_t = 60)]
    pub demand_recount_minutes: u32,

    /// Number of HTTP worker threads (0 = one per core).
    #[arg(long, env = "HULPMARKT_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// How `serve` has its threads scheduled on Linux (see `src/scheduling.rs`): `batch`
    /// (SCHED_BATCH, no wakeup preemption: far fewer thread switches per request) or `normal`.
    #[arg(long, env = "HULPMARKT_SCHEDULING", value_enum, default_value_t = Scheduling::Batch)]
    pub scheduling: Scheduling,

    /// Months after which finished help requests, matches and cases are anonymised (AVG:
    /// storage limitation). The sweeper applies it; counts, dates, categories and PC4 stay.
    #[arg(long, env = "HULPMARKT_RETENTION_MONTHS", default_value_t = 12)]
    pub retention_months: u32,

    /// SMTP server for notification e-mails: `smtp://host:port` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host:465`. Unset: no
    /// e-mail; the in-app feed and the municipalities' webhooks still work.
    #[arg(long, env = "HULPMARKT_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// Sender of notification e-mails, e.g. `Gemeente Utrecht <hulpmarkt@utrecht.nl>`.
    #[arg(
        long,
        env = "HULPMARKT_SMTP_FROM",
        default_value = "Hulpmarkt <noreply@localhost>"
    )]
    pub smtp_from: String,

    /// Address of the residents' app or site, linked from notifications (optional).
    #[arg(long, env = "HULPMARKT_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds between passes of the notification dispatcher (0 turns it off).
    #[arg(long, env = "HULPMARKT_DISPATCH_SECONDS", default_value_t = 5)]
    pub dispatch_seconds: u32,

    /// Milliseconds a client has to send a request's line and headers; past this the
    /// connection is answered 408 and closed (slow-header clients hold no connection long).
    #[arg(
        long,
        env = "HULPMARKT_CLIENT_REQUEST_TIMEOUT_MS",
        default_value_t = 5_000
    )]
    pub client_request_timeout_ms: u64,

    /// Milliseconds a closing connection is kept for the client to shut its side.
    #[arg(
        long,
        env = "HULPMARKT_CLIENT_DISCONNECT_TIMEOUT_MS",
        default_value_t = 2_000
    )]
    pub client_disconnect_timeout_ms: u64,

    /// Milliseconds a client has to send a whole request body once the headers arrived; past
    /// this the request is answered 408 and the connection closed.
    #[arg(long, env = "HULPMARKT_BODY_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,

    /// Bearer token that `GET /metrics` requires. Unset: `/metrics` answers 404, so the
    /// metrics are never public by accident.
    #[arg(long, env = "HULPMARKT_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,

    /// The case workers' workplace (`/werkplek/`): its session cookie and time-outs.
    #[command(flatten)]
    pub web: crate::web::WebSettings,
}

impl Settings {
    /// Settings for a database URL with every other value at its default (tests, tools).
    pub fn with_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            log_level: "info".into(),
            log_format: LogFormat::Plain,
            jwt_secret: None,
            db_pool_size: None,
            db_timeout_ms: 5_000,
            sqlite_synchronous: SqliteSynchronous::Full,
            body_limit: 64 * 1024,
            login_burst_per_ip: 30,
            login_burst_per_account: 5,
            hash_queue: 16,
            proposal_hours: 48,
            daily_proposal_cap: 3,
            sweep_minutes: 5,
            demand_recount_minutes: 60,
            workers: 0,
            scheduling: Scheduling::Batch,
            retention_months: 12,
            smtp_url: None,
            smtp_from: "Hulpmarkt <noreply@localhost>".into(),
            public_url: None,
            dispatch_seconds: 5,
            client_request_timeout_ms: 5_000,
            client_disconnect_timeout_ms: 2_000,
            body_timeout_ms: 10_000,
            metrics_token: None,
            web: crate::web::WebSettings::default(),
        }
    }

    /// How many pooled connections to open at most for `url`: `db_pool_size`, or when unset
    /// twice the cores plus one on PostgreSQL and twice the cores (at least 4) on SQLite.
    pub fn pool_size(&self, url: &DatabaseUrl) -> u32 {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        let default = match url {
            // A transaction needs CPU on both sides between its round trips, so beyond about
            // two per core more connections only take turns on the cores while holding their
            // transactions open ("idle in transaction" in pg_stat_activity), and the requests
            // that lose the turn make the tail: creating help requests at 32 connections on 2
            // cores, p99 40-43 ms with 4-6 connections against 81-95 ms with 16 and 80 ms with
            // 32, at the same rate; reading one request, p99 4.4 ms against 16-23 ms.
            DatabaseUrl::Postgres(_) => 2 * cores + 1,
            // Reads are CPU work on a local file (writes have their own connection), and each
            // connection keeps its own page cache: more connections than cores only spread
            // the hot pages over more cold caches and add thread switches (reading one help
            // request in paired runs of bench/load.sh: 10-20 % more per second with 4
            // connections than with 16).
            DatabaseUrl::Sqlite(_) => (2 * cores).max(4),
        };
        self.db_pool_size.unwrap_or(default).max(1)
    }

    /// The database URL checked for a scheme this build understands.
    pub fn database(&self) -> Result<DatabaseUrl, ConfigError> {
        DatabaseUrl::parse(&self.database_url)
    }

    /// How long to wait for a pooled connection.
    pub fn db_timeout(&self) -> Duration {
        Duration::from_millis(self.db_timeout_ms)
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Plain,
    /// One JSON object per line.
    Json,
}

/// The scheduling policy of the serving threads (see [`Settings::scheduling`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheduling {
    /// SCHED_BATCH: a woken thread does not preempt the running one.
    Batch,
    /// The system's default policy, untouched.
    Normal,
}

/// SQLite `PRAGMA synchronous` level (see [`Settings::sqlite_synchronous`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqliteSynchronous {
    /// Durable on power loss.
    Full,
    /// Durable on process crash only.
    Normal,
}

/// A secret that never appears in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// A database location whose scheme has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, passed to libpq as is.
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `postgres://…` and `postgresql://…`; anything
    /// else is an error, so a typo such as `postgress://` never silently creates an SQLite file.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if rest.is_empty() {
                return Err(ConfigError::DatabaseUrl(
                    "an SQLite URL needs a file path, e.g. sqlite://hulpmarkt.db".into(),
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(rest)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        Err(ConfigError::DatabaseUrl(format!(
            "unsupported scheme {scheme:?}; use sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }

    /// `sqlite` or `postgres`, for logs and metrics.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// A setting that cannot be used; start-up stops with this message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `DATABASE_URL` is not usable.
    #[error("DATABASE_URL: {0}")]
    DatabaseUrl(String),
    /// `HULPMARKT_JWT_SECRET` is not usable.
    #[error("HULPMARKT_JWT_SECRET: {0}")]
    JwtSecret(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_size_depends_on_the_backend_unless_set() {
        let sqlite = DatabaseUrl::parse("sqlite://x.db").unwrap();
        let postgres = DatabaseUrl::parse("postgres://u@localhost/db").unwrap();
        let mut settings = Settings::with_database("sqlite://x.db");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        assert_eq!(settings.pool_size(&postgres), 2 * cores + 1);
        assert_eq!(settings.pool_size(&sqlite), (2 * cores).max(4));
        settings.db_pool_size = Some(7);
        assert_eq!(settings.pool_size(&sqlite), 7);
        assert_eq!(settings.pool_size(&postgres), 7);
        settings.db_pool_size = Some(0);
        assert_eq!(settings.pool_size(&sqlite), 1, "at least one connection");
    }

    #[test]
    fn parses_supported_database_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://hulpmarkt.db").unwrap(),
            DatabaseUrl::Sqlite("hulpmarkt.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
    }

    #[test]
    fn rejects_typos_and_unknown_schemes_naming_the_setting() {
        for url in [
            "postgress://x",
            "mysql://x",
            "hulpmarkt.db",
            "sqlite://",
            "",
        ] {
            let err = DatabaseUrl::parse(url).unwrap_err().to_string();
            assert!(err.starts_with("DATABASE_URL"), "{url}: {err}");
        }
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let s = Secret::new("super-secret-value");
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }
}
