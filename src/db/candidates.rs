//! What the matching workflows read: the matching-relevant columns of requests and offers,
//! and the locality pre-filters (a bounding box on the indexed coordinates) that keep a
//! request from scanning every offer.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{
    schema::{help_requests, matches, offer_categories, offers, users},
    DbConnection,
};

/// Slightly fewer km per degree than the Earth's 111.195, so that a box is never too small.
const FLAT_KM_PER_DEGREE: f64 = 111.0;

/// A bounding box around a point.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    lat_min: f64,
    lat_max: f64,
    lon_min: f64,
    lon_max: f64,
}

impl BoundingBox {
    /// The box that contains every point within `km` of (`lat`, `lon`).
    pub fn around(lat: f64, lon: f64, km: f64) -> Self {
        let dlat = km / FLAT_KM_PER_DEGREE;
        // A degree of longitude is shortest at the edge farthest from the equator.
        let min_cos_lat = (lat.abs() + dlat).min(89.0).to_radians().cos();
        let dlon = km / (FLAT_KM_PER_DEGREE * min_cos_lat);
        Self {
            lat_min: lat - dlat,
            lat_max: lat + dlat,
            lon_min: lon - dlon,
            lon_max: lon + dlon,
        }
    }
}

/// The matching-relevant columns of a help request.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct RequestRow {
    /// Id.
    pub id: String,
    /// The resident (none after erasure).
    pub requester_id: Option<String>,
    /// Law domain code.
    pub domain: String,
    /// Category code.
    pub category: String,
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
    pub availability: String,
    /// Session length.
    pub session_minutes: i32,
    /// Urgency code.
    pub urgency: String,
    /// Status code.
    pub status: String,
    /// Posted at (waiting since).
    pub created_at: NaiveDateTime,
}

impl From<&super::help_requests::NewHelpRequest> for RequestRow {
    /// The row a request is about to have (incremental matching proposes it in the
    /// transaction that inserts it, without reading it back).
    fn from(new: &super::help_requests::NewHelpRequest) -> Self {
        RequestRow {
            id: new.id.clone(),
            requester_id: Some(new.requester_id.clone()),
            domain: new.domain.clone(),
            category: new.category.clone(),
            lat: new.lat,
            lon: new.lon,
            municipality_code: new.municipality_code.clone(),
            max_distance_km: new.max_distance_km,
            remote_ok: new.remote_ok,
            involves_minor: new.involves_minor,
            availability: new.availability.clone(),
            session_minutes: new.session_minutes,
            urgency: new.urgency.clone(),
            status: new.status.clone(),
            created_at: new.created_at,
        }
    }
}

/// The matching-relevant columns of an offer, with its volunteer's VOG date.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offers)]
pub struct OfferRow {
    /// Id.
    pub id: String,
    /// The volunteer.
    pub volunteer_id: Option<String>,
    /// PC4 latitude.
    pub lat: f64,
    /// PC4 longitude.
    pub lon: f64,
    /// Municipality code.
    pub municipality_code: String,
    /// Travel radius.
    pub radius_km: f64,
    /// Remote help offered.
    pub remote_ok: bool,
    /// Availability JSON.
    pub availability: String,
    /// Capacity.
    pub capacity: i32,
    /// Active proposals plus accepted matches.
    pub active_load: i32,
    /// Status code.
    pub status: String,
    /// Change counter (the in-memory index reads changes by it).
    pub revision: i64,
}

/// An offer row with the volunteer's VOG issue date.
pub type OfferWithVog = (OfferRow, Option<NaiveDate>);

/// A request by id.
pub fn request(conn: &mut DbConnection, id: &str) -> QueryResult<Option<RequestRow>> {
    help_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()
}

/// Requests posted since `since`, in any state (the demand count of `services::live_offers`),
/// a page of `limit` at a time in (created_at, id) order after `after`.
pub fn recent_requests(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    after: Option<&(NaiveDateTime, String)>,
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

/// An offer by id with its VOG date.
pub fn offer(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OfferWithVog>> {
    offers::table
        .left_join(users::table)
        .filter(offers::id.eq(id))
        .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
        .first(conn)
        .optional()
}

/// Category codes of an offer.
pub fn categories_of(conn: &mut DbConnection, offer_id: &str) -> QueryResult<Vec<String>> {
    offer_categories::table
        .filter(offer_categories::offer_id.eq(offer_id))
        .select(offer_categories::category)
        .load(conn)
}

/// The offers among `ids` that are active and cover `category`, as they are now (incremental
/// matching re-reads the candidates its in-memory index ranked best).
pub fn current_candidates(
    conn: &mut DbConnection,
    ids: &[String],
    category: &str,
) -> QueryResult<Vec<OfferWithVog>> {
    // Lookups by key only, the rest checked here: with `status = 'active'` (or a correlated
    // EXISTS on the categories) in the query, SQLite's planner preferred the status index
    // and read every active offer (230 ms at 100,000 offers instead of microseconds).
    // PostgreSQL gets each list as one array (`= ANY($1)`, one prepared statement); SQLite
    // eight keys per statement of one fixed shape (`db::one_of`), prepared once.
    let (covering, mut rows): (Vec<String>, Vec<OfferWithVog>) = match conn {
        DbConnection::Pg(c) => (
            offer_categories::table
                .filter(offer_categories::offer_id.eq_any(ids))
                .filter(offer_categories::category.eq(category))
                .select(offer_categories::offer_id)
                .load(c)?,
            offers::table
                .left_join(users::table)
                .filter(offers::id.eq_any(ids))
                .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
                .load(c)?,
        ),
        DbConnection::Sqlite(c) => (
            super::by_chunks(ids, |keys| {
                offer_categories::table
                    .filter(super::one_of!(offer_categories::offer_id, keys))
                    .filter(offer_categories::category.eq(category))
                    .select(offer_categories::offer_id)
                    .load(c)
            })?,
            super::by_chunks(ids, |keys| {
                offers::table
                    .left_join(users::table)
                    .filter(super::one_of!(offers::id, keys))
                    .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
                    .load(c)
            })?,
        ),
    };
    let covering: std::collections::HashSet<String> = covering.into_iter().collect();
    rows.retain(|(offer, _)| offer.status == "active" && covering.contains(&offer.id));
    Ok(rows)
}

/// What the in-memory offer index reads (`services::live_offers`): offers with their VOG
/// date and category codes.
pub mod live {
    use super::*;

    /// An offer with its VOG date and its category codes.
    pub type LiveRow = (OfferWithVog, Vec<String>);

    /// One page of all offers, whatever their status, by revision: the `limit` offers with
    /// the lowest revisions above `after` (so a full load never holds every row at once).
    pub fn page(conn: &mut DbConnection, after: i64, limit: i64) -> QueryResult<Vec<LiveRow>> {
        let rows: Vec<OfferWithVog> = offers::table
            .left_join(users::table)
            .filter(offers::revision.gt(after))
            .order(offers::revision.asc())
            .limit(limit)
            .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
            .load(conn)?;
        complete(conn, rows)
    }

    /// Offers with a revision above `since`, whatever their status.
    pub fn changed_since(conn: &mut DbConnection, since: i64) -> QueryResult<Vec<LiveRow>> {
        // Runs before every search (usually finding the one offer the last proposal took).
        let rows: Vec<OfferWithVog> = crate::db::on_backend!(conn, |c| offers::table
            .left_join(users::table)
            .filter(offers::revision.gt(since))
            .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
            .load(c))?;
        complete(conn, rows)
    }

    /// These offers, whatever their status (ids not found are left out).
    pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<LiveRow>> {
        let mut rows: Vec<OfferWithVog> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            rows.extend(
                offers::table
                    .left_join(users::table)
                    .filter(offers::id.eq_any(chunk))
                    .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
                    .load::<OfferWithVog>(conn)?,
            );
        }
        complete(conn, rows)
    }

    fn complete(conn: &mut DbConnection, rows: Vec<OfferWithVog>) -> QueryResult<Vec<LiveRow>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = rows.iter().map(|r| r.0.id.as_str()).collect();
        // Usually one offer (the catch-up before a search): on SQLite a statement of one
        // fixed shape per eight (`db::one_of`) rather than an IN list prepared every time.
        let categories = match conn {
            DbConnection::Sqlite(c) if ids.len() <= 64 => crate::db::by_chunks(&ids, |keys| {
                offer_categories::table
                    .filter(crate::db::one_of!(offer_categories::offer_id, keys))
                    .select((offer_categories::offer_id, offer_categories::category))
                    .load::<(String, String)>(c)
            })?,
            _ => {
                let mut categories = Vec::new();
                for chunk in ids.chunks(500) {
                    categories.extend(
                        offer_categories::table
                            .filter(offer_categories::offer_id.eq_any(chunk))
                            .select((offer_categories::offer_id, offer_categories::category))
                            .load::<(String, String)>(conn)?,
                    );
                }
                categories
            }
        };
        Ok(with_categories(rows, categories))
    }

    fn with_categories(rows: Vec<OfferWithVog>, pairs: Vec<(String, String)>) -> Vec<LiveRow> {
        let mut of: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::with_capacity(rows.len());
        for (offer, category) in pairs {
            of.entry(offer).or_default().push(category);
        }
        rows.into_iter()
            .map(|row| {
                let codes = of.remove(&row.0.id).unwrap_or_default();
                (row, codes)
            })
            .collect()
    }
}

/// Every active offer in `category` inside the box, whatever its radius, not the requester's
/// own (case workers' relaxed suggestions look for offers that miss only on distance).
pub fn offers_in_box(
    conn: &mut DbConnection,
    category: &str,
    bbox: BoundingBox,
    exclude_volunteer: Option<&str>,
) -> QueryResult<Vec<OfferWithVog>> {
    let in_category = offer_categories::table
        .filter(offer_categories::category.eq(category))
        .select(offer_categories::offer_id);
    let mut query = offers::table
        .left_join(users::table)
        .filter(offers::status.eq("active"))
        .filter(offers::lat.between(bbox.lat_min, bbox.lat_max))
        .filter(offers::lon.between(bbox.lon_min, bbox.lon_max))
        .filter(offers::active_load.lt(offers::capacity))
        .filter(offers::id.eq_any(in_category))
        .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
        .limit(SUGGESTION_LIMIT)
        .into_boxed();
    if let Some(volunteer) = exclude_volunteer {
        query = query.filter(offers::volunteer_id.ne(volunteer));
    }
    query.load(conn)
}

/// The most offers read for a case's suggestions.
pub const SUGGESTION_LIMIT: i64 = 5_000;

/// The most remote offers read for a case's suggestions (nearest first).
pub const REMOTE_LIMIT: i64 = 250;

/// Boxes searched for remote offers, smallest first; the last covers the whole country.
const REMOTE_RINGS_KM: [f64; 4] = [15.0, 40.0, 100.0, 400.0];

/// Active remote-capable offers in `category`, nearest first (flat-earth ordering, which is
/// monotone enough within the country), at most [`REMOTE_LIMIT`] (a case worker's suggestions). Searches growing boxes
/// around the point and stops at the first that holds enough, so a request reads the remote
/// offers of its region rather than sorting every remote offer of the country.
pub fn remote_offers(
    conn: &mut DbConnection,
    category: &str,
    lat: f64,
    lon: f64,
) -> QueryResult<Vec<OfferWithVog>> {
    let mut found = Vec::new();
    for km in REMOTE_RINGS_KM {
        let bbox = BoundingBox::around(lat, lon, km);
        let in_category = offer_categories::table
            .filter(offer_categories::offer_id.eq(offers::id))
            .filter(offer_categories::category.eq(category));
        found = offers::table
            .left_join(users::table)
            .filter(offers::remote_ok.eq(true))
            .filter(offers::status.eq("active"))
            .filter(offers::lat.between(bbox.lat_min, bbox.lat_max))
            .filter(offers::lon.between(bbox.lon_min, bbox.lon_max))
            .filter(offers::active_load.lt(offers::capacity))
            .filter(diesel::dsl::exists(in_category))
            .order(
                ((offers::lat - lat) * (offers::lat - lat)
                    + (offers::lon - lon) * (offers::lon - lon) * 0.4)
                    .asc(),
            )
            .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
            .limit(REMOTE_LIMIT)
            .load(conn)?;
        if found.len() as i64 >= REMOTE_LIMIT {
            break;
        }
    }
    Ok(found)
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
        .filter(help_requests::status.eq("open"))
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

/// Requests this volunteer passed on (see [`crate::domain::MatchStatus::PASSES`]).
pub fn passed_requests(conn: &mut DbConnection, volunteer_id: &str) -> QueryResult<Vec<String>> {
    matches::table
        .filter(matches::volunteer_id.eq(volunteer_id))
        .filter(matches::status.eq_any(crate::domain::MatchStatus::PASS_CODES))
        .select(matches::request_id)
        .load(conn)
}

/// Moves a request from `from` to `to` if it is still in `from`; returns whether it moved.
/// Entering a final state (completed, cancelled, referred, closed) records `closed_at`, which
/// statistics and the retention period count from, exactly as `help_requests::set_status` does.
pub fn set_request_status(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let closed_at = crate::domain::HelpRequestStatus::parse(to)
        .is_ok_and(|status| status.is_terminal())
        .then_some(now);
    diesel::update(
        help_requests::table
            .find(id)
            .filter(help_requests::status.eq(from)),
    )
    .set((
        help_requests::status.eq(to),
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

/// Everything the global batch reads, in bulk.
pub mod batch {
    use super::*;

    /// Requests waiting for a volunteer or for an answer: `open`, or `proposed` with a
    /// proposal not yet accepted. With the offer of that proposal, if any.
    pub fn waiting_requests(
        conn: &mut DbConnection,
    ) -> QueryResult<Vec<(RequestRow, Option<String>)>> {
        let open: Vec<RequestRow> = help_requests::table
            .filter(help_requests::status.eq("open"))
            .select(RequestRow::as_select())
            .load(conn)?;
        let proposed: Vec<(RequestRow, String)> = help_requests::table
            .inner_join(matches::table)
            .filter(help_requests::status.eq("proposed"))
            .filter(matches::status.eq("proposed"))
            .select((RequestRow::as_select(), matches::offer_id))
            .load(conn)?;
        Ok(open
            .into_iter()
            .map(|r| (r, None))
            .chain(proposed.into_iter().map(|(r, o)| (r, Some(o))))
            .collect())
    }

    /// Every active offer with its VOG date.
    pub fn active_offers(conn: &mut DbConnection) -> QueryResult<Vec<OfferWithVog>> {
        offers::table
            .left_join(users::table)
            .filter(offers::status.eq("active"))
            .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
            .load(conn)
    }

    /// (offer, category) pairs of active offers.
    pub fn active_offer_categories(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
        offer_categories::table
            .inner_join(offers::table)
            .filter(offers::status.eq("active"))
            .select((offer_categories::offer_id, offer_categories::category))
            .load(conn)
    }

    /// Passed (request, volunteer) pairs (see [`crate::domain::MatchStatus::PASSES`]).
    pub fn passes(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
        matches::table
            .filter(matches::status.eq_any(crate::domain::MatchStatus::PASS_CODES))
            .filter(matches::volunteer_id.is_not_null())
            .select((matches::request_id, matches::volunteer_id.assume_not_null()))
            .load(conn)
    }

    /// (requester, volunteer) pairs of completed matches (continuity).
    pub fn helped(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
        matches::table
            .inner_join(help_requests::table)
            .filter(matches::status.eq("completed"))
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
            .filter(matches::status.eq("proposed"))
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
}
