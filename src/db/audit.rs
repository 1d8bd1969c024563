//! The audit log: who did what to which object, and when. Rows hold ids and codes, never
//! personal data, so the log can outlive an erasure.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::audit_log, DbConnection};

/// One audit entry.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    /// Id.
    pub id: String,
    /// When it happened (UTC).
    pub occurred_at: NaiveDateTime,
    /// Who did it (`null` for the system).
    pub actor_id: Option<String>,
    /// In which role: `resident`, `volunteer`, `case_worker`, `admin`, `operator` (the
    /// command line) or `system`.
    pub actor_role: String,
    /// The municipality concerned, if any.
    pub municipality_code: Option<String>,
    /// What was done, e.g. `case.read`, `case.resolve`, `user.vog_recorded`.
    pub action: String,
    /// Kind of object, e.g. `case`, `user`.
    pub object_type: String,
    /// The object's id.
    pub object_id: String,
    /// Codes that qualify the action (an outcome, a reason); never free text from people.
    pub detail: Option<String>,
}

impl AuditEntry {
    /// An entry for `action` on `object_type`/`object_id` by `actor_id` in `actor_role`.
    pub fn new(
        now: NaiveDateTime,
        actor_id: Option<&str>,
        actor_role: &str,
        action: &str,
        object_type: &str,
        object_id: &str,
    ) -> Self {
        Self {
            id: crate::domain::ids::new_key(),
            occurred_at: now,
            actor_id: actor_id.map(str::to_owned),
            actor_role: actor_role.to_owned(),
            municipality_code: None,
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id: object_id.to_owned(),
            detail: None,
        }
    }

    /// Sets the municipality.
    pub fn in_municipality(mut self, code: &str) -> Self {
        self.municipality_code = Some(code.to_owned());
        self
    }

    /// Sets the detail code.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Writes an entry (inside the caller's transaction, so it exists exactly when the action does).
pub fn record(conn: &mut DbConnection, entry: &AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// The entries about a case and its request, oldest first.
pub fn for_case(
    conn: &mut DbConnection,
    case_id: &str,
    request_id: &str,
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(
            audit_log::object_type
                .eq("case")
                .and(audit_log::object_id.eq(case_id))
                .or(audit_log::object_type
                    .eq("help_request")
                    .and(audit_log::object_id.eq(request_id))),
        )
        .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
        .select(AuditEntry::as_select())
        .load(conn)
}

/// The entries about any of `object_ids`, oldest first.
pub fn about_objects(
    conn: &mut DbConnection,
    object_ids: &[String],
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::object_id.eq_any(object_ids))
        .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
        .select(AuditEntry::as_select())
        .load(conn)
}
