//! Password reset by e-mail: the link arrives by real SMTP, works once, expires after 30
//! minutes, is replaced by a newer one, ends every session, and the request answers alike
//! for every address, with an account or without, also past its rate limit.

use chrono::Duration;
use serde_json::{json, Value};

use crate::{
    account_mail::{
        app_with_links, ask_reset, confirm_reset, mailed_token, mails_to, me_status, subject_of,
        text_of, PUBLIC_URL,
    },
    helpers::{json_with_status, problem, problem_naming, TestApp, TEST_PASSWORD},
    notification_helpers::{delivery_statuses, dispatch_all, smtp_sink::SmtpSink},
};

const NEW_PASSWORD: &str = "Een-heel-nieuw-wachtwoord-2026";
const RESET: &str = "/password-reset";

/// The `data` of every stored notification of `kind`.
async fn stored_data(app: &TestApp, kind: &'static str) -> Vec<String> {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::notifications;
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        notifications::table
            .filter(notifications::kind.eq(kind))
            .select(notifications::data)
            .load::<String>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn a_mailed_reset_link_works_once_and_ends_every_session() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.register_unverified(&["resident"]).await;
    let (other_token, other_refresh) = app.login(&user.email, TEST_PASSWORD).await;
    let me: Value = json_with_status(app.get_as("/api/v1/me", &user.token).await, 200).await;
    assert_eq!(me["email_verified"], false);

    ask_reset(&app, &user.email).await;
    let token = mailed_token(&app, &sink, &user.email, RESET).await;
    let mail = mails_to(&sink, &user.email)
        .into_iter()
        .find(|m| text_of(m).contains(RESET))
        .unwrap();
    assert_eq!(subject_of(&mail), "Nieuw wachtwoord maken");
    assert!(
        text_of(&mail).contains(&format!("{PUBLIC_URL}/password-reset?token={token}")),
        "{}",
        text_of(&mail)
    );
    assert_eq!(token.len(), 43, "256 random bits");
    // Sent: the outbox keeps that a message went, not the token it held.
    assert_eq!(stored_data(&app, "password_reset").await, vec!["{}"]);

    // A weak password is refused as everywhere, and the link still works afterwards.
    let weak = confirm_reset(&app, &token, "password123").await;
    problem_naming(weak, 422, "new_password").await;
    assert_eq!(
        me_status(&app, &user.token).await,
        200,
        "nothing changed yet"
    );

    let done = confirm_reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status().as_u16(), 204);
    for old in [&user.token, &other_token] {
        assert_eq!(me_status(&app, old).await, 401, "every session ended");
    }
    for refresh in [&user.refresh_token, &other_refresh] {
        let refused = app
            .post_json(
                "/api/v1/auth/refresh",
                &json!({ "refresh_token": refresh }),
                None,
            )
            .await;
        problem(refused, 401).await;
    }
    let old_login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": user.email, "password": TEST_PASSWORD}),
            None,
        )
        .await;
    problem(old_login, 401).await;
    let (fresh, _) = app.login(&user.email, NEW_PASSWORD).await;
    let me: Value = json_with_status(app.get_as("/api/v1/me", &fresh).await, 200).await;
    assert_eq!(me["email_verified"], true, "the link reached the address");

    // Single use: the second time is answered as an unknown token.
    let again = confirm_reset(&app, &token, "Nog-een-ander-wachtwoord-77").await;
    let second = problem_naming(again, 400, "token").await;
    let unknown = confirm_reset(&app, "no-such-token", "Nog-een-ander-wachtwoord-77").await;
    let unknown = problem_naming(unknown, 400, "token").await;
    assert_eq!(
        second, unknown,
        "a used token and an unknown one read alike"
    );
    app.login(&user.email, NEW_PASSWORD).await;

    // Audited, and never in the feed, its count or the export.
    let export: Value = json_with_status(app.get_as("/api/v1/me/export", &fresh).await, 200).await;
    let actions: Vec<&str> = export["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert!(actions.contains(&"user.password_reset"), "{actions:?}");
    assert_eq!(export["notifications"], json!([]), "{export}");
    let feed: Value =
        json_with_status(app.get_as("/api/v1/me/notifications", &fresh).await, 200).await;
    assert_eq!(feed["total"], 0, "{feed}");
    let count = app
        .get_as("/api/v1/me/notifications/unread-count", &fresh)
        .await;
    assert_eq!(json_with_status(count, 200).await["unread"], 0);
}

#[actix_web::test]
async fn every_address_gets_the_same_answer_and_only_an_account_gets_mail() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.resident().await;
    let erased = app.resident().await;
    let gone = app
        .client
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&erased.token)
        .json(&json!({ "password": TEST_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 200);
    dispatch_all(&app).await;
    sink.clear();

    let known = ask_reset(&app, &user.email).await;
    dispatch_all(&app).await;
    let unknown = ask_reset(&app, "niemand-hier@example.nl").await;
    let of_erased = ask_reset(&app, &erased.email).await;
    let shouting = ask_reset(&app, &format!("  {}  ", user.email.to_uppercase())).await;
    assert_eq!(known, unknown);
    assert_eq!(known, of_erased);
    assert_eq!(known, shouting);
    assert_eq!(known["status"], "accepted");

    dispatch_all(&app).await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 2, "the account's two requests, nothing else");
    assert!(mails
        .iter()
        .all(|m| m.recipients == vec![user.email.clone()]));
    // No webhook, no digest: e-mail only.
    let statuses = delivery_statuses(&app).await;
    assert!(
        statuses.keys().all(|(channel, _)| channel == "email"),
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn a_newer_link_replaces_the_older_and_a_link_expires_after_30_minutes() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.resident().await;
    ask_reset(&app, &user.email).await;
    let first = mailed_token(&app, &sink, &user.email, RESET).await;
    ask_reset(&app, &user.email).await;
    let second = mailed_token(&app, &sink, &user.email, RESET).await;
    assert_ne!(first, second);
    problem_naming(
        confirm_reset(&app, &first, NEW_PASSWORD).await,
        400,
        "token",
    )
    .await;

    app.clock.advance(Duration::minutes(29));
    ask_reset(&app, &user.email).await;
    let third = mailed_token(&app, &sink, &user.email, RESET).await;
    app.clock.advance(Duration::minutes(31));
    let late = confirm_reset(&app, &third, NEW_PASSWORD).await;
    problem_naming(late, 400, "token").await;
    app.login(&user.email, TEST_PASSWORD).await;
}

#[actix_web::test]
async fn at_most_three_links_an_hour_go_to_one_address_and_the_answer_stays_the_same() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.resident().await;
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(ask_reset(&app, &user.email).await);
        answers.push(ask_reset(&app, "onbekend@example.nl").await);
        // Each link goes out before the next (an unsent one is replaced by a newer one).
        dispatch_all(&app).await;
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    dispatch_all(&app).await;
    assert_eq!(mails_to(&sink, &user.email).len(), 3);
    assert_eq!(sink.messages().len(), 3);
    // The last link sent still works.
    let token = mailed_token(&app, &sink, &user.email, RESET).await;
    assert_eq!(
        confirm_reset(&app, &token, NEW_PASSWORD)
            .await
            .status()
            .as_u16(),
        204
    );
}

#[actix_web::test]
async fn of_two_uses_at_the_same_moment_exactly_one_sets_the_password() {
    let sink = SmtpSink::start();
    let app = app_with_links(&sink).await;
    let user = app.resident().await;
    ask_reset(&app, &user.email).await;
    let token = mailed_token(&app, &sink, &user.email, RESET).await;
    let (a, b) = tokio::join!(
        confirm_reset(&app, &token, NEW_PASSWORD),
        confirm_reset(&app, &token, "Het-andere-wachtwoord-2026"),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [204, 400]);
    let winner = if a.status().as_u16() == 204 {
        NEW_PASSWORD
    } else {
        "Het-andere-wachtwoord-2026"
    };
    let loser = if a.status().as_u16() == 204 { b } else { a };
    problem_naming(loser, 400, "token").await;
    app.login(&user.email, winner).await;
}

#[actix_web::test]
async fn bad_input_is_a_problem_never_a_500() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            "/api/v1/auth/password-reset",
            json!({"email": "geen-adres"}),
            422,
        ),
        ("/api/v1/auth/password-reset", json!({}), 422),
        (
            "/api/v1/auth/password-reset",
            json!({"email": "a@b.nl", "x": 1}),
            422,
        ),
        (
            "/api/v1/auth/password-reset/confirm",
            json!({"token": "x"}),
            422,
        ),
        (
            "/api/v1/auth/password-reset/confirm",
            json!({"token": "x".repeat(5000), "new_password": NEW_PASSWORD}),
            400,
        ),
        (
            "/api/v1/auth/password-reset/confirm",
            json!({"token": "\u{0}", "new_password": NEW_PASSWORD}),
            400,
        ),
        ("/api/v1/auth/verify-email", json!({"token": 12}), 422),
        (
            "/api/v1/auth/verify-email",
            json!({"token": "nooit-uitgegeven"}),
            400,
        ),
        (
            "/api/v1/auth/verify-email",
            json!({"token": "\u{0}💥"}),
            400,
        ),
    ];
    for (path, body, status) in cases {
        let response = app.post_json(path, &body, None).await;
        problem(response, status).await;
    }
}
