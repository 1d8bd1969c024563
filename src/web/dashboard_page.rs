//! The municipality's figures: the statistics `GET /municipalities/{code}/stats` gives
//! (`services::statistics::read`, one implementation), a map of the requests still waiting
//! per PC4 drawn by `services::need_map`, and a CSV download of the same figures.

use actix_web::{get, http::header, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use super::{
    i18n::Lang,
    labels,
    page::{render, Chrome, WebError},
    session::WebCaseWorker,
};
use crate::{
    db,
    domain::{Category, EscalationReason, HelpRequestStatus, LawDomain},
    services::{case_trend, need_map, statistics},
    state::AppState,
};

/// Days the dashboard covers unless asked otherwise.
const DEFAULT_DAYS: u64 = 90;

/// The dashboard page.
#[derive(Template)]
#[template(path = "werkplek/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    from: String,
    to: String,
    csv_href: String,
    totals: Vec<(&'static str, String)>,
    domains: Vec<(String, Vec<(String, u64)>)>,
    reasons: Vec<(String, u64)>,
    supply: Vec<(String, u64, u64)>,
    map: String,
    waiting: Vec<(String, u64)>,
    trend_chart: String,
    trend_domains: Vec<&'static str>,
    trend_reasons: Vec<&'static str>,
    /// Per day: the day, the total, the counts per domain and per reason (in column order).
    trend: Vec<(String, u64, Vec<u64>, Vec<u64>)>,
}

/// The period of the query: `from` and `to` (YYYY-MM-DD), by default the last 90 days.
fn period(
    lang: Lang,
    query: &str,
    municipality: &str,
    today: NaiveDate,
) -> Result<statistics::Period, WebError> {
    let mut from = today.checked_sub_days(chrono::Days::new(DEFAULT_DAYS - 1));
    let mut to = today;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        let date = || {
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_err(|_| WebError::field(lang, &key, "jjjj-mm-dd"))
        };
        match key.as_ref() {
            "from" if value.is_empty() => from = None,
            "from" => from = Some(date()?),
            "to" if !value.is_empty() => to = date()?,
            _ => {}
        }
    }
    if from.is_some_and(|f| f > to) {
        return Err(WebError::field(lang, "from", "≤ to"));
    }
    Ok(statistics::Period {
        municipality_code: municipality.to_owned(),
        from,
        to,
    })
}

/// The statistics, the requests waiting per PC4, and the case times.
type Figures = (
    statistics::MunicipalityStatistics,
    std::collections::BTreeMap<String, u64>,
    statistics::CaseTimes,
    Vec<case_trend::TrendPoint>,
);

/// Reads the figures of the worker's municipality for the period of `req`.
async fn figures(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
) -> Result<Figures, WebError> {
    let lang = worker.lang;
    let today = crate::clock::dutch_today(state.clock.now_naive());
    let period = period(lang, req.query_string(), &worker.municipality, today)?;
    db::run(&state.pool, move |conn| {
        let times = statistics::case_times(conn, &period)?;
        let trend = case_trend::read(conn, &period)?;
        let (stats, waiting) = statistics::read(conn, period)?;
        Ok((stats, waiting, times, trend))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))
}

/// The dashboard.
#[get("/cijfers")]
pub async fn show_dashboard(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let lang = worker.lang;
    let t = lang.words();
    let (stats, waiting, times, trend) = figures(&state, &worker, &req).await?;
    let percent =
        |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{:.0}%", v * 100.0));
    let duration = |h: Option<f64>| {
        h.map_or_else(
            || "—".to_owned(),
            |h| super::i18n::waited(lang, (h * 60.0) as i64),
        )
    };
    let totals = vec![
        (t.dash_requests, stats.total_requests.to_string()),
        (
            t.dash_matched,
            format!("{} ({})", stats.matched_requests, percent(stats.match_rate)),
        ),
        (t.dash_median, duration(stats.median_hours_to_match)),
        (
            t.dash_escalated,
            format!(
                "{} ({})",
                stats.escalated_requests,
                percent(stats.escalated_share)
            ),
        ),
        (t.dash_cases_opened, times.opened.to_string()),
        (t.dash_to_claim, duration(times.median_hours_to_claim)),
        (t.dash_to_resolve, duration(times.median_hours_to_resolve)),
    ];
    let domain_name = |code: &str| {
        LawDomain::parse(code).map_or(code.to_owned(), |d| labels::domain(lang, d).to_owned())
    };
    let status_name = |code: &str| {
        HelpRequestStatus::parse(code).map_or(code.to_owned(), |s| {
            labels::request_status(lang, s).to_owned()
        })
    };
    let domains = stats
        .by_domain
        .iter()
        .map(|(d, statuses)| {
            (
                domain_name(d),
                statuses.iter().map(|(s, n)| (status_name(s), *n)).collect(),
            )
        })
        .collect();
    let reasons = stats
        .escalated_by_reason
        .iter()
        .map(|(r, share)| {
            (
                EscalationReason::parse(r)
                    .map_or(r.clone(), |r| labels::reason(lang, r).to_owned()),
                share.count,
            )
        })
        .collect();
    let supply = stats
        .supply_demand
        .iter()
        .map(|s| {
            (
                Category::parse(&s.category)
                    .map_or(s.category.clone(), |c| labels::category(lang, c).to_owned()),
                s.active_offers,
                s.open_requests,
            )
        })
        .collect();
    let map = need_map::need_map(&state.gazetteer, &worker.municipality, &waiting, t.dash_map);
    let (from, to) = (
        stats.from.map(|d| d.to_string()).unwrap_or_default(),
        stats.to.to_string(),
    );
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("from", &from)
        .append_pair("to", &to)
        .finish();
    let mut waiting: Vec<(String, u64)> = waiting.into_iter().collect();
    waiting.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let page = DashboardPage {
        trend_chart: need_map::trend_chart(&trend, t.dash_trend, |d| d.format("%d-%m").to_string()),
        trend_domains: LawDomain::ALL
            .iter()
            .map(|&d| labels::domain(lang, d))
            .collect(),
        trend_reasons: EscalationReason::ALL
            .iter()
            .map(|&r| labels::reason(lang, r))
            .collect(),
        trend: trend
            .iter()
            .map(|p| {
                (
                    p.day.format("%d-%m-%Y").to_string(),
                    p.total(),
                    LawDomain::ALL
                        .iter()
                        .map(|d| p.by_domain.get(d).copied().unwrap_or(0))
                        .collect(),
                    EscalationReason::ALL
                        .iter()
                        .map(|r| p.by_reason.get(r).copied().unwrap_or(0))
                        .collect(),
                )
            })
            .collect(),
        c: worker.chrome(&state, t.dash_title, &req),
        csv_href: format!("/werkplek/cijfers.csv?{query}"),
        from,
        to,
        totals,
        domains,
        reasons,
        supply,
        map,
        waiting,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The same figures as CSV.
#[get("/cijfers.csv")]
pub async fn download_figures(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let (stats, waiting, times, trend) = figures(&state, &worker, &req).await?;
    let name = format!(
        "hulpmarkt-{}-{}-{}.csv",
        stats.municipality_code,
        stats
            .from
            .map(|d| d.to_string())
            .unwrap_or_else(|| "begin".into()),
        stats.to
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(need_map::csv(&stats, &waiting, &times, &trend)))
}
