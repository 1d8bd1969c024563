//! Browser sessions of the case workers' workplace: opened after the one sign-in check
//! (`auth::credentials`), checked against the account on every request, ended by logout, by
//! time (idle and absolute) and whenever the account's sessions end.

use chrono::{Duration, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{
    auth::tokens::random_token,
    db::{self, users::User, web_sessions::WebSession, DbConnection},
    error::AppError,
};

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionTimes {
    /// Ended after this long without a request.
    pub idle: Duration,
    /// Ended this long after sign-in, however busy.
    pub lifetime: Duration,
}

/// How often `last_seen_at` is written at most: a page view is a read, not a write per
/// request (a quarter of the idle time when that is shorter, so activity always counts).
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The stored form of a session id: its SHA-256 (a 256-bit random id needs no slow hash).
pub fn hash_id(id: &str) -> String {
    crate::auth::tokens::hash_refresh_token(id)
}

/// The CSRF token of a session, derived from its id (never stored): every form of the
/// session carries it, and a database copy cannot produce it.
pub fn csrf_token(id: &str) -> String {
    let digest = Sha256::digest(format!("hulpmarkt-werkplek-csrf:{id}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `user` may work in the workplace: an active case worker with a municipality
/// (admins who are case workers too).
pub fn may_use_workplace(user: &User) -> bool {
    user.is_case_worker
        && user.municipality_code.is_some()
        && user.erased_at.is_none()
        && user.deactivated_at.is_none()
}

/// Opens a session for `user` (already checked) and returns its id, which only the cookie
/// holds. Sessions that ended by time are cleared on the way.
pub fn open(
    conn: &mut DbConnection,
    user: &User,
    times: SessionTimes,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    if !may_use_workplace(user) {
        return Err(AppError::Forbidden("forbidden-case-worker-only"));
    }
    db::web_sessions::delete_ended(conn, now, now - times.idle)?;
    let id = random_token();
    // In the access tokens' time base, as `accounts::issue_session` does: a session opened
    // in the second the account's sessions ended counts from the next one.
    let real = Utc::now().timestamp();
    let issued_at = match user.sessions_ended_at.map(|t| t.and_utc().timestamp()) {
        Some(ended) if ended >= real => ended + 1,
        _ => real,
    };
    db::web_sessions::insert(
        conn,
        &WebSession {
            id_hash: hash_id(&id),
            user_id: user.user_id(),
            issued_at,
            created_at: now,
            last_seen_at: now,
            expires_at: now + times.lifetime,
        },
    )?;
    Ok(id)
}

/// A session that holds, with its account as it is now.
#[derive(Debug, Clone)]
pub struct Live {
    /// The stored session.
    pub session: WebSession,
    /// The account, read on this request.
    pub user: User,
}

impl Live {
    /// Whether `last_seen_at` is old enough to be written again.
    pub fn needs_touch(&self, times: SessionTimes, now: NaiveDateTime) -> bool {
        now - self.session.last_seen_at >= TOUCH_EVERY.min(times.idle / 4)
    }
}

/// The session of `id` if it still holds at `now`: not idle too long, not past its end, and
/// its account still an active case worker whose sessions have not ended since (a password
/// change, an erasure, a deactivation or a move all end them). `None` otherwise.
pub fn check(
    conn: &mut DbConnection,
    id: &str,
    times: SessionTimes,
    now: NaiveDateTime,
) -> Result<Option<Live>, AppError> {
    let Some(session) = db::web_sessions::find(conn, &hash_id(id))? else {
        return Ok(None);
    };
    if session.expires_at <= now || session.last_seen_at + times.idle <= now {
        return Ok(None);
    }
    if !db::privacy::token_holds(conn, &session.user_id, session.issued_at)? {
        return Ok(None);
    }
    let user = db::users::find(conn, &session.user_id)?.filter(may_use_workplace);
    Ok(user.map(|user| Live { session, user }))
}

/// Ends the session of `id` (logout); an unknown id changes nothing.
pub fn end(conn: &mut DbConnection, id: &str) -> Result<(), AppError> {
    Ok(db::web_sessions::delete(conn, &hash_id(id))?)
}

/// Writes that the session of `id` was used at `now` (see [`TOUCH_EVERY`]).
pub fn touch(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    Ok(db::web_sessions::touch(conn, &hash_id(id), now)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_is_bound_to_the_session_and_differs_from_its_stored_hash() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(csrf_token(&a), csrf_token(&a));
        assert_ne!(csrf_token(&a), csrf_token(&b));
        assert_ne!(csrf_token(&a), hash_id(&a));
        assert_eq!(csrf_token(&a).len(), 64);
    }
}
