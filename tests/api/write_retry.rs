//! A write that loses to a concurrent one (a deadlock broken by PostgreSQL, a serialization
//! failure) is run again a bounded number of times before it is a 503 (issue 26). SQLite has
//! one writer and no such losses: there the first answer stands.

use std::sync::{
    atomic::{AtomicU32, Ordering},
    Arc,
};

use hulpmarkt::{db::WRITE_ATTEMPTS, error::AppError};

use crate::helpers::TestApp;

/// Runs a write that loses its first `losses` attempts; returns the result and the attempts.
async fn losing(app: &TestApp, losses: u32) -> (Result<u32, AppError>, u32) {
    let attempts = Arc::new(AtomicU32::new(0));
    let counted = attempts.clone();
    let done = hulpmarkt::db::transaction(&app.state.pool, move |_conn| {
        let attempt = counted.fetch_add(1, Ordering::SeqCst) + 1;
        if attempt <= losses {
            Err(AppError::Unavailable(
                "write conflict: deadlock; nothing was stored, try again".into(),
            ))
        } else {
            Ok(attempt)
        }
    })
    .await;
    (done, attempts.load(Ordering::SeqCst))
}

#[actix_web::test]
async fn a_lost_write_is_run_again_a_bounded_number_of_times_on_postgresql() {
    let app = TestApp::spawn().await;
    let (twice_lost, attempts) = losing(&app, 2).await;
    let (always_lost, tries) = losing(&app, u32::MAX).await;
    if app.state.pool.is_postgres() {
        assert_eq!(twice_lost.expect("the third attempt stores it"), 3);
        assert_eq!(attempts, 3);
        assert!(always_lost.is_err_and(|e| e.is_write_conflict()));
        assert_eq!(tries, WRITE_ATTEMPTS);
    } else {
        // One writer: nothing to lose to, so nothing is run twice.
        assert!(twice_lost.is_err_and(|e| e.is_write_conflict()));
        assert_eq!((attempts, tries), (1, 1));
    }
    // What the client gets for the last loss: a 503 that says when to try again.
    let response = actix_web::ResponseError::error_response(&AppError::Unavailable(
        "write conflict: deadlock".into(),
    ));
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
}
