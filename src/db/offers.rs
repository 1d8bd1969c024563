//! Volunteer offers and their categories. Every read here is scoped to the owner.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{
    schema::{offer_categories, offers},
    DbConnection, MultiBackend,
};
use crate::domain::{Availability, OfferId, OfferStatus, UserId};

mod for_matching;
pub use for_matching::*;

/// A stored offer (its categories live in `offer_categories`).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = offers)]
pub struct Offer {
    /// Id.
    pub id: OfferId,
    /// The volunteer (`None` after erasure).
    pub volunteer_id: Option<UserId>,
    /// Four-digit postcode area.
    pub pc4: String,
    /// CBS code of the municipality derived from the PC4.
    pub municipality_code: String,
    /// Latitude of the PC4 point.
    pub lat: f64,
    /// Longitude of the PC4 point.
    pub lon: f64,
    /// How far the volunteer travels, km.
    pub radius_km: f64,
    /// Whether the volunteer helps at a distance in remote-capable categories.
    pub remote_ok: bool,
    /// The validated availability as JSON (the `AvailabilityInput` shape).
    pub availability: Availability,
    /// First day of the date window.
    pub available_from: Option<NaiveDate>,
    /// Last day of the date window.
    pub available_until: Option<NaiveDate>,
    /// How many requests at once.
    pub capacity: i32,
    /// A short note.
    pub note: String,
    /// Status code.
    pub status: OfferStatus,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Paused by the volunteer's suspension (only lifting it makes the offer active again).
    pub held: bool,
}

/// A new offer, fully validated.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = offers)]
pub struct NewOffer {
    /// Id.
    pub id: OfferId,
    /// The volunteer.
    pub volunteer_id: UserId,
    /// PC4.
    pub pc4: String,
    /// Municipality code.
    pub municipality_code: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Radius, km.
    pub radius_km: f64,
    /// Remote help.
    pub remote_ok: bool,
    /// Availability JSON.
    pub availability: Availability,
    /// Date window start.
    pub available_from: Option<NaiveDate>,
    /// Date window end.
    pub available_until: Option<NaiveDate>,
    /// Capacity.
    pub capacity: i32,
    /// Note.
    pub note: String,
    /// Status code.
    pub status: OfferStatus,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// The volunteer-editable columns, written all at once after the merged offer has been
/// validated again (`Some(None)` clears a nullable column).
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = offers)]
pub struct OfferChanges {
    /// PC4.
    pub pc4: Option<String>,
    /// Municipality code.
    pub municipality_code: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Radius, km.
    pub radius_km: Option<f64>,
    /// Remote help.
    pub remote_ok: Option<bool>,
    /// Availability JSON.
    pub availability: Option<Availability>,
    /// Date window start.
    pub available_from: Option<Option<NaiveDate>>,
    /// Date window end.
    pub available_until: Option<Option<NaiveDate>>,
    /// Capacity.
    pub capacity: Option<i32>,
    /// Note.
    pub note: Option<String>,
    /// Last changed.
    pub updated_at: Option<NaiveDateTime>,
}

impl From<NewOffer> for OfferChanges {
    /// Every editable column of `new`; id, owner, status and creation time are not editable.
    fn from(new: NewOffer) -> Self {
        Self {
            pc4: Some(new.pc4),
            municipality_code: Some(new.municipality_code),
            lat: Some(new.lat),
            lon: Some(new.lon),
            radius_km: Some(new.radius_km),
            remote_ok: Some(new.remote_ok),
            availability: Some(new.availability),
            available_from: Some(new.available_from),
            available_until: Some(new.available_until),
            capacity: Some(new.capacity),
            note: Some(new.note),
            updated_at: Some(new.updated_at),
        }
    }
}

/// Inserts an offer with its category codes.
pub fn insert(conn: &mut DbConnection, offer: &NewOffer, categories: &[String]) -> QueryResult<()> {
    diesel::insert_into(offers::table)
        .values(offer)
        .execute(conn)?;
    insert_categories(conn, offer.id.as_str(), categories)
}

fn insert_categories(
    conn: &mut DbConnection,
    offer_id: &str,
    categories: &[String],
) -> QueryResult<()> {
    // One row at a time: a multi-row insert is not portable through `MultiConnection`, and an
    // offer has at most 20 categories.
    for category in categories {
        diesel::insert_into(offer_categories::table)
            .values((
                offer_categories::offer_id.eq(offer_id),
                offer_categories::category.eq(category),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// An offer by id, only if `owner` registered it.
pub fn find_owned(
    conn: &mut DbConnection,
    id: &OfferId,
    owner: &UserId,
) -> QueryResult<Option<Offer>> {
    offers::table
        .find(id.as_str())
        .filter(offers::volunteer_id.eq(owner.as_str()))
        .select(Offer::as_select())
        .first(conn)
        .optional()
}

fn owned_query<'a>(
    owner: &'a UserId,
    status: Option<OfferStatus>,
) -> offers::BoxedQuery<'a, MultiBackend> {
    let mut query = offers::table
        .filter(offers::volunteer_id.eq(owner.as_str()))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(offers::status.eq(status.as_str()));
    }
    query
}

/// `owner`'s offers that are not withdrawn (active or paused), oldest first.
pub fn current_of(conn: &mut DbConnection, owner: &UserId) -> QueryResult<Vec<Offer>> {
    offers::table
        .filter(offers::volunteer_id.eq(owner.as_str()))
        .filter(offers::status.ne(OfferStatus::Withdrawn.as_str()))
        .order(offers::id.asc())
        .select(Offer::as_select())
        .load(conn)
}

/// One page of `owner`'s offers, newest first, and the total matching `status`.
pub fn list_owned(
    conn: &mut DbConnection,
    owner: &UserId,
    status: Option<OfferStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Offer>, i64)> {
    let total = owned_query(owner, status).count().get_result(conn)?;
    let items = owned_query(owner, status)
        .order((offers::created_at.desc(), offers::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(Offer::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// The category codes of each of `offer_ids`, in taxonomy-code order.
pub fn categories_of(
    conn: &mut DbConnection,
    offer_ids: &[String],
) -> QueryResult<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = offer_categories::table
        .filter(offer_categories::offer_id.eq_any(offer_ids))
        .order((offer_categories::offer_id, offer_categories::category))
        .select((offer_categories::offer_id, offer_categories::category))
        .load(conn)?;
    let mut by_offer: HashMap<String, Vec<String>> = HashMap::new();
    for (offer_id, category) in rows {
        by_offer.entry(offer_id).or_default().push(category);
    }
    Ok(by_offer)
}

/// Writes the editable columns and replaces the categories.
pub fn update(
    conn: &mut DbConnection,
    id: &OfferId,
    changes: &OfferChanges,
    categories: &[String],
) -> QueryResult<()> {
    diesel::update(offers::table.find(id.as_str()))
        .set(changes)
        .execute(conn)?;
    diesel::delete(offer_categories::table.filter(offer_categories::offer_id.eq(id.as_str())))
        .execute(conn)?;
    insert_categories(conn, id.as_str(), categories)
}

/// Moves the offer from `from` to `to` if it is still in `from`; returns whether it moved
/// (a lost race is the caller's 409).
pub fn transition(
    conn: &mut DbConnection,
    id: &OfferId,
    from: OfferStatus,
    to: OfferStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        offers::table
            .find(id.as_str())
            .filter(offers::status.eq(from.as_str())),
    )
    .set((offers::status.eq(to.as_str()), offers::updated_at.eq(now)))
    .execute(conn)
    .map(|n| n == 1)
}

/// Locks the offer's row until the transaction ends (PostgreSQL; a SQLite write holds the
/// database) and returns its capacity: the offer is the first row a match workflow locks,
/// before the request and the match, so two workflows never wait on each other in a circle.
pub fn lock(conn: &mut DbConnection, id: &str) -> QueryResult<Option<i32>> {
    let row = offers::table.find(id).select(offers::capacity);
    match conn {
        DbConnection::Pg(pg) => row.for_no_key_update().first(pg),
        DbConnection::Sqlite(sqlite) => row.first(sqlite),
    }
    .optional()
}

/// What a case worker may see of a suggested offer: what, where, when and how full, never
/// who (the contact follows the rules of an accepted match).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = offers)]
pub struct OfferCard {
    /// Id.
    pub id: OfferId,
    /// Four-digit postcode area.
    pub pc4: String,
    /// Municipality.
    pub municipality_code: String,
    /// Helps at a distance in remote-capable categories.
    pub remote_ok: bool,
    /// When the volunteer can help.
    pub availability: Availability,
    /// Requests at once.
    pub capacity: i32,
    /// Live proposals and matches now.
    pub active_load: i32,
    /// Status.
    pub status: OfferStatus,
}

/// The cards of `ids`, by id.
pub fn cards(conn: &mut DbConnection, ids: &[String]) -> QueryResult<HashMap<String, OfferCard>> {
    let rows: Vec<OfferCard> = offers::table
        .filter(offers::id.eq_any(ids))
        .select(OfferCard::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|c| (c.id.to_string(), c)).collect())
}
