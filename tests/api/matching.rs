//! Incremental matching and the match lifecycle, through the API: a new request is proposed,
//! accepted or declined, expires unanswered, is completed and later anonymised.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

pub async fn request_matches(app: &TestApp, resident: &TestUser, request_id: &str) -> Vec<Value> {
    let body = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{request_id}/matches"),
            &resident.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (body["page"].as_u64(), body["per_page"].as_u64()),
        (Some(1), Some(20))
    );
    body["items"].as_array().unwrap().clone()
}

pub async fn my_matches(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let body = json_with_status(app.get_as("/api/v1/matches", &user.token).await, 200).await;
    body["items"].as_array().unwrap().clone()
}

pub async fn request_status(app: &TestApp, resident: &TestUser, id: &str) -> String {
    let body = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &resident.token)
            .await,
        200,
    )
    .await;
    body["status"].as_str().unwrap().to_owned()
}

pub async fn act(app: &TestApp, user: &TestUser, match_id: &str, verb: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/matches/{match_id}/{verb}"),
        &json!({}),
        Some(&user.token),
    )
    .await
}

#[actix_web::test]
async fn a_new_request_is_proposed_to_a_fitting_volunteer_and_contacts_appear_only_on_acceptance() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let offer = post_offer(&app, &vera, &offer_body()).await;
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    assert_eq!(request["status"], "proposed");
    let read = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        read,
        crate::help_requests::as_stored(&request),
        "the answer to the POST is the stored request"
    );

    let proposals = request_matches(&app, &anna, id).await;
    assert_eq!(proposals.len(), 1);
    let proposal = &proposals[0];
    assert_eq!(proposal["offer_id"], offer["id"]);
    assert_eq!(proposal["status"], "proposed");
    let score = proposal["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score));
    for part in [
        "proximity",
        "availability",
        "same_municipality",
        "continuity",
        "load",
    ] {
        let value = proposal["score_parts"][part].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&value), "{part}");
    }
    assert_eq!(
        proposal["score_parts"]["same_municipality"], 1.0,
        "3511 and 3512 are both Utrecht"
    );
    assert!(proposal["explanation"].as_str().unwrap().contains("km"));
    assert!(
        proposal["contact"].is_null(),
        "the resident sees no volunteer contact before acceptance"
    );

    let seen_by_volunteer = my_matches(&app, &vera).await;
    assert_eq!(seen_by_volunteer.len(), 1);
    let before = &seen_by_volunteer[0];
    assert!(before["contact"].is_null());
    assert!(
        before["request"]["description"].is_null(),
        "no health details before acceptance"
    );
    let text = before.to_string();
    assert!(
        !text.contains(&anna.email) && !text.contains(&anna.name) && !text.contains("operatie"),
        "{text}"
    );

    let match_id = proposal["id"].as_str().unwrap();
    problem(act(&app, &anna, match_id, "accept").await, 403).await;
    let accepted = json_with_status(act(&app, &vera, match_id, "accept").await, 200).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["contact"]["email"], anna.email.as_str());
    assert_eq!(accepted["contact"]["display_name"], anna.name.as_str());
    assert!(accepted["request"]["description"]
        .as_str()
        .unwrap()
        .contains("operatie"));
    let resident_view = json_with_status(
        app.get_as(&format!("/api/v1/matches/{match_id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(resident_view["contact"]["email"], vera.email.as_str());
    assert_eq!(request_status(&app, &anna, id).await, "matched");

    problem(act(&app, &vera, match_id, "accept").await, 409).await;
    let done = json_with_status(act(&app, &anna, match_id, "complete").await, 200).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(request_status(&app, &anna, id).await, "completed");

    let stranger = app.volunteer().await;
    problem(
        app.get_as(&format!("/api/v1/matches/{match_id}"), &stranger.token)
            .await,
        404,
    )
    .await;
    problem(
        app.get_as(
            &format!("/api/v1/help-requests/{id}/matches"),
            &app.resident().await.token,
        )
        .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn a_decline_sends_the_request_to_the_next_volunteer_and_never_back() {
    let app = TestApp::spawn().await;
    let first = app.volunteer().await;
    let second = app.volunteer().await;
    // The first volunteer lives in the same PC4 and ranks first; the second is nearby.
    post_offer(&app, &first, &with(offer_body(), "postcode", json!("3512"))).await;
    let second_offer = post_offer(
        &app,
        &second,
        &with(offer_body(), "postcode", json!("3581")),
    )
    .await;
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let proposal = &my_matches(&app, &first).await[0];
    // The clock stands still in tests; move it so the history's order is the real order.
    app.clock.advance(chrono::Duration::minutes(5));
    let reason = json!({"reason": "Ik ben die week weg."});
    let declined = json_with_status(
        app.post_json(
            &format!(
                "/api/v1/matches/{}/decline",
                proposal["id"].as_str().unwrap()
            ),
            &reason,
            Some(&first.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(declined["status"], "declined");
    assert_eq!(declined["reason"], "Ik ben die week weg.");

    let history = request_matches(&app, &anna, id).await;
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["offer_id"], second_offer["id"]);
    assert_eq!(history[1]["status"], "proposed");
    assert!(
        history[0]["reason"].is_null(),
        "the resident does not see the volunteer's reason"
    );

    // The second declines too: nobody is left, the request waits open, and the first
    // volunteer's new offer does not bring the request back to them.
    let next = history[1]["id"].as_str().unwrap();
    json_with_status(act(&app, &second, next, "decline").await, 200).await;
    assert_eq!(request_status(&app, &anna, id).await, "open");
    post_offer(&app, &first, &with(offer_body(), "postcode", json!("3512"))).await;
    assert_eq!(request_status(&app, &anna, id).await, "open");
}

#[actix_web::test]
async fn an_unanswered_proposal_expires_and_goes_to_the_next_candidate() {
    let app = TestApp::spawn().await;
    let slow = app.volunteer().await;
    post_offer(&app, &slow, &with(offer_body(), "postcode", json!("3512"))).await;
    let anna = app.resident().await;
    let id = post_request(&app, &anna, &request_body()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let later = app.volunteer().await;
    let later_offer =
        post_offer(&app, &later, &with(offer_body(), "postcode", json!("3581"))).await;

    app.clock.advance(chrono::Duration::hours(47));
    assert_eq!(expire(&app).await, 0, "not yet");
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(expire(&app).await, 1);
    let history = request_matches(&app, &anna, &id).await;
    assert_eq!(history[0]["status"], "expired");
    assert_eq!(history[1]["offer_id"], later_offer["id"]);
    let stale = history[0]["id"].as_str().unwrap();
    problem(act(&app, &slow, stale, "accept").await, 409).await;
}

async fn expire(app: &TestApp) -> usize {
    app.run_workflow(hulpmarkt::services::match_lifecycle::expire_due)
        .await
}

#[actix_web::test]
async fn a_request_completed_through_its_match_is_anonymised_after_the_retention_period() {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::help_requests;
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &offer_body()).await;
    let anna = app.resident().await;
    let id = post_request(&app, &anna, &request_body()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let match_id = request_matches(&app, &anna, &id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    json_with_status(act(&app, &vera, &match_id, "accept").await, 200).await;
    json_with_status(act(&app, &anna, &match_id, "complete").await, 200).await;

    app.clock.advance(chrono::Duration::days(13 * 31));
    app.run_workflow(|conn, now, _| hulpmarkt::services::privacy::apply_retention(conn, now, 12))
        .await;
    let state = app.state.clone();
    let (title, requester): (String, Option<String>) =
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            help_requests::table
                .find(&id)
                .select((help_requests::title, help_requests::requester_id))
                .first(&mut **conn)
                .unwrap()
        })
        .await
        .unwrap();
    assert_ne!(
        title, "Boodschappen op dinsdag",
        "the finished request was anonymised"
    );
    assert_eq!(requester, None);
}
