//! Sessions: issuing token pairs, rotating refresh tokens with theft detection, logout.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::{
    auth::tokens::{hash_refresh_token, random_token, TokenKeys, REFRESH_TOKEN_DAYS},
    db::{self, refresh_tokens::RefreshToken, users::User, DbConnection},
    error::AppError,
};

/// A fresh access token and refresh token.
#[derive(Debug)]
pub struct Session {
    /// JWT access token.
    pub access_token: String,
    /// Opaque refresh token (shown once; only its hash is stored).
    pub refresh_token: String,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
}

/// Issues a token pair for `user`, continuing `family` when rotating.
pub fn issue_session(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    user: &User,
    family: Option<String>,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let refresh_token = random_token();
    let naive = now.naive_utc();
    db::refresh_tokens::insert(
        conn,
        &RefreshToken {
            id: crate::domain::ids::new_key(),
            user_id: user.id.clone(),
            family_id: family.unwrap_or_else(crate::domain::ids::new_key),
            token_hash: hash_refresh_token(&refresh_token),
            created_at: naive,
            expires_at: naive + Duration::days(REFRESH_TOKEN_DAYS),
            used_at: None,
            revoked_at: None,
        },
    )?;
    // Access tokens live in real time: the JWT library checks `exp` against the system clock,
    // whatever clock the workflows run on.
    // Tokens issued at or before the second the sessions were ended are void, so a token
    // issued in that second counts from the next one.
    let issued_at = match user.sessions_ended_at.map(|t| t.and_utc().timestamp()) {
        Some(ended) if ended >= Utc::now().timestamp() => ended + 1,
        _ => Utc::now().timestamp(),
    };
    let (access_token, expires_in) = keys.issue(
        &user.user_id(),
        user.roles(),
        user.municipality_code.clone(),
        issued_at,
    )?;
    Ok(Session {
        access_token,
        refresh_token,
        expires_in,
    })
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// A new pair in the same family.
    Rotated(Session),
    /// Unknown, expired or revoked: nothing changes.
    Invalid,
    /// An already-rotated token came back: the family has been revoked (theft detection).
    ReuseDetected,
}

/// Exchanges a refresh token for a new pair. Run inside a write transaction; a reuse is
/// reported as `Ok(ReuseDetected)` so that the family's revocation commits.
pub fn rotate(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<Rotation, AppError> {
    let naive = now.naive_utc();
    let Some(token) = db::refresh_tokens::find_by_hash(conn, &hash_refresh_token(presented))?
    else {
        return Ok(Rotation::Invalid);
    };
    if token.revoked_at.is_some() || token.expires_at <= naive {
        return Ok(Rotation::Invalid);
    }
    // used_at set, or a concurrent refresh that got there first: either way this token was
    // already exchanged, so whoever holds it now may be a thief.
    if token.used_at.is_some() || !db::refresh_tokens::claim_unused(conn, &token.id, naive)? {
        db::refresh_tokens::revoke_family(conn, &token.family_id, naive)?;
        tracing::warn!(family = %token.family_id, "refresh token reuse detected; family revoked");
        return Ok(Rotation::ReuseDetected);
    }
    let Some(user) = db::users::find(conn, &token.user_id)?.filter(|u| u.deactivated_at.is_none())
    else {
        return Ok(Rotation::Invalid);
    };
    issue_session(conn, keys, &user, Some(token.family_id), now).map(Rotation::Rotated)
}

/// Revokes the family of a refresh token that belongs to `user_id`; unknown tokens and
/// other people's tokens change nothing (logout is idempotent).
pub fn logout(
    conn: &mut DbConnection,
    user_id: &str,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(token) = db::refresh_tokens::find_by_hash(conn, &hash_refresh_token(presented))? {
        if token.user_id.as_str() == user_id {
            db::refresh_tokens::revoke_family(conn, &token.family_id, now.naive_utc())?;
        }
    }
    Ok(())
}

/// The appointed roles an operator can create from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AppointedRole {
    /// Administers the service.
    Admin,
    /// Works one municipality's case queue.
    CaseWorker,
}

/// What an operator asks for with `hulpmarkt admin create`.
#[derive(Debug, Clone)]
pub struct Appointment<'a> {
    /// Login e-mail.
    pub email: &'a str,
    /// Name.
    pub display_name: &'a str,
    /// Initial password.
    pub password: &'a str,
    /// Admin or case worker.
    pub role: AppointedRole,
    /// A case worker's municipality (CBS code).
    pub municipality: Option<&'a str>,
}

/// Creates an admin or case-worker account through the write path. Returns the new id.
/// Case workers need a current municipality code. The password is hashed before the write
/// transaction, so the writer is not held while argon2 works.
pub async fn create_appointed(
    pool: &crate::db::Pool,
    gazetteer: &crate::geo::Gazetteer,
    appointment: &Appointment<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<crate::domain::UserId> {
    let Appointment {
        email,
        display_name,
        password,
        role,
        municipality,
    } = appointment.clone();
    use crate::domain::{DisplayName, Email, Password};
    let email = Email::parse(email).map_err(|e| {
        anyhow::anyhow!(
            "--email: {}",
            crate::i18n::field_message(crate::domain::Language::En, &e)
        )
    })?;
    let display_name = DisplayName::parse(display_name).map_err(|e| {
        anyhow::anyhow!(
            "--display-name: {}",
            crate::i18n::field_message(crate::domain::Language::En, &e)
        )
    })?;
    let password = Password::parse(password).map_err(|e| {
        anyhow::anyhow!(
            "password: {}",
            crate::i18n::field_message(crate::domain::Language::En, &e)
        )
    })?;
    let municipality_code = match (role, municipality) {
        (AppointedRole::CaseWorker, None) => {
            anyhow::bail!("--municipality is required for a case worker")
        }
        (_, Some(code)) => Some(
            gazetteer
                .municipality(code)
                .ok_or_else(|| {
                    anyhow::anyhow!("--municipality: {code} is not a current CBS municipality code")
                })?
                .code
                .clone(),
        ),
        (AppointedRole::Admin, None) => None,
    };
    let id = crate::domain::UserId::generate();
    let naive = now.naive_utc();
    let user = db::users::NewUser {
        id: id.clone(),
        is_case_worker: role == AppointedRole::CaseWorker,
        is_admin: role == AppointedRole::Admin,
        municipality_code,
        ..db::users::NewUser::new(
            email.into_inner(),
            crate::auth::passwords::hash_blocking(password.expose())?,
            display_name.into_inner(),
            None,
            naive,
        )
    };
    crate::db::transaction(pool, move |conn| Ok(db::users::insert(conn, &user)?))
        .await
        .map_err(|e| anyhow::anyhow!("creating the account: {e}"))?;
    Ok(id)
}

/// Changes `user`'s own profile. A role is dropped only when nothing hangs on it: a volunteer
/// with offers still active or paused, or a resident with requests still running, is told
/// to end those first (409), so nobody keeps receiving proposals they can no longer answer.
pub fn update_profile(
    conn: &mut DbConnection,
    user: &crate::domain::UserId,
    changes: &db::users::ProfileChanges,
) -> Result<User, AppError> {
    // Locked first: an offer or request posted meanwhile waits, then sees the new roles.
    let account = db::users::locked(conn, user, db::users::AccountLock::Update)?
        .ok_or(AppError::account_gone())?;
    if account.is_volunteer && changes.is_volunteer == Some(false) {
        let offers = db::offers::current_of(conn, user)?.len();
        if offers > 0 {
            return Err(AppError::Conflict {
                detail: crate::msg!("conflict-volunteer-has-offers", count = offers),
                existing_id: None,
            });
        }
    }
    if account.is_resident && changes.is_resident == Some(false) {
        let running = db::privacy::requests_of(conn, user)?
            .iter()
            .filter(|r| !r.status.is_terminal())
            .count();
        if running > 0 {
            return Err(AppError::Conflict {
                detail: crate::msg!("conflict-resident-has-requests", count = running),
                existing_id: None,
            });
        }
    }
    Ok(db::users::update_profile(conn, user, changes)?)
}

/// Registers `user` and sends the link that verifies its address; when the address has an
/// account already, nothing is created and its owner is told instead. Both end the same way
/// for the caller, so registration does not reveal who has an account (the password was
/// hashed either way).
pub fn register(
    conn: &mut DbConnection,
    user: &db::users::NewUser,
    channels: super::notify::Channels,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    match db::users::find_by_email(conn, &user.email)? {
        Some(owner) => super::notify::account_exists(conn, &owner, channels, now),
        None => match db::users::insert(conn, user) {
            Ok(_) => super::account_tokens::send_verification(conn, &user.id, channels, now),
            // The same address registered at the same moment: the first wins, the second
            // gets the same answer as any existing address.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(()),
            Err(other) => Err(other.into()),
        },
    }
}

/// Sets `user`'s new password (already hashed) and ends every session: all refresh tokens are
/// revoked and access tokens issued up to now refused; returns a fresh session for the
/// caller, who stays signed in, and the moment the others ended.
pub fn change_password(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    user: &crate::domain::UserId,
    new_hash: &str,
    now: DateTime<Utc>,
) -> Result<(Session, chrono::NaiveDateTime), AppError> {
    let ended = end_of_sessions();
    if db::users::change_password(conn, user, new_hash, ended)? != 1 {
        return Err(AppError::account_gone());
    }
    db::refresh_tokens::revoke_user(conn, user.as_str(), now.naive_utc())?;
    let account = db::users::find(conn, user)?.ok_or(AppError::account_gone())?;
    let entry = db::audit::AuditEntry::new(
        now.naive_utc(),
        Some(user.as_str()),
        "user",
        "user.password_changed",
        "user",
        user.as_str(),
    );
    db::audit::record(conn, &entry)?;
    Ok((issue_session(conn, keys, &account, None, now)?, ended))
}

/// The second at which sessions end now, in the access tokens' own time base (real time,
/// whole seconds; see [`issue_session`]): tokens issued up to it are refused.
pub fn end_of_sessions() -> chrono::NaiveDateTime {
    let real = Utc::now().naive_utc();
    real.with_nanosecond(0).unwrap_or(real)
}

/// The author of a write by an account, read under a shared lock on the account row (see
/// `db::users::locked`), the first lock the write takes: 401 when the account is gone
/// (erased, deactivated, or a valid token of an id that never existed), 403 when it no
/// longer holds `role` (dropped after the token was issued). An erasure or a role change
/// that commits first is seen here, on every instance; one that starts later waits.
pub fn acting_as(
    conn: &mut DbConnection,
    user: &crate::domain::UserId,
    role: Option<crate::domain::Role>,
) -> Result<User, AppError> {
    let account = db::users::locked(conn, user, db::users::AccountLock::Share)?
        .filter(|a| a.erased_at.is_none() && a.deactivated_at.is_none())
        .ok_or(AppError::account_gone())?;
    match role {
        Some(role) if !account.roles().contains(&role) => {
            Err(crate::auth::extract::role_required(role))
        }
        _ => Ok(account),
    }
}
