//! The integration suite: one binary that drives the real application over HTTP, on SQLite by
//! default and on PostgreSQL when `HULPMARKT_TEST_DATABASE_URL` is set.

mod auth;
mod foundation;
mod gazetteer;
mod helpers;
mod openapi;
mod schema;
