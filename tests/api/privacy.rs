//! Privacy by design (AVG): erasure leaves nothing of the person in any column of any table,
//! the export holds every row linked to the person, retention anonymises only what is past
//! the period, and the logs of a whole scenario hold no secret or personal datum.

use std::collections::BTreeSet;

use diesel::{prelude::*, sql_types::Text};
use hulpmarkt::db::{
    schema::{audit_log, case_notes, cases, help_requests, matches, users},
    DbConnection,
};
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

/// A registered person whose every datum is unique, so a search can find it anywhere.
struct Person {
    user: TestUser,
    phone: String,
}

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

async fn person(app: &TestApp, first_name: &str, roles: &[&str]) -> Person {
    let n = unique();
    let email = format!("{}-{n}@example.nl", first_name.to_lowercase());
    let name = format!("{first_name} {}", &n[..8]);
    let password = format!("Geheim-{n}-zin");
    let digits: u64 = u64::from_str_radix(&n[..7], 16).unwrap_or(1) % 10_000_000;
    let phone = format!("+3161{digits:07}");
    let body = json!({"email": email, "password": password, "display_name": name,
        "roles": roles, "phone": phone});
    let created = json_with_status(
        app.post_json("/api/v1/auth/register", &body, None).await,
        201,
    )
    .await;
    let (token, refresh_token) = app.login(&email, &password).await;
    Person {
        user: TestUser {
            id: created["id"].as_str().unwrap().to_owned(),
            email,
            password,
            name,
            token,
            refresh_token,
        },
        phone,
    }
}

/// Runs `work` on a pooled connection off the async runtime.
async fn with_conn<T: Send + 'static>(
    app: &TestApp,
    work: impl FnOnce(&mut DbConnection) -> T + Send + 'static,
) -> T {
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        work(&mut conn)
    })
    .await
    .unwrap()
}

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

async fn act(app: &TestApp, token: &str, match_id: &str, verb: &str, body: Value) -> Value {
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{match_id}/{verb}"),
            &body,
            Some(token),
        )
        .await,
        200,
    )
    .await
}

async fn live_match_of(app: &TestApp, token: &str, request_id: &str) -> String {
    let list = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{request_id}/matches"),
            token,
        )
        .await,
        200,
    )
    .await;
    let live = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "proposed" || m["status"] == "accepted")
        .unwrap_or_else(|| panic!("no live match: {list}"));
    live["id"].as_str().unwrap().to_owned()
}

/// Inserts a case of `request_id` with a resolution note and one case-worker note, as the
/// fallback would; returns the case id.
async fn insert_case(
    app: &TestApp,
    request_id: &str,
    case_worker: &str,
    status: &str,
    note: &str,
    resolution_note: &str,
) -> String {
    let (case_id, request_id, worker) = (
        uuid::Uuid::new_v4().to_string(),
        request_id.to_owned(),
        case_worker.to_owned(),
    );
    let (note, resolution_note, status) = (
        note.to_owned(),
        resolution_note.to_owned(),
        status.to_owned(),
    );
    let now = app.state.clock.now_naive();
    let id = case_id.clone();
    with_conn(app, move |conn| {
        let resolved = status == "resolved";
        // Escalating through the API already opened a case for the request: replace it with
        // the one this test describes (one unresolved case per request at a time).
        diesel::delete(cases::table.filter(cases::request_id.eq(&request_id)))
            .execute(conn)
            .unwrap();
        diesel::insert_into(cases::table)
            .values((
                cases::id.eq(&id),
                cases::request_id.eq(&request_id),
                cases::municipality_code.eq("GM0344"),
                cases::reason.eq("resident_request"),
                cases::status.eq(&status),
                cases::assigned_to.eq(Some(&worker)),
                cases::outcome.eq(resolved.then_some("closed")),
                cases::outcome_detail.eq(resolved.then_some(format!("{resolution_note} (reden)"))),
                cases::resolution_note.eq(Some(&resolution_note)),
                cases::opened_at.eq(now),
                cases::claimed_at.eq(Some(now)),
                cases::resolved_at.eq(resolved.then_some(now)),
                cases::updated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(case_notes::table)
            .values((
                case_notes::id.eq(uuid::Uuid::new_v4().to_string()),
                case_notes::case_id.eq(&id),
                case_notes::author_id.eq(Some(&worker)),
                case_notes::body.eq(&note),
                case_notes::created_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    case_id
}

/// The seeded world of the erasure and export tests: Anna is resident and volunteer, with
/// two requests (one matched to Vera, one escalated with a case), and an offer that got a
/// proposal for each of Bob's two requests (she declined the first).
struct World {
    anna: Person,
    vera: Person,
    bob: Person,
    anna_requests: Vec<String>,
    anna_offer: String,
    anna_texts: Vec<String>,
    bob_requests: Vec<String>,
    bob_texts: Vec<String>,
    /// Anna's request matched to Vera (accepted).
    accepted_match: String,
    /// Bob's second request, proposed to Anna.
    open_proposal: String,
    /// Every match linked to Anna.
    anna_matches: Vec<String>,
    case_id: String,
}

async fn seed(app: &TestApp) -> World {
    let vera = person(app, "Vera", &["volunteer"]).await;
    let anna = person(app, "Anna", &["resident", "volunteer"]).await;
    let bob = person(app, "Bob", &["resident"]).await;
    let worker = app.case_worker("GM0344").await;
    let n = unique();
    let texts: Vec<String> = (0..8).map(|i| format!("privé-{i}-{n}")).collect();
    post_offer(app, &vera.user, &offer_body()).await;

    // Anna's first request goes to Vera, who accepts.
    let r1 = post_request(
        app,
        &anna.user,
        &with(
            with(
                request_body(),
                "title",
                json!(format!("Boodschappen {}", texts[0])),
            ),
            "description",
            json!(format!("Na mijn heupoperatie {}", texts[1])),
        ),
    )
    .await;
    let r1 = r1["id"].as_str().unwrap().to_owned();
    let accepted_match = live_match_of(app, &anna.user.token, &r1).await;
    act(app, &vera.user.token, &accepted_match, "accept", json!({})).await;

    // Her second request has no candidate; she asks the municipality, which opens a case.
    let r2 = post_request(
        app,
        &anna.user,
        &with(
            with(
                with(request_body(), "category", json!("klussen")),
                "title",
                json!(format!("Lamp ophangen {}", texts[2])),
            ),
            "description",
            json!(format!("Ik woon alleen {}", texts[3])),
        ),
    )
    .await;
    let r2 = r2["id"].as_str().unwrap().to_owned();
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{r2}/escalate"),
            &json!({}),
            Some(&anna.user.token),
        )
        .await,
        200,
    )
    .await;
    let case_id = insert_case(
        app,
        &r2,
        &worker.id,
        "in_progress",
        &format!("Gebeld met mevrouw {}", texts[4]),
        &format!("Voorlopig besluit {}", texts[5]),
    )
    .await;

    // Anna volunteers in the garden; Bob's first request is proposed to her, she declines
    // with a reason, and his second one waits for her answer.
    let mut garden = offer_body();
    garden["categories"] = json!(["tuin"]);
    garden["postcode"] = json!("3512");
    garden["note"] = json!(format!("Ik heb een grasmaaier {}", texts[6]));
    let anna_offer = post_offer(app, &anna.user, &garden).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_texts: Vec<String> = (0..4).map(|i| format!("bob-{i}-{}", unique())).collect();
    let mut bob_requests = Vec::new();
    let mut bob_matches = Vec::new();
    for i in 0..2 {
        let body = with(
            with(
                with(request_body(), "category", json!("tuin")),
                "title",
                json!(format!("Heg snoeien {}", bob_texts[2 * i])),
            ),
            "description",
            json!(format!("Mijn rug {}", bob_texts[2 * i + 1])),
        );
        let id = post_request(app, &bob.user, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let m = live_match_of(app, &bob.user.token, &id).await;
        if i == 0 {
            act(
                app,
                &anna.user.token,
                &m,
                "decline",
                json!({"reason": format!("Geen tijd {}", texts[7])}),
            )
            .await;
        }
        bob_requests.push(id);
        bob_matches.push(m);
    }
    let open_proposal = bob_matches[1].clone();
    let mut anna_matches = vec![accepted_match.clone()];
    anna_matches.extend(bob_matches);
    let mut anna_texts = texts;
    anna_texts.extend([
        anna.user.email.clone(),
        anna.user.name.clone(),
        anna.phone.clone(),
        anna.user.password.clone(),
    ]);
    World {
        anna,
        vera,
        bob,
        anna_requests: vec![r1, r2],
        anna_offer,
        anna_texts,
        bob_requests,
        bob_texts,
        accepted_match,
        open_proposal,
        anna_matches,
        case_id,
    }
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

#[actix_web::test]
async fn the_export_holds_every_row_linked_to_the_person_and_nothing_of_others_before_acceptance() {
    let app = TestApp::spawn().await;
    let w = seed(&app).await;
    let response = app.get_as("/api/v1/me/export", &w.anna.user.token).await;
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(response.headers()["cache-control"], "no-store");
    let text = response.text().await.unwrap();
    let export: Value = serde_json::from_str(&text).unwrap();
    let ids = |key: &str| -> BTreeSet<String> {
        export[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} in {export}"))
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(export["format"], "hulpmarkt-export/1");
    assert_eq!(export["account"]["id"], w.anna.user.id.as_str());
    assert_eq!(export["account"]["email"], w.anna.user.email.as_str());
    assert_eq!(export["account"]["phone"], w.anna.phone.as_str());
    assert_eq!(
        ids("help_requests"),
        w.anna_requests.iter().cloned().collect()
    );
    assert_eq!(ids("offers"), BTreeSet::from([w.anna_offer.clone()]));
    assert_eq!(ids("matches"), w.anna_matches.iter().cloned().collect());
    assert_eq!(ids("cases"), BTreeSet::from([w.case_id.clone()]));
    assert_eq!(export["cases"][0]["note_count"], 1);
    assert!(export["case_notes_notice"]
        .as_str()
        .unwrap()
        .contains("15(4)"));
    assert!(export["offers"][0]["categories"] == json!(["tuin"]));
    // Every audit entry about her or her objects, compared with the log itself.
    let mut objects = vec![
        w.anna.user.id.clone(),
        w.anna_offer.clone(),
        w.case_id.clone(),
    ];
    objects.extend(w.anna_requests.iter().cloned());
    objects.extend(w.anna_matches.iter().cloned());
    let me = w.anna.user.id.clone();
    let expected: usize = with_conn(&app, move |conn| {
        audit_log::table
            .filter(
                audit_log::actor_id
                    .eq(&me)
                    .or(audit_log::object_id.eq_any(&objects)),
            )
            .count()
            .get_result::<i64>(conn)
            .unwrap() as usize
    })
    .await;
    assert!(expected >= 1, "the escalation was audited");
    assert_eq!(export["audit"].as_array().unwrap().len(), expected);
    assert!(export["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "help_request.escalate" && a["by_you"] == true));
    let sessions = export["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].get("token_hash").is_none());

    // Her own texts are in it; the case worker's notes and her password hash are not.
    for datum in &w.anna_texts[..4] {
        assert!(text.contains(datum.as_str()), "{datum} missing from export");
    }
    assert!(text.contains(&w.anna_texts[6]), "offer note");
    assert!(!text.contains(&w.anna_texts[4]), "case note body");
    assert!(!text.contains("$argon2"));
    // Bob's second request is only proposed to her: she sees its title, not his description
    // nor his contact details. Vera accepted her request: there Vera's contact shows.
    assert!(!text.contains(&w.bob_texts[3]));
    assert!(!text.contains(&w.bob.user.email));
    assert!(!text.contains(&w.bob.phone));
    assert!(text.contains(&w.vera.user.email));
    // Someone else's export holds nothing of hers.
    let bob_export = app
        .get_as("/api/v1/me/export", &w.bob.user.token)
        .await
        .text()
        .await
        .unwrap();
    assert!(!bob_export.contains(&w.anna.user.email));
    assert!(!bob_export.contains(&w.anna_texts[1]));
}

#[actix_web::test]
async fn retention_anonymises_only_what_finished_before_the_period() {
    let app = TestApp::spawn().await;
    let vera = person(&app, "Vera", &["volunteer"]).await;
    let anna = person(&app, "Anna", &["resident"]).await;
    let worker = app.case_worker("GM0344").await;
    post_offer(&app, &vera.user, &offer_body()).await;
    let post = |title: &str, category: &str| {
        with(
            with(request_body(), "title", json!(title)),
            "category",
            json!(category),
        )
    };
    // Finished thirteen months ago: a cancelled request with a withdrawn proposal and a
    // resolved case.
    let old = post_request(&app, &anna.user, &post("Oud verzoek", "boodschappen")).await;
    let old = old["id"].as_str().unwrap().to_owned();
    let old_match = live_match_of(&app, &anna.user.token, &old).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{old}/cancel"),
            &json!({}),
            Some(&anna.user.token),
        )
        .await,
        200,
    )
    .await;
    let old_case = insert_case(
        &app,
        &old,
        &worker.id,
        "resolved",
        "oude notitie",
        "oud besluit",
    )
    .await;
    app.clock.advance(chrono::Duration::days(7 * 30));
    // Finished six months ago, and one still open.
    let recent = post_request(&app, &anna.user, &post("Recent verzoek", "klussen")).await;
    let recent = recent["id"].as_str().unwrap().to_owned();
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{recent}/cancel"),
            &json!({}),
            Some(&anna.user.token),
        )
        .await,
        200,
    )
    .await;
    let recent_case = insert_case(
        &app,
        &recent,
        &worker.id,
        "resolved",
        "nieuwe notitie",
        "nieuw besluit",
    )
    .await;
    let open = post_request(&app, &anna.user, &post("Lopend verzoek", "tuin")).await;
    let open = open["id"].as_str().unwrap().to_owned();
    app.clock.advance(chrono::Duration::days(6 * 30 + 5));

    let now = app.state.clock.now_naive();
    let months = app.state.settings.retention_months;
    assert_eq!(months, 12, "the default retention period");
    let retain = move |conn: &mut DbConnection| {
        hulpmarkt::db::write_transaction(conn, |conn| {
            hulpmarkt::services::privacy::apply_retention(conn, now, months)
        })
        .unwrap()
    };
    let changed = with_conn(&app, retain).await;
    assert!(changed >= 3, "request, its match and its case: {changed}");
    assert_eq!(
        with_conn(&app, retain).await,
        0,
        "a second run changes nothing"
    );

    let rows: Vec<(String, String, String, Option<String>)> = with_conn(&app, |conn| {
        help_requests::table
            .select((
                help_requests::id,
                help_requests::title,
                help_requests::description,
                help_requests::requester_id,
            ))
            .load(conn)
            .unwrap()
    })
    .await;
    for (id, title, description, requester) in rows {
        if id == old {
            assert_eq!(
                (title.as_str(), description.as_str(), requester),
                ("[geanonimiseerd]", "[geanonimiseerd]", None)
            );
        } else {
            assert!(id == recent || id == open);
            assert!(title.ends_with("verzoek"), "{title}");
            assert_eq!(requester.as_deref(), Some(anna.user.id.as_str()));
        }
    }
    let match_volunteer: Option<String> = with_conn(&app, move |conn| {
        matches::table
            .find(old_match)
            .select(matches::volunteer_id)
            .first(conn)
            .unwrap()
    })
    .await;
    assert_eq!(match_volunteer, None);
    let notes: Vec<(String, String)> = with_conn(&app, |conn| {
        case_notes::table
            .select((case_notes::case_id, case_notes::body))
            .load(conn)
            .unwrap()
    })
    .await;
    for (case_id, body) in notes {
        if case_id == old_case {
            assert_eq!(body, "[geanonimiseerd]");
        } else {
            assert_eq!(case_id, recent_case);
            assert_eq!(body, "nieuwe notitie");
        }
    }
    let resolution: Vec<(String, Option<String>, Option<String>)> = with_conn(&app, |conn| {
        cases::table
            .select((cases::id, cases::resolution_note, cases::outcome))
            .load(conn)
            .unwrap()
    })
    .await;
    for (id, note, outcome) in resolution {
        assert_eq!(outcome.as_deref(), Some("closed"), "the outcome stays");
        assert_eq!(note.is_none(), id == old_case, "{id}");
    }
    // The account stays; the old request is simply no longer hers.
    let list = json_with_status(
        app.get_as("/api/v1/help-requests", &anna.user.token).await,
        200,
    )
    .await;
    assert_eq!(list["total"], 2);
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
