//! Dropping a role: refused while offers or requests still hang on it, allowed once they end.

use serde_json::json;

use crate::{
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, TestApp},
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn a_role_is_dropped_only_when_nothing_hangs_on_it() {
    let app = TestApp::spawn().await;
    let both = app.register(&["resident", "volunteer"]).await;
    let offer = post_offer(&app, &both, &offer_body()).await;
    let request = post_request(&app, &both, &request_body()).await;

    let refused = app
        .patch_json("/api/v1/me", &json!({"roles": ["resident"]}), &both.token)
        .await;
    let body = problem(refused, 409).await;
    assert_eq!(body["reason"], "conflict-volunteer-has-offers", "{body}");
    let me = json_with_status(app.get_as("/api/v1/me", &both.token).await, 200).await;
    assert_eq!(
        me["roles"],
        json!(["resident", "volunteer"]),
        "nothing changed"
    );
    let withdraw = format!("/api/v1/offers/{}/withdraw", offer["id"].as_str().unwrap());
    json_with_status(
        app.post_json(&withdraw, &json!({}), Some(&both.token))
            .await,
        200,
    )
    .await;
    let dropped = app
        .patch_json("/api/v1/me", &json!({"roles": ["resident"]}), &both.token)
        .await;
    assert_eq!(
        json_with_status(dropped, 200).await["roles"],
        json!(["resident"])
    );

    let refused = app
        .patch_json("/api/v1/me", &json!({"roles": ["volunteer"]}), &both.token)
        .await;
    let body = problem(refused, 409).await;
    assert_eq!(body["reason"], "conflict-resident-has-requests", "{body}");
    let cancel = format!(
        "/api/v1/help-requests/{}/cancel",
        request["id"].as_str().unwrap()
    );
    json_with_status(
        app.post_json(&cancel, &json!({}), Some(&both.token)).await,
        200,
    )
    .await;
    let switched = app
        .patch_json("/api/v1/me", &json!({"roles": ["volunteer"]}), &both.token)
        .await;
    assert_eq!(
        json_with_status(switched, 200).await["roles"],
        json!(["volunteer"])
    );
}
