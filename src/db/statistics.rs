//! The rows municipal statistics are computed from. Loaded plainly and aggregated in Rust
//! (`services::statistics`), so the figures are the same on SQLite and PostgreSQL.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{cases, help_requests, offer_categories, offers},
    DbConnection,
};
use crate::domain::{Category, HelpRequestId, HelpRequestStatus, LawDomain};

/// The columns of a request that statistics count.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct RequestFacts {
    /// Id.
    pub id: HelpRequestId,
    /// Law domain code.
    pub domain: LawDomain,
    /// Category code.
    pub category: Category,
    /// PC4.
    pub pc4: String,
    /// Status code.
    pub status: HelpRequestStatus,
    /// Posted at.
    pub created_at: NaiveDateTime,
    /// When a volunteer accepted (the first time).
    pub matched_at: Option<NaiveDateTime>,
    /// How it reached the service.
    pub channel: crate::domain::RequestChannel,
}

/// The municipality's requests posted in `[from, until)`.
pub fn requests(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<RequestFacts>> {
    help_requests::table
        .filter(help_requests::municipality_code.eq(municipality))
        .filter(help_requests::created_at.ge(from))
        .filter(help_requests::created_at.lt(until))
        .select(RequestFacts::as_select())
        .load(conn)
}

/// `(request id, reason, opened at)` of the municipality's cases.
pub fn case_reasons(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    cases::table
        .filter(cases::municipality_code.eq(municipality))
        .select((cases::request_id, cases::reason, cases::opened_at))
        .load(conn)
}

/// `(offer id, category)` of the municipality's active offers.
pub fn active_offer_categories(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<(String, String)>> {
    offer_categories::table
        .inner_join(offers::table)
        .filter(offers::municipality_code.eq(municipality))
        .filter(offers::status.eq(crate::domain::OfferStatus::Active.as_str()))
        .select((offer_categories::offer_id, offer_categories::category))
        .load(conn)
}

/// When a case was opened, claimed and resolved.
pub type CaseTime = (NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);

/// `(opened, claimed, resolved)` of the municipality's cases opened in `[from, until)`.
pub fn case_times(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<CaseTime>> {
    cases::table
        .filter(cases::municipality_code.eq(municipality))
        .filter(cases::opened_at.ge(from))
        .filter(cases::opened_at.lt(until))
        .select((cases::opened_at, cases::claimed_at, cases::resolved_at))
        .load(conn)
}

/// A case's life for the trend: its request's law domain, its reason, when it opened and
/// when it was resolved (`None`: still open).
pub type CaseSpan = (
    LawDomain,
    crate::domain::EscalationReason,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The cases of `municipality` that were open at some moment in `[from, until)`.
pub fn case_spans(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<CaseSpan>> {
    cases::table
        .inner_join(help_requests::table)
        .filter(cases::municipality_code.eq(municipality))
        .filter(cases::opened_at.lt(until))
        .filter(cases::resolved_at.is_null().or(cases::resolved_at.ge(from)))
        .select((
            help_requests::domain,
            cases::reason,
            cases::opened_at,
            cases::resolved_at,
        ))
        .load(conn)
}
