//! Checking an e-mail address and password: the one sign-in check, shared by the JSON API's
//! `POST /auth/login` and the workplace's login form. Rate limits first, then argon2id off
//! the workers (against a dummy hash for an unknown address, so timing tells nothing).

use std::net::IpAddr;

use super::passwords::Verified;
use crate::{
    db::{self, users::User, DbConnection},
    domain::Email,
    error::AppError,
    state::AppState,
};

/// An account whose password was just verified.
#[derive(Debug)]
pub struct SignedIn {
    /// The account.
    pub user: User,
    /// A new hash when the stored one was made with earlier parameters.
    rehashed: Option<String>,
    /// The address as it was looked up (trimmed, lower-cased).
    email: String,
    /// The client's address.
    ip: Option<IpAddr>,
}

impl SignedIn {
    /// Inside the caller's write transaction: replaces a hash made with earlier parameters
    /// now that the password is known.
    pub fn upgrade_hash(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        if let Some(new_hash) = &self.rehashed {
            db::users::upgrade_password_hash(
                conn,
                &self.user.user_id(),
                &self.user.password_hash,
                new_hash,
            )?;
        }
        Ok(())
    }

    /// After the sign-in committed: failed attempts from elsewhere no longer lock this
    /// address out of the account.
    pub fn succeeded(&self, state: &AppState) {
        state.login_limiter.succeeded(self.ip, &self.email);
    }
}

/// Checks `email` and `password` under the login rate limits (429). Unknown address, wrong
/// password and deactivated account all get the same 401 in the same time.
pub async fn check(
    state: &AppState,
    ip: Option<IpAddr>,
    email: &str,
    password: String,
) -> Result<SignedIn, AppError> {
    let email = email.trim().to_lowercase();
    state.login_limiter.check(ip, &email)?;
    // Only a well-formed address can belong to an account; anything else (a NUL byte, which
    // PostgreSQL refuses in text, say) is answered like an unknown address, without a query.
    let user = match Email::parse(&email) {
        Ok(lookup) => {
            db::run(&state.pool, move |conn| {
                Ok(db::users::find_by_email(conn, lookup.as_str())?)
            })
            .await?
        }
        Err(_) => None,
    };
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = if password.len() <= 128 {
        state
            .passwords
            .verify_for_login(password, stored_hash)
            .await?
    } else {
        Verified {
            valid: false,
            rehashed: None,
        }
    };
    match user {
        // A deactivated staff account gets the answer of a wrong password.
        Some(user) if verified.valid && user.deactivated_at.is_none() => Ok(SignedIn {
            user,
            rehashed: verified.rehashed,
            email,
            ip,
        }),
        _ => Err(AppError::Unauthorized("unauthorized-wrong-credentials")),
    }
}
