//! Thin HTTP handlers and their request/response types, one module per resource, plus the
//! route table and the catch-all that turns every bare error response into problem+json.

pub mod account_tokens;
pub mod auth;
pub mod case_moves;
pub mod case_views;
pub mod cases;
pub mod categories;
pub mod docs;
pub mod explanation;
pub mod extract;
pub mod gazetteer;
pub mod header_limit;
pub mod health;
pub mod help_requests;
pub mod intake;
pub mod intake_views;
pub mod language;
pub mod match_actions;
pub mod matches;
pub mod matching_batch;
pub mod me;
pub mod municipality_settings;
pub mod notifications;
pub mod offers;
pub mod openapi;
pub mod pagination;
pub mod privacy;
pub mod responses;
pub mod safeguarding;
pub mod staff;
pub mod statistics;
pub mod users;
pub mod webhooks;

use actix_web::{
    body::MessageBody, dev::ServiceResponse, http::header, middleware::ErrorHandlerResponse, web,
    HttpRequest, HttpResponse,
};

use crate::error::{AppError, PROBLEM_JSON};

/// Registers every route under `/api/v1` and the operational endpoints.
///
/// One scope per resource: actix's router tries the routes in order and runs a regular
/// expression for every route with a parameter, so a flat list made each request pay for the
/// parameterised routes listed before its own. The handlers' paths are relative to their
/// scope; the OpenAPI paths (in each `utoipa::path`) are the full ones.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(docs::reference_page())
        .service(web::redirect("/api/v1/docs", "/api/v1/docs/"))
        .service(
            web::scope("/api/v1")
                .service(
                    web::scope("/help-requests")
                        .service(help_requests::create_help_request)
                        .service(help_requests::list_help_requests)
                        .service(help_requests::get_help_request)
                        .service(help_requests::patch_help_request)
                        .service(help_requests::cancel_help_request)
                        .service(help_requests::escalate_help_request)
                        .service(help_requests::give_consent)
                        .service(matches::list_request_matches),
                )
                .service(
                    web::scope("/offers")
                        .service(offers::create_offer)
                        .service(offers::list_offers)
                        .service(offers::get_offer)
                        .service(offers::patch_offer)
                        .service(offers::pause_offer)
                        .service(offers::resume_offer)
                        .service(offers::withdraw_offer),
                )
                .service(
                    web::scope("/intake")
                        .service(intake::list_recorded)
                        .service(intake::get_recorded)
                        .service(intake::patch_recorded)
                        .service(intake::cancel_recorded)
                        .service(intake::issue_claim_code)
                        .service(intake::export_person)
                        .service(intake::erase_person),
                )
                .service(intake::claim)
                .service(matching_batch::run_matching_batch)
                .service(
                    web::scope("/matches")
                        .service(matches::list_matches)
                        .service(matches::get_match)
                        .service(match_actions::accept_match)
                        .service(match_actions::decline_match)
                        .service(match_actions::complete_match)
                        .service(match_actions::cancel_match),
                )
                .service(
                    web::scope("/cases")
                        .service(cases::list_cases)
                        .service(cases::get_case)
                        .service(cases::claim_case)
                        .service(cases::add_case_note)
                        .service(cases::resolve_case)
                        .service(case_moves::release_case)
                        .service(case_moves::handover_case)
                        .service(case_moves::takeover_case)
                        .service(cases::list_case_audit),
                )
                .service(
                    web::scope("/municipalities")
                        .service(gazetteer::list_municipalities)
                        .service(gazetteer::get_municipality)
                        .service(municipality_settings::get_municipality_settings)
                        .service(municipality_settings::put_municipality_settings)
                        .service(webhooks::register_webhook)
                        .service(webhooks::list_webhooks)
                        .service(webhooks::remove_webhook)
                        .service(webhooks::list_failed_deliveries)
                        .service(statistics::get_municipality_stats)
                        .service(staff::list_staff),
                )
                .service(openapi::openapi_json)
                .service(gazetteer::get_postcode)
                .service(auth::register)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(account_tokens::request_password_reset)
                .service(account_tokens::confirm_password_reset)
                .service(account_tokens::verify_email)
                .service(account_tokens::resend_verification)
                .service(me::get_me)
                .service(me::patch_me)
                .service(auth::change_password)
                .service(notifications::list_notifications)
                .service(notifications::unread_count)
                .service(notifications::mark_all_read)
                .service(notifications::mark_read)
                .service(notifications::get_preferences)
                .service(notifications::patch_preferences)
                .service(privacy::export_me)
                .service(privacy::erase_me)
                .service(users::create_case_worker)
                .service(safeguarding::record_vog)
                .service(safeguarding::revoke_vog)
                .service(safeguarding::suspend)
                .service(safeguarding::lift_suspension)
                .service(staff::deactivate_staff)
                .service(staff::reactivate_staff)
                .service(staff::move_case_worker)
                .service(categories::list_categories),
        );
}

/// Path segments that fail to parse are answered like unknown resources.
pub fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    // The segment itself is not logged: a client may put anything in a URL.
    tracing::debug!("unparseable path parameter");
    AppError::NotFound("not-found-resource").into()
}

/// The answer for requests no route takes: 405 with `Allow` when the path is documented but
/// the method is not, 404 otherwise.
pub async fn unknown_route(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let Some(methods) = openapi::allowed_methods(req.path()) else {
        return Err(AppError::NotFound("not-found-route"));
    };
    let allow = methods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Err(AppError::MethodNotAllowed(allow))
}

/// Middleware hook: any error response that is not problem+json yet (a 405 from routing, an
/// error from a framework extractor) is rewritten into one, keeping its status and headers;
/// it carries an [`AppError`], so `language::answer_in_language` can render it again.
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // problem+json already, or a page of the workplace (`web`), which answers in HTML.
    let already = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()) || v.as_bytes().starts_with(b"text/html")
    });
    if already {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let mut response = HttpResponse::from_error(AppError::Status(status));
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
