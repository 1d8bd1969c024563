//! Help requests: every endpoint, each validation rule, ownership, the duplicate rule, and
//! the effect of cancel and escalate on live matches.

use diesel::prelude::*;
use hulpmarkt::db::schema::{audit_log, help_requests, matches, offer_categories, offers};
use serde_json::{json, Value};

use crate::helpers::{json_with_status, problem, problem_naming, TestApp, TestUser};

/// A valid request body (Utrecht, groceries).
pub fn request_body() -> Value {
    json!({
        "domain": "wmo", "category": "boodschappen", "title": "Boodschappen op dinsdag",
        "description": "Ik kan sinds mijn operatie niet meer zelf naar de supermarkt.",
        "postcode": "3512 AB", "urgency": "normal", "involves_minor": false, "remote_ok": false,
        "max_distance_km": 10,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "from": "2026-12-01", "until": "2027-02-28", "session_minutes": 60},
        "consent_municipality": true
    })
}

/// `body` with `key` set to `value` (a `null` value removes nothing; use `without`).
pub fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
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
        let conn = &mut *conn;
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
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        let live: Option<String> = matches::table
            .filter(matches::request_id.eq(&request_id))
            .filter(matches::status.eq_any(["proposed", "accepted"]))
            .select(matches::id)
            .first(&mut *conn)
            .optional()
            .unwrap();
        if let Some(id) = &live {
            diesel::update(matches::table.find(id))
                .set((matches::status.eq(&status), matches::offer_id.eq(&offer_id)))
                .execute(&mut *conn)
                .unwrap();
        }
        live
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
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
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
                matches::created_by.eq("test"),
                matches::updated_at.eq(now),
            ))
            .execute(&mut *conn)
            .unwrap();
        id
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
            .first::<String>(&mut *conn)
            .unwrap()
    })
    .await
    .unwrap()
}

trait ClockNaive {
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
    assert_eq!(created["availability"]["from"], "2026-12-01");
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
    assert_eq!(read, created);
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
async fn each_invalid_field_is_named_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let slot = |start: &str, end: &str| json!({"weekday": "tue", "start": start, "end": end});
    let slots22: Vec<Value> = (0..22)
        .map(|i| {
            let day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i % 7];
            json!({"weekday": day, "start": format!("{:02}:00", 6 + i / 7 * 3), "end": format!("{:02}:00", 8 + i / 7 * 3)})
        })
        .collect();
    let base = request_body;
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            with(
                base(),
                "availability",
                json!({"slots": [slot("12:00", "09:00")]}),
            ),
            422,
            "availability.slots[0].end",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [slot("25:00", "26:00")]}),
            ),
            422,
            "availability.slots[0].start",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [{"weekday": "tuesday", "start": "09:00", "end": "10:00"}]}),
            ),
            422,
            "availability.slots[0].weekday",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [slot("09:00", "12:00"), slot("11:00", "13:00")]}),
            ),
            422,
            "availability.slots[1]",
        ),
        (
            with(base(), "availability", json!({"slots": slots22})),
            422,
            "availability.slots",
        ),
        (
            with(
                base(),
                "availability",
                json!({"session_minutes": 1_000_000_000_000_i64}),
            ),
            422,
            "availability.session_minutes",
        ),
        (
            with(base(), "availability", json!({"from": "2026-13-01"})),
            422,
            "availability.from",
        ),
        (
            with(
                base(),
                "availability",
                json!({"from": "2027-01-02", "until": "2027-01-01"}),
            ),
            422,
            "availability.until",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [], "colour": "red"}),
            ),
            422,
            "availability.colour",
        ),
        (with(base(), "category", json!("oppas")), 422, "category"),
        (
            with(base(), "category", json!("boodschapen")),
            422,
            "category",
        ),
        (with(base(), "domain", json!("zorg")), 422, "domain"),
        (with(base(), "postcode", json!("1000")), 422, "postcode"),
        (with(base(), "postcode", json!("12345")), 422, "postcode"),
        (with(base(), "postcode", json!("")), 422, "postcode"),
        (
            with(base(), "description", json!("x".repeat(10_001))),
            422,
            "description",
        ),
        (with(base(), "title", json!("")), 422, "title"),
        (with(base(), "title", json!("ab")), 422, "title"),
        (with(base(), "title", json!(null)), 422, "title"),
        (with(base(), "title", json!(42)), 422, "title"),
        (with(base(), "title", json!("x".repeat(121))), 422, "title"),
        (with(base(), "urgency", json!("urgent")), 422, "urgency"),
        (
            with(base(), "involves_minor", json!("yes")),
            422,
            "involves_minor",
        ),
        (with(base(), "remote_ok", json!(true)), 422, "remote_ok"),
        (
            with(base(), "max_distance_km", json!(0.1)),
            422,
            "max_distance_km",
        ),
        (
            with(base(), "max_distance_km", json!(1e308)),
            422,
            "max_distance_km",
        ),
        (
            with(base(), "max_distance_km", json!("10")),
            422,
            "max_distance_km",
        ),
        (with(base(), "colour", json!("red")), 422, "colour"),
        (
            without(base(), "consent_municipality"),
            422,
            "consent_municipality",
        ),
        (
            with(base(), "consent_municipality", json!(null)),
            422,
            "consent_municipality",
        ),
        (
            with(base(), "confirm_duplicate", json!(1)),
            422,
            "confirm_duplicate",
        ),
    ];
    for (body, status, field) in cases {
        let response = app
            .post_json("/api/v1/help-requests", &body, Some(&anna.token))
            .await;
        problem_naming(response, status, field).await;
    }
    assert_eq!(count(&app, "help_requests").await, 0, "nothing stored");
}

#[actix_web::test]
async fn nothing_a_client_sends_causes_a_server_error() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let raw_bodies = [
        "",
        "null",
        "[]",
        "{",
        "\"x\"",
        "{\"max_distance_km\": 1e999}",
        "{\"title\": NaN}",
        "{\"availability\": null}",
        "{\"availability\": {\"slots\": null}}",
        "{\"availability\": {\"slots\": [null]}}",
        "{\"availability\": {\"session_minutes\": -1}}",
        "{\"availability\": {\"session_minutes\": 1.5}}",
        "{\"availability\": {\"session_minutes\": 99999999999999999999999}}",
        "{\"title\": \"\\u0000abc\"}",
    ];
    for raw in raw_bodies {
        let response = app
            .client
            .post(app.url("/api/v1/help-requests"))
            .bearer_auth(&anna.token)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{raw} gave {status}");
    }
    let mut merged = request_body();
    for (key, value) in [
        ("title", json!("\u{0}ab\u{202E}c")),
        ("max_distance_km", json!(-0.0)),
    ] {
        merged = with(merged, key, value);
    }
    let response = app
        .post_json("/api/v1/help-requests", &merged, Some(&anna.token))
        .await;
    assert_eq!(response.status().as_u16(), 422);
    for query in [
        "page=0",
        "page=abc",
        "per_page=1000",
        "status=gone",
        "domain=x",
        "category=y",
        "sort=asc",
        "page=99999999999",
    ] {
        let response = app
            .get_as(&format!("/api/v1/help-requests?{query}"), &anna.token)
            .await;
        assert_eq!(response.status().as_u16(), 422, "{query}");
    }
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

#[actix_web::test]
async fn an_open_request_can_be_changed_and_every_change_is_validated_again() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let created = post_request(&app, &anna, &request_body()).await;
    let path = format!("/api/v1/help-requests/{}", created["id"].as_str().unwrap());
    app.clock.advance(chrono::Duration::minutes(5));

    let changed = json_with_status(
        app.patch_json(
            &path,
            &json!({"title": "Boodschappen op woensdag", "postcode": "1012AB",
            "max_distance_km": null, "urgency": "high",
            "availability": {"slots": [{"weekday": "wed", "start": "10:00", "end": "11:30"}]}}),
            &anna.token,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["title"], "Boodschappen op woensdag");
    assert_eq!(changed["pc4"], "1012");
    assert_eq!(changed["municipality_code"], "GM0363");
    assert_eq!(changed["max_distance_km"], Value::Null);
    assert_eq!(changed["urgency"], "high");
    assert_eq!(changed["availability"]["from"], Value::Null);
    assert_eq!(
        changed["description"], created["description"],
        "absent fields keep their value"
    );
    assert_eq!(changed["created_at"], created["created_at"]);
    assert_ne!(changed["updated_at"], created["updated_at"]);

    // The merged request is checked as a whole: a category from another domain, a remote
    // flag the category does not allow, a bad slot, an unknown field.
    for (patch, field) in [
        (json!({"category": "oppas"}), "category"),
        (json!({"domain": "jeugdwet"}), "category"),
        (json!({"remote_ok": true}), "remote_ok"),
        (
            json!({"availability": {"slots": [{"weekday": "wed", "start": "25:00", "end": "26:00"}]}}),
            "availability.slots[0].start",
        ),
        (json!({"description": "x".repeat(10_001)}), "description"),
        (json!({"postcode": "1000"}), "postcode"),
        (json!({"status": "matched"}), "status"),
        (json!({"title": null}), "title"),
    ] {
        problem_naming(app.patch_json(&path, &patch, &anna.token).await, 422, field).await;
    }
    let unchanged = json_with_status(app.get_as(&path, &anna.token).await, 200).await;
    assert_eq!(unchanged, changed, "a rejected change stores nothing");

    app.post_json(&format!("{path}/cancel"), &json!({}), Some(&anna.token))
        .await;
    let late = app
        .patch_json(
            &path,
            &json!({"title": "Toch nog iets anders"}),
            &anna.token,
        )
        .await;
    problem(late, 409).await;
}

#[actix_web::test]
async fn cancel_ends_live_matches_and_is_allowed_only_from_open_proposed_or_matched() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let volunteer = app.volunteer().await;
    let offer = crate::offers::post_offer(&app, &volunteer, &crate::offers::offer_body()).await;
    let offer_id = offer["id"].as_str().unwrap();
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let proposal = insert_match(&app, id, offer_id, "proposed").await;
    let earlier = insert_match(&app, id, offer_id, "declined").await;

    let cancelled = json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/cancel"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(match_status(&app, &proposal).await, "withdrawn");
    assert_eq!(
        match_status(&app, &earlier).await,
        "declined",
        "finished matches stay as they were"
    );
    let again = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/cancel"),
            &json!({}),
            Some(&anna.token),
        )
        .await;
    problem(again, 409).await;
    let escalate = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await;
    problem(escalate, 409).await;

    // An accepted match can only be called off (`cancelled`) in the match lifecycle.
    let second = post_request(
        &app,
        &anna,
        &with(request_body(), "category", json!("tuin")),
    )
    .await;
    let second_id = second["id"].as_str().unwrap();
    let accepted = insert_match(&app, second_id, offer_id, "accepted").await;
    let response = app
        .post_json(
            &format!("/api/v1/help-requests/{second_id}/cancel"),
            &json!({}),
            None,
        )
        .await;
    problem(response, 401).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{second_id}/cancel"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(match_status(&app, &accepted).await, "cancelled");
}

#[actix_web::test]
async fn escalate_marks_the_request_withdraws_a_pending_proposal_and_writes_the_audit_log() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let volunteer = app.volunteer().await;
    let offer = crate::offers::post_offer(&app, &volunteer, &crate::offers::offer_body()).await;
    let request = post_request(&app, &anna, &request_body()).await;
    let id = request["id"].as_str().unwrap();
    let proposal = insert_match(&app, id, offer["id"].as_str().unwrap(), "proposed").await;
    let audits_before = count(&app, "audit_log").await;

    let escalated = json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(escalated["status"], "escalated");
    assert_eq!(match_status(&app, &proposal).await, "withdrawn");
    assert_eq!(count(&app, "audit_log").await, audits_before + 1);
    let state = app.state.clone();
    let request_id = id.to_owned();
    let (action, detail, municipality): (String, Option<String>, Option<String>) =
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            audit_log::table
                .filter(audit_log::object_id.eq(request_id))
                .select((
                    audit_log::action,
                    audit_log::detail,
                    audit_log::municipality_code,
                ))
                .first(&mut *conn)
                .unwrap()
        })
        .await
        .unwrap();
    assert_eq!(action, "help_request.escalate");
    assert_eq!(detail.as_deref(), Some("resident_request"));
    assert_eq!(municipality.as_deref(), Some("GM0344"));

    let again = app
        .post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&anna.token),
        )
        .await;
    problem(again, 409).await;
    let change = app
        .patch_json(
            &format!("/api/v1/help-requests/{id}"),
            &json!({"title": "Nieuwe titel"}),
            &anna.token,
        )
        .await;
    problem(change, 409).await;
}

#[actix_web::test]
async fn nobody_but_the_owner_can_read_change_cancel_or_escalate_a_request() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let bob = app.resident().await;
    let volunteer = app.volunteer().await;
    let case_worker = app.case_worker("GM0344").await;
    let admin = app.admin().await;
    let created = post_request(&app, &anna, &request_body()).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/help-requests/{id}");

    for intruder in [&bob, &volunteer, &case_worker, &admin] {
        problem(app.get_as(&path, &intruder.token).await, 404).await;
        problem(
            app.patch_json(&path, &json!({"title": "Overgenomen"}), &intruder.token)
                .await,
            404,
        )
        .await;
        problem(
            app.patch_json(&path, &json!({"title": 5}), &intruder.token)
                .await,
            422,
        )
        .await;
        for action in ["cancel", "escalate"] {
            let response = app
                .post_json(
                    &format!("{path}/{action}"),
                    &json!({}),
                    Some(&intruder.token),
                )
                .await;
            problem(response, 404).await;
        }
    }
    let bobs = json_with_status(app.get_as("/api/v1/help-requests", &bob.token).await, 200).await;
    assert_eq!(bobs["total"], 0);
    let unchanged = json_with_status(app.get_as(&path, &anna.token).await, 200).await;
    assert_eq!(unchanged, created, "nothing changed");

    // Ids that are not UUIDs, or unknown ones, are 404 as well.
    for bad in ["1", "not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
        problem(
            app.get_as(&format!("/api/v1/help-requests/{bad}"), &anna.token)
                .await,
            404,
        )
        .await;
        let response = app
            .post_json(
                &format!("/api/v1/help-requests/{bad}/cancel"),
                &json!({}),
                Some(&anna.token),
            )
            .await;
        problem(response, 404).await;
    }
}

#[actix_web::test]
async fn a_near_duplicate_is_refused_with_the_existing_id_unless_confirmed() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let first = post_request(&app, &anna, &request_body()).await;
    let first_id = first["id"].as_str().unwrap();

    let near = with(
        with(request_body(), "title", json!("boodschappen  op Dinsdag")),
        "description",
        json!("Ik kan sinds mijn operatie niet meer zelf naar de supermarkt!"),
    );
    let conflict = problem(
        app.post_json("/api/v1/help-requests", &near, Some(&anna.token))
            .await,
        409,
    )
    .await;
    assert_eq!(conflict["existing_id"], first_id);
    assert_eq!(count(&app, "help_requests").await, 1, "nothing stored");

    let confirmed = post_request(
        &app,
        &anna,
        &with(near.clone(), "confirm_duplicate", json!(true)),
    )
    .await;
    assert_ne!(confirmed["id"], first["id"]);

    // Not a duplicate: another category, another resident, or more than 14 days later.
    post_request(
        &app,
        &anna,
        &with(near.clone(), "category", json!("huishouden")),
    )
    .await;
    let bob = app.resident().await;
    post_request(&app, &bob, &near).await;
    app.clock.advance(chrono::Duration::days(15));
    post_request(&app, &anna, &near).await;
    assert_eq!(count(&app, "help_requests").await, 5);
}

#[actix_web::test]
async fn a_cancelled_request_is_no_duplicate() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    let first = post_request(&app, &anna, &request_body()).await;
    let cancel = format!(
        "/api/v1/help-requests/{}/cancel",
        first["id"].as_str().unwrap()
    );
    json_with_status(
        app.post_json(&cancel, &json!({}), Some(&anna.token)).await,
        200,
    )
    .await;
    post_request(&app, &anna, &request_body()).await;
}

#[actix_web::test]
async fn the_openapi_document_describes_the_marketplace() {
    let app = TestApp::spawn().await;
    let doc = json_with_status(app.get("/api/v1/openapi.json").await, 200).await;
    for path in [
        "/api/v1/categories",
        "/api/v1/help-requests",
        "/api/v1/help-requests/{id}",
        "/api/v1/help-requests/{id}/cancel",
        "/api/v1/help-requests/{id}/escalate",
        "/api/v1/offers",
        "/api/v1/offers/{id}",
        "/api/v1/offers/{id}/pause",
        "/api/v1/offers/{id}/resume",
        "/api/v1/offers/{id}/withdraw",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    for schema in [
        "HelpRequestBody",
        "HelpRequestView",
        "OfferBody",
        "OfferView",
        "CategoryList",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}

/// Posts arriving at the same moment (on SQLite they share one commit, each in its own
/// savepoint): every 201 is stored and readable by its owner, and every refused post (a
/// near-duplicate, 409) left nothing behind, whatever else shared its commit.
#[actix_web::test]
async fn simultaneous_posts_are_each_stored_or_refused_alone() {
    let app = TestApp::spawn().await;
    let anna = app.resident().await;
    post_request(&app, &anna, &request_body()).await;
    let before = count(&app, "help_requests").await;
    let categories = [
        "huishouden",
        "klussen",
        "tuin",
        "vervoer",
        "gezelschap",
        "telefoonmaatje",
        "maaltijden",
        "administratie",
        "huisdieren",
        "mantelzorgondersteuning",
    ];
    let bodies: Vec<Value> = categories
        .iter()
        .enumerate()
        .flat_map(|(i, category)| {
            let distinct = with(
                with(request_body(), "category", json!(category)),
                "title",
                json!(format!("Verzoek {i}: {category}")),
            );
            // Each distinct post beside a copy of the first one, which is refused.
            [distinct, request_body()]
        })
        .collect();
    let answers = futures_util::future::join_all(
        bodies
            .iter()
            .map(|body| app.post_json("/api/v1/help-requests", body, Some(&anna.token))),
    )
    .await;
    let mut stored = Vec::new();
    for (body, answer) in bodies.iter().zip(answers) {
        if body["category"] == "boodschappen" {
            problem(answer, 409).await;
        } else {
            stored.push(json_with_status(answer, 201).await);
        }
    }
    assert_eq!(stored.len(), categories.len());
    assert_eq!(
        count(&app, "help_requests").await,
        before + categories.len() as i64,
        "exactly the accepted posts are stored"
    );
    for view in &stored {
        let id = view["id"].as_str().expect("an id");
        let read = json_with_status(
            app.get_as(&format!("/api/v1/help-requests/{id}"), &anna.token)
                .await,
            200,
        )
        .await;
        assert_eq!(read["title"], view["title"]);
    }
}
