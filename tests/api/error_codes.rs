//! Every field error carries a code the OpenAPI document lists, and serde's own words never
//! reach a client: a representative set of bad inputs from every validation path.

use serde_json::{json, Value};

use crate::{
    help_requests::{request_body, with, without},
    helpers::{problem, TestApp, TestUser},
    offers::offer_body,
};

/// Words of serde's and serde_json's messages, and the marker that carries domain errors
/// through serde; none may appear in an answer.
pub(crate) const SERDE_WORDS: [&str; 9] = [
    "invalid type",
    "invalid value",
    "missing field",
    "unknown field",
    "unknown variant",
    "expected ",
    "at line",
    "EOF while",
    "field-error:",
];

/// The field error codes the OpenAPI document lists.
pub(crate) fn documented_codes() -> Vec<String> {
    let doc: Value = serde_json::from_str(include_str!("../../api-spec/openapi.json")).unwrap();
    doc["components"]["schemas"]["FieldErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// Sends a raw body to `path` and returns the problem, asserting the status.
async fn send(app: &TestApp, user: &TestUser, path: &str, body: &str, status: u16) -> Value {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(&user.token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), status, "{body}");
    problem(response, status).await
}

/// Asserts every field error of `body` names `field` with `code` and nothing of serde.
fn check(body: &Value, field: &str, code: &str, codes: &[String]) {
    let text = body.to_string();
    for word in SERDE_WORDS {
        assert!(!text.contains(word), "serde text {word:?} in {body}");
    }
    let errors = body["errors"].as_array().expect("errors");
    for error in errors {
        let c = error["code"].as_str().expect("a code");
        assert!(codes.iter().any(|d| d == c), "{c} not documented");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == field && e["code"] == code),
        "expected {field} {code} in {body}"
    );
}

#[actix_web::test]
async fn every_bad_input_answers_a_documented_code_without_serde_text() {
    let app = TestApp::spawn().await;
    let codes = documented_codes();
    let anna = app.resident().await;
    let vera = app.volunteer().await;
    let requests = bad_help_requests();
    for (body, field, code) in &requests {
        let answer = send(&app, &anna, "/api/v1/help-requests", &body.to_string(), 422).await;
        check(&answer, field, code, &codes);
    }
    let offers = bad_offers();
    for (body, field, code) in &offers {
        let answer = send(&app, &vera, "/api/v1/offers", &body.to_string(), 422).await;
        check(&answer, field, code, &codes);
    }
    // Bodies that are not one JSON object.
    for (raw, status, code) in [
        (r#"{"title": "#, 400, "malformed_json"),
        ("not json", 400, "malformed_json"),
        ("", 400, "malformed_json"),
        ("[1, 2]", 422, "wrong_type"),
    ] {
        let answer = send(&app, &anna, "/api/v1/help-requests", raw, status).await;
        check(&answer, "body", code, &codes);
    }
    // Query parameters.
    for (query, field, code) in [
        ("?page=0", "page", "out_of_range"),
        ("?per_page=abc", "per_page", "wrong_type"),
        ("?status=woensdag", "status", "unknown_value"),
    ] {
        let response = app
            .get_as(&format!("/api/v1/matches{query}"), &vera.token)
            .await;
        check(&problem(response, 422).await, field, code, &codes);
    }
}

/// Bad help request bodies: (body, the field named, its code), one per validation path.
pub(crate) fn bad_help_requests() -> Vec<(Value, &'static str, &'static str)> {
    let slot =
        |day: &str, start: &str, end: &str| json!({"weekday": day, "start": start, "end": end});
    let avail = |slots: Value| json!({"slots": slots});
    vec![
        (
            with(request_body(), "colour", json!("red")),
            "colour",
            "unknown_field",
        ),
        (
            with(request_body(), "postcode", json!(1093)),
            "postcode",
            "wrong_type",
        ),
        (
            without(request_body(), "consent_municipality"),
            "consent_municipality",
            "required",
        ),
        (
            with(request_body(), "title", json!("x".repeat(121))),
            "title",
            "too_long",
        ),
        (
            with(request_body(), "title", json!("ab")),
            "title",
            "too_short",
        ),
        (
            with(request_body(), "title", json!("   ")),
            "title",
            "required",
        ),
        (
            with(request_body(), "title", json!("a\u{7}bcd")),
            "title",
            "control_characters",
        ),
        (
            with(request_body(), "postcode", json!("12")),
            "postcode",
            "invalid_format",
        ),
        (
            with(request_body(), "postcode", json!("1000")),
            "postcode",
            "unknown_postcode",
        ),
        (
            with(request_body(), "domain", json!("jeugdwet")),
            "category",
            "not_in_domain",
        ),
        (
            with(request_body(), "category", json!("boodschapen")),
            "category",
            "unknown_value",
        ),
        (
            with(request_body(), "urgency", json!("soon")),
            "urgency",
            "unknown_value",
        ),
        (
            with(request_body(), "max_distance_km", json!(500)),
            "max_distance_km",
            "out_of_range",
        ),
        (
            with(request_body(), "involves_minor", json!("no")),
            "involves_minor",
            "wrong_type",
        ),
        (
            with(
                request_body(),
                "availability",
                avail(json!([slot("woensdag", "09:00", "10:00")])),
            ),
            "availability.slots[0].weekday",
            "unknown_value",
        ),
        (
            with(
                request_body(),
                "availability",
                avail(json!([slot("tue", "9:00", "10:00")])),
            ),
            "availability.slots[0].start",
            "invalid_format",
        ),
        (
            with(
                request_body(),
                "availability",
                avail(json!([slot("tue", "12:00", "09:00")])),
            ),
            "availability.slots[0].end",
            "out_of_range",
        ),
        (
            with(
                request_body(),
                "availability",
                avail(json!([
                    slot("tue", "09:00", "12:00"),
                    slot("tue", "11:00", "13:00")
                ])),
            ),
            "availability.slots[1]",
            "duplicate",
        ),
        (
            with(
                request_body(),
                "availability",
                json!({"slots": [], "from": "2020-01-01", "until": "2020-02-01"}),
            ),
            "availability.until",
            "availability_in_past",
        ),
        (
            with(
                request_body(),
                "availability",
                json!({"slots": [], "from": "1-2-2027"}),
            ),
            "availability.from",
            "invalid_format",
        ),
        (
            with(
                request_body(),
                "availability",
                json!({"slots": [], "session_minutes": 5}),
            ),
            "availability.session_minutes",
            "out_of_range",
        ),
    ]
}

/// Bad offer bodies: (body, the field named, its code).
pub(crate) fn bad_offers() -> Vec<(Value, &'static str, &'static str)> {
    vec![
        (
            with(offer_body(), "capacity", json!(0)),
            "capacity",
            "out_of_range",
        ),
        (
            with(offer_body(), "capacity", json!(-1)),
            "capacity",
            "out_of_range",
        ),
        (
            with(offer_body(), "categories", json!([])),
            "categories",
            "out_of_range",
        ),
        (
            with(offer_body(), "categories", json!(["vervoer", "vervoer"])),
            "categories[1]",
            "duplicate",
        ),
        (
            with(offer_body(), "radius_km", json!(0)),
            "radius_km",
            "out_of_range",
        ),
        (
            with(offer_body(), "categories", json!("vervoer")),
            "categories",
            "wrong_type",
        ),
    ]
}
