//! A municipality's webhooks: where its own systems (an SMS gateway, a CRM, a zaaksysteem)
//! receive its notifications, signed with the webhook's secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::webhooks, DbConnection};
use crate::domain::UserId;

/// A stored webhook.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// The municipality whose notifications it receives.
    pub municipality_code: String,
    /// Where they are posted.
    pub url: String,
    /// The signing secret (`whsec_…`), shown to the admin once.
    pub secret: String,
    /// The admin who registered it.
    pub created_by: Option<UserId>,
    /// Registered at.
    pub created_at: NaiveDateTime,
}

/// Stores a webhook.
pub fn insert(conn: &mut DbConnection, hook: &Webhook) -> QueryResult<usize> {
    diesel::insert_into(webhooks::table)
        .values(hook)
        .execute(conn)
}

/// The webhooks of `municipality`, oldest first.
pub fn of_municipality(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<Webhook>> {
    webhooks::table
        .filter(webhooks::municipality_code.eq(municipality))
        .order(webhooks::id.asc())
        .select(Webhook::as_select())
        .load(conn)
}

/// Webhook `id`.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .first(conn)
        .optional()
}

/// Removes webhook `id` of `municipality`; returns whether it existed.
pub fn delete(conn: &mut DbConnection, municipality: &str, id: &str) -> QueryResult<bool> {
    let gone = diesel::delete(
        webhooks::table
            .find(id)
            .filter(webhooks::municipality_code.eq(municipality)),
    )
    .execute(conn)?;
    Ok(gone == 1)
}
