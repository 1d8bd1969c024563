//! Staff who leave or move: an admin (or the operator's command line) lists the case workers
//! and admins of a municipality, deactivates and reactivates them, and moves a case worker to
//! another municipality.
//!
//! Deactivating or moving someone ends all their sessions at once: their refresh tokens are
//! revoked and `sessions_ended_at` voids every access token issued before it, on every
//! instance within the reload interval of the erased-accounts set (`auth::erased`). The cases
//! they held go back to their municipality's queue, each with an audit entry.

use chrono::NaiveDateTime;

use crate::{
    db::{self, audit::AuditEntry, users::User, DbConnection},
    domain::UserId,
    error::AppError,
};

/// Who takes the step: an admin, or the operator at the command line (no account).
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// An administrator.
    Admin(&'a UserId),
    /// `hulpmarkt admin …` on the server.
    Operator,
}

impl By<'_> {
    fn entry(&self, now: NaiveDateTime, action: &str, object_type: &str, id: &str) -> AuditEntry {
        match self {
            By::Admin(admin) => {
                AuditEntry::new(now, Some(admin.as_str()), "admin", action, object_type, id)
            }
            By::Operator => AuditEntry::new(now, None, "operator", action, object_type, id),
        }
    }
}

/// The staff account `id` (a case worker or admin, not erased), or 404.
fn staff_member(conn: &mut DbConnection, id: &UserId) -> Result<User, AppError> {
    db::users::find(conn, id)?
        .filter(|u| (u.is_case_worker || u.is_admin) && u.erased_at.is_none())
        .ok_or(AppError::NotFound("not-found-staff-member"))
}

/// Puts the cases `worker` holds back in the queue, each with an audit entry giving `why`.
fn release_cases(
    conn: &mut DbConnection,
    worker: &User,
    why: &str,
    by: By<'_>,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let mut released = 0;
    for case in db::cases::claimed_by(conn, &worker.id)? {
        if db::cases::release(conn, &case.id, &worker.id, now)? {
            let entry = by
                .entry(now, "case.released", "case", &case.id)
                .in_municipality(&case.municipality_code)
                .with_detail(why);
            db::audit::record(conn, &entry)?;
            released += 1;
        }
    }
    Ok(released)
}

/// The staff of a municipality (deactivated ones included).
pub fn list(conn: &mut DbConnection, municipality: &str) -> Result<Vec<User>, AppError> {
    Ok(db::users::staff_of(conn, municipality)?)
}

/// What ending someone's sessions did, for the caller to note after commit.
#[derive(Debug, Clone)]
pub struct Ended {
    /// The account, as it is now.
    pub user: User,
    /// When their sessions ended (note it in the erased-accounts set after the commit).
    pub at: NaiveDateTime,
    /// Cases that went back to the queue.
    pub cases_released: usize,
}

/// Deactivates a staff account: it cannot sign in, its sessions end, its cases go back to
/// the queue. 403 for one's own account (an admin cannot lock themselves out), 409 when
/// already deactivated.
pub fn deactivate(
    conn: &mut DbConnection,
    id: &UserId,
    by: By<'_>,
    now: NaiveDateTime,
) -> Result<Ended, AppError> {
    if matches!(by, By::Admin(admin) if admin == id) {
        return Err(AppError::Forbidden("forbidden-deactivate-self"));
    }
    let user = staff_member(conn, id)?;
    let at = super::accounts::end_of_sessions();
    if !db::users::deactivate(conn, id, now, at)? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-account-deactivated"
        )));
    }
    db::refresh_tokens::revoke_user(conn, id.as_str(), now)?;
    let mut entry = by.entry(now, "user.deactivated", "user", id.as_str());
    if let Some(code) = &user.municipality_code {
        entry = entry.in_municipality(code);
    }
    db::audit::record(conn, &entry)?;
    let cases_released = release_cases(conn, &user, "staff_deactivated", by, now)?;
    let user = staff_member(conn, id)?;
    Ok(Ended {
        user,
        at,
        cases_released,
    })
}

/// Lets a deactivated staff account sign in again (tokens from before stay void). 409 when
/// it is active.
pub fn reactivate(
    conn: &mut DbConnection,
    id: &UserId,
    by: By<'_>,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let user = staff_member(conn, id)?;
    if !db::users::reactivate(conn, id, now)? {
        return Err(AppError::conflict(crate::msg!("conflict-account-active")));
    }
    let mut entry = by.entry(now, "user.reactivated", "user", id.as_str());
    if let Some(code) = &user.municipality_code {
        entry = entry.in_municipality(code);
    }
    db::audit::record(conn, &entry)?;
    staff_member(conn, id)
}

/// Moves a case worker to the municipality `to` (a current CBS code, checked by the caller):
/// their sessions end (their tokens name the old municipality) and the cases they held there
/// go back to its queue. 404 for anyone but a case worker, 409 when already there.
pub fn move_case_worker(
    conn: &mut DbConnection,
    id: &UserId,
    to: &str,
    by: By<'_>,
    now: NaiveDateTime,
) -> Result<Ended, AppError> {
    let user = staff_member(conn, id)?;
    let from = match (&user.municipality_code, user.is_case_worker) {
        (Some(from), true) => from.clone(),
        _ => return Err(AppError::NotFound("not-found-case-worker")),
    };
    if from == to {
        return Err(AppError::conflict(crate::msg!(
            "conflict-same-municipality"
        )));
    }
    let at = super::accounts::end_of_sessions();
    if !db::users::move_case_worker(conn, id, &from, to, now, at)? {
        return Err(AppError::conflict(crate::msg!("conflict-account-changed")));
    }
    db::refresh_tokens::revoke_user(conn, id.as_str(), now)?;
    let entry = by
        .entry(now, "user.municipality_changed", "user", id.as_str())
        .in_municipality(&from)
        .with_detail(format!("{from}>{to}"));
    db::audit::record(conn, &entry)?;
    let cases_released = release_cases(conn, &user, "staff_moved", by, now)?;
    Ok(Ended {
        user: staff_member(conn, id)?,
        at,
        cases_released,
    })
}

/// Finds a staff account by e-mail address (the operator's command line).
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<User, AppError> {
    let email = email.trim().to_lowercase();
    db::users::find_by_email(conn, &email)?
        .filter(|u| (u.is_case_worker || u.is_admin) && u.erased_at.is_none())
        .ok_or(AppError::NotFound("not-found-staff-member"))
}
