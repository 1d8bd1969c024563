//! Help requests: a resident posts one and reads their own (what is shown, the defaults, the
//! list with its filters and pages), and the request fixtures the other modules share.

use diesel::prelude::*;
use hulpmarkt::db::schema::{audit_log, help_requests, matches, offer_categories, offers};
use serde_json::{json, Value};

use crate::helpers::{json_with_status, problem, problem_naming, TestApp, TestUser};

/// A valid request body (Utrecht, groceries), needed from a few days ago until three months
/// from now (dates relative to today, so the fixture never runs out).
pub fn request_body() -> Value {
    let (from, until) = fixture_dates();
    json!({
        "domain": "wmo", "category": "boodschappen", "title": "Boodschappen op dinsdag",
        "description": "Ik kan sinds mijn operatie niet meer zelf naar de supermarkt.",
        "postcode": "3512 AB", "urgency": "normal", "involves_minor": false, "remote_ok": false,
        "max_distance_km": 10,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "from": from, "until": until, "session_minutes": 60},
        "consent_municipality": true
    })
}

/// The fixture's first and last date: three days ago and ninety days on (Dutch dates).
pub fn fixture_dates() -> (String, String) {
    let today = hulpmarkt::clock::dutch_today(chrono::Utc::now().naive_utc());
    let days = chrono::Duration::days;
    (
        (today - days(3)).to_string(),
        (today + days(90)).to_string(),
    )
}

/// `body` with `key` set to `value` (a `null` value removes nothing; use `without`).
pub fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

/// The answer to posting as a later read shows it: without `municipal_fallback`, which only
/// the answer to posting carries.
pub fn as_stored(posted: &Value) -> Value {
    without(posted.clone(), "municipal_fallback")
}

/// `body` without `key`.
pub fn without(mut body: Value, key: &str) -> Value {
    body.as_object_mut().unwrap().remove(key);
    body
}

/// Rows in a table, counted through the application's own pool.
pub async fn count(app: &TestApp, table: &'static str) -> i64 {
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        let conn = &mut **conn;
        match table {
            "help_requests" => help_requests::table.count().get_result(conn),
            "offers" => offers::table.count().get_result(conn),
            "offer_categories" => offer_categories::table.count().get_result(conn),
            "matches" => matches::table.count().get_result(conn),
            "audit_log" => audit_log::table.count().get_result(conn),
            other => panic!("unknown table {other}"),
        }
        .unwrap()
    })
    .await
    .unwrap()
}

/// Gives a request a match with `offer_id` in `status` directly and returns its id. A live
/// (proposed or accepted) status reuses the live match that incremental matching may already
/// have made for the request (at most one may exist); other statuses add a row.
pub async fn insert_match(app: &TestApp, request_id: &str, offer_id: &str, status: &str) -> String {
    if matches!(status, "proposed" | "accepted") {
        if let Some(id) = reuse_live_match(app, request_id, offer_id, status).await {
            return id;
        }
    }
    insert_match_row(app, request_id, offer_id, status).await
}

async fn reuse_live_match(
    app: &TestApp,
    request_id: &str,
    offer_id: &str,
    status: &str,
) -> Option<String> {
    let state = app.state.clone();
    let (request_id, offer_id, status) = (
        request_id.to_owned(),
        offer_id.to_owned(),
        status.to_owned(),
    );
    // Through the app's own write path (on SQLite its one writer).
    hulpmarkt::db::transaction(&state.pool, move |conn| {
        let live: Option<String> = matches::table
            .filter(matches::request_id.eq(&request_id))
            .filter(matches::status.eq_any(["proposed", "accepted"]))
            .select(matches::id)
            .first(conn)
            .optional()?;
        if let Some(id) = &live {
            diesel::update(matches::table.find(id))
                .set((matches::status.eq(&status), matches::offer_id.eq(&offer_id)))
                .execute(conn)?;
        }
        Ok(live)
    })
    .await
    .unwrap()
}

async fn insert_match_row(app: &TestApp, request_id: &str, offer_id: &str, status: &str) -> String {
    let state = app.state.clone();
    let now = app.clock_naive();
    let (request_id, offer_id, status) = (
        request_id.to_owned(),
        offer_id.to_owned(),
        status.to_owned(),
    );
    hulpmarkt::db::transaction(&state.pool, move |conn| {
        let id = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(matches::table)
            .values((
                matches::id.eq(&id),
                matches::request_id.eq(&request_id),
                matches::offer_id.eq(&offer_id),
                matches::status.eq(&status),
                matches::score.eq(0.9),
                matches::score_parts.eq("{}"),
                matches::explanation.eq("test"),
                matches::proposed_at.eq(now),
                matches::expires_at.eq(now + chrono::Duration::hours(48)),
                matches::created_by.eq(hulpmarkt::domain::MatchOrigin::Incremental),
                matches::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(id)
    })
    .await
    .unwrap()
}

/// The status of a stored match.
pub async fn match_status(app: &TestApp, id: &str) -> String {
    let state = app.state.clone();
    let id = id.to_owned();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        matches::table
            .find(id)
            .select(matches::status)
            .first::<String>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

pub trait ClockNaive {
    /// The test clock's time.
    fn clock_naive(&self) -> chrono::NaiveDateTime;
}

impl ClockNaive for TestApp {
    fn clock_naive(&self) -> chrono::NaiveDateTime {
        use hulpmarkt::clock::Clock;
        self.clock.now_naive()
    }
}

/// Posts a request for `user` and returns its JSON (asserting 201).
pub async fn post_request(app: &TestApp, user: &TestUser, body: &Value) -> Value {
    json_with_status(
        app.post_json("/api/v1/help-requests", body, Some(&user.token))
            .await,
        201,
    )
    .await
}

fn is_rfc3339_utc(value: &Value) -> bool {
    value
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .is_some_and(|t| t.offset().local_minus_utc() == 0)
}

#[actix_web::test]
async fn a_resident_posts_a_request_and_sees_only_what_is_theirs_to_see() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let response = app
        .post_json("/api/v1/help-requests", &request_body(), Some(&anna.token))
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = json_with_status(response, 201).await;
    let id = created["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert_eq!(location, format!("/api/v1/help-requests/{id}"));
    assert_eq!(
        created["pc4"], "3512",
        "the full postcode is reduced to PC4"
    );
    assert_eq!(created["municipality_code"], "GM0344");
    assert_eq!(created["status"], "open");
    assert_eq!(created["urgency"], "normal");
    assert_eq!(created["category"], "boodschappen");
    assert_eq!(created["max_distance_km"], 10.0);
    assert_eq!(created["availability"]["slots"][0]["start"], "09:00");
    assert_eq!(created["availability"]["from"], fixture_dates().0);
    assert_eq!(created["availability"]["session_minutes"], 60);
    assert!(is_rfc3339_utc(&created["created_at"]), "{created}");
    assert!(is_rfc3339_utc(&created["updated_at"]), "{created}");
    for hidden in ["requester_id", "lat", "lon", "postcode", "anonymised_at"] {
        assert!(created.get(hidden).is_none(), "{hidden} is not shown");
    }
    let body = created.to_string();
    assert!(!body.contains(" AB"), "the full postcode is never echoed");

    let read = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(read, as_stored(&created));
}

#[actix_web::test]
async fn defaults_apply_when_optional_fields_are_absent() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let minimal = json!({"domain": "participatiewet", "category": "taalcoaching",
        "title": "Nederlands oefenen", "postcode": "1012", "consent_municipality": false,
        "remote_ok": true});
    let created = post_request(&app, &anna, &minimal).await;
    assert_eq!(created["urgency"], "normal");
    assert_eq!(created["description"], "");
    assert_eq!(created["involves_minor"], false);
    assert_eq!(created["remote_ok"], true);
    assert_eq!(created["max_distance_km"], Value::Null);
    assert_eq!(created["availability"]["slots"], json!([]));
    assert_eq!(created["availability"]["session_minutes"], 60);
    assert_eq!(created["municipality_code"], "GM0363");
}

#[actix_web::test]
async fn only_residents_post_and_list_requests() {
    let app = TestApp::spawn().await;
    let volunteer = app.volunteer().await;
    let forbidden = app
        .post_json(
            "/api/v1/help-requests",
            &request_body(),
            Some(&volunteer.token),
        )
        .await;
    problem(forbidden, 403).await;
    problem(
        app.get_as("/api/v1/help-requests", &volunteer.token).await,
        403,
    )
    .await;
    let anonymous = app
        .post_json("/api/v1/help-requests", &request_body(), None)
        .await;
    problem(anonymous, 401).await;
    assert_eq!(count(&app, "help_requests").await, 0);
}

#[actix_web::test]
async fn the_list_shows_only_my_requests_newest_first_with_filters_and_pages() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let bob = app.resident().await;
    let mut ids = Vec::new();
    for (i, (domain, category)) in [
        ("wmo", "tuin"),
        ("wmo", "klussen"),
        ("jeugdwet", "oppas"),
        ("wmo", "tuin"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"domain": domain, "category": category, "title": format!("Verzoek nummer {i} voor {category}"),
            "description": format!("Omschrijving {i} {}", "abc".repeat(i * 7)), "postcode": "3511", "consent_municipality": true,
            "confirm_duplicate": true});
        ids.push(
            post_request(&app, &anna, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        app.clock.advance(chrono::Duration::minutes(1));
    }
    post_request(&app, &bob, &request_body()).await;

    let all = json_with_status(app.get_as("/api/v1/help-requests", &anna.token).await, 200).await;
    assert_eq!(all["total"], 4);
    assert_eq!(
        (all["page"].clone(), all["per_page"].clone()),
        (json!(1), json!(20))
    );
    let listed: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, newest_first);

    let tuin = json_with_status(
        app.get_as("/api/v1/help-requests?category=tuin", &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(tuin["total"], 2);
    let jeugd = json_with_status(
        app.get_as("/api/v1/help-requests?domain=jeugdwet", &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(jeugd["items"][0]["id"], ids[2].as_str());
    app.post_json(
        &format!("/api/v1/help-requests/{}/cancel", ids[0]),
        &json!({}),
        Some(&anna.token),
    )
    .await;
    let cancelled = json_with_status(
        app.get_as("/api/v1/help-requests?status=cancelled", &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(cancelled["total"], 1);
    assert_eq!(cancelled["items"][0]["id"], ids[0].as_str());
    let open = json_with_status(
        app.get_as("/api/v1/help-requests?status=open&domain=wmo", &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(open["total"], 2);

    let page2 = json_with_status(
        app.get_as("/api/v1/help-requests?page=2&per_page=3", &anna.token)
            .await,
        200,
    )
    .await;
    assert_eq!(page2["total"], 4);
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["items"][0]["id"], ids[0].as_str());

    let bobs = json_with_status(app.get_as("/api/v1/help-requests", &bob.token).await, 200).await;
    assert_eq!(bobs["total"], 1);
    problem_naming(
        app.get_as("/api/v1/help-requests?status=gone", &anna.token)
            .await,
        422,
        "status",
    )
    .await;
}
