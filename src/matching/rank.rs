//! Ranking the feasible offers for one request, best first, with explanations.

use std::cmp::Ordering;

use super::constraints::Fit;
use super::index::{brute_force_candidates, Candidate, OfferIndex};
use super::model::{MatchContext, OfferProfile, RequestProfile};
use super::score::{explain, score, Score};

/// One feasible offer for a request, with its score and explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedCandidate {
    /// The offer's id.
    pub offer_id: u64,
    /// The offer's volunteer.
    pub volunteer: u64,
    /// The score and its parts.
    pub score: Score,
    /// What the hard-constraint check measured (distance, remote, overlap).
    pub fit: Fit,
    /// A short English explanation of the score.
    pub explanation: String,
}

/// The order of candidates: higher score first, then nearer, then the smaller offer id,
/// so equal scores always come out in the same order.
pub fn candidate_order(a: (&Score, &Fit, u64), b: (&Score, &Fit, u64)) -> Ordering {
    b.0.total
        .total_cmp(&a.0.total)
        .then(a.1.distance_km.total_cmp(&b.1.distance_km))
        .then(a.2.cmp(&b.2))
}

fn rank_candidates(
    request: &RequestProfile,
    offers: &[OfferProfile],
    candidates: Vec<Candidate>,
    limit: usize,
) -> Vec<RankedCandidate> {
    let mut scored: Vec<(Score, Fit, &OfferProfile)> = candidates
        .into_iter()
        .map(|c| {
            let offer = &offers[c.slot];
            (score(request, offer, &c.fit), c.fit, offer)
        })
        .collect();
    let cmp = |a: &(Score, Fit, &OfferProfile), b: &(Score, Fit, &OfferProfile)| {
        candidate_order((&a.0, &a.1, a.2.id), (&b.0, &b.1, b.2.id))
    };
    if limit == 0 {
        return Vec::new();
    }
    if scored.len() > limit {
        // Only the best `limit` need sorting (and an explanation).
        scored.select_nth_unstable_by(limit - 1, cmp);
        scored.truncate(limit);
    }
    scored.sort_unstable_by(cmp);
    scored
        .into_iter()
        .map(|(score, fit, offer)| RankedCandidate {
            offer_id: offer.id,
            volunteer: offer.volunteer,
            score,
            fit,
            explanation: explain(request, offer, &fit),
        })
        .collect()
}

/// The best `limit` offers for `request` that satisfy every hard constraint, best first.
pub fn rank(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
    limit: usize,
) -> Vec<RankedCandidate> {
    let candidates = index.candidates(request, ctx);
    rank_candidates(request, index.offers(), candidates, limit)
}

/// The same result as [`rank`] by checking every offer; for tests and benchmarks.
pub fn rank_brute_force(
    request: &RequestProfile,
    offers: &[OfferProfile],
    ctx: &MatchContext,
    limit: usize,
) -> Vec<RankedCandidate> {
    let candidates = brute_force_candidates(request, offers, ctx);
    rank_candidates(request, offers, candidates, limit)
}
