//! The workplace's session as an extractor: [`WebCaseWorker`] in a handler's signature means
//! "a signed-in case worker, checked against their account on this request". The cookie
//! holds a random id (HttpOnly, SameSite=Strict, Secure unless turned off); the database
//! only its hash. Every POST reads its form through [`WebCaseWorker::form`], which refuses a
//! missing or wrong CSRF token (403), so no handler can forget the check.

use std::{future::Future, pin::Pin};

use actix_web::{
    cookie::{time::Duration as CookieAge, Cookie, SameSite},
    dev::Payload,
    web, FromRequest, HttpRequest,
};
use subtle::ConstantTimeEq;

use super::{
    form::FormData,
    i18n::Lang,
    page::{Chrome, Failure, WebError},
};
use crate::{
    db::{self, users::User},
    domain::UserId,
    services::{case_decisions::Worker, web_sessions},
    state::AppState,
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "hulpmarkt_werkplek";
/// The language cookie.
pub const LANG_COOKIE: &str = "hulpmarkt_taal";
/// The login form's own CSRF cookie (there is no session yet to bind it to).
pub const LOGIN_COOKIE: &str = "hulpmarkt_inlog";

/// The language of `req`: `?lang=` first, then the cookie, then Dutch.
pub fn lang_of(req: &HttpRequest) -> Lang {
    let asked = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| Lang::parse(&v));
    asked
        .or_else(|| req.cookie(LANG_COOKIE).map(|c| Lang::parse(c.value())))
        .unwrap_or_default()
}

/// A cookie of the workplace with `value`: HttpOnly, SameSite=Strict, only under
/// `/werkplek`, Secure as configured; `None` as the age makes it last for the browser's
/// session.
pub fn cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age: Option<CookieAge>,
) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, value)
        .path("/werkplek")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.web.cookie_secure)
        .finish();
    if let Some(age) = max_age {
        cookie.set_max_age(age);
    }
    cookie
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    cookie(state, name, String::new(), Some(CookieAge::ZERO))
}

/// Whether `presented` equals `expected`, compared in constant time.
pub fn tokens_match(presented: Option<&str>, expected: &str) -> bool {
    match presented {
        Some(p) if !expected.is_empty() => p.as_bytes().ct_eq(expected.as_bytes()).into(),
        _ => false,
    }
}

/// A signed-in case worker of one municipality.
#[derive(Debug, Clone)]
pub struct WebCaseWorker {
    /// Their account, as read on this request.
    pub user: User,
    /// CBS code of their municipality; they see nothing of any other.
    pub municipality: String,
    /// The session id (from the cookie).
    pub session_id: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// The language of the page.
    pub lang: Lang,
}

impl WebCaseWorker {
    /// The case worker as the case services take them.
    pub fn worker(&self) -> Worker<'_> {
        Worker {
            id: &self.user.id,
            municipality: &self.municipality,
        }
    }

    /// Their id.
    pub fn id(&self) -> &UserId {
        &self.user.id
    }

    /// The frame of a page titled `title`, for the request `req`.
    pub fn chrome(&self, state: &AppState, title: &str, req: &HttpRequest) -> Chrome {
        let municipality = state
            .gazetteer
            .municipality(&self.municipality)
            .map_or_else(|| self.municipality.clone(), |m| m.name.clone());
        Chrome {
            user_name: Some(self.user.display_name.clone()),
            is_admin: self.user.is_admin,
            municipality,
            csrf: self.csrf.clone(),
            ..Chrome::anonymous(self.lang, title, &super::page::here(req))
        }
    }

    /// The posted form, once its CSRF token is the session's (403 otherwise) and it can be
    /// read at all (400 otherwise).
    pub fn form(&self, body: &[u8]) -> Result<FormData, WebError> {
        let form = FormData::parse(body).map_err(|_| WebError::field(self.lang, "form", ""))?;
        if !tokens_match(form.get("csrf"), &self.csrf) {
            return Err(WebError::new(self.lang, Failure::Csrf));
        }
        Ok(form)
    }
}

impl FromRequest for WebCaseWorker {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let lang = lang_of(req);
        let session_id = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let internal = || WebError::new(lang, Failure::Internal);
            let state = state.ok_or_else(internal)?;
            let Some(session_id) = session_id.filter(|s| !s.is_empty() && s.len() <= 100) else {
                return Err(WebError::new(lang, Failure::SignIn { ended: false }));
            };
            let (times, now) = (state.settings.web.times(), state.clock.now_naive());
            let id = session_id.clone();
            let live = db::run(&state.pool, move |conn| {
                web_sessions::check(conn, &id, times, now)
            })
            .await
            .map_err(|e| WebError::from_app(lang, e))?
            .ok_or(WebError::new(lang, Failure::SignIn { ended: true }))?;
            if live.needs_touch(times, now) {
                let id = session_id.clone();
                db::transaction(&state.pool, move |conn| web_sessions::touch(conn, &id, now))
                    .await
                    .map_err(|e| WebError::from_app(lang, e))?;
            }
            let municipality = live.user.municipality_code.clone().ok_or_else(internal)?;
            Ok(Self {
                user: live.user,
                municipality,
                csrf: web_sessions::csrf_token(&session_id),
                session_id,
                lang,
            })
        })
    }
}
