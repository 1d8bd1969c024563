//! Safeguarding steps on a volunteer, by a case worker of a municipality where they offer
//! help (or an admin): record, correct and revoke a VOG, suspend and reinstate.

use actix_web::{delete, post, put, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::Json, responses};
use crate::{
    auth::Caller,
    domain::{Role, SuspensionReason, UserId, VogChange, VogRevocationReason},
    error::{AppError, Problem},
    services::safeguarding::{self, Actor, Effects},
    state::AppState,
};

/// Who may take a safeguarding step: an admin, or a case worker (with their municipality).
fn actor_of(caller: &Caller) -> Result<Actor<'_>, AppError> {
    if caller.has(Role::Admin) {
        return Ok(Actor::Admin(&caller.user_id));
    }
    match (&caller.municipality, caller.has(Role::CaseWorker)) {
        (Some(municipality), true) => Ok(Actor::CaseWorker(&caller.user_id, municipality)),
        _ => Err(AppError::Forbidden("forbidden-staff-only")),
    }
}

fn volunteer_id(id: &str) -> Result<UserId, AppError> {
    UserId::parse(id).ok_or(AppError::NotFound("not-found-volunteer"))
}

/// A VOG (certificate of conduct) issue date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VogBody {
    /// The date on the VOG (YYYY-MM-DD), not in the future (Dutch time).
    #[schema(example = "2026-03-01")]
    pub issued_on: NaiveDate,
    /// Why a date replaces an earlier one: a newer certificate (the default) or a correction
    /// of a wrongly entered date.
    #[serde(default)]
    pub reason: VogChange,
}

/// The recorded VOG.
#[derive(Debug, Serialize, ToSchema)]
pub struct VogView {
    /// The volunteer.
    #[schema(format = Uuid)]
    pub user_id: String,
    /// The VOG's issue date.
    pub vog_issued_on: NaiveDate,
}

/// Why a VOG is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VogRevocationBody {
    /// A reason code (no free text: it goes into the audit log).
    pub reason: VogRevocationReason,
}

/// Why a volunteer is suspended.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionBody {
    /// A reason code (no free text: it goes into the audit log).
    pub reason: SuspensionReason,
}

/// What a revocation or suspension changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SafeguardingView {
    /// The volunteer.
    #[schema(format = Uuid)]
    pub user_id: String,
    /// Open proposals withdrawn; each request went to its next candidate.
    pub proposals_withdrawn: usize,
    /// Accepted matches that needed a VOG, which the case workers were told about.
    pub case_workers_alerted: usize,
    /// When the suspension started (suspension only).
    pub suspended_at: Option<DateTime<Utc>>,
}

impl SafeguardingView {
    fn new(user: &UserId, effects: Effects, suspended_at: Option<DateTime<Utc>>) -> Self {
        Self {
            user_id: user.to_string(),
            proposals_withdrawn: effects.proposals_withdrawn,
            case_workers_alerted: effects.case_workers_alerted,
            suspended_at,
        }
    }
}

/// A lifted suspension.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReinstatedView {
    /// The volunteer.
    #[schema(format = Uuid)]
    pub user_id: String,
    /// Offers active again, looking for waiting requests.
    pub offers_resumed: usize,
}

/// Records a volunteer's VOG issue date, or corrects it: by a case worker of a municipality
/// where the volunteer offers help (or an admin), never by the volunteer themselves; a Dutch
/// date, not in the future. The volunteer's active offers then look for waiting requests at
/// once; a corrected older date withdraws the proposals it no longer covers.
#[utoipa::path(put, path = "/api/v1/users/{id}/vog", tag = "safeguarding", security(("bearer" = [])), request_body = VogBody,
    params(("id" = String, Path, description = "The volunteer's user id", format = Uuid)),
    responses((status = 200, description = "VOG recorded", body = VogView),
        (status = 403, description = "Neither a case worker nor an admin, or the VOG would be one's own", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such volunteer with an offer in your municipality (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid date, a date in the future, or an unknown reason", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[put("/users/{id}/vog")]
pub async fn record_vog(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<VogBody>,
) -> Result<HttpResponse, AppError> {
    actor_of(&caller)?;
    let volunteer = volunteer_id(&id)?;
    let VogBody { issued_on, reason } = body.0;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let actor = actor_of(&caller)?;
        let user =
            safeguarding::record_vog(conn, &volunteer, issued_on, reason, actor, now, policy)?;
        Ok(VogView {
            user_id: user.id.to_string(),
            vog_issued_on: issued_on,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Revokes a volunteer's VOG with a reason: open proposals that needed it are withdrawn (each
/// request goes to its next candidate); for accepted matches that needed it the case workers
/// of the request's municipality are told at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/vog/revoke", tag = "safeguarding", security(("bearer" = [])), request_body = VogRevocationBody,
    params(("id" = String, Path, description = "The volunteer's user id", format = Uuid)),
    responses((status = 200, description = "VOG revoked", body = SafeguardingView),
        (status = 403, description = "Neither a case worker nor an admin, or one's own", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such volunteer with an offer in your municipality (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No VOG on record", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reason", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/users/{id}/vog/revoke")]
pub async fn revoke_vog(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<VogRevocationBody>,
) -> Result<HttpResponse, AppError> {
    actor_of(&caller)?;
    let volunteer = volunteer_id(&id)?;
    let reason = body.0.reason;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let actor = actor_of(&caller)?;
        let effects = safeguarding::revoke_vog(conn, &volunteer, reason, actor, now, policy)?;
        Ok(SafeguardingView::new(&volunteer, effects, None))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Suspends a volunteer over a safeguarding concern: their active offers are put on hold,
/// their open proposals withdrawn (each request goes to its next candidate), and the case
/// workers hear of accepted matches that need a VOG. The volunteer cannot resume or add
/// offers until the suspension is lifted.
#[utoipa::path(post, path = "/api/v1/users/{id}/suspension", tag = "safeguarding", security(("bearer" = [])), request_body = SuspensionBody,
    params(("id" = String, Path, description = "The volunteer's user id", format = Uuid)),
    responses((status = 200, description = "Suspended", body = SafeguardingView),
        (status = 403, description = "Neither a case worker nor an admin, or one's own", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such volunteer with an offer in your municipality (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already suspended", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reason", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/users/{id}/suspension")]
pub async fn suspend(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<SuspensionBody>,
) -> Result<HttpResponse, AppError> {
    actor_of(&caller)?;
    let volunteer = volunteer_id(&id)?;
    let reason = body.0.reason;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let actor = actor_of(&caller)?;
        let effects = safeguarding::suspend(conn, &volunteer, reason, actor, now, policy)?;
        Ok(SafeguardingView::new(
            &volunteer,
            effects,
            Some(now.and_utc()),
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Lifts a suspension: the offers put on hold by it are active again and look for waiting
/// requests.
#[utoipa::path(delete, path = "/api/v1/users/{id}/suspension", tag = "safeguarding", security(("bearer" = [])),
    params(("id" = String, Path, description = "The volunteer's user id", format = Uuid)),
    responses((status = 200, description = "Suspension lifted", body = ReinstatedView),
        (status = 403, description = "Neither a case worker nor an admin, or one's own", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such volunteer with an offer in your municipality (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[delete("/users/{id}/suspension")]
pub async fn lift_suspension(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    actor_of(&caller)?;
    let volunteer = volunteer_id(&id)?;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let actor = actor_of(&caller)?;
        let resumed = safeguarding::lift_suspension(conn, &volunteer, actor, now, policy)?;
        Ok(ReinstatedView {
            user_id: volunteer.to_string(),
            offers_resumed: resumed,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
