//! Accounts: registration and its validation, signing in, identical answers for an unknown
//! e-mail and a wrong password, and password hashes upgraded at login.

use serde_json::{json, Value};

use crate::helpers::{json_with_status, problem, problem_naming, TestApp, TEST_PASSWORD};

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
    let first = app.post_json("/api/v1/auth/register", &base, None).await;
    let again = with("email", json!("PIET@example.nl"));
    let second = app.post_json("/api/v1/auth/register", &again, None).await;
    // A new address and one with an account get the same answer: nothing reveals who has one.
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (202, 202)
    );
    let (first, second): (Value, Value) =
        (first.json().await.unwrap(), second.json().await.unwrap());
    assert_eq!(first, second);
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

#[actix_web::test]
async fn registering_a_taken_address_changes_nothing_and_tells_its_owner() {
    let app = TestApp::spawn().await;
    let owner = app.resident().await;
    let fresh = json!({"email": "nieuw@example.nl", "password": "Een-ander-wachtwoord-77",
        "display_name": "Nieuw", "roles": ["volunteer"]});
    let taken = json!({"email": owner.email.to_uppercase(), "password": "Een-ander-wachtwoord-77",
        "display_name": "Iemand", "roles": ["volunteer"]});
    let a = app.post_json("/api/v1/auth/register", &fresh, None).await;
    let b = app.post_json("/api/v1/auth/register", &taken, None).await;
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (202, 202));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a, b, "the same answer for a new and a taken address");
    // The new account works; the taken one is unchanged (old password, old roles).
    app.login("nieuw@example.nl", "Een-ander-wachtwoord-77")
        .await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": owner.email, "password": "Een-ander-wachtwoord-77"}),
            None,
        )
        .await;
    problem(wrong, 401).await;
    let me = json_with_status(app.get_as("/api/v1/me", &owner.token).await, 200).await;
    assert_eq!(me["roles"], json!(["resident"]));
    let feed = json_with_status(
        app.get_as("/api/v1/me/notifications", &owner.token).await,
        200,
    )
    .await;
    assert_eq!(
        feed["items"][0]["kind"], "account_exists",
        "the owner is told"
    );
    assert_eq!(feed["total"], 1);
}
