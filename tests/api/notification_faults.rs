//! Delivery under faults: a mail server that is down for a while, a receiver that fails and
//! recovers, one that never does, a change that rolls back, and two instances dispatching
//! from one database at once.

use std::collections::BTreeSet;

use chrono::Duration;
use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp},
    notification_helpers::{
        app_with_mail, delivery_statuses, dispatch_all, live_match, register_webhook,
        smtp_sink::SmtpSink, stored_notifications, webhook_receiver::WebhookReceiver,
    },
    offers::{offer_body, post_offer},
};
use hulpmarkt::services::dispatch::{backoff, MAX_ATTEMPTS};

const PLACEHOLDER: &str = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

#[actix_web::test]
async fn mail_held_back_while_the_server_is_down_arrives_once_and_in_order() {
    let mut sink = SmtpSink::start();
    let app = app_with_mail(&sink).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &with(offer_body(), "capacity", json!(10))).await;
    sink.stop();
    for i in 0..4 {
        let r = post_request(
            &app,
            &resident,
            &with(request_body(), "title", json!(format!("Boodschappen {i}"))),
        )
        .await;
        let m = live_match(&app, &resident, &r).await;
        let accepted = app
            .post_json(
                &format!("/api/v1/matches/{m}/accept"),
                &json!({}),
                Some(&volunteer.token),
            )
            .await;
        json_with_status(accepted, 200).await;
    }
    let down = app.dispatch().await;
    assert_eq!(
        (down.delivered, down.retrying),
        (0, 2),
        "one held-back head per recipient: {down:?}"
    );
    app.clock.advance(Duration::seconds(10));
    assert_eq!(
        app.dispatch().await,
        Default::default(),
        "nothing before the backoff has passed"
    );

    sink.restart();
    app.clock.advance(backoff(1));
    let up = dispatch_all(&app).await;
    assert_eq!((up.delivered, up.retrying, up.failed), (8, 0, 0), "{up:?}");
    let mails = sink.messages();
    assert_eq!(mails.len(), 8, "each notification once");
    for to in [&resident, &volunteer] {
        let ids: Vec<String> = mails
            .iter()
            .filter(|m| {
                m.recipients
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(&to.email))
            })
            .map(|m| m.header("Message-ID").unwrap())
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids.len(), 4);
        assert_eq!(ids, sorted, "in the order the notifications were made");
    }
    sink.stop();
}

#[actix_web::test]
async fn a_receiver_that_fails_three_times_gets_the_event_once_after_its_recovery() {
    let receiver = WebhookReceiver::start(PLACEHOLDER);
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    register_webhook(&app, &admin, "GM0344", &receiver).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &offer_body()).await;
    receiver.fail_next(3);
    post_request(&app, &resident, &request_body()).await;
    for attempt in 1..=3 {
        let r = app.dispatch().await;
        assert_eq!((r.delivered, r.retrying), (0, 1), "attempt {attempt}");
        app.clock.advance(backoff(attempt));
    }
    let waiting = metrics(&app).await;
    assert!(
        waiting.contains(r#"notification_deliveries{channel="webhook",status="pending"} 1"#),
        "{waiting}"
    );
    assert!(
        !waiting.contains("notification_oldest_pending_seconds 0"),
        "the oldest waits: {waiting}"
    );
    assert_eq!(app.dispatch().await.delivered, 1);
    assert_eq!(receiver.received().len(), 1, "delivered once");
    assert_eq!(receiver.attempts().len(), 4, "three failures, then success");
    assert_eq!(receiver.received()[0].json()["type"], "proposal_made");
    assert_eq!(app.dispatch().await, Default::default());
    let done = metrics(&app).await;
    assert!(
        done.contains(r#"notification_deliveries{channel="webhook",status="delivered"} 1"#),
        "{done}"
    );
    assert!(
        done.contains("notification_oldest_pending_seconds 0"),
        "{done}"
    );
}

async fn metrics(app: &TestApp) -> String {
    app.metrics().await
}

#[actix_web::test]
async fn a_receiver_that_always_fails_ends_failed_after_bounded_tries_and_admins_see_it() {
    let receiver = WebhookReceiver::start(PLACEHOLDER);
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    register_webhook(&app, &admin, "GM0344", &receiver).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &offer_body()).await;
    receiver.always_fail();
    post_request(&app, &resident, &request_body()).await;
    for _ in 0..MAX_ATTEMPTS + 3 {
        app.dispatch().await;
        app.clock.advance(Duration::hours(7));
    }
    assert_eq!(
        receiver.attempts().len(),
        MAX_ATTEMPTS as usize,
        "bounded, never forever"
    );
    let statuses = delivery_statuses(&app).await;
    assert_eq!(
        statuses.get(&("webhook".into(), "failed".into())),
        Some(&1),
        "{statuses:?}"
    );
    let failed = json_with_status(
        app.get_as(
            "/api/v1/municipalities/GM0344/failed-deliveries",
            &admin.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(failed["total"], 1);
    assert_eq!(failed["items"][0]["kind"], "proposal_made");
    assert_eq!(failed["items"][0]["attempts"], MAX_ATTEMPTS);
    assert_eq!(failed["items"][0]["channel"], "webhook");
    let worker = app.case_worker("GM0344").await;
    let refused = app
        .get_as(
            "/api/v1/municipalities/GM0344/failed-deliveries",
            &worker.token,
        )
        .await;
    assert_eq!(refused.status(), 403, "admins only");
}

#[actix_web::test]
async fn a_change_that_rolls_back_leaves_no_notification() {
    let app = TestApp::spawn().await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &offer_body()).await;
    let r = post_request(&app, &resident, &request_body()).await;
    let m = live_match(&app, &resident, &r).await;
    let before = stored_notifications(&app).await;
    let (me, policy) = (volunteer.id.clone(), app.state.policy());
    let now = crate::help_requests::ClockNaive::clock_naive(&app);
    let outcome = hulpmarkt::services::write(&app.state.pool, policy, move |conn, policy| {
        hulpmarkt::services::match_lifecycle::decline(conn, &m, &me, None, now, policy)?;
        Err::<(), _>(hulpmarkt::error::AppError::Conflict {
            detail: hulpmarkt::msg!("conflict-same-moment"),
            existing_id: None,
        })
    })
    .await;
    assert!(outcome.is_err());
    assert_eq!(
        stored_notifications(&app).await,
        before,
        "no notification of the rolled-back decline"
    );
    assert!(
        before.iter().any(|n| n.0 == "proposal_made"),
        "the committed proposal has its notification"
    );
}

#[actix_web::test]
async fn two_instances_dispatching_at_once_deliver_every_event_exactly_once() {
    let receiver = WebhookReceiver::start(PLACEHOLDER);
    let app = TestApp::spawn_with(|s| s.daily_proposal_cap = 50).await;
    let admin = app.admin().await;
    register_webhook(&app, &admin, "GM0344", &receiver).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    post_offer(&app, &volunteer, &with(offer_body(), "capacity", json!(10))).await;
    for i in 0..8 {
        let r = post_request(
            &app,
            &resident,
            &with(request_body(), "title", json!(format!("Vraag {i}"))),
        )
        .await;
        let m = live_match(&app, &resident, &r).await;
        let accepted = app
            .post_json(
                &format!("/api/v1/matches/{m}/accept"),
                &json!({}),
                Some(&volunteer.token),
            )
            .await;
        json_with_status(accepted, 200).await;
    }
    // A second instance on the same database, with its own pool and dispatcher.
    let mut settings = crate::helpers::test_settings(&app.database_url);
    settings.jwt_secret = app.state.settings.jwt_secret.clone();
    let other = hulpmarkt::startup::Application::build_with_clock(
        settings,
        std::sync::Arc::new(app.clock.clone()),
    )
    .expect("a second instance builds")
    .state();
    let now = crate::help_requests::ClockNaive::clock_naive(&app);
    for _ in 0..10 {
        let (a, b) = tokio::join!(app.dispatch(), other.dispatcher.run(&other.pool, now));
        let b = b.expect("the second instance dispatches");
        if a == Default::default() && b == Default::default() {
            break;
        }
    }
    let expected = stored_notifications(&app).await.len();
    assert_eq!(expected, 16, "8 proposals made and 8 accepted");
    let received = receiver.received();
    assert_eq!(received.len(), expected, "every event once at the receiver");
    let ids: BTreeSet<&str> = received.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.len(), expected, "no webhook-id twice");
    assert_eq!(
        receiver.attempts().len(),
        expected,
        "no second attempt anywhere"
    );
}
