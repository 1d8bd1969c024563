//! What matching reads of help requests: their matching-relevant columns, by id, the recent
//! ones (demand), the open ones near an offer, and the waiting ones (the global batch).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        schema::{help_requests, matches},
        DbConnection,
    },
    domain::{
        Availability, Category, HelpRequestId, HelpRequestStatus, LawDomain, MatchStatus, OfferId,
        Urgency, UserId,
    },
    geo::BoundingBox,
};

/// The matching-relevant columns of a help request.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct RequestRow {
    /// Id.
    pub id: HelpRequestId,
    /// The resident (none after erasure).
    pub requester_id: Option<UserId>,
    /// Law domain code.
    pub domain: LawDomain,
    /// Category code.
    pub category: Category,
    /// PC4 latitude.
    pub lat: f64,
    /// PC4 longitude.
    pub lon: f64,
    /// Municipality code.
    pub municipality_code: String,
    /// Largest distance the resident accepts.
    pub max_distance_km: Option<f64>,
    /// Remote help acceptable.
    pub remote_ok: bool,
    /// A minor is involved (VOG gate).
    pub involves_minor: bool,
    /// Availability JSON.
    pub availability: Availability,
    /// Session length.
    pub session_minutes: i32,
    /// Urgency code.
    pub urgency: Urgency,
    /// Status code.
    pub status: HelpRequestStatus,
    /// Posted at (waiting since).
    pub created_at: NaiveDateTime,
}

impl From<&super::NewHelpRequest> for RequestRow {
    /// The row a request is about to have (incremental matching proposes it in the
    /// transaction that inserts it, without reading it back).
    fn from(new: &super::NewHelpRequest) -> Self {
        RequestRow {
            id: new.id.clone(),
            requester_id: new.requester_id.clone(),
            domain: new.domain,
            category: new.category,
            lat: new.lat,
            lon: new.lon,
            municipality_code: new.municipality_code.clone(),
            max_distance_km: new.max_distance_km,
            remote_ok: new.remote_ok,
            involves_minor: new.involves_minor,
            availability: new.availability.clone(),
            session_minutes: new.session_minutes,
            urgency: new.urgency,
            status: new.status,
            created_at: new.created_at,
        }
    }
}

/// A request by id.
pub fn request(conn: &mut DbConnection, id: &str) -> QueryResult<Option<RequestRow>> {
    help_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()
}

/// Requests still waiting for a volunteer (open or proposed) that were posted at or before
/// `cutoff`, oldest first (the "do you still need help?" question).
pub fn waiting_since(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<(HelpRequestId, NaiveDateTime)>> {
    help_requests::table
        .filter(help_requests::status.eq_any([
            HelpRequestStatus::Open.as_str(),
            HelpRequestStatus::Proposed.as_str(),
        ]))
        .filter(help_requests::created_at.le(cutoff))
        .order(help_requests::created_at.asc())
        .select((help_requests::id, help_requests::created_at))
        .load(conn)
}

/// Requests posted since `since`, in any state (the demand count of `services::live_offers`),
/// a page of `limit` at a time in (created_at, id) order after `after`.
pub fn recent_requests(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    after: Option<&(NaiveDateTime, HelpRequestId)>,
    limit: i64,
) -> QueryResult<Vec<RequestRow>> {
    let mut query = help_requests::table
        .filter(help_requests::created_at.ge(since))
        .order((help_requests::created_at.asc(), help_requests::id.asc()))
        .limit(limit)
        .select(RequestRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        // `created_at >= at` first, so that the index range starts at the page boundary (with
        // only the OR below, PostgreSQL scanned the window from its start for every page).
        query = query.filter(help_requests::created_at.ge(*at)).filter(
            help_requests::created_at
                .gt(*at)
                .or(help_requests::created_at
                    .eq(*at)
                    .and(help_requests::id.gt(id.clone()))),
        );
    }
    query.load(conn)
}

/// How many requests were posted since `since`, in any state.
pub fn count_recent_requests(conn: &mut DbConnection, since: NaiveDateTime) -> QueryResult<i64> {
    help_requests::table
        .filter(help_requests::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Open requests in `categories` inside the box (or anywhere when `remote` and they accept
/// remote help), most urgent and longest waiting first.
pub fn open_requests(
    conn: &mut DbConnection,
    categories: &[String],
    bbox: Option<BoundingBox>,
    limit: i64,
) -> QueryResult<Vec<RequestRow>> {
    let mut query = help_requests::table
        .filter(help_requests::status.eq(HelpRequestStatus::Open.as_str()))
        .filter(help_requests::category.eq_any(categories))
        .select(RequestRow::as_select())
        .order((help_requests::created_at.asc(), help_requests::id.asc()))
        .limit(limit)
        .into_boxed();
    query = match bbox {
        Some(b) => query
            .filter(help_requests::lat.between(b.lat_min, b.lat_max))
            .filter(help_requests::lon.between(b.lon_min, b.lon_max)),
        None => query.filter(help_requests::remote_ok.eq(true)),
    };
    query.load(conn)
}

/// proposal not yet accepted. With the offer of that proposal, if any.
pub fn waiting_requests(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(RequestRow, Option<OfferId>)>> {
    let open: Vec<RequestRow> = help_requests::table
        .filter(help_requests::status.eq(HelpRequestStatus::Open.as_str()))
        .select(RequestRow::as_select())
        .load(conn)?;
    let proposed: Vec<(RequestRow, OfferId)> = help_requests::table
        .inner_join(matches::table)
        .filter(help_requests::status.eq(HelpRequestStatus::Proposed.as_str()))
        .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
        .select((RequestRow::as_select(), matches::offer_id))
        .load(conn)?;
    Ok(open
        .into_iter()
        .map(|r| (r, None))
        .chain(proposed.into_iter().map(|(r, o)| (r, Some(o))))
        .collect())
}
