//! The workplace's intake screens: a case worker records a request for a resident who is
//! not online through the form, reads it (audited as through the API), makes a claim code
//! and withdraws it; refused input stores nothing; another municipality never sees it.

use serde_json::Value;

use crate::{
    helpers::{json_with_status, TestApp},
    intake::audit_of,
    werkplek_helpers::Browser,
};

/// The fields of a filled-in form (without the CSRF token).
const FILLED: [(&str, &str); 16] = [
    ("name", "Mevrouw A. Bakker"),
    ("phone", "020 123 4567"),
    ("given_via", "phone"),
    ("domain", "wmo"),
    ("category", "boodschappen"),
    ("title", "Boodschappen voor mevrouw Bakker"),
    ("postcode", "1012 AB"),
    ("urgency", "normal"),
    ("dag", "tue"),
    ("dag", "thu"),
    ("start", "09:00"),
    ("end", "12:00"),
    // As a browser sends them: the visit's length as typed, the empty fields too.
    ("session_minutes", "90"),
    ("max_distance_km", "2,5"),
    ("from", ""),
    ("address_line", ""),
];

/// The recorded requests the API lists for `token`.
async fn listed(app: &TestApp, token: &str) -> Vec<Value> {
    let page = json_with_status(app.get_as("/api/v1/intake/help-requests", token).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn a_request_recorded_in_the_form_is_the_apis_and_is_audited_alike() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;
    let form = browser.get("/werkplek/aanvragen/nieuw").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Aanvraag opnemen voor een inwoner"));

    // Half filled in: every missing field is named at once, of the request and the person.
    let half = browser
        .post(
            "/werkplek/aanvragen",
            &[("name", "Mevrouw A. Bakker"), ("session_minutes", "60")],
        )
        .await;
    assert_eq!(half.status, 422, "{}", half.body);
    for input in ["given_via", "domain", "category", "title", "postcode"] {
        let link = format!("href=\"#f-{input}\"");
        assert!(half.body.contains(&link), "{input}: {}", half.body);
    }
    assert!(!half.body.contains("href=\"#f-name\""));

    // The phone is asked for when the rest is in order (the volunteer calls it).
    let no_phone: Vec<(&str, &str)> = FILLED
        .iter()
        .filter(|(k, _)| *k != "phone")
        .copied()
        .collect();
    let page = browser.post("/werkplek/aanvragen", &no_phone).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("href=\"#f-phone\""), "{}", page.body);

    // Refused: without consent and with a postcode of another municipality. The form comes
    // back with what was typed and each field marked; nothing is stored.
    let mut without: Vec<(&str, &str)> = FILLED
        .iter()
        .filter(|(k, _)| *k != "given_via")
        .copied()
        .collect();
    let refused = browser.post("/werkplek/aanvragen", &without).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("href=\"#f-given_via\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Mevrouw A. Bakker\""));
    without.push(("given_via", "paper"));
    for (k, v) in without.iter_mut() {
        if *k == "postcode" {
            *v = "3511";
        }
    }
    let elsewhere = browser.post("/werkplek/aanvragen", &without).await;
    assert_eq!(elsewhere.status, 422, "{}", elsewhere.body);
    assert!(elsewhere.body.contains("aria-invalid=\"true\""));
    assert!(
        elsewhere.body.contains("href=\"#f-postcode\""),
        "{}",
        elsewhere.body
    );
    assert!(listed(&app, &worker.token).await.is_empty());

    // Recorded: the same request the API shows, with both days, the person and the consent.
    let recorded = browser.post("/werkplek/aanvragen", &FILLED).await;
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let location = recorded.location.unwrap();
    let id = location
        .strip_prefix("/werkplek/aanvragen/")
        .and_then(|rest| rest.strip_suffix("?gedaan=opgenomen"))
        .expect("the request's page")
        .to_owned();
    let items = listed(&app, &worker.token).await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["channel"], "phone");
    assert_eq!(item["pc4"], "1012");
    assert_eq!(item["availability"]["slots"].as_array().unwrap().len(), 2);
    assert_eq!(item["availability"]["session_minutes"], 90);
    assert_eq!(item["max_distance_km"], 2.5);
    assert_eq!(item["for_person"]["person"]["name"], "Mevrouw A. Bakker");
    assert_eq!(item["for_person"]["consent_via"], "phone");
    assert_eq!(audit_of(&app, &id).await, ["help_request.recorded_for"]);

    // Reading it in the workplace is audited exactly as reading it through the API.
    let page = browser.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("De aanvraag is opgenomen.") && page.body.contains("0201234567"),
        "{}",
        page.body
    );
    json_with_status(
        app.get_as(&format!("/api/v1/intake/help-requests/{id}"), &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(
        audit_of(&app, &id).await,
        [
            "help_request.recorded_for",
            "help_request.read_recorded",
            "help_request.read_recorded"
        ]
    );

    // A claim code, shown once; then the request is withdrawn.
    let code = browser
        .post(&format!("/werkplek/aanvragen/{id}/code"), &[])
        .await;
    assert_eq!(code.status, 201, "{}", code.body);
    assert!(code.body.contains("class=\"claim-code\""));
    let withdrawn = browser
        .post(&format!("/werkplek/aanvragen/{id}/intrekken"), &[])
        .await;
    assert_eq!(withdrawn.status, 303);
    assert_eq!(listed(&app, &worker.token).await[0]["status"], "cancelled");
    let again = browser
        .post(&format!("/werkplek/aanvragen/{id}/intrekken"), &[])
        .await;
    assert_eq!(again.status, 409, "a second withdrawal is refused");
}

#[actix_web::test]
async fn another_municipality_and_a_form_without_its_token_reach_nothing() {
    let app = TestApp::spawn().await;
    let amsterdam = app.case_worker("GM0363").await;
    let utrecht = app.case_worker("GM0344").await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&amsterdam).await;
    browser.get("/werkplek/aanvragen/nieuw").await;
    let forged = browser.post_raw("/werkplek/aanvragen", &FILLED).await;
    assert_eq!(forged.status, 403);
    assert!(listed(&app, &amsterdam.token).await.is_empty());
    let recorded = browser.post("/werkplek/aanvragen", &FILLED).await;
    let location = recorded.location.expect("recorded");
    let id = location.split(['/', '?']).nth(3).unwrap().to_owned();

    let mut other = Browser::new(&app);
    other.log_in_as(&utrecht).await;
    let list = other.get("/werkplek/aanvragen").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("Bakker"));
    for path in [
        format!("/werkplek/aanvragen/{id}"),
        "/werkplek/aanvragen/geen-id".to_owned(),
    ] {
        assert_eq!(other.get(&path).await.status, 404, "{path}");
    }
    for action in ["code", "intrekken"] {
        let page = other
            .post(&format!("/werkplek/aanvragen/{id}/{action}"), &[])
            .await;
        assert_eq!(page.status, 404, "{action}");
    }
    assert_eq!(listed(&app, &amsterdam.token).await[0]["status"], "open");
    assert_eq!(
        audit_of(&app, &id).await,
        ["help_request.recorded_for"],
        "nothing read, issued or cancelled"
    );
}
