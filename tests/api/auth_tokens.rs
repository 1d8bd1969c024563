//! Tokens: refresh rotation and reuse detection, logout, forged, expired and foreign access
//! tokens, and the token secret required at start-up.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{json_with_status, problem, TestApp, TEST_JWT_SECRET, TEST_PASSWORD};

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let user = app.resident().await;
    let first = json_with_status(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
            None,
        )
        .await,
        200,
    )
    .await;
    let second_refresh = first["refresh_token"].as_str().unwrap();
    assert_ne!(second_refresh, user.refresh_token);
    json_with_status(
        app.get_as("/api/v1/me", first["access_token"].as_str().unwrap())
            .await,
        200,
    )
    .await;
    // The rotated-out token comes back: theft is assumed and the family dies.
    problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
            None,
        )
        .await,
        401,
    )
    .await;
    problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": second_refresh}),
            None,
        )
        .await,
        401,
    )
    .await;
    // A fresh login starts a new, working family.
    let (_, fresh) = app.login(&user.email, TEST_PASSWORD).await;
    json_with_status(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": fresh}),
            None,
        )
        .await,
        200,
    )
    .await;
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let user = app.resident().await;
    let response = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": user.refresh_token}),
            Some(&user.token),
        )
        .await;
    assert_eq!(response.status(), 204);
    problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
            None,
        )
        .await,
        401,
    )
    .await;
    problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": "made-up"}),
            None,
        )
        .await,
        401,
    )
    .await;
}

fn claims(sub: &str, exp_offset: i64, aud: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "iss": "hulpmarkt", "aud": aud, "iat": now, "nbf": now - 10, "exp": now + exp_offset,
           "jti": "t", "roles": ["resident", "admin"]})
}

fn sign(claims: &Value, secret: &str) -> String {
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[actix_web::test]
async fn forged_expired_and_foreign_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let user = app.resident().await;
    let good = sign(&claims(&user.id, 600, "hulpmarkt-api"), TEST_JWT_SECRET);
    json_with_status(app.get_as("/api/v1/me", &good).await, 200).await;

    let expired = sign(&claims(&user.id, -120, "hulpmarkt-api"), TEST_JWT_SECRET);
    let wrong_key = sign(
        &claims(&user.id, 600, "hulpmarkt-api"),
        "another-secret-another-secret-another",
    );
    let wrong_audience = sign(&claims(&user.id, 600, "hulpmarkt-admin"), TEST_JWT_SECRET);
    let mut parts: Vec<String> = user.token.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["roles"] = json!(["admin"]);
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let tampered = parts.join(".");
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!(
        "{none_header}.{}.",
        URL_SAFE_NO_PAD.encode(claims(&user.id, 600, "hulpmarkt-api").to_string())
    );
    for (name, token) in [
        ("expired", expired),
        ("wrong key", wrong_key),
        ("wrong audience", wrong_audience),
        ("tampered", tampered),
        ("alg none", alg_none),
        ("garbage", "abc".into()),
    ] {
        let response = app.get_as("/api/v1/me", &token).await;
        assert_eq!(response.status(), 401, "{name}");
        problem(response, 401).await;
    }
    let basic = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    problem(basic, 401).await;
}

#[test]
fn a_short_token_secret_stops_start_up() {
    let (_db, url) = crate::helpers::TestDatabase::create_sqlite();
    let mut settings = crate::helpers::test_settings(&url);
    settings.jwt_secret = Some(hulpmarkt::config::Secret::new("too-short"));
    let err = hulpmarkt::startup::Application::build(settings)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("HULPMARKT_JWT_SECRET"), "{err}");
}
