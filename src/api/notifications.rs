//! The in-app feed (`/me/notifications`), a person's notification preferences, and the
//! municipality's webhooks and failed deliveries for its admins.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Json, Query},
    municipality_settings::staff_municipality,
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::{Admin, Caller},
    db::{self, notifications::Notification, users::NotificationPreferences, DbConnection},
    domain::{Language, NotificationKind, UserId},
    error::{AppError, Problem},
    services::{self, notify::render::Reader},
    state::AppState,
};

/// One notification in the feed, in the reader's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// Id.
    #[schema(format = Uuid)]
    pub id: String,
    /// What it tells.
    pub kind: NotificationKind,
    /// One line.
    pub subject: String,
    /// The message, plain text, paragraphs separated by a blank line.
    pub text: String,
    /// The request it is about.
    #[schema(format = Uuid)]
    pub request_id: Option<String>,
    /// The match it is about.
    #[schema(format = Uuid)]
    pub match_id: Option<String>,
    /// The case it is about.
    #[schema(format = Uuid)]
    pub case_id: Option<String>,
    /// Made at (UTC).
    pub created_at: DateTime<Utc>,
    /// Read at (UTC); `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

fn view(
    conn: &mut DbConnection,
    n: Notification,
    reader: &Reader<'_>,
) -> Result<NotificationView, AppError> {
    let item = services::notify::render::item(conn, &n, reader)?;
    Ok(NotificationView {
        id: n.id,
        kind: n.kind,
        subject: item.subject,
        text: item.text,
        request_id: n.request_id.map(|r| r.to_string()),
        match_id: n.match_id.map(|m| m.to_string()),
        case_id: n.case_id.map(|c| c.to_string()),
        created_at: n.created_at.and_utc(),
        read_at: n.read_at.map(|t| t.and_utc()),
    })
}

/// `user`'s notifications as their feed shows them (the export).
pub fn views_for(
    conn: &mut DbConnection,
    user: &crate::db::users::User,
    all: Vec<Notification>,
) -> Result<Vec<NotificationView>, AppError> {
    let reader = Reader {
        language: user.language,
        name: &user.display_name,
        title: true,
        app_url: None,
    };
    all.into_iter().map(|n| view(conn, n, &reader)).collect()
}

/// Reads `me`'s account and renders with it: the feed shows a request's title to whom the
/// API shows it anyway.
fn with_reader<T>(
    conn: &mut DbConnection,
    me: &UserId,
    app_url: Option<&str>,
    work: impl FnOnce(&mut DbConnection, &Reader<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let user =
        db::users::find(conn, me)?.ok_or(AppError::Unauthorized("account no longer exists"))?;
    let reader = Reader {
        language: user.language,
        name: &user.display_name,
        title: true,
        app_url,
    };
    work(conn, &reader)
}

/// Feed filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// Only unread notifications.
    #[serde(default)]
    pub unread: bool,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// The caller's notifications: unread first, newest first within each.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), params(FeedQuery),
    responses((status = 200, description = "One page of your notifications", body = Paginated<NotificationView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("/me/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<FeedQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let page = PageParams {
        page: query.page,
        per_page: query.per_page,
    }
    .parse()?;
    let (me, app_url) = (caller.user_id, state.settings.public_url.clone());
    let result = db::run(&state.pool, move |conn| {
        with_reader(conn, &me, app_url.as_deref(), |conn, reader| {
            let (rows, total) =
                db::notifications::feed(conn, &me, query.unread, page.offset(), page.limit())?;
            let items = rows
                .into_iter()
                .map(|n| view(conn, n, reader))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(page.wrap(items, total))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// How many notifications the caller has not read.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    /// Unread notifications.
    pub unread: i64,
}

/// The number of unread notifications (for a badge).
#[utoipa::path(get, path = "/api/v1/me/notifications/unread-count", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "The count", body = UnreadCount),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")))]
#[get("/me/notifications/unread-count")]
pub async fn unread_count(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let me = caller.user_id;
    let unread = db::run(&state.pool, move |conn| {
        Ok(db::notifications::unread_count(conn, &me)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// Marks one of the caller's notifications read (reading it again changes nothing).
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "The notification, read", body = NotificationView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notification of yours", body = Problem, content_type = "application/problem+json")))]
#[post("/me/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| AppError::NotFound("notification"))?
        .to_string();
    let (me, now, app_url) = (
        caller.user_id,
        state.clock.now_naive(),
        state.settings.public_url.clone(),
    );
    let n = db::transaction(&state.pool, move |conn| {
        db::notifications::mark_read(conn, &me, &id, now)?;
        let n = db::notifications::find_for(conn, &me, &id)?
            .ok_or(AppError::NotFound("notification"))?;
        with_reader(conn, &me, app_url.as_deref(), |conn, reader| {
            view(conn, n, reader)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(n))
}

/// How many notifications were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notifications that were unread and are read now.
    pub marked: u64,
}

/// Marks all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "Marked", body = MarkedRead),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")))]
#[post("/me/notifications/read-all")]
pub async fn mark_all_read(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let (me, now) = (caller.user_id, state.clock.now_naive());
    let marked = db::transaction(&state.pool, move |conn| {
        Ok(db::notifications::mark_all_read(conn, &me, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MarkedRead {
        marked: marked as u64,
    }))
}

/// How a person is told.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreferencesView {
    /// Language of notifications: `nl` (the default) or `en`.
    pub language: Language,
    /// E-mail on or off (the in-app feed is always on).
    pub email: bool,
    /// One e-mail a day (07:00) instead of one per notification.
    pub digest: bool,
    /// Whether this service sends e-mail at all (an SMTP server is configured).
    pub email_available: bool,
}

/// Changes to the preferences; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesPatch {
    /// `nl` or `en`.
    pub language: Option<Language>,
    /// E-mail on or off.
    pub email: Option<bool>,
    /// Daily digest on or off.
    pub digest: Option<bool>,
}

fn preferences(
    conn: &mut DbConnection,
    me: &UserId,
    email_available: bool,
) -> Result<PreferencesView, AppError> {
    let user =
        db::users::find(conn, me)?.ok_or(AppError::Unauthorized("account no longer exists"))?;
    Ok(PreferencesView {
        language: user.language,
        email: user.email_notifications,
        digest: user.email_digest,
        email_available,
    })
}

/// The caller's notification preferences.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "Your preferences", body = PreferencesView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")))]
#[get("/me/notification-preferences")]
pub async fn get_preferences(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let (me, email) = (caller.user_id, state.channels().email);
    let view = db::run(&state.pool, move |conn| preferences(conn, &me, email)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes the caller's notification preferences.
#[utoipa::path(patch, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    request_body = PreferencesPatch,
    responses((status = 200, description = "Saved", body = PreferencesView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid value", body = Problem, content_type = "application/problem+json")))]
#[patch("/me/notification-preferences")]
pub async fn patch_preferences(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<PreferencesPatch>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let changes = NotificationPreferences {
        language: body.language,
        email_notifications: body.email,
        email_digest: body.digest,
    };
    let (me, now, email) = (
        caller.user_id,
        state.clock.now_naive(),
        state.channels().email,
    );
    let view = db::transaction(&state.pool, move |conn| {
        if changes.language.is_some()
            || changes.email_notifications.is_some()
            || changes.email_digest.is_some()
        {
            db::users::set_preferences(conn, &me, changes, now)?;
        }
        preferences(conn, &me, email)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

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
        services::webhooks::register(conn, &me, &code, url, now)
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
        .map_err(|_| AppError::NotFound("webhook"))?
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
