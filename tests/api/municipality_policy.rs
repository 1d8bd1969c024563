//! Each municipality's own policy, used where it applies: the daily proposal cap for the
//! volunteers whose offers are there, and every setting kept when saved again.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem_naming, TestApp},
    offers::{offer_body, post_offer},
};

fn settings(cap: Value, alert_hours: u32) -> Value {
    json!({"grace_hours_normal": 48, "grace_hours_high": 12, "vog_max_age_months": 36,
        "retention_months": 12, "case_alert_hours": alert_hours, "daily_proposal_cap": cap})
}

#[actix_web::test]
async fn a_municipalitys_own_daily_cap_limits_the_proposals_of_its_volunteers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let path = "/api/v1/municipalities/GM0344/settings";
    for bad in [json!(0), json!(51)] {
        let refused = app.put_json(path, &settings(bad, 72), &admin.token).await;
        problem_naming(refused, 422, "daily_proposal_cap").await;
    }
    let saved = json_with_status(
        app.put_json(path, &settings(json!(1), 72), &admin.token)
            .await,
        200,
    )
    .await;
    assert_eq!(saved["daily_proposal_cap"], 1);

    let vera = app.volunteer().await;
    let mut offer = offer_body();
    offer["capacity"] = json!(10);
    post_offer(&app, &vera, &offer).await; // Utrecht
    let (first, second) = (app.resident().await, app.resident().await);
    let a = post_request(&app, &first, &request_body()).await;
    assert_eq!(a["status"], "proposed");
    let b = post_request(&app, &second, &request_body()).await;
    assert_eq!(b["status"], "open", "Utrecht allows one proposal a day");

    // Without a cap of its own the service's (3) applies again, to a volunteer already found at
    // the cap once the index looks again (within the hour).
    let back = json_with_status(
        app.put_json(path, &settings(Value::Null, 24), &admin.token)
            .await,
        200,
    )
    .await;
    assert_eq!(back["daily_proposal_cap"], Value::Null);
    let read = json_with_status(app.get_as(path, &admin.token).await, 200).await;
    assert_eq!(
        read["case_alert_hours"], 24,
        "a second save keeps every field"
    );
    app.clock
        .advance(hulpmarkt::services::live_offers::CAP_RECHECK + chrono::Duration::minutes(1));
    // What the index's background refresh does every few seconds.
    let (state, now) = (
        app.state.clone(),
        crate::help_requests::ClockNaive::clock_naive(&app),
    );
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        state.policy().offers.refresh(&mut conn, now).unwrap();
    })
    .await
    .unwrap();
    let third = app.resident().await;
    let c = post_request(&app, &third, &request_body()).await;
    assert_eq!(c["status"], "proposed", "the service's cap of three");
}
