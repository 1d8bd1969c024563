//! Notifications: the outbox rows written with the change they report, and each person's
//! in-app feed. Every read of the feed is scoped to its recipient.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::notifications, DbConnection};
use crate::domain::{CaseId, HelpRequestId, MatchId, NotificationKind, RecipientRole, UserId};

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    /// Id (a UUIDv7: ids sort in the order notifications were made).
    pub id: String,
    /// The change it reports; the notifications of one change share it.
    pub event_id: String,
    /// What it tells.
    pub kind: NotificationKind,
    /// The person it is for; `None` for the municipality itself (its webhooks).
    pub recipient_id: Option<UserId>,
    /// In which role they receive it.
    pub recipient_role: RecipientRole,
    /// The municipality of the request or case it is about.
    pub municipality_code: String,
    /// The request it is about.
    pub request_id: Option<HelpRequestId>,
    /// The match it is about.
    pub match_id: Option<MatchId>,
    /// The case it is about.
    pub case_id: Option<CaseId>,
    /// The template's values as JSON: codes, times and numbers, never free text.
    pub data: String,
    /// Makes a reminder once: a second insert with the same key is ignored.
    pub dedupe_key: Option<String>,
    /// Made at.
    pub created_at: NaiveDateTime,
    /// Read in the feed at.
    pub read_at: Option<NaiveDateTime>,
}

/// The kinds a person sees in the feed, its unread count and the export: all but the
/// e-mail-only ones (`NotificationKind::EMAIL_ONLY`), which carry a token.
type InFeed = diesel::dsl::And<
    diesel::dsl::NotEq<notifications::kind, NotificationKind>,
    diesel::dsl::NotEq<notifications::kind, NotificationKind>,
>;

fn in_feed() -> InFeed {
    let [a, b] = NotificationKind::EMAIL_ONLY;
    notifications::kind.ne(a).and(notifications::kind.ne(b))
}

/// Stores `n`; `false` when a notification with its dedupe key exists already.
pub fn insert(conn: &mut DbConnection, n: &Notification) -> QueryResult<bool> {
    let inserted = super::on_backend!(conn, |c| diesel::insert_into(notifications::table)
        .values(n)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// One page of `recipient`'s feed, unread first, newest first within each.
pub fn feed(
    conn: &mut DbConnection,
    recipient: &UserId,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Notification>, i64)> {
    let mut count = notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(in_feed())
        .into_boxed();
    let mut page = notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(in_feed())
        .into_boxed();
    if unread_only {
        count = count.filter(notifications::read_at.is_null());
        page = page.filter(notifications::read_at.is_null());
    }
    let total = count.count().get_result(conn)?;
    let rows = page
        .order((
            notifications::read_at.is_not_null().asc(),
            notifications::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// How many of `recipient`'s notifications are unread.
pub fn unread_count(conn: &mut DbConnection, recipient: &UserId) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(in_feed())
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// `recipient`'s notification `id`, if it is theirs.
pub fn find_for(
    conn: &mut DbConnection,
    recipient: &UserId,
    id: &str,
) -> QueryResult<Option<Notification>> {
    notifications::table
        .find(id)
        .filter(notifications::recipient_id.eq(recipient))
        .filter(in_feed())
        .select(Notification::as_select())
        .first(conn)
        .optional()
}

/// Marks `recipient`'s notification `id` read if it was unread; returns whether it changed.
pub fn mark_read(
    conn: &mut DbConnection,
    recipient: &UserId,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::recipient_id.eq(recipient))
            .filter(in_feed())
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Marks every unread notification of `recipient` read; returns how many.
pub fn mark_all_read(
    conn: &mut DbConnection,
    recipient: &UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::recipient_id.eq(recipient))
            .filter(in_feed())
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(now))
    .execute(conn)
}

/// Notifications by id (the dispatcher's reads).
pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::id.eq_any(ids))
        .select(Notification::as_select())
        .load(conn)
}

/// Every notification of `recipient`, oldest first (the export).
pub fn of_recipient(conn: &mut DbConnection, recipient: &UserId) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(in_feed())
        .order(notifications::id.asc())
        .select(Notification::as_select())
        .load(conn)
}

/// Deletes every notification of `recipient` and, with them, their pending deliveries
/// (erasure). Returns how many notifications.
pub fn delete_of_recipient(conn: &mut DbConnection, recipient: &UserId) -> QueryResult<usize> {
    use super::schema::deliveries;
    let mine = notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .select(notifications::id);
    diesel::delete(deliveries::table.filter(deliveries::notification_id.eq_any(mine)))
        .execute(conn)?;
    diesel::delete(notifications::table.filter(notifications::recipient_id.eq(recipient)))
        .execute(conn)
}

/// Removes the token from an e-mail-only notification once its e-mail went out (or could not
/// be sent): what is left says that a message was sent, not what it held.
pub fn scrub(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::update(notifications::table.find(id))
        .set(notifications::data.eq("{}"))
        .execute(conn)
}

/// Deletes `recipient`'s notifications of `kind` and their deliveries (an e-mail-only
/// message whose token was used or replaced: a pending one would send a dead link).
pub fn delete_of_kind(
    conn: &mut DbConnection,
    recipient: &UserId,
    kind: NotificationKind,
) -> QueryResult<usize> {
    use super::schema::deliveries;
    let those = notifications::table
        .filter(notifications::recipient_id.eq(recipient))
        .filter(notifications::kind.eq(kind))
        .select(notifications::id);
    diesel::delete(deliveries::table.filter(deliveries::notification_id.eq_any(those)))
        .execute(conn)?;
    diesel::delete(
        notifications::table
            .filter(notifications::recipient_id.eq(recipient))
            .filter(notifications::kind.eq(kind)),
    )
    .execute(conn)
}
