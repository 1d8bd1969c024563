//! Demand learned from the recent past, so that incremental mode and the batch leave the
//! volunteers whom many other residents need free for them (issue 5).
//!
//! Greedy matching loses requests to timing: an early request takes the only volunteer a
//! later request could have had, while the early one had another volunteer nearby. Nobody
//! knows the future, but the past is a good guide: a volunteer who could have helped many of
//! the requests of the last two weeks will probably be asked for again. So, among the
//! volunteers who can help a request, the engine prefers the one whom fewer recent requests
//! could also have used per free place ("spare"), and the fit score (distance, shared time,
//! …) decides among equally needed volunteers. Hard constraints are untouched: only
//! candidates that pass every one are compared, and a request with a candidate is still
//! proposed at once.
//!
//! In words for a resident or case worker: "We asked Anna rather than Bram, although Bram
//! lives nearer: in the past two weeks 14 requests could only have gone to people like Bram
//! (2 free places), against 3 for Anna (1 free place)."

use std::collections::HashMap;

use super::constraints::check_regardless_of_load;
use super::grid::BoundFields;
use super::index::OfferIndex;
use super::model::{MatchContext, OfferProfile, RequestProfile};

/// How many days of past requests the service passes to [`Demand::from_recent`]. In
/// `examples/simulate_matching.rs` (seeds 1–10) one week reached 0.2 points less on average,
/// the whole history as much as two weeks; two weeks keep the count current when the mix
/// of requests changes, which the simulation's steady stream does not show.
pub const DEMAND_WINDOW_DAYS: u32 = 14;

/// The weight of [`Demand::spare`] in [`Demand::priority`]; the fit score has the rest. At
/// 0.75 the simulation (seeds 1–10) gains 2.0–3.1 points of match rate over the best score,
/// at a mean distance about 0.35 km longer; at 0.5 it gains 0.5 points less; at 0.83 only
/// 0.04 more, while the distance keeps growing.
pub const WEIGHT_SPARE: f64 = 0.75;

/// How much other residents are likely to need each offer: per offer, the number of
/// requests of the last [`DEMAND_WINDOW_DAYS`] days it could have served (every hard
/// constraint but capacity, whatever became of those requests). An offer it has not seen
/// counts as needed by nobody; [`Demand::default`] knows no offer.
///
/// Ranking among a million offers looks a count up for every offer within reach, so keys
/// that run 0, 1, 2, … (as the service numbers its offers) are held in a plain array, and
/// only keys far beyond it in a map.
#[derive(Debug, Clone, Default)]
pub struct Demand {
    /// Counts by key, for the keys below its length (0 for a key never counted).
    dense: Vec<u32>,
    /// Counts of the keys beyond `dense`.
    sparse: HashMap<u64, u32>,
}

/// A key up to this far past the end of [`Demand::dense`] extends it rather than going to
/// the map.
const DENSE_GAP: u64 = 1024;

impl Demand {
    /// Counts, for every offer in `offers`, the requests in `recent` it could have served
    /// (every hard constraint but capacity: demand is about who could help, not who is free).
    pub fn from_recent(
        recent: &[RequestProfile],
        offers: &[OfferProfile],
        ctx: &MatchContext,
    ) -> Self {
        let index = OfferIndex::new(offers.to_vec());
        let mut counts = Self::from_counts(offers.iter().map(|o| (o.id, 0)));
        for request in recent {
            index.demand_candidates(request, ctx, |offer| counts.add(offer, 1));
        }
        counts
    }

    /// Adds `n` recent requests to `offer_id`'s count.
    pub fn add(&mut self, offer_id: u64, n: u32) {
        let count = self.count_mut(offer_id);
        *count = count.saturating_add(n);
    }

    /// The count of `offer_id`, made known (0) if it was not.
    fn count_mut(&mut self, offer_id: u64) -> &mut u32 {
        let len = self.dense.len() as u64;
        if offer_id < len.saturating_add(DENSE_GAP) {
            if let Ok(i) = usize::try_from(offer_id) {
                if i >= self.dense.len() {
                    let old = self.dense.len();
                    self.dense.resize(i + 1, 0);
                    // Keys now inside the array leave the map (the array holds those).
                    if !self.sparse.is_empty() {
                        for k in old..=i {
                            if let Some(n) = self.sparse.remove(&(k as u64)) {
                                self.dense[k] = n;
                            }
                        }
                    }
                }
                return &mut self.dense[i];
            }
        }
        self.sparse.entry(offer_id).or_default()
    }

    /// Counts a new or changed offer against `recent` (as in [`Demand::from_recent`]), so
    /// that it does not look unneeded until the next full count.
    pub fn count_offer(
        &mut self,
        offer: &OfferProfile,
        recent: &[RequestProfile],
        ctx: &MatchContext,
    ) {
        let n = recent
            .iter()
            .filter(|r| check_regardless_of_load(r, offer, ctx).is_ok())
            .count();
        *self.count_mut(offer.id) = u32::try_from(n).unwrap_or(u32::MAX);
    }

    /// A demand from counts counted elsewhere (per offer id: recent requests it could have
    /// served), e.g. the service's count renumbered for a batch.
    pub fn from_counts(counts: impl IntoIterator<Item = (u64, u32)>) -> Self {
        let counts: Vec<(u64, u32)> = counts.into_iter().collect();
        let mut demand = Demand::default();
        // Keys that run densely from 0 go to the array in one allocation.
        let highest = counts.iter().map(|c| c.0).max().unwrap_or(0);
        let dense_up_to = (counts.len() as u64)
            .saturating_mul(2)
            .saturating_add(DENSE_GAP);
        if !counts.is_empty() && highest < dense_up_to {
            demand.dense = vec![0; usize::try_from(highest).map_or(0, |h| h + 1)];
        }
        for (offer_id, n) in counts {
            *demand.count_mut(offer_id) = n;
        }
        demand
    }

    /// Whether nothing has been counted (then [`Demand::priority`] orders as the score does).
    pub fn is_empty(&self) -> bool {
        self.dense.is_empty() && self.sparse.is_empty()
    }

    /// The number of recent requests `offer_id` could have served (0 when unknown).
    pub fn recent_requests(&self, offer_id: u64) -> u32 {
        match usize::try_from(offer_id)
            .ok()
            .and_then(|i| self.dense.get(i))
        {
            Some(&n) => n,
            None => self.sparse.get(&offer_id).copied().unwrap_or(0),
        }
    }

    /// In (0, 1]: `1 / (1 + recent requests / free places)`. 1 for an offer nobody else
    /// needed; 0.5 when it could have served one recent request per free place; near 0 for
    /// a volunteer many others need. A full offer counts as one free place (it is never a
    /// candidate anyway).
    pub fn spare(&self, offer: &OfferProfile) -> f64 {
        self.spare_of(offer.id, offer.capacity, offer.load)
    }

    fn spare_of(&self, offer_id: u64, capacity: u32, load: u32) -> f64 {
        let free = capacity.saturating_sub(load).max(1);
        1.0 / (1.0 + f64::from(self.recent_requests(offer_id)) / f64::from(free))
    }

    /// In [0, 1]: what incremental mode and the batch maximise, `WEIGHT_SPARE * spare +
    /// (1 - WEIGHT_SPARE) * score` (`score` being [`Score::total`](super::score::Score::total)
    /// of the pair). With an empty [`Demand`] it orders candidates as the score does.
    pub fn priority(&self, score: f64, offer: &OfferProfile) -> f64 {
        Self::weigh(self.spare(offer), score)
    }

    /// [`Demand::priority`] of an offer from its compact fields, with an upper bound on
    /// the pair's score in place of the score: an upper bound on the priority, since the
    /// priority never falls as the score rises (nor does its rounding).
    pub fn priority_bound(&self, score_bound: f64, hot: &BoundFields) -> f64 {
        Self::weigh(self.spare_of(hot.id, hot.capacity, hot.load), score_bound)
    }

    /// The priority of a pair with this spare and this score.
    pub fn weigh(spare: f64, score: f64) -> f64 {
        (WEIGHT_SPARE * spare + (1.0 - WEIGHT_SPARE) * score).clamp(0.0, 1.0)
    }

    /// A short English explanation, e.g. "3 recent requests could also use this volunteer,
    /// 1 of 2 places free".
    pub fn explain(&self, offer: &OfferProfile) -> String {
        let n = self.recent_requests(offer.id);
        let noun = if n == 1 { "request" } else { "requests" };
        let free = offer.capacity.saturating_sub(offer.load);
        format!(
            "{n} recent {noun} could also use this volunteer, {free} of {} places free",
            offer.capacity
        )
    }
}

#[cfg(test)]
#[path = "demand_tests.rs"]
mod tests;
