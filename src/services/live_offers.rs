//! Incremental matching's in-memory view of the offers: the finder behind every new proposal.
//!
//! Searching the database for a new request's candidates read hundreds of offer rows (seven
//! box queries, their availability JSON parsed each time) and cost about 60 ms at 100,000
//! offers, nearly all of a `POST /help-requests`. The pure [`OfferIndex`] ranks 100,000
//! offers in microseconds, so each instance keeps one, built from the database.
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
        candidates::{
            live::{self, LiveRow},
            OfferWithVog,
        },
        DbConnection,
    },
    error::AppError,
    matching::{self as engine, CategorySet, MatchContext, OfferIndex, RequestProfile},
};

use super::matching::{category_rule, offer_profile, request_profile, Ids};

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

/// The key of an id: its UUID (16 bytes rather than a 36-byte string, twice per offer). Ids
/// are UUIDs made here; anything else gets the nil key and is never found.
fn key(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap_or_default()
}

/// The offers as of the last load, refresh or catch-up (see the module documentation).
#[derive(Default)]
pub struct LiveOffers {
    book: RwLock<Option<Book>>,
    /// Held while the whole index is built: one build at a time. A search that finds no index
    /// waits for the build under way instead of starting one of its own (at a million offers a
    /// build takes minutes of a core and most of the instance's memory: after a restart under
    /// load, each waiting search used to build its own).
    building: Mutex<()>,
    /// Whole builds so far (`/metrics`).
    builds: AtomicU64,
}

struct Book {
    index: OfferIndex,
    /// Offer number (the index's key) - 1 → offer id, and back.
    offer_ids: Vec<Uuid>,
    offer_numbers: HashMap<Uuid, u64>,
    /// Volunteer id → number, and the offers of each.
    volunteers: HashMap<Uuid, u64>,
    offers_of: HashMap<u64, Vec<u64>>,
    /// Recent demand per offer number (issue 5), and when it was counted; empty when the
    /// policy is off or nothing was counted yet.
    demand: engine::Demand,
    demand_counted: Option<Instant>,
    /// Volunteers at their daily cap: their offers count as full here until then.
    capped: HashMap<u64, NaiveDateTime>,
    /// The revision each offer number was read at (number - 1), so that notes applied late
    /// never put an older row over a newer one.
    revisions: Vec<i64>,
    /// The highest revision read, committed ones only (see the module documentation).
    watermark: i64,
    built: Instant,
}

/// Most offers read above the watermark that one search adds to the index's candidates.
const FRESH_CANDIDATES: usize = 64;

/// What one write transaction learnt about the offers. It is applied to the index after the
/// transaction committed ([`LiveOffers::apply`]) and dropped with a rollback, so that nothing
/// an uncommitted write showed can stay in the index.
#[derive(Default)]
pub struct IndexNotes {
    /// Offers read above the watermark, and the highest revision of that read.
    fresh: Vec<LiveRow>,
    read_up_to: Option<i64>,
    /// Offers read again by id, and ids found gone.
    reread: Vec<LiveRow>,
    gone: Vec<String>,
    /// Offer → its load after a slot was taken (`None`: found full).
    loads: Vec<(String, Option<u32>)>,
    /// Volunteers found at their daily cap, and when.
    capped: Vec<(Vec<String>, NaiveDateTime)>,
}

impl IndexNotes {
    /// A slot of this offer was taken (its load is now `load`).
    pub fn load(&mut self, offer_id: &str, load: u32) {
        self.loads.push((offer_id.to_owned(), Some(load)));
    }

    /// The offer had no free slot after all (taken by another transaction).
    pub fn full(&mut self, offer_id: &str) {
        self.loads.push((offer_id.to_owned(), None));
    }

    /// These volunteers reached today's proposal cap at `now`.
    pub fn capped(&mut self, volunteers: Vec<String>, now: NaiveDateTime) {
        if !volunteers.is_empty() {
            self.capped.push((volunteers, now));
        }
    }

    /// The ids of the offers read above the watermark, newest first, at most `limit`.
    fn fresh_ids(&self, limit: usize) -> impl Iterator<Item = &str> {
        self.fresh
            .iter()
            .rev()
            .filter(|r| r.0 .0.status == "active")
            .take(limit)
            .map(|r| r.0 .0.id.as_str())
    }
}

impl Book {
    /// Builds the book from every active offer, read a page at a time.
    fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        let mut book = Book {
            index: OfferIndex::new(Vec::new()),
            offer_ids: Vec::new(),
            offer_numbers: HashMap::new(),
            volunteers: HashMap::new(),
            offers_of: HashMap::new(),
            demand: engine::Demand::default(),
            demand_counted: None,
            capped: HashMap::new(),
            revisions: Vec::new(),
            watermark: 0,
            built: Instant::now(),
        };
        let mut profiles = Vec::new();
        loop {
            let page = live::page(conn, book.watermark, LOAD_PAGE)?;
            let Some(last) = page.last() else {
                break;
            };
            // Inactive offers are only read past; the watermark covers them as well.
            let highest = last.0 .0.revision;
            for row in page.into_iter().filter(|r| r.0 .0.status == "active") {
                profiles.push(book.profile(row));
            }
            book.watermark = book.watermark.max(highest);
        }
        book.index = OfferIndex::new(profiles);
        Ok(book)
    }

    fn offer_number(&mut self, id: &str) -> u64 {
        let id = key(id);
        if let Some(n) = self.offer_numbers.get(&id) {
            return *n;
        }
        self.offer_ids.push(id);
        let n = self.offer_ids.len() as u64;
        self.offer_numbers.insert(id, n);
        n
    }

    fn volunteer_number(&mut self, id: &str) -> u64 {
        let next = self.volunteers.len() as u64 + 1;
        *self.volunteers.entry(key(id)).or_insert(next)
    }

    /// The engine's profile of a row, numbered in this book; remembers a higher revision.
    fn profile(&mut self, (row, codes): (OfferWithVog, Vec<String>)) -> engine::OfferProfile {
        let categories: Vec<u8> = codes
            .iter()
            .filter_map(|c| category_rule(c).map(|(_, rule)| rule.index))
            .collect();
        let number = self.offer_number(&row.0.id);
        let at = usize::try_from(number - 1).unwrap_or(usize::MAX);
        if self.revisions.len() <= at {
            self.revisions.resize(at + 1, i64::MIN);
        }
        self.revisions[at] = self.revisions[at].max(row.0.revision);
        // The numbers of the one-off mapping are replaced by this book's below.
        let mut profile = offer_profile(&row, CategorySet::of(&categories), &mut Ids::default());
        let offer = row.0;
        profile.id = number;
        profile.volunteer = match offer.volunteer_id.as_deref() {
            Some(v) => {
                let volunteer = self.volunteer_number(v);
                let list = self.offers_of.entry(volunteer).or_default();
                if !list.contains(&number) {
                    list.push(number);
                }
                volunteer
            }
            // An erased volunteer's offer is withdrawn; it never matches anyone.
            None => u64::MAX,
        };
        profile
    }

    /// An offer found gone: keeps its number, never finds it again.
    fn deactivate(&mut self, id: &str) {
        if let Some(slot) = self
            .offer_numbers
            .get(&key(id))
            .and_then(|n| self.index.slot_of(*n))
        {
            let mut profile = self.index.offers()[slot].clone();
            profile.active = false;
            self.index.upsert(profile);
        }
    }

    /// These volunteers reached today's proposal cap: their offers count as full here until
    /// [`CAP_RECHECK`] has passed (then the background refresh reads them again).
    fn set_capped(&mut self, volunteers: &[String], now: NaiveDateTime) {
        for v in volunteers {
            let Some(&n) = self.volunteers.get(&key(v)) else {
                continue;
            };
            self.capped.insert(n, now + CAP_RECHECK);
            for offer in self.offers_of.get(&n).into_iter().flatten() {
                if let Some(capacity) = self.index.get(*offer).map(|o| o.capacity) {
                    self.index.set_load(*offer, capacity);
                }
            }
        }
    }

    /// Whether the index holds this offer at a newer revision than `revision`.
    fn newer_than(&self, id: &str, revision: i64) -> bool {
        self.offer_numbers
            .get(&key(id))
            .and_then(|n| self.revisions.get(usize::try_from(*n - 1).ok()?))
            .is_some_and(|known| *known > revision)
    }

    /// Applies rows read again. An offer whose profile is unchanged but for its load only gets
    /// its load set: re-indexing it would put it on the index's pending list, which every
    /// search scans (the background refresh re-reads the same offers every few seconds).
    fn upsert(&mut self, rows: Vec<(OfferWithVog, Vec<String>)>) {
        for row in rows {
            if self.newer_than(&row.0 .0.id, row.0 .0.revision) {
                continue;
            }
            let profile = self.profile(row);
            let same_but_load = self.index.get(profile.id).is_some_and(|known| {
                known
                    == &engine::OfferProfile {
                        load: known.load,
                        ..profile.clone()
                    }
            });
            if same_but_load {
                self.index.set_load(profile.id, profile.load);
            } else {
                self.index.upsert(profile);
            }
        }
    }
}

/// What a search needs to know of the request, in the database's ids.
pub struct Wanted<'a> {
    /// The request's profile (its own numbering; only the volunteers below are mapped).
    pub request: RequestProfile,
    /// The requester's user id (never their own offer).
    pub requester: Option<&'a str>,
    /// Volunteers who passed on it (`MatchStatus::PASSES`).
    pub passed: &'a [String],
    /// Volunteers who helped this resident before.
    pub helped: &'a [String],
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
        will_do: impl Fn(&Book) -> bool,
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
        let book = Book::load(conn)?;
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
        let fresh = |b: &Book| b.built.elapsed() < RELOAD_EVERY;
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

    /// Counts the demand of the last [`engine::DEMAND_WINDOW_DAYS`] days (issue 5): for
    /// every offer, the recent requests it could have served, whatever became of them.
    /// Ranking then prefers, among the volunteers who can help, the one fewer others need.
    pub fn count_demand(
        &self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
        ctx: &MatchContext,
    ) -> Result<(), AppError> {
        self.load_once(conn)?;
        let since = now - Duration::days(i64::from(engine::DEMAND_WINDOW_DAYS));
        // Every indexed offer starts at zero, so one that nobody could use counts as known.
        let mut demand = {
            let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
            let Some(book) = guard.as_ref() else {
                return Ok(());
            };
            engine::Demand::from_counts(book.index.offers().iter().map(|o| (o.id, 0)))
        };
        // Requests a page at a time, counted against the live index itself (capacity aside:
        // demand is about who could help), a few hundred per read lock so that writers
        // noting a new load never wait long. Nothing is copied but one page of rows. Past
        // DEMAND_SAMPLE requests, every stride-th one is counted for stride.
        let total = crate::db::candidates::count_recent_requests(conn, since)?;
        let stride = sample_stride(u64::try_from(total).unwrap_or(0));
        let mut position: u64 = 0;
        let mut after: Option<(NaiveDateTime, String)> = None;
        loop {
            let rows =
                crate::db::candidates::recent_requests(conn, since, after.as_ref(), LOAD_PAGE)?;
            let Some(last) = rows.last() else {
                break;
            };
            after = Some((last.created_at, last.id.clone()));
            for chunk in rows.chunks(DEMAND_CHUNK) {
                let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
                let Some(book) = guard.as_ref() else {
                    return Ok(());
                };
                for row in chunk {
                    position += 1;
                    if (position - 1) % u64::from(stride) != 0 {
                        continue;
                    }
                    let Some(mut profile) = request_profile(row, &mut Ids::default(), &[], &[])
                    else {
                        continue;
                    };
                    profile.requester = row
                        .requester_id
                        .as_ref()
                        .and_then(|r| book.volunteers.get(&key(r)).copied())
                        .unwrap_or(NOT_A_VOLUNTEER);
                    book.index
                        .demand_candidates(&profile, ctx, |offer| demand.add(offer, stride));
                }
            }
        }
        self.with_book(|book| {
            book.demand = demand;
            book.demand_counted = Some(Instant::now());
        });
        Ok(())
    }

    /// Whether demand was counted at most `every` ago (false if never).
    pub fn demand_fresh(&self, every: StdDuration) -> bool {
        self.book
            .read()
            .map(|b| {
                b.as_ref()
                    .and_then(|b| b.demand_counted)
                    .is_some_and(|at| at.elapsed() < every)
            })
            .unwrap_or(false)
    }

    /// Whether ranking uses demand (it was counted for the current index).
    pub fn has_demand(&self) -> bool {
        self.book
            .read()
            .map(|b| b.as_ref().is_some_and(|b| b.demand_counted.is_some()))
            .unwrap_or(false)
    }

    /// The recent requests this offer could have served, as last counted (0 if unknown).
    pub fn recent_requests(&self, offer_id: &str) -> u32 {
        let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().map_or(0, |book| {
            book.offer_numbers
                .get(&key(offer_id))
                .map_or(0, |n| book.demand.recent_requests(*n))
        })
    }

    fn with_book(&self, f: impl FnOnce(&mut Book)) {
        if let Some(book) = self
            .book
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .as_mut()
        {
            f(book);
        }
    }

    /// The ids of the best `limit` offers for the request by the index's current knowledge,
    /// best first, leaving out `skip` (volunteers set aside at their cap count as full).
    /// The offers read above the watermark in this transaction come after them (they are
    /// checked and ranked on their fresh rows like the rest).
    pub fn search(
        &self,
        wanted: &Wanted<'_>,
        ctx: &MatchContext,
        limit: usize,
        skip: &std::collections::HashSet<String>,
        notes: &IndexNotes,
    ) -> Vec<String> {
        let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
        let Some(book) = guard.as_ref() else {
            return Vec::new();
        };
        let mut request = wanted.request.clone();
        let number = |v: &String| book.volunteers.get(&key(v)).copied();
        request.requester = wanted
            .requester
            .and_then(|r| book.volunteers.get(&key(r)).copied())
            .unwrap_or(u64::MAX - 1);
        request.declined_by = wanted.passed.iter().filter_map(number).collect();
        request.helped_by_before = wanted.helped.iter().filter_map(number).collect();
        // With the demand policy: by priority (spare, then score).
        let preference = match book.demand_counted {
            Some(_) => engine::Preference::Demand(&book.demand),
            None => engine::Preference::Score,
        };
        let ranked = engine::best_offer_ids(&request, &book.index, ctx, preference, limit);
        let mut ids: Vec<String> = ranked
            .into_iter()
            .filter_map(|n| {
                book.offer_ids
                    .get(usize::try_from(n).ok()?.checked_sub(1)?)
                    .map(Uuid::to_string)
            })
            .filter(|id| !skip.contains(id))
            .collect();
        for fresh in notes.fresh_ids(FRESH_CANDIDATES) {
            if !skip.contains(fresh) && !ids.iter().any(|id| id == fresh) {
                ids.push(fresh.to_owned());
            }
        }
        ids
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

/// Builds the index in the background right after start (so the first new request does not
/// wait for it), then refreshes it every [`REFRESH_EVERY`]. Failures are logged and retried
/// at the next tick; a search before the first load builds the index itself.
pub fn spawn_refresh(
    state: actix_web::web::Data<crate::startup::AppState>,
) -> actix_web::rt::task::JoinHandle<()> {
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(REFRESH_EVERY);
        loop {
            ticks.tick().await;
            let (live, now) = (state.live_offers.clone(), state.clock.now_naive());
            let started = Instant::now();
            let loaded = live.is_loaded();
            let recount = match state.settings.demand_recount_minutes {
                0 => None,
                minutes => Some(StdDuration::from_secs(u64::from(minutes) * 60)),
            };
            let ctx = crate::services::matching::context(now, &state.policy());
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
