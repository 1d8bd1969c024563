//! The OpenAPI document, generated from the handlers' annotations and served as JSON.

use actix_web::{get, HttpResponse};
use utoipa::OpenApi;

use super::{
    auth, case_views, cases, categories, gazetteer, health, help_requests, match_actions, matches,
    me, municipality_settings, offers, statistics, users,
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
        cases::list_cases, cases::get_case, cases::claim_case, cases::add_case_note,
        cases::resolve_case, cases::list_case_audit,
        municipality_settings::get_municipality_settings,
        municipality_settings::put_municipality_settings,
        statistics::get_municipality_stats,
    ),
    components(schemas(crate::error::Problem, crate::domain::FieldError,
        categories::CategoryList, crate::domain::CategoryInfo,
        help_requests::HelpRequestView, help_requests::input::HelpRequestBody,
        help_requests::input::HelpRequestPatch,
        offers::OfferView, offers::input::OfferBody, offers::input::OfferPatch,
        case_views::CaseSummary, case_views::CaseView, case_views::CaseRequestView,
        case_views::CaseOutcomeView, case_views::ProposalHistoryView, case_views::CaseNoteView,
        case_views::SuggestionView, case_views::RelaxationKind, cases::CaseNoteBody,
        cases::ResolveCaseBody, crate::db::audit::AuditEntry,
        municipality_settings::MunicipalitySettingsView,
        municipality_settings::MunicipalitySettingsBody,
        crate::services::statistics::MunicipalityStatistics)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "reference data", description = "Postcodes, municipalities and the category taxonomy"),
        (name = "help requests", description = "A resident's own help requests"),
        (name = "offers", description = "A volunteer's own offers"),
        (name = "accounts", description = "Registration, sign-in, tokens and one's own account"),
        (name = "matches", description = "Proposals and matches between a request and an offer"),
        (name = "cases", description = "The municipality as fallback: case workers' queue, decisions, audit trail, settings and statistics"),
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
