//! Staff who leave or move: an admin lists a municipality's case workers and admins,
//! deactivates one (signed out everywhere, their cases back in the queue), reactivates them,
//! and moves a case worker to another municipality; the operator can do the same from the
//! command line. Every step is audited.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::{
    cases::{act, audit_actions, case_for, queue, read_case},
    help_requests::{post_request, request_body},
    helpers::{json_with_status, problem, problem_naming, test_settings, TestApp, TestUser},
};

/// The audit entries about user `id`: (action, actor role, detail), oldest first.
pub async fn user_audit(app: &TestApp, id: &str) -> Vec<(String, String, Option<String>)> {
    use hulpmarkt::db::schema::audit_log;
    let (state, id) = (app.state.clone(), id.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        audit_log::table
            .filter(audit_log::object_type.eq("user"))
            .filter(audit_log::object_id.eq(id))
            .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
            .select((audit_log::action, audit_log::actor_role, audit_log::detail))
            .load::<(String, String, Option<String>)>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

/// How many account tokens (reset or verification links) `id` has.
async fn live_tokens(app: &TestApp, id: &str) -> i64 {
    use hulpmarkt::db::schema::account_tokens;
    let (state, id) = (app.state.clone(), id.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        account_tokens::table
            .filter(account_tokens::user_id.eq(id))
            .count()
            .get_result(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

async fn status_at(app: &TestApp, base: &str, token: &str) -> u16 {
    app.client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Waits up to 5 s for `base` to refuse `token` (its erased-accounts set reloads every 2 s).
async fn refused_within_seconds(app: &TestApp, base: &str, token: &str) -> bool {
    for _ in 0..50 {
        if status_at(app, base, token).await == 401 {
            return true;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// A second instance on the app's database, serving; returns its base URL.
pub fn second_instance(app: &TestApp) -> String {
    let second = hulpmarkt::startup::Application::build_with_clock(
        test_settings(&app.database_url),
        std::sync::Arc::new(app.clock.clone()),
    )
    .expect("a second instance builds");
    let base = format!("http://127.0.0.1:{}", second.port());
    actix_web::rt::spawn(second.run_until_stopped());
    base
}

/// A Utrecht request escalated by its resident and claimed by `worker`; returns the case id.
async fn claimed_case(app: &TestApp, worker: &TestUser) -> String {
    let resident = app.resident().await;
    let request = post_request(app, &resident, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let escalate = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&resident.token),
        )
        .await;
    assert!(escalate.status().is_success(), "{}", escalate.status());
    let case = case_for(app, worker, id).await;
    let claim = act(app, worker, &case, "claim", json!({})).await;
    json_with_status(claim, 200).await;
    case
}

fn staff_entry<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
}

#[actix_web::test]
async fn a_deactivated_case_worker_is_signed_out_everywhere_and_their_cases_go_back() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let worker = app.case_worker("GM0344").await;
    let colleague = app.case_worker("GM0344").await;
    let elsewhere = app.case_worker("GM0363").await;
    let base = second_instance(&app);
    let case = claimed_case(&app, &worker).await;
    let (_, other_refresh) = app.login(&worker.email, &worker.password).await;
    assert_eq!(status_at(&app, &base, &worker.token).await, 200);

    let list = json_with_status(
        app.get_as("/api/v1/municipalities/GM0344/staff", &admin.token)
            .await,
        200,
    )
    .await;
    let entry = staff_entry(&list, &worker.id).expect("listed");
    assert_eq!(entry["active"], true);
    assert_eq!(entry["roles"], json!(["case_worker"]));
    assert!(staff_entry(&list, &colleague.id).is_some());
    assert!(staff_entry(&list, &elsewhere.id).is_none(), "Amsterdam's");
    problem(
        app.get_as("/api/v1/municipalities/GM0344/staff", &worker.token)
            .await,
        403,
    )
    .await;

    let path = format!("/api/v1/users/{}/deactivate", worker.id);
    problem(
        app.post_json(&path, &json!({}), Some(&worker.token)).await,
        403,
    )
    .await;
    let own = format!("/api/v1/users/{}/deactivate", admin.id);
    problem(
        app.post_json(&own, &json!({}), Some(&admin.token)).await,
        403,
    )
    .await;
    let done = json_with_status(
        app.post_json(&path, &json!({}), Some(&admin.token)).await,
        200,
    )
    .await;
    assert_eq!(done["user"]["active"], false);
    assert_eq!(done["cases_released"], 1);
    problem(
        app.post_json(&path, &json!({}), Some(&admin.token)).await,
        409,
    )
    .await;

    // Signed out here at once and on the other instance within its reload interval.
    assert_eq!(status_at(&app, &app.address, &worker.token).await, 401);
    assert!(refused_within_seconds(&app, &base, &worker.token).await);
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": other_refresh}),
            None,
        )
        .await;
    problem(refresh, 401).await;
    let login = json!({"email": worker.email, "password": worker.password});
    let refused = app.post_json("/api/v1/auth/login", &login, None).await;
    let body = problem(refused, 401).await;
    assert_eq!(
        body["reason"], "unauthorized-wrong-credentials",
        "the answer of a wrong password: {body}"
    );

    // Nor does a password reset bring them back: the same answer, but no link.
    let reset = json!({"email": worker.email});
    let asked = app
        .post_json("/api/v1/auth/password-reset", &reset, None)
        .await;
    assert_eq!(asked.status(), 202);
    assert_eq!(live_tokens(&app, &worker.id).await, 0);

    // The case is back in the queue, for a colleague to claim.
    let back = read_case(&app, &colleague, &case).await;
    assert_eq!(back["status"], "open");
    assert_eq!(back["assigned_to"], Value::Null);
    let trail = audit_actions(&app, &colleague, &case).await;
    assert!(
        trail.contains(&(
            "case.released".to_owned(),
            Some("staff_deactivated".to_owned())
        )),
        "{trail:?}"
    );
    json_with_status(act(&app, &colleague, &case, "claim", json!({})).await, 200).await;

    // Reactivated: they sign in again, but the old tokens stay void.
    let again = format!("/api/v1/users/{}/reactivate", worker.id);
    let active = json_with_status(
        app.post_json(&again, &json!({}), Some(&admin.token)).await,
        200,
    )
    .await;
    assert_eq!(active["active"], true);
    problem(
        app.post_json(&again, &json!({}), Some(&admin.token)).await,
        409,
    )
    .await;
    let (fresh, _) = app.login(&worker.email, &worker.password).await;
    assert_eq!(status_at(&app, &app.address, &fresh).await, 200);
    assert_eq!(status_at(&app, &app.address, &worker.token).await, 401);

    let actions: Vec<(String, String)> = user_audit(&app, &worker.id)
        .await
        .into_iter()
        .map(|(action, role, _)| (action, role))
        .collect();
    assert_eq!(
        actions,
        [
            ("user.deactivated".to_owned(), "admin".to_owned()),
            ("user.reactivated".to_owned(), "admin".to_owned())
        ]
    );
}

#[actix_web::test]
async fn a_case_worker_who_moves_signs_in_again_and_leaves_their_cases_behind() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let worker = app.case_worker("GM0344").await;
    let colleague = app.case_worker("GM0344").await;
    let resident = app.resident().await;
    let case = claimed_case(&app, &worker).await;
    let path = format!("/api/v1/users/{}/municipality", worker.id);

    let bad = app
        .put_json(&path, &json!({"municipality_code": "GM9999"}), &admin.token)
        .await;
    problem_naming(bad, 422, "municipality_code").await;
    let same = app
        .put_json(&path, &json!({"municipality_code": "GM0344"}), &admin.token)
        .await;
    problem(same, 409).await;
    let not_staff = format!("/api/v1/users/{}/municipality", resident.id);
    let move_resident = app
        .put_json(
            &not_staff,
            &json!({"municipality_code": "GM0363"}),
            &admin.token,
        )
        .await;
    problem(move_resident, 404).await;
    let by_worker = app
        .put_json(
            &path,
            &json!({"municipality_code": "GM0363"}),
            &worker.token,
        )
        .await;
    problem(by_worker, 403).await;

    let moved = json_with_status(
        app.put_json(&path, &json!({"municipality_code": "GM0363"}), &admin.token)
            .await,
        200,
    )
    .await;
    assert_eq!(moved["user"]["municipality_code"], "GM0363");
    assert_eq!(moved["cases_released"], 1);
    assert_eq!(status_at(&app, &app.address, &worker.token).await, 401);
    let (token, _) = app.login(&worker.email, &worker.password).await;
    let amsterdam = TestUser {
        token,
        ..worker.clone()
    };
    let theirs = queue(&app, &amsterdam, "").await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != case),
        "Utrecht's case is no longer theirs to see"
    );
    problem(
        app.get_as(&format!("/api/v1/cases/{case}"), &amsterdam.token)
            .await,
        404,
    )
    .await;
    assert_eq!(read_case(&app, &colleague, &case).await["status"], "open");
    let audit = user_audit(&app, &worker.id).await;
    assert_eq!(
        audit,
        [(
            "user.municipality_changed".to_owned(),
            "admin".to_owned(),
            Some("GM0344>GM0363".to_owned())
        )]
    );
}

#[actix_web::test]
async fn the_operator_lists_and_deactivates_staff_from_the_command_line() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hulpmarkt"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("HULPMARKT_LOG", "warn")
            .output()
            .expect("the binary runs")
    };
    let listed = cli(&["admin", "list", "--municipality", "GM0344"]);
    assert!(listed.status.success(), "{listed:?}");
    let out = String::from_utf8_lossy(&listed.stdout).to_string();
    let line = out
        .lines()
        .find(|l| l.contains(&worker.email))
        .unwrap_or_else(|| panic!("listed: {out}"));
    assert_eq!(
        line.split('\t').collect::<Vec<_>>(),
        [
            worker.id.as_str(),
            "GM0344",
            "case_worker",
            "active",
            worker.email.as_str()
        ]
    );

    let done = cli(&[
        "admin",
        "deactivate",
        "--email",
        &worker.email.to_uppercase(),
    ]);
    assert!(done.status.success(), "{done:?}");
    assert!(refused_within_seconds(&app, &app.address, &worker.token).await);
    let listed = cli(&["admin", "list"]);
    let out = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        out.lines()
            .any(|l| l.contains(&worker.email) && l.contains("\tdeactivated\t")),
        "{out}"
    );
    let unknown = cli(&["admin", "deactivate", "--email", "niemand@example.nl"]);
    assert!(!unknown.status.success(), "an unknown address fails");
    assert_eq!(
        user_audit(&app, &worker.id).await,
        [("user.deactivated".to_owned(), "operator".to_owned(), None)]
    );
}
