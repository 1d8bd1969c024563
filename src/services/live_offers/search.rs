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
        let request = mapped(book, wanted);
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

/// The request of `wanted` in `book`'s numbering of volunteers.
fn mapped(book: &IndexState, wanted: &SearchFor<'_>) -> RequestProfile {
    let mut request = wanted.request.clone();
    let number = |v: &String| book.volunteers.get(&key(v)).copied();
    request.requester = wanted
        .requester
        .and_then(|r| book.volunteers.get(&key(r)).copied())
        .unwrap_or(u64::MAX - 1);
    request.declined_by = wanted.passed.iter().filter_map(number).collect();
    request.helped_by_before = wanted.helped.iter().filter_map(number).collect();
    request
}

impl LiveOffers {
    /// What `judge` makes of every active offer of the request's category that lies within
    /// `within_km` of it, or that helps at a distance when the request takes that, as the
    /// index knows them now; `None` leaves an offer out. The case file's relaxed suggestions
    /// read them here rather than every such row from the database (bench/HISTORY.md).
    pub fn judge_nearby<T>(
        &self,
        wanted: &SearchFor<'_>,
        within_km: f64,
        mut judge: impl FnMut(&RequestProfile, &OfferProfile) -> Option<T>,
    ) -> Vec<(String, T)> {
        let guard = self.book.read().unwrap_or_else(|p| p.into_inner());
        let Some(book) = guard.as_ref() else {
            return Vec::new();
        };
        let request = mapped(book, wanted);
        let category = request.category.index;
        let remote = request.remote_ok && request.category.remote_possible;
        // A degree of latitude is about 111 km: a cheap test before the exact distance.
        let lat_span = within_km / 110.0;
        let mut found = Vec::new();
        for offer in book.index.offers() {
            if !offer.active || !offer.categories.contains(category) {
                continue;
            }
            let near = (offer.location.lat - request.location.lat).abs() <= lat_span
                && engine::haversine_km(offer.location, request.location) <= within_km;
            if !(near || (remote && offer.remote_ok)) {
                continue;
            }
            let Some(id) = usize::try_from(offer.id)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|n| book.offer_ids.get(n))
            else {
                continue;
            };
            if let Some(verdict) = judge(&request, offer) {
                found.push((id.to_string(), verdict));
            }
        }
        found
    }
}
