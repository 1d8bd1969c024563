//! What the in-memory offer index reads (`services::live_offers`): offers with their VOG date
//! and category codes, by revision or by id.

use diesel::prelude::*;

use super::{
    offers::OfferWithVog,
    schema::{offer_categories, offers, users},
    DbConnection,
};
use crate::db::offers::OfferRow;

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
            let codes = of.remove(row.0.id.as_str()).unwrap_or_default();
            (row, codes)
        })
        .collect()
}
