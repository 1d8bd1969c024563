//! The staff of a municipality, for admins: list, deactivate, reactivate, move a case worker.

use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::Json, responses, users::CurrentMunicipalityCode};
use crate::{
    auth::Admin,
    db::users::User,
    domain::{Role, UserId},
    error::{AppError, Problem},
    services::staff_lifecycle::{self, By, Ended},
    state::AppState,
};

/// A case worker or admin as other admins see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    /// Account id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Name.
    pub display_name: String,
    /// Login e-mail.
    pub email: String,
    /// Roles held.
    pub roles: Vec<Role>,
    /// The municipality (CBS code).
    pub municipality_code: Option<String>,
    /// Whether the account can sign in.
    pub active: bool,
    /// When it was deactivated, while it is.
    pub deactivated_at: Option<DateTime<Utc>>,
    /// When the account was created (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<&User> for StaffView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            roles: user.roles(),
            municipality_code: user.municipality_code.clone(),
            active: user.deactivated_at.is_none(),
            deactivated_at: user.deactivated_at.map(|t| t.and_utc()),
            created_at: user.created_at.and_utc(),
        }
    }
}

/// The staff of a municipality.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffList {
    /// Case workers and admins, by name, deactivated ones included.
    pub items: Vec<StaffView>,
}

/// What deactivating or moving someone did.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffChange {
    /// The account as it is now.
    pub user: StaffView,
    /// When their sessions ended (every token issued before is refused).
    pub sessions_ended_at: DateTime<Utc>,
    /// Cases they held that went back to the queue.
    pub cases_released: usize,
}

impl StaffChange {
    fn new(ended: &Ended) -> Self {
        Self {
            user: StaffView::from(&ended.user),
            sessions_ended_at: ended.at.and_utc(),
            cases_released: ended.cases_released,
        }
    }
}

/// A case worker's new municipality.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// CBS code of a current municipality, e.g. `GM0363`.
    #[schema(value_type = CurrentMunicipalityCode)]
    pub municipality_code: String,
}

fn staff_id(id: &str) -> Result<UserId, AppError> {
    UserId::parse(id).ok_or(AppError::NotFound("not-found-staff-member"))
}

/// Lists the case workers and admins of a municipality (admins only).
#[utoipa::path(get, path = "/api/v1/municipalities/{code}/staff", tag = "staff", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0363")),
    responses((status = 200, description = "The staff", body = StaffList),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[get("/{code}/staff")]
pub async fn list_staff(
    state: web::Data<AppState>,
    admin: Admin,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = super::municipality_settings::staff_municipality(&state, &admin.0, &code)?;
    let staff = crate::db::run(&state.pool, move |conn| staff_lifecycle::list(conn, &code)).await?;
    Ok(HttpResponse::Ok().json(StaffList {
        items: staff.iter().map(StaffView::from).collect(),
    }))
}

/// Deactivates a case worker or admin: they can no longer sign in, every session ends at
/// once on every instance, and the cases they held go back to the queue (audited).
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path, description = "The staff member's user id", format = Uuid)),
    responses((status = 200, description = "Deactivated", body = StaffChange),
        (status = 403, description = "Not an admin, or one's own account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case worker or admin (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already deactivated", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/users/{id}/deactivate")]
pub async fn deactivate_staff(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = staff_id(&id)?;
    let now = state.clock.now_naive();
    let ended = crate::db::transaction(&state.pool, move |conn| {
        staff_lifecycle::deactivate(conn, &id, By::Admin(&admin.0.user_id), now)
    })
    .await?;
    state
        .erased_accounts
        .note_sessions_ended(&ended.user.id, ended.at);
    Ok(HttpResponse::Ok().json(StaffChange::new(&ended)))
}

/// Lets a deactivated case worker or admin sign in again (their old tokens stay void).
#[utoipa::path(post, path = "/api/v1/users/{id}/reactivate", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path, description = "The staff member's user id", format = Uuid)),
    responses((status = 200, description = "Active again", body = StaffView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case worker or admin (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account is active", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/users/{id}/reactivate")]
pub async fn reactivate_staff(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = staff_id(&id)?;
    let now = state.clock.now_naive();
    let user = crate::db::transaction(&state.pool, move |conn| {
        staff_lifecycle::reactivate(conn, &id, By::Admin(&admin.0.user_id), now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(StaffView::from(&user)))
}

/// Moves a case worker to another municipality: their sessions end (they sign in again to
/// work there) and the cases they held go back to the old municipality's queue (audited).
#[utoipa::path(put, path = "/api/v1/users/{id}/municipality", tag = "staff", security(("bearer" = [])), request_body = MoveBody,
    params(("id" = String, Path, description = "The case worker's user id", format = Uuid)),
    responses((status = 200, description = "Moved", body = StaffChange),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case worker (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already works for that municipality", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a current municipality code", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[put("/users/{id}/municipality")]
pub async fn move_case_worker(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    body: Json<MoveBody>,
) -> Result<HttpResponse, AppError> {
    let id = staff_id(&id)?;
    let to = state
        .gazetteer
        .municipality(&body.0.municipality_code)
        .ok_or_else(|| {
            AppError::field(
                crate::domain::FieldError::new(
                    "municipality_code",
                    crate::msg!("field-municipality-unknown"),
                )
                .code(crate::domain::FieldErrorCode::UnknownValue),
            )
        })?
        .code
        .clone();
    let now = state.clock.now_naive();
    let ended = crate::db::transaction(&state.pool, move |conn| {
        staff_lifecycle::move_case_worker(conn, &id, &to, By::Admin(&admin.0.user_id), now)
    })
    .await?;
    state
        .erased_accounts
        .note_sessions_ended(&ended.user.id, ended.at);
    Ok(HttpResponse::Ok().json(StaffChange::new(&ended)))
}
