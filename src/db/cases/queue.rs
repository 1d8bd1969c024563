//! The case queue: a municipality's cases with their request's queue columns, filtered, and
//! the counts per status.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    super::{
        schema::{cases, help_requests},
        DbConnection,
    },
    Case,
};
use crate::domain::{CaseStatus, Category, EscalationReason, LawDomain, Urgency, UserId};

/// The request columns the queue sorts and filters on.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct QueueRequest {
    /// Law domain code.
    pub domain: LawDomain,
    /// Category code.
    pub category: Category,
    /// PC4.
    pub pc4: String,
    /// Urgency code.
    pub urgency: Urgency,
    /// Posted at (waiting since).
    pub created_at: NaiveDateTime,
    /// Title (shown only with the resident's consent).
    pub title: String,
    /// Whether the resident consented to the municipality seeing the request.
    pub consent_municipality: bool,
}

/// Filters of the case queue (codes already validated).
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this case status; `None` means every unresolved case.
    pub status: Option<CaseStatus>,
    /// Only this law domain.
    pub domain: Option<LawDomain>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only this escalation reason.
    pub reason: Option<EscalationReason>,
    /// Only requests in this PC4 area.
    pub pc4: Option<String>,
    /// Only cases this case worker holds.
    pub assigned_to: Option<UserId>,
    /// Only cases whose number (the id's last characters) or, where the resident consented,
    /// whose request title contains this text (lower-cased).
    pub search: Option<String>,
}

diesel::define_sql_function!(
    /// SQL `lower()`, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// `text` as a LIKE pattern that matches it literally anywhere (`\` escapes).
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A municipality's cases matching `filter` with their request's queue columns (unsorted:
/// the caller orders by urgency and waiting time, which needs the urgency ranking).
pub fn queue(
    conn: &mut DbConnection,
    municipality: &str,
    filter: &CaseFilter,
) -> QueryResult<Vec<(Case, QueueRequest)>> {
    let mut query = cases::table
        .inner_join(help_requests::table)
        .filter(cases::municipality_code.eq(municipality))
        .select((Case::as_select(), QueueRequest::as_select()))
        .into_boxed();
    query = match filter.status {
        Some(status) => query.filter(cases::status.eq(status)),
        None => query.filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    };
    if let Some(domain) = filter.domain {
        query = query.filter(help_requests::domain.eq(domain));
    }
    if let Some(category) = filter.category {
        query = query.filter(help_requests::category.eq(category));
    }
    if let Some(reason) = filter.reason {
        query = query.filter(cases::reason.eq(reason));
    }
    if let Some(pc4) = &filter.pc4 {
        query = query.filter(help_requests::pc4.eq(pc4.clone()));
    }
    if let Some(worker) = &filter.assigned_to {
        query = query.filter(cases::assigned_to.eq(worker.as_str().to_owned()));
    }
    if let Some(text) = &filter.search {
        // A title only where the resident consented: a search must not reveal what the
        // case view hides.
        let pattern = contains_pattern(text);
        query = query.filter(
            cases::id
                .like(pattern.clone())
                .escape('\\')
                .or(help_requests::consent_municipality
                    .eq(true)
                    .and(lower(help_requests::title).like(pattern).escape('\\'))),
        );
    }
    query.load(conn)
}

/// How many cases of `municipality` there are in each status.
pub fn status_counts(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<(CaseStatus, i64)>> {
    cases::table
        .filter(cases::municipality_code.eq(municipality))
        .group_by(cases::status)
        .select((cases::status, diesel::dsl::count_star()))
        .load(conn)
}
