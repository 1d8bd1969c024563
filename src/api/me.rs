//! The caller's own account.

use actix_web::{get, patch, web, HttpResponse};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::{
    auth::{self_roles, SelfAssignableRole},
    extract::Json,
    responses,
};
use crate::{
    auth::Caller,
    db::{self, users::ProfileChanges, users::User},
    domain::{DisplayName, Phone, Role},
    error::{AppError, Problem},
    state::AppState,
};

/// The caller's account as they may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    /// Account id.
    #[schema(format = Uuid, example = "6f1c1b8e-2c4a-4d0e-9a57-3f8a51c0d9b2")]
    pub id: String,
    /// Login e-mail, lower-cased.
    #[schema(example = "anna@example.nl")]
    pub email: String,
    /// Whether the address is confirmed (through the link e-mailed at registration, on
    /// `POST /me/email-verification` or with a password reset). Only a confirmed address is
    /// shown to the other side of an accepted match.
    pub email_verified: bool,
    /// Display name.
    #[schema(example = "Anna")]
    pub display_name: String,
    /// Phone, if given, without spaces or hyphens.
    #[schema(example = "+31612345678")]
    pub phone: Option<String>,
    /// Roles held.
    pub roles: Vec<Role>,
    /// A case worker's municipality (CBS code).
    #[schema(pattern = "^GM[0-9]{4}$", example = "GM0363")]
    pub municipality_code: Option<String>,
    /// Issue date of a recorded VOG.
    pub vog_issued_on: Option<NaiveDate>,
    /// Until when that VOG counts for matching (default policy: 36 months).
    pub vog_valid_until: Option<NaiveDate>,
    /// Set while a volunteer is suspended: their offers are on hold (the municipality lifts it).
    pub suspended: bool,
    /// When the account was created (UTC).
    pub created_at: DateTime<Utc>,
}

impl MeView {
    /// The view of a stored user.
    pub fn new(user: &User, _state: &AppState) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.clone(),
            email_verified: user.email_verified_at.is_some(),
            display_name: user.display_name.clone(),
            phone: user.phone.clone(),
            roles: user.roles(),
            municipality_code: user.municipality_code.clone(),
            vog_issued_on: user.vog_issued_on,
            vog_valid_until: user.vog_issued_on.and_then(|d| {
                d.checked_add_months(Months::new(
                    crate::engine::MatchContext::DEFAULT_VOG_MAX_AGE_MONTHS,
                ))
            }),
            suspended: user.suspended_at.is_some(),
            created_at: user.created_at.and_utc(),
        }
    }
}

/// Distinguishes a missing field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Changes to one's own profile. Only resident and volunteer can be chosen as roles.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeChanges {
    /// New display name.
    pub display_name: Option<DisplayName>,
    /// New phone number, or `null` to remove it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Phone>)]
    pub phone: Option<Option<Phone>>,
    /// The self-assignable roles to hold from now on (`resident`, `volunteer`, each once).
    #[schema(value_type = Option<BTreeSet<SelfAssignableRole>>, min_items = 1, max_items = 2)]
    pub roles: Option<Vec<Role>>,
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "Your account", body = MeView),
        (status = 401, description = "The account no longer exists", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, AppError> {
    let user = db::run(&state.pool, move |conn| {
        db::users::find(conn, &caller.user_id)?.ok_or(AppError::account_gone())
    })
    .await?;
    Ok(HttpResponse::Ok().json(MeView::new(&user, &state)))
}

/// Changes display name, phone or the resident/volunteer roles. Roles take effect in the
/// next access token (sign in or refresh).
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = MeChanges,
    responses((status = 200, description = "Updated account", body = MeView),
        (status = 401, description = "The account no longer exists", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A role is dropped while offers or requests still hang on it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (including a role that cannot be self-assigned)", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[patch("/me")]
pub async fn patch_me(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<MeChanges>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let roles = body.roles.as_deref().map(self_roles).transpose()?;
    let changes = ProfileChanges {
        display_name: body.display_name.map(DisplayName::into_inner),
        phone: body.phone.map(|p| p.map(Phone::into_inner)),
        is_resident: roles.map(|r| r.0),
        is_volunteer: roles.map(|r| r.1),
        updated_at: Some(state.clock.now_naive()),
    };
    let user = db::transaction(&state.pool, move |conn| {
        crate::services::accounts::update_profile(conn, &caller.user_id, &changes)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MeView::new(&user, &state)))
}
