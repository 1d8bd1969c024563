//! Searching the index: the best offers for a request by what the index knows, plus the
//! offers the transaction read above the watermark.

use super::{notes::FRESH_CANDIDATES, *};

/// What a search needs to know of the request, in the database's ids.
pub struct SearchFor<'a> {
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
    /// The ids of the best `limit` offers for the request by the index's current knowledge,
    /// best first, leaving out `skip` (volunteers set aside at their cap count as full).
    /// The offers read above the watermark in this transaction come after them (they are
    /// checked and ranked on their fresh rows like the rest).
    pub fn search(
        &self,
        wanted: &SearchFor<'_>,
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
}
