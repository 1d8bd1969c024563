//! An in-process webhook receiver for tests: an actix-web server on 127.0.0.1 (port 0) that
//! verifies every request with the `standardwebhooks` crate and a given secret, records the
//! verified bodies and message ids, and answers 204 — or 500 a given number of times first,
//! or always 500, or any status it is told. A request that fails verification is answered
//! 401 and recorded as an attempt only.
//!
//! Include it with `#[path = "support/webhook_receiver.rs"] mod webhook_receiver;` in
//! `tests/*.rs`, or with `../support/webhook_receiver.rs` in `tests/api/main.rs`. The
//! server runs on its own thread with its own actix system, so it works under
//! `#[tokio::test]`, `#[actix_rt::test]` or a plain `#[test]`; it stops when dropped.
#![allow(dead_code)]

use std::{
    net::TcpListener,
    sync::{Arc, Mutex},
    thread::JoinHandle,
};

use actix_web::{dev::ServerHandle, web, App, HttpRequest, HttpResponse, HttpServer};

/// One verified delivery that was answered with a 2xx status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedHook {
    /// The `webhook-id` header.
    pub id: String,
    /// The `webhook-timestamp` header (unix seconds).
    pub timestamp: i64,
    /// The request body.
    pub body: Vec<u8>,
}

impl ReceivedHook {
    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a webhook body is JSON")
    }
}

/// Every request, verified or not, with the status it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The `webhook-id` header, if any.
    pub id: Option<String>,
    /// Whether the signature and timestamp verified with the receiver's secret.
    pub verified: bool,
    /// The status answered.
    pub status: u16,
}

#[derive(Debug)]
struct Shared {
    secret: String,
    /// Verified requests still to answer with 500 before the normal answer.
    failures_left: u32,
    /// The answer to a verified request once `failures_left` is spent.
    status: u16,
    received: Vec<ReceivedHook>,
    attempts: Vec<Attempt>,
}

/// The receiver; stops when dropped.
pub struct WebhookReceiver {
    port: u16,
    shared: Arc<Mutex<Shared>>,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl WebhookReceiver {
    /// Starts a receiver that verifies with `secret` (`whsec_…`) and answers 204.
    pub fn start(secret: &str) -> WebhookReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the webhook receiver");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Mutex::new(Shared {
            secret: secret.to_owned(),
            failures_left: 0,
            status: 204,
            received: Vec::new(),
            attempts: Vec::new(),
        }));
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let state = web::Data::from(shared.clone());
        let thread = std::thread::Builder::new()
            .name("webhook-receiver".into())
            .spawn(move || {
                actix_rt::System::new().block_on(async move {
                    let server = HttpServer::new(move || {
                        App::new()
                            .app_data(state.clone())
                            .default_service(web::to(receive))
                    })
                    .workers(1)
                    .disable_signals()
                    .shutdown_timeout(1)
                    .listen(listener)
                    .expect("listen on the webhook receiver's socket")
                    .run();
                    handle_tx.send(server.handle()).unwrap();
                    let _ = server.await;
                })
            })
            .unwrap();
        let handle = handle_rx.recv().expect("the webhook receiver started");
        WebhookReceiver {
            port,
            shared,
            handle,
            thread: Some(thread),
        }
    }

    /// Verifies from now on with `secret` (the service shows it only on registration).
    pub fn set_secret(&self, secret: &str) {
        self.shared.lock().unwrap().secret = secret.to_owned();
    }

    /// `http://127.0.0.1:{port}/webhook` (any path is accepted).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/webhook", self.port)
    }

    /// Answers the next `n` verified requests with 500, then as before.
    pub fn fail_next(&self, n: u32) {
        self.shared.lock().unwrap().failures_left = n;
    }

    /// Answers every verified request with 500 until told otherwise.
    pub fn always_fail(&self) {
        self.respond_with(500);
    }

    /// Answers every verified request with `status` (after any `fail_next` failures).
    pub fn respond_with(&self, status: u16) {
        self.shared.lock().unwrap().status = status;
    }

    /// Back to answering 204, with no failures pending.
    pub fn succeed(&self) {
        let mut shared = self.shared.lock().unwrap();
        shared.failures_left = 0;
        shared.status = 204;
    }

    /// Verified requests answered with a 2xx status, oldest first.
    pub fn received(&self) -> Vec<ReceivedHook> {
        self.shared.lock().unwrap().received.clone()
    }

    /// Every request, oldest first.
    pub fn attempts(&self) -> Vec<Attempt> {
        self.shared.lock().unwrap().attempts.clone()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        // Stopping is a future; drive it on a thread of its own, since the test calling
        // drop may itself be running inside an async runtime.
        let handle = self.handle.clone();
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(handle.stop(false));
        })
        .join();
        let _ = thread.join();
    }
}

async fn receive(
    request: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Mutex<Shared>>,
) -> HttpResponse {
    // standardwebhooks reads `http` 1.x headers; actix-web carries its own `http` types.
    let mut headers = http::HeaderMap::new();
    for (name, value) in request.headers() {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let id = header("webhook-id");
    let mut shared = shared.lock().unwrap();
    let verified = standardwebhooks::Webhook::new(&shared.secret)
        .and_then(|webhook| webhook.verify(&body, &headers))
        .is_ok()
        && header("content-type").as_deref() == Some("application/json");
    let status = if !verified {
        401
    } else if shared.failures_left > 0 {
        shared.failures_left -= 1;
        500
    } else {
        shared.status
    };
    shared.attempts.push(Attempt {
        id: id.clone(),
        verified,
        status,
    });
    if verified && (200..300).contains(&status) {
        let timestamp = header("webhook-timestamp")
            .and_then(|t| t.parse().ok())
            .unwrap_or_default();
        shared.received.push(ReceivedHook {
            id: id.unwrap_or_default(),
            timestamp,
            body: body.to_vec(),
        });
    }
    let status = actix_web::http::StatusCode::from_u16(status).expect("a valid status");
    HttpResponse::build(status).finish()
}
