//! E-mail verification: a new account gets a link by e-mail; until it is used, the address is
//! never shown to the other side of an accepted match (the phone number is); a new link can
//! be asked for, replaces the old one and is rate-limited; a link expires after 7 days.

use chrono::Duration;
use serde_json::{json, Value};

use crate::{
    account_mail::{app_with_links, mailed_token, mails_to, subject_of, text_of, PUBLIC_URL},
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, problem_naming, TestApp, TestUser},
    notification_helpers::{live_match, post_ok, smtp_sink::SmtpSink},
    offers::{offer_body, post_offer},
};

const VERIFY: &str = "/verify-email";

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/verify-email",
        &json!({ "token": token }),
        None,
    )
    .await
}

async fn resend(app: &TestApp, user: &TestUser) -> reqwest::Response {
    app.post_json(
        "/api/v1/me/email-verification",
        &json!({}),
        Some(&user.token),
    )
    .await
}

async fn verified(app: &TestApp, user: &TestUser) -> bool {
    let me: Value = json_with_status(app.get_as("/api/v1/me", &user.token).await, 200).await;
    me["email_verified"].as_bool().expect("email_verified")
}

async fn contact_seen_by(app: &TestApp, resident: &TestUser, m: &str) -> Value {
    let path = format!("/api/v1/matches/{m}");
    let view: Value = json_with_status(app.get_as(&path, &resident.token).await, 200).await;
    view["contact"].clone()
}

#[actix_web::test]
async fn an_unconfirmed_address_is_not_shared_until_its_mailed_link_is_used() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let resident = app.resident().await;
    let volunteer = app.register_unverified(&["volunteer"]).await;
    assert!(!verified(&app, &volunteer).await);
    assert!(verified(&app, &resident).await, "the helper confirmed it");

    post_offer(&app, &volunteer, &offer_body()).await;
    let request = post_request(&app, &resident, &request_body()).await;
    let m = live_match(&app, &resident, &request).await;
    post_ok(
        &app,
        &format!("/api/v1/matches/{m}/accept"),
        json!({}),
        &volunteer.token,
    )
    .await;
    let contact = contact_seen_by(&app, &resident, &m).await;
    assert_eq!(contact["display_name"], volunteer.name.as_str());
    assert_eq!(contact["phone"], "+31612345678", "the phone is shared");
    assert_eq!(
        contact["email"],
        Value::Null,
        "the address is not: {contact}"
    );
    // The volunteer sees the resident's confirmed address.
    let theirs: Value = json_with_status(
        app.get_as(&format!("/api/v1/matches/{m}"), &volunteer.token)
            .await,
        200,
    )
    .await;
    assert_eq!(theirs["contact"]["email"], resident.email.as_str());

    // The link mailed at registration.
    let token = mailed_token(&app, &sink, &volunteer.email, VERIFY).await;
    let mail = mails_to(&sink, &volunteer.email)
        .into_iter()
        .find(|m| text_of(m).contains(VERIFY))
        .unwrap();
    assert_eq!(subject_of(&mail), "Bevestig uw e-mailadres");
    assert!(text_of(&mail).contains(&format!("{PUBLIC_URL}/verify-email?token={token}")));
    assert_eq!(verify(&app, &token).await.status().as_u16(), 204);
    assert!(verified(&app, &volunteer).await);
    let contact = contact_seen_by(&app, &resident, &m).await;
    assert_eq!(contact["email"], volunteer.email.as_str());
    assert_eq!(contact["phone"], "+31612345678");

    // Once only, and nothing left to ask for.
    problem_naming(verify(&app, &token).await, 400, "token").await;
    problem(resend(&app, &volunteer).await, 409).await;
    // Never in the feed.
    let feed: Value = json_with_status(
        app.get_as("/api/v1/me/notifications?per_page=100", &volunteer.token)
            .await,
        200,
    )
    .await;
    let kinds: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(!kinds.contains(&"verify_email"), "{kinds:?}");
}

#[actix_web::test]
async fn a_new_link_replaces_the_old_and_at_most_three_go_out_an_hour() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.register_unverified(&["resident"]).await;
    let first = mailed_token(&app, &sink, &user.email, VERIFY).await;

    let accepted: Value = json_with_status(resend(&app, &user).await, 202).await;
    assert_eq!(accepted["status"], "accepted");
    let second = mailed_token(&app, &sink, &user.email, VERIFY).await;
    assert_ne!(first, second);
    problem_naming(verify(&app, &first).await, 400, "token").await;
    assert!(!verified(&app, &user).await);

    json_with_status(resend(&app, &user).await, 202).await;
    mailed_token(&app, &sink, &user.email, VERIFY).await;
    json_with_status(resend(&app, &user).await, 202).await;
    let limited = resend(&app, &user).await;
    assert!(limited.headers().contains_key("retry-after"));
    problem(limited, 429).await;
    let newest = mailed_token(&app, &sink, &user.email, VERIFY).await;
    // The registration's link and three more.
    assert_eq!(mails_to(&sink, &user.email).len(), 4);
    assert_eq!(verify(&app, &newest).await.status().as_u16(), 204);
    assert!(verified(&app, &user).await);
}

#[actix_web::test]
async fn a_verification_link_expires_after_seven_days() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.register_unverified(&["volunteer"]).await;
    let token = mailed_token(&app, &sink, &user.email, VERIFY).await;
    app.clock.advance(Duration::days(7) + Duration::minutes(1));
    problem_naming(verify(&app, &token).await, 400, "token").await;
    assert!(!verified(&app, &user).await);

    json_with_status(resend(&app, &user).await, 202).await;
    let fresh = mailed_token(&app, &sink, &user.email, VERIFY).await;
    assert_eq!(verify(&app, &fresh).await.status().as_u16(), 204);
    assert!(verified(&app, &user).await);
}

#[actix_web::test]
async fn registering_a_taken_address_sends_no_link() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let owner = app.resident().await;
    let again = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": owner.email, "password": "Iemand-anders-probeert-het-1",
                "display_name": "Iemand", "roles": ["resident"]}),
            None,
        )
        .await;
    assert_eq!(again.status().as_u16(), 202);
    crate::notification_helpers::dispatch_all(&app).await;
    let mails = mails_to(&sink, &owner.email);
    assert_eq!(mails.len(), 1, "only the account_exists message");
    assert!(!text_of(&mails[0]).contains(VERIFY));
}
