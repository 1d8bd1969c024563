//! Builds the application from [`Settings`]: checks the database URL, opens the pool, runs the
//! migrations and binds the HTTP server. `main` and the integration tests share this builder.

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_web::{dev::Server, middleware, web, App, HttpServer};
use anyhow::Context;

use crate::{
    api::{
        self,
        extract::{BodyLimit, BodyTimeout},
    },
    auth::{rate_limit::LoginLimiter, PasswordService, TokenKeys},
    clock::{Clock, SystemClock},
    config::Settings,
    db::{self, Pool},
    geo::Gazetteer,
    services::live_offers::LiveOffers,
    state::AppState,
    telemetry::{self, Metrics},
};

/// A built, bound application, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Opens the pool for `settings` and brings the schema up to date.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<(Pool, &'static str)> {
    prepare(settings, db::build_pool)
}

/// [`prepare_database`] for a one-off command (see `db::build_command_pool`).
pub fn prepare_command_database(settings: &Settings) -> anyhow::Result<(Pool, &'static str)> {
    prepare(settings, db::build_command_pool)
}

fn prepare(
    settings: &Settings,
    build: fn(&Settings, crate::config::DatabaseUrl) -> Pool,
) -> anyhow::Result<(Pool, &'static str)> {
    // Checked before anything touches the disk: a mistyped scheme must not create a file.
    let url = settings.database()?;
    let backend = url.backend_name();
    let manager = db::Manager::new(url.clone(), settings.sqlite_synchronous);
    let mut conn = manager
        .connect()
        .with_context(|| format!("connecting to the {backend} database (DATABASE_URL)"))?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, backend, "database migrations applied");
    }
    drop(conn);
    Ok((build(settings, url), backend))
}

impl Application {
    /// Builds the application on the system clock; binds `settings.bind` (port 0 picks a
    /// free port).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock))
    }

    /// Builds the application on the given clock (tests move time with a `ManualClock`).
    pub fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let keys = TokenKeys::from_settings(settings.jwt_secret.as_ref())?;
        let (pool, backend) = prepare_database(&settings)?;
        let gazetteer = Arc::new(Gazetteer::load()?);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let passwords = PasswordService::new(cores, settings.hash_queue)?;
        let login_limiter = LoginLimiter::new(
            settings.login_burst_per_ip,
            settings.login_burst_per_account,
        );
        let state = web::Data::new(AppState {
            pool,
            backend,
            gazetteer,
            settings: Arc::new(settings.clone()),
            clock,
            keys: keys.clone(),
            passwords,
            login_limiter,
            mail_limiter: crate::auth::rate_limit::MailLimiter::new(
                crate::auth::rate_limit::MAILS_PER_HOUR,
            ),
            live_offers: Arc::new(LiveOffers::new()),
            erased_accounts: Arc::new(crate::auth::erased::ErasedAccounts::new()),
            dispatcher: Arc::new(
                crate::services::dispatch::Dispatcher::new(&settings)
                    .context("setting up notification delivery (HULPMARKT_SMTP_URL)")?,
            ),
        });
        let keys = web::Data::new(keys);
        let metrics = web::Data::new(Metrics::new()?);
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding {} (HULPMARKT_BIND)", settings.bind))?;
        let port = listener.local_addr()?.port();
        let body_limit = settings.body_limit;
        let body_timeout = Duration::from_millis(settings.body_timeout_ms);
        let app_state = state.clone();
        let blocking_threads = state.pool.max_size() as usize + 1 + cores;
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(metrics.clone())
                .app_data(keys.clone())
                .app_data(web::Data::new(BodyLimit(body_limit)))
                .app_data(web::Data::new(BodyTimeout(body_timeout)))
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(web::PathConfig::default().error_handler(api::path_error))
                .wrap(middleware::from_fn(api::header_limit::limit_headers))
                .wrap(
                    middleware::ErrorHandlers::new().default_handler(api::problem_for_bare_errors),
                )
                .wrap(middleware::from_fn(api::language::answer_in_language))
                .wrap(middleware::from_fn(telemetry::observe))
                .configure(api::configure)
                .configure(crate::web::configure)
                .default_service(web::to(api::unknown_route))
        })
        // Slow clients: the head must arrive in time (408 otherwise), a closing connection
        // is not kept waiting for the client; the body's time-out is the extractor's.
        .client_request_timeout(Duration::from_millis(settings.client_request_timeout_ms))
        .client_disconnect_timeout(Duration::from_millis(settings.client_disconnect_timeout_ms))
        .listen(listener)?
        // Blocking work is database work (one pooled connection each, plus SQLite's writer)
        // or password hashing (at most one per core): threads beyond that only wait, and each
        // one that ever ran keeps its own malloc arena, which showed as peak memory under
        // load (actix's default allows 512 per worker).
        .worker_max_blocking_threads(blocking_threads);
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
        tracing::info!(port, backend, "Hulpmarkt listening");
        Ok(Self {
            port,
            server: server.run(),
            state,
        })
    }

    /// The port the server is bound to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use it to reach the pool).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until the process is stopped, with the periodic sweeper, the notification
    /// dispatcher, the offer index's refresh and the erased accounts' reload beside it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let sweeper = crate::background::spawn_sweeper(self.state.clone());
        let refresh = crate::background::spawn_index_refresh(self.state.clone());
        let erasures = crate::background::spawn_erasure_refresh(self.state.clone());
        let dispatcher = crate::background::spawn_dispatcher(self.state.clone());
        let served = self.server.await;
        if let Some(sweeper) = sweeper {
            sweeper.abort();
        }
        if let Some(dispatcher) = dispatcher {
            dispatcher.abort();
        }
        refresh.abort();
        erasures.abort();
        served
    }
}
