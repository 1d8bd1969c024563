//! The notifications of requests that wait and of municipal cases: still need help,
//! escalated, case opened, waiting, handed over and resolved, and a VOG that ends soon.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use super::{matches::resident_of, write, Channels, Draft};
use crate::{
    db::{self, cases::Case, DbConnection},
    domain::{EscalationReason, HelpRequestId, NotificationKind, RecipientRole, UserId},
    error::AppError,
};

/// The resident of a request open for `days` is asked whether they still need help (once
/// per request).
pub fn still_need_help(
    conn: &mut DbConnection,
    request: &HelpRequestId,
    days: i64,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(row) = db::help_requests::request(conn, request)? else {
        return Ok(false);
    };
    let Some(resident) = &row.requester_id else {
        return Ok(false);
    };
    let draft = Draft {
        kind: NotificationKind::StillNeedHelp,
        to: Some(resident),
        role: RecipientRole::Resident,
        municipality: &row.municipality_code,
        request: Some(request),
        m: None,
        case: None,
        data: json!({ "category": row.category, "days_open": days }),
        dedupe: Some(format!("still_need_help:{request}")),
        webhooks: true,
    };
    Ok(write(conn, vec![draft], channels, now)? == 1)
}

fn case_data(conn: &mut DbConnection, case: &Case, now: NaiveDateTime) -> Result<Value, AppError> {
    let row = db::help_requests::request(conn, &case.request_id)?
        .ok_or(AppError::NotFound("not-found-help-request"))?;
    Ok(json!({
        "category": row.category,
        "urgency": row.urgency,
        "case_number": case.id,
        "waiting_days": (now - case.opened_at).num_days(),
    }))
}

/// Drafts of a case notification to every case worker of its municipality (their feed and
/// e-mail), plus one to the municipality itself that carries the webhooks.
fn to_case_workers<'a>(
    workers: &'a [UserId],
    kind: NotificationKind,
    case: &'a Case,
    data: &Value,
    dedupe: Option<String>,
) -> Vec<Draft<'a>> {
    let draft = |to: Option<&'a UserId>, role, dedupe: Option<String>, webhooks| Draft {
        kind,
        to,
        role,
        municipality: &case.municipality_code,
        request: Some(&case.request_id),
        m: None,
        case: Some(case),
        data: data.clone(),
        dedupe,
        webhooks,
    };
    let mut drafts = vec![draft(
        None,
        RecipientRole::Municipality,
        dedupe.clone(),
        true,
    )];
    for w in workers {
        let key = dedupe.as_ref().map(|k| format!("{k}:{w}"));
        drafts.push(draft(Some(w), RecipientRole::CaseWorker, key, false));
    }
    drafts
}

/// A request escalated: the resident hears what happens now, the case workers of the
/// municipality that a case arrived.
pub fn escalated(
    conn: &mut DbConnection,
    case: &Case,
    reason: EscalationReason,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let data = case_data(conn, case, now)?;
    let workers = db::users::case_workers_of(conn, &case.municipality_code)?;
    let mut drafts = to_case_workers(&workers, NotificationKind::CaseOpened, case, &data, None);
    let resident = resident_of(conn, &case.request_id)?;
    if let Some(r) = &resident {
        drafts.push(Draft {
            kind: NotificationKind::RequestEscalated,
            to: Some(r),
            role: RecipientRole::Resident,
            municipality: &case.municipality_code,
            request: Some(&case.request_id),
            m: None,
            case: Some(case),
            data: json!({ "category": data["category"], "reason": reason }),
            dedupe: None,
            webhooks: true,
        });
    }
    write(conn, drafts, channels, now).map(drop)
}

/// An unclaimed case waits longer than its municipality allows (once per case).
pub fn case_waiting(
    conn: &mut DbConnection,
    case: &Case,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let data = case_data(conn, case, now)?;
    let workers = db::users::case_workers_of(conn, &case.municipality_code)?;
    let key = Some(format!("case_waiting:{}", case.id));
    let drafts = to_case_workers(&workers, NotificationKind::CaseWaiting, case, &data, key);
    Ok(write(conn, drafts, channels, now)? > 0)
}

/// A case was decided: the resident is told in their words (a referral to formal care, back
/// to the volunteers, or closed). An assigned volunteer is told by [`match_assigned`].
pub fn case_resolved(
    conn: &mut DbConnection,
    case: &Case,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    use crate::domain::CaseOutcome;
    let outcome = match case.outcome {
        Some(CaseOutcome::ReferredFormal) => "referred",
        Some(CaseOutcome::ReturnedToMarketplace) => "returned",
        Some(CaseOutcome::Closed) => "closed",
        Some(CaseOutcome::AssignedVolunteer) | None => return Ok(()),
    };
    let Some(row) = db::help_requests::request(conn, &case.request_id)? else {
        return Ok(());
    };
    let Some(resident) = &row.requester_id else {
        return Ok(());
    };
    let formal = case
        .outcome_detail
        .as_deref()
        .filter(|_| outcome == "referred");
    let draft = Draft {
        kind: NotificationKind::CaseResolved,
        to: Some(resident),
        role: RecipientRole::Resident,
        municipality: &case.municipality_code,
        request: Some(&case.request_id),
        m: None,
        case: Some(case),
        data: json!({ "category": row.category, "outcome": outcome, "formal": formal }),
        dedupe: None,
        webhooks: true,
    };
    write(conn, vec![draft], channels, now).map(drop)
}

/// How a case came to or went from a case worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// The claimer handed it to them (they hold it now).
    HandedOver,
    /// A colleague took it over from them (they no longer hold it).
    TakenOver,
}

/// A case moved between two case workers: `to` is told (the colleague who received it, or
/// the former claimer whose case a colleague took over). Only to that person: no webhook.
pub fn case_handed_over(
    conn: &mut DbConnection,
    case: &Case,
    to: &UserId,
    how: Moved,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut data = case_data(conn, case, now)?;
    data["how"] = json!(match how {
        Moved::HandedOver => "handover",
        Moved::TakenOver => "takeover",
    });
    let draft = Draft {
        kind: NotificationKind::CaseHandedOver,
        to: Some(to),
        role: RecipientRole::CaseWorker,
        municipality: &case.municipality_code,
        request: Some(&case.request_id),
        m: None,
        case: Some(case),
        data,
        dedupe: None,
        webhooks: false,
    };
    write(conn, vec![draft], channels, now).map(drop)
}

/// A volunteer's VOG reaches the end of its validity on `expires_on` (once per VOG).
pub fn vog_expiring(
    conn: &mut DbConnection,
    volunteer: &UserId,
    municipality: &str,
    issued_on: chrono::NaiveDate,
    expires_on: chrono::NaiveDate,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let draft = Draft {
        kind: NotificationKind::VogExpiring,
        to: Some(volunteer),
        role: RecipientRole::Volunteer,
        municipality,
        request: None,
        m: None,
        case: None,
        data: json!({ "expires_on": expires_on }),
        dedupe: Some(format!("vog_expiring:{volunteer}:{issued_on}")),
        webhooks: false,
    };
    Ok(write(conn, vec![draft], channels, now)? == 1)
}

/// Someone tried to register `owner`'s address again: the owner hears of it (the one who
/// registered learns nothing, so an address's account is not revealed).
pub fn account_exists(
    conn: &mut DbConnection,
    owner: &crate::db::users::User,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let role = if owner.is_case_worker || owner.is_admin {
        RecipientRole::CaseWorker
    } else if owner.is_volunteer && !owner.is_resident {
        RecipientRole::Volunteer
    } else {
        RecipientRole::Resident
    };
    let draft = Draft {
        kind: NotificationKind::AccountExists,
        to: Some(&owner.id),
        role,
        municipality: owner.municipality_code.as_deref().unwrap_or(""),
        request: None,
        m: None,
        case: None,
        data: json!({}),
        dedupe: None,
        webhooks: false,
    };
    write(conn, vec![draft], channels, now).map(drop)
}
