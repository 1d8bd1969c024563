//! The in-app feed, the preferences (language, e-mail, daily digest), the escalation reason of
//! lapsed proposals, and notifications in the export and the erasure.

use chrono::{Duration, Timelike};
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with, ClockNaive},
    helpers::{json_with_status, problem_naming, TestApp, TestUser},
    notification_helpers::{
        app_with_mail, delivery_statuses, dispatch_all, live_match, smtp_sink::SmtpSink,
        stored_notifications,
    },
    offers::{offer_body, post_offer},
};

async fn feed(app: &TestApp, user: &TestUser, query: &str) -> Value {
    json_with_status(
        app.get_as(&format!("/api/v1/me/notifications{query}"), &user.token)
            .await,
        200,
    )
    .await
}

async fn unread(app: &TestApp, user: &TestUser) -> i64 {
    let body = json_with_status(
        app.get_as("/api/v1/me/notifications/unread-count", &user.token)
            .await,
        200,
    )
    .await;
    body["unread"].as_i64().unwrap()
}

#[actix_web::test]
async fn the_feed_shows_each_person_their_own_notifications_unread_first_in_their_language() {
    let app = TestApp::spawn().await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &with(offer_body(), "capacity", json!(3))).await;
    let first = post_request(&app, &resident, &request_body()).await;
    let second = post_request(
        &app,
        &resident,
        &with(request_body(), "title", json!("Naar de markt")),
    )
    .await;
    let m = live_match(&app, &resident, &first).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{m}/accept"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await,
        200,
    )
    .await;

    let mine = feed(&app, &volunteer, "").await;
    assert_eq!(mine["total"], 2);
    let items = mine["items"].as_array().unwrap();
    assert!(items
        .iter()
        .all(|n| n["kind"] == "proposal_made" && n["read_at"].is_null()));
    assert_eq!(items[0]["request_id"], second["id"], "newest first");
    assert_eq!(
        items[0]["subject"], "Wilt u iemand helpen?",
        "Dutch by default"
    );
    assert!(
        items[0]["text"].as_str().unwrap().contains("Boodschappen"),
        "{}",
        items[0]["text"]
    );
    let theirs = feed(&app, &resident, "").await;
    assert_eq!(theirs["total"], 1);
    assert_eq!(theirs["items"][0]["kind"], "proposal_accepted");
    assert_eq!(unread(&app, &volunteer).await, 2);

    // Reading: once, only one's own, and read ones sink below the unread.
    let older = items[1]["id"].as_str().unwrap();
    let read = app
        .post_json(
            &format!("/api/v1/me/notifications/{older}/read"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await;
    assert!(!json_with_status(read, 200).await["read_at"].is_null());
    let again = app
        .post_json(
            &format!("/api/v1/me/notifications/{older}/read"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await;
    assert_eq!(again.status(), 200, "reading twice changes nothing");
    let foreign = app
        .post_json(
            &format!("/api/v1/me/notifications/{older}/read"),
            &json!({}),
            Some(&resident.token),
        )
        .await;
    assert_eq!(
        foreign.status(),
        404,
        "another person's notification does not exist for you"
    );
    let bogus = app
        .post_json(
            "/api/v1/me/notifications/not-an-id/read",
            &json!({}),
            Some(&resident.token),
        )
        .await;
    assert_eq!(bogus.status(), 404);
    assert_eq!(unread(&app, &volunteer).await, 1);
    assert_eq!(feed(&app, &volunteer, "?unread=true").await["total"], 1);
    let reordered = feed(&app, &volunteer, "").await;
    assert_eq!(
        reordered["items"][1]["id"], older,
        "read ones after the unread"
    );

    // In English once the volunteer chooses it; read-all.
    let prefs = app
        .patch_json(
            "/api/v1/me/notification-preferences",
            &json!({"language": "en"}),
            &volunteer.token,
        )
        .await;
    assert_eq!(json_with_status(prefs, 200).await["language"], "en");
    assert_eq!(
        feed(&app, &volunteer, "").await["items"][0]["subject"],
        "Can you help someone?"
    );
    let all = app
        .post_json(
            "/api/v1/me/notifications/read-all",
            &json!({}),
            Some(&volunteer.token),
        )
        .await;
    assert_eq!(json_with_status(all, 200).await["marked"], 1);
    assert_eq!(unread(&app, &volunteer).await, 0);
    assert_eq!(
        unread(&app, &resident).await,
        1,
        "the resident's are untouched"
    );

    let page = feed(&app, &volunteer, "?per_page=1&page=2").await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    problem_naming(
        app.get_as("/api/v1/me/notifications?per_page=0", &volunteer.token)
            .await,
        422,
        "per_page",
    )
    .await;
    assert_eq!(app.get("/api/v1/me/notifications").await.status(), 401);
}

#[actix_web::test]
async fn preferences_are_validated_and_mail_follows_them_with_a_daily_digest() {
    let mut sink = SmtpSink::start();
    let app = app_with_mail(&sink).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    let shown = json_with_status(
        app.get_as("/api/v1/me/notification-preferences", &volunteer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        shown,
        json!({"language": "nl", "email": true, "digest": false, "email_available": true})
    );
    for bad in [
        json!({"language": "fr"}),
        json!({"email": "yes"}),
        json!({"sms": true}),
    ] {
        let answer = app
            .patch_json(
                "/api/v1/me/notification-preferences",
                &bad,
                &volunteer.token,
            )
            .await;
        assert!(
            matches!(answer.status().as_u16(), 400 | 422),
            "{bad} answered {}",
            answer.status()
        );
    }
    let digest = app
        .patch_json(
            "/api/v1/me/notification-preferences",
            &json!({"digest": true}),
            &volunteer.token,
        )
        .await;
    assert_eq!(json_with_status(digest, 200).await["digest"], true);
    let off = app
        .patch_json(
            "/api/v1/me/notification-preferences",
            &json!({"email": false}),
            &resident.token,
        )
        .await;
    assert_eq!(json_with_status(off, 200).await["email"], false);

    post_offer(&app, &volunteer, &with(offer_body(), "capacity", json!(3))).await;
    let first = post_request(&app, &resident, &request_body()).await;
    post_request(
        &app,
        &resident,
        &with(request_body(), "title", json!("Naar de markt")),
    )
    .await;
    let m = live_match(&app, &resident, &first).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{m}/accept"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await,
        200,
    )
    .await;

    assert_eq!(
        dispatch_all(&app).await,
        Default::default(),
        "the digest waits for the morning"
    );
    let statuses = delivery_statuses(&app).await;
    assert_eq!(
        statuses.get(&("digest".into(), "pending".into())),
        Some(&2),
        "{statuses:?}"
    );
    assert!(
        !statuses.keys().any(|(c, _)| c == "email"),
        "the resident turned e-mail off: {statuses:?}"
    );
    // To the next 07:00 in the Netherlands (06:00 UTC in winter, 05:00 in summer).
    let now = app.clock_naive();
    let next = hulpmarkt::services::notify::next_digest(now);
    assert!(
        next > now && next - now <= Duration::hours(24) && matches!(next.hour(), 5 | 6),
        "{next}"
    );
    app.clock.advance(next - now);
    assert_eq!(dispatch_all(&app).await.delivered, 2, "both in one digest");
    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "one e-mail for the day");
    assert_eq!(mails[0].recipients.len(), 1);
    assert!(mails[0].recipients[0].eq_ignore_ascii_case(&volunteer.email));
    let text = mails[0].data.replace("=\r\n", "");
    assert!(
        text.matches("Wilt u iemand helpen?").count() >= 2,
        "both proposals listed"
    );
    sink.stop();
}

#[actix_web::test]
async fn a_request_whose_proposals_all_lapsed_escalates_as_proposal_timeout() {
    let app = TestApp::spawn().await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    let worker = app.case_worker("GM0344").await;
    post_offer(&app, &volunteer, &offer_body()).await;
    let request = post_request(&app, &resident, &request_body()).await;
    app.clock.advance(Duration::hours(49));
    assert_eq!(app.sweep().await.expired, 1);
    app.clock.advance(Duration::hours(49));
    assert_eq!(app.sweep().await.escalated, 1);
    let cases = json_with_status(app.get_as("/api/v1/cases", &worker.token).await, 200).await;
    assert_eq!(cases["items"][0]["request_id"], request["id"]);
    assert_eq!(
        cases["items"][0]["reason"], "proposal_timeout",
        "nobody declined"
    );
    let told = feed(&app, &resident, "").await;
    let kinds: Vec<&str> = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["request_escalated", "proposal_expired"]);
    assert_eq!(
        feed(&app, &worker, "").await["items"][0]["kind"],
        "case_opened"
    );
}

async fn erase(app: &TestApp, user: &TestUser) -> Value {
    let answer = app
        .client
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&user.token)
        .json(&json!({"password": user.password}))
        .send()
        .await
        .unwrap();
    json_with_status(answer, 200).await
}

#[actix_web::test]
async fn the_export_holds_a_persons_notifications_and_erasure_removes_them() {
    let sink = SmtpSink::start();
    let app = app_with_mail(&sink).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &offer_body()).await;
    let request = post_request(&app, &resident, &request_body()).await;
    let m = live_match(&app, &resident, &request).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{m}/accept"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await,
        200,
    )
    .await;

    let export =
        json_with_status(app.get_as("/api/v1/me/export", &resident.token).await, 200).await;
    let exported = export["notifications"].as_array().unwrap();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0]["kind"], "proposal_accepted");
    assert!(exported[0]["subject"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));

    // The resident's e-mail has not gone out yet when they erase their account.
    let receipt = erase(&app, &resident).await;
    assert_eq!(receipt["notifications_deleted"], 1);
    let left = stored_notifications(&app).await;
    assert!(
        left.iter()
            .all(|n| n.1.as_deref() != Some(resident.id.as_str())),
        "{left:?}"
    );
    assert!(
        left.iter()
            .any(|n| n.1.as_deref() == Some(volunteer.id.as_str())),
        "the volunteer's stay"
    );
    let report = dispatch_all(&app).await;
    // The volunteer's: the proposal, and that the match is off.
    assert_eq!(
        (report.delivered, report.failed),
        (2, 0),
        "only the volunteer's mail: {report:?}"
    );
    assert!(left
        .iter()
        .any(|n| n.0 == "match_cancelled" && n.1.as_deref() == Some(volunteer.id.as_str())));
    assert!(sink.messages().iter().all(|m| !m
        .recipients
        .iter()
        .any(|r| r.eq_ignore_ascii_case(&resident.email))));
}
