//! Pure, validated domain types. Each is parsed once at the edge ("parse, don't validate")
//! and carries its unit tests beside it.
//!
//! Every parse function reports problems as [`FieldError`]s (a `Vec` of them for composite
//! inputs such as [`Availability`]); the HTTP layer turns them into the problem+json
//! `errors: [{"field", "message"}]` list without further translation.

pub mod account_token;
pub mod availability;
pub mod category;
pub mod formal;
pub mod ids;
pub mod intake;
pub mod language;
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

/// One problem with one input field: `field` is a JSON-pointer-ish path such as `title` or
/// `availability.slots[2].start`, `message` says in plain words what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Path of the offending field, e.g. `availability.slots[2].start`.
    #[schema(example = "availability.slots[2].start")]
    pub field: String,
    /// What is wrong, in words a resident understands.
    #[schema(example = "a time is written as HH:MM, such as 09:30")]
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same problem reported under another field name, for a type used in a field whose
    /// name differs from the type's default (a [`Note`] parsed for `resolution_note`, say).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Several field problems at once, for composite inputs; `Display` joins them with `; `.
///
/// Exists mainly so that serde's `try_from` can deserialize validated composite types (it needs
/// an error that implements `Display`); parse functions return a plain `Vec<FieldError>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_serializes_as_field_and_message() {
        let error = FieldError::new("title", "too short");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"field": "title", "message": "too short"})
        );
        assert_eq!(error.clone().at("subject").field, "subject");
        assert_eq!(error.to_string(), "title: too short");
    }

    #[test]
    fn openapi_schemas_use_the_wire_names() {
        use utoipa::OpenApi;
        #[derive(OpenApi)]
        #[openapi(components(schemas(
            FieldError,
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
    fn field_errors_join_messages() {
        let errors = FieldErrors(vec![FieldError::new("a", "x"), FieldError::new("b", "y")]);
        assert_eq!(errors.to_string(), "a: x; b: y");
    }
}
