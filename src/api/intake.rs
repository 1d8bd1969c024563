//! Requests a case worker recorded for residents without an account: the municipality's list
//! of them, reading one with its proposals and matches (the volunteer's contact from
//! acceptance on, to pass on to the resident), cancelling, the one-time code with which the
//! resident claims them into an account, and the person's export and erasure. Recording
//! itself is `POST /api/v1/help-requests` with `for_person`. Another municipality's requests
//! and people are 404; every read of a person's data is audited.

use actix_web::{delete, get, http::header, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::{Json, Query},
    help_requests::{
        input::{HelpRequestBody, HelpRequestPatch},
        parse_param, view_with_outcome, HelpRequestView,
    },
    intake_views::PersonView,
    matches::{view as match_view, MatchView},
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::{CaseWorker, Resident},
    db::{self, audit::AuditEntry, DbConnection},
    domain::{ClaimCode, HelpRequestId, HelpRequestStatus, PersonId},
    error::{AppError, Problem},
    services::{
        self,
        help_requests::Actor,
        intake,
        match_lifecycle::Side,
        privacy::{recorded, ErasureReport},
    },
    state::AppState,
};

/// A recorded request with its proposals and matches, as the case worker sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedRequestView {
    /// The request, with the person and the recorded consent in `for_person`.
    #[serde(flatten)]
    pub request: HelpRequestView,
    /// Its proposals and matches, oldest first; `contact` is the volunteer's, from
    /// acceptance on: pass it on to the resident.
    pub matches: Vec<MatchView>,
}

pub(crate) fn recorded_view(
    conn: &mut DbConnection,
    row: db::help_requests::HelpRequest,
    lang: crate::domain::Language,
) -> Result<RecordedRequestView, AppError> {
    let id = row.id.to_string();
    let request = view_with_outcome(conn, row, lang)?;
    let matches = db::matches::of_request_with_request(conn, &id)?
        .into_iter()
        .map(|m| match_view(conn, m, Side::Resident, lang))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordedRequestView { request, matches })
}

/// Filters and paging of the municipality's recorded requests.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecordedListQuery {
    /// Only requests with this status (`matched`: a volunteer said yes; pass them on).
    #[param(value_type = Option<crate::domain::HelpRequestStatus>)]
    pub status: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// The requests case workers of your municipality recorded that no account owns yet, newest
/// first.
#[utoipa::path(get, path = "/api/v1/intake/help-requests", tag = "intake", security(("bearer" = [])),
    params(RecordedListQuery),
    responses((status = 200, description = "One page of recorded requests", body = Paginated<HelpRequestView>),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("/help-requests")]
pub async fn list_recorded(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    worker: CaseWorker,
    query: Query<RecordedListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.0;
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .parse()?;
    let mut errors = Vec::new();
    let status = parse_param(q.status.as_deref(), HelpRequestStatus::parse, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let page_view = db::run(&state.pool, move |conn| {
        let (rows, total) = db::people::recorded_in(
            conn,
            &worker.municipality,
            status,
            page.offset(),
            page.limit(),
        )?;
        let items = rows
            .into_iter()
            .map(|row| view_with_outcome(conn, row, lang))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.wrap(items, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page_view))
}

/// Reads a recorded request of your municipality with its matches (audited).
#[utoipa::path(get, path = "/api/v1/intake/help-requests/{id}", tag = "intake", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "The request", body = RecordedRequestView),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recorded request in your municipality", body = Problem, content_type = "application/problem+json")))]
#[get("/help-requests/{id}")]
pub async fn get_recorded(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    worker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = HelpRequestId::parse(&id);
    let now = state.clock.now_naive();
    let view = db::transaction(&state.pool, move |conn| {
        let row = intake::read_recorded(conn, &worker.caller.user_id, &id, now)?;
        recorded_view(conn, row, lang)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(view))
}

/// Cancels a recorded request at the resident's wish: a live proposal or match ends (the
/// volunteer who accepted is told), and an unresolved case closes.
#[utoipa::path(post, path = "/api/v1/intake/help-requests/{id}/cancel", tag = "intake", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Cancelled", body = RecordedRequestView),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recorded request in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already finished", body = Problem, content_type = "application/problem+json")))]
#[post("/help-requests/{id}/cancel")]
pub async fn cancel_recorded(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    worker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = HelpRequestId::parse(&id);
    let (now, channels) = (state.clock.now_naive(), state.channels());
    let view = db::transaction(&state.pool, move |conn| {
        let (me, municipality) = (&worker.caller.user_id, &worker.municipality);
        let row = intake::cancel_recorded(conn, me, municipality, &id, now, channels)?;
        recorded_view(conn, row, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an open recorded request (the resident called back: another day, another kind of
/// help); validated like a new request, it stays in your municipality and looks for a
/// volunteer again.
#[utoipa::path(patch, path = "/api/v1/intake/help-requests/{id}", tag = "intake", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = HelpRequestPatch,
    responses((status = 200, description = "Changed", body = RecordedRequestView),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such recorded request in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is no longer open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[patch("/help-requests/{id}")]
pub async fn patch_recorded(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    worker: CaseWorker,
    id: web::Path<String>,
    body: Json<HelpRequestPatch>,
) -> Result<HttpResponse, AppError> {
    let id = HelpRequestId::parse(&id);
    let (gazetteer, now, policy) = (
        state.gazetteer.clone(),
        state.clock.now_naive(),
        state.policy(),
    );
    let view = services::write(&state.pool, policy, move |conn, policy| {
        let me = worker.caller.user_id.clone();
        let merge = |row: &db::help_requests::HelpRequest| {
            let merged = HelpRequestBody::from_stored(row)?.merge(body.0.clone());
            Ok(merged.validate(&gazetteer, &me, now)?.into())
        };
        let actor = Actor::Intake(me.clone());
        let id = services::help_requests::change(conn, &id, &actor, merge, now, policy)?;
        let row = db::people::find_recorded(conn, &id, &worker.municipality)?
            .ok_or(AppError::NotFound("not-found-help-request"))?;
        recorded_view(conn, row, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A one-time claim code, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimCodeView {
    /// Give this to the resident (on paper or by phone); they enter it in their account.
    #[schema(example = "ACDEF-GH347")]
    pub code: String,
    /// The code stops working then (UTC); a newer code replaces it at once.
    pub expires_at: DateTime<Utc>,
}

/// Makes a one-time code with which the person takes the requests recorded for them into an
/// account of their own (`POST /api/v1/me/claims`). Valid 30 days; a newer code replaces an
/// older one. The code itself is not stored and cannot be shown again.
#[utoipa::path(post, path = "/api/v1/intake/people/{id}/claim-code", tag = "intake", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 201, description = "The code", body = ClaimCodeView),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person claimed already", body = Problem, content_type = "application/problem+json")))]
#[post("/people/{id}/claim-code")]
pub async fn issue_claim_code(
    state: web::Data<AppState>,
    worker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = PersonId::parse(&id);
    let now = state.clock.now_naive();
    let (code, expires_at) = db::transaction(&state.pool, move |conn| {
        intake::issue_claim_code(conn, &worker.caller.user_id, &id, now)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClaimCodeView {
            code: code.to_string(),
            expires_at: expires_at.and_utc(),
        }))
}

/// Everything held about a recorded person, for their export (AVG art. 15).
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonExport {
    /// The person.
    pub person: PersonView,
    /// Their requests as recorded, with their proposals and matches.
    pub help_requests: Vec<RecordedRequestView>,
    /// The audit trail about the person, their requests and matches.
    pub audit: Vec<AuditEntry>,
}

/// Exports what is held about a person recorded in your municipality, for the person (AVG
/// art. 15; audited). A person who claimed their requests exports from their account.
#[utoipa::path(get, path = "/api/v1/intake/people/{id}", tag = "intake", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "The person's data", body = PersonExport),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in your municipality", body = Problem, content_type = "application/problem+json")))]
#[get("/people/{id}")]
pub async fn export_person(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    worker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = PersonId::parse(&id);
    let now = state.clock.now_naive();
    let document = db::transaction(&state.pool, move |conn| {
        let record = recorded::export(conn, &worker.caller.user_id, &id, now)?;
        let mut help_requests = Vec::new();
        for (row, _) in record.requests {
            help_requests.push(recorded_view(conn, row, lang)?);
        }
        Ok(PersonExport {
            person: record.person.into(),
            help_requests,
            audit: record.audit,
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(document))
}

/// Erases a person recorded in your municipality at their request (AVG art. 17): their
/// unfinished requests are cancelled, texts anonymised, name and phone removed. A person who
/// claimed their requests erases their data from their account (409 here).
#[utoipa::path(delete, path = "/api/v1/intake/people/{id}", tag = "intake", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Erased; what was done", body = ErasureReport),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person has an account now", body = Problem, content_type = "application/problem+json")))]
#[delete("/people/{id}")]
pub async fn erase_person(
    state: web::Data<AppState>,
    worker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = PersonId::parse(&id);
    let (now, channels) = (state.clock.now_naive(), state.channels());
    let report = db::transaction(&state.pool, move |conn| {
        recorded::erase(conn, &worker.caller.user_id, &id, now, channels)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// A claim code as the resident types it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// The code the municipality gave you, such as `ACDEF-GH347` (case, spaces and dashes
    /// do not matter).
    #[schema(example = "ACDEF-GH347", max_length = 40)]
    pub code: String,
}

/// What a claim took over.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimReport {
    /// The person record, now linked to your account.
    #[schema(format = Uuid)]
    pub person_id: String,
    /// Requests now in your account (`GET /api/v1/help-requests`).
    pub help_requests: usize,
}

/// Takes the requests the municipality recorded for you into your account, with the one-time
/// code it gave you. An unknown, used or expired code is 422 on `code`; attempts are limited
/// like sign-ins.
#[utoipa::path(post, path = "/api/v1/me/claims", tag = "intake", security(("bearer" = [])),
    request_body = ClaimBody,
    responses((status = 200, description = "Claimed", body = ClaimReport),
        (status = 403, description = "Not a resident", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json")))]
#[post("/me/claims")]
pub async fn claim(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    resident: Resident,
    body: Json<ClaimBody>,
) -> Result<HttpResponse, AppError> {
    let me = resident.0.user_id;
    // Guessing codes is slowed down like guessing passwords: per address and per account.
    state
        .login_limiter
        .check(req.peer_addr().map(|a| a.ip()), &format!("claim:{me}"))?;
    let code = ClaimCode::parse(&body.0.code).map_err(|e| AppError::Validation(vec![e]))?;
    let now = state.clock.now_naive();
    let (person, taken) = db::transaction(&state.pool, move |conn| {
        intake::claim(conn, &me, &code, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ClaimReport {
        person_id: person.to_string(),
        help_requests: taken,
    }))
}
