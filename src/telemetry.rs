//! Logs and metrics: `tracing` set-up, a per-request id echoed in `x-request-id`, and the
//! Prometheus counters and histograms behind `GET /metrics`.

pub mod shed;

use std::time::Instant;

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web, Error,
};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use tracing::Instrument;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::{config::LogFormat, db::Pool};

/// Header carrying the request id, taken from the client when it is sane, otherwise made here.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global `tracing` subscriber (once per process; later calls are no-ops).
pub fn init_tracing(filter: &str, format: LogFormat) {
    // Standard error, so that command output (`openapi`, `sweep`'s JSON report) stays clean
    // on standard output.
    init_tracing_with_writer(filter, format, std::io::stderr);
}

/// [`init_tracing`] with the lines going to `writer` (the log-privacy test captures them so).
pub fn init_tracing_with_writer<W>(filter: &str, format: LogFormat, writer: W)
where
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_writer(writer),
            )
            .try_init(),
        LogFormat::Plain => registry
            .with(
                fmt::layer()
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                    .with_writer(writer),
            )
            .try_init(),
    };
    // A second initialisation (tests build many apps in one process) keeps the first.
    drop(result);
}

/// The service's Prometheus metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    index_builds: IntGauge,
    deliveries: IntGaugeVec,
    oldest_pending: IntGauge,
}

/// The state of the notification outbox, read from the database when metrics are scraped
/// (so every instance reports the same, whichever sent what).
#[derive(Debug, Clone, Default)]
pub struct OutboxState {
    /// Deliveries by channel and status (`pending` is the outbox depth).
    pub deliveries: Vec<(String, String, i64)>,
    /// Seconds since the oldest pending delivery was made (0 when none waits).
    pub oldest_pending_seconds: i64,
}

impl Metrics {
    /// Registers the metrics in a fresh registry.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route pattern and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by method and route pattern",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections by state (idle, in_use, max)",
            ),
            &["state"],
        )?;
        let index_builds = IntGauge::new(
            "offer_index_builds",
            "Whole builds of the in-memory offer index since start (one at start, then one per reload)",
        )?;
        let deliveries = IntGaugeVec::new(
            Opts::new(
                "notification_deliveries",
                "Notification deliveries by channel (email, digest, webhook) and status (pending, delivered, failed)",
            ),
            &["channel", "status"],
        )?;
        let oldest_pending = IntGauge::new(
            "notification_oldest_pending_seconds",
            "Age of the oldest notification delivery not yet delivered (0 when none waits)",
        )?;
        registry.register(Box::new(deliveries.clone()))?;
        registry.register(Box::new(oldest_pending.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(index_builds.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        if let Some(unavailable) = shed::unavailable_counter() {
            registry.register(Box::new(unavailable))?;
        }
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
            index_builds,
            deliveries,
            oldest_pending,
        })
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// The Prometheus text exposition of every metric, with the gauges read now.
    pub fn render(&self, pool: &Pool, index_builds: u64, outbox: &OutboxState) -> String {
        self.deliveries.reset();
        for (channel, status, n) in &outbox.deliveries {
            self.deliveries
                .with_label_values(&[channel, status])
                .set(*n);
        }
        self.oldest_pending.set(outbox.oldest_pending_seconds);
        self.index_builds
            .set(i64::try_from(index_builds).unwrap_or(i64::MAX));
        let state = pool.state();
        self.pool
            .with_label_values(&["idle"])
            .set(i64::from(state.idle_connections));
        self.pool.with_label_values(&["in_use"]).set(i64::from(
            state.connections.saturating_sub(state.idle_connections),
        ));
        self.pool
            .with_label_values(&["max"])
            .set(i64::from(pool.max_size()));
        let mut out = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %err, "encoding metrics failed");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned)
        // `fast-rng`: a random UUID from a thread-local generator, no system call.
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Middleware: gives each request an id and a tracing span, logs one line per request (route
/// pattern, never the query string, which may hold personal data), records metrics and echoes
/// the id in the response.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request_id(&req);
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let span = tracing::info_span!("request", request_id = %id, method = %method);
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    let elapsed = started.elapsed();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    span.in_scope(|| {
        tracing::info!(%route, status, latency_ms = elapsed.as_secs_f64() * 1000.0, "request finished");
    });
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(res)
}
