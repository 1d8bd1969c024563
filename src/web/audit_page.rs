//! The audit trail of a case, as `GET /api/v1/cases/{id}/audit` gives it to a case worker of
//! its municipality (`staff::read_audit_trail`, which records the reading itself).

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;

use super::{
    case_view::when,
    labels,
    page::{render, Chrome, WebError},
    queue_page::case_number,
    session::WebCaseWorker,
};
use crate::{db, services::workplace, state::AppState};

/// One entry.
pub struct AuditLine {
    when: String,
    who: String,
    role: &'static str,
    what: String,
    detail: String,
}

/// The audit page.
#[derive(Template)]
#[template(path = "werkplek/audit.html")]
struct AuditPage {
    c: Chrome,
    case_href: String,
    lines: Vec<AuditLine>,
}

/// The audit trail of case `id`.
#[get("/zaken/{id}/logboek")]
pub async fn show_audit(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let (lang, now, id) = (worker.lang, state.clock.now_naive(), id.into_inner());
    let (w, case) = (worker.clone(), id.clone());
    let (entries, staff) = db::transaction(&state.pool, move |conn| {
        let entries = workplace::audit_trail(conn, &case, w.worker(), now)?;
        Ok((entries, workplace::staff_of(conn, w.worker())?))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    let t = lang.words();
    let lines = entries
        .into_iter()
        .map(|e| {
            let who = match &e.actor_id {
                Some(a) if a == worker.id().as_str() => t.you.to_owned(),
                // Staff by name; residents and volunteers by their role only.
                Some(a) => staff
                    .iter()
                    .find(|u| u.id.as_str() == a)
                    .map_or_else(|| "—".to_owned(), |u| u.display_name.clone()),
                None => t.system.to_owned(),
            };
            AuditLine {
                when: when(e.occurred_at.and_utc()),
                who,
                role: labels::actor_role(lang, &e.actor_role),
                what: labels::action(lang, &e.action),
                detail: e.detail.unwrap_or_default(),
            }
        })
        .collect();
    let title = format!("{} {}", t.audit_title, case_number(&id));
    let page = AuditPage {
        c: worker.chrome(&state, &title, &req),
        case_href: format!("/werkplek/zaken/{id}"),
        lines,
    };
    Ok(render(StatusCode::OK, &page))
}
