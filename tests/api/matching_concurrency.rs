//! Matching under concurrency: parallel accepts have exactly one winner, and simultaneous
//! posts never exceed an offer's capacity.

use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::TestApp,
    matching::{act, request_matches},
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn fifty_parallel_accepts_have_exactly_one_winner_and_capacity_is_never_exceeded() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &with(offer_body(), "capacity", json!(1))).await;
    let anna = app.resident().await;
    let id = post_request(&app, &anna, &request_body()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let match_id = request_matches(&app, &anna, &id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let accepts = (0..50).map(|_| act(&app, &vera, &match_id, "accept"));
    let statuses: Vec<u16> = futures_util::future::join_all(accepts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );

    // Twenty residents post at once for an offer with two places: exactly two proposals.
    let wim = app.volunteer().await;
    let offer = post_offer(
        &app,
        &wim,
        &with(
            with(offer_body(), "capacity", json!(2)),
            "categories",
            json!(["tuin"]),
        ),
    )
    .await;
    let mut residents = Vec::new();
    for _ in 0..20 {
        residents.push(app.resident().await);
    }
    let body = with(request_body(), "category", json!("tuin"));
    let posts = residents
        .iter()
        .map(|r| app.post_json("/api/v1/help-requests", &body, Some(&r.token)));
    let results = futures_util::future::join_all(posts).await;
    assert!(results.iter().all(|r| r.status() == 201));
    let (load, live) = offer_load(&app, offer["id"].as_str().unwrap()).await;
    assert_eq!((load, live), (2, 2));
}

async fn offer_load(app: &TestApp, offer_id: &str) -> (i32, i64) {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::{matches, offers};
    let state = app.state.clone();
    let offer_id = offer_id.to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        let load: i32 = offers::table
            .find(&offer_id)
            .select(offers::active_load)
            .first(&mut **conn)
            .unwrap();
        let live: i64 = matches::table
            .filter(matches::offer_id.eq(&offer_id))
            .filter(matches::status.eq_any(["proposed", "accepted"]))
            .count()
            .get_result(&mut **conn)
            .unwrap();
        (load, live)
    })
    .await
    .unwrap()
}
