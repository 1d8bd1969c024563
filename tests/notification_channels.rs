//! The notification channels against in-process servers: e-mail into an SMTP sink (also
//! while it is down, refusing or deferring), webhooks into a verifying receiver.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;
#[path = "support/webhook_receiver.rs"]
mod webhook_receiver;

use hulpmarkt::domain::Language;
use hulpmarkt::notifications::{
    render, webhook::generate_secret, DeliveryError, EmailChannel, Rendered, WebhookChannel,
};
use mail_parser::MessageParser;
use serde_json::json;
use smtp_sink::{Mode, SmtpSink};
use webhook_receiver::WebhookReceiver;

const SENDER: &str = "Gemeente Hulpmarkt <noreply@example.nl>";

fn rendered(language: Language) -> Rendered {
    let context = json!({
        "name": "Jan de Vries",
        "app_url": "https://hulpmarkt.example.nl/app",
        "category": "Boodschappen",
        "title": null,
        "expires_at": "vrijdag 4 december om 15:30",
    });
    render("proposal_made", language, &context).unwrap()
}

#[tokio::test]
async fn an_email_arrives_with_both_parts_and_a_stable_message_id() {
    let sink = SmtpSink::start();
    let channel = EmailChannel::new(&sink.url(), SENDER).unwrap();
    let message = rendered(Language::Nl);
    channel
        .send(
            "0192f0a1-delivery-7",
            "jan@example.org",
            "Jan de Vries",
            &message,
            Language::Nl,
        )
        .await
        .unwrap();

    let received = sink.messages();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.recipients, vec!["jan@example.org".to_owned()]);
    assert_eq!(mail.mail_from, "noreply@example.nl");
    assert_eq!(mail.header("Content-Language").as_deref(), Some("nl"));

    let parsed = MessageParser::default()
        .parse(mail.data.as_bytes())
        .unwrap();
    assert_eq!(parsed.subject(), Some(message.subject.as_str()));
    assert_eq!(parsed.message_id(), Some("0192f0a1-delivery-7@example.nl"));
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("jan@example.org"));
    assert_eq!(to.name(), Some("Jan de Vries"));
    let text = parsed.body_text(0).unwrap();
    assert_eq!(text.replace("\r\n", "\n"), message.text);
    let html = parsed.body_html(0).unwrap();
    assert_eq!(html.replace("\r\n", "\n"), message.html);
    assert!(html.contains("<strong>vrijdag 4 december om 15:30</strong>"));
    assert_eq!(parsed.text_body_count(), 1);
    assert_eq!(parsed.html_body_count(), 1);
}

#[tokio::test]
async fn smtp_down_is_transient_and_the_retry_is_delivered() {
    let mut sink = SmtpSink::start();
    let port = sink.port();
    let channel = EmailChannel::new(&sink.url(), SENDER).unwrap();
    let message = rendered(Language::En);

    sink.stop();
    let error = channel
        .send("d-1", "jan@example.org", "Jan", &message, Language::En)
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Transient(_)), "{error}");
    assert!(!error.to_string().contains("jan@example.org"), "{error}");

    sink.restart();
    assert_eq!(sink.port(), port);
    channel
        .send("d-1", "jan@example.org", "Jan", &message, Language::En)
        .await
        .unwrap();
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("Message-ID").as_deref(),
        Some("<d-1@example.nl>")
    );
    assert_eq!(
        received[0].header("Content-Language").as_deref(),
        Some("en")
    );
}

#[tokio::test]
async fn smtp_4xx_is_transient_and_5xx_permanent() {
    let sink = SmtpSink::start();
    let channel = EmailChannel::new(&sink.url(), SENDER).unwrap();
    let message = rendered(Language::Nl);
    let send = || channel.send("d-2", "jan@example.org", "Jan", &message, Language::Nl);

    sink.set_mode(Mode::Defer);
    let error = send().await.unwrap_err();
    assert!(matches!(error, DeliveryError::Transient(_)), "{error}");

    sink.set_mode(Mode::Reject);
    let error = send().await.unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error}");
    assert!(error.to_string().contains("550"), "{error}");
    assert!(
        !error.to_string().contains("Mailbox unavailable"),
        "{error}"
    );

    let error = channel
        .send("d-3", "not an address", "Jan", &message, Language::Nl)
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error}");

    sink.set_mode(Mode::Accept);
    send().await.unwrap();
    assert_eq!(sink.messages().len(), 1);
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn a_webhook_is_delivered_signed_and_verified() {
    let secret = generate_secret();
    let receiver = WebhookReceiver::start(&secret);
    let channel = WebhookChannel::new().unwrap();
    let body = serde_json::to_vec(&json!({"type": "case_opened", "case_number": "Z-42"})).unwrap();
    let timestamp = now();

    channel
        .send(&receiver.url(), &secret, "msg_0192f0a1", timestamp, &body)
        .await
        .unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].id, "msg_0192f0a1");
    assert_eq!(received[0].timestamp, timestamp);
    assert_eq!(received[0].json()["case_number"], "Z-42");
}

#[tokio::test]
async fn webhook_500_is_transient_until_the_receiver_recovers() {
    let secret = generate_secret();
    let receiver = WebhookReceiver::start(&secret);
    let channel = WebhookChannel::new().unwrap();
    let body = br#"{"type":"digest"}"#;

    receiver.fail_next(2);
    for _ in 0..2 {
        let error = channel
            .send(&receiver.url(), &secret, "msg_1", now(), body)
            .await
            .unwrap_err();
        assert!(matches!(error, DeliveryError::Transient(_)), "{error}");
    }
    channel
        .send(&receiver.url(), &secret, "msg_1", now(), body)
        .await
        .unwrap();
    assert_eq!(receiver.received().len(), 1);
    let statuses: Vec<u16> = receiver.attempts().iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![500, 500, 204]);

    receiver.always_fail();
    for _ in 0..3 {
        let error = channel
            .send(&receiver.url(), &secret, "msg_2", now(), body)
            .await
            .unwrap_err();
        assert!(matches!(error, DeliveryError::Transient(_)), "{error}");
    }
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn webhook_410_is_permanent() {
    let secret = generate_secret();
    let receiver = WebhookReceiver::start(&secret);
    let channel = WebhookChannel::new().unwrap();
    receiver.respond_with(410);
    let error = channel
        .send(&receiver.url(), &secret, "msg_3", now(), b"{}")
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error}");
}

#[tokio::test]
async fn a_wrong_secret_or_an_old_timestamp_does_not_verify() {
    let receiver = WebhookReceiver::start(&generate_secret());
    let channel = WebhookChannel::new().unwrap();
    let error = channel
        .send(&receiver.url(), &generate_secret(), "msg_4", now(), b"{}")
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Transient(_)), "{error}");
    let secret = generate_secret();
    let receiver = WebhookReceiver::start(&secret);
    let error = channel
        .send(&receiver.url(), &secret, "msg_5", now() - 3600, b"{}")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("401"), "{error}");
    let attempts = receiver.attempts();
    assert_eq!(attempts.len(), 1);
    assert!(!attempts[0].verified);
    assert_eq!(attempts[0].id.as_deref(), Some("msg_5"));
    assert!(receiver.received().is_empty());
}
