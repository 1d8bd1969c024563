//! Retention follows each municipality's own period (its `retention_months`), the global
//! setting where a municipality has none.

use chrono::{Duration, Months};
use diesel::prelude::*;
use hulpmarkt::db::schema::help_requests;
use serde_json::json;

use crate::{
    help_requests::{post_request, request_body, with, ClockNaive},
    helpers::{json_with_status, TestApp},
};

async fn anonymised(app: &TestApp) -> Vec<(String, bool)> {
    let state = app.state.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = state.pool.get().unwrap();
        help_requests::table
            .order(help_requests::municipality_code.asc())
            .select((
                help_requests::municipality_code,
                help_requests::anonymised_at.is_not_null(),
            ))
            .load::<(String, bool)>(&mut **conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[actix_web::test]
async fn utrecht_after_one_month_amsterdam_after_two_years_the_rest_after_the_default() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for (code, months) in [("GM0344", 1), ("GM0363", 24)] {
        let settings = json!({"grace_hours_normal": 48, "grace_hours_high": 12, "vog_max_age_months": 36, "retention_months": months});
        let put = app
            .put_json(
                &format!("/api/v1/municipalities/{code}/settings"),
                &settings,
                &admin.token,
            )
            .await;
        json_with_status(put, 200).await;
    }
    let anna = app.resident().await;
    // Utrecht, Amsterdam and Rotterdam (no settings of its own: the default, 12 months).
    for postcode in ["3512", "1012", "3011"] {
        let request = post_request(
            &app,
            &anna,
            &with(request_body(), "postcode", json!(postcode)),
        )
        .await;
        let cancel = format!(
            "/api/v1/help-requests/{}/cancel",
            request["id"].as_str().unwrap()
        );
        json_with_status(
            app.post_json(&cancel, &json!({}), Some(&anna.token)).await,
            200,
        )
        .await;
    }
    let started = app.clock_naive();
    let retain_at = |months: u32| {
        let state = app.state.clone();
        let at = started.checked_add_months(Months::new(months)).unwrap() + Duration::days(1);
        async move {
            hulpmarkt::services::privacy::retention(&state.pool, at, 12)
                .await
                .unwrap()
        }
    };
    let expect = |utrecht: bool, amsterdam: bool, rotterdam: bool| {
        vec![
            ("GM0344".to_owned(), utrecht),
            ("GM0363".to_owned(), amsterdam),
            ("GM0599".to_owned(), rotterdam),
        ]
    };
    assert_eq!(anonymised(&app).await, expect(false, false, false));
    retain_at(1).await;
    assert_eq!(
        anonymised(&app).await,
        expect(true, false, false),
        "Utrecht after one month"
    );
    retain_at(12).await;
    assert_eq!(
        anonymised(&app).await,
        expect(true, false, true),
        "the default after twelve"
    );
    retain_at(23).await;
    assert_eq!(
        anonymised(&app).await,
        expect(true, false, true),
        "Amsterdam keeps them 24"
    );
    retain_at(24).await;
    assert_eq!(anonymised(&app).await, expect(true, true, true));
}
