//! The background tasks of `serve`, started by `startup`: the offer index's refresh, the
//! sweeper, and the reload of the erased accounts. Each logs a failure and tries again at its
//! next tick; none is ever fatal.

use std::time::{Duration as StdDuration, Instant};

use actix_web::web;

use crate::{
    auth::erased,
    db::{self, DbConnection},
    services::{live_offers, sweeper},
    state::AppState,
};

/// Builds the index in the background right after start (so the first new request does not
/// wait for it), then refreshes it every [`live_offers::REFRESH_EVERY`]. Failures are logged and retried
/// at the next tick; a search before the first load builds the index itself.
pub fn spawn_index_refresh(state: web::Data<AppState>) -> actix_web::rt::task::JoinHandle<()> {
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(live_offers::REFRESH_EVERY);
        loop {
            ticks.tick().await;
            let (live, now) = (state.live_offers.clone(), state.clock.now_naive());
            let started = Instant::now();
            let loaded = live.is_loaded();
            let recount = match state.settings.demand_recount_minutes {
                0 => None,
                minutes => Some(StdDuration::from_secs(u64::from(minutes) * 60)),
            };
            let ctx = crate::services::policy::context(now, &state.policy());
            let work = move |conn: &mut DbConnection| {
                live.refresh(conn, now)?;
                if recount.is_some_and(|every| !live.demand_fresh(every)) {
                    live.count_demand(conn, now, &ctx)?;
                }
                Ok(())
            };
            match crate::db::run(&state.pool, work).await {
                Ok(()) if !loaded => tracing::info!(
                    millis = started.elapsed().as_millis() as u64,
                    "offer index built"
                ),
                Ok(()) => {}
                Err(error) => tracing::warn!(?error, "offer index refresh failed"),
            }
        }
    })
}

/// Starts the periodic sweep inside `serve` (every `sweep_minutes`; 0 turns it off), with the
/// global matching batch in the first sweep after every six-hour boundary. The first sweep
/// runs one interval after start. Failures are logged, never fatal.
pub fn spawn_sweeper(state: web::Data<AppState>) -> Option<actix_web::rt::task::JoinHandle<()>> {
    let minutes = state.settings.sweep_minutes;
    if minutes == 0 {
        return None;
    }
    let period = std::time::Duration::from_secs(u64::from(minutes) * 60);
    Some(actix_web::rt::spawn(async move {
        let mut ticks =
            actix_web::rt::time::interval_at(actix_web::rt::time::Instant::now() + period, period);
        loop {
            ticks.tick().await;
            let (now, policy) = (state.clock.now_naive(), state.policy());
            let batch = sweeper::batch_due(now, period);
            if let Err(error) = sweeper::sweep(&state.pool, now, &policy, batch).await {
                tracing::error!(?error, "sweep failed");
            }
        }
    }))
}

/// Reloads the set every [`erased::REFRESH_EVERY`]; a failure is logged and leaves the set to go
/// stale (then requests ask the database).
pub fn spawn_erasure_refresh(state: web::Data<AppState>) -> actix_web::rt::task::JoinHandle<()> {
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(erased::REFRESH_EVERY);
        loop {
            ticks.tick().await;
            let (erased, now) = (state.erased_accounts.clone(), state.clock.now_naive());
            if let Err(error) = db::run(&state.pool, move |conn| erased.refresh(conn, now)).await {
                tracing::warn!(?error, "reloading the erased accounts failed");
            }
        }
    })
}

/// Starts the notification dispatcher inside `serve`: a run every `dispatch_seconds` (0 turns
/// it off). Each run sends what is due and stops; failures are logged, never fatal.
pub fn spawn_dispatcher(state: web::Data<AppState>) -> Option<actix_web::rt::task::JoinHandle<()>> {
    let seconds = state.settings.dispatch_seconds;
    if seconds == 0 {
        return None;
    }
    let period = std::time::Duration::from_secs(u64::from(seconds));
    Some(actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match state
                .dispatcher
                .run(&state.pool, state.clock.now_naive())
                .await
            {
                Ok(report) if report != Default::default() => {
                    tracing::info!(?report, "notifications dispatched");
                }
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "dispatching notifications failed"),
            }
        }
    }))
}
