//! Account state against writes in flight (issue 26): an erasure stops every later write of
//! the person, on any instance; a dropped role is refused at once; a token of an account
//! that does not exist is a 401; an offer's capacity is never set below what it carries.

use diesel::prelude::*;
use hulpmarkt::db::schema::{help_requests, matches, offers};
use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, TestApp, TEST_JWT_SECRET, TEST_PASSWORD},
    matching::act,
    offers::{offer_body, post_offer},
    races::{invariants_hold, no_server_errors, statuses},
};

/// Help requests still linked to `user` that are not anonymised.
async fn personal_requests_of(app: &TestApp, user: &str) -> i64 {
    let (state, user) = (app.state.clone(), user.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        help_requests::table
            .filter(help_requests::requester_id.eq(&user))
            .filter(help_requests::anonymised_at.is_null())
            .count()
            .get_result(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn no_request_of_an_erased_person_survives_posts_in_flight_on_two_instances() {
    let app = TestApp::spawn().await;
    let other = crate::staff_lifecycle::second_instance(&app);
    let anna = app.resident().await;
    let mut posts = Vec::new();
    for i in 0..20 {
        let body = with(
            request_body(),
            "title",
            json!(format!("Verzoek {i} van Anna")),
        );
        let base = if i % 2 == 0 {
            app.address.clone()
        } else {
            other.clone()
        };
        let (client, token) = (app.client.clone(), anna.token.clone());
        posts.push(async move {
            client
                .post(format!("{base}/api/v1/help-requests"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
        });
    }
    let erase = app
        .client
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&anna.token)
        .json(&json!({"password": TEST_PASSWORD}))
        .send();
    let (answers, erased) =
        futures_util::future::join(futures_util::future::join_all(posts), erase).await;
    let erased = erased.unwrap();
    assert!(erased.status().is_success(), "{}", erased.status());
    no_server_errors(&statuses(&answers));
    assert_eq!(personal_requests_of(&app, &anna.id).await, 0);
    // After the erasure no instance accepts a write of the person.
    let late = app
        .client
        .post(format!("{other}/api/v1/help-requests"))
        .bearer_auth(&anna.token)
        .json(&with(request_body(), "title", json!("Te laat")))
        .send()
        .await
        .unwrap();
    problem(late, 401).await;
    assert_eq!(personal_requests_of(&app, &anna.id).await, 0);
}

#[actix_web::test]
async fn a_dropped_role_is_refused_at_once_with_the_old_token() {
    let app = TestApp::spawn().await;
    let both = app.register(&["resident", "volunteer"]).await;
    let dropped = app
        .patch_json("/api/v1/me", &json!({"roles": ["resident"]}), &both.token)
        .await;
    json_with_status(dropped, 200).await;
    let offer = app
        .post_json("/api/v1/offers", &offer_body(), Some(&both.token))
        .await;
    assert!(
        [401, 403].contains(&offer.status().as_u16()),
        "{}",
        offer.status()
    );
    let stored: i64 = {
        let state = app.state.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            offers::table.count().get_result(&mut **conn).unwrap()
        })
        .await
        .unwrap()
    };
    assert_eq!(stored, 0, "no offer of a former volunteer");
}

#[actix_web::test]
async fn a_valid_token_of_an_unknown_account_is_401_on_every_method() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": uuid::Uuid::new_v4().to_string(), "iss": "hulpmarkt",
        "aud": "hulpmarkt-api", "iat": now, "nbf": now - 10, "exp": now + 600, "jti": "t",
        "roles": ["resident", "volunteer"]});
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
    )
    .unwrap();
    problem(
        app.post_json("/api/v1/help-requests", &request_body(), Some(&token))
            .await,
        401,
    )
    .await;
    problem(
        app.post_json("/api/v1/offers", &offer_body(), Some(&token))
            .await,
        401,
    )
    .await;
    problem(app.get_as("/api/v1/me", &token).await, 401).await;
}

/// The statuses of the matches of `offer`.
async fn match_statuses(app: &TestApp, offer: &str) -> Vec<String> {
    let (state, offer) = (app.state.clone(), offer.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        matches::table
            .filter(matches::offer_id.eq(&offer))
            .select(matches::status)
            .order(matches::status)
            .load(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn capacity_is_never_set_below_the_accepted_load_and_extra_proposals_move_on() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let offer = post_offer(&app, &vera, &with(offer_body(), "capacity", json!(3))).await;
    let offer_id = offer["id"].as_str().unwrap().to_owned();
    let mut proposals = Vec::new();
    for i in 0..3 {
        let resident = app.resident().await;
        let body = with(request_body(), "title", json!(format!("Boodschappen {i}")));
        let id = post_request(&app, &resident, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let matched = crate::matching::request_matches(&app, &resident, &id).await;
        proposals.push(matched[0]["id"].as_str().unwrap().to_owned());
    }
    let path = format!("/api/v1/offers/{offer_id}");
    let lowered = app
        .patch_json(&path, &json!({"capacity": 1}), &vera.token)
        .await;
    json_with_status(lowered, 200).await;
    // Two of the three proposals went back to their requests; one place, one acceptance.
    let accepts =
        futures_util::future::join_all(proposals.iter().map(|m| act(&app, &vera, m, "accept")))
            .await;
    let all = statuses(&accepts);
    no_server_errors(&all);
    assert_eq!(all.iter().filter(|s| **s == 200).count(), 1, "{all:?}");
    let statuses = match_statuses(&app, &offer_id).await;
    assert_eq!(
        statuses.iter().filter(|s| *s == "accepted").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "withdrawn").count(),
        2,
        "{statuses:?}"
    );
    // Accepting the accepted one again says so (not that the offer is full).
    for m in &proposals {
        let again = problem(act(&app, &vera, m, "accept").await, 409).await;
        assert_eq!(again["reason"], "conflict-proposal-not-open", "{again}");
    }
    // Below the accepted load it is refused and nothing changes.
    let refused = app
        .patch_json(&path, &json!({"capacity": 0}), &vera.token)
        .await;
    assert!(refused.status().is_client_error(), "{}", refused.status());
    let read = json_with_status(app.get_as(&path, &vera.token).await, 200).await;
    assert_eq!(read["capacity"], 1);
    invariants_hold(&app).await;
}

#[actix_web::test]
async fn capacity_lowered_while_accepting_never_ends_above_capacity() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let offer = post_offer(&app, &vera, &with(offer_body(), "capacity", json!(3))).await;
    let path = format!("/api/v1/offers/{}", offer["id"].as_str().unwrap());
    let mut proposals = Vec::new();
    for i in 0..3 {
        let resident = app.resident().await;
        let body = with(request_body(), "title", json!(format!("Hulp {i}")));
        let id = post_request(&app, &resident, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let matched = crate::matching::request_matches(&app, &resident, &id).await;
        proposals.push(matched[0]["id"].as_str().unwrap().to_owned());
    }
    let accepts = proposals.iter().map(|m| act(&app, &vera, m, "accept"));
    let one = json!({"capacity": 1});
    let lower = app.patch_json(&path, &one, &vera.token);
    let (accepts, lowered) =
        futures_util::future::join(futures_util::future::join_all(accepts), lower).await;
    let mut all = statuses(&accepts);
    all.push(lowered.status().as_u16());
    no_server_errors(&all);
    invariants_hold(&app).await;
}
