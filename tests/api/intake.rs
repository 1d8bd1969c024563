//! Requests recorded for someone else: a case worker records the request of a resident
//! without an account (intake by phone), an informal carer posts for the person they care
//! for. Both go through the same matching; the contact after acceptance is the person (or the
//! carer), and the authorisation follows the municipality and the recorder.

use serde_json::{json, Value};

use crate::{
    batch::run_batch,
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, problem, problem_naming, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

/// `request_body()` (Utrecht, groceries) recorded for Mr de Vries, who consented by phone.
pub fn recorded_for_de_vries() -> Value {
    with(
        request_body(),
        "for_person",
        json!({"name": "Dhr. J. de Vries", "phone": "030 123 4567",
               "address_line": "Oudegracht 1, Utrecht", "consent": {"given_via": "phone"}}),
    )
}

/// Records `body` as `worker` and returns the answer (asserting 201).
pub async fn record(app: &TestApp, worker: &TestUser, body: &Value) -> Value {
    let response = app
        .post_json("/api/v1/help-requests", body, Some(&worker.token))
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let recorded = json_with_status(response, 201).await;
    let id = recorded["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/intake/help-requests/{id}"));
    recorded
}

async fn accept_first_proposal(app: &TestApp, volunteer: &TestUser) -> Value {
    let mine = json_with_status(app.get_as("/api/v1/matches", &volunteer.token).await, 200).await;
    let id = mine["items"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_owned();
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{id}/accept"),
            &json!({}),
            Some(&volunteer.token),
        )
        .await,
        200,
    )
    .await
}

#[actix_web::test]
async fn a_case_worker_records_a_request_by_phone_and_passes_the_volunteer_on() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &offer_body()).await;

    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    assert_eq!(recorded["channel"], "phone");
    assert_eq!(recorded["status"], "proposed", "matched like any request");
    assert_eq!(recorded["consent_municipality"], true);
    assert_eq!(recorded["municipal_fallback"], true);
    let person = &recorded["for_person"];
    assert_eq!(person["person"]["name"], "Dhr. J. de Vries");
    assert_eq!(person["person"]["phone"], "0301234567", "normalised");
    assert_eq!(person["person"]["claimed"], false);
    assert_eq!(person["recorded_by_role"], "case_worker");
    assert_eq!(person["consent_via"], "phone");
    assert_eq!(person["contact"], "person");
    let id = recorded["id"].as_str().unwrap();

    // The volunteer accepts and reaches Mr de Vries himself, not the case worker.
    let accepted = accept_first_proposal(&app, &vera).await;
    assert_eq!(accepted["contact"]["display_name"], "Dhr. J. de Vries");
    assert_eq!(accepted["contact"]["phone"], "0301234567");
    assert!(accepted["contact"]["email"].is_null());

    // The case worker sees the accepted match with the volunteer's contact to pass on.
    let url = format!("/api/v1/intake/help-requests/{id}");
    let read = json_with_status(app.get_as(&url, &worker.token).await, 200).await;
    assert_eq!(read["status"], "matched");
    assert_eq!(read["matches"][0]["status"], "accepted");
    assert_eq!(
        read["matches"][0]["contact"]["display_name"],
        vera.name.as_str()
    );
    let listed = json_with_status(
        app.get_as("/api/v1/intake/help-requests", &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], id);
    let to_pass_on = "/api/v1/intake/help-requests?status=matched";
    let matched = json_with_status(app.get_as(to_pass_on, &worker.token).await, 200).await;
    assert_eq!(matched["total"], 1);
    let waiting = "/api/v1/intake/help-requests?status=open";
    let open = json_with_status(app.get_as(waiting, &worker.token).await, 200).await;
    assert_eq!(open["total"], 0);
    let wrong = "/api/v1/intake/help-requests?status=klaar";
    problem_naming(app.get_as(wrong, &worker.token).await, 422, "status").await;

    // Who recorded what for whom, and each read of it, is in the audit log.
    let actions = audit_of(&app, id).await;
    assert!(
        actions.contains(&"help_request.recorded_for".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"help_request.read_recorded".to_owned()),
        "{actions:?}"
    );

    // The person calls it off through the case worker: the volunteer's match ends.
    let cancelled = json_with_status(
        app.post_json(&format!("{url}/cancel"), &json!({}), Some(&worker.token))
            .await,
        200,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["matches"][0]["status"], "cancelled");
}

/// The audit actions about `object_id`, read from the database.
pub async fn audit_of(app: &TestApp, object_id: &str) -> Vec<String> {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::audit_log;
    let (state, id) = (app.state.clone(), object_id.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        audit_log::table
            .filter(audit_log::object_id.eq(id))
            .order(audit_log::occurred_at.asc())
            .select(audit_log::action)
            .load::<String>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn another_municipality_and_other_roles_never_reach_a_recorded_request() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    let id = recorded["id"].as_str().unwrap();
    let person = recorded["for_person"]["person"]["id"].as_str().unwrap();
    let url = format!("/api/v1/intake/help-requests/{id}");

    let amsterdam = app.case_worker("GM0363").await;
    problem(app.get_as(&url, &amsterdam.token).await, 404).await;
    let cancel = format!("{url}/cancel");
    problem(
        app.post_json(&cancel, &json!({}), Some(&amsterdam.token))
            .await,
        404,
    )
    .await;
    let theirs = json_with_status(
        app.get_as("/api/v1/intake/help-requests", &amsterdam.token)
            .await,
        200,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    for path in [format!("/api/v1/intake/people/{person}")] {
        problem(app.get_as(&path, &amsterdam.token).await, 404).await;
        problem(app.delete_as(&path, &amsterdam.token).await, 404).await;
    }
    let code = format!("/api/v1/intake/people/{person}/claim-code");
    problem(
        app.post_json(&code, &json!({}), Some(&amsterdam.token))
            .await,
        404,
    )
    .await;
    // Amsterdam's case worker cannot reuse Utrecht's person either.
    let reuse = with(
        with(request_body(), "postcode", json!("1012")),
        "for_person",
        json!({"person_id": person, "consent": {"given_via": "phone"}}),
    );
    problem(
        app.post_json("/api/v1/help-requests", &reuse, Some(&amsterdam.token))
            .await,
        404,
    )
    .await;

    // A resident, even the one who will claim it later, sees nothing before claiming.
    let anna = app.resident().await;
    problem(app.get_as(&url, &anna.token).await, 403).await;
    problem(
        app.get_as(&format!("/api/v1/help-requests/{id}"), &anna.token)
            .await,
        404,
    )
    .await;
    // A case worker records only in their own municipality, and only with the person as
    // contact; a case worker's own request without `for_person` is still refused.
    let elsewhere = with(recorded_for_de_vries(), "postcode", json!("1012"));
    problem_naming(
        app.post_json("/api/v1/help-requests", &elsewhere, Some(&worker.token))
            .await,
        422,
        "postcode",
    )
    .await;
    let mut via_carer = recorded_for_de_vries();
    via_carer["for_person"]["contact"] = json!("carer");
    problem_naming(
        app.post_json("/api/v1/help-requests", &via_carer, Some(&worker.token))
            .await,
        422,
        "for_person.contact",
    )
    .await;
    problem(
        app.post_json(
            "/api/v1/help-requests",
            &request_body(),
            Some(&worker.token),
        )
        .await,
        403,
    )
    .await;
    let mut no_phone = recorded_for_de_vries();
    no_phone["for_person"]
        .as_object_mut()
        .unwrap()
        .remove("phone");
    problem_naming(
        app.post_json("/api/v1/help-requests", &no_phone, Some(&worker.token))
            .await,
        422,
        "for_person.phone",
    )
    .await;
    // A volunteer cannot post for anyone.
    let vera = app.volunteer().await;
    problem(
        app.post_json(
            "/api/v1/help-requests",
            &recorded_for_de_vries(),
            Some(&vera.token),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(crate::help_requests::count(&app, "help_requests").await, 1);
}

#[actix_web::test]
async fn the_same_need_gets_the_same_proposal_online_and_recorded_by_phone() {
    // Two services with the same volunteers, one need posted online in one and recorded by
    // phone in the other: the same volunteer is proposed, with the same score and reasons.
    let mut proposals = Vec::new();
    for recorded in [false, true] {
        let app = TestApp::spawn().await;
        for pc4 in ["3581", "3511"] {
            let volunteer = app.volunteer().await;
            post_offer(
                &app,
                &volunteer,
                &with(offer_body(), "postcode", json!(pc4)),
            )
            .await;
        }
        let worker = app.case_worker("GM0344").await;
        let posted = if recorded {
            record(&app, &worker, &recorded_for_de_vries()).await
        } else {
            let anna = app.resident().await;
            post_request(&app, &anna, &request_body()).await
        };
        let id = posted["id"].as_str().unwrap();
        assert_eq!(posted["channel"], if recorded { "phone" } else { "online" });
        assert_eq!(posted["status"], "proposed");
        proposals.push(proposal_of(&app, id).await);
    }
    assert_eq!(proposals[0], proposals[1]);
    assert_eq!(proposals[0].0, "3511", "the nearest volunteer");
}

/// `(offer PC4, score, explanation)` of the live proposal of request `id`.
async fn proposal_of(app: &TestApp, id: &str) -> (String, f64, String) {
    use diesel::prelude::*;
    use hulpmarkt::db::schema::{matches, offers};
    let (state, id) = (app.state.clone(), id.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        matches::table
            .inner_join(offers::table)
            .filter(matches::request_id.eq(id))
            .select((offers::pc4, matches::score, matches::explanation))
            .first::<(String, f64, String)>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn the_batch_treats_recorded_requests_exactly_as_posted_ones() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let anna = app.resident().await;
    // Nobody can help yet: both wait open.
    let online = post_request(&app, &anna, &request_body()).await;
    let by_phone = record(&app, &worker, &recorded_for_de_vries()).await;
    assert_eq!(online["status"], "open");
    assert_eq!(by_phone["status"], "open");
    // A volunteer with room for both comes; the batch proposes both to them, alike.
    let vera = app.volunteer().await;
    let mut offer = with(offer_body(), "capacity", json!(2));
    offer["postcode"] = json!("3511");
    // Posting the offer proposes it at once (incremental); the batch must keep or redo that.
    post_offer(&app, &vera, &offer).await;
    run_batch(&app).await;
    let a = proposal_of(&app, online["id"].as_str().unwrap()).await;
    let b = proposal_of(&app, by_phone["id"].as_str().unwrap()).await;
    assert_eq!(a.0, "3511");
    assert_eq!(a, b);
}

#[actix_web::test]
async fn a_recorded_request_nobody_can_serve_becomes_a_case_with_the_persons_contact() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    assert_eq!(recorded["status"], "open", "no volunteer in Utrecht yet");
    app.clock.advance(chrono::Duration::days(4));
    assert_eq!(crate::cases::sweep(&app).await.escalated, 1);
    let id = recorded["id"].as_str().unwrap();
    let case = crate::cases::case_for(&app, &worker, id).await;
    let shown = crate::cases::read_case(&app, &worker, &case).await;
    let request = &shown["request"];
    assert_eq!(request["requester"]["display_name"], "Dhr. J. de Vries");
    assert_eq!(request["requester"]["phone"], "0301234567");
    assert_eq!(request["for_person"]["recorded_by_role"], "case_worker");
    assert_eq!(
        request["for_person"]["person"]["address_line"],
        "Oudegracht 1, Utrecht"
    );
    // The case worker who recorded it can still call it off for the person: the case closes.
    let cancel = format!("/api/v1/intake/help-requests/{id}/cancel");
    let done = json_with_status(
        app.post_json(&cancel, &json!({}), Some(&worker.token))
            .await,
        200,
    )
    .await;
    assert_eq!(done["status"], "cancelled");
    let closed = crate::cases::read_case(&app, &worker, &case).await;
    assert_eq!(closed["status"], "resolved");
    assert_eq!(closed["outcome"]["outcome"], "closed");
}

#[actix_web::test]
async fn the_case_worker_changes_a_recorded_request_when_the_resident_calls_back() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0344").await;
    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    let url = format!(
        "/api/v1/intake/help-requests/{}",
        recorded["id"].as_str().unwrap()
    );
    let thursday = json!({"title": "Boodschappen op donderdag",
        "availability": {"slots": [{"weekday": "thu", "start": "14:00", "end": "17:00"}]},
        "consent_municipality": false});
    let changed = json_with_status(app.patch_json(&url, &thursday, &worker.token).await, 200).await;
    assert_eq!(changed["title"], "Boodschappen op donderdag");
    assert_eq!(changed["availability"]["slots"][0]["weekday"], "thu");
    assert_eq!(
        changed["consent_municipality"], true,
        "the municipality recorded it"
    );
    assert_eq!(changed["for_person"]["person"]["name"], "Dhr. J. de Vries");
    let elsewhere = json!({"postcode": "1012"});
    problem_naming(
        app.patch_json(&url, &elsewhere, &worker.token).await,
        422,
        "postcode",
    )
    .await;
    let amsterdam = app.case_worker("GM0363").await;
    problem(app.patch_json(&url, &thursday, &amsterdam.token).await, 404).await;
    let again = json_with_status(app.get_as(&url, &worker.token).await, 200).await;
    assert_eq!(
        again["pc4"], "3512",
        "nothing of the refused changes stored"
    );
}
