//! The edges of HTTP (issue 26): trailing data after a JSON body, over-long headers, clients
//! that stop sending, and who may read `/metrics`. Some go over a raw TCP connection, since
//! an HTTP client library would not send such requests.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{problem, problem_naming, TestApp};

/// Sends `request` as is and reads until the server closes (or `limit` passes); the answer as
/// text and how long it took.
async fn raw(app: &TestApp, request: &[u8], limit: Duration) -> (String, Duration) {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(request).await.expect("request written");
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = actix_web::rt::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the server kept the connection open for {limit:?}; read so far: {}",
        String::from_utf8_lossy(&answer)
    );
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

fn is_problem_json(answer: &str) -> bool {
    answer
        .to_ascii_lowercase()
        .contains("content-type: application/problem+json")
}

#[actix_web::test]
async fn trailing_data_after_a_json_body_is_400_naming_the_body() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(r#"{"email":"a@example.nl","password":"x"}{"email":"b@example.nl"}"#)
        .send()
        .await
        .unwrap();
    problem_naming(response, 400, "body").await;
    // Whitespace after the object is not data.
    let spaced = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\":\"a@example.nl\",\"password\":\"x\"} \r\n\t")
        .send()
        .await
        .unwrap();
    problem(spaced, 401).await;
}

#[actix_web::test]
async fn over_long_headers_are_431_problem_json() {
    let app = TestApp::spawn().await;
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(20_000)
    );
    let (answer, _) = raw(&app, request.as_bytes(), Duration::from_secs(5)).await;
    assert_eq!(status_of(&answer), 431, "{answer}");
    assert!(is_problem_json(&answer), "{answer}");
    // Ordinary headers still pass.
    let (answer, _) = raw(
        &app,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer}");
}

#[actix_web::test]
async fn a_body_that_stops_arriving_is_408_and_the_connection_closed() {
    let app = TestApp::spawn_with(|s| s.body_timeout_ms = 300).await;
    let request = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n\
        Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\"";
    let (answer, took) = raw(&app, request, Duration::from_secs(5)).await;
    assert_eq!(status_of(&answer), 408, "{answer}");
    assert!(is_problem_json(&answer), "{answer}");
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
}

#[actix_web::test]
async fn headers_that_stop_arriving_end_the_connection() {
    let app = TestApp::spawn_with(|s| s.client_request_timeout_ms = 300).await;
    let (answer, took) = raw(
        &app,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        Duration::from_secs(3),
    )
    .await;
    assert!(answer.is_empty() || status_of(&answer) == 408, "{answer}");
    assert!(took < Duration::from_secs(2), "closed after {took:?}");
}

#[actix_web::test]
async fn metrics_are_not_public_without_a_token() {
    let app = TestApp::spawn_with(|s| s.metrics_token = None).await;
    problem(app.get("/metrics").await, 404).await;
    problem(app.get_as("/metrics", "anything").await, 404).await;
}

#[actix_web::test]
async fn metrics_need_the_configured_bearer_token() {
    let token = "metrics-token-for-the-test-0123456789";
    let app = TestApp::spawn_with(|s| {
        s.metrics_token = Some(hulpmarkt::config::Secret::new(token));
    })
    .await;
    problem(app.get("/metrics").await, 401).await;
    problem(app.get_as("/metrics", "metrics-token-wrong").await, 401).await;
    let scraped = app.get_as("/metrics", token).await;
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(text.contains("http_unavailable_responses_total"), "{text}");
}
