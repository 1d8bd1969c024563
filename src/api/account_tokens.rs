//! Password reset by e-mail and e-mail verification: asking for a link, using it, and asking
//! for a new verification link.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::Json, responses};
use crate::{
    auth::Caller,
    db,
    domain::{AccountTokenPurpose, Email, Password},
    error::{AppError, Problem},
    services::account_tokens::{self, already_verified, invalid_token, token_hash},
    state::AppState,
};

/// The answer when a link is on its way (or, for a password reset, when it would be).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkAccepted {
    /// Always `accepted`.
    #[schema(example = "accepted")]
    pub status: &'static str,
    /// What happens next.
    pub message: &'static str,
}

const RESET_ACCEPTED: LinkAccepted = LinkAccepted {
    status: "accepted",
    message: "If this e-mail address has an account, a link to choose a new password is on \
              its way. It works for 30 minutes and once.",
};

const VERIFICATION_ACCEPTED: LinkAccepted = LinkAccepted {
    status: "accepted",
    message: "A link to confirm your e-mail address is on its way. It works for 7 days and once.",
};

/// Asks for a password reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    /// The account's e-mail address.
    pub email: Email,
}

/// A token from an e-mailed link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// The `token` of the link's query string.
    #[schema(
        max_length = 200,
        example = "q3J5N0x1c2d4VHRmQ2R1a0ZwQkVqT3dYbG1RdmJkSGU"
    )]
    pub token: String,
}

/// A new password set with a reset link's token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmBody {
    /// The `token` of the reset link's query string.
    #[schema(
        max_length = 200,
        example = "q3J5N0x1c2d4VHRmQ2R1a0ZwQkVqT3dYbG1RdmJkSGU"
    )]
    pub token: String,
    /// The new password: 10–128 characters, not a commonly used password.
    pub new_password: Password,
}

/// Sends a link to choose a new password to the address, if it has an account. The answer is
/// the same for every address, with an account or without, and also past the limit of three
/// links per address per hour (then nothing is sent), so nobody learns from it who has an
/// account. The link (`{HULPMARKT_PUBLIC_URL}/password-reset?token=…`) works for 30 minutes
/// and once; a newer link replaces it.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts",
    request_body = PasswordResetBody,
    responses((status = 202, description = "Accepted: a link is on its way if the address has an account", body = LinkAccepted),
        (status = 429, response = responses::TooManyRequests),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<PasswordResetBody>,
) -> Result<HttpResponse, AppError> {
    let email = body.0.email.into_inner();
    // The sign-in limits (per client address and per submitted address), as registration.
    state
        .login_limiter
        .check(req.peer_addr().map(|a| a.ip()), &email)?;
    let allowed = state
        .mail_limiter
        .check(&format!("password_reset:{email}"))
        .is_ok();
    let (channels, now) = (state.channels(), state.clock.now_naive());
    db::transaction(&state.pool, move |conn| {
        account_tokens::request_password_reset(conn, &email, allowed, channels, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(RESET_ACCEPTED))
}

/// Sets a new password with the token of a reset link. Every session of the account ends
/// (refresh tokens revoked, access tokens refused within seconds on every instance); sign in
/// with the new password. The token works once; the address counts as confirmed from then on.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts",
    request_body = PasswordResetConfirmBody,
    responses((status = 204, description = "The new password is set; every session has ended"),
        (status = 400, description = "The token is unknown, expired or used already (`errors[].field` is `token`), or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password is too short, too long or too common", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetConfirmBody>,
) -> Result<HttpResponse, AppError> {
    let PasswordResetConfirmBody {
        token,
        new_password,
    } = body.0;
    let hash = token_hash(&token);
    let now = state.clock.now_naive();
    // Only a live token is worth a password hash (the transaction checks it again).
    let live = {
        let hash = hash.clone();
        db::run(&state.pool, move |conn| {
            let purpose = AccountTokenPurpose::PasswordReset;
            Ok(db::account_tokens::find_live(conn, &hash, purpose, now)?.is_some())
        })
        .await?
    };
    if !live {
        return Err(invalid_token());
    }
    let new_hash = state
        .passwords
        .hash(new_password.expose().to_owned())
        .await?;
    let (user, ended) = db::transaction(&state.pool, move |conn| {
        account_tokens::reset_password(conn, &hash, &new_hash, now)
    })
    .await?;
    state.erased_accounts.note_sessions_ended(&user, ended);
    Ok(HttpResponse::NoContent().finish())
}

/// Confirms that the e-mail address is the account owner's, with the token of the link sent
/// to it (`{HULPMARKT_PUBLIC_URL}/verify-email?token=…`, valid 7 days, once). From then on
/// the address is shown to the other side of an accepted match.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts", request_body = TokenBody,
    responses((status = 204, description = "The address is confirmed"),
        (status = 400, description = "The token is unknown, expired or used already (`errors[].field` is `token`), or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: Json<TokenBody>,
) -> Result<HttpResponse, AppError> {
    let hash = token_hash(&body.0.token);
    let now = state.clock.now_naive();
    db::transaction(&state.pool, move |conn| {
        account_tokens::verify_email(conn, &hash, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a new link to confirm the caller's e-mail address (an earlier link stops working);
/// at most three an hour.
#[utoipa::path(post, path = "/api/v1/me/email-verification", tag = "accounts", security(("bearer" = [])),
    responses((status = 202, description = "A new link is on its way", body = LinkAccepted),
        (status = 401, description = "The account no longer exists", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address is confirmed already", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = responses::TooManyRequests),
        (status = 503, response = responses::Unavailable)))]
#[post("/me/email-verification")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let me = caller.user_id;
    let verified = {
        let me = me.clone();
        db::run(&state.pool, move |conn| {
            let user = db::users::find(conn, &me)?.ok_or(AppError::account_gone())?;
            Ok(user.email_verified_at.is_some())
        })
        .await?
    };
    if verified {
        return Err(already_verified());
    }
    state
        .mail_limiter
        .check(&format!("email_verification:{me}"))
        .map_err(AppError::TooManyRequests)?;
    let (channels, now) = (state.channels(), state.clock.now_naive());
    db::transaction(&state.pool, move |conn| {
        account_tokens::resend_verification(conn, &me, channels, now)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(VERIFICATION_ACCEPTED))
}
