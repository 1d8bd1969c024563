//! One case: the request as far as the resident's consent allows (the JSON API's
//! `CaseView`, which applies that rule), its history, the relaxed suggestions, the notes, and
//! the forms of every decision. Read with `case_file::read`, audited as `case.read` exactly
//! as `GET /api/v1/cases/{id}` is.

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;

use super::{
    case_view::{view_model, CaseModel},
    i18n::Lang,
    labels,
    page::{render, Chrome, Notice, WebError},
    queue_page::case_number,
    session::WebCaseWorker,
};
use crate::{
    api::case_views::CaseView,
    db,
    domain::{FormalCategory, FormalStandard, LawDomain, TakeoverReason},
    services::{case_file, workplace},
    state::AppState,
};

/// An option of a select.
pub struct Choice {
    /// The submitted value.
    pub value: String,
    /// What people read.
    pub label: String,
}

/// The case page.
#[derive(Template)]
#[template(path = "werkplek/case.html")]
struct CasePage {
    c: Chrome,
    notice: Option<Notice>,
    m: CaseModel,
    colleagues: Vec<Choice>,
    takeover_reasons: Vec<Choice>,
    formal: Vec<Choice>,
    instruments: Vec<Choice>,
    offers: Vec<Choice>,
}

/// The referral choices of `domain`: the iWmo or iJw categories with their labels, or for the
/// Participatiewet its common instruments.
fn referral_choices(domain: LawDomain) -> (Vec<Choice>, Vec<Choice>) {
    let standard = match domain {
        LawDomain::Wmo => Some(FormalStandard::Iwmo),
        LawDomain::Jeugdwet => Some(FormalStandard::Ijw),
        LawDomain::Participatiewet => None,
    };
    let formal = FormalCategory::ALL
        .iter()
        .filter(|f| Some(f.standard) == standard)
        .map(|f| Choice {
            value: f.key(),
            label: format!("{} {}: {}", f.standard.name(), f.code, f.label),
        })
        .collect();
    let instruments = match standard {
        Some(_) => Vec::new(),
        None => labels::INSTRUMENTS
            .iter()
            .map(|i| Choice {
                value: (*i).to_owned(),
                label: (*i).to_owned(),
            })
            .collect(),
    };
    (formal, instruments)
}

/// Reads case `id` (audited) and renders it with `notice` and `status`: the page after a
/// GET, and after a decision the service refused (a lost race is said as such).
pub async fn respond(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
    id: String,
    notice: Option<Notice>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let lang = worker.lang;
    let now = state.clock.now_naive();
    let (w, live) = (worker.clone(), state.live_offers.clone());
    crate::services::offers_loaded(&state.pool, &live)
        .await
        .map_err(|e| WebError::from_app(lang, e))?;
    let (view, staff) = db::transaction(&state.pool, move |conn| {
        let file = case_file::read(conn, &id, w.worker(), now, &live)?;
        let view = CaseView::new(file, now, super::page::language(lang))?;
        Ok((view, workplace::staff_of(conn, w.worker())?))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    Ok(render(
        status,
        &page(state, worker, req, view, &staff, notice),
    ))
}

fn page(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
    view: CaseView,
    staff: &[crate::db::users::User],
    notice: Option<Notice>,
) -> CasePage {
    let lang = worker.lang;
    let t = lang.words();
    let colleagues = workplace::colleagues(staff, worker.id())
        .into_iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.display_name,
        })
        .collect();
    let takeover_reasons = TakeoverReason::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: labels::takeover(lang, *r).to_owned(),
        })
        .collect();
    let (formal, instruments) = referral_choices(view.request.domain);
    let offers = view
        .suggestions
        .iter()
        .map(|s| Choice {
            value: s.offer_id.clone(),
            label: offer_label(lang, s),
        })
        .collect();
    let title = format!("{} {}", t.case_title, case_number(&view.id));
    let m = view_model(lang, worker, staff, view, state.clock.now_naive());
    CasePage {
        c: worker.chrome(state, &title, req),
        notice,
        m,
        colleagues,
        takeover_reasons,
        formal,
        instruments,
        offers,
    }
}

/// How an offer reads in the assignment's select: its categories, area and distance.
fn offer_label(lang: Lang, s: &crate::api::case_views::SuggestionView) -> String {
    let what = s.offer.as_ref().map_or_else(String::new, |o| {
        let names: Vec<String> = o
            .categories
            .iter()
            .map(|c| labels::category_code(lang, c))
            .collect();
        format!("{}, {} ", names.join(", "), o.pc4)
    });
    format!("{what}({:.1} km)", s.distance_km)
}

/// The case page.
#[get("/zaken/{id}")]
pub async fn show_case(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let done = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "gedaan")
        .map(|(_, v)| labels::action(worker.lang, &v))
        // Only the actions the workplace names: a link cannot make the page say anything.
        .filter(|named| !named.contains('.'))
        .map(|named| Notice::ok(format!("{} {named}", worker.lang.words().done)));
    respond(&state, &worker, &req, id.into_inner(), done, StatusCode::OK).await
}
