//! Account tokens: single-use secrets sent to a person's e-mail address to prove that they
//! read it (a password reset, the verification of the address). What a token is for, how
//! long it lives, which e-mail carries it and where its link points are decided here, once.

use chrono::Duration;

use super::{FieldError, NotificationKind};

/// What an account token is for. Stored as TEXT; one live token per account and purpose.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum AccountTokenPurpose {
    /// Sets a new password without the old one (`POST /auth/password-reset/confirm`).
    PasswordReset,
    /// Shows that the address is the person's (`POST /auth/verify-email`).
    EmailVerification,
}

impl AccountTokenPurpose {
    /// Every purpose.
    pub const ALL: &'static [Self] = &[Self::PasswordReset, Self::EmailVerification];

    /// The storage code.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::EmailVerification => "email_verification",
        }
    }

    /// Reads a storage code back.
    pub fn parse(code: &str) -> Result<Self, FieldError> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == code)
            .ok_or_else(|| FieldError::of("purpose", crate::domain::FieldErrorCode::UnknownValue))
    }

    /// How long a token stays valid: a reset is meant to be used at once, a verification
    /// link may wait in a mailbox over a weekend.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::PasswordReset => Duration::minutes(30),
            Self::EmailVerification => Duration::days(7),
        }
    }

    /// The e-mail-only notification that carries the token.
    pub fn notification_kind(self) -> NotificationKind {
        match self {
            Self::PasswordReset => NotificationKind::PasswordReset,
            Self::EmailVerification => NotificationKind::VerifyEmail,
        }
    }

    /// The purpose whose token a notification of `kind` carries, if any.
    pub fn of_kind(kind: NotificationKind) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.notification_kind() == kind)
    }

    /// The path of the link in that e-mail, below `HULPMARKT_PUBLIC_URL`; the token follows
    /// as `?token=…`.
    pub fn link_path(self) -> &'static str {
        match self {
            Self::PasswordReset => "/password-reset",
            Self::EmailVerification => "/verify-email",
        }
    }

    /// The link for `token` below `public_url` (the residents' app or site, when set).
    pub fn link(self, public_url: Option<&str>, token: &str) -> String {
        let base = public_url.unwrap_or_default().trim_end_matches('/');
        format!("{base}{}?token={token}", self.link_path())
    }
}

impl NotificationKind {
    /// The kinds that only ever go out by e-mail, at once, whatever the person's preferences:
    /// never in the feed, its unread count, a digest, a webhook or the export. They carry a
    /// token, which is scrubbed from the outbox once the e-mail was sent.
    pub const EMAIL_ONLY: [NotificationKind; 2] = [
        NotificationKind::PasswordReset,
        NotificationKind::VerifyEmail,
    ];

    /// Whether this kind is one of [`Self::EMAIL_ONLY`].
    pub fn email_only(self) -> bool {
        Self::EMAIL_ONLY.contains(&self)
    }
}

super::stored::stored_as_text!(
    AccountTokenPurpose,
    write = |v| v.as_str(),
    read = |code| AccountTokenPurpose::parse(&code)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_themselves_and_nothing_else() {
        for &purpose in AccountTokenPurpose::ALL {
            assert_eq!(AccountTokenPurpose::parse(purpose.as_str()), Ok(purpose));
        }
        let error = AccountTokenPurpose::parse("login").unwrap_err();
        assert_eq!(error.field, "purpose");
        assert!(AccountTokenPurpose::parse("Password_Reset").is_err());
    }

    #[test]
    fn a_reset_lives_half_an_hour_and_a_verification_a_week() {
        assert_eq!(
            AccountTokenPurpose::PasswordReset.lifetime(),
            Duration::minutes(30)
        );
        assert_eq!(
            AccountTokenPurpose::EmailVerification.lifetime(),
            Duration::days(7)
        );
    }

    #[test]
    fn each_purpose_has_its_own_e_mail_only_kind() {
        let kinds: Vec<NotificationKind> = AccountTokenPurpose::ALL
            .iter()
            .map(|p| p.notification_kind())
            .collect();
        assert_eq!(kinds, NotificationKind::EMAIL_ONLY);
        assert!(kinds.iter().all(|k| k.email_only()));
        let others = NotificationKind::ALL.iter().filter(|k| !k.email_only());
        assert_eq!(others.count(), NotificationKind::ALL.len() - 2);
        assert!(!NotificationKind::AccountExists.email_only());
        for &purpose in AccountTokenPurpose::ALL {
            let kind = purpose.notification_kind();
            assert_eq!(AccountTokenPurpose::of_kind(kind), Some(purpose));
        }
        assert_eq!(
            AccountTokenPurpose::of_kind(NotificationKind::ProposalMade),
            None
        );
    }

    #[test]
    fn links_go_below_the_public_url_with_the_token() {
        let reset = AccountTokenPurpose::PasswordReset;
        assert_eq!(
            reset.link(Some("https://hulp.example.nl/app/"), "abc-_1"),
            "https://hulp.example.nl/app/password-reset?token=abc-_1"
        );
        assert_eq!(
            AccountTokenPurpose::EmailVerification.link(None, "t"),
            "/verify-email?token=t"
        );
    }
}
