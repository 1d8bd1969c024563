//! "Today" is the date in the Netherlands (issue 26): between 00:00 and 01:00 Dutch time in
//! winter the UTC date is still yesterday's, and neither a VOG dated today nor an offer that
//! ended yesterday may be judged by it.

use chrono::{Duration, NaiveDate, Timelike};
use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp},
    offers::{offer_body, post_offer},
};

/// Moves the app's clock to the next 23:30 UTC (00:30 in the Netherlands in winter, 01:30 in
/// summer); returns that UTC date, which is yesterday in the Netherlands.
fn half_past_midnight_dutch_time(app: &TestApp) -> NaiveDate {
    use hulpmarkt::clock::Clock;
    let now = app.clock.now();
    let target = now
        .date_naive()
        .and_hms_opt(23, 30, 0)
        .expect("23:30 exists")
        .and_utc();
    let target = if target <= now {
        target + Duration::days(1)
    } else {
        target
    };
    app.clock.advance(target - now);
    assert_eq!(app.clock.now().hour(), 23);
    target.date_naive()
}

#[actix_web::test]
async fn an_offer_that_ended_yesterday_in_the_netherlands_gets_no_proposal() {
    let app = TestApp::spawn().await;
    let utc_date = half_past_midnight_dutch_time(&app);
    let vera = app.volunteer().await;
    let mut offer = offer_body();
    offer["availability"]["until"] = json!(utc_date.to_string());
    post_offer(&app, &vera, &offer).await;
    let anna = app.resident().await;
    let mut body = request_body();
    body["availability"]["from"] = json!((utc_date - Duration::days(2)).to_string());
    body["availability"]["until"] = json!((utc_date + Duration::days(60)).to_string());
    let request = post_request(&app, &anna, &with(body, "title", json!("Na middernacht"))).await;
    assert_eq!(request["status"], "open", "{request}");
}

#[actix_web::test]
async fn a_vog_dated_today_in_the_netherlands_is_not_in_the_future() {
    let app = TestApp::spawn().await;
    let utc_date = half_past_midnight_dutch_time(&app);
    let dutch_today = utc_date + Duration::days(1);
    let volunteer = app.volunteer().await;
    post_offer(&app, &volunteer, &offer_body()).await; // Utrecht
    let worker = app.case_worker("GM0344").await;
    let recorded = app
        .put_json(
            &format!("/api/v1/users/{}/vog", volunteer.id),
            &json!({"issued_on": dutch_today.to_string()}),
            &worker.token,
        )
        .await;
    let me = json_with_status(recorded, 200).await;
    assert_eq!(me["vog_issued_on"], dutch_today.to_string());
}
