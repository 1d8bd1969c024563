//! The workplace's screens do what the JSON API does, through the same services: the queue
//! filters, counts and searches (never by a title the resident did not consent to show); a
//! case shows what consent allows and is audited as `case.read` like `GET /cases/{id}`; the
//! decisions (claim, note, each outcome) change the case; a lost race reads as such; bad
//! input names its field and stores nothing.

use serde_json::json;

use crate::{
    cases::{amsterdam_offer, audit_actions, my_request, read_case},
    helpers::TestApp,
    offers::post_offer,
    werkplek_helpers::{escalated_case, Browser},
};

#[actix_web::test]
async fn the_queue_filters_counts_and_searches_only_what_consent_shows() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let (anna, bert) = (app.resident().await, app.resident().await);
    let shown = escalated_case(&app, &anna, &worker, "Boodschappen voor oma", true).await;
    let hidden = escalated_case(&app, &bert, &worker, "Geheime boodschappen", false).await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;

    let all = browser.get("/werkplek/zaken").await;
    assert!(all.body.contains("2 zaken"), "{}", all.body);
    assert!(all.body.contains("Boodschappen voor oma"));
    assert!(
        !all.body.contains("Geheime"),
        "a title without consent never shows"
    );
    assert!(
        all.body.contains("Inwoner vroeg de gemeente (2)"),
        "counts per reason"
    );
    assert!(all.body.contains("Wmo 2015 (2)") && all.body.contains("Jeugdwet (0)"));
    assert!(all.body.contains("0 minuten") || all.body.contains("1 minuut"));

    let found = browser.get("/werkplek/zaken?q=oma").await;
    assert!(found.body.contains("1 zaak") && found.body.contains(&shown));
    let not_by_hidden_title = browser.get("/werkplek/zaken?q=geheime").await;
    assert!(not_by_hidden_title.body.contains("0 zaken"));
    let number = hidden[hidden.len() - 8..].to_uppercase();
    let by_number = browser.get(&format!("/werkplek/zaken?q={number}")).await;
    assert!(by_number.body.contains("1 zaak") && by_number.body.contains(&hidden));

    let other_pc4 = browser.get("/werkplek/zaken?pc4=3511").await;
    assert!(other_pc4.body.contains("0 zaken"));
    assert!(browser
        .get("/werkplek/zaken?pc4=1012&domain=wmo&reason=resident_request")
        .await
        .body
        .contains("2 zaken"));
    let jeugd = browser.get("/werkplek/zaken?domain=jeugdwet").await;
    assert!(jeugd.body.contains("0 zaken") && jeugd.body.contains("Inwoner vroeg de gemeente (0)"));

    browser.get(&format!("/werkplek/zaken/{shown}")).await;
    browser
        .post(&format!("/werkplek/zaken/{shown}/oppakken"), &[])
        .await;
    let mine = browser.get("/werkplek/zaken?mine=1").await;
    assert!(
        mine.body.contains("1 zaak") && mine.body.contains(&shown),
        "{}",
        mine.body
    );
    let in_progress = browser.get("/werkplek/zaken?status=in_progress").await;
    assert!(in_progress.body.contains("In behandeling (1)") && in_progress.body.contains("1 zaak"));

    for (query, field) in [
        ("pc4=12a4", "Postcode"),
        ("domain=zorg", "Wet"),
        ("page=0", "Pagina"),
    ] {
        let bad = browser.get(&format!("/werkplek/zaken?{query}")).await;
        assert_eq!(bad.status, 400, "{query}");
        assert!(
            bad.body.contains(field),
            "{query} names {field}: {}",
            bad.body
        );
    }
}

#[actix_web::test]
async fn a_case_shows_what_consent_allows_and_is_audited_like_the_api() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let (anna, bert) = (app.resident().await, app.resident().await);
    let with_consent = escalated_case(&app, &anna, &worker, "Boodschappen na operatie", true).await;
    let without = escalated_case(&app, &bert, &worker, "Hulp na heupoperatie", false).await;
    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;

    let page = browser.get(&format!("/werkplek/zaken/{without}")).await;
    assert_eq!(page.status, 200);
    for secret in [
        "heupoperatie",
        bert.name.as_str(),
        bert.email.as_str(),
        "+31612345678",
        "supermarkt",
    ] {
        assert!(!page.body.contains(secret), "{secret} leaked");
    }
    assert!(page.body.contains("geen toestemming gegeven"));
    assert!(page.body.contains("Boodschappen") && page.body.contains("1012"));

    let page = browser
        .get(&format!("/werkplek/zaken/{with_consent}"))
        .await;
    for shown in [
        "Boodschappen na operatie",
        anna.name.as_str(),
        "+31612345678",
        "supermarkt",
    ] {
        assert!(page.body.contains(shown), "{shown} missing");
    }
    let reads = audit_actions(&app, &worker, &with_consent).await;
    let page_reads = reads.iter().filter(|(a, _)| a == "case.read").count();
    assert_eq!(page_reads, 1, "one page view, one case.read: {reads:?}");
    read_case(&app, &worker, &with_consent).await;
    let reads = audit_actions(&app, &worker, &with_consent).await;
    assert_eq!(reads.iter().filter(|(a, _)| a == "case.read").count(), 2);

    let trail = browser
        .get(&format!("/werkplek/zaken/{with_consent}/logboek"))
        .await;
    assert_eq!(trail.status, 200);
    assert!(trail.body.contains("Zaak bekeken") && trail.body.contains("Naar de gemeente gegaan"));
    let reads = audit_actions(&app, &worker, &with_consent).await;
    assert!(reads.iter().any(|(a, _)| a == "case.audit_read"));
}

#[actix_web::test]
async fn each_outcome_resolves_the_case_through_the_same_services() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let colleague = app.case_worker("GM0363").await;
    let vera = app.volunteer().await;
    let far = post_offer(&app, &vera, &amsterdam_offer("1102", 15.0, "tue")).await;
    let far_id = far["id"].as_str().unwrap().to_owned();
    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;

    // (outcome, its fields, the request's status after it)
    type Outcome<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let outcomes: [Outcome; 4] = [
        (
            "assigned_volunteer",
            vec![("offer_id", far_id.as_str())],
            "proposed",
        ),
        (
            "referred_formal",
            vec![("formal_category", "iwmo:06")],
            "referred",
        ),
        (
            "returned_to_marketplace",
            vec![("max_distance_km", "20")],
            "proposed",
        ),
        (
            "closed",
            vec![("note", "Uw vraag is door de buurtcoach opgepakt.")],
            "closed",
        ),
    ];
    for (i, (outcome, fields, request_status)) in outcomes.into_iter().enumerate() {
        let resident = app.resident().await;
        let title = format!("Boodschappen nummer {i}");
        let case = escalated_case(&app, &resident, &worker, &title, true).await;
        let path = format!("/werkplek/zaken/{case}");
        let page = browser.get(&path).await;
        if outcome == "assigned_volunteer" {
            assert!(
                page.body.contains("Afstand: de vrijwilliger moet"),
                "a wider-radius card"
            );
            assert!(page.body.contains("di 09:00–12:00") && page.body.contains("0 / 3"));
        }
        let claimed = browser.post(&format!("{path}/oppakken"), &[]).await;
        assert_eq!(claimed.status, 303);
        let note = browser
            .post(
                &format!("{path}/notities"),
                &[("body", "Gebeld, geen gehoor.")],
            )
            .await;
        assert_eq!(note.status, 303);
        let page = browser.get(&note.location.unwrap()).await;
        assert!(page.body.contains("Gebeld, geen gehoor.") && page.body.contains("Gelukt."));
        let mut form = vec![("outcome", outcome)];
        form.extend(fields);
        let done = browser.post(&format!("{path}/afronden"), &form).await;
        assert_eq!(done.status, 303, "{outcome}: {}", done.body);
        let view = read_case(&app, &worker, &case).await;
        assert_eq!(view["status"], "resolved");
        assert_eq!(view["outcome"]["outcome"], outcome);
        let request_id = view["request"]["id"].as_str().unwrap().to_owned();
        let request = my_request(&app, &resident, &request_id).await;
        assert_eq!(request["status"], request_status, "{outcome}");
        let page = browser.get(&path).await;
        assert!(page.body.contains("Afgerond") && !page.body.contains("/afronden\""));
    }

    // A lost race: the colleague claimed first. The page says so, with 409.
    let resident = app.resident().await;
    let case = escalated_case(&app, &resident, &worker, "Boodschappen als laatste", true).await;
    let path = format!("/werkplek/zaken/{case}");
    browser.get(&path).await;
    crate::cases::act(&app, &colleague, &case, "claim", json!({})).await;
    let late = browser.post(&format!("{path}/oppakken"), &[]).await;
    assert_eq!(late.status, 409);
    assert!(
        late.body.contains("Iemand anders was u voor"),
        "{}",
        late.body
    );
    assert!(
        late.body.contains("Zaak overnemen"),
        "the page shows the case as it is now"
    );

    // Bad input names the field and stores nothing.
    let taken = browser
        .post(
            &format!("{path}/overnemen"),
            &[("from", &colleague.id), ("reason", "ziek")],
        )
        .await;
    assert_eq!(taken.status, 400);
    assert!(taken.body.contains("Reden"), "{}", taken.body);
    let empty_note = browser
        .post(&format!("{path}/notities"), &[("body", "  ")])
        .await;
    assert_eq!(empty_note.status, 400);
    assert!(empty_note.body.contains("Notitie"));
    let over = browser
        .post(
            &format!("{path}/overnemen"),
            &[("from", &colleague.id), ("reason", "on_leave")],
        )
        .await;
    assert_eq!(over.status, 303);
    let view = read_case(&app, &worker, &case).await;
    assert_eq!(view["assigned_to"], worker.id.as_str());
    assert!(view["notes"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn the_dashboard_gives_the_apis_figures_a_map_and_the_same_csv() {
    let app = TestApp::spawn().await;
    let worker = app.case_worker("GM0363").await;
    let utrecht = app.case_worker("GM0344").await;
    let (anna, bert) = (app.resident().await, app.resident().await);
    let first = escalated_case(&app, &anna, &worker, "Boodschappen voor de buurvrouw", true).await;
    escalated_case(&app, &bert, &worker, "Boodschappen na ziekenhuis", false).await;
    app.clock.advance(chrono::Duration::minutes(90));
    crate::cases::act(&app, &worker, &first, "claim", json!({})).await;
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &amsterdam_offer("1102", 15.0, "wed")).await;
    let api = crate::helpers::json_with_status(
        app.get_as("/api/v1/municipalities/GM0363/stats", &worker.token)
            .await,
        200,
    )
    .await;
    assert_eq!(api["total_requests"], 2);
    assert_eq!(api["escalated_requests"], 2);

    let mut browser = Browser::new(&app);
    browser.log_in_as(&worker).await;
    let page = browser.get("/werkplek/cijfers").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Cijfers van de gemeente"));
    assert!(
        page.body.contains("Inwoner vroeg de gemeente</td><td>2"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<title>1012: 2</title>"),
        "the map marks PC4 1012"
    );
    assert!(
        page.body.contains("Boodschappen</td><td>1</td><td>2"),
        "supply 1, demand 2"
    );
    let csv = browser.get("/werkplek/cijfers.csv?from=&to=").await;
    assert_eq!(csv.status, 200);
    for line in [
        "total_requests,,2",
        "escalated_by_reason,resident_request,2",
        "active_offers,boodschappen,1",
        "waiting_requests,boodschappen,2",
        "waiting_requests_pc4,1012,2",
        "cases_opened,,2",
        "median_hours_to_claim,,1.500",
    ] {
        assert!(
            csv.body.lines().any(|l| l == line),
            "{line} in {}",
            csv.body
        );
    }
    let bad = browser.get("/werkplek/cijfers?from=gisteren").await;
    assert_eq!(bad.status, 400);

    let mut other = Browser::new(&app);
    other.log_in_as(&utrecht).await;
    let theirs = other.get("/werkplek/cijfers.csv").await;
    assert!(
        theirs.body.lines().any(|l| l == "total_requests,,0"),
        "{}",
        theirs.body
    );
}
