//! Recording a VOG: only a case worker of a municipality where the volunteer offers help, never
//! the person it is about, and waiting requests that need it are proposed at once.

use serde_json::{json, Value};

use crate::{
    help_requests::post_request,
    helpers::{json_with_status, problem, TestApp, TestUser},
    matching::request_status,
    offers::{offer_body, post_offer},
};

async fn record(
    app: &TestApp,
    worker: &TestUser,
    volunteer: &str,
    issued_on: &str,
) -> reqwest::Response {
    app.put_json(
        &format!("/api/v1/users/{volunteer}/vog"),
        &json!({"issued_on": issued_on}),
        &worker.token,
    )
    .await
}

#[actix_web::test]
async fn a_vog_is_recorded_where_the_volunteer_offers_help_and_never_by_oneself() {
    let app = TestApp::spawn().await;
    let volunteer = app.volunteer().await;
    post_offer(&app, &volunteer, &offer_body()).await; // Utrecht
    let amsterdam = app.case_worker("GM0363").await;
    let utrecht = app.case_worker("GM0344").await;
    problem(
        record(&app, &amsterdam, &volunteer.id, "2026-06-01").await,
        404,
    )
    .await;
    let me = json_with_status(app.get_as("/api/v1/me", &volunteer.token).await, 200).await;
    assert_eq!(
        me["vog_issued_on"],
        Value::Null,
        "nothing recorded by the wrong municipality"
    );
    let done = json_with_status(
        record(&app, &utrecht, &volunteer.id, "2026-06-01").await,
        200,
    )
    .await;
    assert_eq!(done["vog_issued_on"], "2026-06-01");

    // A case worker who makes themselves a volunteer cannot vouch for themselves.
    let roles = json!({"roles": ["volunteer"]});
    json_with_status(
        app.patch_json("/api/v1/me", &roles, &utrecht.token).await,
        200,
    )
    .await;
    let (token, _) = app.login(&utrecht.email, &utrecht.password).await;
    let as_volunteer = TestUser {
        token,
        ..utrecht.clone()
    };
    post_offer(&app, &as_volunteer, &offer_body()).await;
    let own = record(&app, &as_volunteer, &utrecht.id, "2026-06-01").await;
    problem(own, 403).await;
    let mine = json_with_status(app.get_as("/api/v1/me", &as_volunteer.token).await, 200).await;
    assert_eq!(mine["vog_issued_on"], Value::Null);
}

#[actix_web::test]
async fn recording_a_vog_proposes_a_waiting_request_for_a_minor_at_once() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let homework = json!({
        "categories": ["huiswerkbegeleiding"], "postcode": "3511", "radius_km": 10, "remote_ok": false,
        "availability": {"slots": [], "from": null, "until": null}, "capacity": 3, "note": ""
    });
    post_offer(&app, &vera, &homework).await;
    let parent = app.resident().await;
    let body = json!({
        "domain": "jeugdwet", "category": "huiswerkbegeleiding", "title": "Hulp bij wiskunde",
        "description": "Voor mijn zoon in de tweede klas.", "postcode": "3512", "involves_minor": true,
        "availability": {"slots": []}, "consent_municipality": true
    });
    let request = post_request(&app, &parent, &body).await;
    assert_eq!(request["status"], "open", "no VOG yet");
    let worker = app.case_worker("GM0344").await;
    let today = crate::help_requests::ClockNaive::clock_naive(&app)
        .date()
        .to_string();
    json_with_status(record(&app, &worker, &vera.id, &today).await, 200).await;
    let id = request["id"].as_str().unwrap();
    assert_eq!(
        request_status(&app, &parent, id).await,
        "proposed",
        "without waiting for a batch"
    );
}

#[actix_web::test]
async fn a_minors_request_follows_its_municipalitys_vog_policy_in_every_mode() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let policy = |months: u32| json!({"grace_hours_normal": 48, "grace_hours_high": 12, "vog_max_age_months": months, "retention_months": 12});
    let put = app
        .put_json(
            "/api/v1/municipalities/GM0344/settings",
            &policy(12),
            &admin.token,
        )
        .await;
    json_with_status(put, 200).await;
    let vera = app.volunteer().await;
    let homework = json!({
        "categories": ["huiswerkbegeleiding"], "postcode": "3511", "radius_km": 10, "remote_ok": false,
        "availability": {"slots": [], "from": null, "until": null}, "capacity": 3, "note": ""
    });
    post_offer(&app, &vera, &homework).await;
    let worker = app.case_worker("GM0344").await;
    // Eighteen months old: valid under the national default of 36, not under Utrecht's 12.
    let issued =
        (crate::help_requests::ClockNaive::clock_naive(&app) - chrono::Duration::days(548)).date();
    json_with_status(
        record(&app, &worker, &vera.id, &issued.to_string()).await,
        200,
    )
    .await;
    let parent = app.resident().await;
    let minor = |title: &str| {
        json!({
            "domain": "jeugdwet", "category": "huiswerkbegeleiding", "title": title,
            "description": "Voor mijn dochter in de eerste klas.", "postcode": "3512", "involves_minor": true,
            "availability": {"slots": []}, "consent_municipality": true
        })
    };
    let first = post_request(&app, &parent, &minor("Hulp bij Engels")).await;
    assert_eq!(
        first["status"], "open",
        "incremental: the VOG is too old for Utrecht"
    );
    let batch = app
        .post_json("/api/v1/matching-batch", &json!({}), Some(&admin.token))
        .await;
    json_with_status(batch, 200).await;
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        request_status(&app, &parent, id).await,
        "open",
        "the batch follows the same policy"
    );

    let put = app
        .put_json(
            "/api/v1/municipalities/GM0344/settings",
            &policy(24),
            &admin.token,
        )
        .await;
    json_with_status(put, 200).await;
    let second = post_request(&app, &parent, &minor("Hulp bij aardrijkskunde")).await;
    assert_eq!(second["status"], "proposed", "valid under 24 months");
}
