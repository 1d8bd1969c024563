//! The language of an API answer: the request's `Accept-Language` picks Dutch or English
//! (Dutch when absent or unknown). The [`answer_in_language`] middleware renders a problem
//! body again in that language and sets `Content-Language` on every answer; handlers that
//! show text of their own take the language with the [`Language`] extractor.

use std::future::{ready, Ready};

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
    Error, FromRequest, HttpRequest,
};

use crate::{domain::Language, error::AppError};

/// The language the request asks for in `Accept-Language`.
pub fn of(req: &HttpRequest) -> Language {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or_else(Language::default, Language::from_accept_language)
}

impl FromRequest for Language {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(of(req)))
    }
}

/// Middleware: an error answer ([`AppError`], which renders in Dutch) is rendered again in
/// the request's language, and every answer outside the workplace (which keeps its own
/// language choice) says its language in `Content-Language`.
pub async fn answer_in_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = of(req.request());
    let workplace = req.path().starts_with("/werkplek");
    // Inner layers answer errors as responses carrying the error (`HttpResponse::from_error`).
    let mut res = next.call(req).await?.map_into_boxed_body();
    if workplace {
        return Ok(res);
    }
    if lang != Language::default() {
        let problem = res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|e| e.problem(lang));
        if let Some(problem) = problem {
            let body =
                serde_json::to_vec(&problem).map_err(actix_web::error::ErrorInternalServerError)?;
            res = res.map_body(|_, _| BoxBody::new(body));
        }
    }
    res.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.as_str()),
    );
    Ok(res)
}
