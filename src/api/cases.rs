//! Municipal cases: a case worker's queue, reading a case, claiming, notes, resolving, and the
//! case's audit trail. A case worker sees the cases of their own municipality only; any
//! other case is 404. Every read and decision is written to the audit log.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    case_views::{CaseNoteView, CaseSummary, CaseView},
    extract::{Json, Query},
    help_requests::parse_param,
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::{Caller, CaseWorker},
    db::{self, audit::AuditEntry, cases::CaseFilter, DbConnection},
    domain::{
        CaseOutcome, CaseStatus, Category, EscalationReason, FormalCategory, LawDomain, Note, Role,
    },
    error::{AppError, Problem},
    services::{
        case_decisions::{self, Decision, Worker},
        case_file,
    },
    state::AppState,
};

/// Filters and paging of the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseListQuery {
    /// Only cases with this status (`open`, `in_progress`, `resolved`); default: every
    /// unresolved case.
    #[param(value_type = Option<crate::domain::CaseStatus>)]
    pub status: Option<String>,
    /// Only requests in this law domain.
    #[param(value_type = Option<crate::domain::LawDomain>)]
    pub domain: Option<String>,
    /// Only requests in this category.
    #[param(value_type = Option<crate::domain::Category>)]
    pub category: Option<String>,
    /// Only cases with this escalation reason.
    #[param(value_type = Option<crate::domain::EscalationReason>)]
    pub reason: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A note on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseNoteBody {
    /// The note, 1–1 000 characters, not only white space.
    #[schema(value_type = String, pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(?:[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000](?:(?:\r\n|[^\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]){0,998}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000])?)[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#)]
    pub body: Note,
}

/// A case decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveCaseBody {
    /// The outcome.
    pub outcome: CaseOutcome,
    /// For `assigned_volunteer`: the offer whose volunteer gets the request as a proposal to
    /// accept or decline.
    #[schema(format = Uuid)]
    pub offer_id: Option<String>,
    /// For `referred_formal` on a Wmo (iWmo) or Jeugdwet (iJw) request.
    pub formal_category: Option<FormalCategory>,
    /// For `referred_formal` on a Participatiewet request: the instrument, 1–200 characters.
    #[schema(example = "Werkfit-traject via het Werkgeversservicepunt")]
    pub instrument: Option<String>,
    /// For `returned_to_marketplace`: a wider maximum distance, km (at most 100).
    pub max_distance_km: Option<f64>,
    /// Explanation for the resident, shown with the outcome; required for `closed`.
    pub note: Option<Note>,
}

pub(super) fn worker(w: &CaseWorker) -> Worker<'_> {
    Worker {
        id: &w.caller.user_id,
        municipality: &w.municipality,
    }
}

/// The case view of `case_id` for a case worker of `municipality`.
pub(super) fn read_view(
    conn: &mut DbConnection,
    case_id: &str,
    municipality: &str,
    now: chrono::NaiveDateTime,
    live: &crate::services::live_offers::LiveOffers,
    lang: crate::domain::Language,
) -> Result<CaseView, AppError> {
    let case = case_file::case_of(conn, case_id, municipality)?;
    CaseView::new(
        case_file::load_for(conn, case, municipality, now, live)?,
        now,
        lang,
    )
}

/// The queue of the caller's municipality: most urgent first, then longest waiting.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])),
    params(CaseListQuery),
    responses((status = 200, description = "One page of the queue", body = Paginated<CaseSummary>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caseworker: CaseWorker,
    query: Query<CaseListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.0;
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .parse()?;
    let mut errors = Vec::new();
    let filter = CaseFilter {
        status: parse_param(q.status.as_deref(), CaseStatus::parse, &mut errors),
        domain: parse_param(q.domain.as_deref(), LawDomain::parse, &mut errors),
        category: parse_param(q.category.as_deref(), Category::parse, &mut errors),
        reason: parse_param(q.reason.as_deref(), EscalationReason::parse, &mut errors),
        ..CaseFilter::default()
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now_naive();
    let rows = db::transaction(&state.pool, move |conn| {
        let (worker, municipality) = (&caseworker.caller.user_id, &caseworker.municipality);
        crate::services::staff::read_queue(conn, worker, municipality, &filter, now)
    })
    .await?;
    let mut items = rows
        .into_iter()
        .map(|(case, request)| CaseSummary::new(case, request, now))
        .collect::<Result<Vec<_>, _>>()?;
    items.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(a.waiting_since.cmp(&b.waiting_since))
            .then(a.id.cmp(&b.id))
    });
    Ok(HttpResponse::Ok().json(page.slice(items)))
}

/// Reads a case of the caller's municipality (audited).
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "The case", body = CaseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caseworker: CaseWorker,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (now, live) = (state.clock.now_naive(), state.live_offers.clone());
    crate::services::offers_loaded(&state.pool, &live).await?;
    let view = db::transaction(&state.pool, move |conn| {
        CaseView::new(
            case_file::read(conn, &id, worker(&caseworker), now, &live)?,
            now,
            lang,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Claims an open case: it becomes `in_progress`, assigned to the caller.
#[utoipa::path(post, path = "/api/v1/cases/{id}/claim", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Claimed", body = CaseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is not open", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/claim")]
pub async fn claim_case(
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
        case_decisions::claim(conn, &id, w, now)?;
        read_view(conn, &id, w.municipality, now, &live, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Adds a note to a case of the caller's municipality.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = CaseNoteBody,
    responses((status = 201, description = "Note added", body = CaseNoteView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or longer than 1 000 characters", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/notes")]
pub async fn add_case_note(
    state: web::Data<AppState>,
    caseworker: CaseWorker,
    id: web::Path<String>,
    body: Json<CaseNoteBody>,
) -> Result<HttpResponse, AppError> {
    let note = body.0.body;
    if note.as_str().is_empty() {
        return Err(AppError::field(
            crate::domain::FieldError::new("body", crate::msg!("field-note-empty"))
                .code(crate::domain::FieldErrorCode::Required),
        ));
    }
    let now = state.clock.now_naive();
    let stored = db::transaction(&state.pool, move |conn| {
        case_decisions::add_note(conn, &id, worker(&caseworker), note.clone(), now)
    })
    .await?;
    Ok(HttpResponse::Created().json(CaseNoteView::from(stored)))
}

/// Resolves a case the caller has claimed, with one outcome; resolved cases are final.
#[utoipa::path(post, path = "/api/v1/cases/{id}/resolve", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = ResolveCaseBody,
    responses((status = 200, description = "Resolved", body = CaseView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not claimed by you, already resolved, or the volunteer has no capacity left", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field the outcome needs is missing or invalid (the offer fails the category, VOG or activity rules)", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/resolve")]
pub async fn resolve_case(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caseworker: CaseWorker,
    id: web::Path<String>,
    body: Json<ResolveCaseBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    if let Some(instrument) = &body.instrument {
        let length = instrument.trim().chars().count();
        if length == 0 || length > 200 {
            return Err(AppError::field(
                crate::domain::FieldError::of(
                    "instrument",
                    crate::domain::FieldErrorCode::OutOfRange,
                )
                .param("min", 1)
                .param("max", 200),
            ));
        }
    }
    let decision = Decision {
        outcome: body.outcome,
        offer_id: body.offer_id,
        formal_category: body.formal_category,
        instrument: body.instrument,
        max_distance_km: body.max_distance_km,
        note: body.note,
    };
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let w = worker(&caseworker);
        case_decisions::resolve(conn, &id, w, decision.clone(), now, policy)?;
        read_view(conn, &id, w.municipality, now, &policy.offers, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The audit trail of a case and its request: admins, and case workers of its municipality.
#[utoipa::path(get, path = "/api/v1/cases/{id}/audit", tag = "cases", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), PageParams),
    responses((status = 200, description = "One page of audit entries, oldest first", body = Paginated<AuditEntry>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case in your municipality", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}/audit")]
pub async fn list_case_audit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    paging: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = paging.0.parse()?;
    let role = if caller.has(Role::Admin) {
        "admin"
    } else if caller.has(Role::CaseWorker) {
        "case_worker"
    } else {
        return Err(AppError::Forbidden("forbidden-staff-only"));
    };
    let now = state.clock.now_naive();
    let entries = db::transaction(&state.pool, move |conn| {
        use crate::services::staff::{read_audit_trail, Reader};
        let reader = match (role, &caller.municipality) {
            ("admin", _) => Reader::Admin,
            (_, Some(municipality)) => Reader::CaseWorker(municipality),
            _ => return Err(AppError::NotFound("not-found-case")),
        };
        read_audit_trail(conn, &id, &caller.user_id, reader, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page.slice(entries)))
}
