//! The actions on a match: accept, decline, complete, cancel.

use actix_web::{post, web, HttpResponse};

use super::{
    extract::Json,
    matches::{MatchView, ReasonBody},
};
use crate::{
    auth::{Caller, Volunteer},
    db,
    domain::{MatchId, Note},
    error::{AppError, Problem},
    services::match_lifecycle,
    state::AppState,
};

fn parse_id(id: &str) -> Result<String, AppError> {
    MatchId::parse(id)
        .map(|m| m.0)
        .ok_or(AppError::NotFound("not-found-match"))
}

/// The volunteer accepts a proposal; contact details become visible to both sides.
#[utoipa::path(post, path = "/api/v1/matches/{id}/accept", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Accepted", body = MatchView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the volunteer of this match", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an open proposal (answered, expired or withdrawn)", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/accept")]
pub async fn accept_match(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    volunteer: Volunteer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id)?;
    let (me, now, channels) = (
        volunteer.0.user_id.0,
        state.clock.now_naive(),
        state.channels(),
    );
    let view = db::transaction(&state.pool, move |conn| {
        match_lifecycle::accept(conn, &id, &me, now, channels)?;
        super::matches::read_for(conn, &id, &me, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The volunteer declines a proposal (optionally saying why); the request goes to its next
/// candidate and this volunteer is not asked again for it.
#[utoipa::path(post, path = "/api/v1/matches/{id}/decline", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = ReasonBody,
    responses((status = 200, description = "Declined", body = MatchView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the volunteer of this match", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an open proposal", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid reason", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/decline")]
pub async fn decline_match(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    volunteer: Volunteer,
    id: web::Path<String>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id)?;
    let reason = body.0.reason.map(Note::into_inner);
    let (me, now, policy) = (
        volunteer.0.user_id.0,
        state.clock.now_naive(),
        state.policy(),
    );
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        match_lifecycle::decline(conn, &id, &me, reason.as_deref(), now, policy)?;
        super::matches::read_for(conn, &id, &me, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Either side marks an accepted match as done; the request is completed.
#[utoipa::path(post, path = "/api/v1/matches/{id}/complete", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Completed", body = MatchView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an accepted match", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/complete")]
pub async fn complete_match(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id)?;
    let (me, now, channels) = (caller.user_id.0, state.clock.now_naive(), state.channels());
    let view = db::transaction(&state.pool, move |conn| {
        match_lifecycle::complete(conn, &id, &me, now, channels)?;
        super::matches::read_for(conn, &id, &me, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Either side calls off an accepted match; the request goes back to the marketplace
/// without this volunteer.
#[utoipa::path(post, path = "/api/v1/matches/{id}/cancel", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = ReasonBody,
    responses((status = 200, description = "Cancelled", body = MatchView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an accepted match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid reason", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/cancel")]
pub async fn cancel_match(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
    body: Json<ReasonBody>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&id)?;
    let reason = body.0.reason.map(Note::into_inner);
    let (me, now, policy) = (caller.user_id.0, state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        match_lifecycle::cancel(conn, &id, &me, reason.as_deref(), now, policy)?;
        super::matches::read_for(conn, &id, &me, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
