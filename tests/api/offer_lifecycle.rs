//! Volunteer offers: pause, resume and withdraw follow the lifecycle, withdrawing reopens the
//! offer's requests, and every change of an offer is validated again.

use serde_json::json;

use crate::{
    help_requests::{count, insert_match, match_status, post_request, request_body, with},
    helpers::{json_with_status, problem, problem_naming, TestApp},
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn pause_resume_and_withdraw_follow_the_lifecycle() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let offer = post_offer(&app, &vera, &offer_body()).await;
    let path = format!("/api/v1/offers/{}", offer["id"].as_str().unwrap());
    let act = |action: &'static str| {
        let (app, path, token) = (&app, &path, &vera.token);
        async move {
            app.post_json(&format!("{path}/{action}"), &json!({}), Some(token))
                .await
        }
    };

    problem(act("resume").await, 409).await;
    assert_eq!(
        json_with_status(act("pause").await, 200).await["status"],
        "paused"
    );
    problem(act("pause").await, 409).await;
    // A paused offer can still be changed.
    let changed = json_with_status(
        app.patch_json(&path, &json!({"capacity": 3}), &vera.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        (changed["capacity"].clone(), changed["status"].clone()),
        (json!(3), json!("paused"))
    );
    assert_eq!(
        json_with_status(act("resume").await, 200).await["status"],
        "active"
    );
    assert_eq!(
        json_with_status(act("withdraw").await, 200).await["status"],
        "withdrawn"
    );
    for action in ["withdraw", "pause", "resume"] {
        problem(act(action).await, 409).await;
    }
    problem(
        app.patch_json(&path, &json!({"capacity": 1}), &vera.token)
            .await,
        409,
    )
    .await;
    let listed = json_with_status(
        app.get_as("/api/v1/offers?status=withdrawn", &vera.token)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["total"], 1);
}

#[actix_web::test]
async fn withdrawing_an_offer_withdraws_its_proposals_and_reopens_their_requests() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let anna = app.resident().await;
    let offer = post_offer(&app, &vera, &offer_body()).await;
    let offer_id = offer["id"].as_str().unwrap();
    let proposed = post_request(&app, &anna, &request_body()).await;
    let matched = post_request(
        &app,
        &anna,
        &with(request_body(), "category", json!("tuin")),
    )
    .await;
    let proposed_id = proposed["id"].as_str().unwrap();
    let matched_id = matched["id"].as_str().unwrap();
    set_request_status(&app, proposed_id, "proposed").await;
    set_request_status(&app, matched_id, "matched").await;
    let proposal = insert_match(&app, proposed_id, offer_id, "proposed").await;
    let accepted = insert_match(&app, matched_id, offer_id, "accepted").await;

    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{offer_id}/withdraw"),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(match_status(&app, &proposal).await, "withdrawn");
    assert_eq!(
        match_status(&app, &accepted).await,
        "accepted",
        "a commitment made stays"
    );
    let reopened = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{proposed_id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(reopened["status"], "open");
    let still = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{matched_id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(still["status"], "matched");
}

async fn set_request_status(app: &TestApp, id: &str, status: &'static str) {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::help_requests;
    let state = app.state.clone();
    let id = id.to_owned();
    hulpmarkt::db::transaction(&state.pool, move |conn| {
        diesel::update(help_requests::table.find(&id))
            .set(help_requests::status.eq(status))
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
}

#[actix_web::test]
async fn an_offer_can_be_changed_and_each_change_is_validated_again() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let offer = post_offer(&app, &vera, &offer_body()).await;
    let path = format!("/api/v1/offers/{}", offer["id"].as_str().unwrap());
    app.clock.advance(chrono::Duration::minutes(3));
    let changed = json_with_status(
        app.patch_json(
            &path,
            &json!({"categories": ["telefoonmaatje", "boodschappen"], "remote_ok": true,
            "postcode": "1012", "radius_km": 12.5, "note": "  Bel gerust.  "}),
            &vera.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        changed["categories"],
        json!(["boodschappen", "telefoonmaatje"])
    );
    assert_eq!(changed["remote_ok"], true);
    assert_eq!(changed["municipality_code"], "GM0363");
    assert_eq!(changed["radius_km"], 12.5);
    assert_eq!(changed["note"], "Bel gerust.");
    assert_eq!(changed["capacity"], 2, "absent fields keep their value");
    assert_ne!(changed["updated_at"], offer["updated_at"]);
    assert_eq!(count(&app, "offer_categories").await, 2);

    for (patch, field) in [
        (json!({"categories": ["boodschappen"]}), "remote_ok"),
        (json!({"categories": []}), "categories"),
        (json!({"capacity": 0}), "capacity"),
        (json!({"radius_km": null}), "radius_km"),
        (
            json!({"availability": {"slots": [{"weekday": "mon", "start": "25:00", "end": "26:00"}]}}),
            "availability.slots[0].start",
        ),
        (json!({"volunteer_id": "someone"}), "volunteer_id"),
    ] {
        problem_naming(app.patch_json(&path, &patch, &vera.token).await, 422, field).await;
    }
    let unchanged = json_with_status(app.get_as(&path, &vera.token).await, 200).await;
    assert_eq!(unchanged, changed, "a rejected change stores nothing");
}
