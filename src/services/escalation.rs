//! The municipality as fallback (docs/ARCHITECTURE.md §6): a request that the marketplace cannot serve
//! becomes a case of its municipality, with the reason why. [`escalate`] does it for one
//! request (the resident's own request, or the sweeper); [`escalate_due`] finds and escalates
//! what has waited past its grace period.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use super::{
    match_lifecycle::withdraw_for_request,
    matching::{propose_for_request, Policy},
};
use crate::{
    db::{
        self,
        audit::AuditEntry,
        cases::Case,
        municipality_settings::{self, MunicipalitySettings},
        DbConnection,
    },
    domain::{EscalationReason, HelpRequestId, HelpRequestStatus, MatchStatus},
    error::AppError,
};

/// The most requests one sweep escalates (the rest follow in the next sweep).
pub const ESCALATIONS_PER_SWEEP: i64 = 1_000;

/// Opens a case for the request's municipality with `reason`: ends a live proposal, sets the
/// request `escalated`, writes the case and one audit entry. `resident` is the resident who
/// asked (reason `resident_request`); `None` is the system (the sweeper). Runs inside the
/// caller's write transaction. 409 when the request is not open or proposed.
pub fn escalate(
    conn: &mut DbConnection,
    request_id: &HelpRequestId,
    reason: EscalationReason,
    now: NaiveDateTime,
    resident: Option<&str>,
    channels: super::notify::Channels,
) -> Result<Case, AppError> {
    super::match_lifecycle::lock_for_request(conn, request_id)?;
    let row = db::help_requests::request(conn, request_id)?
        .ok_or(AppError::NotFound("not-found-help-request"))?;
    let status = row.status;
    let conflict = || AppError::Conflict {
        detail: crate::msg!("conflict-request-transition", status = status.as_str()),
        existing_id: None,
    };
    if !matches!(
        status,
        HelpRequestStatus::Open | HelpRequestStatus::Proposed
    ) {
        return Err(conflict());
    }
    if !has_fallback(conn, &row.municipality_code)? {
        return Err(no_fallback());
    }
    withdraw_for_request(conn, request_id, now)?;
    let escalated = HelpRequestStatus::Escalated;
    if !db::help_requests::transition(conn, request_id, status, escalated, now)? {
        return Err(conflict());
    }
    let case = Case::open(request_id, &row.municipality_code, reason, now);
    db::cases::insert(conn, &case)?;
    let role = if resident.is_some() {
        "resident"
    } else {
        "system"
    };
    let entry = AuditEntry::new(
        now,
        resident,
        role,
        "help_request.escalate",
        "help_request",
        request_id,
    )
    .in_municipality(&row.municipality_code)
    .with_detail(reason.as_str());
    db::audit::record(conn, &entry)?;
    super::notify::escalated(conn, &case, reason, channels, now)?;
    Ok(case)
}

/// Whether `municipality` is the fallback for requests there: as its admin set it, else while
/// it has an active case worker (a queue nobody reads is no fallback).
pub fn has_fallback(conn: &mut DbConnection, municipality: &str) -> Result<bool, AppError> {
    let set = municipality_settings::stored(conn, municipality)?.and_then(|s| s.participating);
    match set {
        Some(participating) => Ok(participating),
        None => Ok(db::users::has_active_case_worker(conn, municipality)?),
    }
}

/// The 409 for escalating where the municipality is no fallback.
fn no_fallback() -> AppError {
    AppError::conflict(crate::msg!("conflict-no-municipal-fallback"))
}

/// A request whose grace period has passed, and why it escalates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEscalation {
    /// The request.
    pub request_id: HelpRequestId,
    /// `no_candidates` when nobody was ever proposed, `declined` when every proposal was
    /// declined or expired.
    pub reason: EscalationReason,
}

/// The open requests that have waited longer than their municipality's grace period (12 h
/// for urgency `high`, 48 h otherwise, unless the municipality set other values), measured
/// from when the request (last) became open; at most [`ESCALATIONS_PER_SWEEP`].
pub fn due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<DueEscalation>, AppError> {
    due_at_most(conn, now, ESCALATIONS_PER_SWEEP)
}

/// [`due`], at most `limit` of them (longest waiting first).
pub fn due_at_most(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<DueEscalation>, AppError> {
    let settings: HashMap<String, MunicipalitySettings> = municipality_settings::all(conn)?
        .into_iter()
        .map(|s| (s.municipality_code.clone(), s))
        .collect();
    // The shortest grace period anywhere bounds the rows read; each is then checked exactly.
    let shortest = settings
        .values()
        .flat_map(|s| [s.grace_hours_normal, s.grace_hours_high])
        .chain([
            MunicipalitySettings::DEFAULT_GRACE_HOURS_NORMAL,
            MunicipalitySettings::DEFAULT_GRACE_HOURS_HIGH,
        ])
        .min()
        .unwrap_or(MunicipalitySettings::DEFAULT_GRACE_HOURS_HIGH);
    let cutoff = now - Duration::hours(i64::from(shortest));
    // Only where the municipality is the fallback (elsewhere the request stays open for
    // volunteers), chosen in the query: requests skipped after it would fill every sweep's
    // window and starve the municipalities that do take part.
    let mut fallback: std::collections::HashSet<String> =
        db::users::case_worker_municipalities(conn)?
            .into_iter()
            .collect();
    for s in settings.values() {
        match s.participating {
            Some(true) => fallback.insert(s.municipality_code.clone()),
            Some(false) => fallback.remove(&s.municipality_code),
            None => false,
        };
    }
    let fallback: Vec<String> = fallback.into_iter().collect();
    let mut due = Vec::new();
    for row in db::cases::waiting_since(conn, cutoff, &fallback, limit)? {
        let grace = settings.get(&row.municipality_code).map_or_else(
            || MunicipalitySettings::defaults(&row.municipality_code).grace_hours(row.urgency),
            |s| s.grace_hours(row.urgency),
        );
        if row.status_changed_at + Duration::hours(i64::from(grace)) > now {
            continue;
        }
        let passes = db::matches::pass_statuses(conn, &row.id)?;
        let reason = if passes.is_empty() {
            EscalationReason::NoCandidates
        } else if passes.iter().all(|s| *s == MatchStatus::Expired) {
            // Nobody said no: every volunteer asked let the proposal lapse.
            EscalationReason::ProposalTimeout
        } else {
            EscalationReason::Declined
        };
        due.push(DueEscalation {
            request_id: row.id,
            reason,
        });
    }
    Ok(due)
}

/// Escalates one due request in the caller's transaction, unless matching, tried once more,
/// finds a volunteer (an offer may have appeared that could not be proposed earlier: a
/// volunteer's daily cap, say). Returns whether it escalated.
pub fn escalate_if_still_due(
    conn: &mut DbConnection,
    item: &DueEscalation,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<bool, AppError> {
    if propose_for_request(conn, &item.request_id, now, policy)?.is_some() {
        return Ok(false);
    }
    escalate(
        conn,
        &item.request_id,
        item.reason,
        now,
        None,
        policy.channels,
    )
    .map(|_| true)
}
