//! What matching reads of offers: their matching-relevant columns with the volunteer's VOG
//! date, the candidates a search ranked (also a case's suggestions), and the offers active
//! anywhere (the global batch).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::{
    db::{
        schema::{offer_categories, offers, users},
        DbConnection,
    },
    domain::{Availability, OfferId, OfferStatus, UserId},
};

/// The matching-relevant columns of an offer, with its volunteer's VOG date.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offers)]
pub struct OfferRow {
    /// Id.
    pub id: OfferId,
    /// The volunteer.
    pub volunteer_id: Option<UserId>,
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
    pub availability: Availability,
    /// Capacity.
    pub capacity: i32,
    /// Active proposals plus accepted matches.
    pub active_load: i32,
    /// Status code.
    pub status: crate::domain::OfferStatus,
    /// Change counter (the in-memory index reads changes by it).
    pub revision: i64,
}

/// An offer row with the volunteer's VOG issue date.
pub type OfferWithVog = (OfferRow, Option<NaiveDate>);

/// An offer by id with its VOG date.
pub fn offer(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OfferWithVog>> {
    offers::table
        .left_join(users::table)
        .filter(offers::id.eq(id))
        .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
        .first(conn)
        .optional()
}

/// Category codes of one offer.
pub fn category_codes(conn: &mut DbConnection, offer_id: &str) -> QueryResult<Vec<String>> {
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
            crate::db::by_chunks(ids, |keys| {
                offer_categories::table
                    .filter(crate::db::one_of!(offer_categories::offer_id, keys))
                    .filter(offer_categories::category.eq(category))
                    .select(offer_categories::offer_id)
                    .load(c)
            })?,
            crate::db::by_chunks(ids, |keys| {
                offers::table
                    .left_join(users::table)
                    .filter(crate::db::one_of!(offers::id, keys))
                    .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
                    .load(c)
            })?,
        ),
    };
    let covering: std::collections::HashSet<String> = covering.into_iter().collect();
    rows.retain(|(offer, _)| {
        offer.status == OfferStatus::Active && covering.contains(offer.id.as_str())
    });
    Ok(rows)
}

/// Every active offer with its VOG date.
pub fn active_offers(conn: &mut DbConnection) -> QueryResult<Vec<OfferWithVog>> {
    offers::table
        .left_join(users::table)
        .filter(offers::status.eq(OfferStatus::Active.as_str()))
        .select((OfferRow::as_select(), users::vog_issued_on.nullable()))
        .load(conn)
}

/// (offer, category) pairs of active offers.
pub fn active_offer_categories(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    offer_categories::table
        .inner_join(offers::table)
        .filter(offers::status.eq(OfferStatus::Active.as_str()))
        .select((offer_categories::offer_id, offer_categories::category))
        .load(conn)
}
