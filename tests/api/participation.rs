//! Where the municipality is no fallback (issue 23): a request is told so when it is posted,
//! escalating is refused with that reason, and the sweeper leaves it open for volunteers
//! instead of queueing it where nobody looks. An admin sets it either way.

use serde_json::json;

use crate::{
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, TestApp, TestUser},
};

/// Escalates `id` as its resident; returns the answer's status.
async fn escalate(app: &TestApp, resident: &TestUser, id: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/help-requests/{id}/escalate"),
        &json!({}),
        Some(&resident.token),
    )
    .await
}

/// Utrecht's settings with `participating` as given.
async fn set_participating(app: &TestApp, admin: &TestUser, participating: serde_json::Value) {
    let body = json!({"grace_hours_normal": 48, "grace_hours_high": 12, "vog_max_age_months": 36,
        "retention_months": 12, "participating": participating});
    let saved = app
        .put_json(
            "/api/v1/municipalities/GM0344/settings",
            &body,
            &admin.token,
        )
        .await;
    assert_eq!(
        json_with_status(saved, 200).await["participating"],
        participating
    );
}

#[actix_web::test]
async fn without_a_case_worker_or_a_setting_there_is_no_fallback_and_nothing_is_queued() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let posted = post_request(&app, &anna, &request_body()).await; // Utrecht, nobody offers
    assert_eq!(posted["municipal_fallback"], false, "{posted}");
    let id = posted["id"].as_str().unwrap();
    let refused = problem(escalate(&app, &anna, id).await, 409).await;
    assert_eq!(
        refused["reason"], "conflict-no-municipal-fallback",
        "{refused}"
    );
    // Past the grace period the sweeper leaves it open: there is no queue to put it in.
    app.clock.advance(chrono::Duration::hours(49));
    assert_eq!(app.sweep().await.escalated, 0);
    let read = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(read["status"], "open");
    assert!(
        read.get("municipal_fallback").is_none(),
        "only in the answer to posting"
    );

    // Once Utrecht appoints a case worker, it is the fallback: the next sweep escalates.
    let worker = app.case_worker("GM0344").await;
    assert_eq!(app.sweep().await.escalated, 1);
    let queue = json_with_status(app.get_as("/api/v1/cases", &worker.token).await, 200).await;
    assert_eq!(queue["total"], 1);
}

#[actix_web::test]
async fn an_admin_decides_whether_the_municipality_takes_part() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let _worker = app.case_worker("GM0344").await;
    // Not taking part, although it has a case worker.
    set_participating(&app, &admin, json!(false)).await;
    let anna = app.resident().await;
    let posted = post_request(&app, &anna, &request_body()).await;
    assert_eq!(posted["municipal_fallback"], false);
    let id = posted["id"].as_str().unwrap();
    problem(escalate(&app, &anna, id).await, 409).await;
    // Taking part again: escalating is allowed, the case is queued.
    set_participating(&app, &admin, json!(true)).await;
    let escalated = escalate(&app, &anna, id).await;
    assert_eq!(
        json_with_status(escalated, 200).await["status"],
        "escalated"
    );
    // Back to the default (null): it has an active case worker, so it is the fallback.
    set_participating(&app, &admin, json!(null)).await;
    let bram = app.resident().await;
    let body = crate::help_requests::with(request_body(), "title", json!("Ander verzoek"));
    assert_eq!(
        post_request(&app, &bram, &body).await["municipal_fallback"],
        true
    );
}

#[actix_web::test]
async fn requests_left_open_where_there_is_no_fallback_never_hold_up_escalation_elsewhere() {
    let app = TestApp::spawn().await;
    // The older request waits in Utrecht (no case worker), the newer in Amsterdam (one).
    let anna = app.resident().await;
    post_request(&app, &anna, &request_body()).await;
    app.clock.advance(chrono::Duration::hours(1));
    let _worker = app.case_worker("GM0363").await;
    let bram = app.resident().await;
    let amsterdam = post_request(&app, &bram, &crate::cases::amsterdam_request()).await;
    app.clock.advance(chrono::Duration::hours(49));
    // A sweep that takes one request at a time takes Amsterdam's, not the older one that
    // cannot escalate.
    let due = app
        .run_workflow(|conn, now, _| hulpmarkt::services::escalation::due_at_most(conn, now, 1))
        .await;
    let ids: Vec<String> = due.iter().map(|d| d.request_id.to_string()).collect();
    assert_eq!(ids, [amsterdam["id"].as_str().unwrap()]);
}
