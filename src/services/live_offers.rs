//! Incremental matching's in-memory view of the offers: the finder behind every new proposal.
//!
//! Searching the database for a new request's candidates read hundreds of offer rows and was
//! nearly all of a `POST /help-requests` (figures: `bench/HISTORY.md`). The pure
//! [`OfferIndex`] ranks a hundred thousand offers in microseconds, so each instance keeps
//! one, built from the database.
//!
//! The index finds; the database decides. The offers it ranks best are read again inside the
//! write transaction, checked against every hard constraint on that fresh row, and a slot is
//! taken by the conditional UPDATE as before (`services::matching`). A stale entry can cost a
//! better candidate for a moment, never a wrong proposal.
//!
//! How it stays fresh (the sync protocol; docs/ARCHITECTURE.md §4 states its invariants):
//! - every offer has a `revision` that the database raises on every insert and every update
//!   that dates the offer: creating, changing, pausing or withdrawing it, freeing a slot,
//!   recording its volunteer's VOG (migration `offer_revision`). On SQLite a number can be
//!   handed out again after a rollback;
//! - the watermark (the highest revision the index has read) covers committed revisions
//!   only: it rises by reads on a pooled connection, which see committed rows only, and by
//!   what a write transaction read, applied after it committed ([`LiveOffers::apply`]);
//! - inside a write transaction the index is only read. Every search first reads the offers
//!   above the watermark ([`LiveOffers::catch_up`], one indexed range query, usually empty)
//!   into the transaction's [`IndexNotes`] and adds them to its candidates; what else it
//!   learns (a slot taken, an offer found full, a volunteer at the daily cap) goes there
//!   too. The notes are applied after commit and dropped with a rollback;
//! - the same read reaching [`REVISION_MARGIN`] further back runs every few seconds in the
//!   background ([`LiveOffers::refresh`]): on PostgreSQL concurrent transactions may commit
//!   their revisions out of order, and other instances change offers too;
//! - a slot taken by another instance is not dated (that would make every proposal a change
//!   to re-read); a failed take marks the offer full here, and a volunteer found at the daily
//!   cap is set aside for [`CAP_RECHECK`];
//! - the whole index is rebuilt every [`RELOAD_EVERY`], which repairs anything the rest missed.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, MutexGuard, RwLock,
    },
    time::{Duration as StdDuration, Instant},
};

use chrono::{Duration, NaiveDateTime};
use uuid::Uuid;

use crate::{
    db::{
        offer_index::{self as live, LiveRow},
        offers::OfferWithVog,
        DbConnection,
    },
    engine::{self, CategorySet, MatchContext, OfferIndex, OfferProfile, RequestProfile},
    error::AppError,
};

use super::engine_rows::{category_rule, offer_profile, request_profile, EngineIds};
use crate::domain::HelpRequestId;

mod demand;
mod notes;
mod search;
mod state;

pub use notes::IndexNotes;
pub use search::SearchFor;
use state::IndexState;

/// How many revisions below the highest seen the background refresh reads again: more than
/// the transactions that can be in flight at once (pool sizes of a few instances).
pub const REVISION_MARGIN: i64 = 256;
/// How often the background refresh runs.
pub const REFRESH_EVERY: StdDuration = StdDuration::from_secs(2);
/// How often the whole index is rebuilt from the database.
pub const RELOAD_EVERY: StdDuration = StdDuration::from_secs(30 * 60);
/// Recent requests counted per read lock of the index (a few milliseconds of work).
const DEMAND_CHUNK: usize = 256;
/// At most about this many recent requests are counted for demand: beyond it, a systematic
/// sample (every k-th in time order, each counting k). Counting one request costs a candidate
/// search; a national database with a million requests in the window took minutes of a core
/// every hour, and the priority needs the size of the counts, not every one exactly.
pub const DEMAND_SAMPLE: u64 = 50_000;

/// The sampling stride for `total` recent requests (1: every one counted).
pub fn sample_stride(total: u64) -> u32 {
    u32::try_from(total.div_ceil(DEMAND_SAMPLE).max(1)).unwrap_or(u32::MAX)
}

/// Offers (and, for the demand count, recent requests) read per query.
const LOAD_PAGE: i64 = 5_000;
/// The number of a requester who has no offer (never equal to a volunteer's).
const NOT_A_VOLUNTEER: u64 = u64::MAX - 1;
/// How long a volunteer found at the daily proposal cap is left out of searches.
pub const CAP_RECHECK: Duration = Duration::hours(1);

/// The key of an id: its UUID (16 bytes rather than a 36-byte string, twice per offer). EngineIds
/// are UUIDs made here; anything else gets the nil key and is never found.
fn key(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap_or_default()
}

/// The offers as of the last load, refresh or catch-up (see the module documentation).
#[derive(Default)]
pub struct LiveOffers {
    book: RwLock<Option<IndexState>>,
    /// Held while the whole index is built: one build at a time. A search that finds no index
    /// waits for the build under way instead of starting one of its own (at a million offers a
    /// build takes minutes of a core and most of the instance's memory: after a restart under
    /// load, each waiting search used to build its own).
    building: Mutex<()>,
    /// Whole builds so far (`/metrics`).
    builds: AtomicU64,
}

impl LiveOffers {
    /// An empty view; it loads itself on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the index has been built.
    pub fn is_loaded(&self) -> bool {
        self.book.read().map(|b| b.is_some()).unwrap_or(false)
    }

    /// Builds the index from every active offer (again, if it was built); returns how many.
    pub fn load(&self, conn: &mut DbConnection) -> Result<usize, AppError> {
        let _building = self.building.lock().unwrap_or_else(|p| p.into_inner());
        self.build(conn)
    }

    /// Builds the index unless, once this holds the build lock, the index there `will_do`:
    /// a build that finished while this one waited for the lock counts.
    fn build_unless(
        &self,
        conn: &mut DbConnection,
        will_do: impl Fn(&IndexState) -> bool,
    ) -> Result<(), AppError> {
        let _building = self.building.lock().unwrap_or_else(|p| p.into_inner());
        let fine = self
            .book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_some_and(will_do);
        if fine {
            return Ok(());
        }
        self.build(conn).map(|_| ())
    }

    /// Builds the index unless it is there, or comes to be while waiting for a build under way.
    fn load_once(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        self.build_unless(conn, |_| true)
    }

    /// Call with `building` held.
    fn build(&self, conn: &mut DbConnection) -> Result<usize, AppError> {
        let book = IndexState::load(conn)?;
        let count = book.index.offers().len();
        *self.book.write().unwrap_or_else(|p| p.into_inner()) = Some(book);
        self.builds.fetch_add(1, Ordering::Relaxed);
        Ok(count)
    }

    /// How many times the whole index has been built.
    pub fn builds(&self) -> u64 {
        self.builds.load(Ordering::Relaxed)
    }

    /// Drops the index and holds every build off until the guard is dropped: for tests of an
    /// instance whose index is still being built. Nothing else calls it.
    #[doc(hidden)]
    pub fn unload_and_hold(&self) -> MutexGuard<'_, ()> {
        let building = self.building.lock().unwrap_or_else(|p| p.into_inner());
        *self.book.write().unwrap_or_else(|p| p.into_inner()) = None;
        building
    }

    /// Inside a write transaction: reads the offers above the watermark into `notes` (see the
    /// module documentation). Runs at the start of every search; the index itself is not
    /// changed. Before it is built there is nothing to catch up with.
    pub fn catch_up(
        &self,
        conn: &mut DbConnection,
        notes: &mut IndexNotes,
    ) -> Result<(), AppError> {
        let Some(watermark) = self.watermark() else {
            return Ok(());
        };
        let rows = live::changed_since(conn, watermark)?;
        let highest = rows.iter().map(|r| r.0 .0.revision).max();
        notes.read_up_to = notes.read_up_to.max(highest);
        notes
            .fresh
            .retain(|known| !rows.iter().any(|r| r.0 .0.id == known.0 .0.id));
        notes.fresh.extend(rows);
        Ok(())
    }

    /// Applies what a committed write transaction learnt (see [`IndexNotes`]).
    pub fn apply(&self, notes: IndexNotes) {
        let IndexNotes {
            fresh,
            read_up_to,
            reread,
            gone,
            loads,
            capped,
        } = notes;
        if fresh.is_empty()
            && reread.is_empty()
            && gone.is_empty()
            && loads.is_empty()
            && capped.is_empty()
        {
            return;
        }
        self.with_book(|book| {
            book.upsert(fresh);
            book.upsert(reread);
            for id in gone {
                book.deactivate(&id);
            }
            if let Some(up_to) = read_up_to {
                book.watermark = book.watermark.max(up_to);
            }
            for (offer_id, load) in loads {
                if let Some(&n) = book.offer_numbers.get(&key(&offer_id)) {
                    let load = load.or_else(|| book.index.get(n).map(|o| o.capacity));
                    if let Some(load) = load {
                        book.index.set_load(n, load);
                    }
                }
            }
            for (volunteers, now) in capped {
                book.set_capped(&volunteers, now);
            }
        });
    }

    fn watermark(&self) -> Option<i64> {
        self.book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|book| book.watermark)
    }

    /// Builds the index if it is not there yet (on a pooled connection, before a write).
    pub fn ensure_loaded(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        if self.is_loaded() {
            return Ok(());
        }
        self.load_once(conn)
    }

    /// The background refresh: the changes since [`REVISION_MARGIN`] below the highest
    /// revision seen, or a full rebuild once every [`RELOAD_EVERY`].
    pub fn refresh(&self, conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), AppError> {
        let fresh = |b: &IndexState| b.built.elapsed() < RELOAD_EVERY;
        let stale = !self
            .book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_some_and(fresh);
        if stale {
            return self.build_unless(conn, fresh);
        }
        let due = self.cap_rechecks(now);
        if !due.is_empty() {
            self.reread_committed(conn, &due)?;
        }
        // SQLite has one writer, so its revisions commit in order: no margin needed there.
        let margin = match conn {
            DbConnection::Pg(_) => REVISION_MARGIN,
            DbConnection::Sqlite(_) => 0,
        };
        self.read_changes(conn, margin)
    }

    fn read_changes(&self, conn: &mut DbConnection, margin: i64) -> Result<(), AppError> {
        // The read guard must be gone before a build takes the write lock: held through a
        // `match` on it, it made the first search of an instance whose index was not built yet
        // wait for itself forever.
        let watermark = self
            .book
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|book| book.watermark);
        let Some(watermark) = watermark else {
            return self.load_once(conn);
        };
        // A pooled connection sees committed rows only: the watermark may rise to them.
        let rows = live::changed_since(conn, watermark - margin)?;
        let highest = rows.iter().map(|r| r.0 .0.revision).max();
        if !rows.is_empty() {
            self.with_book(|book| {
                book.upsert(rows);
                book.watermark = book.watermark.max(highest.unwrap_or(i64::MIN));
            });
        }
        Ok(())
    }

    /// Reads these offers again (a search found them gone, paused or changed), into `notes`.
    pub fn reread(
        &self,
        conn: &mut DbConnection,
        ids: &[String],
        notes: &mut IndexNotes,
    ) -> Result<(), AppError> {
        let rows = live::by_ids(conn, ids)?;
        let found: std::collections::HashSet<&str> =
            rows.iter().map(|r| r.0 .0.id.as_str()).collect();
        notes.gone.extend(
            ids.iter()
                .filter(|id| !found.contains(id.as_str()))
                .cloned(),
        );
        notes.reread.extend(rows);
        Ok(())
    }

    fn with_book(&self, f: impl FnOnce(&mut IndexState)) {
        if let Some(book) = self
            .book
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            f(book);
        }
    }

    /// Reads these offers again on a pooled connection and applies them at once.
    fn reread_committed(&self, conn: &mut DbConnection, ids: &[String]) -> Result<(), AppError> {
        let mut notes = IndexNotes::default();
        self.reread(conn, ids, &mut notes)?;
        self.apply(notes);
        Ok(())
    }

    /// The offers of volunteers whose cap recheck time has passed (read again by the
    /// background refresh).
    fn cap_rechecks(&self, now: NaiveDateTime) -> Vec<String> {
        let mut due = Vec::new();
        self.with_book(|book| {
            let ended: Vec<u64> = book
                .capped
                .iter()
                .filter(|(_, until)| **until <= now)
                .map(|(v, _)| *v)
                .collect();
            for v in ended {
                book.capped.remove(&v);
                for offer in book.offers_of.get(&v).into_iter().flatten() {
                    if let Some(id) = book.offer_ids.get(*offer as usize - 1) {
                        due.push(id.to_string());
                    }
                }
            }
        });
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_counts_every_request_up_to_the_sample_size_then_a_stride() {
        assert_eq!(sample_stride(0), 1);
        assert_eq!(sample_stride(DEMAND_SAMPLE), 1);
        assert_eq!(sample_stride(DEMAND_SAMPLE + 1), 2);
        assert_eq!(sample_stride(1_000_000), 20);
        // Each sampled request counts for the stride: the total weight covers every request.
        for total in [1, 49_999, 50_001, 123_457, 1_000_000] {
            let stride = u64::from(sample_stride(total));
            let sampled = total.div_ceil(stride);
            assert!(sampled <= DEMAND_SAMPLE, "{total}: {sampled} counted");
            assert!(sampled * stride >= total && (sampled - 1) * stride < total);
        }
    }
}
