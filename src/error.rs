//! The one error type of the service and its one mapping to HTTP: every failure becomes an
//! `application/problem+json` body (RFC 9457). Only the client's own mistakes are 4xx; a busy or
//! unreachable database is 503; anything else is 500 with the cause logged and not sent.

use actix_web::{
    http::{header, StatusCode},
    HttpResponse, ResponseError,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::FieldError;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body or parameters are invalid; each field says what is wrong (422).
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The request cannot be read at all (malformed JSON, bad path value) (400); the field
    /// error names the part concerned (`body` for the whole body) and its code.
    #[error("bad request: {0}")]
    BadRequest(FieldError),
    /// No or invalid credentials (401).
    #[error("unauthorized")]
    Unauthorized(&'static str),
    /// Authenticated, but this role may not do this (403).
    #[error("forbidden")]
    Forbidden(&'static str),
    /// The resource does not exist or is not the caller's to see (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with the current state (409); `existing_id` points at the
    /// resource it collides with.
    #[error("conflict: {detail}")]
    Conflict {
        /// What conflicts.
        detail: String,
        /// The id of the existing resource, when there is one.
        existing_id: Option<String>,
    },
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
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict {
            detail: detail.into(),
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
        Self::Unauthorized("this account no longer exists")
    }

    /// A validation error for a single field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A validation error for a single field with its code.
    pub fn field(error: FieldError) -> Self {
        Self::Validation(vec![error])
    }

    /// A 400 naming the field.
    pub fn bad_field(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::BadRequest(FieldError::new(field, detail))
    }

    /// A 400 for a body that is not (one) JSON object, or could not be read.
    pub fn malformed_json() -> Self {
        Self::BadRequest(
            FieldError::new("body", "the body is not valid JSON")
                .code(crate::domain::FieldErrorCode::MalformedJson),
        )
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation-error",
            Self::BadRequest(_) => "bad-request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict { .. } => "conflict",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::HeadersTooLarge(_) => "request-header-fields-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::RequestTimeout => "request-timeout",
            Self::TooManyRequests(_) => "too-many-requests",
            Self::Unavailable(_) => "service-unavailable",
            Self::Internal(_) => "internal-error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                _ => format!("{} fields are invalid", errors.len()),
            },
            Self::BadRequest(error) => error.to_string(),
            Self::Unauthorized(why) | Self::Forbidden(why) => (*why).to_owned(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::Conflict { detail, .. } => detail.clone(),
            Self::PayloadTooLarge(limit) => {
                format!("the request body is larger than {limit} bytes")
            }
            Self::HeadersTooLarge(limit) => {
                format!("the request headers are larger than {limit} bytes")
            }
            Self::UnsupportedMediaType => "send the body as application/json".into(),
            Self::RequestTimeout => "the request body did not arrive in time".into(),
            Self::TooManyRequests(secs) => format!("too many requests; try again in {secs} s"),
            Self::Unavailable(_) => {
                "the service is temporarily unavailable; try again shortly".into()
            }
            Self::Internal(_) => "an unexpected error occurred; it has been logged".into(),
        }
    }

    /// The problem+json body for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let errors = match self {
            Self::Validation(errors) => errors.clone(),
            Self::BadRequest(error) => vec![error.clone()],
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("urn:hulpmarkt:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            errors,
            existing_id: match self {
                Self::Conflict { existing_id, .. } => existing_id.clone(),
                _ => None,
            },
        }
    }
}

/// An RFC 9457 problem document, the body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "urn:hulpmarkt:problem:validation-error", "title": "Unprocessable Entity",
    "status": 422, "detail": "postcode: a postcode is four digits", "errors": [{"field": "postcode", "code": "invalid_format", "message": "a postcode is four digits"}]}))]
pub struct Problem {
    /// A URN naming the kind of problem, stable across releases.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem (the HTTP reason phrase).
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// For invalid input: each invalid field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a conflict with an existing resource: its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
}

impl Problem {
    /// A problem for a bare status code (used by the catch-all error handler).
    pub fn for_status(status: StatusCode, detail: impl Into<String>) -> Self {
        let slug = match status.as_u16() {
            404 => "not-found".to_owned(),
            405 => "method-not-allowed".to_owned(),
            _ => status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
                .replace(' ', "-"),
        };
        Self {
            problem_type: format!("urn:hulpmarkt:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            existing_id: None,
        }
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
        match self {
            // The cause stays in the log; the client gets the generic detail.
            Self::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            // Shed load comes in floods: counted, and logged at most every few seconds.
            Self::Unavailable(cause) => crate::telemetry::shed::record(cause),
            _ => {}
        }
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
            // The rest of the body may still be on its way: close rather than read it.
            Self::RequestTimeout => {
                response.force_close();
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => Self::NotFound("resource"),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(format!(
                    "write conflict: {}",
                    loggable_database_message(info.as_ref())
                ))
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(format!(
                    "connection closed: {}",
                    loggable_database_message(info.as_ref())
                ))
            }
            // A unique index refused a row that a concurrent change stored first (two
            // proposals for one request, say): the state changed under this request.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Self::Conflict {
                detail: format!(
                    "this conflicts with a change made at the same moment ({}); reload and try again",
                    info.constraint_name().unwrap_or("a unique rule")
                ),
                existing_id: None,
            },
            // PostgreSQL broke a deadlock by failing this transaction: nothing was stored.
            Error::DatabaseError(_, ref info) if info.message().contains("deadlock detected") => {
                Self::Unavailable("write conflict: deadlock; nothing was stored, try again".into())
            }
            // SQLite reports a busy database (another writer past busy_timeout) as "database is locked".
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                Self::Unavailable("database busy".into())
            }
            Error::DatabaseError(kind, info) => Self::Internal(anyhow::anyhow!(
                "database error ({kind:?}): {}",
                loggable_database_message(info.as_ref())
            )),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

/// A database error as it may be logged: the server's message with every quoted part
/// replaced (PostgreSQL quotes the offending value in messages such as `invalid input syntax
/// for type uuid: "…"`), plus the table, column and constraint names. The detail and hint
/// (`Key (email)=(…) already exists`, `Failing row contains (…)`) are never included: they
/// carry the bound values, which may be personal data.
fn loggable_database_message(info: &dyn diesel::result::DatabaseErrorInformation) -> String {
    let mut out = String::with_capacity(info.message().len());
    let mut quote: Option<char> = None;
    for c in info.message().chars() {
        match quote {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    for (name, value) in [
        ("table", info.table_name()),
        ("column", info.column_name()),
        ("constraint", info.constraint_name()),
    ] {
        if let Some(value) = value {
            out.push_str(&format!(" {name}={value}"));
        }
    }
    out
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(format!("no database connection: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        Self::Unavailable("blocking pool shut down".into())
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
