//! The queue of the case worker's municipality: urgent and longest waiting first, with
//! filters, their counts, a search and pages. Read through `services::workplace::queue`,
//! which reads (and audits) as `GET /api/v1/cases` does.

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;

use super::{
    i18n::{self, Lang},
    labels,
    page::{render, Chrome, WebError},
    session::WebCaseWorker,
};
use crate::{
    db::{self, cases::CaseFilter},
    domain::{CaseStatus, Category, EscalationReason, LawDomain, Urgency},
    services::workplace,
    state::AppState,
};

/// Cases per page.
const PER_PAGE: usize = 25;

/// One option of a filter, with how many cases it would show.
pub struct FilterOption {
    value: &'static str,
    label: String,
    selected: bool,
}

/// One line of the queue.
pub struct QueueLine {
    href: String,
    number: String,
    title: Option<String>,
    domain: &'static str,
    category: &'static str,
    pc4: String,
    urgency: &'static str,
    urgent: bool,
    waiting: String,
    status: &'static str,
    handler: String,
}

/// The queue page.
#[derive(Template)]
#[template(path = "werkplek/queue.html")]
struct QueuePage {
    c: Chrome,
    domains: Vec<FilterOption>,
    categories: Vec<FilterOption>,
    reasons: Vec<FilterOption>,
    statuses: Vec<FilterOption>,
    pc4: String,
    mine: bool,
    q: String,
    found: String,
    lines: Vec<QueueLine>,
    page_label: String,
    previous: Option<String>,
    next: Option<String>,
}

/// The case number people read and type: the id's last eight characters (a version 7 id
/// starts with its time, so its start is shared by cases opened together).
pub fn case_number(id: &str) -> String {
    id.chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_uppercase()
}

/// The parsed query: the filter and the page.
struct Asked {
    filter: CaseFilter,
    mine: bool,
    page: usize,
    pairs: Vec<(String, String)>,
}

/// Reads the query; a value that is not one of the field's codes is a 400 naming it.
fn parse_query(lang: Lang, query: &str, worker: &WebCaseWorker) -> Result<Asked, WebError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
        .filter(|(k, v)| !v.is_empty() && k != "lang")
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let bad = |field: &'static str| {
        move |e: crate::domain::FieldError| WebError::refused(lang, field, &e)
    };
    let mut filter = CaseFilter {
        status: get("status")
            .map(CaseStatus::parse)
            .transpose()
            .map_err(bad("status"))?,
        domain: get("domain")
            .map(LawDomain::parse)
            .transpose()
            .map_err(bad("domain"))?,
        category: get("category")
            .map(Category::parse)
            .transpose()
            .map_err(bad("category"))?,
        reason: get("reason")
            .map(EscalationReason::parse)
            .transpose()
            .map_err(bad("reason"))?,
        ..CaseFilter::default()
    };
    if let Some(pc4) = get("pc4") {
        let valid =
            pc4.len() == 4 && pc4.bytes().all(|b| b.is_ascii_digit()) && !pc4.starts_with('0');
        if !valid {
            return Err(WebError::field(lang, "pc4", "1000–9999"));
        }
        filter.pc4 = Some(pc4.to_owned());
    }
    if let Some(q) = get("q") {
        if q.chars().count() > 100 {
            return Err(WebError::field(lang, "q", "≤ 100"));
        }
        filter.search = Some(q.to_lowercase());
    }
    let mine = get("mine").is_some();
    if mine {
        filter.assigned_to = Some(worker.id().clone());
    }
    let page = match get("page") {
        None => 1,
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| WebError::field(lang, "page", "1, 2, 3, …"))?,
    };
    Ok(Asked {
        filter,
        mine,
        page,
        pairs,
    })
}

/// The same query on another page.
fn page_href(pairs: &[(String, String)], page: usize) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(k, _)| k != "page"))
        .append_pair("page", &page.to_string())
        .finish();
    format!("/werkplek/zaken?{query}")
}

fn options<T: Copy + Ord>(
    all: &[T],
    chosen: Option<T>,
    counts: &std::collections::BTreeMap<T, i64>,
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<FilterOption> {
    all.iter()
        .map(|&v| FilterOption {
            value: code(v),
            label: format!("{} ({})", label(v), counts.get(&v).copied().unwrap_or(0)),
            selected: chosen == Some(v),
        })
        .collect()
}

/// The queue page.
#[get("/zaken")]
pub async fn show_queue(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = worker.lang;
    let asked = parse_query(lang, req.query_string(), &worker)?;
    let now = state.clock.now_naive();
    let (w, filter) = (worker.clone(), asked.filter.clone());
    let (queue, staff) = db::transaction(&state.pool, move |conn| {
        let queue = workplace::queue(conn, w.worker(), &filter, now)?;
        Ok((queue, workplace::staff_of(conn, w.worker())?))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    let t = lang.words();
    let name_of = |id: &str| {
        if id == worker.id().as_str() {
            return t.you.to_owned();
        }
        staff
            .iter()
            .find(|u| u.id.as_str() == id)
            .map_or_else(|| "—".to_owned(), |u| u.display_name.clone())
    };
    let total = queue.rows.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = asked.page.min(pages);
    let lines = queue
        .rows
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|(case, request)| QueueLine {
            href: format!("/werkplek/zaken/{}", case.id),
            number: case_number(case.id.as_str()),
            title: request.consent_municipality.then(|| request.title.clone()),
            domain: labels::domain(lang, request.domain),
            category: labels::category(lang, request.category),
            pc4: request.pc4.clone(),
            urgency: labels::urgency(lang, request.urgency),
            urgent: request.urgency == Urgency::High,
            waiting: i18n::waited(lang, (now - request.created_at).num_minutes()),
            status: labels::status(lang, case.status),
            handler: case
                .assigned_to
                .as_ref()
                .map_or_else(|| t.nobody.to_owned(), |a| name_of(a.as_str())),
        })
        .collect();
    let counts = &queue.counts;
    let f = &asked.filter;
    let page_html = QueuePage {
        c: worker.chrome(&state, t.queue_title, &req),
        domains: options(
            &LawDomain::ALL,
            f.domain,
            &counts.domain,
            LawDomain::as_str,
            |d| labels::domain(lang, d),
        ),
        categories: options(
            &Category::ALL,
            f.category,
            &counts.category,
            Category::code,
            |c| labels::category(lang, c),
        ),
        reasons: options(
            EscalationReason::ALL,
            f.reason,
            &counts.reason,
            |r| r.as_str(),
            |r| labels::reason(lang, r),
        ),
        statuses: options(
            CaseStatus::ALL,
            f.status,
            &counts.status,
            |s| s.as_str(),
            |s| labels::status(lang, s),
        ),
        pc4: f.pc4.clone().unwrap_or_default(),
        mine: asked.mine,
        q: asked
            .pairs
            .iter()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        found: i18n::case_count(lang, total),
        lines,
        page_label: i18n::page_of(lang, page, pages),
        previous: (page > 1).then(|| page_href(&asked.pairs, page - 1)),
        next: (page < pages).then(|| page_href(&asked.pairs, page + 1)),
    };
    Ok(render(StatusCode::OK, &page_html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_number_is_the_ids_random_end_in_capitals() {
        assert_eq!(
            case_number("01938c2e-7a4b-7cde-8f01-23456789abcd"),
            "6789ABCD"
        );
        assert_eq!(case_number("abc"), "ABC");
    }
}
