#![allow(dead_code)] // Shared helpers; not every test binary module uses every one.

//! The test harness: each test gets the real application, built by the same
//! `Application::build` as `main`, on a fresh database of its own. Without settings it uses a
//! temporary SQLite file; with `HULPMARKT_TEST_DATABASE_URL=postgres://…` it creates a fresh
//! PostgreSQL database per test and drops it afterwards. Requests and their answers are in
//! `helpers::http`, test users in `helpers::test_users`; both are re-exported here.

use std::net::SocketAddr;

use actix_web::web;
use diesel::{connection::SimpleConnection, Connection, PgConnection};
use hulpmarkt::{clock::ManualClock, config::Settings, startup::Application, state::AppState};

// Submodules, not siblings in `main.rs`: `tests/privacy_logs.rs` includes this file alone.
#[path = "http.rs"]
pub mod http;
#[path = "test_users.rs"]
pub mod test_users;

#[allow(unused_imports)] // `tests/privacy_logs.rs` uses none of them.
pub use self::{
    http::{json_with_status, problem, problem_naming},
    test_users::{TestUser, TEST_PASSWORD},
};

/// A database made for one test.
pub enum TestDatabase {
    /// A temporary directory holding `hulpmarkt.db`.
    Sqlite(tempfile::TempDir),
    /// A PostgreSQL database created on the admin URL's server.
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL admin URL, when the suite runs on PostgreSQL.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("HULPMARKT_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

impl TestDatabase {
    /// A fresh, empty database on the backend this run uses.
    pub fn create() -> (Self, String) {
        match postgres_admin_url() {
            Some(admin_url) => Self::create_postgres(&admin_url),
            None => Self::create_sqlite(),
        }
    }

    /// A fresh SQLite database, whatever backend this run uses.
    pub fn create_sqlite() -> (Self, String) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("hulpmarkt.db").display());
        (Self::Sqlite(dir), url)
    }

    fn create_postgres(admin_url: &str) -> (Self, String) {
        assert!(
            admin_url.starts_with("postgres"),
            "HULPMARKT_TEST_DATABASE_URL must be a postgres:// URL"
        );
        let name = format!("hulpmarkt_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::establish(admin_url).expect("connect to the PostgreSQL test server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        // The test database on the same server, with the admin URL's parameters (sslmode, …).
        let (base, params) = admin_url.split_once('?').unwrap_or((admin_url, ""));
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        let url = match params {
            "" => format!("{server}/{name}"),
            params => format!("{server}/{name}?{params}"),
        };
        (
            Self::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
            url,
        )
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A running application and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client that keeps no cookies and follows no redirects.
    pub client: reqwest::Client,
    /// The application's shared state (pool, gazetteer).
    pub state: web::Data<AppState>,
    /// The application's clock: standing still until the test moves it.
    pub clock: ManualClock,
    /// Kept alive for the test's duration; dropped (and deleted) afterwards.
    pub db: TestDatabase,
    /// The database's URL (a second instance on the same database uses it).
    pub database_url: String,
}

/// Settings for a test app on `database_url`.
pub fn test_settings(database_url: &str) -> Settings {
    let mut settings = Settings::with_database(database_url);
    settings.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.workers = 2;
    settings.db_pool_size = Some(8);
    settings.jwt_secret = Some(hulpmarkt::config::Secret::new(TEST_JWT_SECRET));
    settings.metrics_token = Some(hulpmarkt::config::Secret::new(TEST_METRICS_TOKEN));
    // Every test client is 127.0.0.1; the rate-limit test sets its own small bursts.
    settings.login_burst_per_ip = 10_000;
    settings.login_burst_per_account = 10_000;
    // Demand is counted in the background once at start: a count landing mid-test would make
    // the choice between two volunteers depend on timing. Its own tests turn it on.
    settings.demand_recount_minutes = 0;
    // Notifications are dispatched by the tests themselves (TestApp::dispatch), at the
    // test clock's time.
    settings.dispatch_seconds = 0;
    settings
}

impl TestApp {
    /// Starts the app on a fresh database with default test settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app on a fresh database after `adjust` has changed the settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let (db, url) = TestDatabase::create();
        let mut settings = test_settings(&url);
        adjust(&mut settings);
        let database_url = url.clone();
        let clock = ManualClock::new(chrono::Utc::now());
        let app = Application::build_with_clock(settings, std::sync::Arc::new(clock.clone()))
            .expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state();
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let app = Self {
            address,
            client,
            state,
            clock,
            db,
            database_url,
        };
        app.wait_until_ready().await;
        app
    }

    /// Waits until `/readyz` answers 200, as a load balancer would before sending traffic (the
    /// offer index is built in the background after start); fails after 20 s.
    pub async fn wait_until_ready(&self) {
        let mut last = None;
        for _ in 0..200 {
            match self.client.get(self.url("/readyz")).send().await {
                Ok(response) if response.status() == 200 => return,
                Ok(response) => last = Some(response.status().as_u16()),
                Err(error) => panic!("/readyz unreachable: {error}"),
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("not ready within 20 s (last /readyz status {last:?})");
    }

    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The Prometheus text of `GET /metrics`, read with the metrics token.
    pub async fn metrics(&self) -> String {
        let response = self
            .client
            .get(self.url("/metrics"))
            .bearer_auth(TEST_METRICS_TOKEN)
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200, "GET /metrics");
        response.text().await.expect("body")
    }

    /// GET without credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }
}

impl TestApp {
    /// One run of the notification dispatcher at the test clock's time.
    pub async fn dispatch(&self) -> hulpmarkt::services::dispatch::DispatchReport {
        use hulpmarkt::clock::Clock;
        self.state
            .dispatcher
            .run(&self.state.pool, self.clock.now_naive())
            .await
            .expect("dispatch runs")
    }

    /// One sweep (expiry, escalation, reminders, retention) at the test clock's time.
    pub async fn sweep(&self) -> hulpmarkt::services::sweeper::SweepReport {
        use hulpmarkt::clock::Clock;
        let policy = self.state.policy();
        hulpmarkt::services::sweeper::sweep(
            &self.state.pool,
            self.clock.now_naive(),
            &policy,
            false,
        )
        .await
        .expect("sweep runs")
    }
}

/// The token secret of every test app, so tests can forge tokens to prove they are refused.
/// The bearer token `GET /metrics` needs in tests ([`TestApp::metrics`] sends it).
pub const TEST_METRICS_TOKEN: &str = "test-metrics-token-0123456789";

pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

impl TestApp {
    /// Runs a service workflow in one write transaction on the app's pool, at the app's
    /// clock time, with the app's matching policy (what a background job would do).
    pub async fn run_workflow<T, F>(&self, work: F) -> T
    where
        T: Send + 'static,
        F: FnOnce(
                &mut hulpmarkt::db::DbConnection,
                chrono::NaiveDateTime,
                &hulpmarkt::services::matching::Policy,
            ) -> Result<T, hulpmarkt::error::AppError>
            + Send
            + 'static,
    {
        use hulpmarkt::clock::Clock;
        let now = self.clock.now_naive();
        // The app's own write path: its transaction, and the offer index updated after it.
        // A test's workflow runs once: a second attempt (PostgreSQL, after a lost race) fails.
        let mut work = Some(work);
        hulpmarkt::services::write(
            &self.state.pool,
            self.state.policy(),
            move |conn, policy| {
                let work = work.take().ok_or_else(|| {
                    hulpmarkt::error::AppError::Unavailable("a test workflow ran twice".into())
                })?;
                work(conn, now, policy)
            },
        )
        .await
        .expect("workflow succeeds")
    }
}
