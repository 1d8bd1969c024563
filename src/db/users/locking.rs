//! Reading an account under a row lock, so that what a write checks of its author stays true
//! until it commits: an erasure or a role change waits for writes in flight, and a write that
//! starts after them sees them (on every instance sharing the database). The account row is
//! the first lock every such write takes (then offer, request, match).

use diesel::prelude::*;

use super::{
    super::{schema::users, DbConnection},
    User,
};
use crate::domain::UserId;

/// How a write holds the account row until it commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountLock {
    /// A write by the account (a post, an answer): many may run at once, an erasure or a
    /// role change waits for them and they wait for it.
    Share,
    /// A change of the account itself (erasure, roles): alone.
    Update,
}

/// `user`'s row, locked as `lock` says until the transaction ends. On SQLite a write
/// transaction holds the one write lock of the database already, so a plain read does.
pub fn locked(
    conn: &mut DbConnection,
    user: &UserId,
    lock: AccountLock,
) -> QueryResult<Option<User>> {
    let row = users::table.find(user.as_str());
    match conn {
        DbConnection::Pg(pg) => match lock {
            AccountLock::Share => row.select(User::as_select()).for_share().first(pg),
            // Not FOR UPDATE: rows of others that merely reference the account (a
            // notification to it) need not wait.
            AccountLock::Update => row.select(User::as_select()).for_no_key_update().first(pg),
        },
        DbConnection::Sqlite(sqlite) => row.select(User::as_select()).first(sqlite),
    }
    .optional()
}
