//! What is refused before an account is looked at: logins beyond the rate limit, and bodies of
//! the wrong type, size or syntax.

use serde_json::json;

use crate::helpers::{problem, problem_naming, TestApp};

#[actix_web::test]
async fn login_rate_limit_answers_429_at_burst_plus_one() {
    let app = TestApp::spawn_with(|s| {
        s.login_burst_per_account = 3;
        s.login_burst_per_ip = 5;
    })
    .await;
    let body = json!({"email": "target@example.nl", "password": "Wrong-password-123"});
    for _ in 0..3 {
        problem(app.post_json("/api/v1/auth/login", &body, None).await, 401).await;
    }
    let limited = app.post_json("/api/v1/auth/login", &body, None).await;
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    problem(limited, 429).await;
    // Per IP (burst 5): the four attempts above counted; one more account gets through,
    // the next attempt from this address is refused whatever the account.
    problem(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": "a@example.nl", "password": "Wrong-password-123"}),
            None,
        )
        .await,
        401,
    )
    .await;
    problem(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": "c@example.nl", "password": "x"}),
            None,
        )
        .await,
        429,
    )
    .await;
}

#[actix_web::test]
async fn bodies_are_checked_for_type_size_and_syntax() {
    let app = TestApp::spawn_with(|s| s.body_limit = 1024).await;
    let url = app.url("/api/v1/auth/login");
    let malformed = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    problem_naming(malformed, 400, "body").await;
    let text = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    problem(text, 415).await;
    let missing = app.client.post(&url).body("{}").send().await.unwrap();
    problem(missing, 415).await;
    let huge = json!({"email": "x@example.nl", "password": "p".repeat(4000)});
    problem(app.post_json("/api/v1/auth/login", &huge, None).await, 413).await;
    problem_naming(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": 5, "password": "x"}),
            None,
        )
        .await,
        422,
        "email",
    )
    .await;
    problem_naming(
        app.post_json("/api/v1/auth/login", &json!([1, 2]), None)
            .await,
        422,
        "body",
    )
    .await;
}
