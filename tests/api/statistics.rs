//! Municipal statistics against a seeded data set whose true figures the test computes on its
//! own, independently of the service's aggregation.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hulpmarkt::db::{
    cases::Case,
    help_requests::{self, NewHelpRequest},
    schema,
};
use hulpmarkt::domain::{HelpRequestId, UserId};
use serde_json::{json, Value};

use crate::{
    help_requests::with,
    helpers::{json_with_status, problem, problem_naming, TestApp},
    offers::{offer_body, post_offer},
};

/// One seeded request: domain, category, PC4, municipality, status, days before now it was
/// posted, hours after posting a volunteer accepted, and the reason of its case.
struct Seed {
    domain: &'static str,
    category: &'static str,
    pc4: &'static str,
    municipality: &'static str,
    status: &'static str,
    days_ago: i64,
    matched_after_hours: Option<i64>,
    case_reason: Option<&'static str>,
}

const fn seed(
    domain: &'static str,
    category: &'static str,
    pc4: &'static str,
    status: &'static str,
    days_ago: i64,
    matched_after_hours: Option<i64>,
    case_reason: Option<&'static str>,
) -> Seed {
    Seed {
        domain,
        category,
        pc4,
        municipality: "GM0363",
        status,
        days_ago,
        matched_after_hours,
        case_reason,
    }
}

const SEEDS: [Seed; 10] = [
    seed("wmo", "boodschappen", "1012", "completed", 9, Some(5), None),
    seed("wmo", "boodschappen", "1012", "matched", 8, Some(1), None),
    seed("wmo", "huishouden", "1013", "open", 7, None, None),
    seed(
        "wmo",
        "huishouden",
        "1013",
        "escalated",
        6,
        None,
        Some("no_candidates"),
    ),
    seed(
        "wmo",
        "boodschappen",
        "1017",
        "escalated",
        5,
        None,
        Some("declined"),
    ),
    seed(
        "jeugdwet",
        "huiswerkbegeleiding",
        "1013",
        "proposed",
        4,
        None,
        None,
    ),
    seed(
        "participatiewet",
        "taalcoaching",
        "1018",
        "matched",
        3,
        Some(30),
        Some("resident_request"),
    ),
    seed("wmo", "vervoer", "1012", "cancelled", 2, None, None),
    // Before the period.
    seed("wmo", "boodschappen", "1012", "open", 20, None, None),
    // Another municipality.
    Seed {
        domain: "wmo",
        category: "boodschappen",
        pc4: "3512",
        municipality: "GM0344",
        status: "open",
        days_ago: 1,
        matched_after_hours: None,
        case_reason: Some("no_candidates"),
    },
];

fn insert_seeds(conn: &mut hulpmarkt::db::DbConnection, requester: &str, now: NaiveDateTime) {
    for s in &SEEDS {
        let created = now - Duration::days(s.days_ago);
        let new = NewHelpRequest {
            id: HelpRequestId::generate(),
            requester_id: Some(UserId(requester.to_owned())),
            channel: hulpmarkt::domain::RequestChannel::Online,
            domain: s.domain.parse().expect("a domain code"),
            category: s.category.parse().expect("a category code"),
            title: "Zaadje".into(),
            description: "Gezaaid voor de statistiek.".into(),
            pc4: s.pc4.into(),
            municipality_code: s.municipality.into(),
            lat: 52.37,
            lon: 4.9,
            urgency: hulpmarkt::domain::Urgency::Normal,
            involves_minor: false,
            remote_ok: false,
            max_distance_km: None,
            availability: hulpmarkt::domain::Availability::default(),
            available_from: None,
            available_until: None,
            session_minutes: 60,
            consent_municipality: true,
            status: s.status.parse().expect("a status code"),
            created_at: created,
            updated_at: created,
            status_changed_at: created,
        };
        help_requests::insert(conn, &new).unwrap();
        if let Some(hours) = s.matched_after_hours {
            diesel::update(schema::help_requests::table.find(&new.id))
                .set(schema::help_requests::matched_at.eq(created + Duration::hours(hours)))
                .execute(conn)
                .unwrap();
        }
        if let Some(reason) = s.case_reason {
            let mut case = Case::open(
                &new.id,
                s.municipality,
                reason.parse().expect("a reason code"),
                created + Duration::hours(50),
            );
            if s.status != "escalated" {
                case.status = hulpmarkt::domain::CaseStatus::Resolved;
            }
            hulpmarkt::db::cases::insert(conn, &case).unwrap();
        }
    }
}

#[actix_web::test]
async fn statistics_match_the_seeded_figures() {
    let app = TestApp::spawn().await;
    // Supply, registered before the seeded requests so that no proposal is made.
    let vera = app.volunteer().await;
    post_offer(&app, &vera, &with(offer_body(), "postcode", json!("1012"))).await;
    let boodschappen = with(offer_body(), "categories", json!(["boodschappen"]));
    post_offer(&app, &vera, &with(boodschappen, "postcode", json!("1017"))).await;
    let klussen = with(offer_body(), "categories", json!(["klussen"]));
    let paused = post_offer(&app, &vera, &with(klussen, "postcode", json!("1013"))).await;
    json_with_status(
        app.post_json(
            &format!("/api/v1/offers/{}/pause", paused["id"].as_str().unwrap()),
            &json!({}),
            Some(&vera.token),
        )
        .await,
        200,
    )
    .await;
    post_offer(&app, &vera, &offer_body()).await; // Utrecht: another municipality.

    let resident = app.resident().await;
    let now = {
        use hulpmarkt::clock::Clock;
        app.clock.now_naive()
    };
    let state = app.state.clone();
    let requester = resident.id.clone();
    hulpmarkt::db::transaction(&state.pool, move |conn| {
        insert_seeds(conn, &requester, now);
        Ok(())
    })
    .await
    .unwrap();

    // The true figures, straight from the seeds.
    let from = (now - Duration::days(10)).date();
    let counted: Vec<&Seed> = SEEDS
        .iter()
        .filter(|s| s.municipality == "GM0363" && s.days_ago <= 10)
        .collect();
    let total = counted.len() as f64;
    let mut by_domain: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for s in &counted {
        *by_domain
            .entry(s.domain)
            .or_default()
            .entry(s.status)
            .or_default() += 1;
    }
    let mut hours: Vec<i64> = counted
        .iter()
        .filter_map(|s| s.matched_after_hours)
        .collect();
    hours.sort();
    let median = if hours.len() % 2 == 1 {
        hours[hours.len() / 2] as f64
    } else {
        (hours[hours.len() / 2 - 1] + hours[hours.len() / 2]) as f64 / 2.0
    };
    let waiting = |s: &&&Seed| ["open", "proposed", "escalated"].contains(&s.status);

    let worker = app.case_worker("GM0363").await;
    let path = format!(
        "/api/v1/municipalities/GM0363/stats?from={from}&to={}",
        now.date()
    );
    let stats = json_with_status(app.get_as(&path, &worker.token).await, 200).await;
    assert_eq!(stats["total_requests"], counted.len());
    assert_eq!(
        stats["by_domain"],
        serde_json::to_value(&by_domain).unwrap()
    );
    assert_eq!(stats["matched_requests"], hours.len());
    assert!((stats["match_rate"].as_f64().unwrap() - hours.len() as f64 / total).abs() < 1e-9);
    assert_eq!(stats["median_hours_to_match"].as_f64().unwrap(), median);
    let escalated: Vec<&&Seed> = counted.iter().filter(|s| s.case_reason.is_some()).collect();
    assert_eq!(stats["escalated_requests"], escalated.len());
    assert!(
        (stats["escalated_share"].as_f64().unwrap() - escalated.len() as f64 / total).abs() < 1e-9
    );
    for reason in ["no_candidates", "declined", "resident_request"] {
        let n = escalated
            .iter()
            .filter(|s| s.case_reason == Some(reason))
            .count();
        assert_eq!(stats["escalated_by_reason"][reason]["count"], n, "{reason}");
        let share = stats["escalated_by_reason"][reason]["share"]
            .as_f64()
            .unwrap();
        assert!((share - n as f64 / total).abs() < 1e-9);
    }
    // Supply: active Amsterdam offers per category (the paused one and Utrecht's do not count).
    let supply: BTreeMap<&str, u64> = [("boodschappen", 2), ("vervoer", 1)].into();
    let mut demand: BTreeMap<&str, u64> = BTreeMap::new();
    let mut pc4: BTreeMap<&str, u64> = BTreeMap::new();
    for s in counted.iter().filter(waiting) {
        *demand.entry(s.category).or_default() += 1;
        *pc4.entry(s.pc4).or_default() += 1;
    }
    let mut categories: Vec<&str> = supply.keys().chain(demand.keys()).copied().collect();
    categories.sort();
    categories.dedup();
    let expected: Vec<Value> = categories
        .iter()
        .map(|c| {
            json!({"category": c, "active_offers": supply.get(c).copied().unwrap_or(0),
            "open_requests": demand.get(c).copied().unwrap_or(0)})
        })
        .collect();
    assert_eq!(stats["supply_demand"], json!(expected));
    let mut areas: Vec<(&str, u64)> = pc4.into_iter().collect();
    areas.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let expected: Vec<Value> = areas
        .iter()
        .map(|(p, n)| json!({"pc4": p, "unmatched_requests": n}))
        .collect();
    assert_eq!(stats["unmatched_pc4"], json!(expected));
    assert_eq!(stats["unmatched_pc4"][0]["pc4"], "1013");

    // Who may read them.
    let admin = app.admin().await;
    json_with_status(app.get_as(&path, &admin.token).await, 200).await;
    let utrecht = app.case_worker("GM0344").await;
    problem(app.get_as(&path, &utrecht.token).await, 404).await;
    problem(app.get_as(&path, &resident.token).await, 403).await;
    let backwards = format!(
        "/api/v1/municipalities/GM0363/stats?from={}&to={from}",
        now.date()
    );
    problem_naming(app.get_as(&backwards, &worker.token).await, 422, "from").await;
}
