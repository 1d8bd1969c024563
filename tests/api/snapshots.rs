//! Snapshots of representative JSON answers (`insta`): a changed answer shows up in review as
//! a changed file under `tests/api/snapshots/`. Ids and times differ per run and are replaced
//! by placeholders before the comparison.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, TestApp},
    offers::{offer_body, post_offer},
};

/// `value` with every UUID replaced by `[id]` and every RFC 3339 time by `[time]`.
fn stable(value: Value) -> Value {
    match value {
        Value::String(s) if uuid::Uuid::parse_str(&s).is_ok() => json!("[id]"),
        Value::String(s) if chrono::DateTime::parse_from_rfc3339(&s).is_ok() => json!("[time]"),
        // The fixtures' dates are relative to today.
        Value::String(s) if chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").is_ok() => {
            json!("[date]")
        }
        Value::Array(items) => Value::Array(items.into_iter().map(stable).collect()),
        Value::Object(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, stable(v))).collect())
        }
        other => other,
    }
}

#[actix_web::test]
async fn representative_answers_keep_their_shape() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let anna = app.resident().await;
    let offer = post_offer(&app, &vera, &offer_body()).await;
    insta::assert_json_snapshot!("offer", stable(offer));
    let request = post_request(&app, &anna, &request_body()).await;
    insta::assert_json_snapshot!("help_request_proposed", stable(request.clone()));

    let id = request["id"].as_str().unwrap();
    let path = format!("/api/v1/help-requests/{id}/matches");
    let proposals = json_with_status(app.get_as(&path, &anna.token).await, 200).await;
    insta::assert_json_snapshot!("proposal_as_resident", stable(proposals));
    let mine = json_with_status(app.get_as("/api/v1/matches", &vera.token).await, 200).await;
    insta::assert_json_snapshot!("matches_page_as_volunteer", stable(mine));

    let invalid = app
        .post_json(
            "/api/v1/help-requests",
            &json!({"domain": "wmo", "category": "boodschappen", "postcode": "0000"}),
            Some(&anna.token),
        )
        .await;
    insta::assert_json_snapshot!(
        "problem_invalid_fields",
        stable(problem(invalid, 422).await)
    );
}
