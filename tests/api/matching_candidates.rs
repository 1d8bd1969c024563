//! Matching: which volunteers a request is proposed to: a valid VOG where a minor is involved,
//! at most three new proposals a day, and continuity with a volunteer who helped before.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp},
    matching::{act, my_matches, request_matches, request_status},
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn requests_that_need_a_vog_only_reach_volunteers_with_a_valid_recorded_vog() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let homework = json!({
        "categories": ["huiswerkbegeleiding"], "postcode": "3511", "radius_km": 10, "remote_ok": false,
        "availability": {"slots": [], "from": null, "until": null}, "capacity": 3, "note": ""
    });
    let offer = post_offer(&app, &vera, &homework).await;
    let parent = app.resident().await;
    let body = json!({
        "domain": "jeugdwet", "category": "huiswerkbegeleiding", "title": "Hulp bij wiskunde",
        "description": "Voor mijn zoon in de tweede klas.", "postcode": "3512", "involves_minor": true,
        "availability": {"slots": []}, "consent_municipality": true
    });
    let request = post_request(&app, &parent, &body).await;
    assert_eq!(request["status"], "open", "no VOG recorded: never proposed");

    let worker = app.case_worker("GM0344").await;
    // A VOG older than the 36-month policy does not count either.
    let old = json!({"issued_on": "2022-01-10"});
    json_with_status(
        app.put_json(
            &format!("/api/v1/users/{}/vog", vera.id),
            &old,
            &worker.token,
        )
        .await,
        200,
    )
    .await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{}/pause", offer["id"].as_str().unwrap()),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{}/resume", offer["id"].as_str().unwrap()),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        request_status(&app, &parent, request["id"].as_str().unwrap()).await,
        "open"
    );

    let recent = json!({"issued_on": chrono::Utc::now().date_naive().to_string()});
    json_with_status(
        app.put_json(
            &format!("/api/v1/users/{}/vog", vera.id),
            &recent,
            &worker.token,
        )
        .await,
        200,
    )
    .await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{}/pause", offer["id"].as_str().unwrap()),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{}/resume", offer["id"].as_str().unwrap()),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        request_status(&app, &parent, request["id"].as_str().unwrap()).await,
        "proposed"
    );
}

/// The default request in `category`, titled by `i` (so that no two are near-duplicates).
fn numbered_request(category: &str, i: usize) -> Value {
    with(
        with(request_body(), "category", json!(category)),
        "title",
        json!(format!("Verzoek nummer {i}")),
    )
}

#[actix_web::test]
async fn a_volunteer_gets_at_most_three_new_proposals_a_day() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let mut ids = Vec::new();
    for (i, category) in ["boodschappen", "vervoer", "tuin", "klussen", "gezelschap"]
        .iter()
        .enumerate()
    {
        let body = numbered_request(category, i);
        ids.push(
            post_request(&app, &anna, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let vera = app.volunteer().await;
    let many = with(
        with(offer_body(), "capacity", json!(10)),
        "categories",
        json!(["boodschappen", "vervoer", "tuin", "klussen", "gezelschap"]),
    );
    let offer = post_offer(&app, &vera, &many).await;
    assert_eq!(my_matches(&app, &vera).await.len(), 3, "the daily cap");
    // A day later the same offer takes more.
    app.clock.advance(chrono::Duration::hours(25));
    let id = offer["id"].as_str().unwrap();
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{id}/pause"),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{id}/resume"),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    // Pausing gave the three open proposals back; a day later the cap allows three again.
    let statuses: Vec<Value> = my_matches(&app, &vera)
        .await
        .iter()
        .map(|m| m["status"].clone())
        .collect();
    let count = |s: &str| statuses.iter().filter(|v| *v == s).count();
    assert_eq!(
        (count("withdrawn"), count("proposed")),
        (3, 3),
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn new_requests_respect_the_daily_cap_of_a_volunteer_with_two_offers() {
    let app = TestApp::spawn().await;
    // Two offers of one volunteer: both are candidates of every request below, so the cap
    // count sees the volunteer twice and must count them once.
    let vera = app.volunteer().await;
    let categories = json!(["boodschappen", "vervoer", "tuin", "klussen"]);
    for _ in 0..2 {
        post_offer(
            &app,
            &vera,
            &with(
                with(offer_body(), "capacity", json!(10)),
                "categories",
                categories.clone(),
            ),
        )
        .await;
    }
    let anna = app.resident().await;
    let mut statuses = Vec::new();
    for (i, category) in ["boodschappen", "vervoer", "tuin", "klussen"]
        .iter()
        .enumerate()
    {
        let posted = post_request(&app, &anna, &numbered_request(category, i)).await;
        statuses.push(posted["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["proposed", "proposed", "proposed", "open"]);
    assert_eq!(my_matches(&app, &vera).await.len(), 3, "the daily cap");
}

/// Continuity: a volunteer who completed help for a resident before is preferred for the
/// resident's next request, over an equal volunteer who did not (the score's `continuity`
/// part); for another resident the same volunteer has no such claim.
#[actix_web::test]
async fn a_resident_helped_before_is_proposed_to_the_same_volunteer_again() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let vera_offer = post_offer(&app, &vera, &offer_body()).await;
    let anna = app.resident().await;
    let first = post_request(&app, &anna, &request_body()).await;
    let proposal = &request_matches(&app, &anna, first["id"].as_str().unwrap()).await[0];
    assert_eq!(proposal["score_parts"]["continuity"], 0.0, "not helped yet");
    let match_id = proposal["id"].as_str().unwrap();
    json_with_status(act(&app, &vera, match_id, "accept").await, 200).await;
    json_with_status(act(&app, &anna, match_id, "complete").await, 200).await;

    // An equal volunteer arrives; only continuity tells the two apart.
    let willem = app.volunteer().await;
    post_offer(&app, &willem, &offer_body()).await;
    let second = post_request(
        &app,
        &anna,
        &with(
            request_body(),
            "title",
            json!("Weer boodschappen op dinsdag"),
        ),
    )
    .await;
    assert_eq!(second["status"], "proposed");
    let again = &request_matches(&app, &anna, second["id"].as_str().unwrap()).await[0];
    assert_eq!(again["offer_id"], vera_offer["id"], "{again}");
    assert_eq!(again["score_parts"]["continuity"], 1.0);

    let bram = app.resident().await;
    let other = post_request(&app, &bram, &request_body()).await;
    let theirs = &request_matches(&app, &bram, other["id"].as_str().unwrap()).await[0];
    assert_eq!(theirs["score_parts"]["continuity"], 0.0, "{theirs}");
}
