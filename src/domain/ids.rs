//! Typed ids: opaque UUID strings that cannot be mixed up (a `UserId` is never an `OfferId`).

/// Declares an id newtype around a UUID string.
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub String);

        impl $name {
            /// A new random id.
            pub fn generate() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }
            /// Parses a client-supplied id; anything but a UUID is `None` (answered as 404).
            pub fn parse(input: &str) -> Option<Self> {
                uuid::Uuid::parse_str(input).ok().map(|u| Self(u.to_string()))
            }
            /// The id as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

typed_id!(
    /// A user account.
    UserId
);
typed_id!(
    /// A help request.
    HelpRequestId
);
typed_id!(
    /// A volunteer offer.
    OfferId
);
typed_id!(
    /// A match (one request, one offer).
    MatchId
);
typed_id!(
    /// A municipal case.
    CaseId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuids_and_parse_only_uuids() {
        let id = UserId::generate();
        assert_eq!(UserId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(UserId::parse("1"), None);
        assert_eq!(UserId::parse("../etc"), None);
        // Upper-case input is normalised to the stored lower-case form.
        assert_eq!(UserId::parse(&id.as_str().to_uppercase()), Some(id));
    }
}
