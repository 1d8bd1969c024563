//! Domain values kept in TEXT columns. [`stored_as_text!`] gives a type diesel's `ToSql` for
//! both backends and a `FromSql`, so a row read from the database is already a domain value
//! and a code that is not in the vocabulary fails the read instead of becoming a default.
//! The third backend, the multi-connection's, is in `db::columns` (it lives in `db`).

/// `stored_as_text!(Type, write = |v| <&str or String>, read = |s: String| <Result<Type, E>>)`.
macro_rules! stored_as_text {
    ($name:ty, write = |$v:ident| $write:expr, read = |$s:ident| $read:expr) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                let $v = self;
                out.set_value($write);
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                let $v = self;
                let text: &str = &$write;
                out.write_all(text.as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let $s = String::from_sql(bytes)?;
                $read.map_err(|e| e.to_string().into())
            }
        }
    };
}

pub(crate) use stored_as_text;
