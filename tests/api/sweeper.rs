//! The sweeper's lock: on PostgreSQL only one instance sweeps at a time (an advisory lock);
//! on SQLite (one process, one writer) no lock is needed and the sweep always runs.

use diesel::{sql_types::BigInt, Connection, PgConnection, QueryableByName, RunQueryDsl};
use hulpmarkt::services::sweeper::SWEEP_LOCK_KEY;

use crate::{
    cases::{amsterdam_request, sweep},
    help_requests::post_request,
    helpers::{json_with_status, TestApp},
};

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

fn advisory(conn: &mut PgConnection, function: &str) -> bool {
    diesel::sql_query(format!("SELECT {function}($1) AS locked"))
        .bind::<BigInt, _>(SWEEP_LOCK_KEY)
        .get_result::<Locked>(conn)
        .unwrap()
        .locked
}

#[actix_web::test]
async fn only_one_instance_sweeps_at_a_time() {
    let app = TestApp::spawn().await;
    // Amsterdam has a case worker: the municipality is the fallback there.
    let _worker = app.case_worker("GM0363").await;
    let anna = app.resident().await;
    let request = post_request(&app, &anna, &amsterdam_request()).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let status = |app: &TestApp| {
        let (app_url, token) = (
            app.url(&format!("/api/v1/help-requests/{id}")),
            anna.token.clone(),
        );
        let client = app.client.clone();
        async move {
            let body = json_with_status(
                client.get(app_url).bearer_auth(token).send().await.unwrap(),
                200,
            )
            .await;
            body["status"].as_str().unwrap().to_owned()
        }
    };
    app.clock.advance(chrono::Duration::hours(49));

    match app.state.backend {
        "postgres" => {
            // Another instance holds the lock on its own session.
            let mut other = PgConnection::establish(&app.state.settings.database_url).unwrap();
            assert!(advisory(&mut other, "pg_try_advisory_lock"));
            let skipped = sweep(&app).await;
            assert!(!skipped.ran, "{skipped:?}");
            assert_eq!(skipped.lock, "held_elsewhere");
            assert_eq!((skipped.expired, skipped.escalated), (0, 0));
            assert_eq!(status(&app).await, "open", "nothing changed while skipped");

            assert!(advisory(&mut other, "pg_advisory_unlock"));
            let ran = sweep(&app).await;
            assert!(ran.ran);
            assert_eq!(ran.lock, "advisory");
            assert_eq!(ran.escalated, 1);
            assert_eq!(status(&app).await, "escalated");
            // The sweep released the lock afterwards: another instance can take it again.
            assert!(advisory(&mut other, "pg_try_advisory_lock"));
            assert!(advisory(&mut other, "pg_advisory_unlock"));
        }
        "sqlite" => {
            let ran = sweep(&app).await;
            assert!(ran.ran);
            assert_eq!(ran.lock, "not_needed");
            assert_eq!(ran.escalated, 1);
            assert_eq!(status(&app).await, "escalated");
            let again = sweep(&app).await;
            assert!(again.ran);
            assert_eq!(again.escalated, 0, "a sweep escalates a request once");
        }
        other => panic!("unknown backend {other}"),
    }
}
