//! Account tokens (password reset, e-mail verification): one live token per account and
//! purpose, stored as the SHA-256 of the token only. A token is used up by a conditional
//! DELETE checked by its row count, so of two uses (or two instances) exactly one wins.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::account_tokens, DbConnection};
use crate::domain::{AccountTokenPurpose, UserId};

/// A stored token.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = account_tokens)]
pub struct AccountToken {
    /// Whose.
    pub user_id: UserId,
    /// For what.
    pub purpose: AccountTokenPurpose,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Issued.
    pub created_at: NaiveDateTime,
    /// Not valid from then on.
    pub expires_at: NaiveDateTime,
}

/// Stores `token`, replacing the account's earlier token of the same purpose (which stops
/// working at once).
pub fn replace(conn: &mut DbConnection, token: &AccountToken) -> QueryResult<()> {
    use diesel::upsert::excluded;
    super::on_backend!(conn, |c| diesel::insert_into(account_tokens::table)
        .values(token)
        .on_conflict((account_tokens::user_id, account_tokens::purpose))
        .do_update()
        .set((
            account_tokens::token_hash.eq(excluded(account_tokens::token_hash)),
            account_tokens::created_at.eq(excluded(account_tokens::created_at)),
            account_tokens::expires_at.eq(excluded(account_tokens::expires_at)),
        ))
        .execute(c))
    .map(drop)
}

/// The live token of `purpose` with this hash: `None` when unknown, of another purpose or
/// expired at `now` (all alike to the caller).
pub fn find_live(
    conn: &mut DbConnection,
    token_hash: &str,
    purpose: AccountTokenPurpose,
    now: NaiveDateTime,
) -> QueryResult<Option<AccountToken>> {
    account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::expires_at.gt(now))
        .select(AccountToken::as_select())
        .first(conn)
        .optional()
}

/// Uses up the live token of `purpose` with this hash: `true` for exactly one caller, `false`
/// when it was unknown, expired, of another purpose or used (or replaced) meanwhile.
pub fn consume(
    conn: &mut DbConnection,
    token_hash: &str,
    purpose: AccountTokenPurpose,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(token_hash))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::expires_at.gt(now)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// Deletes `user`'s token of `purpose`, if any (its work was done another way).
pub fn delete(
    conn: &mut DbConnection,
    user: &UserId,
    purpose: AccountTokenPurpose,
) -> QueryResult<usize> {
    diesel::delete(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user))
            .filter(account_tokens::purpose.eq(purpose)),
    )
    .execute(conn)
}

/// Deletes every token of `user` (erasure).
pub fn delete_of_user(conn: &mut DbConnection, user: &UserId) -> QueryResult<usize> {
    diesel::delete(account_tokens::table.filter(account_tokens::user_id.eq(user))).execute(conn)
}
