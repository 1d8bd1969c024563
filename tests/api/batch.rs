//! The global batch: it fixes what greedy, arrival-order matching got wrong.

use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp},
    offers::{offer_body, post_offer},
};

pub async fn run_batch(app: &TestApp) -> hulpmarkt::services::batch::BatchReport {
    use hulpmarkt::clock::Clock;
    let (now, policy) = (app.clock.now_naive(), app.state.policy());
    hulpmarkt::services::batch::run(&app.state.pool, now, &policy, &|_, _| {})
        .await
        .expect("the batch runs")
}

#[actix_web::test]
async fn the_batch_moves_an_unanswered_proposal_so_that_both_requests_are_helped() {
    let app = TestApp::spawn().await;
    let near = app.volunteer().await;
    let far = app.volunteer().await;
    // The near volunteer does groceries and gardening, the far one only groceries; one place each.
    let flexible = post_offer(
        &app,
        &near,
        &with(
            with(offer_body(), "categories", json!(["boodschappen", "tuin"])),
            "capacity",
            json!(1),
        ),
    )
    .await;
    let groceries_only = post_offer(
        &app,
        &far,
        &with(
            with(
                with(offer_body(), "categories", json!(["boodschappen"])),
                "capacity",
                json!(1),
            ),
            "postcode",
            json!("3581"),
        ),
    )
    .await;
    let anna = app.resident().await;
    let bert = app.resident().await;
    let groceries = post_request(&app, &anna, &request_body()).await;
    // Greedy gave Anna the nearest volunteer, the only one who gardens.
    let anna_url = format!(
        "/api/v1/help-requests/{}/matches",
        groceries["id"].as_str().unwrap()
    );
    assert_eq!(
        json_with_status(app.get_as(&anna_url, &anna.token).await, 200).await[0]["offer_id"],
        flexible["id"]
    );
    let garden = post_request(
        &app,
        &bert,
        &with(request_body(), "category", json!("tuin")),
    )
    .await;
    assert_eq!(garden["status"], "open", "the only gardener is taken");

    app.clock.advance(chrono::Duration::minutes(5));
    let report = run_batch(&app).await;
    assert_eq!(
        (report.waiting, report.placed, report.moved, report.created),
        (2, 2, 1, 2),
        "{report:?}"
    );
    let history = json_with_status(app.get_as(&anna_url, &anna.token).await, 200).await;
    assert_eq!(history[0]["status"], "withdrawn");
    assert_eq!(history[1]["offer_id"], groceries_only["id"]);
    assert_eq!(history[1]["status"], "proposed");
    let bert_view = json_with_status(
        app.get_as(
            &format!(
                "/api/v1/help-requests/{}/matches",
                garden["id"].as_str().unwrap()
            ),
            &bert.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(bert_view[0]["offer_id"], flexible["id"]);

    // Nothing left to improve: a second run keeps everything.
    let again = run_batch(&app).await;
    assert_eq!(
        (again.kept, again.moved, again.created),
        (2, 0, 0),
        "{again:?}"
    );
}

#[actix_web::test]
async fn the_batch_never_moves_an_accepted_match() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &with(offer_body(), "capacity", json!(1))).await;
    let anna = app.resident().await;
    let id = post_request(&app, &anna, &request_body()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let proposals = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}/matches"), &anna.token)
            .await,
        200,
    )
    .await;
    let match_id = proposals[0]["id"].as_str().unwrap();
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{match_id}/accept"),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    let bert = app.resident().await;
    post_request(&app, &bert, &request_body()).await;
    let report = run_batch(&app).await;
    assert_eq!(
        (report.waiting, report.placed, report.moved),
        (1, 0, 0),
        "{report:?}"
    );
    let after = json_with_status(
        app.get_as(&format!("/api/v1/matches/{match_id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(after["status"], "accepted");
}
