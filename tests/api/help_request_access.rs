//! Help requests: nobody but the owner can read, change, cancel or escalate a request.

use serde_json::json;

use crate::{
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, TestApp},
};

#[actix_web::test]
async fn nobody_but_the_owner_can_read_change_cancel_or_escalate_a_request() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let bob = app.resident().await;
    let volunteer = app.volunteer().await;
    let case_worker = app.case_worker("GM0344").await;
    let admin = app.admin().await;
    let created = post_request(&app, &anna, &request_body()).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/help-requests/{id}");

    for intruder in [&bob, &volunteer, &case_worker, &admin] {
        problem(app.get_as(&path, &intruder.token).await, 404).await;
        problem(
            app.patch_json(&path, &json!({"title": "Overgenomen"}), &intruder.token)
                .await,
            404,
        )
        .await;
        problem(
            app.patch_json(&path, &json!({"title": 5}), &intruder.token)
                .await,
            422,
        )
        .await;
        for action in ["cancel", "escalate"] {
            let response = app
                .post_json(
                    &format!("{path}/{action}"),
                    &json!({}),
                    Some(&intruder.token),
                )
                .await;
            problem(response, 404).await;
        }
    }
    let bobs = json_with_status(app.get_as("/api/v1/help-requests", &bob.token).await, 200).await;
    assert_eq!(bobs["total"], 0);
    let unchanged = json_with_status(app.get_as(&path, &anna.token).await, 200).await;
    assert_eq!(
        unchanged,
        crate::help_requests::as_stored(&created),
        "nothing changed"
    );

    // Ids that are not UUIDs, or unknown ones, are 404 as well.
    for bad in ["1", "not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
        problem(
            app.get_as(&format!("/api/v1/help-requests/{bad}"), &anna.token)
                .await,
            404,
        )
        .await;
        let response = app
            .post_json(
                &format!("/api/v1/help-requests/{bad}/cancel"),
                &json!({}),
                Some(&anna.token),
            )
            .await;
        problem(response, 404).await;
    }
}
