//! The resident's side of an escalated request: consent given afterwards, the request
//! cancelled (its case closes), and a return to the marketplace that never narrows what the
//! resident allowed and, when wider, also asks a volunteer whose own radius falls short.

use serde_json::{json, Value};

use crate::{
    cases::{act, audit_actions, case_for, queue, read_case},
    help_requests::{post_request, request_body, with, without},
    helpers::{json_with_status, problem, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

async fn escalated(app: &TestApp, resident: &TestUser, body: &Value) -> String {
    let request = post_request(app, resident, body).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/help-requests/{id}/escalate");
    let done = app
        .post_json(&path, &json!({}), Some(&resident.token))
        .await;
    assert_eq!(json_with_status(done, 200).await["status"], "escalated");
    id
}

#[actix_web::test]
async fn consent_given_after_escalating_opens_the_request_to_the_case_worker() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let resident = app.resident().await;
    let body = with(request_body(), "consent_municipality", json!(false));
    let request = escalated(&app, &resident, &body).await;
    let case = case_for(&app, &worker, &request).await;
    assert_eq!(
        read_case(&app, &worker, &case).await["request"]["description"],
        Value::Null
    );

    let path = format!("/api/v1/help-requests/{request}/consent");
    let other = app.resident().await;
    problem(
        app.post_json(&path, &json!({}), Some(&other.token)).await,
        404,
    )
    .await;
    let given = json_with_status(
        app.post_json(&path, &json!({}), Some(&resident.token))
            .await,
        200,
    )
    .await;
    assert_eq!(given["consent_municipality"], true);
    json_with_status(
        app.post_json(&path, &json!({}), Some(&resident.token))
            .await,
        200,
    )
    .await;
    let read = read_case(&app, &worker, &case).await;
    assert_eq!(
        read["request"]["description"],
        request_body()["description"],
        "the case worker reads it now"
    );
    let consents = audit_actions(&app, &worker, &case)
        .await
        .into_iter()
        .filter(|(action, _)| action == "help_request.consent_given")
        .count();
    assert_eq!(consents, 1, "given once, recorded once");
}

#[actix_web::test]
async fn cancelling_an_escalated_request_closes_its_case() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let resident = app.resident().await;
    let request = escalated(&app, &resident, &request_body()).await;
    let case = case_for(&app, &worker, &request).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;

    let cancel = format!("/api/v1/help-requests/{request}/cancel");
    let done = app
        .post_json(&cancel, &json!({}), Some(&resident.token))
        .await;
    assert_eq!(json_with_status(done, 200).await["status"], "cancelled");
    problem(
        app.post_json(&cancel, &json!({}), Some(&resident.token))
            .await,
        409,
    )
    .await;
    let closed = read_case(&app, &worker, &case).await;
    assert_eq!(closed["status"], "resolved");
    assert_eq!(closed["outcome"]["outcome"], "closed");
    assert_eq!(
        closed["outcome"]["text"],
        "De gemeente heeft de zaak over uw hulpvraag afgesloten."
    );
    let in_english = app
        .client
        .get(app.url(&format!("/api/v1/cases/{case}")))
        .bearer_auth(&worker.token)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_with_status(in_english, 200).await["outcome"]["text"],
        "The municipality has closed the case about your help request."
    );
    let open = queue(&app, &worker, "").await;
    assert!(open["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["id"] != case));
    let trail = audit_actions(&app, &worker, &case).await;
    assert!(
        trail.contains(&("case.cancelled_by_resident".to_owned(), None)),
        "{trail:?}"
    );
    let resolve = json!({"outcome": "closed", "note": "Niet meer nodig."});
    problem(act(&app, &worker, &case, "resolve", resolve).await, 409).await;
}

#[actix_web::test]
async fn a_return_to_the_marketplace_never_narrows_what_the_resident_allowed() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let resident = app.resident().await;
    let request = escalated(&app, &resident, &without(request_body(), "max_distance_km")).await;
    let case = case_for(&app, &worker, &request).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    let back = json!({"outcome": "returned_to_marketplace", "max_distance_km": 5});
    json_with_status(act(&app, &worker, &case, "resolve", back).await, 200).await;
    let mine = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{request}"), &resident.token)
            .await,
        200,
    )
    .await;
    assert_eq!(mine["max_distance_km"], Value::Null, "still any distance");
}

#[actix_web::test]
async fn a_wider_distance_also_asks_a_volunteer_whose_own_radius_is_smaller() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    // Nieuwegein (3431) is 7.2 km from the request in Utrecht (3512), Maarssen-ish 3401 is
    // 9.6 km: both volunteers travel 5 km of their own accord.
    let (near, far) = (app.volunteer().await, app.volunteer().await);
    let nieuwegein = post_offer(&app, &near, &with(offer_body(), "postcode", json!("3431"))).await;
    post_offer(&app, &far, &with(offer_body(), "postcode", json!("3401"))).await;
    let resident = app.resident().await;
    let request = escalated(
        &app,
        &resident,
        &with(request_body(), "max_distance_km", json!(3)),
    )
    .await;
    let case = case_for(&app, &worker, &request).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    let back = json!({"outcome": "returned_to_marketplace", "max_distance_km": 10});
    json_with_status(act(&app, &worker, &case, "resolve", back).await, 200).await;
    let mine = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{request}"), &resident.token)
            .await,
        200,
    )
    .await;
    assert_eq!(mine["status"], "proposed", "the nearer volunteer is asked");
    let asked = crate::matching::my_matches(&app, &near).await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["offer_id"], nieuwegein["id"]);
    let explanation = asked[0]["explanation"].as_str().unwrap();
    assert!(
        explanation.starts_with(
            "De gemeente vraagt of de vrijwilliger 7,2 km wil reizen. Dat is verder dan de 5 km"
        ),
        "{explanation}"
    );
    assert!(crate::matching::my_matches(&app, &far).await.is_empty());
    // Accepting is agreeing to the trip: the request is matched.
    let id = asked[0]["id"].as_str().unwrap();
    json_with_status(crate::matching::act(&app, &near, id, "accept").await, 200).await;
}

#[actix_web::test]
async fn returning_without_a_wider_distance_asks_nobody_beyond_their_radius() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let near = app.volunteer().await;
    post_offer(&app, &near, &with(offer_body(), "postcode", json!("3431"))).await;
    let resident = app.resident().await;
    let request = escalated(
        &app,
        &resident,
        &with(request_body(), "max_distance_km", json!(3)),
    )
    .await;
    let case = case_for(&app, &worker, &request).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    let back = json!({"outcome": "returned_to_marketplace"});
    json_with_status(act(&app, &worker, &case, "resolve", back).await, 200).await;
    assert!(crate::matching::my_matches(&app, &near).await.is_empty());
}
