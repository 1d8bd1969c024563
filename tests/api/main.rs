//! The integration suite: one binary that drives the real application over HTTP, on SQLite by
//! default and on PostgreSQL when `HULPMARKT_TEST_DATABASE_URL` is set.

mod auth;
mod batch;
mod cases;
mod categories;
mod foundation;
mod gazetteer;
mod help_requests;
mod helpers;
mod live_offers;
mod matching;
mod offers;
mod openapi;
mod privacy;
mod schema;
mod statistics;
mod sweeper;
mod write_path;
