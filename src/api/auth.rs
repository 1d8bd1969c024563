//! Registration, login, token refresh and logout.

use actix_web::{post, web, HttpRequest, HttpResponse};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::Json, responses};
use crate::{
    auth::Caller,
    db::{self, users::NewUser},
    domain::{DisplayName, Email, FieldError, Password, Phone, Role},
    error::{AppError, Problem},
    services::accounts::{self, Rotation, Session},
    state::AppState,
};

/// A new resident and/or volunteer account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "anna@example.nl", "password": "lange-zin-als-wachtwoord", "display_name": "Anna",
    "roles": ["resident"], "phone": "+31612345678"}))]
pub struct RegisterBody {
    /// Login e-mail address.
    pub email: Email,
    /// 10–128 characters, not a commonly used password.
    pub password: Password,
    /// Name shown to the other side once a match is accepted.
    pub display_name: DisplayName,
    /// `resident`, `volunteer` or both, each once; other roles are never self-assigned.
    #[schema(value_type = BTreeSet<SelfAssignableRole>, min_items = 1, max_items = 2)]
    pub roles: Vec<Role>,
    /// Optional phone number, shown to the other side once a match is accepted.
    #[serde(default)]
    pub phone: Option<Phone>,
}

/// The roles a person can give themselves (the schema of `roles` in registration and
/// `PATCH /me`; the body is read as [`Role`] so that other roles get a message saying why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelfAssignableRole {
    /// Posts help requests.
    Resident,
    /// Offers help.
    Volunteer,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// E-mail address.
    #[schema(max_length = 254)]
    pub email: String,
    /// Password.
    #[schema(max_length = 128, format = Password)]
    pub password: String,
}

/// Longest refresh token accepted (issued ones are much shorter).
const MAX_REFRESH_TOKEN: usize = 200;

/// A refresh token presented for rotation or logout.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    /// The refresh token from the last login or refresh.
    #[schema(
        max_length = 200,
        example = "q3J5N0x1c2d4VHRmQ2R1a0ZwQkVqT3dYbG1RdmJkSGU"
    )]
    pub refresh_token: String,
}

impl RefreshBody {
    /// The presented token, refused when longer than any token this service issues.
    fn into_token(self) -> Result<String, AppError> {
        if self.refresh_token.chars().count() > MAX_REFRESH_TOKEN {
            return Err(AppError::field(
                FieldError::new("refresh_token", crate::msg!("field-refresh-token-too-long"))
                    .code(crate::domain::FieldErrorCode::TooLong)
                    .param("max", MAX_REFRESH_TOKEN),
            ));
        }
        Ok(self.refresh_token)
    }
}

/// A token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT access token for `Authorization: Bearer …`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Single-use refresh token; exchanging it twice revokes the whole session.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

impl From<Session> for TokenResponse {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
        }
    }
}

/// Checks that only self-assignable roles were asked for, at least one.
pub fn self_roles(roles: &[Role]) -> Result<(bool, bool), AppError> {
    if roles.is_empty() {
        return Err(AppError::field(
            FieldError::new("roles", crate::msg!("field-roles-required"))
                .code(crate::domain::FieldErrorCode::Required),
        ));
    }
    if let Some(i) = roles.iter().position(|r| !r.self_assignable()) {
        return Err(AppError::Validation(vec![FieldError::new(
            format!("roles[{i}]"),
            crate::msg!("field-role-appointed"),
        )
        .code(crate::domain::FieldErrorCode::UnknownValue)
        .param("allowed", vec!["resident", "volunteer"])]));
    }
    if let Some(i) = (1..roles.len()).find(|&i| roles[..i].contains(&roles[i])) {
        return Err(AppError::Validation(vec![FieldError::of(
            format!("roles[{i}]"),
            crate::domain::FieldErrorCode::Duplicate,
        )]));
    }
    Ok((
        roles.contains(&Role::Resident),
        roles.contains(&Role::Volunteer),
    ))
}

/// The answer to a registration: the same whether the address was new or had an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationAccepted {
    /// Always `accepted`.
    #[schema(example = "accepted")]
    pub status: &'static str,
    /// What happens next.
    pub message: &'static str,
}

const REGISTRATION_ACCEPTED: RegistrationAccepted = RegistrationAccepted {
    status: "accepted",
    message: "If this e-mail address is new, the account is ready: sign in with it. If it \
              already had an account, nothing was created and its owner is told by e-mail.",
};

/// Registers a resident and/or volunteer. The answer is the same for a new address and for
/// one that has an account already (whose owner is told instead), so nobody learns from it
/// who has an account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterBody,
    responses((status = 202, description = "Accepted: sign in with the address and password", body = RegistrationAccepted),
        (status = 429, response = responses::TooManyRequests),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegisterBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let (is_resident, is_volunteer) = self_roles(&body.roles)?;
    state
        .login_limiter
        .check(req.peer_addr().map(|a| a.ip()), body.email.as_str())?;
    let password_hash = state
        .passwords
        .hash(body.password.expose().to_owned())
        .await?;
    let now = state.clock.now_naive();
    let user = NewUser {
        is_resident,
        is_volunteer,
        ..NewUser::new(
            body.email.into_inner(),
            password_hash,
            body.display_name.into_inner(),
            body.phone.map(Phone::into_inner),
            now,
        )
    };
    let channels = state.channels();
    db::transaction(&state.pool, move |conn| {
        crate::services::accounts::register(conn, &user, channels, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(REGISTRATION_ACCEPTED))
}

/// Signs in; unknown e-mail and wrong password get the same answer in the same time.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginBody,
    responses((status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "E-mail or password incorrect", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = responses::TooManyRequests),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginBody>,
) -> Result<HttpResponse, AppError> {
    let LoginBody { email, password } = body.0;
    let ip = req.peer_addr().map(|a| a.ip());
    let signed_in = crate::auth::credentials::check(&state, ip, &email, password).await?;
    let signed = std::sync::Arc::new(signed_in);
    let (keys, now, within) = (state.keys.clone(), state.clock.now(), signed.clone());
    let session = db::transaction(&state.pool, move |conn| {
        within.upgrade_hash(conn)?;
        accounts::issue_session(conn, &keys, &within.user, None, now)
    })
    .await?;
    signed.succeeded(&state);
    Ok(HttpResponse::Ok().json(TokenResponse::from(session)))
}

/// Exchanges a refresh token for a new pair (the old one stops working).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "accounts", request_body = RefreshBody,
    responses((status = 200, description = "New token pair", body = TokenResponse),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshBody>,
) -> Result<HttpResponse, AppError> {
    let presented = body.0.into_token()?;
    let keys = state.keys.clone();
    let now = state.clock.now();
    match db::transaction(&state.pool, move |conn| {
        accounts::rotate(conn, &keys, &presented, now)
    })
    .await?
    {
        Rotation::Rotated(session) => Ok(HttpResponse::Ok().json(TokenResponse::from(session))),
        Rotation::Invalid => Err(AppError::Unauthorized("unauthorized-refresh-invalid")),
        Rotation::ReuseDetected => Err(AppError::Unauthorized("unauthorized-refresh-reused")),
    }
}

/// Ends the session of a refresh token (its whole family is revoked).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", request_body = RefreshBody, security(("bearer" = [])),
    responses((status = 204, description = "Signed out; the refresh token's family is revoked"),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<RefreshBody>,
) -> Result<HttpResponse, AppError> {
    let presented = body.0.into_token()?;
    let now = state.clock.now();
    db::transaction(&state.pool, move |conn| {
        accounts::logout(conn, caller.user_id.as_str(), &presented, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeBody {
    /// The password now.
    #[schema(max_length = 128, format = Password)]
    pub current_password: String,
    /// The new one: 10–128 characters, not a commonly used password.
    pub new_password: Password,
}

/// Changes the caller's password. Every other session ends (their refresh tokens are revoked,
/// their access tokens refused within seconds on every instance); the answer is a new token
/// pair for this one.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordChangeBody,
    responses((status = 200, description = "Changed; a new token pair", body = TokenResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password is too short, too long or too common", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = responses::TooManyRequests),
        (status = 503, response = responses::Unavailable)))]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: crate::auth::Caller,
    body: Json<PasswordChangeBody>,
) -> Result<HttpResponse, AppError> {
    let PasswordChangeBody {
        current_password,
        new_password,
    } = body.0;
    let me = caller.user_id;
    let user = {
        let me = me.clone();
        db::run(&state.pool, move |conn| Ok(db::users::find(conn, &me)?)).await?
    }
    .ok_or(AppError::account_gone())?;
    // The same limits as signing in: a stolen access token must not test passwords freely.
    state
        .login_limiter
        .check(req.peer_addr().map(|a| a.ip()), &user.email)?;
    if !state
        .passwords
        .verify(current_password, Some(user.password_hash.clone()))
        .await?
    {
        return Err(AppError::Forbidden("forbidden-current-password-wrong"));
    }
    let new_hash = state
        .passwords
        .hash(new_password.expose().to_owned())
        .await?;
    let (keys, now) = (state.keys.clone(), state.clock.now());
    let (session, ended) = db::transaction(&state.pool, move |conn| {
        accounts::change_password(conn, &keys, &me, &new_hash, now)
    })
    .await?;
    state.erased_accounts.note_sessions_ended(&user.id, ended);
    Ok(HttpResponse::Ok().json(TokenResponse::from(session)))
}
