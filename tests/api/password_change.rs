//! Changing one's password: the current one is required, the new one checked, and every
//! other session ends, on a second instance too within its reload interval.

use serde_json::{json, Value};

use crate::helpers::{
    json_with_status, problem, problem_naming, test_settings, TestApp, TEST_PASSWORD,
};

const NEW_PASSWORD: &str = "Een-heel-nieuw-wachtwoord-2026";

async fn me_status(client: &reqwest::Client, base: &str, token: &str) -> u16 {
    client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[actix_web::test]
async fn a_password_change_ends_every_other_session_on_every_instance() {
    let app = TestApp::spawn().await;
    let user = app.resident().await;
    let (other_token, other_refresh) = app.login(&user.email, TEST_PASSWORD).await;
    // A second instance on the same database, serving.
    let second = hulpmarkt::startup::Application::build_with_clock(
        test_settings(&app.database_url),
        std::sync::Arc::new(app.clock.clone()),
    )
    .expect("a second instance builds");
    let base = format!("http://127.0.0.1:{}", second.port());
    actix_web::rt::spawn(second.run_until_stopped());
    assert_eq!(
        me_status(&app.client, &base, &user.token).await,
        200,
        "valid everywhere before"
    );

    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let wrong = app
        .post_json(
            "/api/v1/me/password",
            &change("Niet-mijn-wachtwoord-1", NEW_PASSWORD),
            Some(&user.token),
        )
        .await;
    problem(wrong, 403).await;
    let weak = app
        .post_json(
            "/api/v1/me/password",
            &change(TEST_PASSWORD, "password123"),
            Some(&user.token),
        )
        .await;
    problem_naming(weak, 422, "new_password").await;
    assert_eq!(
        me_status(&app.client, &app.address, &other_token).await,
        200,
        "nothing changed yet"
    );

    let changed = app
        .post_json(
            "/api/v1/me/password",
            &change(TEST_PASSWORD, NEW_PASSWORD),
            Some(&user.token),
        )
        .await;
    let fresh: Value = json_with_status(changed, 200).await;
    let fresh_token = fresh["access_token"].as_str().unwrap();
    assert_eq!(
        me_status(&app.client, &app.address, fresh_token).await,
        200,
        "this session goes on"
    );
    for old in [&user.token, &other_token] {
        assert_eq!(
            me_status(&app.client, &app.address, old).await,
            401,
            "older tokens are void here"
        );
    }
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": other_refresh}),
            None,
        )
        .await;
    problem(refresh, 401).await;
    let old_login = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": user.email, "password": TEST_PASSWORD}),
            None,
        )
        .await;
    problem(old_login, 401).await;
    app.login(&user.email, NEW_PASSWORD).await;

    // The other instance learns it from the database within its reload interval (2 s).
    let mut refused = false;
    for _ in 0..50 {
        if me_status(&app.client, &base, &other_token).await == 401 {
            refused = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        refused,
        "the second instance refuses the old token within 5 s"
    );
    assert_eq!(
        me_status(&app.client, &base, fresh_token).await,
        200,
        "and accepts the new one"
    );
}
