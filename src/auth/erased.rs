//! The accounts erased lately, and those whose sessions were ended lately (a password change:
//! tokens issued before it are refused), kept in memory, so that the check every authenticated request
//! makes after its JWT checks out ("does this account still exist?", AVG art. 17) is a hash
//! look-up instead of a query and a second trip to the blocking pool.
//!
//! Only recent erasures matter: an erased account can no longer sign in or refresh, so every
//! access token it still has was issued before the erasure and dies within
//! [`ACCESS_TOKEN_SECONDS`]. The set holds the erasures of the last [`KEEP`] (far more than a
//! token lives), reloaded from the database every [`REFRESH_EVERY`]; an erasure made by this
//! process enters at once. So a token of an account erased here is refused from the next
//! request on; one erased through another instance sharing the database (PostgreSQL) within
//! [`REFRESH_EVERY`]. Until the first load, and whenever the last successful load is older
//! than [`STALE_AFTER`], the extractor asks the database as before.
//!
//! [`ACCESS_TOKEN_SECONDS`]: super::tokens::ACCESS_TOKEN_SECONDS

use std::{
    collections::HashMap,
    sync::RwLock,
    time::{Duration as StdDuration, Instant},
};

use chrono::{Duration, NaiveDateTime};

use crate::{
    db::{self, DbConnection},
    domain::UserId,
    error::AppError,
};

/// How far back erasures are kept (an access token lives 15 minutes).
pub const KEEP: Duration = Duration::days(1);
/// How often the set is reloaded.
pub const REFRESH_EVERY: StdDuration = StdDuration::from_secs(2);
/// A set not reloaded for this long is not trusted (the database is asked instead).
pub const STALE_AFTER: StdDuration = StdDuration::from_secs(30);

/// The accounts erased in the last [`KEEP`]; see the module documentation.
#[derive(Debug, Default)]
pub struct ErasedAccounts {
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    /// When the set was last loaded from the database; `None` before the first load.
    loaded: Option<Instant>,
    /// Erased account id → when.
    erased: HashMap<String, NaiveDateTime>,
    /// Account id → when its sessions were last ended (a password change).
    ended: HashMap<String, NaiveDateTime>,
}

impl ErasedAccounts {
    /// An empty set, not loaded yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Some(true)` when `user` was erased, `Some(false)` when it was not (as of at most
    /// [`STALE_AFTER`] ago), `None` when the set cannot tell (not loaded, or stale).
    pub fn is_erased(&self, user: &UserId) -> Option<bool> {
        let state = self.state.read().unwrap_or_else(|p| p.into_inner());
        if state.erased.contains_key(user.as_str()) {
            return Some(true);
        }
        state
            .loaded
            .filter(|at| at.elapsed() < STALE_AFTER)
            .map(|_| false)
    }

    /// `Some(true)` when a token of `user` issued at `issued_at` (Unix seconds) must be
    /// refused: the account was erased, or its sessions were ended after the token was issued
    /// (a password change); `Some(false)` when it holds; `None` when the set cannot tell.
    pub fn refuses(&self, user: &UserId, issued_at: i64) -> Option<bool> {
        let state = self.state.read().unwrap_or_else(|p| p.into_inner());
        if state.erased.contains_key(user.as_str()) {
            return Some(true);
        }
        if let Some(ended) = state.ended.get(user.as_str()) {
            return Some(issued_at <= ended.and_utc().timestamp());
        }
        state
            .loaded
            .filter(|at| at.elapsed() < STALE_AFTER)
            .map(|_| false)
    }

    /// Records that this process just ended `user`'s sessions at `at`.
    pub fn note_sessions_ended(&self, user: &UserId, at: NaiveDateTime) {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.ended.insert(user.as_str().to_owned(), at);
    }

    /// Records an erasure this process just committed.
    pub fn note(&self, user: &UserId, at: NaiveDateTime) {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.erased.insert(user.as_str().to_owned(), at);
    }

    /// Reloads the erasures of the [`KEEP`] before `now` (one indexed query), dropping older
    /// ones.
    pub fn refresh(&self, conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), AppError> {
        let since = now - KEEP;
        let loaded: HashMap<String, NaiveDateTime> = db::privacy::erased_since(conn, since)?
            .into_iter()
            .collect();
        let ended_loaded: HashMap<String, NaiveDateTime> =
            db::privacy::sessions_ended_since(conn, since)?
                .into_iter()
                .collect();
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        // Keep this process's own notes that the read may have missed (it ran outside the
        // erasure's transaction), then drop what aged out.
        let mut erased = loaded;
        for (id, at) in state.erased.drain() {
            erased.entry(id).or_insert(at);
        }
        erased.retain(|_, at| *at >= since);
        state.erased = erased;
        let mut ended: HashMap<String, NaiveDateTime> = ended_loaded;
        for (id, at) in state.ended.drain() {
            let kept = ended.entry(id).or_insert(at);
            *kept = (*kept).max(at);
        }
        ended.retain(|_, at| *at >= since);
        state.ended = ended;
        state.loaded = Some(Instant::now());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u8) -> UserId {
        UserId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02}")).expect("a uuid")
    }

    #[test]
    fn cannot_tell_before_the_first_load_but_knows_its_own_erasures() {
        let set = ErasedAccounts::new();
        assert_eq!(set.is_erased(&user(1)), None);
        let at = chrono::Utc::now().naive_utc();
        set.note(&user(1), at);
        assert_eq!(set.is_erased(&user(1)), Some(true));
        assert_eq!(set.is_erased(&user(2)), None);
    }

    #[test]
    fn tokens_issued_up_to_the_second_sessions_ended_are_refused() {
        let set = ErasedAccounts::new();
        set.state.write().expect("lock").loaded = Some(Instant::now());
        let ended = chrono::DateTime::from_timestamp(1_800_000_000, 500_000_000)
            .expect("a time")
            .naive_utc();
        set.note_sessions_ended(&user(3), ended);
        assert_eq!(set.refuses(&user(3), 1_799_999_999), Some(true));
        assert_eq!(
            set.refuses(&user(3), 1_800_000_000),
            Some(true),
            "the same second"
        );
        assert_eq!(set.refuses(&user(3), 1_800_000_001), Some(false));
        assert_eq!(
            set.refuses(&user(4), 1_799_999_999),
            Some(false),
            "others untouched"
        );
    }

    #[test]
    fn a_stale_set_cannot_tell_who_is_active() {
        let set = ErasedAccounts::new();
        set.state.write().expect("lock").loaded = Some(Instant::now());
        assert_eq!(set.is_erased(&user(2)), Some(false));
        let long_ago = Instant::now()
            .checked_sub(STALE_AFTER + StdDuration::from_secs(1))
            .expect("the machine has been up for more than half a minute");
        set.state.write().expect("lock").loaded = Some(long_ago);
        assert_eq!(set.is_erased(&user(2)), None);
    }
}
