//! What one write transaction learnt about the offers (see [`IndexNotes`]).

use super::*;

/// Most offers read above the watermark that one search adds to the index's candidates.
pub(super) const FRESH_CANDIDATES: usize = 64;

/// What one write transaction learnt about the offers. It is applied to the index after the
/// transaction committed ([`LiveOffers::apply`]) and dropped with a rollback, so that nothing
/// an uncommitted write showed can stay in the index.
#[derive(Default)]
pub struct IndexNotes {
    /// Offers read above the watermark, and the highest revision of that read.
    pub(super) fresh: Vec<LiveRow>,
    pub(super) read_up_to: Option<i64>,
    /// Offers read again by id, and ids found gone.
    pub(super) reread: Vec<LiveRow>,
    pub(super) gone: Vec<String>,
    /// Offer → its load after a slot was taken (`None`: found full).
    pub(super) loads: Vec<(String, Option<u32>)>,
    /// Volunteers found at their daily cap, and when.
    pub(super) capped: Vec<(Vec<String>, NaiveDateTime)>,
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

    /// The offers read above the watermark (with their category codes), oldest first.
    pub fn fresh_rows(&self) -> &[LiveRow] {
        &self.fresh
    }

    /// The ids of the offers read above the watermark, newest first, at most `limit`.
    pub(super) fn fresh_ids(&self, limit: usize) -> impl Iterator<Item = &str> {
        self.fresh
            .iter()
            .rev()
            .filter(|r| r.0 .0.status == crate::domain::OfferStatus::Active)
            .take(limit)
            .map(|r| r.0 .0.id.as_str())
    }
}
