//! A case that moves from one case worker to another (a handover or a takeover): one
//! conditional UPDATE on the case being in progress with the expected case worker.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::{schema::cases, DbConnection};
use crate::domain::{CaseId, CaseStatus, UserId};

/// Gives an in-progress case that `from` holds to `to` (who counts as having claimed it
/// now); returns whether `from` still held it.
pub fn reassign(
    conn: &mut DbConnection,
    id: &CaseId,
    from: &UserId,
    to: &UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        cases::table
            .find(id.as_str())
            .filter(cases::status.eq(CaseStatus::InProgress.as_str()))
            .filter(cases::assigned_to.eq(from.as_str())),
    )
    .set((
        cases::assigned_to.eq(to.as_str()),
        cases::claimed_at.eq(now),
        cases::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
