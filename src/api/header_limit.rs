//! The limit on request headers, answered as problem+json. actix-http answers heads that do not
//! parse, or do not fit its 128 KiB read buffer or 96 header slots, with a bare 400 or 431 from
//! its connection dispatcher, before any request or middleware exists (issue 26); heads that
//! parse but are larger than an API needs get a problem+json 431 here instead.

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    Error,
};

use crate::error::AppError;

/// Largest total size of a request's header names and values, in bytes (an access token is
/// well under 1 KiB; the API sets no cookies).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Middleware: 431 problem+json for a request whose headers exceed [`MAX_HEADER_BYTES`].
pub async fn limit_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let size: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if size > MAX_HEADER_BYTES {
        // An answer rather than an error, so that the request is logged and counted as such.
        let problem =
            actix_web::HttpResponse::from_error(AppError::HeadersTooLarge(MAX_HEADER_BYTES));
        return Ok(req.into_response(problem).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
