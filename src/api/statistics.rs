//! Municipal statistics for the municipality's case workers and for admins.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{extract::Query, municipality_settings::staff_municipality};
use crate::{
    auth::Caller,
    db,
    error::{AppError, Problem},
    services::statistics::{self, MunicipalityStatistics, Period},
    state::AppState,
};

/// The period: requests posted from `from` through `to` (both inclusive, YYYY-MM-DD).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    /// First day (default: no lower bound).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
}

/// Requests by domain and status, match rate, median time to match, escalations by reason,
/// supply against demand per category and the PC4 areas with most unmatched need.
#[utoipa::path(get, path = "/api/v1/municipalities/{code}/stats", tag = "cases", security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS code", example = "GM0363"), StatisticsQuery),
    responses((status = 200, description = "The figures", body = MunicipalityStatistics),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor a case worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown municipality, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid period", body = Problem, content_type = "application/problem+json")))]
#[get("/{code}/stats")]
pub async fn get_municipality_stats(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    query: Query<StatisticsQuery>,
) -> Result<HttpResponse, AppError> {
    let code = staff_municipality(&state, &caller, &code)?;
    let to = query
        .0
        .to
        .unwrap_or_else(|| crate::clock::dutch_today(state.clock.now_naive()));
    let from = query.0.from;
    if from.is_some_and(|f| f > to) {
        return Err(AppError::field(
            crate::domain::FieldError::new("from", crate::msg!("field-from-after-to"))
                .code(crate::domain::FieldErrorCode::OutOfRange),
        ));
    }
    let period = Period {
        municipality_code: code,
        from,
        to,
    };
    let (figures, _) = db::run(&state.pool, move |conn| statistics::read(conn, period)).await?;
    Ok(HttpResponse::Ok().json(figures))
}
