//! The OpenAPI document, generated from the handlers' annotations and served as JSON.

use actix_web::{get, HttpResponse};
use utoipa::OpenApi;

use super::{gazetteer, health};

/// The API description of Hulpmarkt v1.
#[derive(OpenApi)]
#[openapi(
    info(title = "Hulpmarkt API", version = "1.0.0",
        description = "Matches neighbourly help requests with volunteer offers for Dutch municipalities, with the municipality as fallback.",
        license(name = "EUPL-1.2")),
    paths(
        health::healthz, health::readyz, health::metrics, openapi_json,
        gazetteer::get_postcode, gazetteer::list_municipalities, gazetteer::get_municipality,
    ),
    components(schemas(crate::error::Problem, crate::domain::FieldError)),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "reference data", description = "Postcodes, municipalities and the category taxonomy"),
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
