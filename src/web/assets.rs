//! The workplace's one stylesheet, embedded in the binary: nothing is fetched at run time and
//! nothing from elsewhere (the pages need no script; every form works without one).

use actix_web::{get, http::header, HttpResponse};

/// The stylesheet's text.
const STYLESHEET: &str = include_str!("assets/werkplek.css");

/// Serves the stylesheet; browsers keep it for a day (its URL carries the crate version, so a
/// new release is fetched anew).
#[get("/static/werkplek.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(STYLESHEET)
}

/// The stylesheet's address in pages.
pub const STYLESHEET_HREF: &str = concat!(
    "/werkplek/static/werkplek.css?v=",
    env!("CARGO_PKG_VERSION")
);
