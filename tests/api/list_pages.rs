//! Every list is paginated the same way and every timestamp is RFC 3339 with `Z`: the audit
//! trail of a case and the matches of a request included.

use serde_json::{json, Value};

use crate::{
    cases::{amsterdam_request, queue},
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem_naming, TestApp},
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn the_audit_trail_is_paginated_with_utc_timestamps() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let anna = app.resident().await;
    let body = with(amsterdam_request(), "consent_municipality", json!(true));
    let id = post_request(&app, &anna, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/help-requests/{id}/escalate");
    json_with_status(
        app.post_json(&path, &json!({}), Some(&anna.token)).await,
        200,
    )
    .await;
    let case = queue(&app, &worker, "").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = |q: &str| format!("/api/v1/cases/{case}/audit{q}");
    // The first read is itself audited, so a second read sees at least two entries.
    json_with_status(app.get_as(&url(""), &worker.token).await, 200).await;
    let first = json_with_status(app.get_as(&url("?per_page=1"), &worker.token).await, 200).await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 2, "{first}");
    assert_eq!(
        (first["page"].as_u64(), first["per_page"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let at = first["items"][0]["occurred_at"].as_str().unwrap();
    assert!(at.ends_with('Z'), "{at}");
    chrono::DateTime::parse_from_rfc3339(at).unwrap();
    let past = json_with_status(app.get_as(&url("?page=99"), &worker.token).await, 200).await;
    assert_eq!(past["items"], json!([]));
    problem_naming(
        app.get_as(&url("?per_page=0"), &worker.token).await,
        422,
        "per_page",
    )
    .await;
}

#[actix_web::test]
async fn the_matches_of_a_request_are_paginated() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &offer_body()).await;
    let anna = app.resident().await;
    let id = post_request(&app, &anna, &request_body()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = |q: &str| format!("/api/v1/help-requests/{id}/matches{q}");
    let page: Value = json_with_status(app.get_as(&url(""), &anna.token).await, 200).await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(
        (page["page"].as_u64(), page["per_page"].as_u64()),
        (Some(1), Some(20))
    );
    assert_eq!(page["items"][0]["status"], "proposed");
    let second = json_with_status(
        app.get_as(&url("?page=2&per_page=1"), &anna.token).await,
        200,
    )
    .await;
    assert_eq!(
        (second["items"].clone(), second["total"].clone()),
        (json!([]), json!(1))
    );
    problem_naming(app.get_as(&url("?page=0"), &anna.token).await, 422, "page").await;
}
