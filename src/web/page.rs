//! What every workplace page shares: the frame (`Chrome`: language, words, who is signed
//! in, the CSRF token), rendering with the security headers, and the error pages. An error
//! is a Dutch (or English) page with the right status, never problem+json and never a bare
//! 500: the causes of a 500 are logged, not shown.

use actix_web::{
    http::{header, StatusCode},
    HttpRequest, HttpResponse, ResponseError,
};
use askama::Template;

use super::{
    i18n::{Lang, Words},
    labels,
};
use crate::error::AppError;

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// `nl` or `en`, for `<html lang>`.
    pub lang: &'static str,
    /// The words of that language.
    pub t: &'static Words,
    /// The page's own title (before the app's name).
    pub title: String,
    /// The signed-in case worker's name; `None` on the login and error pages.
    pub user_name: Option<String>,
    /// Whether they are an admin too (the administration page is theirs).
    pub is_admin: bool,
    /// Their municipality's name.
    pub municipality: String,
    /// The session's CSRF token, for every form.
    pub csrf: String,
    /// The link that shows this page in the other language.
    pub switch_href: String,
    /// The other language's code, for the link's `lang` and `hreflang`.
    pub other_lang: &'static str,
    /// The stylesheet's address.
    pub css: &'static str,
}

impl Chrome {
    /// A frame without a signed-in user (login, errors).
    pub fn anonymous(lang: Lang, title: &str, here: &str) -> Self {
        Self {
            lang: lang.code(),
            t: lang.words(),
            title: title.to_owned(),
            user_name: None,
            is_admin: false,
            municipality: String::new(),
            csrf: String::new(),
            switch_href: switch_href(lang, here),
            other_lang: lang.other().code(),
            css: super::assets::STYLESHEET_HREF,
        }
    }
}

/// The link to `here` in the other language (through `/werkplek/taal`, which sets the cookie).
pub fn switch_href(lang: Lang, here: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("lang", lang.other().code())
        .append_pair("terug", here)
        .finish();
    format!("/werkplek/taal?{query}")
}

/// The path and query of `req`, where a language switch returns to.
pub fn here(req: &HttpRequest) -> String {
    match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    }
}

/// Renders `template` as an HTML page with `status`; personal data is never cached, and
/// the policy allows nothing but this origin's stylesheet (no script runs at all).
pub fn render(status: StatusCode, template: &impl Template) -> HttpResponse {
    match template.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'",
            ))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::REFERRER_POLICY, "same-origin"))
            .body(body),
        Err(error) => {
            tracing::error!(%error, "rendering a workplace page failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("500")
        }
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum Failure {
    /// Not signed in, or the session ended: to the login page.
    SignIn {
        /// The session existed but ended (idle, expired, account changed).
        ended: bool,
    },
    /// A form without its CSRF token, or with a wrong one (403).
    Csrf,
    /// No such page or case in the caller's municipality (404).
    NotFound,
    /// Input that cannot be used: each field's label and what is wrong (400 or 422).
    Fields(StatusCode, Vec<(String, String)>),
    /// The database is busy or down (503).
    Busy,
    /// A bug; logged (500).
    Internal,
}

/// A failed page, in the language of the request.
#[derive(Debug)]
pub struct WebError {
    /// The page's language.
    pub lang: Lang,
    /// What went wrong.
    pub failure: Failure,
}

impl WebError {
    /// `failure` in `lang`.
    pub fn new(lang: Lang, failure: Failure) -> Self {
        Self { lang, failure }
    }

    /// A 400 naming one field.
    pub fn field(lang: Lang, field: &str, message: &str) -> Self {
        Self::new(
            lang,
            Failure::Fields(
                StatusCode::BAD_REQUEST,
                vec![(labels::field(lang, field), message.to_owned())],
            ),
        )
    }

    /// A 400 naming the field a domain type refused, with its reason from the catalogue.
    pub fn refused(lang: Lang, field: &str, error: &crate::domain::FieldError) -> Self {
        Self::field(
            lang,
            field,
            &crate::i18n::field_message(language(lang), error),
        )
    }

    /// A service's error as a page: its fields named, a lost race said plainly.
    pub fn from_app(lang: Lang, error: AppError) -> Self {
        // The services' reasons come from the API's catalogue, in the page's language.
        let detail = |f: &crate::domain::FieldError| crate::i18n::field_message(language(lang), f);
        let failure = match error {
            AppError::NotFound(_) => Failure::NotFound,
            AppError::Validation(fields) => Failure::Fields(
                StatusCode::UNPROCESSABLE_ENTITY,
                fields
                    .into_iter()
                    .map(|f| (labels::field(lang, &f.field), detail(&f)))
                    .collect(),
            ),
            AppError::BadRequest(f) => Failure::Fields(
                StatusCode::BAD_REQUEST,
                vec![(labels::field(lang, &f.field), detail(&f))],
            ),
            AppError::Conflict {
                detail: message, ..
            } => Failure::Fields(
                StatusCode::CONFLICT,
                vec![(
                    lang.words().conflict.to_owned(),
                    crate::i18n::render(language(lang), &message),
                )],
            ),
            AppError::Unauthorized(_) => Failure::SignIn { ended: true },
            AppError::Forbidden(_) => Failure::Csrf,
            AppError::Unavailable(_) | AppError::TooManyRequests(_) => Failure::Busy,
            other => {
                tracing::error!(error = %other, "workplace request failed");
                Failure::Internal
            }
        };
        Self::new(lang, failure)
    }
}

/// The catalogue's language for a workplace language.
pub(crate) fn language(lang: Lang) -> crate::domain::Language {
    match lang {
        Lang::Nl => crate::domain::Language::Nl,
        Lang::En => crate::domain::Language::En,
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "workplace page failed: {:?}", self.failure)
    }
}

/// The page of a failure.
#[derive(Template)]
#[template(path = "werkplek/error.html")]
struct ErrorPage {
    c: Chrome,
    message: &'static str,
    fields: Vec<(String, String)>,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match &self.failure {
            Failure::SignIn { .. } => StatusCode::SEE_OTHER,
            Failure::Csrf => StatusCode::FORBIDDEN,
            Failure::NotFound => StatusCode::NOT_FOUND,
            Failure::Fields(status, _) => *status,
            Failure::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Failure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let t = self.lang.words();
        let (message, fields) = match &self.failure {
            Failure::SignIn { ended } => {
                let to = if *ended {
                    "/werkplek/inloggen?verlopen=1"
                } else {
                    "/werkplek/inloggen"
                };
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, to))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish();
            }
            Failure::Csrf => (t.err_403, Vec::new()),
            Failure::NotFound => (t.err_404, Vec::new()),
            Failure::Fields(_, fields) => (t.err_field, fields.clone()),
            Failure::Busy => (t.err_busy, Vec::new()),
            Failure::Internal => (t.err_internal, Vec::new()),
        };
        let page = ErrorPage {
            c: Chrome::anonymous(self.lang, t.err_title, "/werkplek/"),
            message,
            fields,
        };
        render(self.status_code(), &page)
    }
}

/// The workplace's answer to a path it does not have.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    WebError::new(super::session::lang_of(&req), Failure::NotFound).error_response()
}

/// A message at the top of a page: what happened, or what went wrong.
#[derive(Debug, Clone)]
pub struct Notice {
    /// `ok`, `warn` or `bad` (the style).
    pub class: &'static str,
    /// `status` (read out politely) or `alert` (at once).
    pub role: &'static str,
    /// The text.
    pub text: String,
}

impl Notice {
    /// Something worked.
    pub fn ok(text: impl Into<String>) -> Self {
        Self {
            class: "ok",
            role: "status",
            text: text.into(),
        }
    }

    /// Something did not work.
    pub fn bad(text: impl Into<String>) -> Self {
        Self {
            class: "bad",
            role: "alert",
            text: text.into(),
        }
    }
}
