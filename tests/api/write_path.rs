//! The write path: who is passed, what pausing does, races that end in a 409, and the offer
//! index after a rolled-back write.

use diesel::prelude::*;
use hulpmarkt::domain::{HelpRequestId, MatchId, MatchOrigin, OfferId, UserId};
use hulpmarkt::{clock::Clock, db::schema::offers, error::AppError};
use serde_json::{json, Value};

use crate::{
    batch::run_batch,
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

async fn history(app: &TestApp, resident: &TestUser, request_id: &str) -> Vec<Value> {
    let path = format!("/api/v1/help-requests/{request_id}/matches");
    let body = json_with_status(app.get_as(&path, &resident.token).await, 200).await;
    body["items"].as_array().expect("a page").clone()
}

async fn live_offer(app: &TestApp, resident: &TestUser, request_id: &str) -> Option<Value> {
    history(app, resident, request_id)
        .await
        .into_iter()
        .find(|m| m["status"] == "proposed" || m["status"] == "accepted")
        .map(|m| m["offer_id"].clone())
}

async fn act(app: &TestApp, user: &TestUser, path: &str) -> Value {
    json_with_status(
        app.post_json(path, &json!({}), Some(&user.token)).await,
        200,
    )
    .await
}

#[actix_web::test]
async fn a_cancelled_match_never_goes_back_to_its_volunteer_in_any_direction_or_mode() {
    let app = TestApp::spawn().await;
    let (first, second) = (app.volunteer().await, app.volunteer().await);
    let near = post_offer(&app, &first, &with(offer_body(), "postcode", json!("3512"))).await;
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let proposal = history(&app, &anna, id).await[0].clone();
    assert_eq!(proposal["offer_id"], near["id"]);
    let match_path = format!("/api/v1/matches/{}", proposal["id"].as_str().unwrap());
    act(&app, &first, &format!("{match_path}/accept")).await;
    app.clock.advance(chrono::Duration::minutes(5));
    let cancelled = act(&app, &anna, &format!("{match_path}/cancel")).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        live_offer(&app, &anna, id).await,
        None,
        "nobody else can help yet, and the cancelled volunteer is not asked again"
    );

    // The offer's side: a new offer of the same volunteer does not bring the request back.
    post_offer(&app, &first, &with(offer_body(), "postcode", json!("3512"))).await;
    assert_eq!(live_offer(&app, &anna, id).await, None);
    // The global batch agrees.
    assert_eq!(run_batch(&app).await.created, 0);
    assert_eq!(live_offer(&app, &anna, id).await, None);
    // Someone else can still help.
    let other = post_offer(
        &app,
        &second,
        &with(offer_body(), "postcode", json!("3581")),
    )
    .await;
    assert_eq!(live_offer(&app, &anna, id).await, Some(other["id"].clone()));
}

#[actix_web::test]
async fn pausing_an_offer_sends_its_open_proposals_to_the_next_candidate_at_once() {
    let app = TestApp::spawn().await;
    let (away, stays) = (app.volunteer().await, app.volunteer().await);
    let both = with(
        offer_body(),
        "categories",
        json!(["boodschappen", "vervoer"]),
    );
    let paused = post_offer(&app, &away, &with(both, "postcode", json!("3512"))).await;
    let anna = app.resident().await;
    let bert = app.resident().await;
    let open = post_request(&app, &anna, &request_body()).await;
    let open_id = open["id"].as_str().unwrap();
    let agreed = post_request(
        &app,
        &bert,
        &with(request_body(), "category", json!("vervoer")),
    )
    .await;
    let agreed_id = agreed["id"].as_str().unwrap();
    let agreed_match = history(&app, &bert, agreed_id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    act(
        &app,
        &away,
        &format!("/api/v1/matches/{agreed_match}/accept"),
    )
    .await;
    let next = post_offer(&app, &stays, &with(offer_body(), "postcode", json!("3581"))).await;
    assert_eq!(
        live_offer(&app, &anna, open_id).await,
        Some(paused["id"].clone())
    );

    let offer_id = paused["id"].as_str().unwrap();
    let view = act(&app, &away, &format!("/api/v1/offers/{offer_id}/pause")).await;
    assert_eq!(view["status"], "paused");
    let moved = history(&app, &anna, open_id).await;
    assert_eq!(moved[0]["status"], "withdrawn", "{moved:?}");
    assert_eq!(moved[1]["offer_id"], next["id"]);
    assert_eq!(moved[1]["status"], "proposed");
    let kept = history(&app, &bert, agreed_id).await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["status"], "accepted", "a promise made stays");
}

#[actix_web::test]
async fn a_second_live_match_for_a_request_is_a_conflict_never_a_server_error() {
    let app = TestApp::spawn().await;
    let (first, second) = (app.volunteer().await, app.volunteer().await);
    post_offer(&app, &first, &with(offer_body(), "postcode", json!("3512"))).await;
    let other = post_offer(
        &app,
        &second,
        &with(offer_body(), "postcode", json!("3581")),
    )
    .await;
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let (request_id, offer_id) = (
        request["id"].as_str().unwrap().to_owned(),
        other["id"].as_str().unwrap().to_owned(),
    );
    let volunteer = second.id.clone();
    // What a concurrent re-proposal of the same request does when it commits second.
    let now = app.clock.now_naive();
    let outcome = hulpmarkt::db::transaction(&app.state.pool, move |conn| {
        let duplicate = hulpmarkt::db::matches::Match {
            id: MatchId::generate(),
            request_id: HelpRequestId(request_id.clone()),
            offer_id: OfferId(offer_id.clone()),
            volunteer_id: Some(UserId(volunteer.clone())),
            status: hulpmarkt::domain::MatchStatus::Proposed,
            score: 0.5,
            score_parts: "{}".into(),
            explanation: String::new(),
            decline_reason: None,
            proposed_at: now,
            expires_at: now + chrono::Duration::hours(48),
            responded_at: None,
            closed_at: None,
            created_by: MatchOrigin::Incremental,
            updated_at: now,
        };
        hulpmarkt::db::matches::insert(conn, &duplicate)?;
        Ok(())
    })
    .await;
    assert!(
        matches!(outcome, Err(AppError::Conflict { .. })),
        "{outcome:?}"
    );
    assert_eq!(
        history(&app, &anna, request["id"].as_str().unwrap())
            .await
            .len(),
        1
    );
}

/// An offer's revision as stored.
async fn revision(app: &TestApp, offer_id: &str) -> i64 {
    let (pool, id) = (app.state.pool.clone(), offer_id.to_owned());
    hulpmarkt::db::run(&pool, move |conn| {
        Ok(offers::table
            .find(id)
            .select(offers::revision)
            .first::<i64>(conn)?)
    })
    .await
    .expect("revision")
}

#[actix_web::test]
async fn a_rolled_back_revision_never_hides_a_later_offer_from_the_index() {
    let app = TestApp::spawn().await;
    let (old, new) = (app.volunteer().await, app.volunteer().await);
    let idle = post_offer(&app, &old, &with(offer_body(), "postcode", json!("3512"))).await;
    let idle_id = idle["id"].as_str().unwrap().to_owned();
    act(&app, &old, &format!("/api/v1/offers/{idle_id}/pause")).await;
    // A request nobody can serve, so that searching for it reads the index.
    let carla = app.resident().await;
    let garden = post_request(
        &app,
        &carla,
        &with(request_body(), "category", json!("tuin")),
    )
    .await;
    let garden_id = garden["id"].as_str().unwrap().to_owned();

    // A write dates the idle offer, searches (the index catches up inside it), then fails.
    let (policy, now) = (app.state.policy(), app.clock.now_naive());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(0_i64));
    let seen_inside = seen.clone();
    let failed = hulpmarkt::db::transaction(&app.state.pool, move |conn| {
        diesel::update(offers::table.find(&idle_id))
            .set(offers::updated_at.eq(now))
            .execute(conn)?;
        *seen_inside.lock().unwrap() = offers::table
            .find(&idle_id)
            .select(offers::revision)
            .first::<i64>(conn)?;
        hulpmarkt::services::matching::propose_for_request(conn, &garden_id, now, &policy)?;
        Err::<(), _>(AppError::Conflict {
            detail: hulpmarkt::msg!("conflict-same-moment"),
            existing_id: None,
        })
    })
    .await;
    assert!(matches!(failed, Err(AppError::Conflict { .. })));
    let rolled_back = *seen.lock().unwrap();

    let fresh = post_offer(&app, &new, &with(offer_body(), "postcode", json!("3581"))).await;
    if crate::helpers::postgres_admin_url().is_none() {
        // SQLite's trigger hands the number out again; PostgreSQL's sequence does not.
        assert_eq!(
            revision(&app, fresh["id"].as_str().unwrap()).await,
            rolled_back
        );
    }
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    assert_eq!(
        live_offer(&app, &anna, request["id"].as_str().unwrap()).await,
        Some(fresh["id"].clone()),
        "the new offer is found before any rebuild"
    );
}

/// One item of a long job that loses a race is rolled back alone; the step commits the rest
/// (on PostgreSQL, too, where a failed statement would abort the whole transaction).
#[actix_web::test]
async fn an_item_that_loses_a_race_is_rolled_back_alone_and_the_step_goes_on() {
    let app = TestApp::spawn().await;
    let (first, second) = (app.volunteer().await, app.volunteer().await);
    post_offer(&app, &first, &with(offer_body(), "postcode", json!("3512"))).await;
    let other = post_offer(
        &app,
        &second,
        &with(offer_body(), "postcode", json!("3581")),
    )
    .await;
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &request_body()).await;
    let (request_id, offer_id) = (
        request["id"].as_str().unwrap().to_owned(),
        other["id"].as_str().unwrap().to_owned(),
    );
    let (volunteer, now) = (second.id.clone(), app.clock.now_naive());
    let outcome = hulpmarkt::db::transaction(&app.state.pool, move |conn| {
        let lost = hulpmarkt::services::unless_lost_race(conn, |conn| {
            // A place taken, then a second live match for the request: refused by the index.
            hulpmarkt::db::matches::take_slot(conn, &offer_id)?;
            let duplicate = hulpmarkt::db::matches::Match {
                id: MatchId::generate(),
                request_id: HelpRequestId(request_id.clone()),
                offer_id: OfferId(offer_id.clone()),
                volunteer_id: Some(UserId(volunteer.clone())),
                status: hulpmarkt::domain::MatchStatus::Proposed,
                score: 0.5,
                score_parts: "{}".into(),
                explanation: String::new(),
                decline_reason: None,
                proposed_at: now,
                expires_at: now + chrono::Duration::hours(48),
                responded_at: None,
                closed_at: None,
                created_by: MatchOrigin::Batch,
                updated_at: now,
            };
            hulpmarkt::db::matches::insert(conn, &duplicate)?;
            Ok(())
        })?;
        let load: i32 = offers::table
            .find(&offer_id)
            .select(offers::active_load)
            .first(conn)?;
        Ok((lost, load))
    })
    .await;
    let (lost, load) = outcome.expect("the step commits");
    assert_eq!(lost, None, "the lost item answers None");
    assert_eq!(load, 0, "the place it took was given back with it");
    assert_eq!(
        history(&app, &anna, request["id"].as_str().unwrap())
            .await
            .len(),
        1
    );
}
