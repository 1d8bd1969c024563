//! Validated free text and contact fields. Lengths count characters (Unicode scalar values),
//! not bytes; surrounding whitespace is trimmed (except in passwords).

use std::fmt;

use super::FieldError;

/// Shared plumbing for a validated string newtype: accessors, `Display`, serde as a plain JSON
/// string (deserializing runs the parser) and an OpenAPI schema of type string, with the
/// given extra schema attributes (the constraints the parser enforces).
///
/// The patterns describe the input as sent, so that the document rejects exactly what the
/// parser rejects: surrounding white space (Rust's `char::is_whitespace` set, spelled out
/// because regex `\s` differs between engines) is allowed because it is trimmed, control and
/// bidi-override characters are not, and the length bounds apply to the trimmed text. The
/// patterns carry the length bounds too: `maxLength` would be wrong, as padding may make the
/// raw string longer than the limit on the trimmed text.
macro_rules! text_newtype {
    ($(#[$meta:meta])* $name:ident, example = $example:literal, schema($($schema:tt)+)) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, utoipa::ToSchema)]
        #[schema(value_type = String, example = $example, $($schema)+)]
        pub struct $name(String);

        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The validated text, owned.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(|e| crate::domain::FieldError::into_serde(vec![e]))
            }
        }
    };
}

/// Bidirectional-override and isolate characters: invisible, and able to make text read
/// differently from what it is (e.g. a reversed file name or link), so never accepted.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims `input` and checks its length in characters and its characters: control characters
/// are refused, except newline and tab when `multiline` (a `\r\n` becomes `\n`).
fn checked_text(
    input: &str,
    field: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, FieldError> {
    let text = if multiline {
        input.trim().replace("\r\n", "\n")
    } else {
        input.trim().to_owned()
    };
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if text
        .chars()
        .any(|c| (c.is_control() && !allowed(c)) || is_bidi_control(c))
    {
        let message = if multiline {
            crate::msg!("field-control-characters-multiline")
        } else {
            crate::msg!("field-control-characters-line")
        };
        return Err(
            FieldError::new(field, message).code(crate::domain::FieldErrorCode::ControlCharacters)
        );
    }
    let count = text.chars().count();
    if count < min {
        return Err(if count == 0 {
            FieldError::of(field, crate::domain::FieldErrorCode::Required)
        } else {
            FieldError::of(field, crate::domain::FieldErrorCode::TooShort).param("min", min)
        });
    }
    if count > max {
        return Err(
            FieldError::of(field, crate::domain::FieldErrorCode::TooLong).param("max", max),
        );
    }
    Ok(text)
}

text_newtype!(
    /// The title of a help request: one line, 3–120 characters.
    Title,
    example = "Boodschappen op dinsdag",
    schema(
        pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000][^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{1,118}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

impl Title {
    /// Trims and checks; errors are reported on field `title`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_text(input, "title", 3, 120, false).map(Self)
    }
}

text_newtype!(
    /// The description of a help request: 0–10 000 characters, line breaks and tabs allowed.
    Description,
    example = "Ik kan zelf niet meer naar de supermarkt.",
    schema(
        pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(?:[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000](?:(?:\r\n|[^\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]){0,9998}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000])?)?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

impl Description {
    /// Trims and checks; errors are reported on field `description`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_text(input, "description", 0, 10_000, true).map(Self)
    }
}

text_newtype!(
    /// A short note (on an offer, a case decision): 0–1 000 characters, line breaks allowed.
    Note,
    example = "Ik heb een auto.",
    schema(
        pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(?:[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000](?:(?:\r\n|[^\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]){0,998}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000])?)?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

impl Note {
    /// Trims and checks; errors are reported on field `note` (rename with [`FieldError::at`]).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_text(input, "note", 0, 1_000, true).map(Self)
    }
}

text_newtype!(
    /// The name a person shows to others: one line, 1–80 characters.
    DisplayName,
    example = "Anna",
    schema(
        pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000](?:[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{0,78}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

impl DisplayName {
    /// Trims and checks; errors are reported on field `display_name`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_text(input, "display_name", 1, 80, false).map(Self)
    }
}

text_newtype!(
    /// One line of an address (street and number, place): 1–120 characters.
    AddressLine,
    example = "Dorpsstraat 12, Houten",
    schema(
        pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000](?:[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]{0,118}[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f\u205f\u2066-\u2069\u3000])?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"#
    )
);

impl AddressLine {
    /// Trims and checks; errors are reported on field `address_line`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_text(input, "address_line", 1, 120, false).map(Self)
    }
}

#[path = "contact.rs"]
mod contact;
pub use contact::{is_common_password, Email, Password, Phone};

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
