//! Cases that move between case workers: the claimer releases a case back to the queue or
//! hands it to a named colleague; a colleague takes over a case whose claimer is absent.
//! Audited like every case decision; a case of another municipality is 404.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    case_views::CaseView,
    cases::{read_view, worker},
    extract::Json,
};
use crate::{
    auth::CaseWorker, db, domain::TakeoverReason, error::AppError, error::Problem,
    services::case_handover, state::AppState,
};

/// The colleague who gets the case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverBody {
    /// The user id of an active case worker of the same municipality, not oneself.
    #[schema(format = Uuid)]
    pub to: String,
}

/// Whose case the caller takes over, and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TakeoverBody {
    /// The case worker who holds the case, as the caller read it (the case's `assigned_to`):
    /// the takeover succeeds only while they still hold it.
    #[schema(format = Uuid)]
    pub from: String,
    /// A reason code (no free text: it goes into the audit log).
    pub reason: TakeoverReason,
}

/// Puts a case the caller claimed back in the queue: open and unassigned.
#[utoipa::path(post, path = "/api/v1/cases/{id}/release", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Back in the queue", body = CaseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not claimed by you (open, claimed by someone else, or resolved)", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/release")]
pub async fn release_case(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caseworker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let live = state.live_offers.clone();
    crate::services::offers_loaded(&state.pool, &live).await?;
    let view = db::transaction(&state.pool, move |conn| {
        let w = worker(&caseworker);
        case_handover::release(conn, &id, w, now)?;
        read_view(conn, &id, w.municipality, now, &live, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Hands a case the caller claimed to a colleague of the same municipality, who is told.
#[utoipa::path(post, path = "/api/v1/cases/{id}/handover", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = HandoverBody,
    responses((status = 200, description = "The colleague holds the case now", body = CaseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not claimed by you, or it changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`to` is not an active case worker of your municipality, or is you", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/handover")]
pub async fn handover_case(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caseworker: CaseWorker,
    id: web::Path<String>,
    body: Json<HandoverBody>,
) -> Result<HttpResponse, AppError> {
    let to = body.0.to;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let w = worker(&caseworker);
        case_handover::handover(conn, &id, w, &to, policy.channels, now)?;
        read_view(conn, &id, w.municipality, now, &policy.offers, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Takes over a case a colleague of the same municipality claimed (they are absent, on
/// leave, left the team, or it is urgent); the colleague is told.
#[utoipa::path(post, path = "/api/v1/cases/{id}/takeover", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = TakeoverBody,
    responses((status = 200, description = "The caller holds the case now", body = CaseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`from` does not hold the case (any more: another colleague took it over first), or it is open, resolved or yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reason code, or `from` is not a user id", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/takeover")]
pub async fn takeover_case(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caseworker: CaseWorker,
    id: web::Path<String>,
    body: Json<TakeoverBody>,
) -> Result<HttpResponse, AppError> {
    let TakeoverBody { from, reason } = body.0;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let w = worker(&caseworker);
        case_handover::takeover(conn, &id, w, &from, reason, policy.channels, now)?;
        read_view(conn, &id, w.municipality, now, &policy.offers, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
