//! The global matching batch on demand (admins): what the sweeper runs every six hours, now.

use actix_web::{post, web, HttpResponse};

use super::responses;
use crate::{
    auth::Admin,
    error::{AppError, Problem},
    services::{self, batch::BatchReport},
    state::AppState,
};

/// Assigns every waiting request jointly (the global batch) and answers what it did. It
/// writes in short steps beside the residents' own writes; the run is in the audit log.
#[utoipa::path(post, path = "/api/v1/matching-batch", tag = "matches", security(("bearer" = [])),
    responses((status = 200, description = "The batch ran; what it did", body = BatchReport),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/matching-batch")]
pub async fn run_matching_batch(
    state: web::Data<AppState>,
    admin: Admin,
) -> Result<HttpResponse, AppError> {
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let report = services::batch::run_for(&state.pool, now, &policy, &admin.0.user_id).await?;
    Ok(HttpResponse::Ok().json(report))
}
