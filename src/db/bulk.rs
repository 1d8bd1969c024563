//! Multi-row inserts for the seeding tool (`hulpmarkt seed`). `MultiConnection` does not carry
//! batch inserts, so each function matches on the backend once and hands the whole slice to
//! that backend's own batch insert: one statement per chunk instead of one per row, which is
//! what makes seeding a million rows take seconds rather than minutes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{
    help_requests::NewHelpRequest,
    matches::Match,
    offers::NewOffer,
    schema::{cases, offer_categories, offers, users},
    users::NewUser,
    DbConnection,
};

/// Rows per statement: below SQLite's 32,766 bound parameters for the widest table (27
/// columns) and PostgreSQL's 65,535.
pub const CHUNK: usize = 1_000;

/// One category of one offer.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = offer_categories)]
pub struct NewOfferCategory {
    /// The offer.
    pub offer_id: String,
    /// Category code.
    pub category: String,
}

/// A municipal case as the seeding tool writes it (the case workflows own the real one).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases)]
pub struct SeedCase {
    /// Id.
    pub id: crate::domain::CaseId,
    /// The escalated request.
    pub request_id: crate::domain::HelpRequestId,
    /// The request's municipality.
    pub municipality_code: String,
    /// Escalation reason code.
    pub reason: crate::domain::EscalationReason,
    /// Open or in progress.
    pub status: crate::domain::CaseStatus,
    /// Claimed by.
    pub assigned_to: Option<crate::domain::UserId>,
    /// Opened at.
    pub opened_at: NaiveDateTime,
    /// Claimed at.
    pub claimed_at: Option<NaiveDateTime>,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

macro_rules! bulk_insert {
    ($(#[$meta:meta])* $name:ident, $row:ty, $table:path) => {
        $(#[$meta])*
        pub fn $name(conn: &mut DbConnection, rows: &[$row]) -> QueryResult<()> {
            for chunk in rows.chunks(CHUNK) {
                match conn {
                    DbConnection::Pg(pg) => {
                        diesel::insert_into($table).values(chunk).execute(pg)?;
                    }
                    DbConnection::Sqlite(sqlite) => {
                        diesel::insert_into($table).values(chunk).execute(sqlite)?;
                    }
                }
            }
            Ok(())
        }
    };
}

bulk_insert!(
    /// Inserts accounts.
    users, NewUser, super::schema::users::table
);
bulk_insert!(
    /// Inserts offers (their categories separately).
    offers, NewOffer, super::schema::offers::table
);
bulk_insert!(
    /// Inserts offer categories.
    offer_categories, NewOfferCategory, super::schema::offer_categories::table
);
bulk_insert!(
    /// Inserts help requests.
    help_requests, NewHelpRequest, super::schema::help_requests::table
);
bulk_insert!(
    /// Inserts matches.
    matches, Match, super::schema::matches::table
);
bulk_insert!(
    /// Inserts cases.
    cases, SeedCase, super::schema::cases::table
);

/// Records a VOG issue date for these volunteers.
pub fn set_vog(conn: &mut DbConnection, ids: &[String], issued_on: NaiveDate) -> QueryResult<()> {
    for chunk in ids.chunks(CHUNK) {
        diesel::update(users::table.filter(users::id.eq_any(chunk)))
            .set(users::vog_issued_on.eq(issued_on))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets the load (live proposals plus accepted matches) of offers, grouped by load value.
pub fn set_loads(conn: &mut DbConnection, loads: &[(String, i32)]) -> QueryResult<()> {
    let mut by_load: std::collections::BTreeMap<i32, Vec<&str>> = Default::default();
    for (id, load) in loads {
        by_load.entry(*load).or_default().push(id);
    }
    for (load, ids) in by_load {
        for chunk in ids.chunks(CHUNK) {
            diesel::update(offers::table.filter(offers::id.eq_any(chunk)))
                .set(offers::active_load.eq(load))
                .execute(conn)?;
        }
    }
    Ok(())
}
