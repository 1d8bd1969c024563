//! The in-app feed (`/me/notifications`) and a person's notification preferences.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Json, Query},
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::Caller,
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
    let user = db::users::find(conn, me)?.ok_or(AppError::account_gone())?;
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
        .map_err(|_| AppError::NotFound("not-found-notification"))?
        .to_string();
    let (me, now, app_url) = (
        caller.user_id,
        state.clock.now_naive(),
        state.settings.public_url.clone(),
    );
    let n = db::transaction(&state.pool, move |conn| {
        db::notifications::mark_read(conn, &me, &id, now)?;
        let n = db::notifications::find_for(conn, &me, &id)?
            .ok_or(AppError::NotFound("not-found-notification"))?;
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
    let user = db::users::find(conn, me)?.ok_or(AppError::account_gone())?;
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
