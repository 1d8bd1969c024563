//! Storage for the privacy workflows (AVG art. 15, 17, 20 and storage limitation): finding
//! every row linked to a person, and overwriting or unlinking the personal parts in place.
//! Written against the schema directly, so that it covers cases and case notes whatever
//! module owns them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    audit::AuditEntry,
    help_requests::HelpRequest,
    matches::Match,
    offers::Offer,
    refresh_tokens::RefreshToken,
    schema::{audit_log, case_notes, cases, help_requests, matches, offers, users},
    DbConnection,
};
use crate::domain::{
    CaseId, CaseOutcome, CaseStatus, EscalationReason, HelpRequestId, HelpRequestStatus,
    MatchStatus, UserId,
};

/// What replaces a title, description or case note once it has been anonymised: neutral,
/// the same for everyone, so nothing of the original can be inferred from it.
pub const ANONYMISED_TEXT: &str = "[geanonimiseerd]";

/// The display name of an erased account.
pub const ERASED_NAME: &str = "[verwijderd]";

/// A stored password hash that is no PHC string, so no password ever verifies against it.
pub const NO_LOGIN_HASH: &str = "!erased";

/// A municipal case as stored (the privacy view of the `cases` table).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRecord {
    /// Id.
    pub id: CaseId,
    /// The escalated help request.
    pub request_id: HelpRequestId,
    /// The municipality whose case it is.
    pub municipality_code: String,
    /// Escalation reason code.
    pub reason: EscalationReason,
    /// `open`, `in_progress` or `resolved`.
    pub status: CaseStatus,
    /// Outcome code once resolved.
    pub outcome: Option<CaseOutcome>,
    /// A code qualifying the outcome (a formal category) or a case worker's reason.
    pub outcome_detail: Option<String>,
    /// The case worker's note on the decision.
    pub resolution_note: Option<String>,
    /// Opened.
    pub opened_at: NaiveDateTime,
    /// Claimed by a case worker.
    pub claimed_at: Option<NaiveDateTime>,
    /// Resolved.
    pub resolved_at: Option<NaiveDateTime>,
}

/// The help requests `user` posted (and that are still linked to them), oldest first.
pub fn requests_of(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<HelpRequest>> {
    help_requests::table
        .filter(help_requests::requester_id.eq(user.as_str()))
        .order((help_requests::created_at.asc(), help_requests::id.asc()))
        .select(HelpRequest::as_select())
        .load(conn)
}

/// The offers `user` registered, oldest first.
pub fn offers_of(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<Offer>> {
    offers::table
        .filter(offers::volunteer_id.eq(user.as_str()))
        .order((offers::created_at.asc(), offers::id.asc()))
        .select(Offer::as_select())
        .load(conn)
}

/// Every match on either side of `user`: as volunteer, or on one of `request_ids`.
pub fn matches_of(
    conn: &mut DbConnection,
    user: &UserId,
    request_ids: &[String],
    offer_ids: &[String],
) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(
            matches::volunteer_id
                .eq(user.as_str())
                .or(matches::request_id.eq_any(request_ids))
                .or(matches::offer_id.eq_any(offer_ids)),
        )
        .order((matches::proposed_at.asc(), matches::id.asc()))
        .select(Match::as_select())
        .load(conn)
}

/// The accepted matches in which `user` is the volunteer.
pub fn accepted_as_volunteer(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(matches::volunteer_id.eq(user.as_str()))
        .filter(matches::status.eq(MatchStatus::Accepted.as_str()))
        .select(Match::as_select())
        .load(conn)
}

/// The cases of `request_ids`, oldest first.
pub fn cases_of(conn: &mut DbConnection, request_ids: &[String]) -> QueryResult<Vec<CaseRecord>> {
    cases::table
        .filter(cases::request_id.eq_any(request_ids))
        .order((cases::opened_at.asc(), cases::id.asc()))
        .select(CaseRecord::as_select())
        .load(conn)
}

/// How many notes each of `case_ids` has.
pub fn note_counts(
    conn: &mut DbConnection,
    case_ids: &[String],
) -> QueryResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = case_notes::table
        .filter(case_notes::case_id.eq_any(case_ids))
        .group_by(case_notes::case_id)
        .select((case_notes::case_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Audit entries by `user` or about one of `object_ids` (the user's own id included by the
/// caller), oldest first.
pub fn audit_about(
    conn: &mut DbConnection,
    user: &UserId,
    object_ids: &[String],
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(
            audit_log::actor_id
                .eq(user.as_str())
                .or(audit_log::object_id.eq_any(object_ids)),
        )
        .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
        .select(AuditEntry::as_select())
        .load(conn)
}

/// The refresh tokens issued to `user`, oldest first.
pub fn refresh_tokens_of(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<RefreshToken>> {
    use super::schema::refresh_tokens;
    refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user.as_str()))
        .order((refresh_tokens::created_at.asc(), refresh_tokens::id.asc()))
        .select(RefreshToken::as_select())
        .load(conn)
}

/// Whether `user` exists and has not been erased (the check behind every authenticated call).
pub fn account_active(conn: &mut DbConnection, user: &UserId) -> QueryResult<bool> {
    users::table
        .find(user.as_str())
        .filter(users::erased_at.is_null())
        .count()
        .get_result::<i64>(conn)
        .map(|n| n == 1)
}

/// Whether a token of `user` issued at `issued_at` still holds: the account exists and its
/// sessions were not ended after the token was issued.
pub fn token_holds(conn: &mut DbConnection, user: &UserId, issued_at: i64) -> QueryResult<bool> {
    let ended: Option<Option<NaiveDateTime>> = users::table
        .find(user.as_str())
        .filter(users::erased_at.is_null())
        .select(users::sessions_ended_at)
        .first(conn)
        .optional()?;
    Ok(match ended {
        None => false,
        Some(None) => true,
        Some(Some(at)) => issued_at > at.and_utc().timestamp(),
    })
}

mod anonymise;
pub use anonymise::*;

#[cfg(test)]
mod tests {
    use super::is_code;

    #[test]
    fn codes_stay_and_free_text_goes() {
        for code in ["iwmo-06", "requester_erased", "ijw-45", "no_candidates"] {
            assert!(is_code(code), "{code}");
        }
        for text in ["Mevrouw woont alleen", "", "bel 0612345678!", "a b"] {
            assert!(!is_code(text), "{text}");
        }
    }
}
