//! Roles: who may use the admin and case-worker endpoints, and nobody gives themselves a role.

use serde_json::{json, Value};

use crate::helpers::{json_with_status, problem, problem_naming, TestApp, TEST_PASSWORD};

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
    // The volunteer offers help in Amsterdam, the case worker's municipality.
    let in_amsterdam =
        crate::help_requests::with(crate::offers::offer_body(), "postcode", json!("1012"));
    crate::offers::post_offer(&app, &volunteer, &in_amsterdam).await;
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
