//! Every error the API gives, asked for in Dutch and in English: the words come from the
//! catalogue in the language asked for (`Content-Language` says which), they differ between
//! the languages, nothing of Fluent or serde shows, and the codes are the same in both.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    error_codes::{bad_help_requests, bad_offers, documented_codes, SERDE_WORDS},
    help_request_validation::invalid_help_requests,
    help_requests::{post_request, request_body},
    helpers::{json_with_status, TestApp},
    matching::{act, my_matches},
    offers::{offer_body, post_offer},
};

/// One request that must fail with `status`.
struct Case {
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<(&'static str, String)>,
    status: u16,
}

impl Case {
    fn post(path: &str, token: &str, body: &Value, status: u16) -> Self {
        Self::raw(path, token, "application/json", body.to_string(), status)
    }

    fn raw(path: &str, token: &str, content_type: &'static str, body: String, status: u16) -> Self {
        Self {
            method: Method::POST,
            path: path.to_owned(),
            token: Some(token.to_owned()),
            body: Some((content_type, body)),
            status,
        }
    }

    fn get(path: &str, token: Option<&str>, status: u16) -> Self {
        Self {
            method: Method::GET,
            path: path.to_owned(),
            token: token.map(str::to_owned),
            body: None,
            status,
        }
    }
}

/// The answer to `case` in `language`: its problem body, after checking the status, the
/// media type and `Content-Language`.
async fn ask(app: &TestApp, case: &Case, language: &str) -> Value {
    let mut request = app
        .client
        .request(case.method.clone(), app.url(&case.path))
        .header("accept-language", language);
    if let Some(token) = &case.token {
        request = request.bearer_auth(token);
    }
    if let Some((content_type, body)) = &case.body {
        request = request
            .header("content-type", *content_type)
            .body(body.clone());
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let what = format!("{} {} in {language}", case.method, case.path);
    assert_eq!(header("content-language"), language, "{what}");
    assert_eq!(header("content-type"), "application/problem+json", "{what}");
    json_with_status(response, case.status).await
}

/// The texts of a problem a person reads: title, detail, and each field's message.
fn texts(problem: &Value) -> Vec<String> {
    let mut texts = vec![
        problem["title"].as_str().unwrap_or("").to_owned(),
        problem["detail"].as_str().unwrap_or("").to_owned(),
    ];
    for error in problem["errors"].as_array().into_iter().flatten() {
        texts.push(error["message"].as_str().unwrap_or("").to_owned());
    }
    texts
}

/// What a program reads, which must not depend on the language.
fn codes(problem: &Value) -> Value {
    let errors: Vec<Value> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| json!([e["field"], e["code"], e["params"]]))
        .collect();
    json!([
        problem["type"],
        problem["status"],
        problem["reason"],
        errors
    ])
}

/// A text a person can read: not empty, no Fluent placeable or message id, no serde words.
fn assert_readable(text: &str, problem: &Value) {
    assert!(!text.trim().is_empty(), "empty text in {problem}");
    assert!(
        !text.contains('{') && !text.contains('}'),
        "{text:?} in {problem}"
    );
    let id_like = text
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    assert!(!id_like, "a raw message id {text:?} in {problem}");
    for word in SERDE_WORDS {
        assert!(!text.contains(word), "serde text {word:?} in {problem}");
    }
}

async fn check_both(app: &TestApp, case: &Case, documented: &[String]) {
    let nl = ask(app, case, "nl").await;
    let en = ask(app, case, "en").await;
    assert_eq!(codes(&nl), codes(&en), "{} {}", case.method, case.path);
    for error in nl["errors"].as_array().into_iter().flatten() {
        let code = error["code"].as_str().unwrap();
        assert!(
            documented.iter().any(|d| d == code),
            "{code} not documented"
        );
    }
    let (nl_texts, en_texts) = (texts(&nl), texts(&en));
    assert_eq!(nl_texts.len(), en_texts.len());
    for (dutch, english) in nl_texts.iter().zip(&en_texts) {
        assert_readable(dutch, &nl);
        assert_readable(english, &en);
        assert_ne!(dutch, english, "the same in both languages: {nl} / {en}");
    }
}

#[actix_web::test]
async fn every_error_reads_in_dutch_and_in_english() {
    let app = TestApp::spawn_with(|s| s.body_limit = 32 * 1024).await;
    let documented = documented_codes();
    let anna = app.resident().await;
    let vera = app.volunteer().await;
    let requests = "/api/v1/help-requests";
    let mut cases = Vec::new();
    for (body, _, _) in bad_help_requests() {
        cases.push(Case::post(requests, &anna.token, &body, 422));
    }
    for (body, status, _) in invalid_help_requests() {
        cases.push(Case::post(requests, &anna.token, &body, status));
    }
    for (body, _, _) in bad_offers() {
        cases.push(Case::post("/api/v1/offers", &vera.token, &body, 422));
    }
    for (raw, status) in [(r#"{"title": "#, 400), ("", 400), ("[1, 2]", 422)] {
        let json = "application/json";
        cases.push(Case::raw(requests, &anna.token, json, raw.into(), status));
    }
    for query in ["?page=0", "?per_page=abc", "?status=woensdag"] {
        let path = format!("/api/v1/matches{query}");
        cases.push(Case::get(&path, Some(&vera.token), 422));
    }
    // 401 without and with a broken token, 403 for a resident at the case workers' queue.
    cases.push(Case::get("/api/v1/matches", None, 401));
    cases.push(Case::get("/api/v1/matches", Some("not-a-token"), 401));
    cases.push(Case::get("/api/v1/cases", Some(&anna.token), 403));
    // 404 for an unknown request and an unknown route, 405 for a known path.
    let unknown = format!("{requests}/{}", uuid::Uuid::new_v4());
    cases.push(Case::get(&unknown, Some(&anna.token), 404));
    cases.push(Case::get("/api/v1/nothing-here", None, 404));
    cases.push(Case {
        method: Method::DELETE,
        path: "/api/v1/categories".into(),
        token: None,
        body: None,
        status: 405,
    });
    // 413 and 415.
    let huge = json!({"title": "x".repeat(40 * 1024)}).to_string();
    cases.push(Case::raw(
        requests,
        &anna.token,
        "application/json",
        huge,
        413,
    ));
    let text = "text/plain";
    cases.push(Case::raw(requests, &anna.token, text, "hello".into(), 415));
    // 409: a proposal accepted twice, an offer withdrawn twice.
    let offer = post_offer(&app, &vera, &offer_body()).await;
    post_request(&app, &anna, &request_body()).await;
    let proposal = my_matches(&app, &vera).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    json_with_status(act(&app, &vera, &proposal, "accept").await, 200).await;
    let accept = format!("/api/v1/matches/{proposal}/accept");
    cases.push(Case::post(&accept, &vera.token, &json!({}), 409));
    let withdraw = format!("/api/v1/offers/{}/withdraw", offer["id"].as_str().unwrap());
    json_with_status(
        app.post_json(&withdraw, &json!({}), Some(&vera.token))
            .await,
        200,
    )
    .await;
    cases.push(Case::post(&withdraw, &vera.token, &json!({}), 409));

    for case in &cases {
        check_both(&app, case, &documented).await;
    }
    assert!(cases.len() > 50, "{} cases", cases.len());
}

#[actix_web::test]
async fn dutch_is_the_default_and_successes_say_their_language_too() {
    let app = TestApp::spawn().await;
    for (asked, answered) in [
        (None, "nl"),
        (Some("fr-FR, de;q=0.8"), "nl"),
        (Some("en-GB,en;q=0.9,nl;q=0.8"), "en"),
        (Some("nl-BE"), "nl"),
    ] {
        let mut request = app.client.get(app.url("/api/v1/nothing-here"));
        if let Some(asked) = asked {
            request = request.header("accept-language", asked);
        }
        let response = request.send().await.unwrap();
        let language = response.headers()["content-language"].to_str().unwrap();
        assert_eq!(language, answered, "{asked:?}");
        let body: Value = response.json().await.unwrap();
        let title = body["title"].as_str().unwrap();
        assert_eq!(title == "Niet gevonden", answered == "nl", "{title}");
    }
    let categories = app.get("/api/v1/categories").await;
    assert_eq!(categories.status(), 200);
    assert_eq!(categories.headers()["content-language"], "nl");
}
