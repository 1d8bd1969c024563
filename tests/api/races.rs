//! Concurrent actions on one object have one defined outcome (issue 26): one winner and 409s,
//! never a 5xx, and the invariants hold afterwards (checked in SQL through the app's pool).

use diesel::prelude::*;
use hulpmarkt::db::schema::{cases, help_requests, matches, offers};
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp, TestUser},
    matching::{act, request_matches},
    offers::{offer_body, post_offer},
};

/// Status codes of `responses`, sorted.
pub fn statuses(responses: &[reqwest::Response]) -> Vec<u16> {
    let mut all: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    all.sort_unstable();
    all
}

/// Asserts that no answer is a 5xx.
pub fn no_server_errors(all: &[u16]) {
    assert!(all.iter().all(|s| *s < 500), "server errors in {all:?}");
}

/// The invariants every race must leave behind: no offer above its capacity (counting
/// accepted matches), at most one live match per request, no open case on a finished request.
pub async fn invariants_hold(app: &TestApp) {
    let state = app.state.clone();
    let broken = actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        let conn = &mut **conn;
        let mut broken = Vec::new();
        let capacity: Vec<(String, i32)> = offers::table
            .select((offers::id, offers::capacity))
            .load(conn)
            .unwrap();
        for (id, cap) in capacity {
            let accepted: i64 = matches::table
                .filter(matches::offer_id.eq(&id))
                .filter(matches::status.eq("accepted"))
                .count()
                .get_result(conn)
                .unwrap();
            if accepted > i64::from(cap) {
                broken.push(format!("offer {id}: {accepted} accepted, capacity {cap}"));
            }
        }
        let live: Vec<String> = matches::table
            .filter(matches::status.eq_any(["proposed", "accepted"]))
            .select(matches::request_id)
            .load(conn)
            .unwrap();
        let mut seen = std::collections::HashSet::new();
        for id in live {
            if !seen.insert(id.clone()) {
                broken.push(format!("request {id}: two live matches"));
            }
        }
        let stranded: Vec<(String, String)> = cases::table
            .inner_join(help_requests::table.on(help_requests::id.eq(cases::request_id)))
            .filter(cases::status.ne("resolved"))
            .filter(help_requests::status.ne("escalated"))
            .select((cases::id, help_requests::status))
            .load(conn)
            .unwrap();
        for (case, status) in stranded {
            broken.push(format!("case {case} open on a {status} request"));
        }
        broken
    })
    .await
    .unwrap();
    assert!(broken.is_empty(), "{broken:#?}");
}

/// A request of `resident` with a proposal to `volunteer`'s offer; returns (request, match).
async fn proposed(app: &TestApp, resident: &TestUser, volunteer: &TestUser) -> (String, String) {
    post_offer(app, volunteer, &with(offer_body(), "capacity", json!(1))).await;
    let request = post_request(app, resident, &request_body()).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let matched = request_matches(app, resident, &id).await;
    (id, matched[0]["id"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn twenty_concurrent_cancels_have_one_winner() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let vera = app.volunteer().await;
    let (id, _) = proposed(&app, &anna, &vera).await;
    let path = format!("/api/v1/help-requests/{id}/cancel");
    let cancels = (0..20).map(|_| app.post_json_owned(path.clone(), json!({}), anna.token.clone()));
    let all = statuses(&futures_util::future::join_all(cancels).await);
    no_server_errors(&all);
    assert_eq!(all.iter().filter(|s| **s == 200).count(), 1, "{all:?}");
    assert!(all.iter().all(|s| *s == 200 || *s == 409), "{all:?}");
    invariants_hold(&app).await;
}

#[actix_web::test]
async fn cancels_racing_escalations_and_a_sweep_strand_no_case() {
    let app = TestApp::spawn().await;
    let mut requests = Vec::new();
    for i in 0..12 {
        let resident = app.resident().await;
        let body = with(request_body(), "title", json!(format!("Hulp nummer {i}")));
        let id = post_request(&app, &resident, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        requests.push((resident, id));
    }
    // Past every grace period: the sweep escalates what the residents do not cancel first.
    app.clock.advance(chrono::Duration::hours(49));
    let mut actions = Vec::new();
    for (resident, id) in &requests {
        for verb in ["cancel", "escalate", "cancel"] {
            let path = format!("/api/v1/help-requests/{id}/{verb}");
            actions.push(app.post_json_owned(path, json!({}), resident.token.clone()));
        }
    }
    let (answers, _) =
        futures_util::future::join(futures_util::future::join_all(actions), app.sweep()).await;
    no_server_errors(&statuses(&answers));
    invariants_hold(&app).await;
}

#[actix_web::test]
async fn accepts_declines_and_cancels_at_once_end_in_one_state_without_errors() {
    let app = TestApp::spawn().await;
    let mut pairs = Vec::new();
    for _ in 0..6 {
        let resident = app.resident().await;
        let volunteer = app.volunteer().await;
        let (id, matched) = proposed(&app, &resident, &volunteer).await;
        pairs.push((resident, volunteer, id, matched));
    }
    let mut actions = Vec::new();
    for (resident, volunteer, id, matched) in &pairs {
        for verb in ["accept", "decline", "accept"] {
            let path = format!("/api/v1/matches/{matched}/{verb}");
            actions.push(app.post_json_owned(path, json!({}), volunteer.token.clone()));
        }
        let cancel = format!("/api/v1/help-requests/{id}/cancel");
        actions.push(app.post_json_owned(cancel, json!({}), resident.token.clone()));
        let cancel = format!("/api/v1/matches/{matched}/cancel");
        actions.push(app.post_json_owned(cancel, json!({}), resident.token.clone()));
    }
    let all = statuses(&futures_util::future::join_all(actions).await);
    no_server_errors(&all);
    invariants_hold(&app).await;
}

#[actix_web::test]
async fn many_offers_and_requests_posted_at_once_are_all_stored() {
    let app = TestApp::spawn().await;
    let mut people = Vec::new();
    for _ in 0..40 {
        people.push((app.resident().await, app.volunteer().await));
    }
    let mut posts = Vec::new();
    for (i, (resident, volunteer)) in people.iter().enumerate() {
        let title = json!(format!("Boodschappen {i}"));
        let request = with(request_body(), "title", title);
        posts.push(app.post_json_owned(
            "/api/v1/help-requests".into(),
            request,
            resident.token.clone(),
        ));
        let offer = with(offer_body(), "capacity", json!(1));
        posts.push(app.post_json_owned("/api/v1/offers".into(), offer, volunteer.token.clone()));
    }
    let all = statuses(&futures_util::future::join_all(posts).await);
    assert!(all.iter().all(|s| *s == 201), "{all:?}");
    invariants_hold(&app).await;
}

impl TestApp {
    /// POST with owned arguments (so many can be in flight from one loop).
    pub async fn post_json_owned(
        &self,
        path: String,
        body: Value,
        token: String,
    ) -> reqwest::Response {
        self.post_json(&path, &body, Some(&token)).await
    }
}

/// The JSON of a GET that must answer 200.
pub async fn read(app: &TestApp, path: &str, user: &TestUser) -> Value {
    json_with_status(app.get_as(path, &user.token).await, 200).await
}

#[actix_web::test]
async fn a_cancelled_proposal_race_leaves_the_request_consistent() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let vera = app.volunteer().await;
    let (id, matched) = proposed(&app, &anna, &vera).await;
    let accept = act(&app, &vera, &matched, "accept");
    let cancel = app.post_json_owned(
        format!("/api/v1/help-requests/{id}/cancel"),
        json!({}),
        anna.token.clone(),
    );
    let (a, c) = futures_util::future::join(accept, cancel).await;
    no_server_errors(&[a.status().as_u16(), c.status().as_u16()]);
    let request = read(&app, &format!("/api/v1/help-requests/{id}"), &anna).await;
    assert!(
        ["cancelled", "matched"].contains(&request["status"].as_str().unwrap()),
        "{request}"
    );
    invariants_hold(&app).await;
}

#[actix_web::test]
async fn a_resident_cancelling_while_a_case_worker_claims_never_strands_the_case() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await; // Utrecht, where the requests are
    let mut escalated = Vec::new();
    for i in 0..8 {
        let resident = app.resident().await;
        let body = with(request_body(), "title", json!(format!("Zaak {i}")));
        let id = post_request(&app, &resident, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("/api/v1/help-requests/{id}/escalate");
        let up = app
            .post_json(&path, &json!({}), Some(&resident.token))
            .await;
        assert!(up.status().is_success(), "{}", up.status());
        let case = crate::cases::case_for(&app, &worker, &id).await;
        escalated.push((resident, id, case));
    }
    let mut actions = Vec::new();
    for (resident, id, case) in &escalated {
        let cancel = format!("/api/v1/help-requests/{id}/cancel");
        actions.push(app.post_json_owned(cancel, json!({}), resident.token.clone()));
        let claim = format!("/api/v1/cases/{case}/claim");
        actions.push(app.post_json_owned(claim, json!({}), worker.token.clone()));
    }
    let all = statuses(&futures_util::future::join_all(actions).await);
    no_server_errors(&all);
    invariants_hold(&app).await;
}
