//! How the matching workflows behave (from the settings), where they find candidates, and
//! the engine's settings for a run.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};

use super::live_offers::{IndexNotes, LiveOffers};
use crate::engine::MatchContext;

/// How the workflows behave (from the settings), where they find candidates, and what one
/// write transaction learnt about the offers (applied after its commit, see
/// [`crate::services::write`]). A clone starts with no notes.
pub struct Policy {
    /// Time a volunteer has to answer.
    pub proposal_ttl: Duration,
    /// New proposals per volunteer per 24 h, where the offer's municipality set no cap of
    /// its own.
    pub daily_cap: i64,
    /// VOG validity in months.
    pub vog_max_age_months: u32,
    /// Months after which finished requests, matches and cases are anonymised.
    pub retention_months: u32,
    /// The process's in-memory offer index (see [`LiveOffers`]).
    pub offers: Arc<LiveOffers>,
    /// Whether the demand policy is on (issue 5; `demand_recount_minutes` > 0).
    pub demand: bool,
    /// The channels notifications go out on besides the feed.
    pub channels: super::notify::Channels,
    notes: std::sync::Mutex<IndexNotes>,
}

impl Clone for Policy {
    fn clone(&self) -> Self {
        Self {
            proposal_ttl: self.proposal_ttl,
            daily_cap: self.daily_cap,
            vog_max_age_months: self.vog_max_age_months,
            retention_months: self.retention_months,
            offers: self.offers.clone(),
            demand: self.demand,
            channels: self.channels,
            notes: std::sync::Mutex::default(),
        }
    }
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("proposal_ttl", &self.proposal_ttl)
            .field("daily_cap", &self.daily_cap)
            .field("vog_max_age_months", &self.vog_max_age_months)
            .field("retention_months", &self.retention_months)
            .field("demand", &self.demand)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// The policy of these settings, finding candidates in `offers` (one per process, shared).
    pub fn new(settings: &crate::config::Settings, offers: Arc<LiveOffers>) -> Self {
        Self {
            proposal_ttl: Duration::hours(i64::from(settings.proposal_hours.max(1))),
            daily_cap: i64::from(settings.daily_proposal_cap.max(1)),
            vog_max_age_months: MatchContext::DEFAULT_VOG_MAX_AGE_MONTHS,
            retention_months: settings.retention_months,
            offers,
            demand: settings.demand_recount_minutes > 0,
            channels: super::notify::Channels {
                email: settings.smtp_url.is_some(),
            },
            notes: std::sync::Mutex::default(),
        }
    }

    /// The daily proposal cap for offers in `municipality`: its own where `caps` (from
    /// `db::municipality_settings::daily_caps`) has one, the service's otherwise.
    pub fn cap_in(&self, caps: &std::collections::HashMap<String, i64>, municipality: &str) -> i64 {
        caps.get(municipality).copied().unwrap_or(self.daily_cap)
    }

    /// The notes of the transaction running with this policy.
    pub(crate) fn notes(&self) -> std::sync::MutexGuard<'_, IndexNotes> {
        self.notes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the notes, to apply once the transaction committed.
    pub fn take_notes(&self) -> IndexNotes {
        std::mem::take(&mut *self.notes())
    }

    /// The policy of these settings with an index of its own (one-off commands).
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self::new(settings, Arc::new(LiveOffers::new()))
    }
}

/// The engine's settings for a run at `now` under `policy`.
pub fn context(now: NaiveDateTime, policy: &Policy) -> MatchContext {
    MatchContext {
        today: crate::clock::dutch_today(now),
        vog_max_age_months: policy.vog_max_age_months,
    }
}
