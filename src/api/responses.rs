//! The error responses of the API as reusable OpenAPI components: every 4xx/5xx answer is an
//! `application/problem+json` [`Problem`]. Handlers name them in `#[utoipa::path]` as
//! `(status = 404, response = NotFound)`; [`super::openapi`] adds the ones that shared
//! extractors produce (body, query, path, authentication) to every operation that uses them.

use utoipa::ToResponse;

use crate::error::Problem;

/// Declares one problem+json response component.
macro_rules! problem_response {
    ($(#[$meta:meta])* $name:ident, $status:literal, $slug:literal, $title:literal, $detail:literal
        $(, headers($($headers:tt)*))?) => {
        $(#[$meta])*
        #[derive(ToResponse)]
        #[response(content_type = "application/problem+json",
            example = json!({"type": concat!("urn:hulpmarkt:problem:", $slug), "title": $title,
                "status": $status, "detail": $detail})
            $(, headers($($headers)*))?)]
        pub struct $name(#[allow(dead_code)] Problem);
    };
}

problem_response!(
    /// The request cannot be read: malformed JSON (or data after the object) or a malformed
    /// path value (`errors[].field` names it).
    BadRequest, 400, "bad-request", "Bad Request", "body: the body is not valid JSON"
);
problem_response!(
    /// No access token, or one that is invalid or expired.
    Unauthorized, 401, "unauthorized", "Unauthorized",
    "sign in first: send Authorization: Bearer <access token>",
    headers(("WWW-Authenticate" = String, description = "Always `Bearer`"))
);
problem_response!(
    /// Signed in, but this role may not do this.
    Forbidden, 403, "forbidden", "Forbidden", "this is for municipal case workers"
);
problem_response!(
    /// The resource does not exist or is not the caller's to see; malformed ids are answered
    /// the same way.
    NotFound, 404, "not-found", "Not Found", "resource not found"
);
problem_response!(
    /// The request conflicts with the current state (`existing_id` may name the other
    /// resource).
    Conflict, 409, "conflict", "Conflict", "an account with this e-mail address already exists"
);
problem_response!(
    /// The body did not arrive within the configured time (10 s by default); the connection
    /// is closed.
    RequestTimeout, 408, "request-timeout", "Request Timeout",
    "the request body did not arrive in time"
);
problem_response!(
    /// The body is larger than the configured limit (64 KiB by default).
    PayloadTooLarge, 413, "payload-too-large", "Payload Too Large",
    "the request body is larger than 65536 bytes"
);
problem_response!(
    /// The body is not sent as `application/json`.
    UnsupportedMediaType, 415, "unsupported-media-type", "Unsupported Media Type",
    "send the body as application/json"
);
problem_response!(
    /// Invalid input: `errors[]` lists each field (`field`, `message`).
    ValidationFailed, 422, "validation-error", "Unprocessable Entity",
    "email: an e-mail address looks like name@example.nl"
);
problem_response!(
    /// Too many attempts; try again after `Retry-After` seconds.
    TooManyRequests, 429, "too-many-requests", "Too Many Requests",
    "too many requests; try again in 12 s",
    headers(("Retry-After" = u64, description = "Seconds to wait"))
);
problem_response!(
    /// The database (or the password hashing queue) is busy or unreachable; retry after
    /// `Retry-After` seconds.
    Unavailable, 503, "service-unavailable", "Service Unavailable",
    "the service is temporarily unavailable; try again shortly",
    headers(("Retry-After" = u64, description = "Seconds to wait"))
);
