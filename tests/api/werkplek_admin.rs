//! The workplace's administration page: only for an admin who is a case worker of the
//! municipality too (404 for anyone else); the settings are checked by the rules of
//! `PUT /municipalities/{code}/settings` and saved through its service.

use diesel::prelude::*;

use crate::{
    helpers::{json_with_status, TestApp, TestUser},
    werkplek_helpers::Browser,
};

/// Makes `user` an admin as well (the CLI appoints one role at a time).
async fn make_admin(app: &TestApp, user: &TestUser) {
    use hulpmarkt::db::schema::users;
    let (state, id) = (app.state.clone(), user.id.clone());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        diesel::update(users::table.find(id))
            .set(users::is_admin.eq(true))
            .execute(&mut **conn)
            .unwrap();
    })
    .await
    .unwrap();
}

#[actix_web::test]
async fn an_admin_case_worker_sets_the_municipalitys_settings_by_the_apis_rules() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let boss = app.case_worker("GM0363").await;
    make_admin(&app, &boss).await;

    let mut plain = Browser::new(&app);
    plain.log_in_as(&worker).await;
    assert!(!plain
        .get("/werkplek/zaken")
        .await
        .body
        .contains("/werkplek/beheer"));
    assert_eq!(plain.get("/werkplek/beheer").await.status, 404);
    let posted = plain
        .post(
            "/werkplek/beheer/instellingen",
            &[("grace_hours_normal", "24")],
        )
        .await;
    assert_eq!(posted.status, 404);

    let mut browser = Browser::new(&app);
    browser.log_in_as(&boss).await;
    let page = browser.get("/werkplek/beheer").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&worker.email) && page.body.contains("value=\"48\""));
    let fields = |normal: &'static str, high: &'static str| {
        vec![
            ("grace_hours_normal", normal),
            ("grace_hours_high", high),
            ("case_alert_hours", "24"),
            ("vog_max_age_months", "36"),
            ("retention_months", "18"),
        ]
    };
    let refused = browser
        .post("/werkplek/beheer/instellingen", &fields("12", "24"))
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("dringende hulpvraag"),
        "names the field"
    );
    let saved = browser
        .post("/werkplek/beheer/instellingen", &fields("36", "6"))
        .await;
    assert_eq!(saved.status, 303);
    let settings = json_with_status(
        app.get_as("/api/v1/municipalities/GM0363/settings", &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(settings["grace_hours_normal"], 36);
    assert_eq!(settings["grace_hours_high"], 6);
    assert_eq!(settings["retention_months"], 18);
}

/// The status of an API sign-in as `user`.
async fn sign_in_status(app: &TestApp, user: &TestUser) -> u16 {
    app.post_json(
        "/api/v1/auth/login",
        &serde_json::json!({"email": user.email, "password": user.password}),
        None,
    )
    .await
    .status()
    .as_u16()
}

#[actix_web::test]
async fn an_admin_switches_a_colleague_off_and_on_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let boss = app.case_worker("GM0363").await;
    let utrecht = app.case_worker("GM0344").await;
    make_admin(&app, &boss).await;

    // The colleague is signed in; switching them off ends that session at once.
    let mut colleague = Browser::new(&app);
    colleague.log_in_as(&worker).await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&boss).await;
    let page = browser.get("/werkplek/beheer").await;
    let off = format!("/werkplek/beheer/medewerkers/{}/uitzetten", worker.id);
    assert!(page.body.contains(&off), "{}", page.body);
    assert!(
        !page.body.contains(&format!("/medewerkers/{}/", boss.id)),
        "no switch for one's own account"
    );
    let switched = browser.post(&off, &[]).await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    assert_eq!(colleague.get("/werkplek/zaken").await.status, 303);
    assert_eq!(
        sign_in_status(&app, &worker).await,
        401,
        "switched off: no sign-in"
    );
    let again = browser.post(&off, &[]).await;
    assert_eq!(again.status, 409, "already off");

    let on = format!("/werkplek/beheer/medewerkers/{}/aanzetten", worker.id);
    assert_eq!(browser.post(&on, &[]).await.status, 303);
    assert_eq!(sign_in_status(&app, &worker).await, 200);

    // Another municipality's case worker, one's own account, a made-up action: refused.
    for path in [
        format!("/werkplek/beheer/medewerkers/{}/uitzetten", utrecht.id),
        format!("/werkplek/beheer/medewerkers/{}/weg", worker.id),
        "/werkplek/beheer/medewerkers/geen-id/uitzetten".to_owned(),
    ] {
        assert_eq!(browser.post(&path, &[]).await.status, 404, "{path}");
    }
    let own = format!("/werkplek/beheer/medewerkers/{}/uitzetten", boss.id);
    assert_eq!(browser.post(&own, &[]).await.status, 409);
    assert_eq!(sign_in_status(&app, &utrecht).await, 200);
    assert_eq!(sign_in_status(&app, &boss).await, 200);
}
