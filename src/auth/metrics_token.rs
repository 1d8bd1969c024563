//! Who may read `/metrics`: whoever presents `HULPMARKT_METRICS_TOKEN` as a bearer token. The
//! metrics show routes, traffic and the notification backlog, so they are not public: without
//! a configured token the endpoint answers 404 as if it did not exist.

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use subtle::ConstantTimeEq;

use crate::{config::Secret, error::AppError, state::AppState};

/// A request that presented the metrics token.
#[derive(Debug)]
pub struct MetricsScraper;

/// 404 when no token is configured, 401 when the request's bearer token is not it.
pub fn check(configured: Option<&Secret>, authorization: Option<&str>) -> Result<(), AppError> {
    let Some(configured) = configured.filter(|t| !t.expose().is_empty()) else {
        return Err(AppError::NotFound("not-found-route"));
    };
    let presented = authorization
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Constant time, so the answer's timing does not reveal how much of a guess was right.
    if bool::from(presented.as_bytes().ct_eq(configured.expose().as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Unauthorized("unauthorized-metrics-token"))
    }
}

impl FromRequest for MetricsScraper {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let configured = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| state.settings.metrics_token.clone());
        let authorization = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        std::future::ready(check(configured.as_ref(), authorization).map(|()| MetricsScraper))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_configured_token_opens_the_metrics() {
        let token = Secret::new("s3cret-token");
        assert!(matches!(
            check(None, Some("Bearer x")),
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            check(Some(&Secret::new("")), Some("Bearer ")),
            Err(AppError::NotFound(_))
        ));
        assert!(check(Some(&token), Some("Bearer s3cret-token")).is_ok());
        for wrong in [
            None,
            Some("Bearer s3cret"),
            Some("s3cret-token"),
            Some("Bearer "),
        ] {
            assert!(
                matches!(check(Some(&token), wrong), Err(AppError::Unauthorized(_))),
                "{wrong:?}"
            );
        }
    }
}
