//! Signing in and out of the workplace, and choosing the language. Signing in is the one
//! sign-in check of the JSON API (`auth::credentials`: rate limits, argon2id, the same answer
//! for an unknown address and a wrong password); only case workers get a session.

use actix_web::{
    cookie::time::Duration as CookieAge, get, http::header, http::StatusCode, post, web,
    HttpRequest, HttpResponse,
};
use askama::Template;

use super::{
    form::FormData,
    page::{render, Chrome, Failure, Notice, WebError},
    session::{
        cookie, lang_of, removal, tokens_match, WebCaseWorker, LANG_COOKIE, LOGIN_COOKIE,
        SESSION_COOKIE,
    },
};
use crate::{
    auth::{credentials, tokens::random_token},
    db,
    error::AppError,
    services::web_sessions,
    state::AppState,
};

/// The login page.
#[derive(Template)]
#[template(path = "werkplek/login.html")]
struct LoginPage {
    c: Chrome,
    notice: Option<Notice>,
    login_csrf: String,
    email: String,
}

/// Renders the login form with a fresh login CSRF cookie.
fn login_form(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    notice: Option<Notice>,
    email: String,
) -> HttpResponse {
    let lang = lang_of(req);
    let token = random_token();
    let page = LoginPage {
        c: Chrome::anonymous(lang, lang.words().login_title, "/werkplek/inloggen"),
        notice,
        login_csrf: token.clone(),
        email,
    };
    let mut response = render(status, &page);
    let _ = response.add_cookie(&cookie(state, LOGIN_COOKIE, token, None));
    response
}

/// `/werkplek/`: the queue (which sends a visitor without a session to the login page).
#[get("/")]
pub async fn start() -> HttpResponse {
    see_other("/werkplek/zaken")
}

/// A 303 to `to`.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// The login form, with why one is here (signed out, session ended).
#[get("/inloggen")]
pub async fn login_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let (lang, query) = (lang_of(&req), req.query_string());
    let t = lang.words();
    let notice = if query.contains("verlopen=1") {
        Some(Notice::bad(t.session_expired))
    } else if query.contains("uit=1") {
        Some(Notice::ok(t.logged_out))
    } else {
        None
    };
    login_form(&state, &req, StatusCode::OK, notice, String::new())
}

/// Signs in: the login form's CSRF cookie must match, the credentials must hold, and the
/// account must be a case worker's; then a session is opened and its cookie set.
#[post("/inloggen")]
pub async fn log_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = lang_of(&req);
    let t = lang.words();
    let form = FormData::parse(&body).map_err(|_| WebError::field(lang, "form", ""))?;
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_owned());
    if !tokens_match(form.get("csrf"), expected.as_deref().unwrap_or_default()) {
        return Err(WebError::new(lang, Failure::Csrf));
    }
    let email = form.get("email").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let ip = req.peer_addr().map(|a| a.ip());
    let refuse = |status, text: &str| {
        Ok(login_form(
            &state,
            &req,
            status,
            Some(Notice::bad(text)),
            email.clone(),
        ))
    };
    let signed_in = match credentials::check(&state, ip, &email, password).await {
        Ok(signed_in) => signed_in,
        Err(AppError::Unauthorized(_)) => return refuse(StatusCode::UNAUTHORIZED, t.login_wrong),
        Err(AppError::TooManyRequests(_)) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, t.login_too_many)
        }
        Err(other) => return Err(WebError::from_app(lang, other)),
    };
    if !web_sessions::may_use_workplace(&signed_in.user) {
        return refuse(StatusCode::FORBIDDEN, t.login_refused);
    }
    let signed = std::sync::Arc::new(signed_in);
    let (times, now, within) = (
        state.settings.web.times(),
        state.clock.now_naive(),
        signed.clone(),
    );
    let session_id = db::transaction(&state.pool, move |conn| {
        within.upgrade_hash(conn)?;
        web_sessions::open(conn, &within.user, times, now)
    })
    .await
    .map_err(|e| WebError::from_app(lang, e))?;
    signed.succeeded(&state);
    let mut response = see_other("/werkplek/zaken");
    let _ = response.add_cookie(&cookie(&state, SESSION_COOKIE, session_id, None));
    let _ = response.add_cookie(&removal(&state, LOGIN_COOKIE));
    Ok(response)
}

/// Signs out: the session's row is deleted, so the cookie is worth nothing from now on.
#[post("/uitloggen")]
pub async fn log_out(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    worker.form(&body)?;
    let (lang, id) = (worker.lang, worker.session_id.clone());
    db::transaction(&state.pool, move |conn| web_sessions::end(conn, &id))
        .await
        .map_err(|e| WebError::from_app(lang, e))?;
    let mut response = see_other("/werkplek/inloggen?uit=1");
    let _ = response.add_cookie(&removal(&state, SESSION_COOKIE));
    Ok(response)
}

/// Sets the language (`?lang=nl|en`) for a year and returns to `terug`, a page of the
/// workplace (anything else goes to the start: no open redirect).
#[get("/taal")]
pub async fn choose_language(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let lang = lang_of(&req);
    let back = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "terug")
        .map(|(_, v)| v.into_owned())
        .filter(|to| to.starts_with("/werkplek/") && !to.contains("//") && !to.contains('\\'))
        .unwrap_or_else(|| "/werkplek/".to_owned());
    // The page returned to must not switch back: drop its own `lang` parameter.
    let back = strip_lang(&back);
    let mut response = see_other(&back);
    let year = Some(CookieAge::days(365));
    let _ = response.add_cookie(&cookie(&state, LANG_COOKIE, lang.code().to_owned(), year));
    response
}

/// `to` without a `lang` query parameter.
fn strip_lang(to: &str) -> String {
    let Some((path, query)) = to.split_once('?') else {
        return to.to_owned();
    };
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn the_page_returned_to_keeps_its_filters_but_not_its_language() {
        assert_eq!(strip_lang("/werkplek/zaken"), "/werkplek/zaken");
        assert_eq!(strip_lang("/werkplek/zaken?lang=en"), "/werkplek/zaken");
        assert_eq!(
            strip_lang("/werkplek/zaken?domain=wmo&lang=en&page=2"),
            "/werkplek/zaken?domain=wmo&page=2"
        );
        assert_eq!(Lang::parse("en").code(), "en");
    }
}
