//! Notifications end to end: every kind of event reaches its recipient on each enabled
//! channel exactly once, in the recipient's language, through a real SMTP server and a real
//! webhook receiver that verifies the Standard Webhooks signature.

use std::collections::BTreeSet;

use chrono::Duration;
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with, ClockNaive},
    helpers::json_with_status,
    notification_helpers::{
        app_with_mail, case_of, delivery_statuses, dispatch_all, email_of, live_match, post_ok,
        register_webhook, smtp_sink::SmtpSink, stored_notifications,
        webhook_receiver::WebhookReceiver,
    },
    offers::{offer_body, post_offer},
};

#[actix_web::test]
async fn every_kind_reaches_its_recipient_once_by_mail_and_webhook_in_their_language() {
    let mut sink = SmtpSink::start();
    let receiver = WebhookReceiver::start("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    let app = app_with_mail(&sink).await;
    let admin = app.admin().await;
    register_webhook(&app, &admin, "GM0344", &receiver).await;
    let (resident, volunteer) = (app.resident().await, app.volunteer().await);
    let worker = app.case_worker("GM0344").await;
    let prefs = app
        .patch_json(
            "/api/v1/me/notification-preferences",
            &json!({"language": "en"}),
            &volunteer.token,
        )
        .await;
    assert_eq!(json_with_status(prefs, 200).await["language"], "en");
    post_offer(&app, &volunteer, &with(offer_body(), "capacity", json!(10))).await;

    // Accepted, then completed: the resident hears both, the volunteer the completion.
    let a = post_request(&app, &resident, &request_body()).await;
    let m = live_match(&app, &resident, &a).await;
    post_ok(
        &app,
        &format!("/api/v1/matches/{m}/accept"),
        json!({}),
        &volunteer.token,
    )
    .await;
    post_ok(
        &app,
        &format!("/api/v1/matches/{m}/complete"),
        json!({}),
        &resident.token,
    )
    .await;
    // Declined: the resident hears it.
    let b = post_request(
        &app,
        &resident,
        &with(request_body(), "title", json!("Hulp bij boodschappen")),
    )
    .await;
    post_ok(
        &app,
        &format!(
            "/api/v1/matches/{}/decline",
            live_match(&app, &resident, &b).await
        ),
        json!({}),
        &volunteer.token,
    )
    .await;
    // Accepted, then called off by the resident: the volunteer hears it.
    let c = post_request(
        &app,
        &resident,
        &with(request_body(), "title", json!("Samen naar de markt")),
    )
    .await;
    let mc = live_match(&app, &resident, &c).await;
    post_ok(
        &app,
        &format!("/api/v1/matches/{mc}/accept"),
        json!({}),
        &volunteer.token,
    )
    .await;
    post_ok(
        &app,
        &format!("/api/v1/matches/{mc}/cancel"),
        json!({}),
        &resident.token,
    )
    .await;
    // Left unanswered: reminded at 37 h, lapsed at 49 h, escalated as proposal_timeout later.
    let d = post_request(
        &app,
        &resident,
        &with(request_body(), "title", json!("Wie haalt mijn pakketje?")),
    )
    .await;
    // In Amsterdam, where nobody offers help and requests wait 30 days before escalating.
    let amsterdam = json!({"grace_hours_normal": 720, "grace_hours_high": 720, "vog_max_age_months": 36, "retention_months": 12});
    json_with_status(
        app.put_json(
            "/api/v1/municipalities/GM0363/settings",
            &amsterdam,
            &admin.token,
        )
        .await,
        200,
    )
    .await;
    let e = post_request(
        &app,
        &resident,
        &with(request_body(), "postcode", json!("1012")),
    )
    .await;
    assert_eq!(e["status"], "open");

    app.clock.advance(Duration::hours(37));
    assert_eq!(
        app.sweep().await.reminders.proposals,
        1,
        "the open proposal of request d"
    );
    app.clock.advance(Duration::hours(12));
    let swept = app.sweep().await;
    assert_eq!(swept.expired, 1);
    assert_eq!(
        swept.escalated, 2,
        "b and c (back on the market) escalate after their grace"
    );
    app.clock.advance(Duration::hours(49));
    assert_eq!(app.sweep().await.escalated, 1, "d escalates after its own");
    let case_d = case_of(&app, &worker, d["id"].as_str().unwrap()).await;
    let case_b = case_of(&app, &worker, b["id"].as_str().unwrap()).await;
    app.clock.advance(Duration::hours(24));
    assert_eq!(
        app.sweep().await.reminders.cases,
        2,
        "the cases of b and c wait over 72 h"
    );
    // A VOG that ends within 30 days.
    let issued = (app.clock_naive() - Duration::days(3 * 365 - 10)).date();
    let vog = app
        .put_json(
            &format!("/api/v1/users/{}/vog", volunteer.id),
            &json!({"issued_on": issued}),
            &worker.token,
        )
        .await;
    json_with_status(vog, 200).await;
    app.clock.advance(Duration::hours(48));
    let reminders = app.sweep().await.reminders;
    assert_eq!(
        (reminders.vogs, reminders.still_need_help),
        (1, 1),
        "{reminders:?}"
    );

    // b and d claimed; d given to a second volunteer by the case worker.
    for case in [&case_b, &case_d] {
        post_ok(
            &app,
            &format!("/api/v1/cases/{case}/claim"),
            json!({}),
            &worker.token,
        )
        .await;
    }
    // b handed to a colleague, who refers it to formal care: the colleague hears of it.
    let colleague = app.case_worker("GM0344").await;
    post_ok(
        &app,
        &format!("/api/v1/cases/{case_b}/handover"),
        json!({"to": colleague.id}),
        &worker.token,
    )
    .await;
    let referral = json!({"outcome": "referred_formal", "formal_category": {"standard": "iwmo", "code": "06"},
        "note": "U krijgt hulp via het wijkteam."});
    post_ok(
        &app,
        &format!("/api/v1/cases/{case_b}/resolve"),
        referral,
        &colleague.token,
    )
    .await;
    let second = app.volunteer().await;
    let offer = post_offer(&app, &second, &offer_body()).await;
    let assign = json!({"outcome": "assigned_volunteer", "offer_id": offer["id"]});
    post_ok(
        &app,
        &format!("/api/v1/cases/{case_d}/resolve"),
        assign,
        &worker.token,
    )
    .await;

    // A tutor with a VOG helps a child; the VOG is revoked: the case workers hear of it.
    let tutor = app.volunteer().await;
    let homework = json!({"categories": ["huiswerkbegeleiding"], "postcode": "3511",
        "radius_km": 10, "remote_ok": false, "availability": {"slots": []}, "capacity": 1, "note": ""});
    post_offer(&app, &tutor, &homework).await;
    let tutor_vog = format!("/api/v1/users/{}/vog", tutor.id);
    let today = app.clock_naive().date().to_string();
    let recorded = app
        .put_json(&tutor_vog, &json!({"issued_on": today}), &worker.token)
        .await;
    json_with_status(recorded, 200).await;
    let child = json!({"domain": "jeugdwet", "category": "huiswerkbegeleiding",
        "title": "Wiskunde", "description": "Voor mijn dochter.", "postcode": "3512",
        "involves_minor": true, "availability": {"slots": []}, "consent_municipality": true});
    let e = post_request(&app, &resident, &child).await;
    let m = live_match(&app, &resident, &e).await;
    post_ok(
        &app,
        &format!("/api/v1/matches/{m}/accept"),
        json!({}),
        &tutor.token,
    )
    .await;
    post_ok(
        &app,
        &format!("{tutor_vog}/revoke"),
        json!({"reason": "withdrawn_by_issuer"}),
        &worker.token,
    )
    .await;

    // A request the case worker recorded for a resident without an account: the volunteer
    // says yes, and the case worker who recorded it hears so, to pass it on.
    let recorded =
        crate::intake::record(&app, &worker, &crate::intake::recorded_for_de_vries()).await;
    let read = app
        .get_as(
            &format!(
                "/api/v1/intake/help-requests/{}",
                recorded["id"].as_str().unwrap()
            ),
            &worker.token,
        )
        .await;
    let read = json_with_status(read, 200).await;
    let m = read["matches"][0]["id"]
        .as_str()
        .expect("proposed")
        .to_owned();
    post_ok(
        &app,
        &format!("/api/v1/matches/{m}/accept"),
        json!({}),
        &volunteer.token,
    )
    .await;

    // Someone registers the volunteer's address again: the owner hears of it.
    let again = json!({"email": volunteer.email, "password": "Een-ander-wachtwoord-77",
        "display_name": "Iemand", "roles": ["resident"]});
    let registered = app.post_json("/api/v1/auth/register", &again, None).await;
    assert_eq!(registered.status(), 202);

    let report = dispatch_all(&app).await;
    assert_eq!((report.retrying, report.failed), (0, 0), "{report:?}");
    assert_eq!(
        app.dispatch().await,
        Default::default(),
        "nothing is sent twice"
    );

    let stored = stored_notifications(&app).await;
    let kinds: BTreeSet<&str> = stored.iter().map(|n| n.0.as_str()).collect();
    // The e-mail-only kinds (a reset or verification link) have tests of their own.
    let all: BTreeSet<&str> = hulpmarkt::domain::NotificationKind::ALL
        .iter()
        .filter(|k| !k.email_only())
        .map(|k| k.as_str())
        .collect();
    assert_eq!(kinds, all, "every kind happened");

    // E-mail: one per notification to a person, to their address, in their language.
    let mails = sink.messages();
    let personal: Vec<_> = stored.iter().filter(|n| n.1.is_some()).collect();
    assert_eq!(mails.len(), personal.len(), "one e-mail per notification");
    let ids: BTreeSet<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        mails.len(),
        "every e-mail is a different delivery"
    );
    for (who, language) in [(&resident, "nl"), (&volunteer, "en"), (&worker, "nl")] {
        let address = email_of(&app, &who.id).await;
        let expected = personal
            .iter()
            .filter(|n| n.1.as_deref() == Some(who.id.as_str()))
            .count();
        let theirs: Vec<_> = mails
            .iter()
            .filter(|m| m.recipients == [address.clone()])
            .collect();
        assert_eq!(theirs.len(), expected, "mails to {address}");
        assert!(theirs
            .iter()
            .all(|m| m.header("Content-Language").as_deref() == Some(language)));
    }
    let to_volunteer: Vec<_> = mails
        .iter()
        .filter(|m| m.header("Subject").is_some_and(|s| s.contains("help")))
        .collect();
    assert!(
        !to_volunteer.is_empty(),
        "English subjects for the volunteer"
    );
    assert!(
        mails
            .iter()
            .all(|m| !m.data.contains("Wie haalt mijn pakketje")),
        "no request title in e-mail unless the municipality allows it"
    );

    // Webhooks: one per notification of Utrecht not meant for one case worker, verified.
    let expected: Vec<_> = stored
        .iter()
        .filter(|n| n.3 == "GM0344" && n.2 != "case_worker")
        .collect();
    let hooks = receiver.received();
    assert_eq!(
        hooks.len(),
        expected.len(),
        "one webhook call per notification"
    );
    assert!(
        receiver.attempts().iter().all(|a| a.verified),
        "every call signed"
    );
    let hook_ids: BTreeSet<&str> = hooks.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(hook_ids.len(), hooks.len());
    for hook in &hooks {
        let body = hook.json();
        assert!(all.contains(body["type"].as_str().unwrap()), "{body}");
        assert_eq!(body["data"]["municipality_code"], "GM0344");
        assert_eq!(
            body["data"]["title"],
            Value::Null,
            "no title unless allowed"
        );
        assert!(
            !hook.json().to_string().contains("operatie"),
            "no description in a webhook"
        );
    }
    let statuses = delivery_statuses(&app).await;
    assert!(
        statuses.keys().all(|(_, status)| status == "delivered"),
        "{statuses:?}"
    );
    sink.stop();
}
