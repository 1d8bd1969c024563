//! Accounts, tokens, roles and rate limits.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{
    json_with_status, problem, problem_naming, TestApp, TEST_JWT_SECRET, TEST_PASSWORD,
};

#[actix_web::test]
async fn register_login_and_read_me() {
    let app = TestApp::spawn().await;
    let user = app.register(&["resident", "volunteer"]).await;
    let me = json_with_status(app.get_as("/api/v1/me", &user.token).await, 200).await;
    assert_eq!(me["id"], user.id.as_str());
    assert_eq!(me["email"], user.email.as_str());
    assert_eq!(me["roles"], json!(["resident", "volunteer"]));
    assert!(me.get("password_hash").is_none() && !me.to_string().contains("argon2"));
    problem(app.get("/api/v1/me").await, 401).await;
}

#[actix_web::test]
async fn registration_validates_every_field_and_refuses_duplicates() {
    let app = TestApp::spawn().await;
    let base = json!({"email": "piet@example.nl", "password": TEST_PASSWORD, "display_name": "Piet", "roles": ["resident"]});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    for (body, field) in [
        (with("email", json!("not-an-email")), "email"),
        (with("password", json!("short")), "password"),
        (with("password", json!("password123")), "password"),
        (with("display_name", json!("")), "display_name"),
        (with("roles", json!(["admin"])), "roles[0]"),
        (
            with("roles", json!(["resident", "case_worker"])),
            "roles[1]",
        ),
        (with("roles", json!([])), "roles"),
        (with("roles", json!(["wizard"])), "roles[0]"),
        (with("is_admin", json!(true)), "is_admin"),
    ] {
        problem_naming(
            app.post_json("/api/v1/auth/register", &body, None).await,
            422,
            field,
        )
        .await;
    }
    json_with_status(
        app.post_json("/api/v1/auth/register", &base, None).await,
        201,
    )
    .await;
    let again = with("email", json!("PIET@example.nl"));
    problem(
        app.post_json("/api/v1/auth/register", &again, None).await,
        409,
    )
    .await;
}

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

#[actix_web::test]
async fn roles_gate_admin_and_case_worker_endpoints() {
    let app = TestApp::spawn().await;
    let volunteer = app.volunteer().await;
    let new_worker = json!({"email": "cw@gemeente.nl", "password": TEST_PASSWORD, "display_name": "Consulent", "municipality_code": "GM0363"});
    problem(
        app.post_json("/api/v1/users", &new_worker, Some(&volunteer.token))
            .await,
        403,
    )
    .await;
    let vog = json!({"issued_on": "2026-01-15"});
    problem(
        app.put_json(
            &format!("/api/v1/users/{}/vog", volunteer.id),
            &vog,
            &volunteer.token,
        )
        .await,
        403,
    )
    .await;

    let admin = app.admin().await;
    let created = json_with_status(
        app.post_json("/api/v1/users", &new_worker, Some(&admin.token))
            .await,
        201,
    )
    .await;
    assert_eq!(created["roles"], json!(["case_worker"]));
    assert_eq!(created["municipality_code"], "GM0363");
    let bad_municipality = json!({"email": "x@gemeente.nl", "password": TEST_PASSWORD, "display_name": "X", "municipality_code": "GM9999"});
    problem_naming(
        app.post_json("/api/v1/users", &bad_municipality, Some(&admin.token))
            .await,
        422,
        "municipality_code",
    )
    .await;

    let (worker_token, _) = app.login("cw@gemeente.nl", TEST_PASSWORD).await;
    let recorded = json_with_status(
        app.put_json(
            &format!("/api/v1/users/{}/vog", volunteer.id),
            &vog,
            &worker_token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(recorded["vog_issued_on"], "2026-01-15");
    let me = json_with_status(app.get_as("/api/v1/me", &volunteer.token).await, 200).await;
    assert_eq!(me["vog_issued_on"], "2026-01-15");
    assert_eq!(me["vog_valid_until"], "2029-01-15");
    let future = json!({"issued_on": "2999-01-01"});
    problem_naming(
        app.put_json(
            &format!("/api/v1/users/{}/vog", volunteer.id),
            &future,
            &worker_token,
        )
        .await,
        422,
        "issued_on",
    )
    .await;
    let resident = app.resident().await;
    problem(
        app.put_json(
            &format!("/api/v1/users/{}/vog", resident.id),
            &vog,
            &worker_token,
        )
        .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn patch_me_never_escalates_roles() {
    let app = TestApp::spawn().await;
    let user = app.resident().await;
    for body in [
        json!({"roles": ["admin"]}),
        json!({"roles": ["resident", "case_worker"]}),
        json!({"is_admin": true}),
        json!({"roles": ["resident"], "municipality_code": "GM0363"}),
    ] {
        let response = app.patch_json("/api/v1/me", &body, &user.token).await;
        assert_eq!(response.status(), 422, "{body}");
    }
    let me = json_with_status(app.get_as("/api/v1/me", &user.token).await, 200).await;
    assert_eq!(me["roles"], json!(["resident"]));
    assert_eq!(me["municipality_code"], Value::Null);
    // Fresh tokens after the attempts carry no new role either.
    let (token, _) = app.login(&user.email, TEST_PASSWORD).await;
    let me = json_with_status(app.get_as("/api/v1/me", &token).await, 200).await;
    assert_eq!(me["roles"], json!(["resident"]));

    let changed =
        json!({"display_name": "Nieuwe Naam", "phone": null, "roles": ["resident", "volunteer"]});
    let me = json_with_status(
        app.patch_json("/api/v1/me", &changed, &user.token).await,
        200,
    )
    .await;
    assert_eq!(me["display_name"], "Nieuwe Naam");
    assert_eq!(me["phone"], Value::Null);
    assert_eq!(me["roles"], json!(["resident", "volunteer"]));
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_identical_answers() {
    let app = TestApp::spawn().await;
    let user = app.resident().await;
    let answer = |response: reqwest::Response| async move {
        let status = response.status();
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "x-request-id" | "date"))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        (status, headers, response.text().await.unwrap())
    };
    let wrong_password = answer(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": user.email, "password": "Wrong-password-123"}),
            None,
        )
        .await,
    )
    .await;
    let unknown_email = answer(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": "nobody@example.nl", "password": "Wrong-password-123"}),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(wrong_password.0, 401);
    assert_eq!(wrong_password, unknown_email);
}

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

/// The stored password hash of `user_id`.
async fn stored_hash(app: &TestApp, user_id: &str) -> String {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::users;
    let id = user_id.to_owned();
    app.run_workflow(move |conn, _, _| {
        Ok(users::table
            .find(id)
            .select(users::password_hash)
            .first::<String>(conn)?)
    })
    .await
}

#[actix_web::test]
async fn a_login_replaces_a_hash_made_with_earlier_parameters_and_only_that() {
    use argon2::{
        password_hash::{rand_core::OsRng, PasswordHasher, SaltString},
        Algorithm, Argon2, Params, Version,
    };
    use diesel::prelude::*;
    use hulpmarkt::db::schema::users;
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    // As an account stored before the parameters changed (19 MiB, two passes) would have it.
    let earlier = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).unwrap(),
    )
    .hash_password(TEST_PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
    .unwrap()
    .to_string();
    let (id, old) = (anna.id.clone(), earlier.clone());
    app.run_workflow(move |conn, _, _| {
        Ok(diesel::update(users::table.find(id))
            .set(users::password_hash.eq(old))
            .execute(conn)?)
    })
    .await;

    let login = json!({"email": anna.email, "password": "niet-het-goede-wachtwoord"});
    problem(app.post_json("/api/v1/auth/login", &login, None).await, 401).await;
    assert_eq!(
        stored_hash(&app, &anna.id).await,
        earlier,
        "a wrong password changes nothing"
    );

    app.login(&anna.email, TEST_PASSWORD).await;
    let upgraded = stored_hash(&app, &anna.id).await;
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"),
        "{upgraded}"
    );
    // The new hash holds the same password, and a current hash is left as it is.
    app.login(&anna.email, TEST_PASSWORD).await;
    assert_eq!(stored_hash(&app, &anna.id).await, upgraded);
}
