//! The state every handler and background task of a serving process reaches: the pool, the
//! settings, the clock, the keys and the in-memory offer index. Built by `startup`; the API
//! and the authentication extractors read it, the services never do (they take what they
//! need as arguments).

use std::sync::Arc;

use crate::{
    auth::{
        rate_limit::{LoginLimiter, MailLimiter},
        PasswordService, TokenKeys,
    },
    clock::Clock,
    config::Settings,
    db::Pool,
    geo::Gazetteer,
    services::live_offers::LiveOffers,
};

/// What every handler can reach.
pub struct AppState {
    /// The database pool.
    pub pool: Pool,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The reference data.
    pub gazetteer: Arc<Gazetteer>,
    /// The settings the app was built with.
    pub settings: Arc<Settings>,
    /// Now.
    pub clock: Arc<dyn Clock>,
    /// Signs access tokens.
    pub keys: TokenKeys,
    /// Bounded password hashing.
    pub passwords: PasswordService,
    /// Login and registration rate limits.
    pub login_limiter: LoginLimiter,
    /// Limits the password reset and verification e-mails per address and account.
    pub mail_limiter: MailLimiter,
    /// Incremental matching's in-memory offer index.
    pub live_offers: Arc<LiveOffers>,
    /// The accounts erased lately, which the authentication extractors refuse.
    pub erased_accounts: Arc<crate::auth::erased::ErasedAccounts>,
    /// Sends the notifications' e-mails and webhook calls.
    pub dispatcher: Arc<crate::services::dispatch::Dispatcher>,
}

impl AppState {
    /// The matching policy of the settings.
    pub fn policy(&self) -> crate::services::matching::Policy {
        crate::services::matching::Policy::new(&self.settings, self.live_offers.clone())
    }

    /// The channels notifications go out on besides the feed.
    pub fn channels(&self) -> crate::services::notify::Channels {
        crate::services::notify::Channels {
            email: self.settings.smtp_url.is_some(),
        }
    }
}
