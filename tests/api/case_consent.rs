//! Cases: without the resident's consent a case shows no title, description or name; with it
//! the case worker sees the request and the resident's contact.

use serde_json::{json, Value};

use crate::{
    cases::{amsterdam_request, audit_actions, case_for, queue, read_case},
    help_requests::{post_request, with},
    helpers::{json_with_status, TestApp},
};

#[actix_web::test]
async fn a_case_without_consent_shows_no_title_description_or_name() {
    let app = TestApp::spawn().await;
    // Amsterdam has a case worker: the municipality is the fallback there.
    let _worker = app.case_worker("GM0363").await;
    let anna = app.resident().await;
    let body = with(amsterdam_request(), "consent_municipality", json!(false));
    let body = with(body, "title", json!("Hulp na mijn heupoperatie"));
    let request = post_request(&app, &anna, &body).await;
    let id = request["id"].as_str().unwrap();
    let escalated = json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(escalated["status"], "escalated");

    let worker = app.case_worker("GM0363").await;
    let listed = queue(&app, &worker, "?reason=resident_request").await;
    assert_eq!(listed["total"], 1);
    let case_id = listed["items"][0]["id"].as_str().unwrap();
    let response = app
        .get_as(&format!("/api/v1/cases/{case_id}"), &worker.token)
        .await;
    let text = response.text().await.unwrap();
    for secret in [
        "heupoperatie",
        "operatie",
        anna.name.as_str(),
        anna.email.as_str(),
        "+31612345678",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let case: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(case["reason"], "resident_request");
    let request = &case["request"];
    assert_eq!(request["consent_municipality"], false);
    assert_eq!(request["category"], "boodschappen");
    assert_eq!(request["domain"], "wmo");
    assert_eq!(request["pc4"], "1012");
    assert_eq!(request["urgency"], "normal");
    assert!(request["waiting_hours"].is_i64());
    for hidden in ["title", "description", "requester", "availability"] {
        assert!(
            request.get(hidden).is_none(),
            "{hidden} shown without consent"
        );
    }
    let trail = audit_actions(&app, &worker, case_id).await;
    assert!(trail.contains(&(
        "help_request.escalate".to_owned(),
        Some("resident_request".to_owned())
    )));
    assert!(trail.iter().any(|(a, _)| a == "case.read"));

    // With consent the same view shows the request and the resident's contact.
    let bert = app.resident().await;
    let request = post_request(&app, &bert, &amsterdam_request()).await;
    let id = request["id"].as_str().unwrap();
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&bert.token),
        )
        .await,
        200,
    )
    .await;
    let case = case_for(&app, &worker, id).await;
    let shown = read_case(&app, &worker, &case).await;
    assert_eq!(shown["request"]["title"], "Boodschappen op dinsdag");
    assert_eq!(
        shown["request"]["requester"]["display_name"],
        bert.name.as_str()
    );
}
