//! Safeguarding over time: a volunteer suspended and reinstated, a VOG revoked and corrected.
//! Proposals the volunteer may no longer receive are withdrawn at once and each request goes
//! to its next candidate; case workers hear of accepted matches that needed a VOG.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, problem_naming, TestApp, TestUser},
    matching::{act, request_matches, request_status},
    offers::{offer_body, post_offer},
    staff_lifecycle::user_audit,
};

async fn offer_status(app: &TestApp, volunteer: &TestUser, id: &str) -> String {
    let offer = json_with_status(
        app.get_as(&format!("/api/v1/offers/{id}"), &volunteer.token)
            .await,
        200,
    )
    .await;
    offer["status"].as_str().unwrap().to_owned()
}

/// The offer id of the live match of a request.
async fn proposed_offer(app: &TestApp, resident: &TestUser, request: &str) -> Option<String> {
    request_matches(app, resident, request)
        .await
        .iter()
        .find(|m| m["status"] == "proposed" || m["status"] == "accepted")
        .map(|m| m["offer_id"].as_str().unwrap().to_owned())
}

fn actions(audit: &[(String, String, Option<String>)]) -> Vec<(&str, Option<&str>)> {
    audit
        .iter()
        .map(|(a, _, d)| (a.as_str(), d.as_deref()))
        .collect()
}

#[actix_web::test]
async fn a_suspension_holds_the_offers_and_hands_the_proposals_on_until_it_is_lifted() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let amsterdam = app.case_worker("GM0363").await;
    let vera = app.volunteer().await;
    let vera_offer = post_offer(&app, &vera, &offer_body()).await;
    let vera_offer = vera_offer["id"].as_str().unwrap();
    let resident = app.resident().await;
    let request = post_request(&app, &resident, &request_body()).await;
    let request = request["id"].as_str().unwrap();
    assert_eq!(
        proposed_offer(&app, &resident, request).await.as_deref(),
        Some(vera_offer)
    );
    let wim = app.volunteer().await;
    let wim_offer = post_offer(&app, &wim, &offer_body()).await;
    let wim_offer = wim_offer["id"].as_str().unwrap();

    let path = format!("/api/v1/users/{}/suspension", vera.id);
    let reason = json!({"reason": "safeguarding_concern"});
    problem(
        app.post_json(&path, &reason, Some(&amsterdam.token)).await,
        404,
    )
    .await;
    problem(app.post_json(&path, &reason, Some(&wim.token)).await, 403).await;
    let bad = app
        .post_json(
            &path,
            &json!({"reason": "gut feeling"}),
            Some(&worker.token),
        )
        .await;
    problem_naming(bad, 422, "reason").await;
    let suspended = json_with_status(
        app.post_json(&path, &reason, Some(&worker.token)).await,
        200,
    )
    .await;
    assert_eq!(suspended["proposals_withdrawn"], 1);
    problem(
        app.post_json(&path, &reason, Some(&worker.token)).await,
        409,
    )
    .await;

    // The request went to the next candidate at once; Vera's offer is on hold.
    assert_eq!(
        proposed_offer(&app, &resident, request).await.as_deref(),
        Some(wim_offer)
    );
    assert_eq!(offer_status(&app, &vera, vera_offer).await, "paused");
    let me = json_with_status(app.get_as("/api/v1/me", &vera.token).await, 200).await;
    assert_eq!(me["suspended"], true);
    let resume = app
        .post_json(
            &format!("/api/v1/offers/{vera_offer}/resume"),
            &json!({}),
            Some(&vera.token),
        )
        .await;
    let held = problem(resume, 409).await;
    assert_eq!(held["reason"], "conflict-offers-on-hold", "{held}");
    let another = app
        .post_json("/api/v1/offers", &offer_body(), Some(&vera.token))
        .await;
    problem(another, 409).await;
    // With Wim away too, a new request finds nobody: Vera is not proposed.
    let pause = app
        .post_json(
            &format!("/api/v1/offers/{wim_offer}/pause"),
            &json!({}),
            Some(&wim.token),
        )
        .await;
    json_with_status(pause, 200).await;
    let neighbour = app.resident().await;
    let waiting = post_request(&app, &neighbour, &request_body()).await;
    assert_eq!(waiting["status"], "open");

    // Lifted: the held offer is active again and takes the waiting request.
    let lifted = json_with_status(app.delete_as(&path, &worker.token).await, 200).await;
    assert_eq!(lifted["offers_resumed"], 1);
    problem(app.delete_as(&path, &worker.token).await, 409).await;
    assert_eq!(offer_status(&app, &vera, vera_offer).await, "active");
    let waiting = waiting["id"].as_str().unwrap();
    assert_eq!(request_status(&app, &neighbour, waiting).await, "proposed");
    assert_eq!(
        proposed_offer(&app, &neighbour, waiting).await.as_deref(),
        Some(vera_offer)
    );
    let audit = user_audit(&app, &vera.id).await;
    assert_eq!(
        actions(&audit),
        [
            ("user.suspended", Some("safeguarding_concern")),
            ("user.suspension_lifted", None)
        ]
    );
    assert!(audit.iter().all(|(_, role, _)| role == "case_worker"));
}

fn homework_offer() -> Value {
    json!({
        "categories": ["huiswerkbegeleiding"], "postcode": "3511", "radius_km": 10, "remote_ok": false,
        "availability": {"slots": [], "from": null, "until": null}, "capacity": 3, "note": ""
    })
}

fn minor_request() -> Value {
    json!({
        "domain": "jeugdwet", "category": "huiswerkbegeleiding", "title": "Hulp bij wiskunde",
        "description": "Voor mijn zoon in de tweede klas.", "postcode": "3512", "involves_minor": true,
        "availability": {"slots": []}, "consent_municipality": true
    })
}

#[actix_web::test]
async fn a_revoked_vog_withdraws_what_needed_it_and_alerts_the_case_workers() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let amsterdam = app.case_worker("GM0363").await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &homework_offer()).await;
    let groceries = post_offer(&app, &vera, &offer_body()).await;
    let vog = format!("/api/v1/users/{}/vog", vera.id);
    let today = crate::help_requests::ClockNaive::clock_naive(&app).date();
    let record = |date: String, reason: &str| json!({"issued_on": date, "reason": reason});
    json_with_status(
        app.put_json(
            &vog,
            &record(today.to_string(), "new_certificate"),
            &worker.token,
        )
        .await,
        200,
    )
    .await;

    // One accepted match with a minor, one open proposal with a minor, one for groceries.
    let (first, second, shopper) = (
        app.resident().await,
        app.resident().await,
        app.resident().await,
    );
    let accepted = post_request(&app, &first, &minor_request()).await;
    let accepted = accepted["id"].as_str().unwrap().to_owned();
    let m = request_matches(&app, &first, &accepted).await;
    let match_id = m[0]["id"].as_str().unwrap();
    json_with_status(act(&app, &vera, match_id, "accept").await, 200).await;
    let open = post_request(&app, &second, &minor_request()).await;
    let open = open["id"].as_str().unwrap().to_owned();
    assert_eq!(request_status(&app, &second, &open).await, "proposed");
    let shopping = post_request(&app, &shopper, &request_body()).await;
    let shopping = shopping["id"].as_str().unwrap().to_owned();
    assert_eq!(
        proposed_offer(&app, &shopper, &shopping).await.as_deref(),
        groceries["id"].as_str()
    );

    let revoke = format!("/api/v1/users/{}/vog/revoke", vera.id);
    let why = json!({"reason": "withdrawn_by_issuer"});
    problem(
        app.post_json(&revoke, &why, Some(&amsterdam.token)).await,
        404,
    )
    .await;
    problem_naming(
        app.post_json(&revoke, &json!({"reason": ""}), Some(&worker.token))
            .await,
        422,
        "reason",
    )
    .await;
    let done = json_with_status(app.post_json(&revoke, &why, Some(&worker.token)).await, 200).await;
    assert_eq!(done["proposals_withdrawn"], 1);
    assert_eq!(done["case_workers_alerted"], 1);
    problem(app.post_json(&revoke, &why, Some(&worker.token)).await, 409).await;

    assert_eq!(
        request_status(&app, &second, &open).await,
        "open",
        "nobody else"
    );
    assert_eq!(request_status(&app, &shopper, &shopping).await, "proposed");
    assert_eq!(request_status(&app, &first, &accepted).await, "matched");
    let me = json_with_status(app.get_as("/api/v1/me", &vera.token).await, 200).await;
    assert_eq!(me["vog_issued_on"], Value::Null);
    let feed = json_with_status(
        app.get_as("/api/v1/me/notifications", &worker.token).await,
        200,
    )
    .await;
    let alerts: Vec<&Value> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "safeguarding_alert")
        .collect();
    assert_eq!(alerts.len(), 1, "{feed}");
    assert_eq!(alerts[0]["match_id"], match_id);
    let elsewhere = json_with_status(
        app.get_as("/api/v1/me/notifications", &amsterdam.token)
            .await,
        200,
    )
    .await;
    assert!(elsewhere["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["kind"] != "safeguarding_alert"));

    // A day later (Vera had her three proposals of the day), a new certificate makes the
    // waiting request proposed again; a correction to a date beyond the municipality's 36
    // months withdraws it once more.
    let first_day = today;
    app.clock.advance(chrono::Duration::hours(25));
    let today = crate::help_requests::ClockNaive::clock_naive(&app).date();
    json_with_status(
        app.put_json(
            &vog,
            &record(today.to_string(), "new_certificate"),
            &worker.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(request_status(&app, &second, &open).await, "proposed");
    let old = (today - chrono::Months::new(40)).to_string();
    json_with_status(
        app.put_json(&vog, &record(old.clone(), "correction"), &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(request_status(&app, &second, &open).await, "open");
    let audit = user_audit(&app, &vera.id).await;
    assert_eq!(
        actions(&audit),
        [
            (
                "user.vog_recorded",
                Some(format!("{first_day};new_certificate").as_str())
            ),
            ("user.vog_revoked", Some("withdrawn_by_issuer")),
            (
                "user.vog_recorded",
                Some(format!("{today};new_certificate").as_str())
            ),
            (
                "user.vog_corrected",
                Some(format!("{old};correction").as_str())
            ),
        ]
    );
}
