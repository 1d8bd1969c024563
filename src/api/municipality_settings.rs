//! Per-municipality settings (grace periods, VOG validity, retention): read by admins and the
//! municipality's case workers, changed by admins. Also the shared access rule for
//! municipality-scoped staff endpoints.

use actix_web::{get, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Json;
use crate::{
    auth::{Admin, Caller},
    db::{self, municipality_settings::MunicipalitySettings},
    domain::Role,
    error::{AppError, Problem},
    state::AppState,
};

/// The current CBS code for `code` if the caller may see that municipality's staff data:
/// admins any, case workers their own; anyone else 403, another municipality 404.
pub fn staff_municipality(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> Result<String, AppError> {
    let code = state
        .gazetteer
        .municipality(code)
        .ok_or(AppError::NotFound("not-found-municipality"))?
        .code
        .to_string();
    if caller.has(Role::Admin) {
        return Ok(code);
    }
    if !caller.has(Role::CaseWorker) {
        return Err(AppError::Forbidden("forbidden-staff-only"));
    }
    match &caller.municipality {
        Some(own) if *own == code => Ok(code),
        _ => Err(AppError::NotFound("not-found-municipality")),
    }
}

/// A municipality's settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalitySettingsView {
    /// CBS code.
    #[schema(example = "GM0363")]
    pub municipality_code: String,
    /// Hours an open request of normal or low urgency waits before it escalates.
    pub grace_hours_normal: i32,
    /// Hours an open request of high urgency waits before it escalates.
    pub grace_hours_high: i32,
    /// Months a VOG stays valid.
    pub vog_max_age_months: i32,
    /// Months after which finished requests are anonymised.
    pub retention_months: i32,
    /// Hours an unclaimed case waits before its case workers are reminded of it.
    pub case_alert_hours: i32,
    /// Whether a request's title may appear in e-mails and webhooks (a description never does).
    pub details_in_notifications: bool,
    /// New proposals per volunteer per day for offers in this municipality; `null`: the
    /// service's setting (`HULPMARKT_DAILY_PROPOSAL_CAP`, 3 by default).
    pub daily_proposal_cap: Option<i32>,
    /// Whether the municipality is the fallback for requests here (`true`: its case workers
    /// review what the marketplace cannot serve; `false`: requests here are told there is no
    /// municipal fallback and cannot escalate); `null`: while it has an active case worker.
    pub participating: Option<bool>,
    /// Whether these are the defaults (never changed).
    pub is_default: bool,
    /// Last changed (UTC), if ever.
    pub updated_at: Option<DateTime<Utc>>,
}

impl MunicipalitySettingsView {
    fn new(s: MunicipalitySettings, stored: bool) -> Self {
        Self {
            municipality_code: s.municipality_code,
            grace_hours_normal: s.grace_hours_normal,
            grace_hours_high: s.grace_hours_high,
            vog_max_age_months: s.vog_max_age_months,
            retention_months: s.retention_months,
            case_alert_hours: s.case_alert_hours,
            details_in_notifications: s.details_in_notifications,
            daily_proposal_cap: s.daily_proposal_cap,
            participating: s.participating,
            is_default: !stored,
            updated_at: stored.then(|| s.updated_at.and_utc()),
        }
    }
}

/// New settings (all fields).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalitySettingsBody {
    /// 1–720 hours.
    #[schema(minimum = 1, maximum = 720, example = 48)]
    pub grace_hours_normal: i32,
    /// 1–720 hours, not longer than `grace_hours_normal`.
    #[schema(minimum = 1, maximum = 720, example = 12)]
    pub grace_hours_high: i32,
    /// 1–120 months.
    #[schema(minimum = 1, maximum = 120, example = 36)]
    pub vog_max_age_months: i32,
    /// 1–120 months.
    #[schema(minimum = 1, maximum = 120, example = 12)]
    pub retention_months: i32,
    /// 1–720 hours; 72 when absent.
    #[serde(default = "default_case_alert_hours")]
    #[schema(minimum = 1, maximum = 720, example = 72)]
    pub case_alert_hours: i32,
    /// Whether a request's title may appear in e-mails and webhooks; `false` when absent.
    #[serde(default)]
    pub details_in_notifications: bool,
    /// 1–50 new proposals per volunteer per day for offers here; absent or `null`: the
    /// service's setting.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 50, example = 3)]
    pub daily_proposal_cap: Option<i32>,
    /// Whether the municipality is the fallback here; absent or `null`: while it has an
    /// active case worker.
    #[serde(default)]
    pub participating: Option<bool>,
}

fn default_case_alert_hours() -> i32 {
    MunicipalitySettings::DEFAULT_CASE_ALERT_HOURS
}

impl MunicipalitySettingsBody {
    /// Checks every range (422 naming each field out of it); the workplace checks its form
    /// with it too.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let mut range = |field: &str, value: i32, max: i32| {
            if !(1..=max).contains(&value) {
                errors.push(
                    crate::domain::FieldError::of(field, crate::domain::FieldErrorCode::OutOfRange)
                        .param("min", 1)
                        .param("max", max),
                );
            }
        };
        range("grace_hours_normal", self.grace_hours_normal, 720);
        range("grace_hours_high", self.grace_hours_high, 720);
        range("vog_max_age_months", self.vog_max_age_months, 120);
        range("retention_months", self.retention_months, 120);
        range("case_alert_hours", self.case_alert_hours, 720);
        if let Some(cap) = self.daily_proposal_cap {
            range("daily_proposal_cap", cap, 50);
        }
        if self.grace_hours_high > self.grace_hours_normal {
            errors.push(crate::domain::FieldError::new(
                "grace_hours_high",
                crate::msg!("field-grace-urgent-longer"),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// Reads a municipality's settings (the defaults when never set).
#[utoipa::path(get, path = "/api/v1/municipalities/{code}/settings", tag = "cases", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363")),
    responses((status = 200, description = "The settings", body = MunicipalitySettingsView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality, or not yours", body = Problem, content_type = "application/problem+json")))]
#[get("/{code}/settings")]
pub async fn get_municipality_settings(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = staff_municipality(&state, &caller, &code)?;
    let (settings, stored) = db::run(&state.pool, move |conn| {
        Ok(match db::municipality_settings::stored(conn, &code)? {
            Some(s) => (s, true),
            None => (MunicipalitySettings::defaults(&code), false),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(MunicipalitySettingsView::new(settings, stored)))
}

/// Sets a municipality's settings (admins only; audited).
#[utoipa::path(put, path = "/api/v1/municipalities/{code}/settings", tag = "cases", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363")),
    request_body = MunicipalitySettingsBody,
    responses((status = 200, description = "Saved", body = MunicipalitySettingsView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value out of range", body = Problem, content_type = "application/problem+json")))]
#[put("/{code}/settings")]
pub async fn put_municipality_settings(
    state: web::Data<AppState>,
    admin: Admin,
    code: web::Path<String>,
    body: Json<MunicipalitySettingsBody>,
) -> Result<HttpResponse, AppError> {
    let code = staff_municipality(&state, &admin.0, &code)?;
    let body = body.0;
    body.validate()?;
    let now = state.clock.now_naive();
    let settings = MunicipalitySettings {
        municipality_code: code.clone(),
        grace_hours_normal: body.grace_hours_normal,
        grace_hours_high: body.grace_hours_high,
        vog_max_age_months: body.vog_max_age_months,
        retention_months: body.retention_months,
        updated_at: now,
        updated_by: Some(admin.0.user_id.clone()),
        case_alert_hours: body.case_alert_hours,
        details_in_notifications: body.details_in_notifications,
        daily_proposal_cap: body.daily_proposal_cap,
        participating: body.participating,
    };
    let saved = settings.clone();
    db::transaction(&state.pool, move |conn| {
        crate::services::staff::save_municipality_settings(conn, &settings, &admin.0.user_id, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MunicipalitySettingsView::new(saved, true)))
}
