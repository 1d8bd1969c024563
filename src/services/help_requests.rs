//! A resident's own help requests: posting (the near-duplicate rule, then incremental
//! matching), changing an open one, and cancelling or escalating it. Each function runs in
//! the caller's write transaction; anyone but the owner gets 404.

pub mod duplicates;

use chrono::{Duration, NaiveDateTime};

use self::duplicates::{nearly_same, DUPLICATE_WINDOW_DAYS};
use super::{accounts, escalation, match_lifecycle, matching};
use crate::{
    db::{
        self,
        audit::AuditEntry,
        help_requests::{HelpRequest, HelpRequestChanges, NewHelpRequest},
        DbConnection,
    },
    domain::{EscalationReason, HelpRequestId, HelpRequestStatus, Role, UserId},
    error::AppError,
};

/// The owner's request `id`, or 404 (also for a malformed id or someone else's request).
pub fn owned(
    conn: &mut DbConnection,
    id: &Option<HelpRequestId>,
    owner: &UserId,
) -> Result<HelpRequest, AppError> {
    let id = id
        .as_ref()
        .ok_or(AppError::NotFound("not-found-help-request"))?;
    db::help_requests::find_owned(conn, id, owner)?
        .ok_or(AppError::NotFound("not-found-help-request"))
}

/// Stores a new request and proposes it to its best volunteer (incremental matching), so
/// the answer already says `proposed` when someone can help. Unless `confirmed`, a nearly
/// identical open request of the same owner is a 409 naming it. Also says whether the
/// municipality is the fallback there (see `escalation::has_fallback`).
pub fn post(
    conn: &mut DbConnection,
    owner: &UserId,
    new: NewHelpRequest,
    confirmed: bool,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<(HelpRequest, bool), AppError> {
    accounts::acting_as(conn, owner, Some(Role::Resident))?;
    if !confirmed {
        refuse_near_duplicate(conn, owner, &new)?;
    }
    let stored = matching::store_and_propose(conn, new, now, policy)?;
    let fallback = escalation::has_fallback(conn, &stored.municipality_code)?;
    Ok((stored, fallback))
}

/// 409 with the existing id when `owner` posted a nearly identical request (see
/// [`nearly_same`]) in the same category within the last 14 days that is still open or
/// proposed. Inside the insert's write transaction, so on SQLite two identical posts cannot
/// both pass; on PostgreSQL (read committed) two posts in the same instant could.
fn refuse_near_duplicate(
    conn: &mut DbConnection,
    owner: &UserId,
    new: &NewHelpRequest,
) -> Result<(), AppError> {
    let since = new.created_at - Duration::days(DUPLICATE_WINDOW_DAYS);
    let earlier =
        db::help_requests::recent_open_in_category(conn, owner, new.category.code(), since)?;
    let this = (new.title.as_str(), new.description.as_str());
    match earlier
        .iter()
        .find(|r| nearly_same(this, (&r.title, &r.description)))
    {
        Some(twin) => Err(AppError::Conflict {
            detail: crate::msg!(
                "conflict-duplicate-posted",
                date = twin.created_at.date().to_string()
            ),
            existing_id: Some(twin.id.to_string()),
        }),
        None => Ok(()),
    }
}

/// Changes an open request: `changes` makes the new columns from the stored row (the API
/// merges and validates the patch there), and the request looks for a volunteer again. A
/// request a case worker recorded stays in their municipality and keeps the municipality's
/// consent.
pub fn change(
    conn: &mut DbConnection,
    id: &Option<HelpRequestId>,
    actor: &Actor,
    changes: impl FnOnce(&HelpRequest) -> Result<HelpRequestChanges, AppError>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<HelpRequestId, AppError> {
    let row = actor.request(conn, id)?;
    let status = row.status;
    if status != HelpRequestStatus::Open {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-change-needs-open", status = status.as_str()),
            existing_id: None,
        });
    }
    let mut changes = changes(&row)?;
    if let Actor::Intake(_) = actor {
        if changes
            .municipality_code
            .as_ref()
            .is_some_and(|m| *m != row.municipality_code)
        {
            return Err(AppError::invalid(
                "postcode",
                crate::msg!("field-postcode-other-municipality"),
            ));
        }
        changes.consent_municipality = Some(true);
    }
    let id = row.id;
    db::help_requests::update(conn, &id, &changes)?;
    matching::propose_for_request(conn, id.as_str(), now, policy)?;
    Ok(id)
}

/// Who acts on a request: the account that owns it, or a case worker for a request recorded
/// in their municipality that no account owns yet (see `services::intake`).
#[derive(Debug, Clone)]
pub enum Actor {
    /// The resident or carer who posted it.
    Owner(UserId),
    /// A case worker of the request's municipality, for a request recorded by phone.
    Intake(UserId),
}

impl Actor {
    /// The acting account.
    pub fn user(&self) -> &UserId {
        match self {
            Self::Owner(id) | Self::Intake(id) => id,
        }
    }

    /// The role code written to the audit log.
    pub fn role(&self) -> &'static str {
        match self {
            Self::Owner(_) => "resident",
            Self::Intake(_) => "case_worker",
        }
    }

    /// The request `id` as this actor may act on it, or 404; the account is checked (and
    /// held) first, as for every write.
    pub fn request(
        &self,
        conn: &mut DbConnection,
        id: &Option<HelpRequestId>,
    ) -> Result<HelpRequest, AppError> {
        match self {
            Self::Owner(owner) => {
                accounts::acting_as(conn, owner, None)?;
                owned(conn, id, owner)
            }
            Self::Intake(worker) => super::intake::recorded_request(conn, worker, id),
        }
    }

    /// The request again, within the transaction whose account check [`Actor::request`]
    /// made.
    fn find(
        &self,
        conn: &mut DbConnection,
        id: &Option<HelpRequestId>,
    ) -> Result<HelpRequest, AppError> {
        match self {
            Self::Owner(owner) => owned(conn, id, owner),
            Self::Intake(worker) => super::intake::recorded_request(conn, worker, id),
        }
    }
}

/// Moves the request to `next` if its lifecycle allows it from where it is (and it is in
/// `allowed`), ending its live proposal or match; escalation opens the municipal case.
pub fn change_status(
    conn: &mut DbConnection,
    id: &Option<HelpRequestId>,
    actor: &Actor,
    next: HelpRequestStatus,
    allowed: &[HelpRequestStatus],
    now: NaiveDateTime,
    channels: super::notify::Channels,
) -> Result<HelpRequestId, AppError> {
    let row = actor.request(conn, id)?;
    let owner = actor.user();
    match_lifecycle::lock_for_request(conn, row.id.as_str())?;
    // Read again under the lock: a claim that took the request into an account meanwhile
    // ends a case worker's say over it.
    let row = actor.find(conn, id)?;
    let status = row.status;
    if !allowed.contains(&status) || !status.can_transition_to(next) {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-request-transition", status = status.as_str()),
            existing_id: None,
        });
    }
    let id = row.id;
    if next == HelpRequestStatus::Escalated {
        // Opens the municipal case in this same transaction (ends a live proposal, audits).
        let reason = EscalationReason::ResidentRequest;
        escalation::escalate(conn, &id, reason, now, Some(owner.as_str()), channels)?;
        return Ok(id);
    }
    // Conditional on the status read above: a concurrent escalation or match wins.
    if !db::help_requests::transition(conn, id.as_str(), status, next, now)? {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-request-changed"),
            existing_id: None,
        });
    }
    if status == HelpRequestStatus::Escalated {
        // The municipality's case closes with the resident's reason; audited as theirs.
        if let Some(case) = db::cases::close_cancelled(conn, id.as_str(), now)? {
            let entry = AuditEntry::new(
                now,
                Some(owner.as_str()),
                actor.role(),
                "case.cancelled_by_resident",
                "case",
                case.id.as_str(),
            )
            .in_municipality(&case.municipality_code);
            db::audit::record(conn, &entry)?;
        }
    }
    if let Some(ended) = match_lifecycle::withdraw_for_request(conn, id.as_str(), now)? {
        // A volunteer who had said yes hears that the resident called it off.
        if ended.status == crate::domain::MatchStatus::Accepted {
            let by = super::notify::By::Resident;
            super::notify::match_cancelled(conn, &ended, by, channels, now)?;
        }
    }
    Ok(id)
}

/// The resident gives the municipality consent to read their request and contact them (for a
/// request that escalated without it, say). Audited; giving it twice changes nothing.
pub fn give_consent(
    conn: &mut DbConnection,
    id: &Option<HelpRequestId>,
    owner: &UserId,
    now: NaiveDateTime,
) -> Result<HelpRequestId, AppError> {
    accounts::acting_as(conn, owner, None)?;
    let row = owned(conn, id, owner)?;
    if row.status.is_terminal() {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-consent-finished", status = row.status.as_str()),
            existing_id: None,
        });
    }
    if !row.consent_municipality && db::help_requests::grant_consent(conn, &row.id, now)? {
        let entry = AuditEntry::new(
            now,
            Some(owner.as_str()),
            "resident",
            "help_request.consent_given",
            "help_request",
            row.id.as_str(),
        )
        .in_municipality(&row.municipality_code);
        db::audit::record(conn, &entry)?;
    }
    Ok(row.id)
}
