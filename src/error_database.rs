//! Database and pool failures as [`AppError`]s: a lost race is a 409 or a 503 to retry,
//! anything else a 500 whose logged cause carries no bound value.

use super::AppError;

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => Self::NotFound("not-found-resource"),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(format!(
                    "write conflict: {}",
                    loggable_database_message(info.as_ref())
                ))
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(format!(
                    "connection closed: {}",
                    loggable_database_message(info.as_ref())
                ))
            }
            // A unique index refused a row that a concurrent change stored first (two
            // proposals for one request, say): the state changed under this request.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(
                    constraint = info.constraint_name().unwrap_or("?"),
                    "a unique rule refused a concurrent change"
                );
                Self::conflict(crate::msg!("conflict-same-moment"))
            }
            // PostgreSQL broke a deadlock by failing this transaction: nothing was stored.
            Error::DatabaseError(_, ref info) if info.message().contains("deadlock detected") => {
                Self::Unavailable("write conflict: deadlock; nothing was stored, try again".into())
            }
            // SQLite reports a busy database (another writer past busy_timeout) as "database is locked".
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                Self::Unavailable("database busy".into())
            }
            Error::DatabaseError(kind, info) => Self::Internal(anyhow::anyhow!(
                "database error ({kind:?}): {}",
                loggable_database_message(info.as_ref())
            )),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

/// A database error as it may be logged: the server's message with every quoted part
/// replaced (PostgreSQL quotes the offending value in messages such as `invalid input syntax
/// for type uuid: "…"`), plus the table, column and constraint names. The detail and hint
/// (`Key (email)=(…) already exists`, `Failing row contains (…)`) are never included: they
/// carry the bound values, which may be personal data.
fn loggable_database_message(info: &dyn diesel::result::DatabaseErrorInformation) -> String {
    let mut out = String::with_capacity(info.message().len());
    let mut quote: Option<char> = None;
    for c in info.message().chars() {
        match quote {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    for (name, value) in [
        ("table", info.table_name()),
        ("column", info.column_name()),
        ("constraint", info.constraint_name()),
    ] {
        if let Some(value) = value {
            out.push_str(&format!(" {name}={value}"));
        }
    }
    out
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(format!("no database connection: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        Self::Unavailable("blocking pool shut down".into())
    }
}
