//! Notification e-mail over SMTP (lettre, async on tokio, TLS by rustls).
//!
//! One message per delivery: multipart/alternative with the plain text first and the HTML
//! second, a `Message-ID` made from the delivery id (a retried delivery carries the same id,
//! so a receiver can drop the duplicate), `Content-Language`, and `Auto-Submitted` so that
//! out-of-office replies are not sent back. Nothing here logs an address or a body.

use std::time::Duration;

use lettre::{
    message::{
        header::{Header, HeaderName, HeaderValue},
        Mailbox, MultiPart,
    },
    transport::smtp::Error as SmtpError,
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::{templates::Rendered, DeliveryError};
use crate::domain::Language;

/// Bound on each SMTP step (connect, each command, the data transfer).
const STEP_TIMEOUT: Duration = Duration::from_secs(10);
/// Bound on one whole delivery, however many steps it takes.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP URL or the sender address could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailConfigError {
    /// The SMTP URL is not understood (the message never repeats the URL: it may hold a
    /// password).
    #[error("the SMTP URL is not valid: {0}")]
    InvalidUrl(String),
    /// The sender is not a mailbox such as `Gemeente Hulpmarkt <noreply@example.nl>`.
    #[error("the sender address is not valid: {0}")]
    InvalidSender(String),
}

/// Sends rendered notifications by e-mail through one SMTP server.
#[derive(Clone)]
pub struct EmailChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for EmailChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the SMTP credentials; show only the sender's domain.
        f.debug_struct("EmailChannel")
            .field("sender_domain", &self.from.email.domain())
            .finish_non_exhaustive()
    }
}

impl EmailChannel {
    /// A channel for the server at `smtp_url` (`smtp://host:port` in plain text,
    /// `smtp://host:587?tls=required` with STARTTLS, `smtps://host:465` with TLS from the
    /// start; `user:password@` for authentication), sending as `from`.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, EmailConfigError> {
        let from: Mailbox = from.parse().map_err(|e: lettre::address::AddressError| {
            EmailConfigError::InvalidSender(e.to_string())
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| EmailConfigError::InvalidUrl(e.to_string()))?
            .timeout(Some(STEP_TIMEOUT))
            .build();
        Ok(Self { transport, from })
    }

    /// Sends `rendered` to `to_name <to_address>` as delivery `delivery_id`.
    ///
    /// An invalid address and a refusal with an SMTP 5xx reply are
    /// [`DeliveryError::Permanent`]; a 4xx reply, a refused connection and a timeout are
    /// [`DeliveryError::Transient`].
    pub async fn send(
        &self,
        delivery_id: &str,
        to_address: &str,
        to_name: &str,
        rendered: &Rendered,
        language: Language,
    ) -> Result<(), DeliveryError> {
        let message = self.message(delivery_id, to_address, to_name, rendered, language)?;
        match tokio::time::timeout(DELIVERY_TIMEOUT, self.transport.send(message)).await {
            Ok(Ok(_)) => {
                tracing::debug!(
                    delivery_id,
                    "notification e-mail accepted by the SMTP server"
                );
                Ok(())
            }
            Ok(Err(error)) => Err(classify(&error)),
            Err(_) => Err(DeliveryError::Transient(format!(
                "the SMTP delivery took longer than {} s",
                DELIVERY_TIMEOUT.as_secs()
            ))),
        }
    }

    /// The message as it goes over the wire, for [`send`](Self::send) and the tests.
    pub fn message(
        &self,
        delivery_id: &str,
        to_address: &str,
        to_name: &str,
        rendered: &Rendered,
        language: Language,
    ) -> Result<Message, DeliveryError> {
        let address: Address = to_address.trim().parse().map_err(|_| {
            DeliveryError::Permanent("the recipient's e-mail address is not valid".into())
        })?;
        let name = Some(to_name.trim().to_owned()).filter(|n| !n.is_empty());
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(rendered.subject.clone())
            .message_id(Some(message_id(delivery_id, self.from.email.domain())))
            .header(ContentLanguage(language))
            .header(AutoSubmitted)
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|e| DeliveryError::Permanent(format!("the e-mail could not be built: {e}")))
    }
}

/// `<{delivery_id}@{domain}>`, with every character outside `[A-Za-z0-9_-]` of the id
/// replaced by `-` so that the result is always a valid RFC 5322 msg-id.
pub fn message_id(delivery_id: &str, domain: &str) -> String {
    let id: String = delivery_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = if id.is_empty() { "delivery".into() } else { id };
    format!("<{id}@{domain}>")
}

/// Sorts an SMTP failure into retry or give up. Server replies are reduced to their code:
/// their text often repeats the recipient's address.
fn classify(error: &SmtpError) -> DeliveryError {
    if error.is_permanent() {
        let code = error.status().map(|c| c.to_string()).unwrap_or_default();
        DeliveryError::Permanent(format!("the SMTP server refused the e-mail ({code})"))
    } else if error.is_transient() {
        let code = error.status().map(|c| c.to_string()).unwrap_or_default();
        DeliveryError::Transient(format!("the SMTP server deferred the e-mail ({code})"))
    } else if error.is_timeout() {
        DeliveryError::Transient("the SMTP server did not answer in time".into())
    } else if error.is_response() {
        DeliveryError::Transient("the SMTP server sent an unreadable reply".into())
    } else {
        // Connection, network and TLS problems; their text names no person.
        DeliveryError::Transient(format!("SMTP: {error}"))
    }
}

/// `Content-Language: nl` (RFC 3282).
#[derive(Debug, Clone, Copy)]
struct ContentLanguage(Language);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Language::parse(s.trim())
            .map(Self)
            .ok_or_else(|| "unsupported language".into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.as_str().to_owned())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no vacation replies to a notification.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered() -> Rendered {
        Rendered {
            subject: "Wilt u iemand helpen?".into(),
            text: "Beste Jan,\n\nEr is een hulpvraag.\n".into(),
            html: "<!DOCTYPE html><p>Beste Jan,</p>".into(),
        }
    }

    fn channel() -> EmailChannel {
        EmailChannel::new(
            "smtp://127.0.0.1:2525",
            "Gemeente Hulpmarkt <noreply@example.nl>",
        )
        .unwrap()
    }

    #[test]
    fn urls_and_senders_are_checked_when_the_channel_is_made() {
        assert!(EmailChannel::new("smtps://user:pw@mail.example.nl", "noreply@example.nl").is_ok());
        assert!(EmailChannel::new("smtp://mail.example.nl:587?tls=required", "a@b.nl").is_ok());
        let error = EmailChannel::new("http://mail.example.nl", "a@b.nl").unwrap_err();
        assert!(matches!(error, EmailConfigError::InvalidUrl(_)));
        let error = EmailChannel::new("smtp://:secret@", "a@b.nl").unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
        let error = EmailChannel::new("smtp://localhost", "not an address").unwrap_err();
        assert!(matches!(error, EmailConfigError::InvalidSender(_)));
        let debug = format!("{:?}", channel());
        assert!(
            debug.contains("example.nl") && !debug.contains("noreply"),
            "{debug}"
        );
    }

    #[test]
    fn the_message_is_multipart_alternative_with_stable_id_and_language() {
        let message = channel()
            .message(
                "0192-abc.7",
                "jan@example.org",
                "Jan de Vries",
                &rendered(),
                Language::Nl,
            )
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <0192-abc-7@example.nl>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("Content-Language: nl\r\n"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated\r\n"), "{raw}");
        assert!(raw.contains("Subject: Wilt u iemand helpen?\r\n"), "{raw}");
        assert!(
            raw.contains("To: \"Jan de Vries\" <jan@example.org>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("multipart/alternative"), "{raw}");
        let plain = raw.find("Content-Type: text/plain").unwrap();
        let html = raw.find("Content-Type: text/html").unwrap();
        assert!(plain < html, "the plain part comes first");
        let envelope = message.envelope();
        assert_eq!(envelope.to().len(), 1);
        assert_eq!(envelope.from().unwrap().domain(), "example.nl");
    }

    #[test]
    fn a_bad_recipient_is_permanent_and_not_repeated() {
        for address in ["", "jan", "jan@", "jan@@example.org", "<jan@example.org>"] {
            let error = channel()
                .message("d1", address, "Jan", &rendered(), Language::En)
                .unwrap_err();
            assert!(!error.is_transient(), "{address:?}");
            if !address.is_empty() {
                assert!(!error.to_string().contains(address), "{error}");
            }
        }
        let message = channel()
            .message("d1", " jan@example.org ", "", &rendered(), Language::En)
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("To: jan@example.org\r\n"), "{raw}");
        assert!(raw.contains("Content-Language: en\r\n"), "{raw}");
    }

    #[test]
    fn message_ids_are_always_valid() {
        assert_eq!(message_id("abc_DEF-1", "x.nl"), "<abc_DEF-1@x.nl>");
        assert_eq!(message_id("a b<c>@d", "x.nl"), "<a-b-c--d@x.nl>");
        assert_eq!(message_id("", "x.nl"), "<delivery@x.nl>");
    }
}
