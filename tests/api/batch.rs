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
        json_with_status(app.get_as(&anna_url, &anna.token).await, 200).await["items"][0]
            ["offer_id"],
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
    let history =
        json_with_status(app.get_as(&anna_url, &anna.token).await, 200).await["items"].clone();
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
    assert_eq!(bert_view["items"][0]["offer_id"], flexible["id"]);

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
    let match_id = proposals["items"][0]["id"].as_str().unwrap();
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

/// The global batch over a seeded database writes in steps through the one write path:
/// residents' requests posted while it runs are all stored (none waits for the whole batch
/// and none is answered 503). How long they wait is measured by
/// `bench/batch_during_posts.sh`, not here.
#[actix_web::test]
async fn requests_posted_during_a_global_batch_over_a_seeded_database_all_succeed() {
    use std::sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    };

    use hulpmarkt::clock::Clock;
    let app = TestApp::spawn().await;
    let (pool, gazetteer, now) = (
        app.state.pool.clone(),
        app.state.gazetteer.clone(),
        app.clock.now_naive(),
    );
    let plan = hulpmarkt::services::seed::SeedPlan {
        offers: 20_000,
        requests: 20_000,
        password: "Een-lang-wachtwoord-42".into(),
        sample_owners: 0,
        seed: 7,
    };
    hulpmarkt::db::run(&pool, move |conn| {
        hulpmarkt::services::seed::seed(conn, &gazetteer, &plan, now, &mut std::io::sink())
    })
    .await
    .expect("seeded");
    let anna = app.resident().await;
    let running = Arc::new(AtomicBool::new(true));
    let steps = Arc::new(AtomicUsize::new(0));
    let batch = {
        let (state, running, steps) = (app.state.clone(), running.clone(), steps.clone());
        actix_web::rt::spawn(async move {
            let progress = move |done: u64, _: u64| {
                steps.store(
                    usize::try_from(done).unwrap_or(usize::MAX),
                    Ordering::SeqCst,
                );
            };
            let report =
                hulpmarkt::services::batch::run(&state.pool, now, &state.policy(), &progress).await;
            running.store(false, Ordering::SeqCst);
            report
        })
    };
    let (mut during, mut posted) = (0, 0);
    // Bounded: at most 400 requests, as long as the batch runs.
    while posted < 400 && (posted < 3 || running.load(Ordering::SeqCst)) {
        let body = with(
            with(
                request_body(),
                "title",
                json!(format!("Tijdens de ronde {posted}")),
            ),
            "confirm_duplicate",
            json!(true),
        );
        let was_running = running.load(Ordering::SeqCst);
        let response = app
            .post_json("/api/v1/help-requests", &body, Some(&anna.token))
            .await;
        let status = response.status().as_u16();
        assert_eq!(
            status,
            201,
            "request {posted}: {}",
            response.text().await.unwrap_or_default()
        );
        posted += 1;
        if was_running && running.load(Ordering::SeqCst) {
            during += 1;
        }
    }
    let report = batch
        .await
        .expect("the batch task")
        .expect("the batch runs");
    assert!(report.waiting > 1_000, "{report:?}");
    assert!(report.created > 0, "{report:?}");
    assert!(steps.load(Ordering::SeqCst) > 1, "the batch wrote in steps");
    assert!(during > 0, "no request was posted while the batch ran");
}

#[actix_web::test]
async fn an_admin_runs_the_batch_on_demand_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let anna = app.resident().await;
    for who in [&vera, &anna] {
        let refused = app
            .post_json("/api/v1/matching-batch", &json!({}), Some(&who.token))
            .await;
        crate::helpers::problem(refused, 403).await;
    }
    let admin = app.admin().await;
    post_offer(&app, &vera, &offer_body()).await;
    let report = json_with_status(
        app.post_json("/api/v1/matching-batch", &json!({}), Some(&admin.token))
            .await,
        200,
    )
    .await;
    assert_eq!(report["offers"], 1);
    assert_eq!(report["waiting"], 0);
    let request = post_request(&app, &anna, &request_body()).await;
    assert_eq!(
        request["status"], "proposed",
        "incremental matching still runs"
    );
}
