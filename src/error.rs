//! The one error type of the service and its one mapping to HTTP: every failure becomes an
//! `application/problem+json` body (RFC 9457). Only the client's own mistakes are 4xx; a busy or
//! unreachable database is 503; anything else is 500 with the cause logged and not sent.

use actix_web::{
    http::{header, StatusCode},
    HttpResponse, ResponseError,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    domain::{FieldError, FieldErrorCode, Language, Message},
    i18n,
};

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Everything a request can fail with. The words a person reads are catalogue message ids
/// (`locales/*/*.ftl`), rendered in the request's language by [`AppError::problem`].
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body or parameters are invalid; each field says what is wrong (422).
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The request cannot be read at all (malformed JSON, bad path value) (400); the field
    /// error names the part concerned (`body` for the whole body) and its code.
    #[error("bad request: {0}")]
    BadRequest(FieldError),
    /// No or invalid credentials (401); the message id says why.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Authenticated, but this role may not do this (403); the message id says why.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The resource does not exist or is not the caller's to see (404); the message id
    /// names what (`not-found-help-request`).
    #[error("{0}")]
    NotFound(&'static str),
    /// The request conflicts with the current state (409); `existing_id` points at the
    /// resource it collides with.
    #[error("conflict: {detail}")]
    Conflict {
        /// What conflicts.
        detail: Message,
        /// The id of the existing resource, when there is one.
        existing_id: Option<String>,
    },
    /// The path exists but not with this method (405); the methods it takes, for `Allow`.
    #[error("method not allowed")]
    MethodNotAllowed(String),
    /// An error response of the framework without a cause of ours, by its status.
    #[error("{0}")]
    Status(StatusCode),
    /// The body is larger than the configured limit (413).
    #[error("payload too large")]
    PayloadTooLarge(usize),
    /// The request's headers are larger than the given limit in bytes (431).
    #[error("request header fields too large")]
    HeadersTooLarge(usize),
    /// The body is not JSON (415).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The request body did not arrive in time (408); the connection is closed.
    #[error("request timeout")]
    RequestTimeout,
    /// Too many requests; try again after the given seconds (429).
    #[error("too many requests")]
    TooManyRequests(u64),
    /// The database or another dependency is busy or unreachable (503).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure (500); the cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 409: the object is not in a state that allows this (or changed meanwhile).
    pub fn conflict(detail: Message) -> Self {
        Self::Conflict {
            detail,
            existing_id: None,
        }
    }

    /// A write that lost to a concurrent one (a deadlock, a serialization failure): nothing
    /// was stored and running it again may succeed (see `db::transaction`).
    pub fn is_write_conflict(&self) -> bool {
        matches!(self, Self::Unavailable(reason) if reason.starts_with("write conflict"))
    }

    /// A 401 for a token whose account is gone: erased, deactivated, or never there.
    pub fn account_gone() -> Self {
        Self::Unauthorized("unauthorized-account-gone")
    }

    /// A validation error for a single field, code `not_allowed`, saying `message`.
    pub fn invalid(field: impl Into<String>, message: Message) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A validation error for a single field with its code.
    pub fn field(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }

    /// A 400 naming the field.
    pub fn bad_field(field: impl Into<String>, message: Message) -> Self {
        Self::BadRequest(FieldError::new(field, message))
    }

    /// A 400 for a body that is not (one) JSON object, or could not be read.
    pub fn malformed_json() -> Self {
        Self::BadRequest(FieldError::of("body", FieldErrorCode::MalformedJson))
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation-error",
            Self::BadRequest(_) => "bad-request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict { .. } => "conflict",
            Self::MethodNotAllowed(_) => "method-not-allowed",
            Self::Status(status) => match status.as_u16() {
                400 => "bad-request",
                404 => "not-found",
                405 => "method-not-allowed",
                _ if status.is_server_error() => "internal-error",
                _ => "error",
            },
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::HeadersTooLarge(_) => "request-header-fields-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::RequestTimeout => "request-timeout",
            Self::TooManyRequests(_) => "too-many-requests",
            Self::Unavailable(_) => "service-unavailable",
            Self::Internal(_) => "internal-error",
        }
    }

    /// The catalogue id of the problem's title, one per kind of problem.
    fn title(&self) -> Message {
        Message::new(match self.slug() {
            "validation-error" => "problem-title-validation-error",
            "bad-request" => "problem-title-bad-request",
            "unauthorized" => "problem-title-unauthorized",
            "forbidden" => "problem-title-forbidden",
            "not-found" => "problem-title-not-found",
            "conflict" => "problem-title-conflict",
            "method-not-allowed" => "problem-title-method-not-allowed",
            "payload-too-large" => "problem-title-payload-too-large",
            "request-header-fields-too-large" => "problem-title-headers-too-large",
            "unsupported-media-type" => "problem-title-unsupported-media-type",
            "request-timeout" => "problem-title-request-timeout",
            "too-many-requests" => "problem-title-too-many-requests",
            "service-unavailable" => "problem-title-service-unavailable",
            "internal-error" => "problem-title-internal-error",
            _ => "problem-title-error",
        })
    }

    /// What went wrong in this case, as a catalogue message.
    fn detail(&self, lang: Language) -> Message {
        match self {
            Self::Validation(errors) => match errors.as_slice() {
                [one] => crate::msg!(
                    "problem-detail-one-field",
                    field = one.field.as_str(),
                    message = i18n::field_message(lang, one)
                ),
                _ => crate::msg!("problem-detail-fields", count = errors.len()),
            },
            Self::BadRequest(error) => crate::msg!(
                "problem-detail-one-field",
                field = error.field.as_str(),
                message = i18n::field_message(lang, error)
            ),
            Self::Unauthorized(id) | Self::Forbidden(id) | Self::NotFound(id) => Message::new(id),
            Self::Conflict { detail, .. } => detail.clone(),
            Self::MethodNotAllowed(_) => crate::msg!("problem-detail-method-not-allowed"),
            Self::Status(status) => match status.as_u16() {
                404 => crate::msg!("not-found-route"),
                405 => crate::msg!("problem-detail-method-not-allowed"),
                _ if status.is_server_error() => crate::msg!("problem-detail-internal-error"),
                _ => crate::msg!("problem-detail-error"),
            },
            Self::PayloadTooLarge(limit) => {
                crate::msg!("problem-detail-payload-too-large", bytes = *limit)
            }
            Self::HeadersTooLarge(limit) => {
                crate::msg!("problem-detail-headers-too-large", bytes = *limit)
            }
            Self::UnsupportedMediaType => crate::msg!("problem-detail-unsupported-media-type"),
            Self::RequestTimeout => crate::msg!("problem-detail-request-timeout"),
            Self::TooManyRequests(secs) => {
                crate::msg!("problem-detail-too-many-requests", seconds = *secs)
            }
            Self::Unavailable(_) => crate::msg!("problem-detail-service-unavailable"),
            Self::Internal(_) => crate::msg!("problem-detail-internal-error"),
        }
    }

    /// A stable code for why a request was refused (401, 403, 404, 409): the message id.
    fn reason(&self) -> Option<String> {
        match self {
            Self::Unauthorized(id) | Self::Forbidden(id) | Self::NotFound(id) => {
                Some((*id).to_owned())
            }
            Self::Conflict { detail, .. } => Some(detail.id.to_string()),
            _ => None,
        }
    }

    /// The problem+json body for this error, in `lang`.
    pub fn problem(&self, lang: Language) -> Problem {
        let status = self.status_code();
        let errors = match self {
            Self::Validation(errors) => errors.as_slice(),
            Self::BadRequest(error) => std::slice::from_ref(error),
            _ => &[],
        };
        Problem {
            problem_type: format!("urn:hulpmarkt:problem:{}", self.slug()),
            title: i18n::render(lang, &self.title()),
            status: status.as_u16(),
            detail: i18n::render(lang, &self.detail(lang)),
            reason: self.reason(),
            errors: errors.iter().map(|e| ProblemField::new(lang, e)).collect(),
            existing_id: match self {
                Self::Conflict { existing_id, .. } => existing_id.clone(),
                _ => None,
            },
        }
    }
}

/// An RFC 9457 problem document, the body of every error response. `title`, `detail` and
/// each `message` are in the language of the request's `Accept-Language` (Dutch by default).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "urn:hulpmarkt:problem:validation-error", "title": "Er klopt iets niet in uw gegevens",
    "status": 422, "detail": "postcode: Vul een postcode in van vier cijfers, zoals 3511.",
    "errors": [{"field": "postcode", "code": "invalid_format", "message": "Vul een postcode in van vier cijfers, zoals 3511."}]}))]
pub struct Problem {
    /// A URN naming the kind of problem, stable across releases.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem, in the request's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case, in the request's language.
    pub detail: String,
    /// For 401, 403, 404 and 409: why, as a stable code a program may act on (the same in
    /// every language), e.g. `conflict-proposal-not-open`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For invalid input: each invalid field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For a conflict with an existing resource: its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
}

/// One problem with one input field as sent: `field` is a path such as
/// `availability.slots[2].start`, `code` says what is wrong for a program, `params` carries
/// its figures, `message` says it in plain words in the request's language.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct ProblemField {
    /// Path of the offending field, e.g. `availability.slots[2].start`.
    #[schema(example = "availability.slots[2].start")]
    pub field: String,
    /// What is wrong, stable across releases and languages.
    pub code: FieldErrorCode,
    /// The figures of the code, e.g. `{"max": 120}` or `{"allowed": ["mon", "tue"]}`.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    #[schema(value_type = Object, example = json!({"max": 120}))]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// What is wrong, in words a resident understands, in the request's language.
    #[schema(example = "Schrijf een tijd als uu:mm, zoals 09:30.")]
    pub message: String,
}

impl ProblemField {
    fn new(lang: Language, error: &FieldError) -> Self {
        Self {
            field: error.field.clone(),
            code: error.code,
            params: error.params.clone(),
            message: i18n::field_message(lang, error),
        }
    }
}

impl AppError {
    /// Logs or counts what the client is not told, once per answer.
    fn report(&self) {
        match self {
            // The cause stays in the log; the client gets the generic detail.
            Self::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            // Shed load comes in floods: counted, and logged at most every few seconds.
            Self::Unavailable(cause) => crate::telemetry::shed::record(cause),
            _ => {}
        }
    }

    /// The response for this error with its body in `lang`; `error_response` answers in
    /// Dutch and `api::language` renders it again for an English request.
    pub fn response_in(&self, lang: Language) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::TooManyRequests(secs) => {
                response.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed(allow) => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            // The rest of the body may still be on its way: close rather than read it.
            Self::RequestTimeout => {
                response.force_close();
            }
            _ => {}
        }
        response.json(self.problem(lang))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Status(status) => *status,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.report();
        self.response_in(Language::default())
    }
}

#[path = "error_database.rs"]
mod database;

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
