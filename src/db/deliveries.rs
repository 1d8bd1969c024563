//! Deliveries: one row per notification and channel (and webhook). The dispatcher claims a
//! row with a conditional update checked by its row count, so of several instances exactly
//! one sends it; every later change is conditional on that claim.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::deliveries, DbConnection};
use crate::domain::{Channel, DeliveryStatus};

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
pub struct Delivery {
    /// Id (UUIDv7: sorts in the order deliveries were made).
    pub id: String,
    /// What is delivered.
    pub notification_id: String,
    /// How.
    pub channel: Channel,
    /// To whom: the recipient's user id, or the webhook's id.
    pub target: String,
    /// Where it is.
    pub status: DeliveryStatus,
    /// Attempts started so far.
    pub attempts: i32,
    /// Not before.
    pub next_attempt_at: NaiveDateTime,
    /// The dispatcher pass that holds it.
    pub claimed_by: Option<String>,
    /// Until when that pass holds it (after that another may take it over).
    pub claimed_until: Option<NaiveDateTime>,
    /// Why the last attempt failed (a status code or a short reason, never an address).
    pub last_error: Option<String>,
    /// Made at.
    pub created_at: NaiveDateTime,
    /// Delivered at.
    pub delivered_at: Option<NaiveDateTime>,
}

impl Delivery {
    /// A new pending delivery.
    pub fn new(
        notification_id: &str,
        channel: Channel,
        target: &str,
        not_before: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id: crate::domain::ids::new_key(),
            notification_id: notification_id.to_owned(),
            channel,
            target: target.to_owned(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: not_before,
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            created_at: now,
            delivered_at: None,
        }
    }
}

/// Stores deliveries.
pub fn insert(conn: &mut DbConnection, rows: &[Delivery]) -> QueryResult<usize> {
    // A few rows per notification: one statement each (a multi-row insert is not portable
    // through the multi-connection).
    let mut inserted = 0;
    for row in rows {
        inserted += diesel::insert_into(deliveries::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(inserted)
}

/// Pending deliveries that are due and not held by a live claim, oldest first, each the
/// oldest pending one of its channel and target (a recipient's deliveries go out in order:
/// a later one waits while an earlier one is retried).
pub fn due_heads(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    let due: Vec<Delivery> = deliveries::table
        .filter(deliveries::status.eq(DeliveryStatus::Pending))
        .filter(deliveries::next_attempt_at.le(now))
        .filter(
            deliveries::claimed_until
                .is_null()
                .or(deliveries::claimed_until.lt(now)),
        )
        .order(deliveries::id.asc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)?;
    let mut heads = Vec::with_capacity(due.len());
    let mut seen = std::collections::HashSet::new();
    for d in due {
        if !seen.insert((d.channel, d.target.clone())) {
            continue;
        }
        let earlier: i64 = deliveries::table
            .filter(deliveries::channel.eq(d.channel))
            .filter(deliveries::target.eq(&d.target))
            .filter(deliveries::status.eq(DeliveryStatus::Pending))
            .filter(deliveries::id.lt(&d.id))
            .count()
            .get_result(conn)?;
        if earlier == 0 {
            heads.push(d);
        }
    }
    Ok(heads)
}

/// The other due digest deliveries of `target` (sent together with their head).
pub fn due_digest(
    conn: &mut DbConnection,
    target: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<Delivery>> {
    deliveries::table
        .filter(deliveries::channel.eq(Channel::Digest))
        .filter(deliveries::target.eq(target))
        .filter(deliveries::status.eq(DeliveryStatus::Pending))
        .filter(deliveries::next_attempt_at.le(now))
        .filter(
            deliveries::claimed_until
                .is_null()
                .or(deliveries::claimed_until.lt(now)),
        )
        .order(deliveries::id.asc())
        .select(Delivery::as_select())
        .load(conn)
}

/// Takes `id` for the pass `claim` until `until`, counting an attempt, if it is still pending,
/// due and unclaimed (or its claim lapsed). `false`: another pass has it.
pub fn claim(
    conn: &mut DbConnection,
    id: &str,
    claim: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        deliveries::table
            .find(id)
            .filter(deliveries::status.eq(DeliveryStatus::Pending))
            .filter(deliveries::next_attempt_at.le(now))
            .filter(
                deliveries::claimed_until
                    .is_null()
                    .or(deliveries::claimed_until.lt(now)),
            ),
    )
    .set((
        deliveries::claimed_by.eq(claim),
        deliveries::claimed_until.eq(until),
        deliveries::attempts.eq(deliveries::attempts + 1),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records the outcome of the claimed attempt: `status` with `next` as the next attempt time
/// (pending) and `error` as the reason. Conditional on the claim: a pass whose claim lapsed
/// and was taken over changes nothing.
pub fn settle(
    conn: &mut DbConnection,
    id: &str,
    claim: &str,
    status: DeliveryStatus,
    next: Option<NaiveDateTime>,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = deliveries::table
        .find(id)
        .filter(deliveries::claimed_by.eq(claim))
        .filter(deliveries::status.eq(DeliveryStatus::Pending));
    let delivered_at = (status == DeliveryStatus::Delivered).then_some(now);
    let changed = match next {
        Some(next) => diesel::update(target)
            .set((
                deliveries::status.eq(status),
                deliveries::next_attempt_at.eq(next),
                deliveries::claimed_by.eq(None::<String>),
                deliveries::claimed_until.eq(None::<NaiveDateTime>),
                deliveries::last_error.eq(error),
                deliveries::delivered_at.eq(delivered_at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                deliveries::status.eq(status),
                deliveries::claimed_by.eq(None::<String>),
                deliveries::claimed_until.eq(None::<NaiveDateTime>),
                deliveries::last_error.eq(error),
                deliveries::delivered_at.eq(delivered_at),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// Failed deliveries of notifications in `municipality`, newest first (admins' view).
pub fn failed_in(
    conn: &mut DbConnection,
    municipality: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<(Delivery, crate::domain::NotificationKind)>, i64)> {
    use super::schema::notifications;
    let base = deliveries::table
        .inner_join(notifications::table)
        .filter(deliveries::status.eq(DeliveryStatus::Failed))
        .filter(notifications::municipality_code.eq(municipality));
    let total = base.count().get_result(conn)?;
    let rows = base
        .order(deliveries::id.desc())
        .offset(offset)
        .limit(limit)
        .select((Delivery::as_select(), notifications::kind))
        .load(conn)?;
    Ok((rows, total))
}

/// Deliveries counted by channel and status.
pub type Counts = Vec<(Channel, DeliveryStatus, i64)>;

/// Counts by channel and status, and the creation time of the oldest pending delivery that
/// is not a digest waiting for its morning (the metrics).
pub fn backlog(conn: &mut DbConnection) -> QueryResult<(Counts, Option<NaiveDateTime>)> {
    let counts = deliveries::table
        .group_by((deliveries::channel, deliveries::status))
        .select((
            deliveries::channel,
            deliveries::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let oldest = deliveries::table
        .filter(deliveries::status.eq(DeliveryStatus::Pending))
        .filter(deliveries::channel.ne(Channel::Digest))
        .select(diesel::dsl::min(deliveries::created_at))
        .first(conn)?;
    Ok((counts, oldest))
}

/// Deletes the pending deliveries to `target` (a webhook removed).
pub fn delete_pending_to(
    conn: &mut DbConnection,
    channel: Channel,
    target: &str,
) -> QueryResult<usize> {
    diesel::delete(
        deliveries::table
            .filter(deliveries::channel.eq(channel))
            .filter(deliveries::target.eq(target))
            .filter(deliveries::status.eq(DeliveryStatus::Pending)),
    )
    .execute(conn)
}
