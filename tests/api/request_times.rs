//! When the resident needs help (issue 23): a request whose dates have all passed is refused at
//! posting, and the volunteer sees the request's days and times on a proposal before accepting.

use chrono::Duration;
use serde_json::json;

use crate::{
    help_requests::{count, post_request, request_body},
    helpers::{problem_naming, TestApp},
    matching::{my_matches, request_matches},
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn a_request_whose_last_date_has_passed_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let yesterday =
        hulpmarkt::clock::dutch_today(chrono::Utc::now().naive_utc()) - Duration::days(1);
    let mut body = request_body();
    body["availability"]["from"] = json!((yesterday - Duration::days(7)).to_string());
    body["availability"]["until"] = json!(yesterday.to_string());
    let refused = app
        .post_json("/api/v1/help-requests", &body, Some(&anna.token))
        .await;
    let problem = problem_naming(refused, 422, "availability.until").await;
    assert_eq!(
        problem["errors"][0]["code"], "availability_in_past",
        "{problem}"
    );
    assert!(problem.to_string().contains("al voorbij"), "{problem}");
    assert_eq!(count(&app, "help_requests").await, 0);
}

#[actix_web::test]
async fn the_volunteer_sees_when_help_is_needed_before_accepting() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &offer_body()).await;
    let anna = app.resident().await;
    let body = request_body();
    let id = post_request(&app, &anna, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(request_matches(&app, &anna, &id).await.len(), 1);
    let proposals = my_matches(&app, &vera).await;
    let proposal = &proposals[0];
    assert_eq!(proposal["status"], "proposed");
    let times = &proposal["request"]["availability"];
    assert_eq!(
        times["slots"],
        json!([{"weekday": "tue", "start": "09:00", "end": "12:00"}]),
        "{proposal}"
    );
    assert_eq!(times["from"], body["availability"]["from"]);
    assert_eq!(times["until"], body["availability"]["until"]);
    assert_eq!(times["session_minutes"], 60);
    // The description stays hidden until the volunteer accepts.
    assert!(proposal["request"]["description"].is_null(), "{proposal}");
}
