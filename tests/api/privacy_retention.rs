//! Privacy: retention anonymises only what finished before the period.

use diesel::prelude::*;
use hulpmarkt::db::schema::{case_notes, cases, help_requests, matches};
use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp},
    offers::{offer_body, post_offer},
    privacy::{insert_case, live_match_of, person, with_conn},
};

#[actix_web::test]
async fn retention_anonymises_only_what_finished_before_the_period() {
    let app = TestApp::spawn().await;
    let vera = person(&app, "Vera", &["volunteer"]).await;
    let anna = person(&app, "Anna", &["resident"]).await;
    let worker = app.case_worker("GM0344").await;
    post_offer(&app, &vera.user, &offer_body()).await;
    // Open-ended: the clock moves months on, past the fixture's last date.
    let post = |title: &str, category: &str| {
        let mut body = with(
            with(request_body(), "title", json!(title)),
            "category",
            json!(category),
        );
        body["availability"]["until"] = json!(null);
        body
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
    // Retention as the sweeper and `hulpmarkt retention` run it: in steps, through the writer.
    let pool = app.state.pool.clone();
    let retain = || hulpmarkt::services::privacy::retention(&pool, now, months);
    let changed = retain().await.expect("retention runs");
    assert!(changed >= 3, "request, its match and its case: {changed}");
    assert_eq!(
        retain().await.expect("retention runs"),
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
