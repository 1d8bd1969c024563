//! Notifications to a municipality's own system as signed HTTP POSTs, following Standard
//! Webhooks (<https://www.standardwebhooks.com>): headers `webhook-id`, `webhook-timestamp`
//! (unix seconds) and `webhook-signature` = `v1,` + base64(HMAC-SHA256(key,
//! "{id}.{timestamp}.{body}")), with the key shared as `whsec_` + base64.
//!
//! The receiver verifies the signature and the timestamp (the reference libraries refuse one
//! more than five minutes off), and de-duplicates on `webhook-id`: a retry sends the same id
//! and body with a fresh timestamp and signature.

use std::time::Duration;

use base64::Engine;
use rand::RngCore;
use reqwest::{header, redirect, StatusCode};
use standardwebhooks::Webhook;

use super::DeliveryError;

/// Bound on one delivery, from connecting to the response status.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Bound on connecting alone.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The prefix of a Standard Webhooks secret.
const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` + base64 of 32 random bytes from the operating system.
/// Shown once to the municipality's administrator and stored with the subscription.
pub fn generate_secret() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The `webhook-signature` header value for one message: `v1,` + base64 HMAC-SHA256.
/// A secret that is not base64 (after the optional `whsec_` prefix) or a body that is not
/// UTF-8 is [`DeliveryError::Permanent`]: retrying cannot fix either.
pub fn signature(
    secret: &str,
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, DeliveryError> {
    let webhook = Webhook::new(secret).map_err(|_| {
        DeliveryError::Permanent("the webhook secret is not a valid whsec_ secret".into())
    })?;
    webhook
        .sign(message_id, timestamp, body)
        .map_err(|_| DeliveryError::Permanent("the webhook body is not UTF-8".into()))
}

/// Posts signed notifications. One client (and its connection pool) serves every endpoint.
#[derive(Debug, Clone)]
pub struct WebhookChannel {
    client: reqwest::Client,
}

impl WebhookChannel {
    /// A channel with a 10 s timeout that follows no redirects (a redirect is answered as a
    /// failure: the signed request must reach the registered URL itself).
    pub fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(redirect::Policy::none())
            .user_agent(concat!("Hulpmarkt-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client })
    }

    /// POSTs `body` (JSON) to `url`, signed with `secret` for `message_id` at `timestamp`
    /// (unix seconds; pass the time of this attempt, not of the event, or the receiver may
    /// refuse it as too old).
    ///
    /// A 2xx status is delivered; 410 Gone is [`DeliveryError::Permanent`] (the endpoint
    /// asks to be removed); any other status, a timeout and a connection failure are
    /// [`DeliveryError::Transient`]. An unusable URL or secret is permanent. Error messages
    /// never contain the URL: it may hold a token.
    pub async fn send(
        &self,
        url: &str,
        secret: &str,
        message_id: &str,
        timestamp: i64,
        body: &[u8],
    ) -> Result<(), DeliveryError> {
        let signature = signature(secret, message_id, timestamp, body)?;
        let request = self
            .client
            .post(url)
            .header(header::CONTENT_TYPE, "application/json")
            .header("webhook-id", message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec())
            .build()
            .map_err(|e| DeliveryError::Permanent(describe(e)))?;
        let response = self.client.execute(request).await.map_err(|e| {
            if e.is_builder() {
                DeliveryError::Permanent(describe(e))
            } else {
                DeliveryError::Transient(describe(e))
            }
        })?;
        classify(response.status())
    }
}

/// What a response status means for the delivery.
fn classify(status: StatusCode) -> Result<(), DeliveryError> {
    if status.is_success() {
        Ok(())
    } else if status == StatusCode::GONE {
        Err(DeliveryError::Permanent(
            "the webhook endpoint answered 410 Gone".into(),
        ))
    } else {
        Err(DeliveryError::Transient(format!(
            "the webhook endpoint answered {}",
            status.as_u16()
        )))
    }
}

/// A reqwest error and its causes on one line, without the URL.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = if error.is_timeout() {
        format!(
            "the webhook endpoint did not answer within {} s",
            TIMEOUT.as_secs()
        )
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    // The example of the Standard Webhooks reference libraries.
    const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const MESSAGE_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    const TIMESTAMP: i64 = 1_649_367_553;
    const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;

    #[test]
    fn signs_the_reference_example() {
        assert_eq!(
            signature(SECRET, MESSAGE_ID, TIMESTAMP, BODY).unwrap(),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn the_signature_is_hmac_sha256_over_id_timestamp_and_body() {
        let engine = base64::engine::general_purpose::STANDARD;
        let key = engine
            .decode(SECRET.strip_prefix("whsec_").unwrap())
            .unwrap();
        let body = br#"{"type":"proposal_made","id":"0192"}"#;
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(b"evt_1.1700000000.");
        mac.update(body);
        let expected = format!("v1,{}", engine.encode(mac.finalize().into_bytes()));
        assert_eq!(
            signature(SECRET, "evt_1", 1_700_000_000, body).unwrap(),
            expected
        );
    }

    #[test]
    fn a_signed_message_verifies_with_the_reference_library() {
        let secret = generate_secret();
        let now = chrono::Utc::now().timestamp();
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-id", MESSAGE_ID.parse().unwrap());
        headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
        let signed = signature(&secret, MESSAGE_ID, now, BODY).unwrap();
        headers.insert("webhook-signature", signed.parse().unwrap());
        let webhook = Webhook::new(&secret).unwrap();
        webhook.verify(BODY, &headers).unwrap();
        assert!(webhook.verify(b"{}", &headers).is_err());
        assert!(Webhook::new(&generate_secret())
            .unwrap()
            .verify(BODY, &headers)
            .is_err());
    }

    #[test]
    fn secrets_are_32_random_bytes() {
        let secret = generate_secret();
        let key = secret.strip_prefix("whsec_").unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(secret, generate_secret());
    }

    #[test]
    fn unusable_secrets_and_bodies_are_permanent() {
        let error = signature("whsec_not base64!", "m", 1, b"{}").unwrap_err();
        assert!(!error.is_transient());
        let error = signature(SECRET, "m", 1, &[0xff, 0xfe]).unwrap_err();
        assert!(!error.is_transient());
    }

    #[test]
    fn statuses_sort_into_delivered_retry_and_give_up() {
        assert!(classify(StatusCode::OK).is_ok());
        assert!(classify(StatusCode::NO_CONTENT).is_ok());
        assert!(!classify(StatusCode::GONE).unwrap_err().is_transient());
        for status in [301, 400, 404, 429, 500, 503] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(classify(status).unwrap_err().is_transient(), "{status}");
        }
    }

    #[tokio::test]
    async fn a_bad_url_is_permanent_and_a_closed_port_transient() {
        let channel = WebhookChannel::new().unwrap();
        let error = channel
            .send("not a url", SECRET, "m", 1, b"{}")
            .await
            .unwrap_err();
        assert!(!error.is_transient(), "{error}");
        // A loopback port that was just free: the connection is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/hook?token=abc");
        let error = channel.send(&url, SECRET, "m", 1, b"{}").await.unwrap_err();
        assert!(error.is_transient(), "{error}");
        assert!(!error.to_string().contains("token"), "{error}");
    }
}
