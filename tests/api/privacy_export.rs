//! Privacy: the export holds every row linked to the person, and nothing of others before
//! acceptance.

use std::collections::BTreeSet;

use diesel::prelude::*;
use hulpmarkt::db::schema::audit_log;
use serde_json::{json, Value};

use crate::{
    helpers::TestApp,
    privacy::{seed, with_conn},
};

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
