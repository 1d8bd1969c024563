//! What the password reset and e-mail verification tests share: an app that mails links
//! below a public URL to a test SMTP server, and reading a link's token from a real e-mail.

use mail_parser::MessageParser;
use serde_json::{json, Value};

use crate::{
    helpers::{json_with_status, TestApp},
    notification_helpers::{
        dispatch_all,
        smtp_sink::{ReceivedMail, SmtpSink},
    },
};

/// The public URL the links go below.
pub const PUBLIC_URL: &str = "https://hulpmarkt.example.nl/app";

/// An app that sends e-mail to `sink`, with links below [`PUBLIC_URL`].
pub async fn app_with_links(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(move |s| {
        s.smtp_url = Some(hulpmarkt::config::Secret::new(url));
        s.public_url = Some(PUBLIC_URL.into());
    })
    .await
}

/// The plain-text body of a received e-mail, decoded.
pub fn text_of(mail: &ReceivedMail) -> String {
    let parsed = MessageParser::default()
        .parse(mail.data.as_bytes())
        .expect("a parsable e-mail");
    parsed.body_text(0).expect("a text part").into_owned()
}

/// The subject of a received e-mail, decoded.
pub fn subject_of(mail: &ReceivedMail) -> String {
    let parsed = MessageParser::default()
        .parse(mail.data.as_bytes())
        .expect("a parsable e-mail");
    parsed.subject().unwrap_or_default().to_owned()
}

/// The token of the link `{PUBLIC_URL}{path}?token=…` in `mail`'s text, if it has one.
pub fn token_in(mail: &ReceivedMail, path: &str) -> Option<String> {
    let text = text_of(mail);
    let prefix = format!("{PUBLIC_URL}{path}?token=");
    let start = text.find(&prefix)? + prefix.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(token)
}

/// The e-mails received so far for `address`.
pub fn mails_to(sink: &SmtpSink, address: &str) -> Vec<ReceivedMail> {
    sink.messages()
        .into_iter()
        .filter(|m| m.recipients.iter().any(|r| r == address))
        .collect()
}

/// Sends what is due, then the token of the newest link to `path` mailed to `address`.
pub async fn mailed_token(app: &TestApp, sink: &SmtpSink, address: &str, path: &str) -> String {
    dispatch_all(app).await;
    mails_to(sink, address)
        .iter()
        .rev()
        .find_map(|m| token_in(m, path))
        .unwrap_or_else(|| panic!("no e-mail with a {path} link to {address}"))
}

/// `POST /auth/password-reset` for `email`: asserts 202 and returns the body.
pub async fn ask_reset(app: &TestApp, email: &str) -> Value {
    let response = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({ "email": email }),
            None,
        )
        .await;
    json_with_status(response, 202).await
}

/// `POST /auth/password-reset/confirm`.
pub async fn confirm_reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/password-reset/confirm",
        &json!({ "token": token, "new_password": password }),
        None,
    )
    .await
}

/// `GET /me` as `token`: its status.
pub async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get_as("/api/v1/me", token).await.status().as_u16()
}
