//! Volunteer offers: a volunteer registers, lists, reads, changes, pauses, resumes and
//! withdraws their own. Anyone else, whatever their role, gets 404 for an offer not theirs.

#[path = "offer_input.rs"]
pub mod input;

use actix_web::{get, http::header, patch, post, web, HttpResponse};

use crate::services;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use self::input::{OfferBody, OfferPatch};
use super::{
    extract::{Json, Query},
    help_requests::parse_param,
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::{Caller, Volunteer},
    db::{self, offers::Offer, DbConnection},
    domain::{AvailabilityInput, Category, OfferId, OfferStatus, UserId},
    error::{AppError, Problem},
    state::AppState,
};

/// An offer as its volunteer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferView {
    /// Id.
    #[schema(format = Uuid)]
    pub id: String,
    /// The categories covered.
    pub categories: Vec<Category>,
    /// The four-digit postcode area.
    #[schema(example = "3511")]
    pub pc4: String,
    /// CBS code of the municipality of the PC4.
    #[schema(example = "GM0344")]
    pub municipality_code: String,
    /// How far the volunteer travels, km.
    pub radius_km: f64,
    /// Also helps at a distance (in categories where that is possible).
    pub remote_ok: bool,
    /// Weekly slots, date window and shortest visit.
    pub availability: AvailabilityInput,
    /// How many requests at once.
    pub capacity: i32,
    /// The note.
    pub note: String,
    /// `active`, `paused` or `withdrawn`.
    pub status: OfferStatus,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl OfferView {
    /// The view of a stored offer with its category codes (also used by the data export).
    pub(crate) fn new(row: Offer, categories: &[String]) -> Result<Self, AppError> {
        // Stored values were validated on the way in; failing to read one back is a bug.
        let bug = |e: &dyn std::fmt::Display| {
            AppError::Internal(anyhow::anyhow!("offer {}: {e}", row.id))
        };
        Ok(Self {
            categories: categories
                .iter()
                .map(|c| Category::parse(c).map_err(|e| bug(&e)))
                .collect::<Result<_, _>>()?,
            status: row.status,
            availability: row.availability.clone().into(),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            id: row.id.to_string(),
            pc4: row.pc4,
            municipality_code: row.municipality_code,
            radius_km: row.radius_km,
            remote_ok: row.remote_ok,
            capacity: row.capacity,
            note: row.note,
        })
    }
}

/// Filter and paging of the volunteer's own list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OfferListQuery {
    /// Only offers with this status.
    #[param(value_type = Option<crate::domain::OfferStatus>)]
    pub status: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

use crate::services::offers::owned;

/// The caller's offer with its categories, for a reply.
fn view(conn: &mut DbConnection, id: &str, owner: &UserId) -> Result<OfferView, AppError> {
    let row = owned(conn, &OfferId::parse(id), owner)?;
    let categories = db::offers::categories_of(conn, &[row.id.to_string()])?;
    let categories = categories
        .get(row.id.as_str())
        .map_or(&[][..], Vec::as_slice);
    OfferView::new(row, categories)
}

/// Registers an offer.
#[utoipa::path(post, path = "/api/v1/offers", tag = "offers", security(("bearer" = [])),
    request_body = OfferBody,
    responses((status = 201, description = "Registered", body = OfferView),
        (status = 403, description = "Not a volunteer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[post("")]
pub async fn create_offer(
    state: web::Data<AppState>,
    volunteer: Volunteer,
    body: Json<OfferBody>,
) -> Result<HttpResponse, AppError> {
    let owner = volunteer.0.user_id;
    let valid = body
        .0
        .validate(&state.gazetteer, &owner, state.clock.now_naive())?;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = services::write(&state.pool, policy, move |conn, policy| {
        services::offers::register(conn, &valid.offer, &valid.categories, now, policy)?;
        view(conn, &valid.offer.id, &owner)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/offers/{}", view.id)))
        .json(view))
}

/// Lists the caller's own offers, newest first.
#[utoipa::path(get, path = "/api/v1/offers", tag = "offers", security(("bearer" = [])),
    params(OfferListQuery),
    responses((status = 200, description = "One page of your offers", body = Paginated<OfferView>),
        (status = 403, description = "Not a volunteer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list_offers(
    state: web::Data<AppState>,
    volunteer: Volunteer,
    query: Query<OfferListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.0;
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .parse()?;
    let mut errors = Vec::new();
    let status = parse_param(q.status.as_deref(), OfferStatus::parse, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let owner = volunteer.0.user_id;
    let items = db::run(&state.pool, move |conn| {
        let (rows, total) =
            db::offers::list_owned(conn, &owner, status, page.offset(), page.limit())?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        let categories = db::offers::categories_of(conn, &ids)?;
        let items = rows
            .into_iter()
            .map(|row| {
                let cats = categories
                    .get(row.id.as_str())
                    .map_or(&[][..], Vec::as_slice);
                OfferView::new(row, cats)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.wrap(items, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Reads one of the caller's offers.
#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "offers", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Your offer", body = OfferView),
        (status = 404, description = "No such offer of yours", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}")]
pub async fn get_offer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| view(conn, &id, &caller.user_id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an offer that is not withdrawn; the merged offer is validated like a new one.
#[utoipa::path(patch, path = "/api/v1/offers/{id}", tag = "offers", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)), request_body = OfferPatch,
    responses((status = 200, description = "Changed", body = OfferView),
        (status = 404, description = "No such offer of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The offer is withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")))]
#[patch("/{id}")]
pub async fn patch_offer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: Json<OfferPatch>,
) -> Result<HttpResponse, AppError> {
    let id = OfferId::parse(&id);
    let (gazetteer, now, policy) = (
        state.gazetteer.clone(),
        state.clock.now_naive(),
        state.policy(),
    );
    let owner = caller.user_id;
    let view = services::write(&state.pool, policy, move |conn, policy| {
        let merge = |row: &Offer, categories: Vec<String>| {
            let merged = OfferBody::from_stored(row, categories)?.merge(body.0.clone());
            let valid = merged.validate(&gazetteer, &owner, now)?;
            Ok((valid.offer.into(), valid.categories))
        };
        let id = services::offers::change(conn, &id, &owner, merge, now, policy)?;
        view(conn, id.as_str(), &owner)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Moves the caller's offer `id` to `next` if the lifecycle allows it; pausing and
/// withdrawing also withdraw its open proposals (each request goes to its next candidate).
async fn change_status(
    state: &AppState,
    caller: Caller,
    id: &str,
    next: OfferStatus,
) -> Result<HttpResponse, AppError> {
    let id = OfferId::parse(id);
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = services::write(&state.pool, policy, move |conn, policy| {
        let owner = &caller.user_id;
        let id = services::offers::change_status(conn, &id, owner, next, now, policy)?;
        view(conn, id.as_str(), owner)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Pauses an active offer: no new proposals, and its open proposals go to the next
/// candidate at once; accepted matches continue.
#[utoipa::path(post, path = "/api/v1/offers/{id}/pause", tag = "offers", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Paused", body = OfferView),
        (status = 404, description = "No such offer of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/pause")]
pub async fn pause_offer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    change_status(&state, caller, &id, OfferStatus::Paused).await
}

/// Resumes a paused offer.
#[utoipa::path(post, path = "/api/v1/offers/{id}/resume", tag = "offers", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Active again", body = OfferView),
        (status = 404, description = "No such offer of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not paused", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/resume")]
pub async fn resume_offer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    change_status(&state, caller, &id, OfferStatus::Active).await
}

/// Withdraws an offer for good; its pending proposals are withdrawn too.
#[utoipa::path(post, path = "/api/v1/offers/{id}/withdraw", tag = "offers", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "Withdrawn", body = OfferView),
        (status = 404, description = "No such offer of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = Problem, content_type = "application/problem+json")))]
#[post("/{id}/withdraw")]
pub async fn withdraw_offer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    change_status(&state, caller, &id, OfferStatus::Withdrawn).await
}
