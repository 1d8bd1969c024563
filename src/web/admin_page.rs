//! For admins who work in the workplace (an admin who is also a case worker of the
//! municipality): the municipality's settings, saved through the service
//! `PUT /municipalities/{code}/settings` uses (checked by the same rules, audited), and the
//! staff of the municipality. Anyone else is answered 404, as if the page did not exist.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;

use super::{
    login::see_other,
    page::{render, Chrome, Failure, Notice, WebError},
    session::WebCaseWorker,
};
use crate::{
    api::municipality_settings::MunicipalitySettingsBody,
    db::{self, municipality_settings::MunicipalitySettings},
    error::AppError,
    services::{staff, staff_lifecycle, workplace},
    state::AppState,
};

/// One number field of the settings form.
pub struct NumberField {
    name: &'static str,
    label: &'static str,
    value: String,
    max: i32,
}

/// One member of staff.
pub struct StaffLine {
    id: String,
    /// Whether this is the admin themself (who cannot switch their own account off).
    me: bool,
    deactivated: bool,
    name: String,
    email: String,
    roles: String,
    active: &'static str,
}

/// The admin page.
#[derive(Template)]
#[template(path = "werkplek/admin.html")]
struct AdminPage {
    c: Chrome,
    notice: Option<Notice>,
    fields: Vec<NumberField>,
    details_in_notifications: bool,
    staff: Vec<StaffLine>,
}

fn admin_only(worker: &WebCaseWorker) -> Result<(), WebError> {
    if worker.user.is_admin {
        Ok(())
    } else {
        Err(WebError::new(worker.lang, Failure::NotFound))
    }
}

/// Renders the page with `notice`; `shown` are the values to show (the stored ones, or a
/// refused form's).
async fn respond(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
    shown: Option<MunicipalitySettingsBody>,
    notice: Option<Notice>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let (lang, w) = (worker.lang, worker.clone());
    let (settings, people) = db::run(&state.pool, move |conn| {
        let settings = db::municipality_settings::effective(conn, &w.municipality)?;
        Ok((settings, workplace::staff_of(conn, w.worker())?))
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    let t = lang.words();
    let s = shown.unwrap_or(MunicipalitySettingsBody {
        grace_hours_normal: settings.grace_hours_normal,
        grace_hours_high: settings.grace_hours_high,
        vog_max_age_months: settings.vog_max_age_months,
        retention_months: settings.retention_months,
        case_alert_hours: settings.case_alert_hours,
        details_in_notifications: settings.details_in_notifications,
        daily_proposal_cap: settings.daily_proposal_cap,
        participating: settings.participating,
    });
    let field = |name, label, value: i32, max| NumberField {
        name,
        label,
        value: value.to_string(),
        max,
    };
    let fields = vec![
        field(
            "grace_hours_normal",
            t.set_grace_normal,
            s.grace_hours_normal,
            720,
        ),
        field(
            "grace_hours_high",
            t.set_grace_high,
            s.grace_hours_high,
            720,
        ),
        field(
            "case_alert_hours",
            t.set_case_alert,
            s.case_alert_hours,
            720,
        ),
        field("vog_max_age_months", t.set_vog, s.vog_max_age_months, 120),
        field("retention_months", t.set_retention, s.retention_months, 120),
    ];
    let staff = people
        .into_iter()
        .map(|u| StaffLine {
            roles: [
                (u.is_case_worker, t.role_case_worker),
                (u.is_admin, t.role_admin),
            ]
            .iter()
            .filter(|(has, _)| *has)
            .map(|(_, name)| *name)
            .collect::<Vec<_>>()
            .join(", "),
            active: if u.deactivated_at.is_none() {
                t.yes
            } else {
                t.no
            },
            me: &u.id == worker.id(),
            deactivated: u.deactivated_at.is_some(),
            id: u.id.to_string(),
            name: u.display_name,
            email: u.email,
        })
        .collect();
    let page = AdminPage {
        c: worker.chrome(state, t.admin_title, req),
        notice,
        fields,
        details_in_notifications: s.details_in_notifications,
        staff,
    };
    Ok(render(status, &page))
}

/// The settings and the staff.
#[get("/beheer")]
pub async fn show_admin(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    admin_only(&worker)?;
    let saved = req.query_string().contains("opgeslagen=1");
    let notice = saved.then(|| Notice::ok(worker.lang.words().done));
    respond(&state, &worker, &req, None, notice, StatusCode::OK).await
}

/// Saves the settings (the service of `PUT /municipalities/{code}/settings`, audited).
#[post("/beheer/instellingen")]
pub async fn save_settings(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    admin_only(&worker)?;
    let form = worker.form(&body)?;
    let lang = worker.lang;
    let number = |name: &'static str| -> Result<i32, WebError> {
        form.filled(name)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| WebError::field(lang, name, "1, 2, 3, …"))
    };
    let stored = {
        let code = worker.municipality.clone();
        db::run(&state.pool, move |conn| {
            Ok(db::municipality_settings::effective(conn, &code)?)
        })
        .await
        .map_err(|e| WebError::from_app(lang, e))?
    };
    let body = MunicipalitySettingsBody {
        grace_hours_normal: number("grace_hours_normal")?,
        grace_hours_high: number("grace_hours_high")?,
        vog_max_age_months: number("vog_max_age_months")?,
        retention_months: number("retention_months")?,
        case_alert_hours: number("case_alert_hours")?,
        details_in_notifications: form.get("details_in_notifications").is_some(),
        // Not on this form: kept as they are.
        daily_proposal_cap: stored.daily_proposal_cap,
        participating: stored.participating,
    };
    if let Err(AppError::Validation(fields)) = body.validate() {
        let t = lang.words();
        let named: Vec<String> = fields
            .iter()
            .map(|f| super::labels::field(lang, &f.field))
            .collect();
        let notice = Notice::bad(format!("{} {}", t.err_field, named.join(", ")));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return respond(&state, &worker, &req, Some(body), Some(notice), status).await;
    }
    let now = state.clock.now_naive();
    let settings = MunicipalitySettings {
        municipality_code: worker.municipality.clone(),
        grace_hours_normal: body.grace_hours_normal,
        grace_hours_high: body.grace_hours_high,
        vog_max_age_months: body.vog_max_age_months,
        retention_months: body.retention_months,
        updated_at: now,
        updated_by: Some(worker.id().clone()),
        case_alert_hours: body.case_alert_hours,
        details_in_notifications: body.details_in_notifications,
        daily_proposal_cap: body.daily_proposal_cap,
        participating: body.participating,
    };
    let admin = worker.id().clone();
    db::transaction(&state.pool, move |conn| {
        staff::save_municipality_settings(conn, &settings, &admin, now)
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    Ok(see_other("/werkplek/beheer?opgeslagen=1"))
}

/// Switches a member of the municipality's staff off (`uitzetten`: they cannot sign in, their
/// sessions end at once, their cases go back to the queue) or on again (`aanzetten`), through
/// the services of `POST /api/v1/users/{id}/deactivate` and `…/reactivate` (audited). Staff of
/// another municipality are 404, as if they did not exist.
#[post("/beheer/medewerkers/{id}/{action}")]
pub async fn switch_staff(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    admin_only(&worker)?;
    worker.form(&body)?;
    let (lang, now) = (worker.lang, state.clock.now_naive());
    let (id, action) = path.into_inner();
    let on = match action.as_str() {
        "aanzetten" => true,
        "uitzetten" => false,
        _ => return Err(WebError::new(lang, Failure::NotFound)),
    };
    let id = crate::domain::UserId::parse(&id).ok_or(WebError::new(lang, Failure::NotFound))?;
    let (admin, municipality) = (worker.id().clone(), worker.municipality.clone());
    let result = db::transaction(&state.pool, move |conn| {
        let ours = db::users::find(conn, &id)?
            .is_some_and(|u| u.municipality_code.as_deref() == Some(municipality.as_str()));
        if !ours {
            return Err(AppError::NotFound("not-found-staff-member"));
        }
        let by = staff_lifecycle::By::Admin(&admin);
        match on {
            true => staff_lifecycle::reactivate(conn, &id, by, now).map(|_| None),
            false => staff_lifecycle::deactivate(conn, &id, by, now).map(Some),
        }
    })
    .await;
    match result {
        Ok(ended) => {
            if let Some(ended) = ended {
                state
                    .erased_accounts
                    .note_sessions_ended(&ended.user.id, ended.at);
            }
            Ok(see_other("/werkplek/beheer?opgeslagen=1"))
        }
        Err(AppError::Conflict { .. }) | Err(AppError::Forbidden(_)) => {
            let notice = Notice::bad(lang.words().conflict);
            respond(
                &state,
                &worker,
                &req,
                None,
                Some(notice),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(WebError::from_app(lang, other)),
    }
}
