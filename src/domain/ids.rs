//! Typed ids: opaque UUID strings that cannot be mixed up (a `UserId` is never an `OfferId`).

/// A new key for a stored row: a version 7 UUID, which begins with the time in milliseconds
/// and ends in 74 random bits. Keys made one after another sort together, so the key indexes
/// (and the indexes on a new row's request or match id) take each new row on the same few
/// pages instead of a random page of a large index: fewer pages read into the cache and
/// fewer written at each commit. The time it reveals is a row's creation time, which its
/// readers see anyway. Access never rests on a key being unguessable: every object is
/// checked against its owner. Secrets (refresh tokens, token ids) are not made here.
pub fn new_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Declares an id newtype around a UUID string.
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub String);

        impl $name {
            /// A new id (see [`new_key`]).
            pub fn generate() -> Self {
                Self($crate::domain::ids::new_key())
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

        // Stored ids are written by this service; they are read back as they are.
        $crate::domain::stored::stored_as_text!(
            $name,
            write = |v| v.as_str(),
            read = |id| Ok::<_, std::convert::Infallible>($name(id))
        );

        // An id reads as the text it is stored as (queries, logs, map keys of loaded
        // columns); one kind of id still never passes for another.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
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
typed_id!(
    /// A person a request was recorded for (see `domain::intake`).
    PersonId
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

    #[test]
    fn new_keys_sort_in_the_order_they_were_made() {
        let keys: Vec<String> = (0..1000).map(|_| new_key()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "keys out of order");
        let parsed = uuid::Uuid::parse_str(&keys[0]).expect("a uuid");
        assert_eq!(parsed.get_version_num(), 7);
        assert_eq!(
            MatchId::parse(&keys[0]).map(|id| id.0),
            Some(keys[0].clone())
        );
    }
}
