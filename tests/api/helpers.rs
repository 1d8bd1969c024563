#![allow(dead_code)] // Shared helpers; not every test binary module uses every one.

//! The test harness: each test gets the real application, built by the same
//! `Application::build` as `main`, on a fresh database of its own. Without settings it uses a
//! temporary SQLite file; with `HULPMARKT_TEST_DATABASE_URL=postgres://…` it creates a fresh
//! PostgreSQL database per test and drops it afterwards.

use std::net::SocketAddr;

use actix_web::web;
use diesel::{connection::SimpleConnection, Connection, PgConnection};
use hulpmarkt::{clock::ManualClock, config::Settings, startup::Application, state::AppState};
use serde_json::Value;

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
}

/// Settings for a test app on `database_url`.
pub fn test_settings(database_url: &str) -> Settings {
    let mut settings = Settings::with_database(database_url);
    settings.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.workers = 2;
    settings.db_pool_size = Some(8);
    settings.jwt_secret = Some(hulpmarkt::config::Secret::new(TEST_JWT_SECRET));
    // Every test client is 127.0.0.1; the rate-limit test sets its own small bursts.
    settings.login_burst_per_ip = 10_000;
    settings.login_burst_per_account = 10_000;
    // Demand is counted in the background once at start: a count landing mid-test would make
    // the choice between two volunteers depend on timing. Its own tests turn it on.
    settings.demand_recount_minutes = 0;
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

    /// GET without credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }
}

/// Reads a JSON body, asserting the status first.
pub async fn json_with_status(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {body}");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON ({content_type}): {body}"))
}

/// Asserts a problem+json error with `status` and returns it.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(
        content_type, "application/problem+json",
        "errors are problem+json"
    );
    let body = json_with_status(response, status).await;
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:hulpmarkt:problem:")),
        "{body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body
}

/// Asserts a problem+json error naming `field`.
pub async fn problem_naming(response: reqwest::Response, status: u16, field: &str) -> Value {
    let body = problem(response, status).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&field),
        "expected field {field:?} in {body}"
    );
    body
}

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Account id.
    pub id: String,
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub name: String,
    /// Current access token.
    pub token: String,
    /// Current refresh token.
    pub refresh_token: String,
}

/// The token secret of every test app, so tests can forge tokens to prove they are refused.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The password every test user gets.
pub const TEST_PASSWORD: &str = "Lange-zin-voor-de-test-42";

impl TestApp {
    /// POST a JSON body, optionally with a bearer token.
    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// PATCH a JSON body with a bearer token.
    pub async fn patch_json(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// PUT a JSON body with a bearer token.
    pub async fn put_json(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// DELETE with a bearer token.
    pub async fn delete_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs in and returns (access, refresh).
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let body = json_with_status(
            self.post_json(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": password}),
                None,
            )
            .await,
            200,
        )
        .await;
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    /// Registers a user with `roles` and signs them in.
    pub async fn register(&self, roles: &[&str]) -> TestUser {
        let n = uuid::Uuid::new_v4().simple().to_string();
        let email = format!("user-{}@example.nl", &n[..12]);
        let name = format!("Testpersoon {}", &n[..6]);
        let body = serde_json::json!({
            "email": email, "password": TEST_PASSWORD, "display_name": name, "roles": roles, "phone": "+31612345678"
        });
        let created = json_with_status(
            self.post_json("/api/v1/auth/register", &body, None).await,
            201,
        )
        .await;
        let (token, refresh_token) = self.login(&email, TEST_PASSWORD).await;
        TestUser {
            id: created["id"].as_str().unwrap().to_owned(),
            email,
            password: TEST_PASSWORD.into(),
            name,
            token,
            refresh_token,
        }
    }

    /// A signed-in resident.
    pub async fn resident(&self) -> TestUser {
        self.register(&["resident"]).await
    }

    /// A signed-in volunteer.
    pub async fn volunteer(&self) -> TestUser {
        self.register(&["volunteer"]).await
    }

    /// An appointed account (admin or case worker) created as the CLI does, then signed in.
    pub async fn appointed(
        &self,
        role: hulpmarkt::services::accounts::AppointedRole,
        municipality: Option<&str>,
    ) -> TestUser {
        let n = uuid::Uuid::new_v4().simple().to_string();
        let email = format!("staff-{}@gemeente.example.nl", &n[..12]);
        let name = format!("Medewerker {}", &n[..6]);
        let state = self.state.clone();
        let (e, nm, m) = (email.clone(), name.clone(), municipality.map(str::to_owned));
        let id = actix_web::rt::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            hulpmarkt::services::accounts::create_appointed(
                &mut conn,
                &state.gazetteer,
                &hulpmarkt::services::accounts::Appointment {
                    email: &e,
                    display_name: &nm,
                    password: TEST_PASSWORD,
                    role,
                    municipality: m.as_deref(),
                },
                chrono::Utc::now(),
            )
            .unwrap()
        })
        .await
        .unwrap();
        let (token, refresh_token) = self.login(&email, TEST_PASSWORD).await;
        TestUser {
            id: id.0,
            email,
            password: TEST_PASSWORD.into(),
            name,
            token,
            refresh_token,
        }
    }

    /// A case worker of `municipality`.
    pub async fn case_worker(&self, municipality: &str) -> TestUser {
        self.appointed(
            hulpmarkt::services::accounts::AppointedRole::CaseWorker,
            Some(municipality),
        )
        .await
    }

    /// An admin.
    pub async fn admin(&self) -> TestUser {
        self.appointed(hulpmarkt::services::accounts::AppointedRole::Admin, None)
            .await
    }
}

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
        hulpmarkt::services::write(
            &self.state.pool,
            self.state.policy(),
            move |conn, policy| work(conn, now, policy),
        )
        .await
        .expect("workflow succeeds")
    }
}
