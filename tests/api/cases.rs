//! The municipality as fallback: unserved requests escalate after the grace period and each
//! outcome a case worker chooses does what it says, with the audit trail; and the case
//! fixtures the other case modules share.

use hulpmarkt::services::sweeper::SweepReport;
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, problem_naming, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

/// Runs one sweep at the app's current (test) time.
pub async fn sweep(app: &TestApp) -> SweepReport {
    use hulpmarkt::clock::Clock;
    let now = app.clock.now_naive();
    hulpmarkt::services::sweeper::sweep(&app.state.pool, now, &app.state.policy(), false)
        .await
        .expect("the sweep runs")
}

/// An Amsterdam (PC4 1012) grocery request that accepts help within 3 km.
pub fn amsterdam_request() -> Value {
    let body = with(request_body(), "postcode", json!("1012 AB"));
    with(body, "max_distance_km", json!(3))
}

/// An Amsterdam offer for groceries at `pc4`.
pub fn amsterdam_offer(pc4: &str, radius_km: f64, weekday: &str) -> Value {
    let body = with(offer_body(), "postcode", json!(pc4));
    let body = with(body, "radius_km", json!(radius_km));
    let body = with(body, "capacity", json!(3));
    with(
        body,
        "availability",
        json!({"slots": [{"weekday": weekday, "start": "09:00", "end": "12:00"}]}),
    )
}

pub async fn queue(app: &TestApp, worker: &TestUser, query: &str) -> Value {
    json_with_status(
        app.get_as(&format!("/api/v1/cases{query}"), &worker.token)
            .await,
        200,
    )
    .await
}

pub async fn case_for(app: &TestApp, worker: &TestUser, request_id: &str) -> String {
    let all = queue(app, worker, "?per_page=100").await;
    let item = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["request_id"] == request_id)
        .unwrap_or_else(|| panic!("no case for request {request_id}"));
    item["id"].as_str().unwrap().to_owned()
}

pub async fn read_case(app: &TestApp, worker: &TestUser, id: &str) -> Value {
    json_with_status(
        app.get_as(&format!("/api/v1/cases/{id}"), &worker.token)
            .await,
        200,
    )
    .await
}

pub async fn act(
    app: &TestApp,
    worker: &TestUser,
    id: &str,
    verb: &str,
    body: Value,
) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/cases/{id}/{verb}"),
        &body,
        Some(&worker.token),
    )
    .await
}

pub async fn my_request(app: &TestApp, resident: &TestUser, id: &str) -> Value {
    json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &resident.token)
            .await,
        200,
    )
    .await
}

pub async fn audit_actions(
    app: &TestApp,
    user: &TestUser,
    case_id: &str,
) -> Vec<(String, Option<String>)> {
    let entries = json_with_status(
        app.get_as(
            &format!("/api/v1/cases/{case_id}/audit?per_page=100"),
            &user.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(entries["page"], 1);
    assert!(
        entries["total"].as_u64().unwrap() <= 100,
        "one page holds the trail"
    );
    entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["detail"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[actix_web::test]
async fn unserved_requests_escalate_after_the_grace_period_and_each_outcome_does_what_it_says() {
    let app = TestApp::spawn().await;
    // Amsterdam and Utrecht have case workers: the municipality is the fallback there.
    let worker = app.case_worker("GM0363").await;
    let utrecht = app.case_worker("GM0344").await;
    // 7.5 km away: beyond the residents' 3 km, inside the volunteer's 15 km.
    let vera = app.volunteer().await;
    let far = post_offer(&app, &vera, &amsterdam_offer("1102", 15.0, "tue")).await;
    let far_id = far["id"].as_str().unwrap().to_owned();
    // 1.2 km away but only on Wednesdays: a near miss on availability.
    let wim = app.volunteer().await;
    let wednesday = post_offer(&app, &wim, &amsterdam_offer("1017", 5.0, "wed")).await;

    let mut residents = Vec::new();
    for _ in 0..4 {
        let resident = app.resident().await;
        let request = post_request(&app, &resident, &amsterdam_request()).await;
        assert_eq!(request["status"], "open", "nobody can serve it as it is");
        residents.push((resident, request["id"].as_str().unwrap().to_owned()));
    }

    app.clock.advance(chrono::Duration::hours(47));
    assert_eq!(
        sweep(&app).await.escalated,
        0,
        "still inside the 48 h grace period"
    );
    app.clock.advance(chrono::Duration::hours(2));
    let report = sweep(&app).await;
    assert!(report.ran);
    assert_eq!(report.escalated, 4);
    for (resident, id) in &residents {
        assert_eq!(my_request(&app, resident, id).await["status"], "escalated");
    }

    let listed = queue(&app, &worker, "").await;
    assert_eq!(listed["total"], 4);
    for item in listed["items"].as_array().unwrap() {
        assert_eq!(item["reason"], "no_candidates");
        assert_eq!(item["status"], "open");
        assert_eq!(item["pc4"], "1012");
        assert!(item["waiting_hours"].as_i64().unwrap() >= 49);
    }
    assert_eq!(queue(&app, &utrecht, "").await["total"], 0);
    let some_case = listed["items"][0]["id"].as_str().unwrap();
    problem(
        app.get_as(&format!("/api/v1/cases/{some_case}"), &utrecht.token)
            .await,
        404,
    )
    .await;
    problem(
        act(&app, &utrecht, some_case, "claim", json!({})).await,
        404,
    )
    .await;
    problem(
        app.get_as("/api/v1/cases", &residents[0].0.token).await,
        403,
    )
    .await;

    // 1. assigned_volunteer: the near miss on distance becomes a proposal the volunteer
    //    accepts.
    let (anna, first) = &residents[0];
    let case = case_for(&app, &worker, first).await;
    let file = read_case(&app, &worker, &case).await;
    let suggestions = file["suggestions"].as_array().unwrap();
    let wider = suggestions
        .iter()
        .find(|s| s["offer_id"] == far["id"])
        .unwrap();
    assert_eq!(wider["relaxation"], "wider_radius");
    assert!(wider["needed_distance_km"].as_f64().unwrap() > 7.0);
    let near_miss = suggestions
        .iter()
        .find(|s| s["offer_id"] == wednesday["id"])
        .unwrap();
    assert_eq!(near_miss["relaxation"], "near_miss_availability");
    assert_eq!(near_miss["longest_overlap_minutes"], 0);
    assert_eq!(near_miss["session_minutes"], 60);
    // What the offer is, where, when and how full; never who.
    let offered = &near_miss["offer"];
    assert_eq!(
        offered["availability"]["slots"][0]["weekday"], "wed",
        "{near_miss}"
    );
    assert!(offered["categories"]
        .as_array()
        .unwrap()
        .contains(&json!("boodschappen")));
    assert_eq!(offered["pc4"].as_str().unwrap().len(), 4, "{offered}");
    assert_eq!(
        (offered["capacity"].as_i64(), offered["load"].as_i64()),
        (Some(3), Some(0))
    );
    for hidden in ["volunteer_id", "contact", "note", "display_name"] {
        assert!(offered.get(hidden).is_none(), "{hidden} in {offered}");
    }

    let assign = json!({"outcome": "assigned_volunteer", "offer_id": far_id});
    problem(
        act(&app, &worker, &case, "resolve", assign.clone()).await,
        409,
    )
    .await;
    let claimed = json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    assert_eq!(claimed["status"], "in_progress");
    assert_eq!(claimed["assigned_to"], worker.id.as_str());
    let colleague = app.case_worker("GM0363").await;
    problem(act(&app, &colleague, &case, "claim", json!({})).await, 409).await;
    problem(
        act(&app, &colleague, &case, "resolve", assign.clone()).await,
        409,
    )
    .await;
    let resolved = json_with_status(
        act(&app, &worker, &case, "resolve", assign.clone()).await,
        200,
    )
    .await;
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["outcome"]["outcome"], "assigned_volunteer");
    assert_eq!(resolved["history"][0]["status"], "proposed");
    assert_eq!(resolved["history"][0]["created_by"], "case_worker");
    let mine = my_request(&app, anna, first).await;
    assert_eq!(mine["status"], "proposed", "the volunteer is asked first");
    assert_eq!(mine["outcome"]["outcome"], "assigned_volunteer");
    // The volunteer sees the real common time (Tuesday 09:00-12:00 on both sides, not "any
    // time" as the relaxed check had it) and accepts; only then do the two see each other's
    // contact details.
    let asked = crate::matching::my_matches(&app, &vera).await;
    let asked = asked
        .iter()
        .find(|m| m["request_id"] == first.as_str())
        .unwrap();
    assert_eq!(asked["status"], "proposed");
    assert!(asked["contact"].is_null(), "{asked}");
    let explanation = asked["explanation"].as_str().unwrap();
    assert!(
        explanation.starts_with("De gemeente stelt deze koppeling voor."),
        "{explanation}"
    );
    assert!(explanation.contains("3 uur per week"), "{explanation}");
    let id = asked["id"].as_str().unwrap();
    json_with_status(crate::matching::act(&app, &vera, id, "accept").await, 200).await;
    assert_eq!(my_request(&app, anna, first).await["status"], "matched");
    let matches = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{first}/matches"),
            &anna.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(matches["items"][0]["status"], "accepted");
    assert_eq!(matches["items"][0]["contact"]["email"], vera.email.as_str());
    problem(act(&app, &worker, &case, "resolve", assign).await, 409).await;

    // 2. returned_to_marketplace with a wider distance: re-matched at once.
    let (bert, second) = &residents[1];
    let case = case_for(&app, &worker, second).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    let narrower = json!({"outcome": "returned_to_marketplace", "max_distance_km": 2});
    problem_naming(
        act(&app, &worker, &case, "resolve", narrower).await,
        422,
        "max_distance_km",
    )
    .await;
    let returned = json!({"outcome": "returned_to_marketplace", "max_distance_km": 15});
    json_with_status(act(&app, &worker, &case, "resolve", returned).await, 200).await;
    let mine = my_request(&app, bert, second).await;
    assert_eq!(
        mine["status"], "proposed",
        "re-matched with the wider distance"
    );
    assert_eq!(mine["max_distance_km"], 15.0);
    assert_eq!(mine["outcome"]["outcome"], "returned_to_marketplace");
    assert_eq!(mine["outcome"]["max_distance_km"], 15.0);
    let matches = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{second}/matches"),
            &bert.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(matches["items"][0]["offer_id"], far["id"]);
    assert_eq!(matches["items"][0]["status"], "proposed");

    // 3. referred_formal: ends the request, the resident sees where to.
    let (carla, third) = &residents[2];
    let case = case_for(&app, &worker, third).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    let wrong =
        json!({"outcome": "referred_formal", "formal_category": {"standard": "ijw", "code": "45"}});
    problem_naming(
        act(&app, &worker, &case, "resolve", wrong).await,
        422,
        "formal_category",
    )
    .await;
    let referral = json!({"outcome": "referred_formal", "formal_category": {"standard": "iwmo", "code": "06"},
        "note": "U kunt bij het Wmo-loket terecht."});
    json_with_status(act(&app, &worker, &case, "resolve", referral).await, 200).await;
    let mine = my_request(&app, carla, third).await;
    assert_eq!(mine["status"], "referred");
    assert_eq!(mine["outcome"]["outcome"], "referred_formal");
    assert_eq!(mine["outcome"]["formal_category"]["code"], "06");
    assert_eq!(mine["outcome"]["note"], "U kunt bij het Wmo-loket terecht.");
    let referred_case = case.clone();

    // 4. closed: needs a reason, ends the request.
    let (dirk, fourth) = &residents[3];
    let case = case_for(&app, &worker, fourth).await;
    read_case(&app, &worker, &case).await;
    json_with_status(act(&app, &worker, &case, "claim", json!({})).await, 200).await;
    problem_naming(
        act(
            &app,
            &worker,
            &case,
            "resolve",
            json!({"outcome": "closed"}),
        )
        .await,
        422,
        "note",
    )
    .await;
    let note = json_with_status(
        act(
            &app,
            &worker,
            &case,
            "notes",
            json!({"body": "Gebeld met bewoner; hulp via buren geregeld."}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(note["author_id"], worker.id.as_str());
    let close = json!({"outcome": "closed", "note": "Uw buren helpen u al."});
    json_with_status(act(&app, &worker, &case, "resolve", close).await, 200).await;
    let mine = my_request(&app, dirk, fourth).await;
    assert_eq!(mine["status"], "closed");
    assert_eq!(mine["outcome"]["outcome"], "closed");
    assert_eq!(mine["outcome"]["note"], "Uw buren helpen u al.");
    assert_eq!(
        queue(&app, &worker, "").await["total"],
        0,
        "nothing unresolved left"
    );
    assert_eq!(queue(&app, &worker, "?status=resolved").await["total"], 4);

    // The audit trail: the escalation, every read, the claim, the note and the decision.
    let trail = audit_actions(&app, &worker, &case).await;
    let actions: Vec<&str> = trail.iter().map(|(a, _)| a.as_str()).collect();
    // The test clock stands still, so entries share one timestamp: check presence, not order.
    assert!(trail.contains(&(
        "help_request.escalate".to_owned(),
        Some("no_candidates".to_owned())
    )));
    for expected in ["case.read", "case.claim", "case.note", "case.resolve"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let reads = actions.iter().filter(|a| **a == "case.read").count();
    assert!(reads >= 1);
    assert!(trail.contains(&("case.resolve".to_owned(), Some("closed".to_owned()))));
    let referred_trail = audit_actions(&app, &app.admin().await, &referred_case).await;
    assert!(referred_trail.contains(&(
        "case.resolve".to_owned(),
        Some("referred_formal:iwmo:06".to_owned())
    )));
    let text = serde_json::to_string(&referred_trail).unwrap();
    assert!(!text.contains("Wmo-loket"), "no free text in the audit log");
    problem(
        app.get_as(&format!("/api/v1/cases/{case}/audit"), &utrecht.token)
            .await,
        404,
    )
    .await;
    problem(
        app.get_as(&format!("/api/v1/cases/{case}/audit"), &dirk.token)
            .await,
        403,
    )
    .await;
}
