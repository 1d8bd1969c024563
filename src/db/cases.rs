//! Municipal cases ("zaken") and their notes. Every state change is a conditional UPDATE on
//! the expected current state, so two case workers can never both claim or resolve one case.

mod moves;
pub use moves::*;
mod queue;
pub use queue::*;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{case_notes, cases, help_requests},
    DbConnection,
};
mod of_resident;
pub use of_resident::*;

use crate::domain::{
    CaseId, CaseOutcome, CaseStatus, EscalationReason, HelpRequestId, OfferId, Urgency, UserId,
};

/// A stored case.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cases)]
pub struct Case {
    /// Id.
    pub id: CaseId,
    /// The escalated help request.
    pub request_id: HelpRequestId,
    /// CBS code of the municipality that owns the case.
    pub municipality_code: String,
    /// Why the request escalated (`EscalationReason` code).
    pub reason: EscalationReason,
    /// Where the case is.
    pub status: CaseStatus,
    /// The case worker who claimed it.
    pub assigned_to: Option<UserId>,
    /// The decision (`CaseOutcome` code) once resolved.
    pub outcome: Option<CaseOutcome>,
    /// What the decision names: a formal category key (`iwmo:06`), an instrument, a distance.
    pub outcome_detail: Option<String>,
    /// The case worker's explanation for the resident.
    pub resolution_note: Option<String>,
    /// The offer a volunteer was assigned from.
    pub resolved_offer_id: Option<OfferId>,
    /// Opened at.
    pub opened_at: NaiveDateTime,
    /// Claimed at.
    pub claimed_at: Option<NaiveDateTime>,
    /// Resolved at.
    pub resolved_at: Option<NaiveDateTime>,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl Case {
    /// A new open case for `request_id`.
    pub fn open(
        request_id: &HelpRequestId,
        municipality: &str,
        reason: EscalationReason,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id: CaseId::generate(),
            request_id: request_id.clone(),
            municipality_code: municipality.to_owned(),
            reason,
            status: CaseStatus::Open,
            assigned_to: None,
            outcome: None,
            outcome_detail: None,
            resolution_note: None,
            resolved_offer_id: None,
            opened_at: now,
            claimed_at: None,
            resolved_at: None,
            updated_at: now,
        }
    }
}

/// Inserts a case.
pub fn insert(conn: &mut DbConnection, case: &Case) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(case)
        .execute(conn)
        .map(|_| ())
}

/// A case by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Case>> {
    cases::table
        .find(id)
        .select(Case::as_select())
        .first(conn)
        .optional()
}

/// Claims an open case for `worker`; returns whether it was still open.
pub fn claim(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        cases::table
            .find(id)
            .filter(cases::status.eq(CaseStatus::Open.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::InProgress.as_str()),
        cases::assigned_to.eq(worker),
        cases::claimed_at.eq(now),
        cases::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The cases `worker` holds in progress.
pub fn claimed_by(conn: &mut DbConnection, worker: &UserId) -> QueryResult<Vec<Case>> {
    cases::table
        .filter(cases::assigned_to.eq(worker.as_str()))
        .filter(cases::status.eq(CaseStatus::InProgress.as_str()))
        .order(cases::id.asc())
        .select(Case::as_select())
        .load(conn)
}

/// Puts a case that `worker` holds back in the queue; returns whether they still held it.
pub fn release(
    conn: &mut DbConnection,
    id: &CaseId,
    worker: &UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        cases::table
            .find(id.as_str())
            .filter(cases::status.eq(CaseStatus::InProgress.as_str()))
            .filter(cases::assigned_to.eq(worker.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::Open.as_str()),
        cases::assigned_to.eq(None::<String>),
        cases::claimed_at.eq(None::<NaiveDateTime>),
        cases::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// What a resolution writes on the case.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// `CaseOutcome` code.
    pub outcome: CaseOutcome,
    /// Formal category key, instrument or distance.
    pub detail: Option<String>,
    /// Explanation for the resident.
    pub note: Option<String>,
    /// The assigned offer.
    pub offer_id: Option<OfferId>,
}

/// Resolves a case that `worker` holds in progress; returns whether it did.
pub fn resolve(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    resolution: &Resolution,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        cases::table
            .find(id)
            .filter(cases::status.eq(CaseStatus::InProgress.as_str()))
            .filter(cases::assigned_to.eq(worker)),
    )
    .set((
        cases::status.eq(CaseStatus::Resolved.as_str()),
        cases::outcome.eq(&resolution.outcome),
        cases::outcome_detail.eq(&resolution.detail),
        cases::resolution_note.eq(&resolution.note),
        cases::resolved_offer_id.eq(&resolution.offer_id),
        cases::resolved_at.eq(now),
        cases::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The most recently resolved case of a request (its outcome is shown to the resident).
pub fn latest_resolved_for_request(
    conn: &mut DbConnection,
    request_id: &str,
) -> QueryResult<Option<Case>> {
    cases::table
        .filter(cases::request_id.eq(request_id))
        .filter(cases::status.eq(CaseStatus::Resolved.as_str()))
        .order((cases::resolved_at.desc(), cases::id.desc()))
        .select(Case::as_select())
        .first(conn)
        .optional()
}

/// Writes the resident-visible outcome code on the request, and `closed_at` when the
/// outcome ends it.
pub fn set_request_outcome(
    conn: &mut DbConnection,
    request_id: &str,
    outcome: &str,
    closed_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(help_requests::table.find(request_id))
        .set((
            help_requests::outcome.eq(outcome),
            help_requests::closed_at.eq(closed_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Widens (or sets) a request's maximum distance.
pub fn set_request_max_distance(
    conn: &mut DbConnection,
    request_id: &str,
    km: f64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(help_requests::table.find(request_id))
        .set((
            help_requests::max_distance_km.eq(Some(km)),
            help_requests::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A note on a case.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_notes)]
pub struct CaseNote {
    /// Id.
    pub id: String,
    /// The case.
    pub case_id: CaseId,
    /// The case worker who wrote it.
    pub author_id: Option<UserId>,
    /// The text (≤ 1 000 characters).
    pub body: String,
    /// Written at.
    pub created_at: NaiveDateTime,
}

/// Inserts a note.
pub fn insert_note(conn: &mut DbConnection, note: &CaseNote) -> QueryResult<()> {
    diesel::insert_into(case_notes::table)
        .values(note)
        .execute(conn)
        .map(|_| ())
}

/// The notes of a case, oldest first.
pub fn notes(conn: &mut DbConnection, case_id: &str) -> QueryResult<Vec<CaseNote>> {
    case_notes::table
        .filter(case_notes::case_id.eq(case_id))
        .order((case_notes::created_at.asc(), case_notes::id.asc()))
        .select(CaseNote::as_select())
        .load(conn)
}

/// The columns escalation needs of a request that waits in the marketplace.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct WaitingRequest {
    /// Id.
    pub id: HelpRequestId,
    /// Municipality code (whose grace period applies).
    pub municipality_code: String,
    /// Urgency code.
    pub urgency: Urgency,
    /// When it (last) became open.
    pub status_changed_at: NaiveDateTime,
}

/// Open requests in `municipalities` that became open at or before `cutoff`, longest waiting
/// first.
pub fn waiting_since(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    municipalities: &[String],
    limit: i64,
) -> QueryResult<Vec<WaitingRequest>> {
    help_requests::table
        .filter(help_requests::municipality_code.eq_any(municipalities))
        .filter(help_requests::status.eq(crate::domain::HelpRequestStatus::Open.as_str()))
        .filter(help_requests::status_changed_at.le(cutoff))
        .order((
            help_requests::status_changed_at.asc(),
            help_requests::id.asc(),
        ))
        .limit(limit)
        .select(WaitingRequest::as_select())
        .load(conn)
}

/// The request of a case (every case has one: the foreign key cascades).
pub fn request_of(
    conn: &mut DbConnection,
    request_id: &str,
) -> QueryResult<super::help_requests::HelpRequest> {
    help_requests::table
        .find(request_id)
        .select(super::help_requests::HelpRequest::as_select())
        .first(conn)
}

/// Cases nobody has claimed yet, longest waiting first (the waiting-case reminder).
pub fn unclaimed(conn: &mut DbConnection) -> QueryResult<Vec<Case>> {
    cases::table
        .filter(cases::status.eq(CaseStatus::Open))
        .order(cases::opened_at.asc())
        .select(Case::as_select())
        .load(conn)
}
