//! Help requests: a resident posts, lists, reads, changes, cancels and escalates their own.
//! Anyone else, whatever their role, gets 404 for a request that is not theirs.

#[path = "help_request_input.rs"]
pub mod input;
#[path = "help_request_views.rs"]
mod views;

pub(crate) use self::views::view_with_outcome;
pub use self::views::HelpRequestView;

use actix_web::{get, http::header, patch, post, web, HttpResponse};

use crate::services;
use serde::Deserialize;
use utoipa::IntoParams;

use self::input::{HelpRequestBody, HelpRequestPatch};
use super::{
    extract::{Json, Query},
    intake_views::RepresentationView,
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::{Caller, Resident},
    db::{self, help_requests::HelpRequest, DbConnection},
    domain::{
        Category, FieldError, HelpRequestId, HelpRequestStatus, Language, LawDomain, Role, UserId,
    },
    error::{AppError, Problem},
    state::AppState,
};

/// Filters and paging of the resident's own list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HelpRequestListQuery {
    /// Only requests with this status.
    #[param(value_type = Option<crate::domain::HelpRequestStatus>)]
    pub status: Option<String>,
    /// Only requests in this law domain.
    #[param(value_type = Option<crate::domain::LawDomain>)]
    pub domain: Option<String>,
    /// Only requests in this category.
    #[param(value_type = Option<crate::domain::Category>)]
    pub category: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Parses an optional query parameter, collecting its error.
pub(crate) fn parse_param<T>(
    raw: Option<&str>,
    parse: fn(&str) -> Result<T, FieldError>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    parse(raw?).map_err(|e| errors.push(e)).ok()
}

use crate::services::help_requests::owned;

/// Re-reads a request after a write, for the reply.
fn reread(
    conn: &mut DbConnection,
    id: &str,
    owner: &UserId,
    lang: Language,
) -> Result<HelpRequestView, AppError> {
    let row = owned(conn, &HelpRequestId::parse(id), owner)?;
    view_with_outcome(conn, row, lang)
}

/// Posts a help request: one's own as a resident, or, with `for_person`, one recorded for
/// someone else (a case worker for a resident without an account in their municipality, a
/// carer for the person they care for). Both go through the same matching.
#[utoipa::path(post, path = "/api/v1/help-requests", tag = "help requests", security(("bearer" = [])),
    request_body = HelpRequestBody,
    responses((status = 201, description = "Posted", body = HelpRequestView),
        (status = 403, description = "Not a resident (nor, with `for_person`, a case worker)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`for_person.person_id` is not a person you may record for", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A nearly identical open request exists (its id is in `existing_id`); send `confirm_duplicate: true` to post anyway", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("")]
pub async fn create_help_request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<HelpRequestBody>,
) -> Result<HttpResponse, AppError> {
    let mut body = body.0;
    let for_person = match body.for_person.take() {
        None if caller.has(Role::Resident) => None,
        Some(fp) if caller.has(Role::CaseWorker) => Some(fp.parse(false)?),
        Some(fp) if caller.has(Role::Resident) => Some(fp.parse(true)?),
        _ => return Err(crate::auth::extract::role_required(Role::Resident)),
    };
    let owner = caller.user_id;
    let now = state.clock.now_naive();
    let new = body.validate(&state.gazetteer, &owner, now)?;
    let confirmed = body.confirm_duplicate;
    let policy = state.policy();
    let view = services::write(&state.pool, policy, move |conn, policy| {
        let Some(fp) = &for_person else {
            let (stored, fallback) =
                services::help_requests::post(conn, &owner, new.clone(), confirmed, now, policy)?;
            // A new request has no outcome yet: the view is the stored row.
            let mut view = HelpRequestView::from(stored);
            view.municipal_fallback = Some(fallback);
            return Ok(view);
        };
        let recorded = services::intake::record(
            conn,
            &owner,
            new.clone(),
            fp.clone(),
            confirmed,
            now,
            policy,
        )?;
        let mut view = HelpRequestView::from(recorded.request);
        view.for_person = Some(RepresentationView::new(
            recorded.representation,
            recorded.person,
        ));
        view.municipal_fallback = Some(recorded.fallback);
        Ok(view)
    })
    .await?;
    let location = match view.channel {
        crate::domain::RequestChannel::Phone => format!("/api/v1/intake/help-requests/{}", view.id),
        _ => format!("/api/v1/help-requests/{}", view.id),
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(view))
}

/// Lists the caller's own requests, newest first.
#[utoipa::path(get, path = "/api/v1/help-requests", tag = "help requests", security(("bearer" = [])),
    params(HelpRequestListQuery),
    responses((status = 200, description = "One page of your requests", body = Paginated<HelpRequestView>),
        (status = 403, description = "Not a resident", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list_help_requests(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    resident: Resident,
    query: Query<HelpRequestListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.0;
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .parse()?;
    let mut errors = Vec::new();
    let filter = db::help_requests::HelpRequestFilter {
        status: parse_param(q.status.as_deref(), HelpRequestStatus::parse, &mut errors),
        domain: parse_param(q.domain.as_deref(), LawDomain::parse, &mut errors),
        category: parse_param(q.category.as_deref(), Category::parse, &mut errors),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let owner = resident.0.user_id;
    let (items, total) = db::run(&state.pool, move |conn| {
        let (rows, total) =
            db::help_requests::list_owned(conn, &owner, filter, page.offset(), page.limit())?;
        let items = rows
            .into_iter()
            .map(|row| view_with_outcome(conn, row, lang))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page.wrap(items, total)))
}

/// Reads one of the caller's requests.
#[utoipa::path(get, path = "/api/v1/help-requests/{id}", tag = "help requests", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Your request", body = HelpRequestView),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}")]
pub async fn get_help_request(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = HelpRequestId::parse(&id);
    let view = db::run(&state.pool, move |conn| {
        let row = owned(conn, &id, &caller.user_id)?;
        view_with_outcome(conn, row, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an open request; the merged request is validated like a new one.
#[utoipa::path(patch, path = "/api/v1/help-requests/{id}", tag = "help requests", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = HelpRequestPatch,
    responses((status = 200, description = "Changed", body = HelpRequestView),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is no longer open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[patch("/{id}")]
pub async fn patch_help_request(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
    body: Json<HelpRequestPatch>,
) -> Result<HttpResponse, AppError> {
    let id = HelpRequestId::parse(&id);
    let (gazetteer, now, policy) = (
        state.gazetteer.clone(),
        state.clock.now_naive(),
        state.policy(),
    );
    let owner = caller.user_id;
    let view = services::write(&state.pool, policy, move |conn, policy| {
        let merge = |row: &HelpRequest| {
            let merged = HelpRequestBody::from_stored(row)?.merge(body.0.clone());
            Ok(merged.validate(&gazetteer, &owner, now)?.into())
        };
        let actor = services::help_requests::Actor::Owner(owner.clone());
        let id = services::help_requests::change(conn, &id, &actor, merge, now, policy)?;
        reread(conn, id.as_str(), &owner, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Moves the caller's request `id` to `next` if its lifecycle allows it from where it is
/// (`allowed`), ending its live matches; escalation opens the municipal case.
async fn change_status(
    state: &AppState,
    caller: Caller,
    id: &str,
    next: HelpRequestStatus,
    allowed: &'static [HelpRequestStatus],
    lang: Language,
) -> Result<HelpRequestView, AppError> {
    let id = HelpRequestId::parse(id);
    let (now, channels) = (state.clock.now_naive(), state.channels());
    db::transaction(&state.pool, move |conn| {
        let owner = &caller.user_id;
        let actor = services::help_requests::Actor::Owner(owner.clone());
        let id = services::help_requests::change_status(
            conn, &id, &actor, next, allowed, now, channels,
        )?;
        reread(conn, id.as_str(), owner, lang)
    })
    .await
}

/// Cancels a request that is not finished: its live proposal or match ends too, and the
/// municipality's case of an escalated request closes (`cancelled_by_resident`).
#[utoipa::path(post, path = "/api/v1/help-requests/{id}/cancel", tag = "help requests", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Cancelled", body = HelpRequestView),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already finished", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/cancel")]
pub async fn cancel_help_request(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    use HelpRequestStatus::{Escalated, Matched, Open, Proposed};
    let next = HelpRequestStatus::Cancelled;
    let allowed = &[Open, Proposed, Matched, Escalated];
    let view = change_status(&state, caller, &id, next, allowed, lang).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Asks the municipality to take up an open or proposed request (reason `resident_request`):
/// the request becomes `escalated`, a pending proposal ends, and a case opens in the queue of
/// the request's municipality, all in one transaction.
#[utoipa::path(post, path = "/api/v1/help-requests/{id}/escalate", tag = "help requests", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Escalated", body = HelpRequestView),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open or proposed", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/escalate")]
pub async fn escalate_help_request(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    use HelpRequestStatus::{Open, Proposed};
    let next = HelpRequestStatus::Escalated;
    let view = change_status(&state, caller, &id, next, &[Open, Proposed], lang).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Gives the municipality consent to read the request and contact the resident, for example
/// after it escalated without it; the case worker then sees the description and contact.
#[utoipa::path(post, path = "/api/v1/help-requests/{id}/consent", tag = "help requests", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Consent recorded (or already given)", body = HelpRequestView),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already finished", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/consent")]
pub async fn give_consent(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = HelpRequestId::parse(&id);
    let now = state.clock.now_naive();
    let view = db::transaction(&state.pool, move |conn| {
        let owner = &caller.user_id;
        let id = services::help_requests::give_consent(conn, &id, owner, now)?;
        reread(conn, id.as_str(), owner, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
