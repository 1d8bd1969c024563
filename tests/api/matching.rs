//! Incremental matching and the match lifecycle, through the API.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

async fn request_matches(app: &TestApp, resident: &TestUser, request_id: &str) -> Vec<Value> {
    let body = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{request_id}/matches"),
            &resident.token,
        )
        .await,
        200,
    )
    .await;
    body.as_array().unwrap().clone()
}

async fn my_matches(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let body = json_with_status(app.get_as("/api/v1/matches", &user.token).await, 200).await;
    body["items"].as_array().unwrap().clone()
}

async fn request_status(app: &TestApp, resident: &TestUser, id: &str) -> String {
    let body = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &resident.token)
            .await,
        200,
    )
    .await;
    body["status"].as_str().unwrap().to_owned()
}

async fn act(app: &TestApp, user: &TestUser, match_id: &str, verb: &str) -> reqwest::Response {
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
        read, request,
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

#[actix_web::test]
async fn fifty_parallel_accepts_have_exactly_one_winner_and_capacity_is_never_exceeded() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &with(offer_body(), "capacity", json!(1))).await;
    let anna = app.resident().await;
    let id = post_request(&app, &anna, &request_body()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let match_id = request_matches(&app, &anna, &id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let accepts = (0..50).map(|_| act(&app, &vera, &match_id, "accept"));
    let statuses: Vec<u16> = futures_util::future::join_all(accepts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );

    // Twenty residents post at once for an offer with two places: exactly two proposals.
    let wim = app.volunteer().await;
    let offer = post_offer(
        &app,
        &wim,
        &with(
            with(offer_body(), "capacity", json!(2)),
            "categories",
            json!(["tuin"]),
        ),
    )
    .await;
    let mut residents = Vec::new();
    for _ in 0..20 {
        residents.push(app.resident().await);
    }
    let body = with(request_body(), "category", json!("tuin"));
    let posts = residents
        .iter()
        .map(|r| app.post_json("/api/v1/help-requests", &body, Some(&r.token)));
    let results = futures_util::future::join_all(posts).await;
    assert!(results.iter().all(|r| r.status() == 201));
    let (load, live) = offer_load(&app, offer["id"].as_str().unwrap()).await;
    assert_eq!((load, live), (2, 2));
}

async fn offer_load(app: &TestApp, offer_id: &str) -> (i32, i64) {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::{matches, offers};
    let state = app.state.clone();
    let offer_id = offer_id.to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        let load: i32 = offers::table
            .find(&offer_id)
            .select(offers::active_load)
            .first(&mut *conn)
            .unwrap();
        let live: i64 = matches::table
            .filter(matches::offer_id.eq(&offer_id))
            .filter(matches::status.eq_any(["proposed", "accepted"]))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        (load, live)
    })
    .await
    .unwrap()
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
                .first(&mut *conn)
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
