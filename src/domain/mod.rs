//! Pure, validated domain types. Each is parsed once at the edge ("parse, don't validate")
//! and carries its unit tests beside it.
//!
//! Every parse function reports problems as [`FieldError`]s (a `Vec` of them for composite
//! inputs such as [`Availability`]); the HTTP layer turns them into the problem+json
//! `errors: [{"field", "code", "message"}]` list, the message rendered from the catalogue.

pub mod account_token;
pub mod availability;
pub mod category;
pub mod formal;
pub mod ids;
pub mod intake;
pub mod language;
pub mod message;
pub mod notification;
pub mod postcode;
pub mod safeguarding;
pub mod slot;
pub mod status;
pub(crate) mod stored;
pub mod takeover;
pub mod text;

use std::fmt;

pub use account_token::AccountTokenPurpose;
pub use availability::{Availability, AvailabilityInput, DateWindow, SlotInput};
pub use category::{Category, CategoryInfo, LawDomain, TAXONOMY_VERSION};
pub use formal::{FormalCategory, FormalStandard};
pub use ids::{CaseId, HelpRequestId, MatchId, OfferId, PersonId, UserId};
pub use intake::{ClaimCode, ConsentWay, ContactRoute, RecorderRole, RequestChannel};
pub use language::Language;
pub use message::{Message, MessageArg};
pub use notification::{Channel, DeliveryStatus, NotificationKind, RecipientRole};
pub use postcode::Postcode;
pub use safeguarding::{SuspensionReason, VogChange, VogRevocationReason};
pub use slot::{Slot, TimeOfDay, Weekday};
pub use status::{
    CaseOutcome, CaseStatus, EscalationReason, HelpRequestStatus, MatchOrigin, MatchStatus,
    OfferStatus, Role, Urgency,
};
pub use takeover::TakeoverReason;
pub use text::{
    is_common_password, AddressLine, Description, DisplayName, Email, Note, Password, Phone, Title,
};

/// What is wrong with a field, as a stable machine-readable code; a front end may show its
/// own words for it. `params` of the [`FieldError`] carry the figures the code refers to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// The field is missing or empty.
    Required,
    /// The text is shorter than `min` characters.
    TooShort,
    /// The text is longer than `max` characters.
    TooLong,
    /// The number or date lies outside `min`–`max` (either may be absent).
    OutOfRange,
    /// The value is not written the way the field expects (a time, an e-mail address, …).
    InvalidFormat,
    /// The text holds control or invisible characters.
    ControlCharacters,
    /// The value is not one of `allowed` (when the list is short enough to send).
    UnknownValue,
    /// The postcode is well-formed but not a Dutch postcode area in use.
    UnknownPostcode,
    /// The category does not belong to the chosen law domain (`domain`).
    NotInDomain,
    /// The availability window ends before today.
    AvailabilityInPast,
    /// The same value appears twice in a list.
    Duplicate,
    /// The body has a field this request does not know (`allowed`: the known ones).
    UnknownField,
    /// The value has the wrong JSON type (`expected`: string, integer, number, boolean,
    /// array or object).
    WrongType,
    /// The body is not valid JSON, or not a JSON object.
    MalformedJson,
    /// The value does not fit a rule of the service; `message` says which.
    NotAllowed,
}

/// One problem with one input field: `field` is a JSON-pointer-ish path such as `title` or
/// `availability.slots[2].start`, `code` says what is wrong for a program, `params` carries
/// its figures, `message` the catalogue sentence for a person (the code's general sentence
/// when absent). `crate::error::ProblemField` is its form on the wire.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// Path of the offending field, e.g. `availability.slots[2].start`.
    pub field: String,
    /// What is wrong, stable across releases and languages.
    pub code: FieldErrorCode,
    /// The figures of the code, e.g. `{"max": 120}` or `{"allowed": ["mon", "tue"]}`.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// What is wrong, when the code's general sentence does not say enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// Marks a [`FieldError`] carried through serde's string-only custom errors, so the extractor
/// can recover its code and parameters instead of showing serde's text.
const SERDE_MARK: &str = "\u{1f}field-error:";

impl FieldError {
    /// A problem with `field` saying `message` (code `not_allowed` until
    /// [`FieldError::code`] says more).
    pub fn new(field: impl Into<String>, message: Message) -> Self {
        Self {
            field: field.into(),
            code: FieldErrorCode::NotAllowed,
            params: serde_json::Map::new(),
            message: Some(message),
        }
    }

    /// A problem with `field` that the general sentence of `code` describes.
    pub fn of(field: impl Into<String>, code: FieldErrorCode) -> Self {
        Self {
            field: field.into(),
            code,
            params: serde_json::Map::new(),
            message: None,
        }
    }

    /// The same problem with this code.
    pub fn code(mut self, code: FieldErrorCode) -> Self {
        self.code = code;
        self
    }

    /// The same problem with one more parameter.
    pub fn param(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }

    /// The same problem reported under another field name, for a type used in a field whose
    /// name differs from the type's default (a [`Note`] parsed for `resolution_note`, say).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// A serde error carrying these problems, for `Deserialize` impls of validated types;
    /// [`FieldError::from_serde`] recovers them.
    pub fn into_serde<E: serde::de::Error>(errors: Vec<FieldError>) -> E {
        E::custom(FieldErrors(errors))
    }

    /// The problems carried by a serde message made with [`FieldError::into_serde`] (serde_json
    /// may have appended its ` at line … column …`).
    pub fn from_serde(message: &str) -> Option<Vec<FieldError>> {
        let json = message.split_once(SERDE_MARK)?.1;
        let end = json.rfind(']')?;
        serde_json::from_str(&json[..=end]).ok()
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{}: {message}", self.field),
            None => write!(f, "{}: {:?}", self.field, self.code),
        }
    }
}

impl std::error::Error for FieldError {}

/// Several field problems at once, for serde's `try_from` on validated composite types (it
/// needs an error that implements `Display`): `Display` writes the marked form that
/// [`FieldError::from_serde`] reads back, so the codes reach the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_string(&self.0).map_err(|_| fmt::Error)?;
        write!(f, "{SERDE_MARK}{json}")
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_serializes_with_its_code_and_params() {
        let error = FieldError::of("title", FieldErrorCode::TooShort).param("min", 3);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"field": "title", "code": "too_short", "params": {"min": 3}})
        );
        let plain =
            serde_json::to_value(FieldError::new("x", crate::msg!("field-not-allowed"))).unwrap();
        assert_eq!(
            plain,
            serde_json::json!({"field": "x", "code": "not_allowed", "message": {"id": "field-not-allowed"}})
        );
        assert_eq!(error.clone().at("subject").field, "subject");
        assert_eq!(error.to_string(), "title: TooShort");
    }

    #[test]
    fn openapi_schemas_use_the_wire_names() {
        use utoipa::OpenApi;
        #[derive(OpenApi)]
        #[openapi(components(schemas(
            CategoryInfo,
            AvailabilityInput,
            Availability,
            HelpRequestStatus,
            Role,
            Title,
            Password
        )))]
        struct Doc;
        let doc = serde_json::to_value(Doc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let codes = schemas["Category"]["enum"].as_array().unwrap();
        assert!(
            codes.contains(&serde_json::json!("digitale-hulp")),
            "{codes:?}"
        );
        assert_eq!(schemas["TimeOfDay"]["type"], "string");
        assert_eq!(schemas["Title"]["type"], "string");
        assert_eq!(schemas["Password"]["format"], "password");
        let statuses = schemas["HelpRequestStatus"]["enum"].as_array().unwrap();
        assert_eq!(statuses.len(), 8);
        assert!(schemas["Role"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"case_worker".into()));
    }

    #[test]
    fn field_errors_survive_a_trip_through_serde() {
        let sent = vec![FieldError::new(
            "start",
            crate::msg!("field-time-format", example = "at line 3"),
        )
        .code(FieldErrorCode::InvalidFormat)];
        let err: serde_json::Error = FieldError::into_serde(sent.clone());
        assert_eq!(FieldError::from_serde(&err.to_string()), Some(sent.clone()));
        let err = serde_json::from_str::<u8>("300").unwrap_err();
        assert_eq!(FieldError::from_serde(&err.to_string()), None);
        let wrapped = format!(
            "{} at line 1 column 9",
            FieldError::into_serde::<serde_json::Error>(sent.clone())
        );
        assert_eq!(FieldError::from_serde(&wrapped), Some(sent));
    }

    #[test]
    fn field_errors_display_in_the_marked_form() {
        let errors = vec![
            FieldError::of("a", FieldErrorCode::Required),
            FieldError::new("b", crate::msg!("field-not-allowed")),
        ];
        let shown = FieldErrors(errors.clone()).to_string();
        assert!(shown.starts_with(SERDE_MARK), "{shown}");
        assert_eq!(FieldError::from_serde(&shown), Some(errors));
    }
}
