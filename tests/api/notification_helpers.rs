//! What the notification tests share: an app that sends mail to a test SMTP server, a
//! registered webhook receiver, and reads of the outbox tables.

use std::collections::BTreeMap;

use diesel::prelude::*;
use hulpmarkt::db::schema::{deliveries, notifications, users};
use serde_json::{json, Value};

#[path = "../support/smtp_sink.rs"]
pub mod smtp_sink;
#[path = "../support/webhook_receiver.rs"]
pub mod webhook_receiver;

use crate::helpers::{json_with_status, TestApp, TestUser};
use smtp_sink::SmtpSink;
use webhook_receiver::WebhookReceiver;

/// An app that sends e-mail to `sink`, with a volunteer cap high enough for a long scenario.
pub async fn app_with_mail(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(move |s| {
        s.smtp_url = Some(hulpmarkt::config::Secret::new(url));
        s.smtp_from = "Gemeente Utrecht <hulpmarkt@utrecht.example.nl>".into();
        s.daily_proposal_cap = 50;
    })
    .await
}

/// Registers `receiver` as a webhook of `municipality` and gives it the secret.
pub async fn register_webhook(
    app: &TestApp,
    admin: &TestUser,
    municipality: &str,
    receiver: &WebhookReceiver,
) -> Value {
    let hook = json_with_status(
        app.post_json(
            &format!("/api/v1/municipalities/{municipality}/webhooks"),
            &json!({ "url": receiver.url() }),
            Some(&admin.token),
        )
        .await,
        201,
    )
    .await;
    let secret = hook["secret"].as_str().expect("the secret, shown once");
    assert!(secret.starts_with("whsec_"), "{secret}");
    receiver.set_secret(secret);
    hook
}

/// The stored notifications: (kind, recipient id or None, municipality).
pub async fn stored_notifications(app: &TestApp) -> Vec<(String, Option<String>, String, String)> {
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        notifications::table
            .order(notifications::id.asc())
            .select((
                notifications::kind,
                notifications::recipient_id,
                notifications::recipient_role,
                notifications::municipality_code,
            ))
            .load::<(String, Option<String>, String, String)>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

/// Delivery statuses by channel.
pub async fn delivery_statuses(app: &TestApp) -> BTreeMap<(String, String), i64> {
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        deliveries::table
            .select((deliveries::channel, deliveries::status))
            .load::<(String, String)>(&mut **conn)
            .unwrap()
            .into_iter()
            .fold(BTreeMap::new(), |mut m, k| {
                *m.entry(k).or_insert(0) += 1;
                m
            })
    })
    .await
    .unwrap()
}

pub async fn email_of(app: &TestApp, id: &str) -> String {
    let (state, id) = (app.state.clone(), id.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        users::table
            .find(id)
            .select(users::email)
            .first::<String>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

pub async fn post_ok(app: &TestApp, path: &str, body: Value, token: &str) -> Value {
    json_with_status(app.post_json(path, &body, Some(token)).await, 200).await
}

/// Dispatches until nothing is due (at most ten runs); the summed report.
pub async fn dispatch_all(app: &TestApp) -> hulpmarkt::services::dispatch::DispatchReport {
    let mut total = hulpmarkt::services::dispatch::DispatchReport::default();
    for _ in 0..10 {
        let r = app.dispatch().await;
        if r == Default::default() {
            break;
        }
        total.delivered += r.delivered;
        total.retrying += r.retrying;
        total.failed += r.failed;
    }
    total
}

/// The open proposal of `request`.
pub async fn live_match(app: &TestApp, resident: &TestUser, request: &Value) -> String {
    let id = request["id"].as_str().unwrap();
    crate::matching::request_matches(app, resident, id)
        .await
        .iter()
        .find(|m| m["status"] == "proposed")
        .and_then(|m| m["id"].as_str())
        .map(str::to_owned)
        .expect("a proposal")
}

pub async fn case_of(app: &TestApp, worker: &TestUser, request_id: &str) -> String {
    let list = json_with_status(
        app.get_as("/api/v1/cases?per_page=100", &worker.token)
            .await,
        200,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["request_id"] == request_id)
        .and_then(|c| c["id"].as_str())
        .map(str::to_owned)
        .expect("the request's case")
}
