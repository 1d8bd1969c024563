//! The first step of an erasure: the person's open business ends. Their offers are withdrawn
//! and their accepted matches as volunteer called off; their requests are cancelled with
//! their live proposal or match, and unresolved cases about them closed. Each ended match is
//! audited, and the other side of an accepted match is told.

use chrono::NaiveDateTime;

use super::{ErasureReport, MATCH_CANCELLED_BY_ERASURE};
use crate::{
    db::{self, audit::AuditEntry, help_requests::HelpRequest, offers::Offer, DbConnection},
    domain::{HelpRequestStatus, MatchStatus, OfferStatus, UserId},
    error::AppError,
    services::{match_lifecycle, matching::Policy, notify},
};

fn audit_match_ended(
    conn: &mut DbConnection,
    user: &UserId,
    role: &str,
    match_id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let entry = AuditEntry::new(
        now,
        Some(user.as_str()),
        role,
        MATCH_CANCELLED_BY_ERASURE,
        "match",
        match_id,
    );
    Ok(db::audit::record(conn, &entry)?)
}

/// Ends the volunteer side: every offer withdrawn (its proposals go to each request's next
/// candidate) and every accepted match cancelled (the request returns to the marketplace).
/// Offers are withdrawn first so that re-matching can never pick one of them again.
pub(super) fn end_volunteer_side(
    conn: &mut DbConnection,
    user: &UserId,
    offers: &[Offer],
    now: NaiveDateTime,
    policy: &Policy,
    report: &mut ErasureReport,
) -> Result<(), AppError> {
    let mut proposals = Vec::new();
    for offer in offers {
        let status = offer.status;
        if status != OfferStatus::Withdrawn {
            let id = offer.id.clone();
            if !db::offers::transition(conn, &id, status, OfferStatus::Withdrawn, now)? {
                return Err(AppError::Conflict {
                    detail: crate::msg!("conflict-erasure-raced"),
                    existing_id: None,
                });
            }
            report.offers_withdrawn += 1;
        }
        proposals.extend(db::matches::proposals_of_offer(conn, &offer.id)?);
    }
    for offer in offers {
        match_lifecycle::withdraw_for_offer(conn, &offer.id, now, policy)?;
    }
    for m in proposals {
        if db::matches::find(conn, &m.id)?.is_some_and(|m| m.status == MatchStatus::Withdrawn) {
            audit_match_ended(conn, user, "volunteer", &m.id, now)?;
            report.matches_ended += 1;
        }
    }
    for m in db::privacy::accepted_as_volunteer(conn, user)? {
        match_lifecycle::cancel(conn, &m.id, user.as_str(), None, now, policy)?;
        audit_match_ended(conn, user, "volunteer", &m.id, now)?;
        report.matches_ended += 1;
    }
    Ok(())
}

/// Ends the resident side: every unfinished request is cancelled, its live proposal or match
/// withdrawn (the volunteer's slot is freed and they see the new state), and an unresolved
/// case closed.
pub(super) fn end_resident_side(
    conn: &mut DbConnection,
    (user, role): (&UserId, &str),
    requests: &[HelpRequest],
    now: NaiveDateTime,
    channels: notify::Channels,
    report: &mut ErasureReport,
) -> Result<(), AppError> {
    for request in requests {
        let status = request.status;
        if status.is_terminal() {
            continue;
        }
        if let Some(m) = match_lifecycle::withdraw_for_request(conn, &request.id, now)? {
            if m.status == MatchStatus::Accepted {
                // The volunteer who had said yes hears that it is off (nothing about why).
                notify::match_cancelled(conn, &m, notify::By::Resident, channels, now)?;
            }
            audit_match_ended(conn, user, role, &m.id, now)?;
            report.matches_ended += 1;
        }
        // A request that moved on since it was read is ended by what moved it (the case
        // below, or the match just ended); it is cancelled only from where it was.
        db::help_requests::transition(
            conn,
            &request.id,
            status,
            HelpRequestStatus::Cancelled,
            now,
        )?;
        report.help_requests_cancelled += 1;
    }
    let ids: Vec<String> = requests.iter().map(|r| r.id.to_string()).collect();
    for case in db::privacy::cases_of(conn, &ids)? {
        if db::privacy::close_case_for_erasure(conn, &case.id, now)? {
            let entry = AuditEntry::new(
                now,
                Some(user.as_str()),
                role,
                "case.closed_by_erasure",
                "case",
                &case.id,
            )
            .in_municipality(&case.municipality_code)
            .with_detail("requester_erased");
            db::audit::record(conn, &entry)?;
            report.cases_closed += 1;
        }
    }
    Ok(())
}
