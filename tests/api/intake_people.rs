//! The people around a request: an informal carer posting with the person's consent, a
//! resident claiming what the municipality recorded for them with a one-time code, the
//! export and erasure of a recorded person, and the channel in the statistics.

use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, problem_naming, TestApp, TestUser},
    intake::{audit_of, record, recorded_for_de_vries},
    offers::{offer_body, post_offer},
};

fn for_mother(contact: &str) -> Value {
    with(
        request_body(),
        "for_person",
        json!({"name": "Mevr. A. Bakker", "phone": "030 765 4321",
               "consent": {"given_via": "in_person"}, "contact": contact}),
    )
}

async fn accepted_contact(app: &TestApp, volunteer: &TestUser) -> Value {
    let mine = json_with_status(app.get_as("/api/v1/matches", &volunteer.token).await, 200).await;
    let id = mine["items"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_owned();
    let accepted = json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{id}/accept"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await,
        200,
    )
    .await;
    accepted["contact"].clone()
}

#[actix_web::test]
async fn a_carer_posts_for_their_mother_and_is_the_contact_unless_she_is() {
    let app = TestApp::spawn().await;
    let carer = app.resident().await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &offer_body()).await;

    let posted = post_request(&app, &carer, &for_mother("carer")).await;
    assert_eq!(posted["channel"], "carer");
    assert_eq!(posted["for_person"]["person"]["name"], "Mevr. A. Bakker");
    assert_eq!(posted["for_person"]["recorded_by_role"], "carer");
    assert_eq!(posted["for_person"]["consent_via"], "in_person");
    assert_eq!(posted["for_person"]["contact"], "carer");
    // The carer's own list shows both: the request and for whom it is.
    let mine = json_with_status(app.get_as("/api/v1/help-requests", &carer.token).await, 200).await;
    assert_eq!(
        mine["items"][0]["for_person"]["person"]["name"],
        "Mevr. A. Bakker"
    );

    // The volunteer reaches the carer, and sees for whom the help is.
    let contact = accepted_contact(&app, &vera).await;
    assert_eq!(contact["display_name"], carer.name.as_str());
    assert_eq!(contact["on_behalf_of"], "Mevr. A. Bakker");

    // With the mother as contact, the volunteer gets her phone (a second volunteer).
    let wim = app.volunteer().await;
    post_offer(&app, &wim, &offer_body()).await;
    let mut second = for_mother("person");
    second["title"] = json!("Vervoer naar de huisarts");
    second["category"] = json!("vervoer");
    let person_id = posted["for_person"]["person"]["id"].as_str().unwrap();
    second["for_person"] = json!({"person_id": person_id, "consent": {"given_via": "phone"},
                                  "contact": "person"});
    let again = post_request(&app, &carer, &second).await;
    assert_eq!(again["for_person"]["person"]["id"], person_id);
    let contact = accepted_contact(&app, &wim).await;
    assert_eq!(contact["display_name"], "Mevr. A. Bakker");
    assert_eq!(contact["phone"], "0307654321");
    assert!(contact.get("on_behalf_of").is_none());
}

#[actix_web::test]
async fn acting_for_someone_needs_their_recorded_consent_and_a_person_of_ones_own() {
    let app = TestApp::spawn().await;
    let carer = app.resident().await;
    let mut no_consent = for_mother("carer");
    no_consent["for_person"]
        .as_object_mut()
        .unwrap()
        .remove("consent");
    let refused = app
        .post_json("/api/v1/help-requests", &no_consent, Some(&carer.token))
        .await;
    assert!(refused.status().is_client_error(), "{}", refused.status());
    let text = refused.text().await.unwrap();
    assert!(text.contains("for_person"), "{text}");
    let mut bad_way = for_mother("carer");
    bad_way["for_person"]["consent"]["given_via"] = json!("email");
    let refused = app
        .post_json("/api/v1/help-requests", &bad_way, Some(&carer.token))
        .await;
    assert_eq!(refused.status(), 422);
    let mut nameless = for_mother("carer");
    nameless["for_person"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    problem_naming(
        app.post_json("/api/v1/help-requests", &nameless, Some(&carer.token))
            .await,
        422,
        "for_person.name",
    )
    .await;
    // Another carer cannot post for this carer's mother.
    let posted = post_request(&app, &carer, &for_mother("carer")).await;
    let person_id = posted["for_person"]["person"]["id"].as_str().unwrap();
    let other = app.resident().await;
    let reuse = with(
        request_body(),
        "for_person",
        json!({"person_id": person_id, "consent": {"given_via": "phone"}}),
    );
    problem(
        app.post_json("/api/v1/help-requests", &reuse, Some(&other.token))
            .await,
        404,
    )
    .await;
    // Nor can a case worker treat the carer's record as the municipality's.
    let worker = app.case_worker("GM0344").await;
    problem(
        app.get_as(&format!("/api/v1/intake/people/{person_id}"), &worker.token)
            .await,
        404,
    )
    .await;
    assert_eq!(crate::help_requests::count(&app, "help_requests").await, 1);
}

#[actix_web::test]
async fn a_resident_claims_the_recorded_requests_once_with_the_code() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    let id = recorded["id"].as_str().unwrap();
    let person = recorded["for_person"]["person"]["id"].as_str().unwrap();
    let code_url = format!("/api/v1/intake/people/{person}/claim-code");
    let first = json_with_status(
        app.post_json(&code_url, &json!({}), Some(&worker.token))
            .await,
        201,
    )
    .await;
    let issued = json_with_status(
        app.post_json(&code_url, &json!({}), Some(&worker.token))
            .await,
        201,
    )
    .await;
    let code = issued["code"].as_str().unwrap();
    assert_eq!(code.len(), 11);
    assert_ne!(first["code"], issued["code"]);

    let jan = app.resident().await;
    // The replaced code no longer works; nothing was taken over.
    problem_naming(
        app.post_json(
            "/api/v1/me/claims",
            &json!({"code": first["code"]}),
            Some(&jan.token),
        )
        .await,
        422,
        "code",
    )
    .await;
    let typed = code.to_lowercase().replace('-', " ");
    let claimed = json_with_status(
        app.post_json(
            "/api/v1/me/claims",
            &json!({"code": typed}),
            Some(&jan.token),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(claimed["help_requests"], 1);
    assert_eq!(claimed["person_id"], person);
    let mine = json_with_status(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &jan.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        mine["channel"], "phone",
        "the channel stays for the statistics"
    );
    assert_eq!(mine["for_person"]["person"]["claimed"], true);
    // Once: the code is spent, for Jan and for anyone else.
    let other = app.resident().await;
    problem_naming(
        app.post_json(
            "/api/v1/me/claims",
            &json!({"code": code}),
            Some(&other.token),
        )
        .await,
        422,
        "code",
    )
    .await;
    // The municipality's intake list lets go of it; a new code is refused.
    let listed = json_with_status(
        app.get_as("/api/v1/intake/help-requests", &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["total"], 0);
    problem(
        app.post_json(&code_url, &json!({}), Some(&worker.token))
            .await,
        409,
    )
    .await;
    // Jan's own export holds the person record and the request.
    let export = json_with_status(app.get_as("/api/v1/me/export", &jan.token).await, 200).await;
    assert_eq!(export["people"][0]["name"], "Dhr. J. de Vries");
    assert_eq!(
        export["help_requests"][0]["for_person"]["consent_via"],
        "phone"
    );
    let actions = audit_of(&app, person).await;
    assert_eq!(
        actions,
        vec![
            "person.claim_code_issued",
            "person.claim_code_issued",
            "person.claimed"
        ]
    );
    // Malformed codes name the field.
    problem_naming(
        app.post_json(
            "/api/v1/me/claims",
            &json!({"code": "0000"}),
            Some(&other.token),
        )
        .await,
        422,
        "code",
    )
    .await;
}

#[actix_web::test]
async fn a_recorded_person_is_exported_and_erased_by_the_municipality() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &offer_body()).await;
    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    let id = recorded["id"].as_str().unwrap();
    let person = recorded["for_person"]["person"]["id"].as_str().unwrap();
    accepted_contact(&app, &vera).await;

    let url = format!("/api/v1/intake/people/{person}");
    let export = json_with_status(app.get_as(&url, &worker.token).await, 200).await;
    assert_eq!(export["person"]["name"], "Dhr. J. de Vries");
    assert_eq!(export["person"]["address_line"], "Oudegracht 1, Utrecht");
    assert_eq!(export["help_requests"][0]["id"], id);
    assert_eq!(
        export["help_requests"][0]["matches"][0]["status"],
        "accepted"
    );
    let actions: Vec<&str> = export["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"help_request.recorded_for"),
        "{actions:?}"
    );
    assert!(actions.contains(&"person.exported"), "{actions:?}");

    let report = json_with_status(app.delete_as(&url, &worker.token).await, 200).await;
    assert_eq!(report["help_requests_anonymised"], 1);
    assert_eq!(report["help_requests_cancelled"], 1);
    assert_eq!(report["matches_ended"], 1);
    // Gone for the municipality; the volunteer's match is called off without the name.
    problem(app.get_as(&url, &worker.token).await, 404).await;
    problem(app.delete_as(&url, &worker.token).await, 404).await;
    let mine = json_with_status(app.get_as("/api/v1/matches", &vera.token).await, 200).await;
    assert_eq!(mine["items"][0]["status"], "cancelled");
    let text = mine.to_string();
    assert!(
        !text.contains("de Vries") && !text.contains("0301234567"),
        "{text}"
    );
    assert!(audit_of(&app, person)
        .await
        .contains(&"person.erased".to_owned()));
}

#[actix_web::test]
async fn a_carer_erasing_their_account_takes_their_records_of_others_along() {
    let app = TestApp::spawn().await;
    let carer = app.resident().await;
    let posted = post_request(&app, &carer, &for_mother("carer")).await;
    let export = json_with_status(app.get_as("/api/v1/me/export", &carer.token).await, 200).await;
    assert_eq!(export["people"][0]["name"], "Mevr. A. Bakker");
    let erased = app
        .client
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&carer.token)
        .json(&json!({"password": crate::helpers::TEST_PASSWORD}))
        .send()
        .await
        .unwrap();
    json_with_status(erased, 200).await;
    let person = posted["for_person"]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = app.state.clone();
    let (name, phone) = actix_web::rt::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use hulpmarkt::db::schema::people;
        let mut conn = state.pool.get().unwrap();
        people::table
            .find(person)
            .select((people::name, people::phone))
            .first::<(String, Option<String>)>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(name, "[geanonimiseerd]");
    assert_eq!(phone, None);
}

#[actix_web::test]
async fn the_statistics_count_each_channel() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let anna = app.resident().await;
    post_request(&app, &anna, &request_body()).await;
    record(&app, &worker, &recorded_for_de_vries()).await;
    let carer = app.resident().await;
    post_request(&app, &carer, &for_mother("carer")).await;
    let mut other = recorded_for_de_vries();
    other["title"] = json!("Hulp bij de tuin");
    other["category"] = json!("tuin");
    record(&app, &worker, &other).await;
    let stats = json_with_status(
        app.get_as("/api/v1/municipalities/GM0344/stats", &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        stats["by_channel"],
        json!({"online": 1, "phone": 2, "carer": 1})
    );
    assert_eq!(stats["total_requests"], 4);
}

#[actix_web::test]
async fn retention_erases_the_people_of_requests_it_anonymised() {
    use hulpmarkt::clock::Clock;
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let carer = app.resident().await;
    let old = record(&app, &worker, &recorded_for_de_vries()).await;
    post_request(&app, &carer, &for_mother("carer")).await;
    let cancel = format!(
        "/api/v1/intake/help-requests/{}/cancel",
        old["id"].as_str().unwrap()
    );
    json_with_status(
        app.post_json(&cancel, &json!({}), Some(&worker.token))
            .await,
        200,
    )
    .await;
    // Thirteen months on, a twelve-month retention: the finished request goes, and so does
    // Mr de Vries's record; the carer's mother's request is still open, so she stays.
    let now = app.clock.now_naive() + chrono::Duration::days(400);
    hulpmarkt::services::privacy::retention(&app.state.pool, now, 12)
        .await
        .expect("retention runs");
    let names = person_names(&app).await;
    assert!(names.contains(&"[geanonimiseerd]".to_owned()), "{names:?}");
    assert!(names.contains(&"Mevr. A. Bakker".to_owned()), "{names:?}");
    assert!(!names.contains(&"Dhr. J. de Vries".to_owned()), "{names:?}");
    // Nothing more to do on a second run.
    assert_eq!(
        hulpmarkt::services::privacy::retention(&app.state.pool, now, 12)
            .await
            .unwrap(),
        0
    );
}

async fn person_names(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::people;
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        people::table
            .order(people::created_at.asc())
            .select(people::name)
            .load::<String>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}
