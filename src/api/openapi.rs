//! The OpenAPI document, generated from the handlers' annotations and served as JSON.

use actix_web::{get, HttpResponse};
use utoipa::OpenApi;

use super::{
    auth, categories, gazetteer, health, help_requests, match_actions, matches, me, offers,
    privacy, users,
};

/// The API description of Hulpmarkt v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "Hulpmarkt API", version = "1.0.0",
        description = "Matches neighbourly help requests with volunteer offers for Dutch municipalities, with the municipality as fallback.",
        license(name = "EUPL-1.2")),
    paths(
        health::healthz, health::readyz, health::metrics, openapi_json,
        gazetteer::get_postcode, gazetteer::list_municipalities, gazetteer::get_municipality,
        categories::list_categories,
        help_requests::create_help_request, help_requests::list_help_requests,
        help_requests::get_help_request, help_requests::patch_help_request,
        help_requests::cancel_help_request, help_requests::escalate_help_request,
        offers::create_offer, offers::list_offers, offers::get_offer, offers::patch_offer,
        offers::pause_offer, offers::resume_offer, offers::withdraw_offer,
        auth::register, auth::login, auth::refresh, auth::logout, me::get_me, me::patch_me,
        users::create_case_worker, users::record_vog,
        matches::list_matches, matches::get_match, matches::list_request_matches,
        match_actions::accept_match, match_actions::decline_match, match_actions::complete_match,
        match_actions::cancel_match,
        privacy::export_me, privacy::erase_me,
    ),
    components(schemas(crate::error::Problem, crate::domain::FieldError,
        categories::CategoryList, crate::domain::CategoryInfo,
        help_requests::HelpRequestView, help_requests::input::HelpRequestBody,
        help_requests::input::HelpRequestPatch,
        offers::OfferView, offers::input::OfferBody, offers::input::OfferPatch,
        privacy::PersonalDataExport, privacy::ErasureBody, crate::services::privacy::ErasureReport)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "reference data", description = "Postcodes, municipalities and the category taxonomy"),
        (name = "help requests", description = "A resident's own help requests"),
        (name = "offers", description = "A volunteer's own offers"),
        (name = "accounts", description = "Registration, sign-in, tokens and one's own account"),
        (name = "matches", description = "Proposals and matches between a request and an offer"),
        (name = "privacy", description = "Your data: export (AVG art. 15/20) and erasure (art. 17)"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as pretty JSON (the same text as `api-spec/openapi.json`).
pub fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document())
}
