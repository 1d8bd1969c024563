//! Help requests: changing, cancelling and escalating an open request, and what cancel and
//! escalate do to its live matches and the audit log.

use diesel::prelude::*;
use hulpmarkt::db::schema::audit_log;
use serde_json::{json, Value};

use crate::{
    help_requests::{count, insert_match, match_status, post_request, request_body, with},
    helpers::{json_with_status, problem, problem_naming, TestApp},
};

#[actix_web::test]
async fn an_open_request_can_be_changed_and_every_change_is_validated_again() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let created = post_request(&app, &anna, &request_body()).await;
    let path = format!("/api/v1/help-requests/{}", created["id"].as_str().unwrap());
    app.clock.advance(chrono::Duration::minutes(5));

    let changed = json_with_status(
        app.patch_json(
            &path,
            &json!({"title": "Boodschappen op woensdag", "postcode": "1012AB",
            "max_distance_km": null, "urgency": "high",
            "availability": {"slots": [{"weekday": "wed", "start": "10:00", "end": "11:30"}]}}),
            &anna.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["title"], "Boodschappen op woensdag");
    assert_eq!(changed["pc4"], "1012");
    assert_eq!(changed["municipality_code"], "GM0363");
    assert_eq!(changed["max_distance_km"], Value::Null);
    assert_eq!(changed["urgency"], "high");
    assert_eq!(changed["availability"]["from"], Value::Null);
    assert_eq!(
        changed["description"], created["description"],
        "absent fields keep their value"
    );
    assert_eq!(changed["created_at"], created["created_at"]);
    assert_ne!(changed["updated_at"], created["updated_at"]);

    // The merged request is checked as a whole: a category from another domain, a remote
    // flag the category does not allow, a bad slot, an unknown field.
    for (patch, field) in [
        (json!({"category": "oppas"}), "category"),
        (json!({"domain": "jeugdwet"}), "category"),
        (json!({"remote_ok": true}), "remote_ok"),
        (
            json!({"availability": {"slots": [{"weekday": "wed", "start": "25:00", "end": "26:00"}]}}),
            "availability.slots[0].start",
        ),
        (json!({"description": "x".repeat(10_001)}), "description"),
        (json!({"postcode": "1000"}), "postcode"),
        (json!({"status": "matched"}), "status"),
        (json!({"title": null}), "title"),
    ] {
        problem_naming(app.patch_json(&path, &patch, &anna.token).await, 422, field).await;
    }
    let unchanged = json_with_status(app.get_as(&path, &anna.token).await, 200).await;
    assert_eq!(unchanged, changed, "a rejected change stores nothing");

    app.post_json(&format!("{path}/cancel"), &json!({}), Some(&anna.token))
        .await;
    let late = app
        .patch_json(
            &path,
            &json!({"title": "Toch nog iets anders"}),
            &anna.token,
        )
        .await;
    problem(late, 409).await;
}

#[actix_web::test]
async fn cancel_ends_live_matches_and_is_allowed_only_from_open_proposed_or_matched() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let volunteer = app.volunteer().await;
    let offer = crate::offers::post_offer(&app, &volunteer, &crate::offers::offer_body()).await;
    let offer_id = offer["id"].as_str().unwrap();
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let proposal = insert_match(&app, id, offer_id, "proposed").await;
    let earlier = insert_match(&app, id, offer_id, "declined").await;

    let cancelled = json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/cancel"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(match_status(&app, &proposal).await, "withdrawn");
    assert_eq!(
        match_status(&app, &earlier).await,
        "declined",
        "finished matches stay as they were"
    );
    let again = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/cancel"),
            &json!({}),
            Some(&anna.token),
        )
        .await;
    problem(again, 409).await;
    let escalate = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await;
    problem(escalate, 409).await;

    // An accepted match can only be called off (`cancelled`) in the match lifecycle.
    let second = post_request(
        &app,
        &anna,
        &with(request_body(), "category", json!("tuin")),
    )
    .await;
    let second_id = second["id"].as_str().unwrap();
    let accepted = insert_match(&app, second_id, offer_id, "accepted").await;
    let response = app
        .post_json(
            &format!("/api/v1/help-requests/{second_id}/cancel"),
            &json!({}),
            None,
        )
        .await;
    problem(response, 401).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{second_id}/cancel"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(match_status(&app, &accepted).await, "cancelled");
}

#[actix_web::test]
async fn escalate_marks_the_request_withdraws_a_pending_proposal_and_writes_the_audit_log() {
    let app = TestApp::spawn().await;
    // Utrecht has a case worker: the municipality is the fallback there.
    let _worker = app.case_worker("GM0344").await;
    let anna = app.resident().await;
    let volunteer = app.volunteer().await;
    let offer = crate::offers::post_offer(&app, &volunteer, &crate::offers::offer_body()).await;
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let proposal = insert_match(&app, id, offer["id"].as_str().unwrap(), "proposed").await;
    let audits_before = count(&app, "audit_log").await;

    let escalated = json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(escalated["status"], "escalated");
    assert_eq!(match_status(&app, &proposal).await, "withdrawn");
    assert_eq!(count(&app, "audit_log").await, audits_before + 1);
    let state = app.state.clone();
    let request_id = id.to_owned();
    let (action, detail, municipality): (String, Option<String>, Option<String>) =
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            audit_log::table
                .filter(audit_log::object_id.eq(request_id))
                .select((
                    audit_log::action,
                    audit_log::detail,
                    audit_log::municipality_code,
                ))
                .first(&mut **conn)
                .unwrap()
        })
        .await
        .unwrap();
    assert_eq!(action, "help_request.escalate");
    assert_eq!(detail.as_deref(), Some("resident_request"));
    assert_eq!(municipality.as_deref(), Some("GM0344"));

    let again = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await;
    problem(again, 409).await;
    let change = app
        .patch_json(
            &format!("/api/v1/help-requests/{id}"),
            &json!({"title": "Nieuwe titel"}),
            &anna.token,
        )
        .await;
    problem(change, 409).await;
}
