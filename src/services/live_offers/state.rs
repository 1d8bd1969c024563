//! The index and what it knows besides (numbers, demand, capped volunteers, the watermark):
//! the state behind [`super::LiveOffers`], changed only under its write lock.

use super::*;

pub(super) struct IndexState {
    pub(super) index: OfferIndex,
    /// Offer number (the index's key) - 1 → offer id, and back.
    pub(super) offer_ids: Vec<Uuid>,
    pub(super) offer_numbers: HashMap<Uuid, u64>,
    /// Volunteer id → number, and the offers of each.
    pub(super) volunteers: HashMap<Uuid, u64>,
    pub(super) offers_of: HashMap<u64, Vec<u64>>,
    /// Recent demand per offer number (issue 5), and when it was counted; empty when the
    /// policy is off or nothing was counted yet.
    pub(super) demand: engine::Demand,
    pub(super) demand_counted: Option<Instant>,
    /// Volunteers at their daily cap: their offers count as full here until then.
    pub(super) capped: HashMap<u64, NaiveDateTime>,
    /// The revision each offer number was read at (number - 1), so that notes applied late
    /// never put an older row over a newer one.
    pub(super) revisions: Vec<i64>,
    /// The highest revision read, committed ones only (see the module documentation).
    pub(super) watermark: i64,
    pub(super) built: Instant,
}

impl IndexState {
    /// Builds the book from every active offer, read a page at a time.
    pub(super) fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        let mut book = IndexState {
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
            for row in page
                .into_iter()
                .filter(|r| r.0 .0.status == crate::domain::OfferStatus::Active)
            {
                profiles.push(book.profile(row));
            }
            book.watermark = book.watermark.max(highest);
        }
        book.index = OfferIndex::new(profiles);
        Ok(book)
    }

    pub(super) fn offer_number(&mut self, id: &str) -> u64 {
        let id = key(id);
        if let Some(n) = self.offer_numbers.get(&id) {
            return *n;
        }
        self.offer_ids.push(id);
        let n = self.offer_ids.len() as u64;
        self.offer_numbers.insert(id, n);
        n
    }

    pub(super) fn volunteer_number(&mut self, id: &str) -> u64 {
        let next = self.volunteers.len() as u64 + 1;
        *self.volunteers.entry(key(id)).or_insert(next)
    }

    /// The engine's profile of a row, numbered in this book; remembers a higher revision.
    pub(super) fn profile(
        &mut self,
        (row, codes): (OfferWithVog, Vec<String>),
    ) -> engine::OfferProfile {
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
        let mut profile = offer_profile(
            &row,
            CategorySet::of(&categories),
            &mut EngineIds::default(),
        );
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
    pub(super) fn deactivate(&mut self, id: &str) {
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
    pub(super) fn set_capped(&mut self, volunteers: &[String], now: NaiveDateTime) {
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
    pub(super) fn newer_than(&self, id: &str, revision: i64) -> bool {
        self.offer_numbers
            .get(&key(id))
            .and_then(|n| self.revisions.get(usize::try_from(*n - 1).ok()?))
            .is_some_and(|known| *known > revision)
    }

    /// Applies rows read again. An offer whose profile is unchanged but for its load only gets
    /// its load set: re-indexing it would put it on the index's pending list, which every
    /// search scans (the background refresh re-reads the same offers every few seconds).
    pub(super) fn upsert(&mut self, rows: Vec<(OfferWithVog, Vec<String>)>) {
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
