//! The logs of a whole scenario hold no secret or personal datum. This is a test binary of
//! its own because it installs the process-wide subscriber (the production formatter at
//! `debug`, writing into a buffer): a per-thread subscriber would miss what actix's worker
//! threads and the blocking pool log. Running the built binary as a child process would do
//! too, but `CARGO_BIN_EXE_hulpmarkt` is only as fresh as the last build in a shared target
//! directory.

#[path = "api/helpers.rs"]
mod helpers;

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use hulpmarkt::{config::LogFormat, telemetry};
use serde_json::{json, Value};

use helpers::{TestApp, TEST_JWT_SECRET};

/// Where the subscriber writes: one buffer shared by every thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn request_body() -> Value {
    json!({
        "domain": "wmo", "category": "boodschappen", "title": "Boodschappen op dinsdag",
        "description": "Ik kan niet meer zelf naar de supermarkt.",
        "postcode": "3512 AB", "urgency": "normal", "involves_minor": false, "remote_ok": false,
        "max_distance_km": 10,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "session_minutes": 60},
        "consent_municipality": true
    })
}

fn offer_body() -> Value {
    json!({
        "categories": ["boodschappen", "vervoer"], "postcode": "3511", "radius_km": 5,
        "remote_ok": false,
        "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}],
                         "from": null, "until": null},
        "capacity": 2, "note": "Ik heb een auto."
    })
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, Some(token), None)
            .await
    }
}

/// Registers and signs in; returns (access, refresh).
async fn sign_up(client: &Client, body: &Value) -> (String, String) {
    let (status, created) = client.post("/api/v1/auth/register", None, body).await;
    assert_eq!(status, 202, "{created}");
    let (status, tokens) = client
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": body["email"], "password": body["password"]}),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    (
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[actix_web::test]
async fn the_logs_of_a_whole_scenario_hold_no_secret_or_personal_datum() {
    let captured = Captured::default();
    telemetry::init_tracing_with_writer("debug", LogFormat::Plain, captured.clone());
    let app = TestApp::spawn().await;
    let client = Client {
        http: reqwest::Client::new(),
        base: app.address.clone(),
    };
    let n = uuid::Uuid::new_v4().simple().to_string();
    let anna = json!({"email": format!("anna.log-{}@example.nl", &n[..10]),
        "password": format!("Anna-wachtwoord-{}", &n[..10]), "display_name": format!("Anna Logtest {}", &n[..6]),
        "roles": ["resident"], "phone": "+31 6 4455 6677"});
    let vera = json!({"email": format!("vera.log-{}@example.nl", &n[10..20]),
        "password": format!("Vera-wachtwoord-{}", &n[10..20]), "display_name": format!("Vera Logtest {}", &n[..6]),
        "roles": ["volunteer"], "phone": "06-99887766"});
    let description = format!("Sinds mijn hartaanval kan ik niet tillen {}", &n[..8]);
    let title = format!("Zware boodschappen {}", &n[..8]);
    let note = format!("Ik rijd een rode auto {}", &n[..8]);
    let reason = format!("Helaas ziek geworden {}", &n[..8]);

    let (anna_token, anna_refresh) = sign_up(&client, &anna).await;
    let (vera_token, _) = sign_up(&client, &vera).await;
    let mut offer = offer_body();
    offer["note"] = json!(note);
    let (status, _) = client
        .post("/api/v1/offers", Some(&vera_token), &offer)
        .await;
    assert_eq!(status, 201);
    let body = with(
        with(request_body(), "title", json!(title)),
        "description",
        json!(description),
    );
    let (status, request) = client
        .post("/api/v1/help-requests", Some(&anna_token), &body)
        .await;
    assert_eq!(status, 201, "{request}");
    let request_id = request["id"].as_str().unwrap();
    let (_, proposals) = client
        .get(
            &format!("/api/v1/help-requests/{request_id}/matches"),
            &anna_token,
        )
        .await;
    let match_id = proposals["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = client
        .post(
            &format!("/api/v1/matches/{match_id}/accept"),
            Some(&vera_token),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, seen) = client
        .get(&format!("/api/v1/matches/{match_id}"), &vera_token)
        .await;
    assert_eq!(seen["request"]["description"], description.as_str());
    let (status, _) = client
        .post(
            &format!("/api/v1/matches/{match_id}/cancel"),
            Some(&vera_token),
            &json!({"reason": reason}),
        )
        .await;
    assert_eq!(status, 200);

    // Mistakes and attacks that are logged somewhere, if anywhere.
    let (status, _) = client
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": anna["email"], "password": "Fout-wachtwoord-123"}),
        )
        .await;
    assert_eq!(status, 401);
    // A taken address: answered like a new one; its owner is notified (not logged).
    let (status, _) = client.post("/api/v1/auth/register", None, &anna).await;
    assert_eq!(status, 202);
    let (status, _) = client
        .post(
            "/api/v1/auth/register",
            None,
            &with(
                anna.clone(),
                "email",
                json!(format!("geen-email-{}", &n[..6])),
            ),
        )
        .await;
    assert_eq!(status, 422);
    let (status, rotated) = client
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": anna_refresh}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = client
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": anna_refresh}),
        )
        .await;
    assert_eq!(status, 401, "reuse is detected");
    let (status, _) = client
        .get(
            &format!("/api/v1/matches/{}", anna["email"].as_str().unwrap()),
            &anna_token,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = client
        .send(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(&anna_token),
            Some(&json!({"phone": "+31 6 1122 3344"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, export) = client.get("/api/v1/me/export", &anna_token).await;
    assert_eq!(status, 200, "{export}");
    let (status, _) = client
        .send(
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(&anna_token),
            Some(&json!({"password": anna["password"]})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = client.get("/api/v1/me", &anna_token).await;
    assert_eq!(status, 401);

    let logs = captured.text();
    assert!(
        logs.contains("request finished") && logs.contains("/api/v1/me/export"),
        "the logs were captured: {logs}"
    );
    let secrets = [
        anna["email"].as_str().unwrap(),
        anna["password"].as_str().unwrap(),
        anna["display_name"].as_str().unwrap(),
        vera["email"].as_str().unwrap(),
        vera["password"].as_str().unwrap(),
        vera["display_name"].as_str().unwrap(),
        "Fout-wachtwoord-123",
        "+31644556677",
        "4455 6677",
        "0699887766",
        "+31611223344",
        "geen-email",
        TEST_JWT_SECRET,
        &anna_token,
        &vera_token,
        &anna_refresh,
        rotated["refresh_token"].as_str().unwrap(),
        rotated["access_token"].as_str().unwrap(),
        &description,
        &title,
        &note,
        &reason,
        &n[..8],
        "example.nl",
    ];
    for secret in secrets {
        assert!(
            !logs.contains(secret),
            "the logs contain {secret:?}:\n{logs}"
        );
    }
}
