//! Pure, validated domain types. Each is parsed once at the edge ("parse, don't validate")
//! and carries its unit tests beside it.

pub mod postcode;

pub use postcode::Postcode;

/// One invalid input field: where it is (`availability.slots[2].start`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `postcode` or `availability.slots[0].end`.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl FieldError {
    /// A field error for `field` with `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
