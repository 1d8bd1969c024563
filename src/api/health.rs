//! Liveness, readiness and metrics, outside `/api/v1` for load balancers and Prometheus.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    auth::metrics_token::MetricsScraper,
    db,
    error::{AppError, Problem},
    state::AppState,
    telemetry::Metrics,
};

/// Health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `ready`.
    pub status: &'static str,
    /// `sqlite` or `postgres` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// The process is up (does not touch the database).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
    })
}

/// The database is reachable and the offer index built; 503 until both are so. A new
/// instance builds its index in the background after start (seconds at 100,000 offers,
/// minutes at a million); until then every new request's search would wait for it.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Ready to serve", body = Health),
    (status = 503, description = "Database unreachable, or the offer index not built yet", body = Problem, content_type = "application/problem+json")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    db::run(&state.pool, |conn| {
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(e.to_string()))
    })
    .await?;
    if !state.live_offers.is_loaded() {
        return Err(AppError::Unavailable(
            "the offer index is still being built".into(),
        ));
    }
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        database: Some(state.backend),
    }))
}

/// Prometheus text exposition: requests and latency per route and status, pool use, shed load.
///
/// Needs the bearer token of `HULPMARKT_METRICS_TOKEN`; without one configured the endpoint
/// answers 404, so the metrics are never public by accident.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("metrics_token" = [])),
    responses((status = 200, description = "Prometheus metrics", body = String, content_type = "text/plain"),
        (status = 401, description = "The metrics token is missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No metrics token is configured", body = Problem, content_type = "application/problem+json")))]
#[get("/metrics")]
pub async fn metrics(
    _scraper: MetricsScraper,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> HttpResponse {
    let now = state.clock.now_naive();
    let outbox = crate::db::run(&state.pool, move |conn| {
        let (counts, oldest) = crate::db::deliveries::backlog(conn)?;
        Ok(crate::telemetry::OutboxState {
            deliveries: counts
                .into_iter()
                .map(|(c, s, n)| (c.as_str().to_owned(), s.as_str().to_owned(), n))
                .collect(),
            oldest_pending_seconds: oldest.map_or(0, |t| (now - t).num_seconds().max(0)),
        })
    })
    .await
    // Metrics never fail for want of the database: the outbox gauges then read zero.
    .unwrap_or_else(|error| {
        tracing::warn!(?error, "reading the outbox for metrics failed");
        crate::telemetry::OutboxState::default()
    });
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render(&state.pool, state.live_offers.builds(), &outbox))
}
