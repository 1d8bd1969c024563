//! Incremental matching's in-memory offer index: the database decides even when the index is
//! behind, and the demand policy (issue 5) chooses the volunteer fewer others need.

use diesel::prelude::*;
use hulpmarkt::db::schema::offers;
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

async fn proposed_offer(app: &TestApp, resident: &TestUser, request_id: &str) -> Option<Value> {
    let body = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{request_id}/matches"),
            &resident.token,
        )
        .await,
        200,
    )
    .await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "proposed")
        .cloned()
}

/// Changes an offer's row the way another instance's transaction could look to this one:
/// without going through this instance at all.
async fn behind_the_index(app: &TestApp, offer_id: &str, status: &'static str, load: i32) {
    let id = offer_id.to_owned();
    app.run_workflow(move |conn, _, _| {
        diesel::update(offers::table.find(id))
            .set((offers::status.eq(status), offers::active_load.eq(load)))
            .execute(conn)?;
        Ok(())
    })
    .await;
}

#[actix_web::test]
async fn an_offer_paused_or_filled_behind_the_index_is_never_proposed() {
    let app = TestApp::spawn().await;
    let (near, middle, far) = (
        app.volunteer().await,
        app.volunteer().await,
        app.volunteer().await,
    );
    let near_offer = post_offer(&app, &near, &with(offer_body(), "postcode", json!("3512"))).await;
    let middle_offer = post_offer(
        &app,
        &middle,
        &with(offer_body(), "postcode", json!("3581")),
    )
    .await;
    let far_offer = post_offer(&app, &far, &with(offer_body(), "postcode", json!("3582"))).await;
    // Paused, and full, where this instance's index cannot see it (no revision).
    behind_the_index(&app, near_offer["id"].as_str().unwrap(), "paused", 0).await;
    behind_the_index(&app, middle_offer["id"].as_str().unwrap(), "active", 2).await;

    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let proposal = proposed_offer(&app, &anna, request["id"].as_str().unwrap())
        .await
        .expect("the one volunteer who can still help gets the proposal");
    assert_eq!(proposal["offer_id"], far_offer["id"]);
    assert_eq!(
        request_load(&app, far_offer["id"].as_str().unwrap()).await,
        1
    );
    assert_eq!(
        request_load(&app, middle_offer["id"].as_str().unwrap()).await,
        2
    );

    // The index learnt both: a second request nearby skips them without help from outside.
    let bert = app.resident().await;
    let second = post_request(
        &app,
        &bert,
        &with(
            request_body(),
            "title",
            json!("Boodschappen op dinsdagochtend"),
        ),
    )
    .await;
    let proposal = proposed_offer(&app, &bert, second["id"].as_str().unwrap())
        .await
        .expect("proposed");
    assert_eq!(proposal["offer_id"], far_offer["id"]);
}

async fn request_load(app: &TestApp, offer_id: &str) -> i32 {
    let id = offer_id.to_owned();
    app.run_workflow(move |conn, _, _| {
        Ok(offers::table
            .find(id)
            .select(offers::active_load)
            .first::<i32>(conn)?)
    })
    .await
}

/// Two volunteers can help with groceries; only the nearer one also drives people, and three
/// residents near a third volunteer, who only drives, asked for a ride this week (the third
/// got them; the nearer one could have). Returns the new grocery request's proposed offer,
/// with the two grocery offers' ids (nearer, farther).
async fn groceries_after_three_rides(demand_on: bool) -> (Value, String, String) {
    let app =
        TestApp::spawn_with(|s| s.demand_recount_minutes = if demand_on { 60 } else { 0 }).await;
    let (driver, walker) = (app.volunteer().await, app.volunteer().await);
    let driver_offer = post_offer(
        &app,
        &driver,
        &with(
            with(offer_body(), "postcode", json!("3512")),
            "capacity",
            json!(5),
        ),
    )
    .await;
    let walker_body = with(
        with(offer_body(), "postcode", json!("3581")),
        "categories",
        json!(["boodschappen"]),
    );
    let walker_offer = post_offer(&app, &walker, &walker_body).await;
    let other_driver = app.volunteer().await;
    let rides_only = with(
        with(offer_body(), "postcode", json!("3581")),
        "categories",
        json!(["vervoer"]),
    );
    post_offer(&app, &other_driver, &with(rides_only, "capacity", json!(5))).await;
    for n in 0..3 {
        let resident = app.resident().await;
        let ride = with(
            with(
                with(request_body(), "category", json!("vervoer")),
                "postcode",
                json!("3581"),
            ),
            "title",
            json!(format!("Vervoer naar het ziekenhuis {n}")),
        );
        post_request(&app, &resident, &ride).await;
    }
    if demand_on {
        let live = app.state.live_offers.clone();
        app.run_workflow(move |conn, now, policy| {
            live.count_demand(
                conn,
                now,
                &hulpmarkt::services::matching::context(now, policy),
            )
        })
        .await;
    }
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let proposal = proposed_offer(&app, &anna, request["id"].as_str().unwrap())
        .await
        .expect("someone can help");
    (
        proposal,
        driver_offer["id"].as_str().unwrap().to_owned(),
        walker_offer["id"].as_str().unwrap().to_owned(),
    )
}

#[actix_web::test]
async fn the_demand_policy_asks_the_volunteer_fewer_recent_requests_need() {
    // By score alone the nearer driver is asked, although three recent rides could use them.
    let (proposal, driver, _) = groceries_after_three_rides(false).await;
    assert_eq!(proposal["offer_id"].as_str(), Some(driver.as_str()));
    // With demand counted, the walker is asked; the explanation says why in plain words
    // (distance and time), not in the demand's figures.
    let (proposal, _, walker) = groceries_after_three_rides(true).await;
    assert_eq!(
        proposal["offer_id"].as_str(),
        Some(walker.as_str()),
        "{proposal}"
    );
    let explanation = proposal["explanation"].as_str().unwrap_or_default();
    assert!(
        explanation.contains(" km van u.") && !explanation.contains("recent"),
        "{explanation}"
    );
}

/// The candidate re-read and the cap count read keys in chunks (eight per statement on
/// SQLite, padded by repeating the last key; one array on PostgreSQL): over more than one
/// chunk, with an unknown key and a repeated one, they find exactly the offers that are
/// active and cover the category, and exactly the volunteers with proposals.
#[actix_web::test]
async fn candidates_and_cap_counts_are_read_right_across_chunks() {
    let app = TestApp::spawn().await;
    let mut offer_ids = Vec::new();
    let mut volunteer_ids = Vec::new();
    for i in 0..19 {
        let volunteer = app.volunteer().await;
        // Every third offer is in another category only.
        let categories = if i % 3 == 2 {
            json!(["tuin"])
        } else {
            json!(["boodschappen", "vervoer"])
        };
        let offer = post_offer(
            &app,
            &volunteer,
            &with(offer_body(), "categories", categories),
        )
        .await;
        offer_ids.push(offer["id"].as_str().unwrap().to_owned());
        volunteer_ids.push(volunteer.id.clone());
    }
    // One covering offer paused behind the index.
    behind_the_index(&app, &offer_ids[9], "paused", 0).await;
    let resident = app.resident().await;
    let request = post_request(&app, &resident, &request_body()).await;
    let proposal = proposed_offer(&app, &resident, request["id"].as_str().unwrap())
        .await
        .expect("a proposal");
    let proposed_volunteer = volunteer_ids[offer_ids
        .iter()
        .position(|id| *id == proposal["offer_id"])
        .unwrap()]
    .clone();

    let mut asked = offer_ids.clone();
    asked.push("00000000-0000-4000-8000-000000000000".into());
    asked.push(offer_ids[0].clone());
    let volunteers = volunteer_ids.clone();
    let (mut found, counts) = app
        .run_workflow(move |conn, now, _| {
            let found: Vec<String> =
                hulpmarkt::db::offers::current_candidates(conn, &asked, "boodschappen")?
                    .into_iter()
                    .map(|(offer, _)| offer.id.to_string())
                    .collect();
            let counts = hulpmarkt::db::matches::proposals_since(
                conn,
                &volunteers,
                now - chrono::Duration::hours(24),
            )?;
            Ok((found, counts))
        })
        .await;
    found.sort();
    found.dedup();
    let mut expected: Vec<String> = offer_ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 2 && *i != 9)
        .map(|(_, id)| id.clone())
        .collect();
    expected.sort();
    assert_eq!(expected.len(), 12);
    assert_eq!(found, expected);
    assert_eq!(counts, vec![(proposed_volunteer, 1)]);
}
