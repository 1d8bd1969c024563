//! A case worker's decisions on a case (docs/ARCHITECTURE.md §6, §7): claim, note, resolve. Each runs
//! inside the caller's write transaction, checks the case's state with a conditional update,
//! and writes one audit entry (ids and codes only, never free text).

use chrono::NaiveDateTime;

use super::{
    case_file::case_of,
    engine_rows::{category_rule, offer_profile, request_profile, EngineIds},
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
        MatchId, MatchOrigin, MatchStatus, Note, UserId,
    },
    engine::{self, CategorySet, DateWindow, MatchContext, Violation, WeeklySlots},
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
        return Err(AppError::conflict(format!(
            "only an open case can be claimed; this one is {now_is}"
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
            return Err(AppError::conflict("this case is resolved; that is final"))
        }
        CaseStatus::InProgress if case.assigned_to.as_deref() == Some(worker.id) => {}
        CaseStatus::InProgress => {
            return Err(AppError::conflict(
                "this case is claimed by another case worker",
            ))
        }
        CaseStatus::Open => return Err(AppError::conflict("claim the case before resolving it")),
    }
    let request = db::help_requests::request(conn, &case.request_id)?
        .ok_or(AppError::NotFound("help request"))?;
    if request.status != HelpRequestStatus::Escalated {
        return Err(AppError::conflict(format!(
            "the help request is {} now, no longer escalated",
            request.status
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
            move_request(conn, &request.id, HelpRequestStatus::Referred, now)?;
            (Some(detail), code, None)
        }
        CaseOutcome::ReturnedToMarketplace => {
            let km = widened_distance(&request, decision.max_distance_km)?;
            if let Some(km) = km {
                db::cases::set_request_max_distance(conn, &request.id, km, now)?;
            }
            move_request(conn, &request.id, HelpRequestStatus::Open, now)?;
            let proposal = super::matching::propose_for_request(conn, &request.id, now, policy)?;
            (km.map(|k| k.to_string()), None, proposal)
        }
        CaseOutcome::Closed => {
            if note.as_deref().map_or(true, str::is_empty) {
                return Err(AppError::invalid(
                    "note",
                    "closing a case needs a reason for the resident",
                ));
            }
            move_request(conn, &request.id, HelpRequestStatus::Closed, now)?;
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
        return Err(AppError::conflict(
            "the case changed meanwhile; read it again",
        ));
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

fn move_request(
    conn: &mut DbConnection,
    request_id: &str,
    to: HelpRequestStatus,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if db::help_requests::transition(conn, request_id, HelpRequestStatus::Escalated, to, now)? {
        Ok(())
    } else {
        Err(AppError::conflict("the help request changed meanwhile"))
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
            format!("a {domain} request is referred to an {}", standard.name()),
        )),
        (Some(standard), None, _) => Err(AppError::invalid(
            "formal_category",
            format!("required: the {} to refer to", standard.name()),
        )),
        (None, _, Some(instrument)) if !instrument.trim().is_empty() => {
            Ok((format!("instrument:{}", instrument.trim()), None))
        }
        (None, _, _) => Err(AppError::invalid(
            "instrument",
            "required: the Participatiewet has no national code list; name the instrument",
        )),
    }
}

/// The checked wider distance for a request going back to the marketplace.
/// A request without a maximum keeps none: any distance would narrow what the resident
/// allowed.
fn widened_distance(request: &RequestRow, km: Option<f64>) -> Result<Option<f64>, AppError> {
    let Some(km) = km else { return Ok(None) };
    if !km.is_finite() || km <= 0.0 || km > MAX_OFFER_RADIUS_KM {
        return Err(AppError::invalid(
            "max_distance_km",
            format!("must be more than 0 and at most {MAX_OFFER_RADIUS_KM} km"),
        ));
    }
    match request.max_distance_km {
        None => Ok(None),
        Some(current) if km < current => Err(AppError::invalid(
            "max_distance_km",
            format!("must not be smaller than the request's current {current} km"),
        )),
        Some(_) => Ok(Some(km)),
    }
}

/// Gives the request to a specific offer as an accepted match. Distance, availability and an
/// earlier decline are the case worker's call (they arranged it with the volunteer); the
/// category, the offer being active, the VOG gate (with the municipality's VOG policy) and
/// capacity still hold, checked by the pure engine, and the slot is taken with the same
/// conditional update as every proposal.
fn assign_volunteer(
    conn: &mut DbConnection,
    request: &RequestRow,
    decision: &Decision,
    now: NaiveDateTime,
    policy: &Policy,
    worker: Worker<'_>,
) -> Result<Match, AppError> {
    let offer_id = decision
        .offer_id
        .as_deref()
        .ok_or_else(|| AppError::invalid("offer_id", "required for assigned_volunteer"))?;
    let offer = uuid::Uuid::parse_str(offer_id)
        .ok()
        .map(|_| db::offers::offer(conn, offer_id))
        .transpose()?
        .flatten()
        .ok_or_else(|| AppError::invalid("offer_id", "no such offer"))?;
    let settings = db::municipality_settings::effective(conn, worker.municipality)?;
    let mut ids = EngineIds::default();
    let mut profile = request_profile(request, &mut ids, &[], &[]);
    let indexes: Vec<u8> = db::offers::category_codes(conn, offer_id)?
        .iter()
        .filter_map(|c| category_rule(c).map(|(_, rule)| rule.index))
        .collect();
    let mut candidate = offer_profile(&offer, CategorySet::of(&indexes), &mut ids);
    // The case worker may bridge distance and times; the explanation shows the real times.
    let (request_week, offer_week) = (profile.week.clone(), candidate.week.clone());
    profile.max_distance_km = None;
    profile.week = WeeklySlots::any_time();
    profile.dates = DateWindow::ANY;
    candidate.radius_km = f64::INFINITY;
    candidate.week = WeeklySlots::any_time();
    let ctx = MatchContext {
        today: crate::clock::dutch_today(now),
        vog_max_age_months: u32::try_from(settings.vog_max_age_months).unwrap_or(0),
    };
    let fit = engine::check(&profile, &candidate, &ctx).map_err(|violation| match violation {
        Violation::NoCapacityLeft => AppError::conflict("the volunteer has no capacity left"),
        other => AppError::invalid("offer_id", other.to_string()),
    })?;
    if !db::matches::take_slot(conn, offer_id)? {
        return Err(AppError::conflict("the volunteer has no capacity left"));
    }
    let score = engine::score(&profile, &candidate, &fit);
    let parts = score.parts;
    let (overlap, _) = engine::constraints::weekly_overlap(&request_week, &offer_week);
    let shown = engine::Fit {
        overlap_minutes: overlap,
        ..fit
    };
    profile.week = request_week;
    candidate.week = offer_week;
    let mut explanation = format!(
        "proposed by the municipality; {}",
        engine::explain(&profile, &candidate, &shown)
    );
    if overlap == 0 {
        explanation.push_str("; no common time in the week: agree a time together");
    }
    // A proposal the volunteer accepts or declines, like any other; the resident's contact
    // follows acceptance as always.
    let proposal = Match {
        id: MatchId::generate(),
        request_id: request.id.clone(),
        offer_id: offer.0.id.clone(),
        volunteer_id: offer.0.volunteer_id.clone(),
        status: MatchStatus::Proposed,
        score: score.total,
        score_parts: serde_json::json!({
            "proximity": parts.proximity, "availability": parts.availability,
            "same_municipality": parts.same_municipality, "continuity": parts.continuity,
            "load": parts.load,
        })
        .to_string(),
        explanation,
        decline_reason: None,
        proposed_at: now,
        expires_at: now + policy.proposal_ttl,
        responded_at: None,
        closed_at: None,
        created_by: MatchOrigin::CaseWorker,
        updated_at: now,
    };
    db::matches::insert(conn, &proposal)?;
    move_request(conn, &request.id, HelpRequestStatus::Proposed, now)?;
    Ok(proposal)
}
