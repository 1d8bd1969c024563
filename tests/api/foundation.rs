//! Operational endpoints, error handling and start-up checks.

use serde_json::json;

use crate::helpers::{json_with_status, problem, TestApp};

#[actix_web::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let health = json_with_status(app.get("/healthz").await, 200).await;
    assert_eq!(health["status"], "ok");
    let ready = json_with_status(app.get("/readyz").await, 200).await;
    assert_eq!(ready["status"], "ready");
    let expected = if crate::helpers::postgres_admin_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(ready["database"], expected);
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_a_sane_client_id_is_kept() {
    let app = TestApp::spawn().await;
    let generated = app.get("/healthz").await;
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let parsed = uuid::Uuid::parse_str(&id).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4, "a random UUID: {id}");
    let next = app.get("/healthz").await;
    assert_ne!(next.headers()["x-request-id"].to_str().unwrap(), id);
    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-abc-123");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id\twith junk")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "bad id\twith junk");
    let on_error = app.get("/no/such/route").await;
    assert!(on_error.headers().contains_key("x-request-id"));
}

#[actix_web::test]
async fn metrics_count_requests_per_route_and_status_and_show_the_pool() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.get("/api/v1/postcodes/1012").await;
    }
    app.get("/api/v1/postcodes/1000").await;
    let text = app.metrics().await;
    assert!(
        text.contains(
            r#"http_requests_total{method="GET",route="/api/v1/postcodes/{pc4}",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(text.contains(
        r#"http_requests_total{method="GET",route="/api/v1/postcodes/{pc4}",status="404"} 1"#
    ));
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(
        text.contains(r#"db_pool_connections{state="max"} 8"#),
        "{text}"
    );
}

// The build lock is held across the wait on purpose: it stands for a build under way, and
// nothing on this test's thread takes it.
#[allow(clippy::await_holding_lock)]
#[actix_web::test]
async fn an_instance_is_not_ready_until_its_offer_index_is_built_and_searches_wait_for_one_build() {
    use crate::{
        help_requests::{request_body, with},
        offers::{offer_body, post_offer},
    };
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let categories = ["boodschappen", "vervoer", "klussen"];
    let offer = with(offer_body(), "categories", json!(categories));
    post_offer(&app, &vera, &with(offer, "capacity", json!(3))).await;
    let anna = app.resident().await;
    let live = app.state.live_offers.clone();
    let builds = live.builds();
    assert!(builds >= 1, "built once at start");

    // An instance whose index is not there yet, as right after start.
    let held = live.unload_and_hold();
    let busy = app.get("/readyz").await;
    assert_eq!(busy.headers()["retry-after"], "5");
    problem(busy, 503).await;
    // New requests posted meanwhile wait for the index, and so does the background refresh
    // (every 2 s), instead of each building one of its own.
    let posts: Vec<_> = categories
        .iter()
        .map(|category| {
            let body = with(request_body(), "category", json!(category));
            let request = app
                .client
                .post(app.url("/api/v1/help-requests"))
                .bearer_auth(&anna.token)
                .json(&body);
            actix_web::rt::spawn(async move { request.send().await.expect("request sent") })
        })
        .collect();
    // Each of them waits for the build lock on a pooled connection of its own: wait until the
    // three posts and the refresh are all waiting (at most 10 s), then let the build go.
    let mut waiting = 0;
    for _ in 0..200 {
        let pool = app.state.pool.state();
        waiting = pool.connections - pool.idle_connections;
        if waiting >= 4 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        waiting >= 4,
        "the three posts and the refresh should wait for the index; {waiting} connections in use"
    );
    drop(held);
    let mut answers = Vec::new();
    for post in posts {
        answers.push(post.await.expect("the request task"));
    }
    let mut statuses = Vec::new();
    for answer in answers {
        statuses.push(json_with_status(answer, 201).await["status"].clone());
    }
    assert_eq!(statuses, vec![json!("proposed"); 3], "each found Vera");
    assert_eq!(live.builds(), builds + 1, "one build for all who waited");
    json_with_status(app.get("/readyz").await, 200).await;
    let metrics = app.metrics().await;
    assert!(
        metrics.contains(&format!("offer_index_builds {}", builds + 1)),
        "{metrics}"
    );
}

#[actix_web::test]
async fn unknown_routes_are_problem_json_404() {
    let app = TestApp::spawn().await;
    problem(app.get("/api/v1/does-not-exist").await, 404).await;
    problem(app.get("/").await, 404).await;
}

#[actix_web::test]
async fn an_exhausted_database_pool_answers_503_with_retry_after() {
    let app = TestApp::spawn_with(|s| {
        s.db_pool_size = Some(1);
        s.db_timeout_ms = 300;
    })
    .await;
    let pool = app.state.pool.clone();
    let held =
        actix_web::rt::task::spawn_blocking(move || pool.get().expect("the only connection"))
            .await
            .unwrap();
    let busy = app.get("/readyz").await;
    assert_eq!(busy.headers()["retry-after"], "5");
    problem(busy, 503).await;
    drop(held);
    json_with_status(app.get("/readyz").await, 200).await;
}

#[test]
fn a_mistyped_database_url_stops_start_up_naming_the_setting_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hulpmarkt"))
        .current_dir(dir.path())
        .env("DATABASE_URL", "postgress://x")
        .env("HULPMARKT_BIND", "127.0.0.1:0")
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file created"
    );
}

#[test]
fn help_explains_every_setting() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hulpmarkt"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for setting in [
        "DATABASE_URL",
        "HULPMARKT_BIND",
        "HULPMARKT_LOG",
        "HULPMARKT_LOG_FORMAT",
        "HULPMARKT_JWT_SECRET",
        "HULPMARKT_SQLITE_SYNCHRONOUS",
        "HULPMARKT_BODY_LIMIT",
    ] {
        assert!(help.contains(setting), "--help mentions {setting}");
    }
    for command in ["serve", "migrate"] {
        assert!(help.contains(command), "--help mentions {command}");
    }
}

/// Ends every server session of the test database but the caller's (as a PostgreSQL
/// restart or failover does to the service's pooled connections); how many were ended.
fn end_server_sessions(admin_url: &str, database: &str) -> usize {
    use diesel::{sql_types::Bool, Connection, PgConnection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Ended {
        #[diesel(sql_type = Bool)]
        ended: bool,
    }
    let mut admin = PgConnection::establish(admin_url).expect("admin connection");
    let ended: Vec<Ended> = diesel::sql_query(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind::<diesel::sql_types::Text, _>(database)
    .load(&mut admin)
    .expect("terminate sessions");
    ended.iter().filter(|e| e.ended).count()
}

/// PostgreSQL can drop the service's connections under it (a restart, a failover). A pooled
/// connection idle for longer than its proof is tested before it is handed out, so nobody
/// meets a dead one; one proven a moment before the loss fails its one request with 503
/// (never 500) and leaves the pool. Either way the service carries on by itself.
#[actix_web::test]
async fn connections_the_database_dropped_are_replaced() {
    let app = TestApp::spawn().await;
    let crate::helpers::TestDatabase::Postgres { admin_url, name } = &app.db else {
        eprintln!("connections_the_database_dropped_are_replaced: checks PostgreSQL only");
        return;
    };
    let user = app.resident().await;
    let me = |app: &TestApp| {
        let token = user.token.clone();
        let url = app.url("/api/v1/me");
        let client = app.client.clone();
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("request sent")
                .status()
                .as_u16()
        }
    };
    for _ in 0..4 {
        assert_eq!(me(&app).await, 200);
    }

    // Idle past the proof: every check-out tests, so not one request fails.
    // Kept: lets the pool's connections sit idle a while; there is no condition to await.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(
        end_server_sessions(admin_url, name) >= 1,
        "the pool had sessions"
    );
    for i in 0..20 {
        assert_eq!(me(&app).await, 200, "request {i} after the sessions ended");
    }

    // Just proven: a request may meet a dead connection once, with 503, which then leaves.
    assert_eq!(me(&app).await, 200);
    let ended = end_server_sessions(admin_url, name);
    assert!(ended >= 1);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(me(&app).await);
    }
    assert!(
        statuses.iter().all(|s| [200, 503].contains(s)),
        "only 200 or 503: {statuses:?}"
    );
    let failed = statuses.iter().filter(|&&s| s == 503).count();
    assert!(
        failed <= ended,
        "at most one request per ended session: {statuses:?}"
    );
    assert!(statuses[10..].iter().all(|&s| s == 200), "{statuses:?}");
}
