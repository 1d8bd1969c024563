//! Staff who leave and volunteers under a safeguarding concern: deactivation, a move to
//! another municipality, suspension and a revoked VOG. Every change is a conditional update
//! whose row count says whether it happened (a lost race is the caller's 409).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    super::{schema::offers, schema::users, DbConnection},
    User,
};
use crate::domain::{OfferId, OfferStatus, SuspensionReason, UserId};

/// The staff (case workers and admins) of `municipality`, deactivated ones included, by name.
pub fn staff_of(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::municipality_code.eq(municipality))
        .filter(users::is_case_worker.eq(true).or(users::is_admin.eq(true)))
        .filter(users::erased_at.is_null())
        .order((users::display_name.asc(), users::id.asc()))
        .select(User::as_select())
        .load(conn)
}

/// Every admin and case worker, deactivated ones included (the operator's list), by
/// municipality and name.
pub fn all_staff(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::is_case_worker.eq(true).or(users::is_admin.eq(true)))
        .filter(users::erased_at.is_null())
        .order((
            users::municipality_code.asc(),
            users::display_name.asc(),
            users::id.asc(),
        ))
        .select(User::as_select())
        .load(conn)
}

/// Deactivates an active account and ends its sessions at `ended` (whole seconds, the
/// tokens' time base); returns whether it was active.
pub fn deactivate(
    conn: &mut DbConnection,
    id: &UserId,
    now: NaiveDateTime,
    ended: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::erased_at.is_null())
            .filter(users::deactivated_at.is_null()),
    )
    .set((
        users::deactivated_at.eq(now),
        users::sessions_ended_at.eq(ended),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Lets a deactivated account sign in again (its old tokens stay void); returns whether it
/// was deactivated.
pub fn reactivate(conn: &mut DbConnection, id: &UserId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::erased_at.is_null())
            .filter(users::deactivated_at.is_not_null()),
    )
    .set((
        users::deactivated_at.eq(None::<NaiveDateTime>),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Moves a case worker from `from` to `to` and ends their sessions at `ended` (their tokens
/// name the old municipality); returns whether they were still in `from`.
pub fn move_case_worker(
    conn: &mut DbConnection,
    id: &UserId,
    from: &str,
    to: &str,
    now: NaiveDateTime,
    ended: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::erased_at.is_null())
            .filter(users::is_case_worker.eq(true))
            .filter(users::municipality_code.eq(from)),
    )
    .set((
        users::municipality_code.eq(to),
        users::sessions_ended_at.eq(ended),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Suspends a volunteer who is not suspended; returns whether it did.
pub fn suspend(
    conn: &mut DbConnection,
    id: &UserId,
    reason: SuspensionReason,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::erased_at.is_null())
            .filter(users::suspended_at.is_null()),
    )
    .set((
        users::suspended_at.eq(now),
        users::suspension_reason.eq(reason),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Lifts a suspension; returns whether the volunteer was suspended.
pub fn lift_suspension(
    conn: &mut DbConnection,
    id: &UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::suspended_at.is_not_null()),
    )
    .set((
        users::suspended_at.eq(None::<NaiveDateTime>),
        users::suspension_reason.eq(None::<SuspensionReason>),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Clears a recorded VOG; returns whether there was one. The volunteer's offers are dated so
/// that the in-memory offer index reads the VOG gate again (as when one is recorded).
pub fn revoke_vog(conn: &mut DbConnection, id: &UserId, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::vog_issued_on.is_not_null()),
    )
    .set((
        users::vog_issued_on.eq(None::<chrono::NaiveDate>),
        users::vog_recorded_by.eq(None::<String>),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    diesel::update(offers::table.filter(offers::volunteer_id.eq(id.as_str())))
        .set(offers::updated_at.eq(now))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Holds an active offer of a suspended volunteer (paused, marked held); returns whether it
/// was active.
pub fn hold_offer(conn: &mut DbConnection, id: &OfferId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        offers::table
            .find(id.as_str())
            .filter(offers::status.eq(OfferStatus::Active.as_str())),
    )
    .set((
        offers::status.eq(OfferStatus::Paused.as_str()),
        offers::held.eq(true),
        offers::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Makes the held offers of `volunteer` active again (those paused by the suspension and
/// still paused); returns their ids.
pub fn release_held_offers(
    conn: &mut DbConnection,
    volunteer: &UserId,
    now: NaiveDateTime,
) -> QueryResult<Vec<OfferId>> {
    let held: Vec<OfferId> = offers::table
        .filter(offers::volunteer_id.eq(volunteer.as_str()))
        .filter(offers::held.eq(true))
        .select(offers::id)
        .load(conn)?;
    let mut released = Vec::with_capacity(held.len());
    for id in held {
        let back = diesel::update(
            offers::table
                .find(id.as_str())
                .filter(offers::held.eq(true))
                .filter(offers::status.eq(OfferStatus::Paused.as_str())),
        )
        .set((
            offers::status.eq(OfferStatus::Active.as_str()),
            offers::held.eq(false),
            offers::updated_at.eq(now),
        ))
        .execute(conn)?;
        if back == 1 {
            released.push(id);
        }
    }
    // A held offer withdrawn meanwhile stays withdrawn; it is no longer held either.
    diesel::update(
        offers::table
            .filter(offers::volunteer_id.eq(volunteer.as_str()))
            .filter(offers::held.eq(true)),
    )
    .set(offers::held.eq(false))
    .execute(conn)?;
    Ok(released)
}
