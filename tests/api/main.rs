//! The integration suite: one binary that drives the real application over HTTP, on SQLite by
//! default and on PostgreSQL when `HULPMARKT_TEST_DATABASE_URL` is set.

mod auth;
mod auth_limits;
mod auth_roles;
mod auth_tokens;
mod batch;
mod case_consent;
mod case_escalation;
mod cases;
mod categories;
mod foundation;
mod gazetteer;
mod help_request_access;
mod help_request_changes;
mod help_request_duplicates;
mod help_request_validation;
mod help_requests;
mod helpers;
mod live_offers;
mod matching;
mod matching_candidates;
mod matching_concurrency;
mod notification_delivery;
mod notification_faults;
mod offer_lifecycle;
mod offers;
mod openapi;
mod privacy;
mod privacy_erasure;
mod privacy_export;
mod privacy_retention;
mod schema;
mod snapshots;
mod statistics;
mod sweeper;
mod write_path;
