//! What a resident changes on their escalated request's case.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{super::schema::cases, Case, DbConnection};
use crate::domain::{CaseOutcome, CaseStatus};

/// Closes the unresolved case of `request_id` because its resident cancelled the request
/// (outcome `closed`, detail `cancelled_by_resident`); returns the case, or `None` when it was
/// resolved already.
pub fn close_cancelled(
    conn: &mut DbConnection,
    request_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Case>> {
    let Some(case) = cases::table
        .filter(cases::request_id.eq(request_id))
        .filter(cases::status.ne(CaseStatus::Resolved.as_str()))
        .select(Case::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    // Whatever it became meanwhile (claimed, say), unless it was decided.
    let closed = diesel::update(
        cases::table
            .find(case.id.as_str())
            .filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::Resolved.as_str()),
        cases::outcome.eq(CaseOutcome::Closed.as_str()),
        cases::outcome_detail.eq("cancelled_by_resident"),
        cases::resolved_at.eq(now),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok((closed == 1).then_some(case))
}
