//! Volunteer offers: registering one, validation, the list, and ownership; and the offer
//! fixtures the other modules share.

use serde_json::{json, Value};

use crate::help_requests::{count, with, without};
use crate::helpers::{json_with_status, problem, problem_naming, TestApp, TestUser};

/// A valid offer body (Utrecht, groceries and transport).
pub fn offer_body() -> Value {
    json!({
        "categories": ["boodschappen", "vervoer"], "postcode": "3511", "radius_km": 5,
        "remote_ok": false,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "from": null, "until": null},
        "capacity": 2, "note": "Ik heb een auto."
    })
}

/// Registers an offer for `user` and returns its JSON (asserting 201).
pub async fn post_offer(app: &TestApp, user: &TestUser, body: &Value) -> Value {
    json_with_status(
        app.post_json("/api/v1/offers", body, Some(&user.token))
            .await,
        201,
    )
    .await
}

#[actix_web::test]
async fn a_volunteer_registers_an_offer() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let response = app
        .post_json("/api/v1/offers", &offer_body(), Some(&vera.token))
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = json_with_status(response, 201).await;
    let id = created["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert_eq!(location, format!("/api/v1/offers/{id}"));
    assert_eq!(created["categories"], json!(["boodschappen", "vervoer"]));
    assert_eq!(created["pc4"], "3511");
    assert_eq!(created["municipality_code"], "GM0344");
    assert_eq!(created["radius_km"], 5.0);
    assert_eq!(created["capacity"], 2);
    assert_eq!(created["status"], "active");
    assert_eq!(created["note"], "Ik heb een auto.");
    assert_eq!(created["availability"]["slots"][0]["weekday"], "tue");
    assert_eq!(
        created["availability"]["session_minutes"], 15,
        "an offer's default shortest visit"
    );
    for hidden in ["volunteer_id", "lat", "lon"] {
        assert!(created.get(hidden).is_none(), "{hidden} is not shown");
    }
    for stamp in ["created_at", "updated_at"] {
        let parsed =
            chrono::DateTime::parse_from_rfc3339(created[stamp].as_str().unwrap()).unwrap();
        assert_eq!(parsed.offset().local_minus_utc(), 0);
    }
    let read = json_with_status(
        app.get_as(&format!("/api/v1/offers/{id}"), &vera.token)
            .await,
        200,
    )
    .await;
    assert_eq!(read, created);
    assert_eq!(count(&app, "offer_categories").await, 2);

    // Defaults: capacity 1, empty note, any time; a 20-minute slot is fine for an offer.
    let minimal = json!({"categories": ["telefoonmaatje"], "postcode": "9711 AB", "radius_km": 0.5,
        "remote_ok": true, "availability": {"slots": [{"weekday": "sun", "start": "20:00", "end": "20:20"}]}});
    let small = post_offer(&app, &vera, &minimal).await;
    assert_eq!(
        (small["capacity"].clone(), small["note"].clone()),
        (json!(1), json!(""))
    );
    assert_eq!(small["municipality_code"], "GM0014");
}

#[actix_web::test]
async fn only_volunteers_register_and_list_offers() {
    let app = TestApp::spawn().await;
    let resident = app.resident().await;
    problem(
        app.post_json("/api/v1/offers", &offer_body(), Some(&resident.token))
            .await,
        403,
    )
    .await;
    problem(app.get_as("/api/v1/offers", &resident.token).await, 403).await;
    problem(
        app.post_json("/api/v1/offers", &offer_body(), None).await,
        401,
    )
    .await;
    assert_eq!(count(&app, "offers").await, 0);
}

#[actix_web::test]
async fn each_invalid_offer_field_is_named_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let all: Vec<&str> = vec!["boodschappen"; 21];
    let base = offer_body;
    let cases: Vec<(Value, &str)> = vec![
        (with(base(), "categories", json!([])), "categories"),
        (with(base(), "categories", json!(all)), "categories"),
        (
            with(
                base(),
                "categories",
                json!(["boodschappen", "boodschappen"]),
            ),
            "categories[1]",
        ),
        (
            with(base(), "categories", json!(["boodschappen", "zwemles"])),
            "categories[1]",
        ),
        (
            with(base(), "categories", json!("boodschappen")),
            "categories",
        ),
        (without(base(), "categories"), "categories"),
        (with(base(), "postcode", json!("1000")), "postcode"),
        (with(base(), "postcode", json!("0123")), "postcode"),
        (with(base(), "radius_km", json!(0)), "radius_km"),
        (with(base(), "radius_km", json!(100.5)), "radius_km"),
        (with(base(), "radius_km", json!(1e308)), "radius_km"),
        (with(base(), "radius_km", json!(null)), "radius_km"),
        (with(base(), "capacity", json!(0)), "capacity"),
        (with(base(), "capacity", json!(11)), "capacity"),
        (with(base(), "capacity", json!(1e20)), "capacity"),
        (
            with(base(), "capacity", json!(99_999_999_999_i64)),
            "capacity",
        ),
        (with(base(), "capacity", json!(2.5)), "capacity"),
        (with(base(), "note", json!("x".repeat(1_001))), "note"),
        (with(base(), "remote_ok", json!(true)), "remote_ok"),
        (
            with(
                base(),
                "availability",
                json!({"slots": [{"weekday": "tue", "start": "25:00", "end": "26:00"}]}),
            ),
            "availability.slots[0].start",
        ),
        (
            with(
                base(),
                "availability",
                json!({"slots": [{"weekday": "tue", "start": "12:00", "end": "09:00"}]}),
            ),
            "availability.slots[0].end",
        ),
        (
            with(
                base(),
                "availability",
                json!({"from": "2027-02-01", "until": "2027-01-01"}),
            ),
            "availability.until",
        ),
        (with(base(), "status", json!("paused")), "status"),
    ];
    for (body, field) in cases {
        let response = app
            .post_json("/api/v1/offers", &body, Some(&vera.token))
            .await;
        problem_naming(response, 422, field).await;
    }
    assert_eq!(count(&app, "offers").await, 0, "nothing stored");
    assert_eq!(count(&app, "offer_categories").await, 0);
}

#[actix_web::test]
async fn the_list_shows_only_my_offers_newest_first() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let walt = app.volunteer().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            post_offer(&app, &vera, &offer_body()).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        app.clock.advance(chrono::Duration::minutes(1));
    }
    post_offer(&app, &walt, &offer_body()).await;
    app.post_json(
        &format!("/api/v1/offers/{}/pause", ids[1]),
        &json!({}),
        Some(&vera.token),
    )
    .await;

    let all = json_with_status(app.get_as("/api/v1/offers", &vera.token).await, 200).await;
    assert_eq!(all["total"], 3);
    let listed: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        vec![ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]
    );
    assert_eq!(
        all["items"][0]["categories"],
        json!(["boodschappen", "vervoer"])
    );
    let paused = json_with_status(
        app.get_as("/api/v1/offers?status=paused", &vera.token)
            .await,
        200,
    )
    .await;
    assert_eq!(paused["total"], 1);
    assert_eq!(paused["items"][0]["id"], ids[1].as_str());
    let page = json_with_status(
        app.get_as("/api/v1/offers?page=2&per_page=2", &vera.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        (page["total"].clone(), page["items"][0]["id"].clone()),
        (json!(3), json!(ids[0]))
    );
    problem_naming(
        app.get_as("/api/v1/offers?status=gone", &vera.token).await,
        422,
        "status",
    )
    .await;
    problem_naming(
        app.get_as("/api/v1/offers?per_page=0", &vera.token).await,
        422,
        "per_page",
    )
    .await;
}

#[actix_web::test]
async fn nobody_but_the_owner_can_read_change_pause_resume_or_withdraw_an_offer() {
    let app = TestApp::spawn().await;
    let vera = app.volunteer().await;
    let walt = app.volunteer().await;
    let resident = app.resident().await;
    let case_worker = app.case_worker("GM0344").await;
    let offer = post_offer(&app, &vera, &offer_body()).await;
    let id = offer["id"].as_str().unwrap();
    let path = format!("/api/v1/offers/{id}");

    for intruder in [&walt, &resident, &case_worker] {
        problem(app.get_as(&path, &intruder.token).await, 404).await;
        problem(
            app.patch_json(&path, &json!({"capacity": 10}), &intruder.token)
                .await,
            404,
        )
        .await;
        for action in ["pause", "resume", "withdraw"] {
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
    let walts = json_with_status(app.get_as("/api/v1/offers", &walt.token).await, 200).await;
    assert_eq!(walts["total"], 0);
    let unchanged = json_with_status(app.get_as(&path, &vera.token).await, 200).await;
    assert_eq!(unchanged, offer, "nothing changed");
    problem(
        app.get_as("/api/v1/offers/not-a-uuid", &vera.token).await,
        404,
    )
    .await;
}
