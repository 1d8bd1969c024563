//! Password reset by e-mail and e-mail verification (issue 24): single-use tokens, stored
//! hashed, one live token per account and purpose, carried by an e-mail-only notification
//! through the outbox. Using a token is a conditional DELETE checked by its row count, so a
//! token works once, also when two uses race (on any number of instances).

use chrono::NaiveDateTime;

use crate::{
    auth::tokens::{hash_refresh_token, random_token},
    db::{self, account_tokens::AccountToken, users::User, DbConnection},
    domain::{AccountTokenPurpose, UserId},
    error::AppError,
    services::notify::{self, Channels},
};

/// The one answer to a token that is unknown, expired, of another purpose or used already:
/// which of these it was is nobody's business.
pub fn invalid_token() -> AppError {
    AppError::bad_field("token", crate::msg!("field-link-invalid"))
}

/// The stored form of a presented token (its SHA-256, as for refresh tokens).
pub fn token_hash(token: &str) -> String {
    hash_refresh_token(token)
}

/// Makes a new token of `purpose` for `owner` (replacing an earlier one, whose link stops
/// working) and writes the e-mail that carries it.
pub fn issue(
    conn: &mut DbConnection,
    owner: &User,
    purpose: AccountTokenPurpose,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let token = random_token();
    db::account_tokens::replace(
        conn,
        &AccountToken {
            user_id: owner.id.clone(),
            purpose,
            token_hash: token_hash(&token),
            created_at: now,
            expires_at: now + purpose.lifetime(),
        },
    )?;
    notify::account_token(conn, owner, purpose, &token, channels, now)
}

/// A new account's verification e-mail (called from registration, in its transaction).
pub fn send_verification(
    conn: &mut DbConnection,
    user: &UserId,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let owner = db::users::find(conn, user)?.ok_or(AppError::account_gone())?;
    issue(
        conn,
        &owner,
        AccountTokenPurpose::EmailVerification,
        channels,
        now,
    )
}

/// A password reset asked for `email` (already normalised). Only an account that exists (not
/// erased, not deactivated: a reset must not bring back access an admin took away) gets a link, and only when `allowed` by the rate limit; the caller answers
/// alike in every case.
pub fn request_password_reset(
    conn: &mut DbConnection,
    email: &str,
    allowed: bool,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    match db::users::find_by_email(conn, email)? {
        Some(owner) if allowed && owner.deactivated_at.is_none() => issue(
            conn,
            &owner,
            AccountTokenPurpose::PasswordReset,
            channels,
            now,
        ),
        _ => Ok(()),
    }
}

/// Uses up the live token of `purpose` with `hash`: its account, or [`invalid_token`].
fn consume(
    conn: &mut DbConnection,
    hash: &str,
    purpose: AccountTokenPurpose,
    now: NaiveDateTime,
) -> Result<UserId, AppError> {
    let token =
        db::account_tokens::find_live(conn, hash, purpose, now)?.ok_or_else(invalid_token)?;
    if !db::account_tokens::consume(conn, hash, purpose, now)? {
        // Used, replaced or expired between the read and now: a lost race.
        return Err(invalid_token());
    }
    notify::account_token_used(conn, &token.user_id, purpose)?;
    Ok(token.user_id)
}

/// Sets the new password (already hashed) of the reset token's account and ends every one of
/// its sessions, as a password change does; the address counts as verified from now on (the
/// link reached it). Returns the account and the moment its sessions ended.
pub fn reset_password(
    conn: &mut DbConnection,
    hash: &str,
    new_hash: &str,
    now: NaiveDateTime,
) -> Result<(UserId, NaiveDateTime), AppError> {
    let user = consume(conn, hash, AccountTokenPurpose::PasswordReset, now)?;
    let ended = super::accounts::end_of_sessions();
    if db::users::change_password(conn, &user, new_hash, ended)? != 1 {
        // Erased meanwhile: nothing is stored (the transaction rolls back).
        return Err(invalid_token());
    }
    db::refresh_tokens::revoke_user(conn, user.as_str(), now)?;
    verified(conn, &user, now)?;
    let entry = db::audit::AuditEntry::new(
        now,
        Some(user.as_str()),
        "user",
        "user.password_reset",
        "user",
        user.as_str(),
    );
    db::audit::record(conn, &entry)?;
    Ok((user, ended))
}

/// Records that the verification token's account showed the address is theirs.
pub fn verify_email(
    conn: &mut DbConnection,
    hash: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let user = consume(conn, hash, AccountTokenPurpose::EmailVerification, now)?;
    verified(conn, &user, now)
}

/// The address of `user` is verified: recorded once, and a verification link still out
/// there has nothing left to do.
fn verified(conn: &mut DbConnection, user: &UserId, now: NaiveDateTime) -> Result<(), AppError> {
    db::users::mark_email_verified(conn, user, now)?;
    let purpose = AccountTokenPurpose::EmailVerification;
    db::account_tokens::delete(conn, user, purpose)?;
    notify::account_token_used(conn, user, purpose)
}

/// Sends `user` a new verification link; 409 when the address is verified already.
pub fn resend_verification(
    conn: &mut DbConnection,
    user: &UserId,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let owner = db::users::find(conn, user)?.ok_or(AppError::account_gone())?;
    if owner.email_verified_at.is_some() {
        return Err(already_verified());
    }
    issue(
        conn,
        &owner,
        AccountTokenPurpose::EmailVerification,
        channels,
        now,
    )
}

/// The answer to a verification asked for an address that is verified.
pub fn already_verified() -> AppError {
    AppError::Conflict {
        detail: crate::msg!("conflict-email-confirmed"),
        existing_id: None,
    }
}
