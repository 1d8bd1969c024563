//! Failed logins from other addresses must not lock the owner out (issue 26): the per-account
//! limit spares the addresses the account signed in from lately, and still slows everyone else.
//! Clients bind to other loopback addresses (127.0.0.2, …) to come from elsewhere.

use std::net::IpAddr;

use serde_json::json;

use crate::helpers::{json_with_status, problem, TestApp, TestUser};

/// A client whose connections come from `ip` (a loopback address).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(Some(IpAddr::from(ip)))
        .build()
        .expect("client")
}

async fn login_from(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("request sent")
}

#[actix_web::test]
async fn an_attacker_elsewhere_neither_locks_out_the_owner_nor_goes_unlimited() {
    let app = TestApp::spawn_with(|s| {
        s.login_burst_per_account = 4;
        s.login_burst_per_ip = 1_000;
    })
    .await;
    let attacker = client_from([127, 0, 0, 2]);
    // A resident and a staff account, each signed in once from 127.0.0.1 when made.
    let resident = app.resident().await;
    let staff = app.case_worker("GM0344").await;
    for (n, owner) in [resident, staff].iter().enumerate() {
        let attempts = (0..10).map(|_| "Wrong-password-123");
        let mut answers = Vec::new();
        for password in attempts {
            answers.push(
                login_from(&app, &attacker, &owner.email, password)
                    .await
                    .status()
                    .as_u16(),
            );
        }
        assert_eq!(answers[0], 401, "{answers:?}");
        assert_eq!(answers[9], 429, "the attacker is limited: {answers:?}");
        // The owner, from the address they signed in from before, gets in.
        let TestUser {
            email, password, ..
        } = owner;
        json_with_status(login_from(&app, &app.client, email, password).await, 200).await;
        // A fresh address meets the per-account limit the attacker used up, right password
        // or not.
        let fresh = client_from([127, 0, 0, 10 + n as u8]);
        problem(login_from(&app, &fresh, email, password).await, 429).await;
    }
}

#[actix_web::test]
async fn the_per_account_limit_holds_across_many_unknown_addresses() {
    let app = TestApp::spawn_with(|s| {
        s.login_burst_per_account = 3;
        s.login_burst_per_ip = 1_000;
    })
    .await;
    let mut statuses = Vec::new();
    for last in 2..8u8 {
        let client = client_from([127, 0, 0, last]);
        let response = login_from(&app, &client, "someone@example.nl", "Wrong-password-1").await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429]);
}
