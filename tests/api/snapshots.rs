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

/// `method` on `path` with `body`, asked in `language`; the JSON answer with `status`.
async fn in_language(
    app: &TestApp,
    language: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
    status: u16,
) -> Value {
    let request = match body {
        Some(body) => app.client.post(app.url(path)).json(body),
        None => app.client.get(app.url(path)),
    };
    let response = request
        .bearer_auth(token)
        .header("accept-language", language)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-language"], language);
    stable(json_with_status(response, status).await)
}

/// The same answers in Dutch and in English: a field error, a conflict and a match's
/// explanation, as a person reads them.
#[actix_web::test]
async fn answers_read_the_same_in_dutch_and_in_english() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let anna = app.resident().await;
    post_offer(&app, &vera, &offer_body()).await;
    let bad = json!({"domain": "wmo", "category": "boodschappen", "postcode": "12",
        "title": "ab", "description": "", "consent_municipality": true});
    let requests = "/api/v1/help-requests";
    for language in ["nl", "en"] {
        let answer = in_language(&app, language, requests, &anna.token, Some(&bad), 422).await;
        insta::assert_json_snapshot!(format!("field_error_{language}"), answer);
    }
    post_request(&app, &anna, &request_body()).await;
    let id = crate::matching::my_matches(&app, &vera).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let accept = format!("/api/v1/matches/{id}/accept");
    let empty = json!({});
    in_language(&app, "nl", &accept, &vera.token, Some(&empty), 200).await;
    for language in ["nl", "en"] {
        let answer = in_language(&app, language, &accept, &vera.token, Some(&empty), 409).await;
        insta::assert_json_snapshot!(format!("conflict_{language}"), answer);
        let path = format!("/api/v1/matches/{id}");
        let volunteer = in_language(&app, language, &path, &vera.token, None, 200).await;
        let resident = in_language(&app, language, &path, &anna.token, None, 200).await;
        let shown = json!({
            "volunteer": {"explanation": volunteer["explanation"], "explanation_parts": volunteer["explanation_parts"]},
            "resident": {"explanation": resident["explanation"]},
        });
        insta::assert_json_snapshot!(format!("match_explanation_{language}"), shown);
    }
}
