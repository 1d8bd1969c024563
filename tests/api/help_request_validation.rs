//! Help requests: each invalid field of a posted request is named and nothing is stored, and
//! nothing a client sends causes a server error.

use serde_json::{json, Value};

use crate::{
    help_requests::{count, request_body, with, without},
    helpers::{problem_naming, TestApp},
};

#[actix_web::test]
async fn each_invalid_field_is_named_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let cases = invalid_help_requests();
    for (body, status, field) in cases {
        let response = app
            .post_json("/api/v1/help-requests", &body, Some(&anna.token))
            .await;
        problem_naming(response, status, field).await;
    }
    assert_eq!(count(&app, "help_requests").await, 0, "nothing stored");
}

#[actix_web::test]
async fn nothing_a_client_sends_causes_a_server_error() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let raw_bodies = [
        "",
        "null",
        "[]",
        "{",
        "\"x\"",
        "{\"max_distance_km\": 1e999}",
        "{\"title\": NaN}",
        "{\"availability\": null}",
        "{\"availability\": {\"slots\": null}}",
        "{\"availability\": {\"slots\": [null]}}",
        "{\"availability\": {\"session_minutes\": -1}}",
        "{\"availability\": {\"session_minutes\": 1.5}}",
        "{\"availability\": {\"session_minutes\": 99999999999999999999999}}",
        "{\"title\": \"\\u0000abc\"}",
    ];
    for raw in raw_bodies {
        let response = app
            .client
            .post(app.url("/api/v1/help-requests"))
            .bearer_auth(&anna.token)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{raw} gave {status}");
    }
    let mut merged = request_body();
    for (key, value) in [
        ("title", json!("\u{0}ab\u{202E}c")),
        ("max_distance_km", json!(-0.0)),
    ] {
        merged = with(merged, key, value);
    }
    let response = app
        .post_json("/api/v1/help-requests", &merged, Some(&anna.token))
        .await;
    assert_eq!(response.status().as_u16(), 422);
    for query in [
        "page=0",
        "page=abc",
        "per_page=1000",
        "status=gone",
        "domain=x",
        "category=y",
        "sort=asc",
        "page=99999999999",
    ] {
        let response = app
            .get_as(&format!("/api/v1/help-requests?{query}"), &anna.token)
            .await;
        assert_eq!(response.status().as_u16(), 422, "{query}");
    }
    assert_eq!(count(&app, "help_requests").await, 0);
}

/// Help request bodies with one invalid field each: (body, status, the field named).
pub(crate) fn invalid_help_requests() -> Vec<(Value, u16, &'static str)> {
    let slot = |start: &str, end: &str| json!({"weekday": "tue", "start": start, "end": end});
    let slots22: Vec<Value> = (0..22)
        .map(|i| {
            let day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i % 7];
            json!({"weekday": day, "start": format!("{:02}:00", 6 + i / 7 * 3), "end": format!("{:02}:00", 8 + i / 7 * 3)})
        })
        .collect();
    let base = request_body;
    vec![
        (
            with(
                base(),
                "availability",
                json!({"slots": [slot("12:00", "09:00")]}),
            ),
            422,
            "availability.slots[0].end",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [slot("25:00", "26:00")]}),
            ),
            422,
            "availability.slots[0].start",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [{"weekday": "tuesday", "start": "09:00", "end": "10:00"}]}),
            ),
            422,
            "availability.slots[0].weekday",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [slot("09:00", "12:00"), slot("11:00", "13:00")]}),
            ),
            422,
            "availability.slots[1]",
        ),
        (
            with(base(), "availability", json!({"slots": slots22})),
            422,
            "availability.slots",
        ),
        (
            with(
                base(),
                "availability",
                json!({"session_minutes": 1_000_000_000_000_i64}),
            ),
            422,
            "availability.session_minutes",
        ),
        (
            with(base(), "availability", json!({"from": "2026-13-01"})),
            422,
            "availability.from",
        ),
        (
            with(
                base(),
                "availability",
                json!({"from": "2027-01-02", "until": "2027-01-01"}),
            ),
            422,
            "availability.until",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [], "colour": "red"}),
            ),
            422,
            "availability.colour",
        ),
        (with(base(), "category", json!("oppas")), 422, "category"),
        (
            with(base(), "category", json!("boodschapen")),
            422,
            "category",
        ),
        (with(base(), "domain", json!("zorg")), 422, "domain"),
        (with(base(), "postcode", json!("1000")), 422, "postcode"),
        (with(base(), "postcode", json!("12345")), 422, "postcode"),
        (with(base(), "postcode", json!("")), 422, "postcode"),
        (
            with(base(), "description", json!("x".repeat(10_001))),
            422,
            "description",
        ),
        (with(base(), "title", json!("")), 422, "title"),
        (with(base(), "title", json!("ab")), 422, "title"),
        (with(base(), "title", json!(null)), 422, "title"),
        (with(base(), "title", json!(42)), 422, "title"),
        (with(base(), "title", json!("x".repeat(121))), 422, "title"),
        (with(base(), "urgency", json!("urgent")), 422, "urgency"),
        (
            with(base(), "involves_minor", json!("yes")),
            422,
            "involves_minor",
        ),
        (with(base(), "remote_ok", json!(true)), 422, "remote_ok"),
        (
            with(base(), "max_distance_km", json!(0.1)),
            422,
            "max_distance_km",
        ),
        (
            with(base(), "max_distance_km", json!(1e308)),
            422,
            "max_distance_km",
        ),
        (
            with(base(), "max_distance_km", json!("10")),
            422,
            "max_distance_km",
        ),
        (with(base(), "colour", json!("red")), 422, "colour"),
        (
            without(base(), "consent_municipality"),
            422,
            "consent_municipality",
        ),
        (
            with(base(), "consent_municipality", json!(null)),
            422,
            "consent_municipality",
        ),
        (
            with(base(), "confirm_duplicate", json!(1)),
            422,
            "confirm_duplicate",
        ),
    ]
}
