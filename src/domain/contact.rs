//! Account and contact fields: e-mail address, phone number and password.

use std::fmt;

use super::FieldError;

text_newtype!(
    /// An e-mail address, lower-cased, at most 254 characters with at most 64 before the `@`,
    /// ASCII only (an international domain must be given in its `xn--` form). Surrounding white
    /// space is trimmed. The pattern's two look-aheads are those length limits.
    Email,
    example = "anna@example.nl",
    schema(
        pattern = r#"^(?![\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z0-9!#$%&'*+/=?^_\x60{|}~.-]{65})(?![\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[!-~]{255})[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z0-9!#$%&'*+/=?^_\x60{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_\x60{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{0,58}[A-Za-z0-9])[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

/// Characters RFC 5322 allows unquoted in the local part, besides letters, digits and dots.
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

impl Email {
    /// Trims, lower-cases and checks the syntax: `local@domain.tld` with a dot-atom local part
    /// of at most 64 characters and a domain of at least two labels (letters, digits, inner
    /// hyphens, at most 63 each) ending in an alphabetic top-level domain. Quoted local parts
    /// and IP-address domains are refused: no resident has one. Field `email`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        // Each refusal's reason stays here for the reader; a person reads one plain sentence.
        let error = |_reason: &str| {
            Err(FieldError::new("email", crate::msg!("field-email-format"))
                .code(crate::domain::FieldErrorCode::InvalidFormat))
        };
        let email = input.trim().to_ascii_lowercase();
        if email.is_empty() {
            return error("must not be empty");
        }
        if email.chars().count() > 254 {
            return error("must be at most 254 characters");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return error("an e-mail address looks like name@example.nl");
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || LOCAL_SPECIALS.contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if !local_ok {
            return error("the part before @ is not a valid e-mail name");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        let tld_ok = |tld: &str| {
            (tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
                || tld.starts_with("xn--")
        };
        let domain_ok = labels.len() >= 2
            && labels.iter().all(label_ok)
            && labels.last().is_some_and(|tld| tld_ok(tld));
        if !domain_ok {
            return error("the part after @ is not a valid domain, such as example.nl");
        }
        Ok(Self(email))
    }
}

text_newtype!(
    /// A phone number, Dutch (`06-12345678`) or international (`+31 6 12345678`), stored
    /// without spaces or hyphens: an optional leading `+` and digits, 8–20 characters.
    Phone,
    example = "+31612345678",
    schema(
        pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[ -]*(?:\+[ -]*(?:[0-9][ -]*){7,19}|(?:[0-9][ -]*){8,20})[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

impl Phone {
    /// Accepts digits, spaces, hyphens and one leading `+`; removes the spaces and hyphens.
    /// Field `phone`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        // Each refusal's reason stays here for the reader; a person reads one plain sentence.
        let error = |_reason: &str| {
            Err(FieldError::new("phone", crate::msg!("field-phone-format"))
                .code(crate::domain::FieldErrorCode::InvalidFormat))
        };
        let trimmed = input.trim();
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+'))
        {
            return error("a phone number holds only digits, spaces, hyphens and a leading +");
        }
        let phone: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let digits = phone.strip_prefix('+').unwrap_or(&phone);
        if digits.contains('+') {
            return error("a + may only come first, as in +31 6 12345678");
        }
        if !(8..=20).contains(&phone.len()) {
            return error("a phone number has 8 to 20 characters without spaces");
        }
        Ok(Self(phone))
    }
}

/// The list in `common_passwords.txt`: lower case, one per line, `#` starts a comment line.
pub(super) const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// A new password: 10–128 characters, not one of the commonly used passwords (compared
/// case-insensitively). Never trimmed, never serialized, and `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl utoipa::PartialSchema for Password {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        // Written out because the derive cannot put length bounds on a newtype.
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
            .min_length(Some(10))
            .max_length(Some(128))
            .description(Some(
                "A new password: 10–128 characters (not trimmed), not one of the commonly used passwords.",
            ))
            .examples([serde_json::json!("lange-zin-als-wachtwoord")])
            .extensions(Some(common_passwords_excluded()))
            .into()
    }
}

impl utoipa::ToSchema for Password {}

/// `"not": {"enum": [...]}` with the common-password list, so that the document refuses what
/// [`Password::parse`] refuses (the check also ignores case, which a schema cannot say).
/// utoipa has no `not` keyword; its extension map serializes any key it is given.
fn common_passwords_excluded() -> utoipa::openapi::extensions::Extensions {
    let listed: Vec<&str> = COMMON_PASSWORDS
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect();
    let mut extensions = utoipa::openapi::extensions::Extensions::default();
    extensions.insert("not".into(), serde_json::json!({ "enum": listed }));
    extensions
}

impl Password {
    /// Checks length and the common-password list. Field `password`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let count = input.chars().count();
        if count < 10 {
            return Err(
                FieldError::of("password", crate::domain::FieldErrorCode::TooShort)
                    .param("min", 10),
            );
        }
        if count > 128 {
            return Err(
                FieldError::of("password", crate::domain::FieldErrorCode::TooLong)
                    .param("max", 128),
            );
        }
        if is_common_password(input) {
            return Err(FieldError::new(
                "password",
                crate::msg!("field-password-common"),
            ));
        }
        Ok(Self(input.to_owned()))
    }

    /// The password itself, to hash. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether `password` is on the common-password list, ignoring case.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .any(|line| line == lower)
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl<'de> serde::Deserialize<'de> for Password {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(|e| crate::domain::FieldError::into_serde(vec![e]))
    }
}
