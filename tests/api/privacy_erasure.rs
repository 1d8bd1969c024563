//! Privacy: erasure leaves nothing of the person in any column of any table and keeps the
//! statistics, and an erasure through another instance voids the token after the reload.

use std::collections::BTreeSet;

use diesel::{prelude::*, sql_types::Text};
use hulpmarkt::db::{
    schema::{audit_log, cases, help_requests, users},
    DbConnection,
};
use serde_json::json;

use crate::{
    help_requests::request_body,
    helpers::{json_with_status, problem, TestApp, TestUser},
    offers::offer_body,
    privacy::{seed, with_conn},
};

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    value: Option<String>,
}

/// Every value of every column of every table, as text, with where it was found. The tables
/// and columns come from the live database, so a table added later is searched too.
fn every_value(conn: &mut DbConnection) -> Vec<(String, String)> {
    macro_rules! dump {
        ($conn:expr, $columns:expr) => {{
            let columns: Vec<ColumnName> = diesel::sql_query($columns).load($conn).unwrap();
            assert!(columns.len() > 50, "the schema was enumerated");
            let mut out = Vec::new();
            for c in columns {
                let sql = format!(
                    "SELECT CAST(\"{}\" AS TEXT) AS value FROM \"{}\"",
                    c.column_name, c.table_name
                );
                let cells: Vec<Cell> = diesel::sql_query(sql).load($conn).unwrap();
                let place = format!("{}.{}", c.table_name, c.column_name);
                out.extend(
                    cells
                        .into_iter()
                        .filter_map(|cell| cell.value.map(|v| (place.clone(), v))),
                );
            }
            out
        }};
    }
    match conn {
        DbConnection::Sqlite(c) => dump!(
            c,
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        ),
        DbConnection::Pg(c) => dump!(
            c,
            "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema()"
        ),
    }
}

/// Where each of `needles` occurs in the database.
async fn find_anywhere(app: &TestApp, needles: &[String]) -> Vec<String> {
    let needles = needles.to_vec();
    with_conn(app, move |conn| {
        let values = every_value(conn);
        let mut found = Vec::new();
        for needle in &needles {
            for (place, value) in &values {
                if value.contains(needle.as_str()) {
                    found.push(format!("{needle:?} in {place}"));
                }
            }
        }
        found
    })
    .await
}

/// Requests per domain, category and PC4: what the municipality's statistics count.
async fn request_counts(app: &TestApp) -> Vec<(String, String, String, i64)> {
    with_conn(app, |conn| {
        help_requests::table
            .group_by((
                help_requests::domain,
                help_requests::category,
                help_requests::pc4,
            ))
            .select((
                help_requests::domain,
                help_requests::category,
                help_requests::pc4,
                diesel::dsl::count_star(),
            ))
            .order((help_requests::domain, help_requests::category))
            .load(conn)
            .unwrap()
    })
    .await
}

async fn erase(app: &TestApp, user: &TestUser, password: &str) -> reqwest::Response {
    app.client
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&user.token)
        .json(&json!({"password": password}))
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn erasure_leaves_nothing_of_the_person_anywhere_and_keeps_the_statistics() {
    let app = TestApp::spawn().await;
    let w = seed(&app).await;
    // The search finds every datum before the erasure (the password is only ever hashed).
    let stored: Vec<String> = w.anna_texts[..w.anna_texts.len() - 1].to_vec();
    let found = find_anywhere(&app, &stored).await;
    for datum in &stored {
        assert!(
            found.iter().any(|f| f.starts_with(&format!("{datum:?}"))),
            "{datum} should be stored before erasure; found {found:?}"
        );
    }
    let counts_before = request_counts(&app).await;

    problem(
        erase(&app, &w.anna.user, "Niet-het-wachtwoord-1").await,
        403,
    )
    .await;
    let report =
        json_with_status(erase(&app, &w.anna.user, &w.anna.user.password).await, 200).await;
    assert_eq!(report["help_requests_anonymised"], 2, "{report}");
    assert_eq!(report["help_requests_cancelled"], 2, "{report}");
    assert_eq!(report["offers_withdrawn"], 1, "{report}");
    assert_eq!(report["matches_ended"], 2, "{report}");
    assert_eq!(report["cases_closed"], 1, "{report}");
    assert!(
        report["sessions_revoked"].as_u64().unwrap() >= 1,
        "{report}"
    );

    // Nothing of Anna in any column of any table.
    let left = find_anywhere(&app, &w.anna_texts).await;
    assert!(
        left.is_empty(),
        "personal data left after erasure: {left:?}"
    );
    let (email, erased_at, hash) = {
        let id = w.anna.user.id.clone();
        with_conn(&app, move |conn| {
            users::table
                .find(id)
                .select((users::email, users::erased_at, users::password_hash))
                .first::<(String, Option<chrono::NaiveDateTime>, String)>(conn)
                .unwrap()
        })
        .await
    };
    assert!(
        email.starts_with("erased-") && email.ends_with("@invalid"),
        "{email}"
    );
    assert!(erased_at.is_some());
    assert!(!hash.starts_with("$argon2"));

    // The statistics still count her requests by domain, category and PC4.
    assert_eq!(request_counts(&app).await, counts_before);

    // The other sides see their match ended, and Bob's request waits for someone else.
    let vera_view = json_with_status(
        app.get_as(
            &format!("/api/v1/matches/{}", w.accepted_match),
            &w.vera.user.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(vera_view["status"], "cancelled");
    assert!(vera_view["contact"].is_null());
    assert_eq!(vera_view["request"]["title"], "[geanonimiseerd]");
    let bob_view = json_with_status(
        app.get_as(
            &format!("/api/v1/matches/{}", w.open_proposal),
            &w.bob.user.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(bob_view["status"], "withdrawn");
    let bob_request = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{}", w.bob_requests[1]),
            &w.bob.user.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(bob_request["status"], "open");
    assert!(bob_request["title"]
        .as_str()
        .unwrap()
        .contains(&w.bob_texts[2]));

    // Why, in the audit trail (there is no notification channel yet).
    let ended: Vec<String> = with_conn(&app, |conn| {
        audit_log::table
            .filter(audit_log::action.eq("match.cancelled_by_erasure"))
            .select(audit_log::object_id)
            .load(conn)
            .unwrap()
    })
    .await;
    assert_eq!(
        ended.iter().collect::<BTreeSet<_>>(),
        [&w.accepted_match, &w.open_proposal]
            .into_iter()
            .collect::<BTreeSet<_>>()
    );
    let case_status: (String, Option<String>) = {
        let id = w.case_id.clone();
        with_conn(&app, move |conn| {
            cases::table
                .find(id)
                .select((cases::status, cases::outcome))
                .first(conn)
                .unwrap()
        })
        .await
    };
    assert_eq!(case_status, ("resolved".into(), Some("closed".into())));

    // Her access token, still unexpired, can do nothing any more; nor can her password or
    // refresh token.
    let token = &w.anna.user.token;
    for path in [
        "/api/v1/me",
        "/api/v1/me/export",
        "/api/v1/help-requests",
        "/api/v1/offers",
        "/api/v1/matches",
    ] {
        problem(app.get_as(path, token).await, 401).await;
    }
    problem(
        app.post_json("/api/v1/help-requests", &request_body(), Some(token))
            .await,
        401,
    )
    .await;
    problem(
        app.post_json("/api/v1/offers", &offer_body(), Some(token))
            .await,
        401,
    )
    .await;
    problem(
        app.post_json(
            &format!("/api/v1/matches/{}/complete", w.accepted_match),
            &json!({}),
            Some(token),
        )
        .await,
        401,
    )
    .await;
    problem(erase(&app, &w.anna.user, &w.anna.user.password).await, 401).await;
    problem(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": w.anna.user.email, "password": w.anna.user.password}),
            None,
        )
        .await,
        401,
    )
    .await;
    problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": w.anna.user.refresh_token}),
            None,
        )
        .await,
        401,
    )
    .await;
    // The others are untouched.
    json_with_status(app.get_as("/api/v1/me", &w.bob.user.token).await, 200).await;
    let _ = &w.anna_offer;
}

/// What the background reload of the erased accounts does every 2 s, done now.
async fn reload_erasures(app: &TestApp) {
    let erased = app.state.erased_accounts.clone();
    app.run_workflow(move |conn, now, _| erased.refresh(conn, now))
        .await;
}

/// Another instance on the same database erases an account: this instance refuses the
/// account's access token once it has reloaded the erasures (every 2 s in service), and an
/// account erased here is refused at once, with the set loaded and nothing asked of the
/// database.
#[actix_web::test]
async fn an_erasure_through_another_instance_voids_the_token_after_the_reload() {
    let app = TestApp::spawn().await;
    let (anna, bram) = (app.resident().await, app.resident().await);
    reload_erasures(&app).await;
    let anna_id = hulpmarkt::domain::UserId::parse(&anna.id).expect("a user id");
    assert_eq!(app.state.erased_accounts.is_erased(&anna_id), Some(false));
    json_with_status(app.get_as("/api/v1/me", &anna.token).await, 200).await;

    let id = anna_id.clone();
    let erased = app
        .run_workflow(move |conn, now, _| Ok(hulpmarkt::db::privacy::erase_user(conn, &id, now)?))
        .await;
    assert!(erased, "the other instance erased the account");
    reload_erasures(&app).await;
    assert_eq!(app.state.erased_accounts.is_erased(&anna_id), Some(true));
    problem(app.get_as("/api/v1/me", &anna.token).await, 401).await;
    // The other resident is untouched.
    json_with_status(app.get_as("/api/v1/me", &bram.token).await, 200).await;
}
