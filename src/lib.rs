//! Hulpmarkt: a REST backend that matches neighbourly help requests with volunteer offers
//! under the Wmo 2015, the Jeugdwet and the Participatiewet, with the municipality as fallback.
//!
//! Layout (see `README.md`): `config` reads settings, `startup` builds the application,
//! `error` maps every failure to HTTP once, `db` holds storage, `domain` the parsed types,
//! `geo` the gazetteer, `engine` the pure matching engine, `auth` accounts and tokens,
//! `services` the multi-table workflows, `api` the thin HTTP handlers, `web` the case
//! workers' workplace (server-rendered pages beside `api`), `telemetry` logs
//! and metrics, and `scheduling` the serving threads' scheduling policy. docs/ARCHITECTURE.md describes the layers.

pub mod api;
pub mod auth;
pub mod background;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod engine;
pub mod error;
pub mod geo;
pub mod i18n;
pub mod notifications;
pub mod scheduling;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
