//! Matches: one help request paired with one offer, from proposal to completion. Every state
//! change is a conditional UPDATE on the expected current state, so two concurrent changes
//! of one match can never both succeed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{help_requests, matches, offers},
    DbConnection,
};
use crate::domain::{
    Category, HelpRequestId, HelpRequestStatus, LawDomain, MatchId, MatchOrigin, MatchStatus,
    OfferId, Urgency, UserId,
};

mod for_matching;
pub use for_matching::*;

/// The matches of a volunteer in a given state (safeguarding steps).
pub fn of_volunteer_in(
    conn: &mut DbConnection,
    volunteer: &UserId,
    status: MatchStatus,
) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(matches::volunteer_id.eq(volunteer.as_str()))
        .filter(matches::status.eq(status.as_str()))
        .order(matches::id.asc())
        .select(Match::as_select())
        .load(conn)
}

/// A stored match.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = matches)]
pub struct Match {
    /// Id.
    pub id: MatchId,
    /// The help request.
    pub request_id: HelpRequestId,
    /// The offer.
    pub offer_id: OfferId,
    /// The offer's volunteer (kept so that a volunteer's matches list cheaply).
    pub volunteer_id: Option<UserId>,
    /// Where the match is in its lifecycle.
    pub status: MatchStatus,
    /// Score in [0, 1].
    pub score: f64,
    /// The score's parts as JSON.
    pub score_parts: String,
    /// Why this volunteer, in words.
    pub explanation: String,
    /// The volunteer's reason when declining.
    pub decline_reason: Option<String>,
    /// Proposed at.
    pub proposed_at: NaiveDateTime,
    /// The proposal lapses at.
    pub expires_at: NaiveDateTime,
    /// Accepted or declined at.
    pub responded_at: Option<NaiveDateTime>,
    /// Ended (completed, cancelled, withdrawn, expired) at.
    pub closed_at: Option<NaiveDateTime>,
    /// `incremental`, `batch` or `case_worker`.
    pub created_by: MatchOrigin,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// Inserts a match.
pub fn insert(conn: &mut DbConnection, m: &Match) -> QueryResult<()> {
    super::on_backend!(conn, |c| diesel::insert_into(matches::table)
        .values(m)
        .execute(c))
    .map(|_| ())
}

/// A match by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Match>> {
    matches::table
        .find(id)
        .select(Match::as_select())
        .first(conn)
        .optional()
}

/// Moves a match from `from` to `to` if it is still in `from`; returns whether it moved.
pub fn transition(
    conn: &mut DbConnection,
    id: &str,
    from: MatchStatus,
    to: MatchStatus,
    now: NaiveDateTime,
    reason: Option<&str>,
) -> QueryResult<bool> {
    let target = matches::table
        .find(id)
        .filter(matches::status.eq(from.as_str()));
    let responded = matches!(to, MatchStatus::Accepted | MatchStatus::Declined).then_some(now);
    let closed = (!matches!(to, MatchStatus::Accepted | MatchStatus::Proposed)).then_some(now);
    let n = diesel::update(target)
        .set((
            matches::status.eq(to.as_str()),
            matches::updated_at.eq(now),
            matches::decline_reason.eq(reason),
        ))
        .execute(conn)?;
    if n == 1 {
        if let Some(at) = responded {
            diesel::update(matches::table.find(id))
                .set(matches::responded_at.eq(at))
                .execute(conn)?;
        }
        if let Some(at) = closed {
            diesel::update(matches::table.find(id))
                .set(matches::closed_at.eq(at))
                .execute(conn)?;
        }
    }
    Ok(n == 1)
}

/// The live (proposed or accepted) match of a request, if any.
pub fn live_for_request(conn: &mut DbConnection, request_id: &str) -> QueryResult<Option<Match>> {
    matches::table
        .filter(matches::request_id.eq(request_id))
        .filter(matches::status.eq_any([
            MatchStatus::Proposed.as_str(),
            MatchStatus::Accepted.as_str(),
        ]))
        .select(Match::as_select())
        .first(conn)
        .optional()
}

/// Every match of a request, oldest first.
pub fn for_request(conn: &mut DbConnection, request_id: &str) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(matches::request_id.eq(request_id))
        .order((matches::proposed_at.asc(), matches::id.asc()))
        .select(Match::as_select())
        .load(conn)
}

/// Volunteers who passed on this request (see [`MatchStatus::PASSES`]).
pub fn passed_volunteers(conn: &mut DbConnection, request_id: &str) -> QueryResult<Vec<String>> {
    matches::table
        .filter(matches::request_id.eq(request_id))
        .filter(matches::status.eq_any(MatchStatus::PASS_CODES))
        .select(matches::volunteer_id.assume_not_null())
        .filter(matches::volunteer_id.is_not_null())
        .load(conn)
}

/// How each passed proposal of a request ended (declined, expired or cancelled).
pub fn pass_statuses(conn: &mut DbConnection, request_id: &str) -> QueryResult<Vec<MatchStatus>> {
    matches::table
        .filter(matches::request_id.eq(request_id))
        .filter(matches::status.eq_any(MatchStatus::PASS_CODES))
        .select(matches::status)
        .load(conn)
}

/// Volunteers who completed a match for this requester before (continuity).
///
/// Written as `request_id IN (this requester's requests)` rather than a join: with the join,
/// SQLite started from every completed match (a third of the table) and looked up each one's
/// request, which on every new request read the whole matches table. Only the requester's
/// completed requests are looked up: completing a match is what completes its request
/// (`match_lifecycle::complete`, in one transaction), and a resident with a long history
/// has few of them; looking up every request cost one index search each, a noticeable part
/// of a new request's time for a resident with a long history (both read the requester
/// index only, migration `owner_lookups`).
pub fn helpers_of(conn: &mut DbConnection, requester_id: &str) -> QueryResult<Vec<String>> {
    super::on_backend!(conn, |c| matches::table
        .filter(
            matches::request_id.eq_any(
                help_requests::table
                    .filter(help_requests::requester_id.eq(requester_id))
                    .filter(help_requests::status.eq(HelpRequestStatus::Completed.as_str()))
                    .select(help_requests::id)
            )
        )
        .filter(matches::status.eq(MatchStatus::Completed.as_str()))
        .filter(matches::volunteer_id.is_not_null())
        .select(matches::volunteer_id.assume_not_null())
        .distinct()
        .load(c))
}

/// How many proposals each of `volunteers` received since `since` (the daily cap).
pub fn proposals_since(
    conn: &mut DbConnection,
    volunteers: &[String],
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, i64)>> {
    if volunteers.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(volunteers.len());
    match conn {
        // Chunked so that the array stays a sensible size; one prepared statement.
        DbConnection::Pg(c) => {
            for chunk in volunteers.chunks(500) {
                let rows: Vec<(Option<String>, i64)> = matches::table
                    .filter(matches::volunteer_id.eq_any(chunk))
                    .filter(matches::proposed_at.ge(since))
                    .group_by(matches::volunteer_id)
                    .select((matches::volunteer_id, diesel::dsl::count_star()))
                    .load(c)?;
                out.extend(rows.into_iter().filter_map(|(v, n)| v.map(|v| (v, n))));
            }
        }
        // Eight volunteers per statement of one fixed shape (`db::one_of`), prepared once
        // (index `matches_volunteer`).
        DbConnection::Sqlite(c) => {
            let mut seen = std::collections::HashSet::with_capacity(volunteers.len());
            let distinct: Vec<&str> = volunteers
                .iter()
                .map(String::as_str)
                .filter(|v| seen.insert(*v))
                .collect();
            let rows = super::by_chunks(&distinct, |keys| {
                matches::table
                    .filter(super::one_of!(matches::volunteer_id, keys))
                    .filter(matches::proposed_at.ge(since))
                    .group_by(matches::volunteer_id)
                    .select((matches::volunteer_id, diesel::dsl::count_star()))
                    .load::<(Option<String>, i64)>(c)
            })?;
            out.extend(rows.into_iter().filter_map(|(v, n)| v.map(|v| (v, n))));
        }
    }
    Ok(out)
}

/// Takes one slot of an offer if it is active and has one free; returns whether it did.
/// One conditional UPDATE, so concurrent takers of the last slot cannot both win.
pub fn take_slot(conn: &mut DbConnection, offer_id: &str) -> QueryResult<bool> {
    diesel::update(
        offers::table
            .find(offer_id)
            .filter(offers::status.eq(crate::domain::OfferStatus::Active.as_str()))
            .filter(offers::active_load.lt(offers::capacity)),
    )
    .set(offers::active_load.eq(offers::active_load + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Gives a slot back (a proposal or match ended). Dated, so that the in-memory offer index
/// of every instance sees the free slot (`services::live_offers`); a taken slot is not.
pub fn release_slot(
    conn: &mut DbConnection,
    offer_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        offers::table
            .find(offer_id)
            .filter(offers::active_load.gt(0)),
    )
    .set((
        offers::active_load.eq(offers::active_load - 1),
        offers::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Proposals whose answer time has passed.
pub fn due_to_expire(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
        .filter(matches::expires_at.le(now))
        .order(matches::expires_at.asc())
        .limit(limit)
        .select(Match::as_select())
        .load(conn)
}

/// Open proposals whose answer time ends after `from` and at or before `to` (reminders).
pub fn expiring_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
        .filter(matches::expires_at.gt(from))
        .filter(matches::expires_at.le(to))
        .order(matches::expires_at.asc())
        .select(Match::as_select())
        .load(conn)
}

/// Open proposals of an offer.
pub fn proposals_of_offer(conn: &mut DbConnection, offer_id: &str) -> QueryResult<Vec<Match>> {
    matches::table
        .filter(matches::offer_id.eq(offer_id))
        .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
        .select(Match::as_select())
        .load(conn)
}

/// The request columns a match view shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct RequestSummary {
    /// Id.
    pub id: HelpRequestId,
    /// The resident.
    pub requester_id: Option<UserId>,
    /// Law domain.
    pub domain: LawDomain,
    /// Category code.
    pub category: Category,
    /// Title.
    pub title: String,
    /// Description (may hold health data: shown to the volunteer only from acceptance on).
    pub description: String,
    /// PC4.
    pub pc4: String,
    /// Municipality.
    pub municipality_code: String,
    /// Urgency.
    pub urgency: Urgency,
    /// A minor is involved.
    pub involves_minor: bool,
    /// Length of one visit.
    pub session_minutes: i32,
    /// When the resident needs help.
    pub availability: crate::domain::Availability,
}

/// A match with the request it is about.
pub type MatchWithRequest = (Match, RequestSummary);

/// One match with its request.
pub fn with_request(conn: &mut DbConnection, id: &str) -> QueryResult<Option<MatchWithRequest>> {
    matches::table
        .inner_join(help_requests::table)
        .filter(matches::id.eq(id))
        .select((Match::as_select(), RequestSummary::as_select()))
        .first(conn)
        .optional()
}

/// Matches where `user` is the volunteer or the resident, newest first, one page, and the
/// total.
pub fn for_participant(
    conn: &mut DbConnection,
    user: &str,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<MatchWithRequest>, i64)> {
    let base = || {
        let mut q = matches::table
            .inner_join(help_requests::table)
            .filter(
                matches::volunteer_id
                    .eq(user)
                    .or(help_requests::requester_id.eq(user)),
            )
            .into_boxed();
        if let Some(status) = status {
            q = q.filter(matches::status.eq(status.to_owned()));
        }
        q
    };
    let total = base().count().get_result(conn)?;
    let rows = base()
        .order((matches::proposed_at.desc(), matches::id.asc()))
        .offset(offset)
        .limit(limit)
        .select((Match::as_select(), RequestSummary::as_select()))
        .load(conn)?;
    Ok((rows, total))
}

/// Every match of a request with the request, oldest first.
pub fn of_request_with_request(
    conn: &mut DbConnection,
    request_id: &str,
) -> QueryResult<Vec<MatchWithRequest>> {
    matches::table
        .inner_join(help_requests::table)
        .filter(matches::request_id.eq(request_id))
        .order((matches::proposed_at.asc(), matches::id.asc()))
        .select((Match::as_select(), RequestSummary::as_select()))
        .load(conn)
}
