//! A municipality's webhooks and the deliveries that were given up, for its admins.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    extract::{Json, Query},
    municipality_settings::staff_municipality,
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::Admin,
    db,
    domain::NotificationKind,
    error::{AppError, Problem},
    services,
    state::AppState,
};

/// A registered webhook (the secret is shown only when it is made).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Where notifications are posted.
    pub url: String,
    /// Registered at (UTC).
    pub created_at: DateTime<Utc>,
    /// The signing secret (`whsec_…`, Standard Webhooks); only in the answer to registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A webhook to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// An https URL (http only to localhost), at most 2,000 characters.
    #[schema(example = "https://crm.gemeente.nl/hooks/hulpmarkt")]
    pub url: String,
}

fn admin_municipality(state: &AppState, admin: &Admin, code: &str) -> Result<String, AppError> {
    staff_municipality(state, &admin.0, code)
}

/// Registers a webhook that receives the municipality's notifications, signed following
/// Standard Webhooks. The answer holds the secret; it is not shown again.
#[utoipa::path(post, path = "/api/v1/municipalities/{code}/webhooks", tag = "notifications", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363")), request_body = WebhookBody,
    responses((status = 201, description = "Registered", body = WebhookView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unusable URL", body = Problem, content_type = "application/problem+json")))]
#[post("/{code}/webhooks")]
pub async fn register_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    code: web::Path<String>,
    body: Json<WebhookBody>,
) -> Result<HttpResponse, AppError> {
    let code = admin_municipality(&state, &admin, &code)?;
    let url = services::webhooks::check_url(&body.0.url)?;
    let (me, now) = (admin.0.user_id, state.clock.now_naive());
    let hook = db::transaction(&state.pool, move |conn| {
        services::webhooks::register(conn, &me, &code, url.clone(), now)
    })
    .await?;
    Ok(HttpResponse::Created().json(WebhookView {
        id: hook.id,
        url: hook.url,
        created_at: hook.created_at.and_utc(),
        secret: Some(hook.secret),
    }))
}

/// The municipality's webhooks.
#[utoipa::path(get, path = "/api/v1/municipalities/{code}/webhooks", tag = "notifications", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363"), PageParams),
    responses((status = 200, description = "The webhooks", body = Paginated<WebhookView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("/{code}/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    admin: Admin,
    code: web::Path<String>,
    query: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let code = admin_municipality(&state, &admin, &code)?;
    let page = query.0.parse()?;
    let hooks = db::run(&state.pool, move |conn| {
        Ok(db::webhooks::of_municipality(conn, &code)?)
    })
    .await?;
    let views = hooks
        .into_iter()
        .map(|h| WebhookView {
            id: h.id,
            url: h.url,
            created_at: h.created_at.and_utc(),
            secret: None,
        })
        .collect();
    Ok(HttpResponse::Ok().json(page.slice(views)))
}

/// Removes a webhook; deliveries still waiting for it are dropped.
#[utoipa::path(delete, path = "/api/v1/municipalities/{code}/webhooks/{id}", tag = "notifications", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363"), ("id" = String, Path, format = Uuid)),
    responses((status = 204, description = "Removed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook of this municipality", body = Problem, content_type = "application/problem+json")))]
#[delete("/{code}/webhooks/{id}")]
pub async fn remove_webhook(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let code = admin_municipality(&state, &admin, &code)?;
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| AppError::NotFound("not-found-webhook"))?
        .to_string();
    let (me, now) = (admin.0.user_id, state.clock.now_naive());
    db::transaction(&state.pool, move |conn| {
        services::webhooks::remove(conn, &me, &code, &id, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A delivery that was given up.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedDeliveryView {
    /// Id.
    #[schema(format = Uuid)]
    pub id: String,
    /// The notification it carried.
    #[schema(format = Uuid)]
    pub notification_id: String,
    /// What the notification told.
    pub kind: NotificationKind,
    /// `email`, `digest` or `webhook`.
    pub channel: crate::domain::Channel,
    /// For a webhook its id; for e-mail the recipient's user id.
    pub target: String,
    /// Attempts made.
    pub attempts: i32,
    /// Why the last one failed (a status code or a short reason, never an address).
    pub last_error: Option<String>,
    /// Made at (UTC).
    pub created_at: DateTime<Utc>,
}

/// Deliveries of the municipality's notifications that were given up (refused for good, or
/// out of attempts), newest first.
#[utoipa::path(get, path = "/api/v1/municipalities/{code}/failed-deliveries", tag = "notifications", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363"), PageParams),
    responses((status = 200, description = "One page of failed deliveries", body = Paginated<FailedDeliveryView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("/{code}/failed-deliveries")]
pub async fn list_failed_deliveries(
    state: web::Data<AppState>,
    admin: Admin,
    code: web::Path<String>,
    query: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let code = admin_municipality(&state, &admin, &code)?;
    let page = query.0.parse()?;
    let (rows, total) = db::run(&state.pool, move |conn| {
        Ok(db::deliveries::failed_in(
            conn,
            &code,
            page.offset(),
            page.limit(),
        )?)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|(d, kind)| FailedDeliveryView {
            id: d.id,
            notification_id: d.notification_id,
            kind,
            channel: d.channel,
            target: d.target,
            attempts: d.attempts,
            last_error: d.last_error,
            created_at: d.created_at.and_utc(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}
