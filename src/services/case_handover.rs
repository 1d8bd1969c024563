//! Cases that move between case workers (docs/ARCHITECTURE.md §6): the case worker who claimed
//! a case puts it back in the queue (release) or hands it to a named colleague (handover); a
//! colleague takes over a case whose claimer is absent (takeover, with a reason code). Each
//! runs inside the caller's write transaction as one conditional update on the case being in
//! progress with the expected case worker (a lost race is 409), writes one audit entry (ids
//! and codes only), and a handover or takeover tells the other case worker.

use chrono::NaiveDateTime;

use super::{
    case_decisions::{audit, Worker},
    case_file::case_of,
    notify::{self, Channels, Moved},
};
use crate::{
    db::{self, cases::Case, DbConnection},
    domain::{CaseStatus, TakeoverReason, UserId},
    error::AppError,
};

const CHANGED: crate::domain::Message = crate::msg!("conflict-case-changed");

/// 409 unless `worker` holds `case` in progress.
fn held_by(case: &Case, worker: Worker<'_>) -> Result<(), AppError> {
    match case.status {
        CaseStatus::Resolved => Err(AppError::conflict(crate::msg!("conflict-case-resolved"))),
        CaseStatus::Open => Err(AppError::conflict(crate::msg!("conflict-case-in-queue"))),
        CaseStatus::InProgress if case.assigned_to.as_deref() == Some(worker.id) => Ok(()),
        CaseStatus::InProgress => Err(AppError::conflict(crate::msg!("conflict-case-taken"))),
    }
}

/// The case worker puts a case they hold back in the queue: open and unassigned.
pub fn release(
    conn: &mut DbConnection,
    case_id: &str,
    worker: Worker<'_>,
    now: NaiveDateTime,
) -> Result<Case, AppError> {
    let case = case_of(conn, case_id, worker.municipality)?;
    held_by(&case, worker)?;
    if !db::cases::release(conn, &case.id, worker.id, now)? {
        return Err(AppError::conflict(CHANGED));
    }
    audit(conn, now, worker, "case.release", &case, None)?;
    case_of(conn, case_id, worker.municipality)
}

/// The colleague named by `to`: an active case worker of the case's municipality, not the
/// caller. Anything else is 422 naming `to`, with one message for unknown ids, accounts of
/// other municipalities, other roles and deactivated or erased accounts, so the answer tells
/// nothing about accounts outside the caller's team.
fn colleague(
    conn: &mut DbConnection,
    to: &str,
    case: &Case,
    worker: Worker<'_>,
) -> Result<UserId, AppError> {
    let unknown = || {
        AppError::field(
            crate::domain::FieldError::new("to", crate::msg!("field-colleague-unknown"))
                .code(crate::domain::FieldErrorCode::UnknownValue),
        )
    };
    let id = UserId::parse(to).ok_or_else(unknown)?;
    if &id == worker.id {
        return Err(AppError::invalid(
            "to",
            crate::msg!("field-colleague-is-you"),
        ));
    }
    db::users::find(conn, &id)?
        .filter(|u| u.is_case_worker && u.erased_at.is_none() && u.deactivated_at.is_none())
        .filter(|u| u.municipality_code.as_deref() == Some(case.municipality_code.as_str()))
        .map(|u| u.id)
        .ok_or_else(unknown)
}

/// The claimer hands a case they hold to a colleague, who is told.
pub fn handover(
    conn: &mut DbConnection,
    case_id: &str,
    worker: Worker<'_>,
    to: &str,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<Case, AppError> {
    let case = case_of(conn, case_id, worker.municipality)?;
    let to = colleague(conn, to, &case, worker)?;
    held_by(&case, worker)?;
    if !db::cases::reassign(conn, &case.id, worker.id, &to, now)? {
        return Err(AppError::conflict(CHANGED));
    }
    audit(
        conn,
        now,
        worker,
        "case.handover",
        &case,
        Some(to.to_string()),
    )?;
    let case = case_of(conn, case_id, worker.municipality)?;
    notify::case_handed_over(conn, &case, &to, Moved::HandedOver, channels, now)?;
    Ok(case)
}

/// A colleague takes over a case that `from` holds (they are absent, on leave, have left, or
/// it cannot wait); `from` is the holder as the caller read the case, so the update is
/// conditional on what they saw: when someone else holds it by now (a colleague took it over
/// first), it is 409, and of two colleagues taking over at the same moment one wins. Also 409
/// for an open, resolved or one's own case. The former claimer is told.
pub fn takeover(
    conn: &mut DbConnection,
    case_id: &str,
    worker: Worker<'_>,
    from: &str,
    reason: TakeoverReason,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<Case, AppError> {
    let case = case_of(conn, case_id, worker.municipality)?;
    let from = UserId::parse(from).ok_or_else(|| {
        AppError::field(
            crate::domain::FieldError::new("from", crate::msg!("field-holder-id"))
                .code(crate::domain::FieldErrorCode::InvalidFormat),
        )
    })?;
    let previous = match (case.status, &case.assigned_to) {
        (CaseStatus::Resolved, _) => {
            return Err(AppError::conflict(crate::msg!("conflict-case-resolved")))
        }
        (CaseStatus::Open, _) | (CaseStatus::InProgress, None) => {
            return Err(AppError::conflict(crate::msg!("conflict-case-unclaimed")))
        }
        (CaseStatus::InProgress, Some(p)) if p == worker.id => {
            return Err(AppError::conflict(crate::msg!("conflict-case-yours")))
        }
        (CaseStatus::InProgress, Some(p)) if *p != from => {
            return Err(AppError::conflict(crate::msg!("conflict-case-moved")))
        }
        (CaseStatus::InProgress, Some(p)) => p.clone(),
    };
    if !db::cases::reassign(conn, &case.id, &previous, worker.id, now)? {
        return Err(AppError::conflict(CHANGED));
    }
    let detail = Some(reason.as_str().to_owned());
    audit(conn, now, worker, "case.takeover", &case, detail)?;
    let case = case_of(conn, case_id, worker.municipality)?;
    notify::case_handed_over(conn, &case, &previous, Moved::TakenOver, channels, now)?;
    Ok(case)
}
