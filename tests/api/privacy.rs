//! Privacy by design (AVG): the people and the seeded world the privacy tests act on (erasure
//! in `privacy_erasure`, the export in `privacy_export`, retention in `privacy_retention`).

use diesel::prelude::*;
use hulpmarkt::db::{
    schema::{case_notes, cases},
    DbConnection,
};
use serde_json::{json, Value};

use crate::{
    help_requests::{post_request, request_body, with},
    helpers::{json_with_status, TestApp, TestUser},
    offers::{offer_body, post_offer},
};

/// A registered person whose every datum is unique, so a search can find it anywhere.
pub struct Person {
    pub user: TestUser,
    pub phone: String,
}

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

pub async fn person(app: &TestApp, first_name: &str, roles: &[&str]) -> Person {
    let n = unique();
    let email = format!("{}-{n}@example.nl", first_name.to_lowercase());
    let name = format!("{first_name} {}", &n[..8]);
    let password = format!("Geheim-{n}-zin");
    let digits: u64 = u64::from_str_radix(&n[..7], 16).unwrap_or(1) % 10_000_000;
    let phone = format!("+3161{digits:07}");
    let body = json!({"email": email, "password": password, "display_name": name,
        "roles": roles, "phone": phone});
    json_with_status(
        app.post_json("/api/v1/auth/register", &body, None).await,
        202,
    )
    .await;
    let (token, refresh_token) = app.login(&email, &password).await;
    let me = json_with_status(app.get_as("/api/v1/me", &token).await, 200).await;
    let user = TestUser {
        id: me["id"].as_str().unwrap().to_owned(),
        email,
        password,
        name,
        token,
        refresh_token,
    };
    // Confirmed through the mailed link, so the other side of a match sees the address.
    app.verify_email_of(&user).await;
    Person { user, phone }
}

/// Runs `work` in one transaction of the app's own write path.
pub async fn with_conn<T: Send + 'static>(
    app: &TestApp,
    work: impl FnOnce(&mut DbConnection) -> T + Send + 'static,
) -> T {
    let mut work = Some(work);
    hulpmarkt::db::transaction(&app.state.pool, move |conn| {
        Ok(work.take().expect("a test transaction runs once")(conn))
    })
    .await
    .unwrap()
}

async fn act(app: &TestApp, token: &str, match_id: &str, verb: &str, body: Value) -> Value {
    json_with_status(
        app.post_json(
            &format!("/api/v1/matches/{match_id}/{verb}"),
            &body,
            Some(token),
        )
        .await,
        200,
    )
    .await
}

pub async fn live_match_of(app: &TestApp, token: &str, request_id: &str) -> String {
    let list = json_with_status(
        app.get_as(
            &format!("/api/v1/help-requests/{request_id}/matches"),
            token,
        )
        .await,
        200,
    )
    .await;
    let live = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["status"] == "proposed" || m["status"] == "accepted")
        .unwrap_or_else(|| panic!("no live match: {list}"));
    live["id"].as_str().unwrap().to_owned()
}

/// Inserts a case of `request_id` with a resolution note and one case-worker note, as the
/// fallback would; returns the case id.
pub async fn insert_case(
    app: &TestApp,
    request_id: &str,
    case_worker: &str,
    status: &str,
    note: &str,
    resolution_note: &str,
) -> String {
    let (case_id, request_id, worker) = (
        uuid::Uuid::new_v4().to_string(),
        request_id.to_owned(),
        case_worker.to_owned(),
    );
    let (note, resolution_note, status) = (
        note.to_owned(),
        resolution_note.to_owned(),
        status.to_owned(),
    );
    let now = app.state.clock.now_naive();
    let id = case_id.clone();
    with_conn(app, move |conn| {
        let resolved = status == "resolved";
        // Escalating through the API already opened a case for the request: replace it with
        // the one this test describes (one unresolved case per request at a time).
        diesel::delete(cases::table.filter(cases::request_id.eq(&request_id)))
            .execute(conn)
            .unwrap();
        diesel::insert_into(cases::table)
            .values((
                cases::id.eq(&id),
                cases::request_id.eq(&request_id),
                cases::municipality_code.eq("GM0344"),
                cases::reason.eq("resident_request"),
                cases::status.eq(&status),
                cases::assigned_to.eq(Some(&worker)),
                cases::outcome.eq(resolved.then_some("closed")),
                cases::outcome_detail.eq(resolved.then_some(format!("{resolution_note} (reden)"))),
                cases::resolution_note.eq(Some(&resolution_note)),
                cases::opened_at.eq(now),
                cases::claimed_at.eq(Some(now)),
                cases::resolved_at.eq(resolved.then_some(now)),
                cases::updated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(case_notes::table)
            .values((
                case_notes::id.eq(uuid::Uuid::new_v4().to_string()),
                case_notes::case_id.eq(&id),
                case_notes::author_id.eq(Some(&worker)),
                case_notes::body.eq(&note),
                case_notes::created_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
    case_id
}

/// The seeded world of the erasure and export tests: Anna is resident and volunteer, with
/// two requests (one matched to Vera, one escalated with a case), and an offer that got a
/// proposal for each of Bob's two requests (she declined the first).
pub struct World {
    pub anna: Person,
    pub vera: Person,
    pub bob: Person,
    pub anna_requests: Vec<String>,
    pub anna_offer: String,
    pub anna_texts: Vec<String>,
    pub bob_requests: Vec<String>,
    pub bob_texts: Vec<String>,
    /// Anna's request matched to Vera (accepted).
    pub accepted_match: String,
    /// Bob's second request, proposed to Anna.
    pub open_proposal: String,
    /// Every match linked to Anna.
    pub anna_matches: Vec<String>,
    pub case_id: String,
}

pub async fn seed(app: &TestApp) -> World {
    let vera = person(app, "Vera", &["volunteer"]).await;
    let anna = person(app, "Anna", &["resident", "volunteer"]).await;
    let bob = person(app, "Bob", &["resident"]).await;
    let worker = app.case_worker("GM0344").await;
    let n = unique();
    let texts: Vec<String> = (0..8).map(|i| format!("privé-{i}-{n}")).collect();
    post_offer(app, &vera.user, &offer_body()).await;

    // Anna's first request goes to Vera, who accepts.
    let r1 = post_request(
        app,
        &anna.user,
        &with(
            with(
                request_body(),
                "title",
                json!(format!("Boodschappen {}", texts[0])),
            ),
            "description",
            json!(format!("Na mijn heupoperatie {}", texts[1])),
        ),
    )
    .await;
    let r1 = r1["id"].as_str().unwrap().to_owned();
    let accepted_match = live_match_of(app, &anna.user.token, &r1).await;
    act(app, &vera.user.token, &accepted_match, "accept", json!({})).await;

    // Her second request has no candidate; she asks the municipality, which opens a case.
    let r2 = post_request(
        app,
        &anna.user,
        &with(
            with(
                with(request_body(), "category", json!("klussen")),
                "title",
                json!(format!("Lamp ophangen {}", texts[2])),
            ),
            "description",
            json!(format!("Ik woon alleen {}", texts[3])),
        ),
    )
    .await;
    let r2 = r2["id"].as_str().unwrap().to_owned();
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{r2}/escalate"),
            &json!({}),
            Some(&anna.user.token),
        )
        .await,
        200,
    )
    .await;
    let case_id = insert_case(
        app,
        &r2,
        &worker.id,
        "in_progress",
        &format!("Gebeld met mevrouw {}", texts[4]),
        &format!("Voorlopig besluit {}", texts[5]),
    )
    .await;

    // Anna volunteers in the garden; Bob's first request is proposed to her, she declines
    // with a reason, and his second one waits for her answer.
    let mut garden = offer_body();
    garden["categories"] = json!(["tuin"]);
    garden["postcode"] = json!("3512");
    garden["note"] = json!(format!("Ik heb een grasmaaier {}", texts[6]));
    let anna_offer = post_offer(app, &anna.user, &garden).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_texts: Vec<String> = (0..4).map(|i| format!("bob-{i}-{}", unique())).collect();
    let mut bob_requests = Vec::new();
    let mut bob_matches = Vec::new();
    for i in 0..2 {
        let body = with(
            with(
                with(request_body(), "category", json!("tuin")),
                "title",
                json!(format!("Heg snoeien {}", bob_texts[2 * i])),
            ),
            "description",
            json!(format!("Mijn rug {}", bob_texts[2 * i + 1])),
        );
        let id = post_request(app, &bob.user, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let m = live_match_of(app, &bob.user.token, &id).await;
        if i == 0 {
            act(
                app,
                &anna.user.token,
                &m,
                "decline",
                json!({"reason": format!("Geen tijd {}", texts[7])}),
            )
            .await;
        }
        bob_requests.push(id);
        bob_matches.push(m);
    }
    let open_proposal = bob_matches[1].clone();
    let mut anna_matches = vec![accepted_match.clone()];
    anna_matches.extend(bob_matches);
    let mut anna_texts = texts;
    anna_texts.extend([
        anna.user.email.clone(),
        anna.user.name.clone(),
        anna.phone.clone(),
        anna.user.password.clone(),
    ]);
    World {
        anna,
        vera,
        bob,
        anna_requests: vec![r1, r2],
        anna_offer,
        anna_texts,
        bob_requests,
        bob_texts,
        accepted_match,
        open_proposal,
        anna_matches,
        case_id,
    }
}
