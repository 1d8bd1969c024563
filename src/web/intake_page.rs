//! Requests recorded for residents who are not online: the municipality's list of them, one
//! request with the volunteers' details to pass on, withdrawing it at the resident's wish,
//! and the one-time code with which the resident takes it into an account of their own.
//! Each calls the service `/api/v1/intake/…` calls and renders the API's own view, so the
//! reading is audited (`help_request.read_recorded`) exactly as through the API.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;

use super::{
    case_view::when,
    intake_words::{self, Words},
    labels,
    login::see_other,
    page::{render, Chrome, Notice, WebError},
    session::WebCaseWorker,
};
use crate::{
    api::{intake::recorded_view, pagination::PageParams},
    db,
    domain::{ConsentWay, HelpRequestId, HelpRequestStatus, MatchStatus},
    services::intake,
    state::AppState,
};

/// Requests per page.
const PER_PAGE: u32 = 25;

/// An option of the status filter.
pub struct StatusOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// One line of the list.
pub struct IntakeLine {
    href: String,
    person: String,
    title: String,
    category: &'static str,
    status: &'static str,
    recorded: String,
}

/// The list page.
#[derive(Template)]
#[template(path = "werkplek/intake_list.html")]
struct ListPage {
    c: Chrome,
    w: &'static Words,
    statuses: Vec<StatusOption>,
    lines: Vec<IntakeLine>,
    page_label: String,
    previous: Option<String>,
    next: Option<String>,
}

/// How the resident consented, as people say it.
pub fn consent_way(w: &Words, way: ConsentWay) -> &'static str {
    match way {
        ConsentWay::Phone => w.via_phone,
        ConsentWay::Paper => w.via_paper,
        ConsentWay::InPerson => w.via_in_person,
    }
}

/// The recorded requests of the case worker's municipality, newest first, by status.
#[get("/aanvragen")]
pub async fn show_list(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = worker.lang;
    let (mut status, mut page) = (None, 1_u32);
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        match &*k {
            "status" if v.is_empty() => {}
            "status" => {
                let parsed = HelpRequestStatus::parse(&v);
                status = Some(parsed.map_err(|e| WebError::refused(lang, "status", &e))?);
            }
            "pagina" => page = v.parse().map_err(|_| WebError::field(lang, "page", ""))?,
            _ => {}
        }
    }
    let paging = PageParams {
        page: Some(page),
        per_page: Some(PER_PAGE),
    }
    .parse()
    .map_err(|e| WebError::from_app(lang, e))?;
    let (municipality, language) = (worker.municipality.clone(), super::page::language(lang));
    let (rows, total) = db::run(&state.pool, move |conn| {
        let (rows, total) =
            db::people::recorded_in(conn, &municipality, status, paging.offset(), paging.limit())?;
        let views = rows
            .into_iter()
            .map(|row| crate::api::help_requests::view_with_outcome(conn, row, language))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((views, total))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    let w = intake_words::of(lang);
    let lines = rows
        .into_iter()
        .map(|v| IntakeLine {
            href: format!("/werkplek/aanvragen/{}", v.id),
            person: v
                .for_person
                .as_ref()
                .map_or_else(|| "—".to_owned(), |p| p.person.name.clone()),
            title: v.title.clone(),
            category: labels::category(lang, v.category),
            status: labels::request_status(lang, v.status),
            recorded: when(v.created_at),
        })
        .collect();
    let pages = u32::try_from(total)
        .unwrap_or(u32::MAX)
        .div_ceil(PER_PAGE)
        .max(1);
    let link = |p: u32| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(s) = status {
            q.append_pair("status", s.as_str());
        }
        format!(
            "/werkplek/aanvragen?{}",
            q.append_pair("pagina", &p.to_string()).finish()
        )
    };
    let page_html = ListPage {
        c: worker.chrome(&state, w.list_title, &req),
        w,
        statuses: HelpRequestStatus::ALL
            .iter()
            .map(|&s| StatusOption {
                value: s.as_str(),
                label: labels::request_status(lang, s),
                selected: status == Some(s),
            })
            .collect(),
        lines,
        page_label: super::i18n::page_of(lang, page as usize, pages as usize),
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    };
    Ok(render(StatusCode::OK, &page_html))
}

/// A volunteer's proposal or match on the request page.
pub struct VolunteerLine {
    status: &'static str,
    proposed: String,
    /// Name, phone and e-mail: from acceptance on only (the API's rule).
    contact: Option<(String, String, String)>,
}

/// The page of one recorded request.
#[derive(Template)]
#[template(path = "werkplek/intake_request.html")]
struct RequestPage {
    c: Chrome,
    w: &'static Words,
    notice: Option<Notice>,
    id: String,
    facts: Vec<(&'static str, String)>,
    title: String,
    description: String,
    volunteers: Vec<VolunteerLine>,
    pass_on: bool,
    can_cancel: bool,
    can_make_code: bool,
}

/// One recorded request of the municipality (audited as through the API).
#[get("/aanvragen/{id}")]
pub async fn show_request(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let w = intake_words::of(worker.lang);
    let notice = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "gedaan")
        .and_then(|(_, v)| match &*v {
            "opgenomen" => Some(Notice::ok(w.recorded_ok)),
            "ingetrokken" => Some(Notice::ok(w.cancelled_ok)),
            _ => None,
        });
    respond(&state, &worker, &req, id.into_inner(), notice).await
}

async fn respond(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
    id: String,
    notice: Option<Notice>,
) -> Result<HttpResponse, WebError> {
    let (lang, now) = (worker.lang, state.clock.now_naive());
    let (me, request_id) = (worker.id().clone(), HelpRequestId::parse(&id));
    let view = db::transaction(&state.pool, move |conn| {
        let row = intake::read_recorded(conn, &me, &request_id, now)?;
        recorded_view(conn, row, super::page::language(lang))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    let (w, t) = (intake_words::of(lang), lang.words());
    let r = &view.request;
    let mut facts = vec![(
        t.f_status,
        labels::request_status(lang, r.status).to_owned(),
    )];
    if let Some(p) = &r.for_person {
        facts.push((w.col_person, p.person.name.clone()));
        facts.push((
            w.l_phone.trim_end_matches(" *"),
            p.person.phone.clone().unwrap_or_default(),
        ));
        if let Some(address) = &p.person.address_line {
            facts.push((w.l_address, address.clone()));
        }
        facts.push((w.l_consent_via, consent_way(w, p.consent_via).to_owned()));
        facts.push((w.l_recorded_at, when(p.consent_recorded_at)));
    }
    facts.extend([
        (t.f_domain, labels::domain(lang, r.domain).to_owned()),
        (t.f_category, labels::category(lang, r.category).to_owned()),
        (t.col_pc4, r.pc4.clone()),
        (t.col_urgency, labels::urgency(lang, r.urgency).to_owned()),
    ]);
    let volunteers: Vec<VolunteerLine> = view
        .matches
        .iter()
        .map(|m| VolunteerLine {
            status: labels::match_status(lang, m.status),
            proposed: when(m.proposed_at),
            contact: m.contact.as_ref().map(|c| {
                let (phone, email) = (c.phone.clone(), c.email.clone());
                (
                    c.display_name.clone(),
                    phone.unwrap_or_default(),
                    email.unwrap_or_default(),
                )
            }),
        })
        .collect();
    use HelpRequestStatus::{Escalated, Matched, Open, Proposed};
    let page = RequestPage {
        c: worker.chrome(
            state,
            &format!("{} {}", w.request_title, facts_name(&view)),
            req,
        ),
        w,
        notice,
        pass_on: view
            .matches
            .iter()
            .any(|m| m.status == MatchStatus::Accepted),
        can_cancel: matches!(r.status, Open | Proposed | Matched | Escalated),
        can_make_code: r.for_person.is_some(),
        title: r.title.clone(),
        description: r.description.clone(),
        volunteers,
        facts,
        id,
    };
    Ok(render(StatusCode::OK, &page))
}

fn facts_name(view: &crate::api::intake::RecordedRequestView) -> String {
    view.request
        .for_person
        .as_ref()
        .map_or_else(String::new, |p| p.person.name.clone())
}

/// Withdraws a recorded request at the resident's wish.
#[post("/aanvragen/{id}/intrekken")]
pub async fn cancel(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    worker.form(&body)?;
    let (lang, now, channels) = (worker.lang, state.clock.now_naive(), state.channels());
    let id = id.into_inner();
    let (me, municipality) = (worker.id().clone(), worker.municipality.clone());
    let request_id = HelpRequestId::parse(&id);
    db::transaction(&state.pool, move |conn| {
        intake::cancel_recorded(conn, &me, &municipality, &request_id, now, channels)
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    Ok(see_other(&format!(
        "/werkplek/aanvragen/{id}?gedaan=ingetrokken"
    )))
}

/// The page that shows a new claim code, once.
#[derive(Template)]
#[template(path = "werkplek/intake_code.html")]
struct CodePage {
    c: Chrome,
    w: &'static Words,
    back: String,
    code: String,
    valid_until: String,
}

/// Makes a one-time claim code for the person of a recorded request and shows it once.
#[post("/aanvragen/{id}/code")]
pub async fn make_code(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    worker.form(&body)?;
    let (lang, now) = (worker.lang, state.clock.now_naive());
    let id = id.into_inner();
    let (me, request_id) = (worker.id().clone(), HelpRequestId::parse(&id));
    let (code, expires) = db::transaction(&state.pool, move |conn| {
        let row = intake::recorded_request(conn, &me, &request_id)?;
        let person = db::people::of_request(conn, row.id.as_str())?.map(|(_, p)| p.id);
        intake::issue_claim_code(conn, &me, &person, now)
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    let w = intake_words::of(lang);
    let page = CodePage {
        c: worker.chrome(&state, w.code_title, &req),
        w,
        back: format!("/werkplek/aanvragen/{id}"),
        code: code.to_string(),
        valid_until: when(expires.and_utc()),
    };
    Ok(render(StatusCode::CREATED, &page))
}
