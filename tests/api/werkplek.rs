//! The workplace's sessions and access: only case workers sign in; the cookie is HttpOnly,
//! SameSite=Strict and Secure by default; every POST needs the session's CSRF token; a
//! session ends at logout, when idle, and when the account's password changes; another
//! municipality's case does not exist (404).

use serde_json::json;

use crate::{
    helpers::{json_with_status, TestApp},
    werkplek_helpers::{escalated_case, Browser},
};

#[actix_web::test]
async fn only_case_workers_sign_in_and_the_cookie_is_strict() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let resident = app.resident().await;
    let admin = app.admin().await;

    for (who, status) in [(&resident, 403), (&admin, 403)] {
        let mut browser = Browser::new(&app);
        let page = browser.log_in(&who.email, &who.password).await;
        assert_eq!(page.status, status, "{}", page.body);
        assert!(
            page.body.contains("alleen voor consulenten"),
            "{}",
            page.body
        );
        assert!(
            !browser.cookies.contains_key("hulpmarkt_werkplek"),
            "no session"
        );
        assert_eq!(browser.get("/werkplek/zaken").await.status, 303);
    }

    let mut browser = Browser::new(&app);
    let wrong = browser.log_in(&worker.email, "Niet-het-wachtwoord-1").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("klopt niet"));
    assert!(!browser.cookies.contains_key("hulpmarkt_werkplek"));

    let page = browser.log_in(&worker.email, &worker.password).await;
    assert_eq!(page.status, 303);
    let session = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("hulpmarkt_werkplek="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/werkplek"] {
        assert!(session.contains(flag), "{flag} missing: {session}");
    }
    let queue = browser.get("/werkplek/zaken").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("<html lang=\"nl\">"));
    assert!(queue.body.contains("Wachtrij van zaken"));
    let english = browser.get("/werkplek/zaken?lang=en").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("Case queue"));
}

#[actix_web::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let anna = app.resident().await;
    let case = escalated_case(&app, &anna, &worker, "Boodschappen deze week", true).await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;
    browser.get(&format!("/werkplek/zaken/{case}")).await;

    let claim = format!("/werkplek/zaken/{case}/oppakken");
    let missing = browser.post_raw(&claim, &[]).await;
    assert_eq!(missing.status, 403);
    assert!(
        missing.body.contains("formulier is verlopen"),
        "{}",
        missing.body
    );
    let wrong = browser
        .post_raw(&claim, &[("csrf", "0".repeat(64).as_str())])
        .await;
    assert_eq!(wrong.status, 403);
    let case_json = crate::cases::read_case(&app, &worker, &case).await;
    assert_eq!(case_json["status"], "open", "nothing was claimed");

    // A login form posted without the login page's cookie is refused too.
    let mut stranger = Browser::new(&app);
    let login = stranger
        .post_raw(
            "/werkplek/inloggen",
            &[
                ("csrf", "x"),
                ("email", &worker.email),
                ("password", &worker.password),
            ],
        )
        .await;
    assert_eq!(login.status, 403);

    let done = browser.post(&claim, &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        crate::cases::read_case(&app, &worker, &case).await["status"],
        "in_progress"
    );
}

#[actix_web::test]
async fn sessions_end_at_logout_when_idle_and_when_the_password_changes() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;

    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;
    let kept = browser.cookies.clone();
    browser.get("/werkplek/zaken").await;
    let out = browser.post("/werkplek/uitloggen", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/werkplek/inloggen?uit=1"));
    // The old cookie is worth nothing: its row is gone.
    browser.cookies = kept;
    let after = browser.get("/werkplek/zaken").await;
    assert_eq!(after.status, 303);
    assert_eq!(
        after.location.as_deref(),
        Some("/werkplek/inloggen?verlopen=1")
    );

    // Idle: 29 minutes is fine, and a request counts; 30 without one ends it.
    let mut idle = Browser::new(&app);
    idle.log_in_as(&worker).await;
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(idle.get("/werkplek/zaken").await.status, 200);
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        idle.get("/werkplek/zaken").await.status,
        200,
        "touched 29 min ago"
    );
    app.clock.advance(chrono::Duration::minutes(31));
    let expired = idle.get("/werkplek/zaken").await;
    assert_eq!(expired.status, 303);
    let login = idle.get(expired.location.as_deref().unwrap()).await;
    assert!(
        login.body.contains("een tijd niet actief"),
        "{}",
        login.body
    );

    // A password change (here through the JSON API) ends every workplace session.
    let mut changed = Browser::new(&app);
    changed.log_in_as(&worker).await;
    assert_eq!(changed.get("/werkplek/zaken").await.status, 200);
    json_with_status(
        app.post_json(
            "/api/v1/me/password",
            &json!({"current_password": worker.password, "new_password": "Een-heel-ander-wachtwoord-7"}),
            Some(&worker.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed.get("/werkplek/zaken").await.status, 303);
}

#[actix_web::test]
async fn another_municipalitys_case_does_not_exist_for_a_case_worker() {
    let app = TestApp::spawn().await;
    let amsterdam = app.case_worker("GM0363").await;
    let utrecht = app.case_worker("GM0344").await;
    let anna = app.resident().await;
    let case = escalated_case(&app, &anna, &amsterdam, "Hulp bij boodschappen", true).await;

    let mut browser = Browser::new(&app);
    browser.log_in_as(&utrecht).await;
    let queue = browser.get("/werkplek/zaken").await;
    assert!(queue.body.contains("0 zaken"), "{}", queue.body);
    assert!(!queue.body.contains(&case));
    for path in [
        format!("/werkplek/zaken/{case}"),
        format!("/werkplek/zaken/{case}/logboek"),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("bestaat niet") && !page.body.contains("boodschappen"));
    }
    let claim = browser
        .post(&format!("/werkplek/zaken/{case}/oppakken"), &[])
        .await;
    assert_eq!(claim.status, 404);
    assert_eq!(browser.get("/werkplek/zaken/niet-een-id").await.status, 404);
    assert_eq!(browser.get("/werkplek/bestaat-niet").await.status, 404);
    assert_eq!(
        crate::cases::read_case(&app, &amsterdam, &case).await["status"],
        "open"
    );
}

#[actix_web::test]
async fn deactivation_and_a_move_to_another_municipality_end_the_session() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let leaving = app.case_worker("GM0363").await;
    let moving = app.case_worker("GM0363").await;
    let (mut first, mut second) = (Browser::new(&app), Browser::new(&app));
    first.log_in_as(&leaving).await;
    second.log_in_as(&moving).await;
    assert_eq!(first.get("/werkplek/zaken").await.status, 200);
    assert_eq!(second.get("/werkplek/zaken").await.status, 200);

    let deactivate = format!("/api/v1/users/{}/deactivate", leaving.id);
    let response = app
        .post_json(&deactivate, &json!({}), Some(&admin.token))
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(first.get("/werkplek/zaken").await.status, 303);
    let again = first.log_in(&leaving.email, &leaving.password).await;
    assert_eq!(
        again.status, 401,
        "a deactivated account signs in like a wrong password"
    );

    let move_to = format!("/api/v1/users/{}/municipality", moving.id);
    let response = app
        .put_json(
            &move_to,
            &json!({"municipality_code": "GM0344"}),
            &admin.token,
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(second.get("/werkplek/zaken").await.status, 303);
}

#[actix_web::test]
async fn a_busy_session_still_ends_after_its_lifetime_and_the_stylesheet_is_cached() {
    let app = TestApp::spawn_with(|s| s.web.session_hours = 2).await;
    let worker = app.case_worker("GM0363").await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;
    // A request every 20 minutes keeps it from idling, but not past 2 hours.
    for _ in 0..5 {
        app.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(browser.get("/werkplek/zaken").await.status, 200);
    }
    app.clock.advance(chrono::Duration::minutes(21));
    assert_eq!(browser.get("/werkplek/zaken").await.status, 303);

    let css = app.get("/werkplek/static/werkplek.css").await;
    assert_eq!(css.status(), 200);
    let cache = css.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(cache.contains("max-age=86400"), "{cache}");
    assert!(css.text().await.unwrap().contains(":focus-visible"));
    let start = app.get("/werkplek/").await;
    assert_eq!(
        start.status(),
        303,
        "the start goes to the queue, and from there to login"
    );
}
