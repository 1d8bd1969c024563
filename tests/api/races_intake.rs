//! Races around recorded requests, on two instances: a claim code works once however many
//! residents send it at the same moment, and a claim racing the person's erasure ends in one
//! order (claimed and not erased, or erased and not claimed), never both or half.

use serde_json::{json, Value};

use crate::{
    helpers::{json_with_status, TestApp},
    intake::{record, recorded_for_de_vries},
    races::{no_server_errors, statuses},
    staff_lifecycle::second_instance,
};

async fn code_for(app: &TestApp, worker: &crate::helpers::TestUser, person: &str) -> String {
    let url = format!("/api/v1/intake/people/{person}/claim-code");
    let issued = json_with_status(
        app.post_json(&url, &json!({}), Some(&worker.token)).await,
        201,
    )
    .await;
    issued["code"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_claim_code_sent_by_ten_residents_at_once_works_once() {
    let app = TestApp::spawn().await;
    let other = second_instance(&app);
    let worker = app.case_worker("GM0344").await;
    let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
    let person = recorded["for_person"]["person"]["id"].as_str().unwrap();
    let code = code_for(&app, &worker, person).await;
    let mut residents = Vec::new();
    for _ in 0..10 {
        residents.push(app.resident().await);
    }
    let claims = residents.iter().enumerate().map(|(i, r)| {
        let base = if i % 2 == 0 {
            app.address.clone()
        } else {
            other.clone()
        };
        let (client, token, code) = (app.client.clone(), r.token.clone(), code.clone());
        async move {
            client
                .post(format!("{base}/api/v1/me/claims"))
                .bearer_auth(token)
                .json(&json!({"code": code}))
                .send()
                .await
                .unwrap()
        }
    });
    let answers = futures_util::future::join_all(claims).await;
    let all = statuses(&answers);
    no_server_errors(&all);
    assert_eq!(all, [200, 422, 422, 422, 422, 422, 422, 422, 422, 422]);
    // Exactly one account owns the request now.
    let mut owners = 0;
    for r in &residents {
        let mine: Value =
            json_with_status(app.get_as("/api/v1/help-requests", &r.token).await, 200).await;
        owners += mine["total"].as_u64().unwrap();
    }
    assert_eq!(owners, 1);
}

#[actix_web::test]
async fn a_claim_racing_the_erasure_of_the_person_ends_in_one_order() {
    for round in 0..5 {
        let app = TestApp::spawn().await;
        let other = second_instance(&app);
        let worker = app.case_worker("GM0344").await;
        let recorded = record(&app, &worker, &recorded_for_de_vries()).await;
        let person = recorded["for_person"]["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = code_for(&app, &worker, &person).await;
        let jan = app.resident().await;
        let claim = app
            .client
            .post(format!("{}/api/v1/me/claims", app.address))
            .bearer_auth(&jan.token)
            .json(&json!({"code": code}))
            .send();
        let erase = app
            .client
            .delete(format!("{other}/api/v1/intake/people/{person}"))
            .bearer_auth(&worker.token)
            .send();
        let (claimed, erased) = futures_util::future::join(claim, erase).await;
        let (claimed, erased) = (claimed.unwrap().status(), erased.unwrap().status());
        let mine: Value =
            json_with_status(app.get_as("/api/v1/help-requests", &jan.token).await, 200).await;
        match (claimed.as_u16(), erased.as_u16()) {
            (200, 409) => {
                assert_eq!(mine["total"], 1, "round {round}");
                assert_eq!(
                    mine["items"][0]["for_person"]["person"]["name"],
                    "Dhr. J. de Vries"
                );
            }
            (422, 200) => assert_eq!(mine["total"], 0, "round {round}"),
            other => panic!("round {round}: claim and erasure answered {other:?}"),
        }
    }
}
