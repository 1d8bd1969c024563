//! Cases: when a request escalates: an urgent request every volunteer declined after twelve
//! hours, and grace periods the municipality's settings change (only admins set them).

use serde_json::json;

use crate::{
    cases::{amsterdam_offer, amsterdam_request, my_request, queue, sweep},
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, problem_naming, TestApp},
    offers::post_offer,
};

#[actix_web::test]
async fn an_urgent_request_every_volunteer_declined_escalates_after_twelve_hours() {
    let app = TestApp::spawn().await;
    // Amsterdam has a case worker: the municipality is the fallback there.
    let _worker = app.case_worker("GM0363").await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &amsterdam_offer("1017", 5.0, "tue")).await;
    let anna = app.resident().await;
    let urgent = with(amsterdam_request(), "urgency", json!("high"));
    let request = post_request(&app, &anna, &urgent).await;
    assert_eq!(request["status"], "proposed");
    let id = request["id"].as_str().unwrap();
    let proposals = json_with_status(app.get_as("/api/v1/matches", &vera.token).await, 200).await;
    let match_id = proposals["items"][0]["id"].as_str().unwrap();
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{match_id}/decline"),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(my_request(&app, &anna, id).await["status"], "open");
    // A normal request with no candidate at all, posted at the same time (in Groningen).
    let bert = app.resident().await;
    let groningen = with(request_body(), "postcode", json!("9711"));
    let normal = post_request(&app, &bert, &groningen).await;
    assert_eq!(normal["status"], "open");

    app.clock.advance(chrono::Duration::hours(11));
    assert_eq!(sweep(&app).await.escalated, 0);
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        sweep(&app).await.escalated,
        1,
        "only the urgent one after 13 h"
    );
    let worker = app.case_worker("GM0363").await;
    let listed = queue(&app, &worker, "").await;
    assert_eq!(listed["items"][0]["reason"], "declined");
    assert_eq!(listed["items"][0]["urgency"], "high");
    let normal_id = normal["id"].as_str().unwrap();
    assert_eq!(my_request(&app, &bert, normal_id).await["status"], "open");
}

#[actix_web::test]
async fn municipality_settings_change_the_grace_period_and_only_admins_set_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let worker = app.case_worker("GM0363").await;
    let path = "/api/v1/municipalities/GM0363/settings";
    let defaults = json_with_status(app.get_as(path, &worker.token).await, 200).await;
    assert_eq!(defaults["grace_hours_normal"], 48);
    assert_eq!(defaults["grace_hours_high"], 12);
    assert_eq!(defaults["vog_max_age_months"], 36);
    assert_eq!(defaults["is_default"], true);
    let other = app.case_worker("GM0344").await;
    problem(app.get_as(path, &other.token).await, 404).await;
    let settings = json!({"grace_hours_normal": 6, "grace_hours_high": 2, "vog_max_age_months": 24, "retention_months": 18});
    problem(app.put_json(path, &settings, &worker.token).await, 403).await;
    let bad = with(settings.clone(), "grace_hours_high", json!(10));
    problem_naming(
        app.put_json(path, &bad, &admin.token).await,
        422,
        "grace_hours_high",
    )
    .await;
    problem(
        app.put_json(
            "/api/v1/municipalities/GM9999/settings",
            &settings,
            &admin.token,
        )
        .await,
        404,
    )
    .await;
    let saved = json_with_status(app.put_json(path, &settings, &admin.token).await, 200).await;
    assert_eq!(saved["grace_hours_normal"], 6);
    assert_eq!(saved["is_default"], false);
    let read = json_with_status(app.get_as(path, &worker.token).await, 200).await;
    assert_eq!(read["retention_months"], 18);

    let anna = app.resident().await;
    post_request(&app, &anna, &amsterdam_request()).await;
    app.clock.advance(chrono::Duration::hours(5));
    assert_eq!(sweep(&app).await.escalated, 0);
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        sweep(&app).await.escalated,
        1,
        "after the municipality's own 6 h"
    );
}
