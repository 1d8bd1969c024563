//! A case worker's decisions on a case (docs/ARCHITECTURE.md §6, §7): claim, note, resolve. Each runs
//! inside the caller's write transaction, checks the case's state with a conditional update,
//! and writes one audit entry (ids and codes only, never free text).

use chrono::NaiveDateTime;

use super::{
    case_file::case_of,
    case_proposals,
    matching::{Policy, MAX_OFFER_RADIUS_KM},
};
use crate::{
    db::{
        self,
        audit::AuditEntry,
        cases::{Case, CaseNote, Resolution},
        help_requests::RequestRow,
        matches::Match,
        DbConnection,
    },
    domain::{
        CaseOutcome, CaseStatus, FormalCategory, FormalStandard, HelpRequestStatus, LawDomain,
        Note, UserId,
    },
    error::AppError,
};

/// The case worker acting.
#[derive(Debug, Clone, Copy)]
pub struct Worker<'a> {
    /// Their user id.
    pub id: &'a UserId,
    /// Their municipality.
    pub municipality: &'a str,
}

/// Writes the audit entry of a case worker's read or decision on `case`.
pub fn audit(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    worker: Worker<'_>,
    action: &str,
    case: &Case,
    detail: Option<String>,
) -> Result<(), AppError> {
    let mut entry = AuditEntry::new(
        now,
        Some(worker.id),
        "case_worker",
        action,
        "case",
        &case.id,
    )
    .in_municipality(&case.municipality_code);
    entry.detail = detail;
    Ok(db::audit::record(conn, &entry)?)
}

/// Claims an open case: it becomes `in_progress`, assigned to the worker.
pub fn claim(
    conn: &mut DbConnection,
    case_id: &str,
    worker: Worker<'_>,
    now: NaiveDateTime,
) -> Result<Case, AppError> {
    let case = case_of(conn, case_id, worker.municipality)?;
    if !db::cases::claim(conn, &case.id, worker.id, now)? {
        // Said as it is now: a colleague may have claimed it, or the resident cancelled.
        let now_is = case_of(conn, case_id, worker.municipality)?.status;
        return Err(AppError::conflict(crate::msg!(
            "conflict-claim-needs-open",
            status = now_is.as_str()
        )));
    }
    audit(conn, now, worker, "case.claim", &case, None)?;
    case_of(conn, case_id, worker.municipality)
}

/// Adds a note to a case of the worker's municipality.
pub fn add_note(
    conn: &mut DbConnection,
    case_id: &str,
    worker: Worker<'_>,
    body: Note,
    now: NaiveDateTime,
) -> Result<CaseNote, AppError> {
    let case = case_of(conn, case_id, worker.municipality)?;
    let note = CaseNote {
        id: crate::domain::ids::new_key(),
        case_id: case.id.clone(),
        author_id: Some(worker.id.clone()),
        body: body.into_inner(),
        created_at: now,
    };
    db::cases::insert_note(conn, &note)?;
    audit(conn, now, worker, "case.note", &case, None)?;
    Ok(note)
}

/// A resolution as the case worker sends it (shape already checked).
#[derive(Debug, Clone)]
pub struct Decision {
    /// The outcome.
    pub outcome: CaseOutcome,
    /// For `assigned_volunteer`: the offer.
    pub offer_id: Option<String>,
    /// For `referred_formal` on a Wmo or Jeugdwet request: the iWmo or iJw category.
    pub formal_category: Option<FormalCategory>,
    /// For `referred_formal` on a Participatiewet request: the named instrument.
    pub instrument: Option<String>,
    /// For `returned_to_marketplace`: a wider maximum distance.
    pub max_distance_km: Option<f64>,
    /// Explanation for the resident (required for `closed`).
    pub note: Option<Note>,
}

/// What a resolution did.
#[derive(Debug)]
pub struct Resolved {
    /// The case after the decision.
    pub case: Case,
    /// The accepted match (`assigned_volunteer`) or the new proposal (`returned_to_marketplace`).
    pub new_match: Option<Match>,
}

/// Resolves a case the worker has claimed; resolved cases are final.
pub fn resolve(
    conn: &mut DbConnection,
    case_id: &str,
    worker: Worker<'_>,
    decision: Decision,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Resolved, AppError> {
    let case = case_of(conn, case_id, worker.municipality)?;
    // The request (and the offer of its live match) first, in the order every workflow locks.
    super::match_lifecycle::lock_for_request(conn, &case.request_id)?;
    let case = case_of(conn, case_id, worker.municipality)?;
    match case.status {
        CaseStatus::Resolved => {
            return Err(AppError::conflict(crate::msg!("conflict-case-resolved")))
        }
        CaseStatus::InProgress if case.assigned_to.as_deref() == Some(worker.id) => {}
        CaseStatus::InProgress => {
            return Err(AppError::conflict(crate::msg!("conflict-case-taken")))
        }
        CaseStatus::Open => return Err(AppError::conflict(crate::msg!("conflict-claim-first"))),
    }
    let request = db::help_requests::request(conn, &case.request_id)?
        .ok_or(AppError::NotFound("not-found-help-request"))?;
    if request.status != HelpRequestStatus::Escalated {
        return Err(AppError::conflict(crate::msg!(
            "conflict-request-not-escalated",
            status = request.status.as_str()
        )));
    }
    let note = decision.note.clone().map(Note::into_inner);
    let (detail, audit_detail, new_match) = match decision.outcome {
        CaseOutcome::AssignedVolunteer => {
            let m = assign_volunteer(conn, &request, &decision, now, policy, worker)?;
            (None, None, Some(m))
        }
        CaseOutcome::ReferredFormal => {
            let (detail, code) = referral(&request, &decision)?;
            move_request(
                conn,
                &request.id,
                HelpRequestStatus::Escalated,
                HelpRequestStatus::Referred,
                now,
            )?;
            (Some(detail), code, None)
        }
        CaseOutcome::ReturnedToMarketplace => {
            let km = widened_distance(&request, decision.max_distance_km)?;
            if let Some(km) = km {
                db::cases::set_request_max_distance(conn, &request.id, km, now)?;
            }
            move_request(
                conn,
                &request.id,
                HelpRequestStatus::Escalated,
                HelpRequestStatus::Open,
                now,
            )?;
            let mut proposal =
                super::matching::propose_for_request(conn, &request.id, now, policy)?;
            if let (None, Some(km)) = (&proposal, km) {
                // Nobody within their own radius: ask whom the wider trip would reach.
                proposal =
                    case_proposals::ask_beyond_radius(conn, &request.id, km, now, policy, worker)?;
            }
            (km.map(|k| k.to_string()), None, proposal)
        }
        CaseOutcome::Closed => {
            if note.as_deref().map_or(true, str::is_empty) {
                return Err(AppError::field(
                    crate::domain::FieldError::new("note", crate::msg!("field-close-needs-reason"))
                        .code(crate::domain::FieldErrorCode::Required),
                ));
            }
            move_request(
                conn,
                &request.id,
                HelpRequestStatus::Escalated,
                HelpRequestStatus::Closed,
                now,
            )?;
            (None, None, None)
        }
    };
    let resolution = Resolution {
        outcome: decision.outcome,
        detail,
        note,
        offer_id: new_match.as_ref().map(|m| m.offer_id.clone()),
    };
    if !db::cases::resolve(conn, &case.id, worker.id, &resolution, now)? {
        return Err(AppError::conflict(crate::msg!("conflict-case-changed")));
    }
    let terminal = decision.outcome.request_status().is_terminal();
    db::cases::set_request_outcome(
        conn,
        &request.id,
        decision.outcome.as_str(),
        terminal.then_some(now),
    )?;
    let code = match audit_detail {
        Some(extra) => format!("{}:{extra}", decision.outcome.as_str()),
        None => decision.outcome.as_str().to_owned(),
    };
    audit(conn, now, worker, "case.resolve", &case, Some(code))?;
    let case = case_of(conn, case_id, worker.municipality)?;
    match (&new_match, decision.outcome) {
        (Some(m), CaseOutcome::AssignedVolunteer) => {
            super::notify::match_assigned(conn, m, policy.channels, now)?;
        }
        _ => super::notify::case_resolved(conn, &case, policy.channels, now)?,
    }
    Ok(Resolved { case, new_match })
}

pub(super) fn move_request(
    conn: &mut DbConnection,
    request_id: &str,
    from: HelpRequestStatus,
    to: HelpRequestStatus,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if db::help_requests::transition(conn, request_id, from, to, now)? {
        Ok(())
    } else {
        Err(AppError::conflict(crate::msg!("conflict-request-changed")))
    }
}

/// The formal referral named by the decision, checked against the request's domain: Wmo
/// requests go to an iWmo category, Jeugdwet requests to an iJw category, Participatiewet
/// requests (no national code list) to a named instrument. Returns the stored detail and the
/// code for the audit log (the category key; an instrument is free text and stays out).
fn referral(
    request: &RequestRow,
    decision: &Decision,
) -> Result<(String, Option<String>), AppError> {
    let domain = request.domain;
    let standard = match domain {
        LawDomain::Wmo => Some(FormalStandard::Iwmo),
        LawDomain::Jeugdwet => Some(FormalStandard::Ijw),
        LawDomain::Participatiewet => None,
    };
    match (standard, &decision.formal_category, &decision.instrument) {
        (Some(standard), Some(category), _) if category.standard == standard => {
            Ok((category.key(), Some(category.key())))
        }
        (Some(standard), Some(_), _) => Err(AppError::invalid(
            "formal_category",
            crate::msg!(
                "field-referral-standard",
                domain = domain.as_str(),
                standard = standard.name()
            ),
        )),
        (Some(standard), None, _) => Err(AppError::field(
            crate::domain::FieldError::new(
                "formal_category",
                crate::msg!("field-referral-required", standard = standard.name()),
            )
            .code(crate::domain::FieldErrorCode::Required),
        )),
        (None, _, Some(instrument)) if !instrument.trim().is_empty() => {
            Ok((format!("instrument:{}", instrument.trim()), None))
        }
        (None, _, _) => Err(AppError::field(
            crate::domain::FieldError::new("instrument", crate::msg!("field-instrument-required"))
                .code(crate::domain::FieldErrorCode::Required),
        )),
    }
}

/// The checked wider distance for a request going back to the marketplace.
/// A request without a maximum keeps none: any distance would narrow what the resident
/// allowed.
fn widened_distance(request: &RequestRow, km: Option<f64>) -> Result<Option<f64>, AppError> {
    let Some(km) = km else { return Ok(None) };
    if !km.is_finite() || km <= 0.0 || km > MAX_OFFER_RADIUS_KM {
        return Err(AppError::field(
            crate::domain::FieldError::new(
                "max_distance_km",
                crate::msg!(
                    "field-distance-widen-max",
                    max = MAX_OFFER_RADIUS_KM.to_string()
                ),
            )
            .code(crate::domain::FieldErrorCode::OutOfRange)
            .param("max", MAX_OFFER_RADIUS_KM),
        ));
    }
    match request.max_distance_km {
        None => Ok(None),
        Some(current) if km < current => Err(AppError::field(
            crate::domain::FieldError::new(
                "max_distance_km",
                crate::msg!("field-distance-not-smaller", current = current.to_string()),
            )
            .code(crate::domain::FieldErrorCode::OutOfRange)
            .param("min", current),
        )),
        Some(_) => Ok(Some(km)),
    }
}

/// Proposes the request to the offer the case worker picked (`offer_id`); see
/// [`case_proposals::propose_offer`].
fn assign_volunteer(
    conn: &mut DbConnection,
    request: &RequestRow,
    decision: &Decision,
    now: NaiveDateTime,
    policy: &Policy,
    worker: Worker<'_>,
) -> Result<Match, AppError> {
    let offer_id = decision.offer_id.as_deref().ok_or_else(|| {
        AppError::field(
            crate::domain::FieldError::new("offer_id", crate::msg!("field-offer-required"))
                .code(crate::domain::FieldErrorCode::Required),
        )
    })?;
    let (lead, from) = ("proposed by the municipality", HelpRequestStatus::Escalated);
    case_proposals::propose_offer(conn, request, offer_id, lead, from, now, policy, worker)
}
