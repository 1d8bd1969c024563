//! The OpenAPI document, generated from the handlers' annotations and served as JSON.
//!
//! Handlers declare their own outcomes; [`Conventions`] adds what the shared machinery does to
//! every operation alike (the bearer scheme, the problem+json answers of the body, query,
//! path and authentication extractors, and the `Accept-Language` / `Content-Language`
//! headers of the message catalogue), so a new handler cannot forget them.

use std::sync::LazyLock;

use actix_web::{get, http::Method, HttpResponse};
use utoipa::{
    openapi::{
        header::HeaderBuilder,
        path::{Operation, ParameterBuilder, ParameterIn},
        schema::{ObjectBuilder, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        Ref, RefOr, Required,
    },
    Modify, OpenApi,
};

use super::{
    account_tokens, auth, case_moves, case_views, cases, categories, gazetteer, health,
    help_requests, intake, intake_views, match_actions, matches, matching_batch, me,
    municipality_settings, notifications, offers, privacy, responses, safeguarding, staff,
    statistics, users, webhooks,
};

/// The API description of Hulpmarkt v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "Hulpmarkt API", version = "1.0.0",
        description = "Matches neighbourly help requests with volunteer offers for Dutch municipalities, with the municipality as fallback.\n\nConventions (see `api-spec/README.md`): JSON under `/api/v1`; every error is `application/problem+json` (RFC 9457) with `errors[].field` for invalid input; authenticate with `Authorization: Bearer <access token>` from `POST /api/v1/auth/login`; ids are UUID strings and a malformed id is answered 404; times are RFC 3339 UTC; unknown body fields are rejected; bodies are at most 64 KiB. Languages: every title, detail and message is in Dutch or English, chosen by the `Accept-Language` header (Dutch when it is absent or names neither) and named in the `Content-Language` header of every answer; codes (`type`, `reason`, `errors[].code`) are the same in both languages.",
        license(name = "EUPL-1.2")),
    paths(
        health::healthz, health::readyz, health::metrics, openapi_json,
        gazetteer::get_postcode, gazetteer::list_municipalities, gazetteer::get_municipality,
        categories::list_categories,
        help_requests::create_help_request, help_requests::list_help_requests,
        help_requests::get_help_request, help_requests::patch_help_request,
        help_requests::cancel_help_request, help_requests::escalate_help_request,
        help_requests::give_consent,
        offers::create_offer, offers::list_offers, offers::get_offer, offers::patch_offer,
        offers::pause_offer, offers::resume_offer, offers::withdraw_offer,
        auth::register, auth::login, auth::refresh, auth::logout,
        me::get_me, me::patch_me, auth::change_password,
        account_tokens::request_password_reset, account_tokens::confirm_password_reset,
        account_tokens::verify_email, account_tokens::resend_verification,
        notifications::list_notifications, notifications::unread_count,
        notifications::mark_read, notifications::mark_all_read,
        notifications::get_preferences, notifications::patch_preferences,
        webhooks::register_webhook, webhooks::list_webhooks,
        webhooks::remove_webhook, webhooks::list_failed_deliveries,
        users::create_case_worker, safeguarding::record_vog, safeguarding::revoke_vog,
        safeguarding::suspend, safeguarding::lift_suspension,
        staff::list_staff, staff::deactivate_staff, staff::reactivate_staff,
        staff::move_case_worker,
        matches::list_matches, matches::get_match, matches::list_request_matches,
        match_actions::accept_match, match_actions::decline_match, match_actions::complete_match,
        match_actions::cancel_match, matching_batch::run_matching_batch,
        cases::list_cases, cases::get_case, cases::claim_case, cases::add_case_note,
        cases::resolve_case, case_moves::release_case, case_moves::handover_case,
        case_moves::takeover_case, cases::list_case_audit,
        municipality_settings::get_municipality_settings,
        municipality_settings::put_municipality_settings,
        statistics::get_municipality_stats,
        privacy::export_me, privacy::erase_me,
        intake::list_recorded, intake::get_recorded, intake::patch_recorded, intake::cancel_recorded,
        intake::issue_claim_code, intake::export_person, intake::erase_person, intake::claim,
    ),
    components(
        schemas(crate::error::Problem, crate::error::ProblemField, crate::domain::FieldErrorCode,
            categories::CategoryList, crate::domain::CategoryInfo,
            help_requests::HelpRequestView, help_requests::input::HelpRequestBody,
            help_requests::input::HelpRequestPatch,
            intake_views::ForPersonBody, intake_views::ConsentBody, intake_views::PersonView,
            intake_views::RepresentationView, intake::RecordedRequestView, intake::ClaimCodeView,
            intake::PersonExport, intake::ClaimBody, intake::ClaimReport,
            offers::OfferView, offers::input::OfferBody, offers::input::OfferPatch,
            case_views::CaseSummary, case_views::CaseView, case_views::CaseRequestView,
            case_views::CaseOutcomeView, case_views::ProposalHistoryView, case_views::CaseNoteView,
            case_views::SuggestionView, case_views::SuggestedOfferView, case_views::RelaxationKind, cases::CaseNoteBody,
            cases::ResolveCaseBody, case_moves::HandoverBody, case_moves::TakeoverBody,
            crate::db::audit::AuditEntry,
            municipality_settings::MunicipalitySettingsView,
            municipality_settings::MunicipalitySettingsBody,
            crate::services::statistics::MunicipalityStatistics,
            privacy::PersonalDataExport, privacy::ErasureBody, crate::services::privacy::ErasureReport,
            crate::services::batch::BatchReport,
            auth::RegistrationAccepted, auth::PasswordChangeBody,
            account_tokens::LinkAccepted, account_tokens::PasswordResetBody,
            account_tokens::PasswordResetConfirmBody, account_tokens::TokenBody, notifications::NotificationView, notifications::UnreadCount,
            notifications::MarkedRead, notifications::PreferencesView,
            notifications::PreferencesPatch, webhooks::WebhookView,
            webhooks::WebhookBody, webhooks::FailedDeliveryView),
        responses(
            responses::BadRequest, responses::Unauthorized, responses::Forbidden,
            responses::NotFound, responses::Conflict, responses::RequestTimeout,
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType, responses::ValidationFailed,
            responses::TooManyRequests, responses::Unavailable,
        ),
    ),
    modifiers(&Conventions),
    tags(
        (name = "operations", description = "Health, readiness, metrics and this document"),
        (name = "reference data", description = "Postcodes, municipalities and the category taxonomy"),
        (name = "help requests", description = "A resident's own help requests, and requests recorded for someone else (`for_person`)"),
        (name = "intake", description = "Requests a case worker recorded for residents without an account, one-time claim codes, and those residents' export and erasure"),
        (name = "offers", description = "A volunteer's own offers"),
        (name = "accounts", description = "Registration, sign-in, one's own account, and appointed accounts"),
        (name = "staff", description = "Admins: the case workers and admins of a municipality, deactivation, reactivation and moves"),
        (name = "safeguarding", description = "Case workers: VOG records (record, correct, revoke) and suspension of volunteers"),
        (name = "notifications", description = "The in-app feed, notification preferences, and a municipality's webhooks (Standard Webhooks) and failed deliveries"),
        (name = "matches", description = "Proposals and matches between a request and an offer"),
        (name = "cases", description = "The municipality as fallback: case workers' queue, decisions, audit trail, settings and statistics"),
        (name = "privacy", description = "Your data: export (AVG art. 15/20) and erasure (art. 17)"),
    )
)]
pub struct ApiDoc;

/// Name of the security scheme that authenticated operations name in `security(...)`.
pub const BEARER: &str = "bearer";
/// Name of the security scheme of `GET /metrics`.
pub const METRICS_TOKEN: &str = "metrics_token";

/// Adds the bearer scheme and the responses every operation gets from shared extractors.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from `POST /api/v1/auth/login` or `/auth/refresh` (HS256 JWT, valid 15 minutes).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            METRICS_TOKEN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The token configured in `HULPMARKT_METRICS_TOKEN` (`GET /metrics` only).",
                    ))
                    .build(),
            ),
        );
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_extractor_responses(operation);
                add_language(operation);
            }
        }
        for response in components.responses.values_mut() {
            if let RefOr::T(response) = response {
                response
                    .headers
                    .insert("Content-Language".into(), content_language());
            }
        }
    }
}

/// The `Content-Language` header of every answer: `nl` or `en`.
fn content_language() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["nl", "en"])),
        )
        .description(Some("The language of the answer's texts: `nl` or `en`."))
        .build()
}

/// The `Accept-Language` request header and the `Content-Language` of each answer.
fn add_language(operation: &mut Operation) {
    let accept = ParameterBuilder::new()
        .name("Accept-Language")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The language of the texts of the answer: Dutch (`nl`, the default) or English \
             (`en`), as a browser sends it (`en-GB,en;q=0.9`).",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples(["nl", "en-GB,en;q=0.9"]),
        ))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(accept);
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            response
                .headers
                .insert("Content-Language".into(), content_language());
        }
    }
}

/// The answers of the shared extractors: a JSON body (`extract::Json`), a query string
/// (`extract::Query`), path parameters (`path_error`) and authentication (`auth::Caller`).
fn add_extractor_responses(operation: &mut Operation) {
    let mut add = |status: &str, component: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
    };
    let has_body = operation.request_body.is_some();
    let params = operation.parameters.as_deref().unwrap_or_default();
    let has_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let has_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    if has_body {
        add("400", "BadRequest");
        add("408", "RequestTimeout");
        add("413", "PayloadTooLarge");
        add("415", "UnsupportedMediaType");
    }
    if has_body || has_query {
        add("422", "ValidationFailed");
    }
    if has_path {
        add("404", "NotFound");
    }
    if secured {
        add("401", "Unauthorized");
    }
}

/// The OpenAPI document as pretty JSON (the same text as `api-spec/openapi.json`).
pub fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// One documented path: its segments (`None` for a `{parameter}`) and its methods.
struct DocumentedPath {
    segments: Vec<Option<String>>,
    methods: Vec<Method>,
}

/// The documented paths, read once from the document itself.
static DOCUMENTED_PATHS: LazyLock<Vec<DocumentedPath>> = LazyLock::new(|| {
    let doc = ApiDoc::openapi();
    doc.paths
        .paths
        .iter()
        .map(|(path, item)| {
            let segments = path
                .split('/')
                .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                .collect();
            let methods = [
                (item.get.is_some(), Method::GET),
                (item.put.is_some(), Method::PUT),
                (item.post.is_some(), Method::POST),
                (item.delete.is_some(), Method::DELETE),
                (item.patch.is_some(), Method::PATCH),
            ]
            .into_iter()
            .filter_map(|(present, method)| present.then_some(method))
            .collect();
            DocumentedPath { segments, methods }
        })
        .collect()
});

/// The methods the document allows on `path`, when `path` is a documented path (routing
/// sends a request with another method to the default service, which answers 405 with them).
pub fn allowed_methods(path: &str) -> Option<&'static [Method]> {
    let segments: Vec<&str> = path.split('/').collect();
    DOCUMENTED_PATHS
        .iter()
        .find(|documented| {
            documented.segments.len() == segments.len()
                && documented
                    .segments
                    .iter()
                    .zip(&segments)
                    .all(|(want, got)| want.as_deref().map_or(!got.is_empty(), |w| w == *got))
        })
        .map(|documented| documented.methods.as_slice())
}

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    static DOCUMENT: LazyLock<String> = LazyLock::new(document);
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.as_str())
}
