//! The human-readable API reference at `/api/v1/docs/`: Swagger UI rendering
//! `/api/v1/openapi.json`.
//!
//! Why Swagger UI through `utoipa-swagger-ui` with its `vendored` feature: its assets come from
//! the `utoipa-swagger-ui-vendored` crate (a zip inside the crate, unpacked at build time and
//! embedded in the binary), so neither the build nor the running service needs the internet.
//! Without `vendored` the build script downloads the zip; the Redoc, Scalar and RapiDoc
//! integrations serve HTML that loads their JavaScript from a CDN at run time. The online
//! validator badge is switched off so the page makes no outside request either.

use utoipa_swagger_ui::{Config, SwaggerUi};

/// Where the reference page lives (with a trailing slash; the bare path redirects here).
pub const DOCS_PATH: &str = "/api/v1/docs/";

/// The Swagger UI service: the page and its embedded assets under [`DOCS_PATH`].
pub fn reference_page() -> SwaggerUi {
    SwaggerUi::new("/api/v1/docs/{_:.*}").config(
        Config::new(["/api/v1/openapi.json"])
            .validator_url("none")
            .try_it_out_enabled(false)
            .display_operation_id(true),
    )
}
