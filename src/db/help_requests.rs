//! Help requests: the resident's side of the marketplace. Every read here is scoped to the
//! owner, so a handler cannot forget the ownership check.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{schema::help_requests, DbConnection, MultiBackend};
use crate::domain::{
    Availability, CaseOutcome, Category, HelpRequestId, HelpRequestStatus, LawDomain,
    RequestChannel, Urgency, UserId,
};

mod for_matching;
pub use for_matching::*;

/// A stored help request.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = help_requests)]
pub struct HelpRequest {
    /// Id.
    pub id: HelpRequestId,
    /// The resident who posted it (`None` after erasure).
    pub requester_id: Option<UserId>,
    /// Law domain code.
    pub domain: LawDomain,
    /// Category code.
    pub category: Category,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Four-digit postcode area.
    pub pc4: String,
    /// CBS code of the municipality derived from the PC4.
    pub municipality_code: String,
    /// Latitude of the PC4 point.
    pub lat: f64,
    /// Longitude of the PC4 point.
    pub lon: f64,
    /// Urgency code.
    pub urgency: Urgency,
    /// Whether a minor is involved (safeguarding).
    pub involves_minor: bool,
    /// Whether help at a distance is fine.
    pub remote_ok: bool,
    /// Maximum distance to a volunteer, km.
    pub max_distance_km: Option<f64>,
    /// The validated availability as JSON (the `AvailabilityInput` shape).
    pub availability: Availability,
    /// First day of the date window.
    pub available_from: Option<NaiveDate>,
    /// Last day of the date window.
    pub available_until: Option<NaiveDate>,
    /// Length of one visit.
    pub session_minutes: i32,
    /// Whether the municipality may see the request if it escalates.
    pub consent_municipality: bool,
    /// Status code.
    pub status: HelpRequestStatus,
    /// Outcome code set when a case decides.
    pub outcome: Option<CaseOutcome>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// When the status last changed.
    pub status_changed_at: NaiveDateTime,
    /// When a volunteer accepted.
    pub matched_at: Option<NaiveDateTime>,
    /// When it reached a final state.
    pub closed_at: Option<NaiveDateTime>,
    /// When its free text was anonymised.
    pub anonymised_at: Option<NaiveDateTime>,
    /// How it reached the service.
    pub channel: RequestChannel,
}

/// A new help request, fully validated.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = help_requests)]
pub struct NewHelpRequest {
    /// Id.
    pub id: HelpRequestId,
    /// The resident (or carer) who posted it; `None` when a case worker recorded it for a
    /// resident without an account.
    pub requester_id: Option<UserId>,
    /// Law domain code.
    pub domain: LawDomain,
    /// Category code.
    pub category: Category,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// PC4.
    pub pc4: String,
    /// Municipality code.
    pub municipality_code: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Urgency code.
    pub urgency: Urgency,
    /// A minor is involved.
    pub involves_minor: bool,
    /// Remote help is fine.
    pub remote_ok: bool,
    /// Maximum distance, km.
    pub max_distance_km: Option<f64>,
    /// Availability JSON.
    pub availability: Availability,
    /// Date window start.
    pub available_from: Option<NaiveDate>,
    /// Date window end.
    pub available_until: Option<NaiveDate>,
    /// Visit length.
    pub session_minutes: i32,
    /// Consent for the municipality.
    pub consent_municipality: bool,
    /// Status code.
    pub status: HelpRequestStatus,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Status last changed.
    pub status_changed_at: NaiveDateTime,
    /// How it reached the service.
    pub channel: RequestChannel,
}

/// The resident-editable columns of a request, written all at once after the merged request
/// has been validated again (`Option<Option<_>>`: `Some(None)` clears a nullable column).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = help_requests)]
pub struct HelpRequestChanges {
    /// Law domain code.
    pub domain: Option<LawDomain>,
    /// Category code.
    pub category: Option<Category>,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// PC4.
    pub pc4: Option<String>,
    /// Municipality code.
    pub municipality_code: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Urgency code.
    pub urgency: Option<Urgency>,
    /// A minor is involved.
    pub involves_minor: Option<bool>,
    /// Remote help is fine.
    pub remote_ok: Option<bool>,
    /// Maximum distance, km.
    pub max_distance_km: Option<Option<f64>>,
    /// Availability JSON.
    pub availability: Option<Availability>,
    /// Date window start.
    pub available_from: Option<Option<NaiveDate>>,
    /// Date window end.
    pub available_until: Option<Option<NaiveDate>>,
    /// Visit length.
    pub session_minutes: Option<i32>,
    /// Consent for the municipality.
    pub consent_municipality: Option<bool>,
    /// Last changed.
    pub updated_at: Option<NaiveDateTime>,
}

impl From<NewHelpRequest> for HelpRequestChanges {
    /// Every editable column of `new`; id, owner, status and creation time are not editable.
    fn from(new: NewHelpRequest) -> Self {
        Self {
            domain: Some(new.domain),
            category: Some(new.category),
            title: Some(new.title),
            description: Some(new.description),
            pc4: Some(new.pc4),
            municipality_code: Some(new.municipality_code),
            lat: Some(new.lat),
            lon: Some(new.lon),
            urgency: Some(new.urgency),
            involves_minor: Some(new.involves_minor),
            remote_ok: Some(new.remote_ok),
            max_distance_km: Some(new.max_distance_km),
            availability: Some(new.availability),
            available_from: Some(new.available_from),
            available_until: Some(new.available_until),
            session_minutes: Some(new.session_minutes),
            consent_municipality: Some(new.consent_municipality),
            updated_at: Some(new.updated_at),
        }
    }
}

/// Filters of the resident's own list.
#[derive(Debug, Clone, Copy, Default)]
pub struct HelpRequestFilter {
    /// Only this status.
    pub status: Option<HelpRequestStatus>,
    /// Only this domain.
    pub domain: Option<LawDomain>,
    /// Only this category.
    pub category: Option<Category>,
}

/// Inserts a request and returns it as stored (`RETURNING`, in the same statement).
pub fn insert(conn: &mut DbConnection, request: &NewHelpRequest) -> QueryResult<HelpRequest> {
    super::on_backend!(conn, |c| diesel::insert_into(help_requests::table)
        .values(request)
        .returning(HelpRequest::as_returning())
        .get_result(c))
}

/// The title of request `id` (a notification shows it where that is allowed).
pub fn title(conn: &mut DbConnection, id: &HelpRequestId) -> QueryResult<Option<String>> {
    help_requests::table
        .find(id.as_str())
        .select(help_requests::title)
        .first(conn)
        .optional()
}

/// A request by id, only if `owner` posted it.
pub fn find_owned(
    conn: &mut DbConnection,
    id: &HelpRequestId,
    owner: &UserId,
) -> QueryResult<Option<HelpRequest>> {
    super::on_backend!(conn, |c| help_requests::table
        .find(id.as_str())
        .filter(help_requests::requester_id.eq(owner.as_str()))
        .select(HelpRequest::as_select())
        .first(c)
        .optional())
}

fn owned_query<'a>(
    owner: &'a UserId,
    filter: HelpRequestFilter,
) -> help_requests::BoxedQuery<'a, MultiBackend> {
    let mut query = help_requests::table
        .filter(help_requests::requester_id.eq(owner.as_str()))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(help_requests::status.eq(status.as_str()));
    }
    if let Some(domain) = filter.domain {
        query = query.filter(help_requests::domain.eq(domain.as_str()));
    }
    if let Some(category) = filter.category {
        query = query.filter(help_requests::category.eq(category.code()));
    }
    query
}

/// One page of `owner`'s requests, newest first, and the total matching `filter`.
pub fn list_owned(
    conn: &mut DbConnection,
    owner: &UserId,
    filter: HelpRequestFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<HelpRequest>, i64)> {
    let total = owned_query(owner, filter).count().get_result(conn)?;
    let items = owned_query(owner, filter)
        .order((help_requests::created_at.desc(), help_requests::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(HelpRequest::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// `owner`'s still-open (`open` or `proposed`) requests in `category` created at or after
/// `since`: the candidates for the duplicate check.
pub fn recent_open_in_category(
    conn: &mut DbConnection,
    owner: &UserId,
    category: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<HelpRequest>> {
    // Two comparisons rather than an IN list, which SQLite would prepare anew on every post.
    let (open, proposed) = (
        HelpRequestStatus::Open.as_str(),
        HelpRequestStatus::Proposed.as_str(),
    );
    super::on_backend!(conn, |c| help_requests::table
        .filter(help_requests::requester_id.eq(owner.as_str()))
        .filter(help_requests::category.eq(category))
        .filter(
            help_requests::status
                .eq(open)
                .or(help_requests::status.eq(proposed))
        )
        .filter(help_requests::created_at.ge(since))
        .order(help_requests::created_at.desc())
        .select(HelpRequest::as_select())
        .load(c))
}

/// Writes the editable columns.
pub fn update(
    conn: &mut DbConnection,
    id: &HelpRequestId,
    changes: &HelpRequestChanges,
) -> QueryResult<()> {
    diesel::update(help_requests::table.find(id.as_str()))
        .set(changes)
        .execute(conn)
        .map(|_| ())
}

/// Moves a request from `from` to `to` if it is still in `from`; returns whether it moved
/// (a lost race is the caller's 409). Entering a final state (completed, cancelled,
/// referred, closed) records `closed_at`, which statistics and retention count from.
pub fn transition(
    conn: &mut DbConnection,
    id: &str,
    from: HelpRequestStatus,
    to: HelpRequestStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let closed_at = to.is_terminal().then_some(now);
    diesel::update(
        help_requests::table
            .find(id)
            .filter(help_requests::status.eq(from.as_str())),
    )
    .set((
        help_requests::status.eq(to.as_str()),
        help_requests::status_changed_at.eq(now),
        help_requests::updated_at.eq(now),
        help_requests::closed_at.eq(closed_at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records when a request was matched.
pub fn set_matched_at(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(help_requests::table.find(id))
        .set(help_requests::matched_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Records the resident's consent for the municipality; returns whether it was not given yet.
pub fn grant_consent(
    conn: &mut DbConnection,
    id: &HelpRequestId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        help_requests::table
            .find(id.as_str())
            .filter(help_requests::consent_municipality.eq(false)),
    )
    .set((
        help_requests::consent_municipality.eq(true),
        help_requests::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Locks the request's row until the transaction ends (PostgreSQL; a SQLite write holds the
/// database): taken after the offer's lock and before the match's (see `offers::lock`).
pub fn lock(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    let row = help_requests::table.find(id).select(help_requests::id);
    match conn {
        DbConnection::Pg(pg) => row.for_no_key_update().first::<String>(pg),
        DbConnection::Sqlite(sqlite) => row.first::<String>(sqlite),
    }
    .optional()
    .map(|_| ())
}
