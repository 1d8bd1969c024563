//! Unit tests of the error mapping.

use super::*;

#[test]
fn maps_each_error_to_its_status() {
    assert_eq!(
        AppError::invalid("x", crate::msg!("field-not-allowed")).status_code(),
        422
    );
    assert_eq!(
        AppError::NotFound("not-found-help-request").status_code(),
        404
    );
    assert_eq!(
        AppError::from(diesel::result::Error::NotFound).status_code(),
        404
    );
    assert_eq!(AppError::Unavailable("x".into()).status_code(), 503);
    assert_eq!(AppError::TooManyRequests(3).status_code(), 429);
}

#[test]
fn internal_errors_do_not_leak_their_cause() {
    let err = AppError::Internal(anyhow::anyhow!("password=hunter2 at db.rs:12"));
    let body = serde_json::to_string(&err.problem(Language::En)).unwrap();
    assert!(!body.contains("hunter2"));
    assert!(body.contains("internal-error"));
}

#[derive(Debug)]
struct PgLikeError;

impl diesel::result::DatabaseErrorInformation for PgLikeError {
    fn message(&self) -> &str {
        "invalid input syntax for type uuid: \"anna@example.nl\""
    }
    fn details(&self) -> Option<&str> {
        Some("Key (email)=(anna@example.nl) already exists.")
    }
    fn hint(&self) -> Option<&str> {
        None
    }
    fn table_name(&self) -> Option<&str> {
        Some("users")
    }
    fn column_name(&self) -> Option<&str> {
        None
    }
    fn constraint_name(&self) -> Option<&str> {
        Some("users_email_key")
    }
    fn statement_position(&self) -> Option<i32> {
        None
    }
}

#[test]
fn logged_database_errors_carry_no_bound_values() {
    let err = AppError::from(diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::Unknown,
        Box::new(PgLikeError),
    ));
    let AppError::Internal(cause) = err else {
        panic!("a database error is internal");
    };
    let logged = format!("{cause:?}");
    assert!(!logged.contains("anna"), "{logged}");
    assert!(
        logged.contains("invalid input syntax for type uuid"),
        "{logged}"
    );
    assert!(logged.contains("constraint=users_email_key"), "{logged}");
}

/// A row a concurrent change stored first is a 409 that names no value; PostgreSQL
/// breaking a deadlock is a 503 to retry; neither is a 500.
#[test]
fn races_lost_in_the_database_are_conflicts_or_retries() {
    let unique = AppError::from(diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::UniqueViolation,
        Box::new(PgLikeError),
    ));
    let AppError::Conflict { detail, .. } = &unique else {
        panic!("{unique:?}");
    };
    assert_eq!(detail.id, "conflict-same-moment");
    let shown = serde_json::to_string(&unique.problem(Language::Nl)).unwrap();
    assert!(
        !shown.contains("anna") && !shown.contains("users_email_key"),
        "{shown}"
    );
    assert_eq!(unique.status_code(), StatusCode::CONFLICT);

    #[derive(Debug)]
    struct Deadlock;
    impl diesel::result::DatabaseErrorInformation for Deadlock {
        fn message(&self) -> &str {
            "deadlock detected"
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }
    let deadlock = AppError::from(diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::Unknown,
        Box::new(Deadlock),
    ));
    assert_eq!(deadlock.status_code(), StatusCode::SERVICE_UNAVAILABLE);
}

#[test]
fn validation_problem_names_the_field() {
    let error = AppError::invalid("postcode", crate::msg!("field-postcode-format"));
    let body = serde_json::to_value(error.problem(Language::Nl)).unwrap();
    assert_eq!(body["errors"][0]["field"], "postcode");
    assert_eq!(body["status"], 422);
    assert_eq!(
        body["errors"][0]["message"],
        "Vul een postcode in van vier cijfers, zoals 3511."
    );
    assert_eq!(
        body["detail"],
        "postcode: Vul een postcode in van vier cijfers, zoals 3511."
    );
    let english = serde_json::to_value(error.problem(Language::En)).unwrap();
    assert_eq!(
        english["errors"][0]["message"],
        "Enter a postcode of four digits, such as 3511."
    );
    assert_eq!(english["title"], "Some of your details are not right");
}
