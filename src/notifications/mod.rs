//! Delivery channels and message texts for notifications (issue 21).
//!
//! The outbox dispatcher decides *what* to send and *when*; this module only turns an event
//! into words ([`templates`], with [`format`] for dates) and hands them to a channel:
//! [`email`] over SMTP or [`webhook`] to a municipality's system. Nothing here touches the
//! database, so every piece can be tested on its own.
//!
//! Each channel answers with a [`DeliveryError`] that tells the dispatcher whether trying
//! again later can help ([`DeliveryError::Transient`]) or not ([`DeliveryError::Permanent`]).
//! Error messages never hold an address, a URL or a message body: they are logged.

pub mod email;
pub mod format;
pub mod templates;
pub mod webhook;

pub use email::{EmailChannel, EmailConfigError};
pub use templates::{digest_item, render, DigestItem, Rendered, TemplateError, KINDS};
pub use webhook::WebhookChannel;

/// Why a delivery failed, and whether retrying can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Try again later: the server was down, slow or busy (a timeout, a refused connection,
    /// an SMTP 4xx reply, an HTTP status other than 2xx and 410).
    #[error("temporary delivery failure: {0}")]
    Transient(String),
    /// Retrying will not help: the address is invalid, the mail server refused for good
    /// (SMTP 5xx), or the webhook endpoint is gone (HTTP 410).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

impl DeliveryError {
    /// Whether the dispatcher should schedule another attempt.
    pub fn is_transient(&self) -> bool {
        matches!(self, DeliveryError::Transient(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_errors_are_retried() {
        assert!(DeliveryError::Transient("timeout".into()).is_transient());
        assert!(!DeliveryError::Permanent("550".into()).is_transient());
        assert_eq!(
            DeliveryError::Permanent("gone".into()).to_string(),
            "permanent delivery failure: gone"
        );
    }
}
