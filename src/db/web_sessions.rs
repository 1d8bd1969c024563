//! Browser sessions of the case workers' workplace (`/werkplek/`), stored as the SHA-256 of
//! their random id only. The one owner of the `web_sessions` table's writes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::web_sessions, DbConnection};
use crate::domain::UserId;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct WebSession {
    /// SHA-256 of the session id, hex.
    pub id_hash: String,
    /// Whose session it is.
    pub user_id: UserId,
    /// When it was opened, in the access tokens' time base (real Unix seconds): the session
    /// holds only while the account's sessions have not ended since.
    pub issued_at: i64,
    /// Opened (the service's clock).
    pub created_at: NaiveDateTime,
    /// Last request seen (rounded: written at most once a minute).
    pub last_seen_at: NaiveDateTime,
    /// Absolute end.
    pub expires_at: NaiveDateTime,
}

/// Stores a new session.
pub fn insert(conn: &mut DbConnection, session: &WebSession) -> QueryResult<()> {
    diesel::insert_into(web_sessions::table)
        .values(session)
        .execute(conn)
        .map(drop)
}

/// The session with this hash, whatever its age (the caller decides whether it still holds).
pub fn find(conn: &mut DbConnection, id_hash: &str) -> QueryResult<Option<WebSession>> {
    web_sessions::table
        .find(id_hash)
        .select(WebSession::as_select())
        .first(conn)
        .optional()
}

/// Notes a request at `now`.
pub fn touch(conn: &mut DbConnection, id_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(web_sessions::table.find(id_hash))
        .set(web_sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// Ends one session (logout, or found expired); ending it twice changes nothing.
pub fn delete(conn: &mut DbConnection, id_hash: &str) -> QueryResult<()> {
    diesel::delete(web_sessions::table.find(id_hash))
        .execute(conn)
        .map(drop)
}

/// Deletes the sessions that ended by time: past `expires_at`, or idle since before
/// `idle_before`. Returns how many.
pub fn delete_ended(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    idle_before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        web_sessions::table.filter(
            web_sessions::expires_at
                .le(now)
                .or(web_sessions::last_seen_at.lt(idle_before)),
        ),
    )
    .execute(conn)
}

/// Ends every session of `user`.
pub fn delete_of(conn: &mut DbConnection, user: &UserId) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(user.as_str())))
        .execute(conn)
}
