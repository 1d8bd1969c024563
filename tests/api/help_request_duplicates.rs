//! Help requests: a near-duplicate is refused unless confirmed, and posts arriving at the same
//! moment are each stored or refused alone.

use serde_json::{json, Value};

use crate::{
    help_requests::{count, post_request, request_body, with},
    helpers::{json_with_status, problem, TestApp},
};

#[actix_web::test]
async fn a_near_duplicate_is_refused_with_the_existing_id_unless_confirmed() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let first = post_request(&app, &anna, &request_body()).await;
    let first_id = first["id"].as_str().unwrap();

    let near = with(
        with(request_body(), "title", json!("boodschappen  op Dinsdag")),
        "description",
        json!("Ik kan sinds mijn operatie niet meer zelf naar de supermarkt!"),
    );
    let conflict = problem(
        app.post_json("/api/v1/help-requests", &near, Some(&anna.token))
            .await,
        409,
    )
    .await;
    assert_eq!(conflict["existing_id"], first_id);
    assert_eq!(count(&app, "help_requests").await, 1, "nothing stored");

    let confirmed = post_request(
        &app,
        &anna,
        &with(near.clone(), "confirm_duplicate", json!(true)),
    )
    .await;
    assert_ne!(confirmed["id"], first["id"]);

    // Not a duplicate: another category, another resident, or more than 14 days later.
    post_request(
        &app,
        &anna,
        &with(near.clone(), "category", json!("huishouden")),
    )
    .await;
    let bob = app.resident().await;
    post_request(&app, &bob, &near).await;
    app.clock.advance(chrono::Duration::days(15));
    post_request(&app, &anna, &near).await;
    assert_eq!(count(&app, "help_requests").await, 5);
}

#[actix_web::test]
async fn a_cancelled_request_is_no_duplicate() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let first = post_request(&app, &anna, &request_body()).await;
    let cancel = format!(
        "/api/v1/help-requests/{}/cancel",
        first["id"].as_str().unwrap()
    );
    json_with_status(
        app.post_json(&cancel, &json!({}), Some(&anna.token)).await,
        200,
    )
    .await;
    post_request(&app, &anna, &request_body()).await;
}

/// Posts arriving at the same moment (on SQLite they share one commit, each in its own
/// savepoint): every 201 is stored and readable by its owner, and every refused post (a
/// near-duplicate, 409) left nothing behind, whatever else shared its commit.
#[actix_web::test]
async fn simultaneous_posts_are_each_stored_or_refused_alone() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    post_request(&app, &anna, &request_body()).await;
    let before = count(&app, "help_requests").await;
    let categories = [
        "huishouden",
        "klussen",
        "tuin",
        "vervoer",
        "gezelschap",
        "telefoonmaatje",
        "maaltijden",
        "administratie",
        "huisdieren",
        "mantelzorgondersteuning",
    ];
    let bodies: Vec<Value> = categories
        .iter()
        .enumerate()
        .flat_map(|(i, category)| {
            let distinct = with(
                with(request_body(), "category", json!(category)),
                "title",
                json!(format!("Verzoek {i}: {category}")),
            );
            // Each distinct post beside a copy of the first one, which is refused.
            [distinct, request_body()]
        })
        .collect();
    let answers = futures_util::future::join_all(
        bodies
            .iter()
            .map(|body| app.post_json("/api/v1/help-requests", body, Some(&anna.token))),
    )
    .await;
    let mut stored = Vec::new();
    for (body, answer) in bodies.iter().zip(answers) {
        if body["category"] == "boodschappen" {
            problem(answer, 409).await;
        } else {
            stored.push(json_with_status(answer, 201).await);
        }
    }
    assert_eq!(stored.len(), categories.len());
    assert_eq!(
        count(&app, "help_requests").await,
        before + categories.len() as i64,
        "exactly the accepted posts are stored"
    );
    for view in &stored {
        let id = view["id"].as_str().expect("an id");
        let read = json_with_status(
            app.get_as(&format!("/api/v1/help-requests/{id}"), &anna.token)
                .await,
            200,
        )
        .await;
        assert_eq!(read["title"], view["title"]);
    }
}
