//! What matching reads of matches: the pairs passed on, continuity, and proposal counts (the
//! daily cap and the global batch).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        schema::{help_requests, matches},
        DbConnection,
    },
    domain::MatchStatus,
};

/// Requests this volunteer passed on (see [`crate::domain::MatchStatus::PASSES`]).
pub fn passed_requests(conn: &mut DbConnection, volunteer_id: &str) -> QueryResult<Vec<String>> {
    matches::table
        .filter(matches::volunteer_id.eq(volunteer_id))
        .filter(matches::status.eq_any(MatchStatus::PASS_CODES))
        .select(matches::request_id)
        .load(conn)
}

/// Passed (request, volunteer) pairs (see [`crate::domain::MatchStatus::PASSES`]).
pub fn passes(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    matches::table
        .filter(matches::status.eq_any(MatchStatus::PASS_CODES))
        .filter(matches::volunteer_id.is_not_null())
        .select((matches::request_id, matches::volunteer_id.assume_not_null()))
        .load(conn)
}

/// (requester, volunteer) pairs of completed matches (continuity).
pub fn helped(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    matches::table
        .inner_join(help_requests::table)
        .filter(matches::status.eq(MatchStatus::Completed.as_str()))
        .filter(help_requests::requester_id.is_not_null())
        .filter(matches::volunteer_id.is_not_null())
        .select((
            help_requests::requester_id.assume_not_null(),
            matches::volunteer_id.assume_not_null(),
        ))
        .distinct()
        .load(conn)
}

/// Open proposals per offer.
pub fn proposals_per_offer(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    matches::table
        .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
        .group_by(matches::offer_id)
        .select((matches::offer_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Proposals per volunteer since `since` (the daily cap).
pub fn proposals_per_volunteer_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(Option<String>, i64)>> {
    matches::table
        .filter(matches::proposed_at.ge(since))
        .group_by(matches::volunteer_id)
        .select((matches::volunteer_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Accepted matches of an offer: the places it has given away (capacity may not go below).
pub fn accepted_on(conn: &mut DbConnection, offer_id: &str) -> QueryResult<i64> {
    matches::table
        .filter(matches::offer_id.eq(offer_id))
        .filter(matches::status.eq(MatchStatus::Accepted.as_str()))
        .count()
        .get_result(conn)
}
