//! The decisions on a case, posted from the case page: claim, release, hand over, take
//! over, note, resolve. Each reads its form through the session's CSRF check, calls the one
//! service the JSON API calls for it, and answers with a redirect to the case (so a reload
//! posts nothing twice). A refusal is shown on the case page itself, a lost race as "someone
//! else got there first"; bad input is a 4xx naming the field, and nothing is stored.

use actix_web::{http::StatusCode, post, web, HttpRequest, HttpResponse};

use super::{
    case_page::respond,
    form::FormData,
    i18n::Lang,
    login::see_other,
    page::{Notice, WebError},
    session::WebCaseWorker,
};
use crate::{
    db::DbConnection,
    domain::{CaseOutcome, FormalCategory, Note, TakeoverReason},
    error::AppError,
    services::{
        self,
        case_decisions::{self, Decision, Worker},
        case_handover,
        matching::Policy,
    },
    state::AppState,
};

/// Runs `work` in one write transaction as `worker`; then the case page again: after a
/// redirect when it worked, at once with the refusal when it did not.
async fn decide<F>(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
    id: String,
    done: &str,
    mut work: F,
) -> Result<HttpResponse, WebError>
where
    F: FnMut(&mut DbConnection, Worker<'_>, &Policy) -> Result<(), AppError> + Send + 'static,
{
    let w = worker.clone();
    let case = id.clone();
    let result = services::write(&state.pool, state.policy(), move |conn, policy| {
        work(conn, w.worker(), policy)
    })
    .await;
    let t = worker.lang.words();
    let (notice, status) = match result {
        Ok(()) => return Ok(see_other(&format!("/werkplek/zaken/{case}?gedaan={done}"))),
        // The service's reason is added for English readers; Dutch ones read the plain Dutch
        // sentence (and the field's Dutch name).
        Err(AppError::Conflict { detail, .. }) => (
            match worker.lang {
                Lang::Nl => t.conflict.to_owned(),
                Lang::En => format!(
                    "{} ({})",
                    t.conflict,
                    crate::i18n::render(crate::domain::Language::En, &detail)
                ),
            },
            StatusCode::CONFLICT,
        ),
        Err(AppError::Validation(fields)) => {
            let named: Vec<String> = fields
                .iter()
                .map(|f| match worker.lang {
                    Lang::Nl => super::labels::field(worker.lang, &f.field),
                    Lang::En => format!(
                        "{}: {}",
                        super::labels::field(worker.lang, &f.field),
                        crate::i18n::field_message(crate::domain::Language::En, f)
                    ),
                })
                .collect();
            (
                format!("{} {}", t.err_field, named.join("; ")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => return Err(WebError::from_app(worker.lang, other)),
    };
    respond(state, worker, req, id, Some(Notice::bad(notice)), status).await
}

/// Claims an open case.
#[post("/zaken/{id}/oppakken")]
pub async fn claim(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    worker.form(&body)?;
    let (id, now) = (id.into_inner(), state.clock.now_naive());
    let case = id.clone();
    decide(
        &state,
        &worker,
        &req,
        id,
        "case.claim",
        move |conn, w, _| case_decisions::claim(conn, &case, w, now).map(drop),
    )
    .await
}

/// Puts a case the worker holds back in the queue.
#[post("/zaken/{id}/terugzetten")]
pub async fn release(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    worker.form(&body)?;
    let (id, now) = (id.into_inner(), state.clock.now_naive());
    let case = id.clone();
    decide(
        &state,
        &worker,
        &req,
        id,
        "case.release",
        move |conn, w, _| case_handover::release(conn, &case, w, now).map(drop),
    )
    .await
}

/// The value of a required field (400 naming it when missing).
fn required<'a>(
    worker: &WebCaseWorker,
    form: &'a FormData,
    name: &str,
) -> Result<&'a str, WebError> {
    form.filled(name).ok_or_else(|| {
        WebError::field(worker.lang, name, worker.lang.pick("verplicht", "required"))
    })
}

/// Hands a case the worker holds to a colleague.
#[post("/zaken/{id}/overdragen")]
pub async fn hand_over(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = worker.form(&body)?;
    let to = required(&worker, &form, "to")?.to_owned();
    let (id, now) = (id.into_inner(), state.clock.now_naive());
    let case = id.clone();
    decide(
        &state,
        &worker,
        &req,
        id,
        "case.handover",
        move |conn, w, policy| {
            case_handover::handover(conn, &case, w, &to, policy.channels, now).map(drop)
        },
    )
    .await
}

/// Takes over a case a colleague holds, naming the holder as read and a reason.
#[post("/zaken/{id}/overnemen")]
pub async fn take_over(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = worker.form(&body)?;
    let from = required(&worker, &form, "from")?.to_owned();
    let reason = TakeoverReason::parse(required(&worker, &form, "reason")?)
        .map_err(|e| WebError::refused(worker.lang, "reason", &e))?;
    let (id, now) = (id.into_inner(), state.clock.now_naive());
    let case = id.clone();
    decide(
        &state,
        &worker,
        &req,
        id,
        "case.takeover",
        move |conn, w, policy| {
            case_handover::takeover(conn, &case, w, &from, reason, policy.channels, now).map(drop)
        },
    )
    .await
}

/// Adds a note.
#[post("/zaken/{id}/notities")]
pub async fn add_note(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = worker.form(&body)?;
    let note = Note::parse(required(&worker, &form, "body")?)
        .map_err(|e| WebError::refused(worker.lang, "body", &e))?;
    let (id, now) = (id.into_inner(), state.clock.now_naive());
    let case = id.clone();
    decide(&state, &worker, &req, id, "case.note", move |conn, w, _| {
        case_decisions::add_note(conn, &case, w, note.clone(), now).map(drop)
    })
    .await
}

/// The decision a resolve form carries, parsed as `POST /cases/{id}/resolve` parses its
/// body (the service checks what each outcome needs).
fn decision(worker: &WebCaseWorker, form: &FormData) -> Result<Decision, WebError> {
    let lang = worker.lang;
    let bad = |field: &str, message: &str| WebError::field(lang, field, message);
    let outcome = CaseOutcome::parse(required(worker, form, "outcome")?)
        .map_err(|e| WebError::refused(lang, "outcome", &e))?;
    let formal_category = form
        .filled("formal_category")
        .map(FormalCategory::parse)
        .transpose()
        .map_err(|e| WebError::refused(lang, "formal_category", &e))?;
    let instrument = form.filled("instrument").map(str::to_owned);
    if instrument.as_ref().is_some_and(|i| i.chars().count() > 200) {
        return Err(bad("instrument", "1–200"));
    }
    let max_distance_km = form
        .filled("max_distance_km")
        .map(|v| v.replace(',', ".").parse::<f64>())
        .transpose()
        .map_err(|_| bad("max_distance_km", "1–100"))?;
    let note = form
        .filled("note")
        .map(Note::parse)
        .transpose()
        .map_err(|e| WebError::refused(lang, "note", &e))?;
    Ok(Decision {
        outcome,
        offer_id: form.filled("offer_id").map(str::to_owned),
        formal_category,
        instrument,
        max_distance_km,
        note,
    })
}

/// Resolves a case the worker holds, with one outcome.
#[post("/zaken/{id}/afronden")]
pub async fn resolve(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = worker.form(&body)?;
    let decision = decision(&worker, &form)?;
    let (id, now) = (id.into_inner(), state.clock.now_naive());
    let case = id.clone();
    decide(
        &state,
        &worker,
        &req,
        id,
        "case.resolve",
        move |conn, w, policy| {
            case_decisions::resolve(conn, &case, w, decision.clone(), now, policy).map(drop)
        },
    )
    .await
}
