//! Pure, validated domain types. Each is parsed once at the edge ("parse, don't validate")
//! and carries its unit tests beside it.

pub mod postcode;

pub use postcode::Postcode;
