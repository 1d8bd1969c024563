//! What the case workers' workplace (`web`) reads, composed from the services the JSON API
//! uses: the queue (audited as `case.list`, like `GET /cases`), the colleagues a case can go to, and the audit
//! trail. A case is read with `case_file::read`, as `GET /cases/{id}` reads it; the
//! decisions are `case_decisions` and `case_handover`, called as is.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::{case_decisions::Worker, staff};
use crate::{
    db::{
        self,
        audit::AuditEntry,
        cases::{Case, CaseFilter, QueueRequest},
        users::User,
        DbConnection,
    },
    domain::{CaseStatus, Category, EscalationReason, LawDomain, UserId},
    error::AppError,
};

/// The facets the queue counts per value.
#[derive(Debug, Default)]
pub struct QueueCounts {
    /// Cases per status in the municipality (all of them, resolved ones too).
    pub status: BTreeMap<CaseStatus, i64>,
    /// Per law domain, among the cases the other filters leave.
    pub domain: BTreeMap<LawDomain, i64>,
    /// Per category, among the cases the other filters leave.
    pub category: BTreeMap<Category, i64>,
    /// Per escalation reason, among the cases the other filters leave.
    pub reason: BTreeMap<EscalationReason, i64>,
}

/// The queue as the workplace shows it: sorted, with its counts.
#[derive(Debug)]
pub struct Queue {
    /// Every case the filter leaves, most urgent first, then longest waiting.
    pub rows: Vec<(Case, QueueRequest)>,
    /// The counts per filter value.
    pub counts: QueueCounts,
}

/// The queue of `worker`'s municipality under `filter`. Read (and audited) once through
/// `staff::read_queue` without the three facets, which are then counted and applied here,
/// so that each facet's counts are those of the other filters.
pub fn queue(
    conn: &mut DbConnection,
    worker: Worker<'_>,
    filter: &CaseFilter,
    now: NaiveDateTime,
) -> Result<Queue, AppError> {
    let wide = CaseFilter {
        domain: None,
        category: None,
        reason: None,
        ..filter.clone()
    };
    let all = staff::read_queue(conn, worker.id, worker.municipality, &wide, now)?;
    let mut counts = QueueCounts {
        status: db::cases::status_counts(conn, worker.municipality)?
            .into_iter()
            .collect(),
        ..QueueCounts::default()
    };
    let keeps = |f: Option<LawDomain>, c: Option<Category>, r: Option<EscalationReason>| {
        move |(case, req): &(Case, QueueRequest)| {
            f.map_or(true, |v| req.domain == v)
                && c.map_or(true, |v| req.category == v)
                && r.map_or(true, |v| case.reason == v)
        }
    };
    for row in &all {
        if keeps(None, filter.category, filter.reason)(row) {
            *counts.domain.entry(row.1.domain).or_default() += 1;
        }
        if keeps(filter.domain, None, filter.reason)(row) {
            *counts.category.entry(row.1.category).or_default() += 1;
        }
        if keeps(filter.domain, filter.category, None)(row) {
            *counts.reason.entry(row.0.reason).or_default() += 1;
        }
    }
    let mut rows: Vec<_> = all
        .into_iter()
        .filter(keeps(filter.domain, filter.category, filter.reason))
        .collect();
    // The API's order (`GET /cases`): urgency first, then who has waited longest.
    rows.sort_by(|(a, ra), (b, rb)| {
        rb.urgency
            .cmp(&ra.urgency)
            .then(ra.created_at.cmp(&rb.created_at))
            .then(a.id.cmp(&b.id))
    });
    Ok(Queue { rows, counts })
}

/// The staff of `worker`'s municipality by name (deactivated ones too, for names in the
/// history and the audit trail).
pub fn staff_of(conn: &mut DbConnection, worker: Worker<'_>) -> Result<Vec<User>, AppError> {
    Ok(db::users::staff_of(conn, worker.municipality)?)
}

/// The colleagues a case can be handed to: active case workers of the municipality, not the
/// worker themself (`case_handover::handover` checks the same again when it runs).
pub fn colleagues(staff: &[User], worker: &UserId) -> Vec<User> {
    staff
        .iter()
        .filter(|u| u.is_case_worker && u.deactivated_at.is_none() && &u.id != worker)
        .cloned()
        .collect()
}

/// The audit trail of case `id` as `staff::read_audit_trail` gives it to a case worker of
/// the municipality (404 elsewhere; the reading is audited as `case.audit_read`).
pub fn audit_trail(
    conn: &mut DbConnection,
    id: &str,
    worker: Worker<'_>,
    now: NaiveDateTime,
) -> Result<Vec<AuditEntry>, AppError> {
    staff::read_audit_trail(
        conn,
        id,
        worker.id,
        staff::Reader::CaseWorker(worker.municipality),
        now,
    )
}
