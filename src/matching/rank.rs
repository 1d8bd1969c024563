//! Ranking the feasible offers for one request, best first, with explanations.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::constraints::{check, haversine_km, Fit, EARTH_RADIUS_KM};
use super::index::{brute_force_candidates, Candidate, OfferIndex, RemotePart};
use super::model::{MatchContext, OfferProfile, RequestProfile};
use super::score::{
    explain, local_upper_bound, remote_plain_max, remote_plain_upper_bound, score, Score,
};

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

type Scored<'a> = (Score, Fit, &'a OfferProfile);

fn score_candidate<'a>(
    request: &RequestProfile,
    offers: &'a [OfferProfile],
    c: Candidate,
) -> Scored<'a> {
    let offer = &offers[c.slot];
    (score(request, offer, &c.fit), c.fit, offer)
}

fn top(
    request: &RequestProfile,
    mut scored: Vec<Scored<'_>>,
    limit: usize,
) -> Vec<RankedCandidate> {
    let cmp = |a: &Scored<'_>, b: &Scored<'_>| {
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

/// A kept candidate in the heap of the best so far; the greatest is the worst kept.
struct Kept {
    total: f64,
    distance_km: f64,
    id: u64,
}

impl Kept {
    fn of(s: &Scored<'_>) -> Self {
        Kept {
            total: s.0.total,
            distance_km: s.1.distance_km,
            id: s.2.id,
        }
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Kept {}
impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Kept {
    fn cmp(&self, o: &Self) -> Ordering {
        o.total
            .total_cmp(&self.total)
            .then(self.distance_km.total_cmp(&o.distance_km))
            .then(self.id.cmp(&o.id))
    }
}

/// Local candidates are checked in chunks of this many, highest bound first.
const CHUNK: usize = 16;

/// The total of the worst kept candidate, once `limit` are kept.
fn worst_kept(kept: &BinaryHeap<Kept>, limit: usize) -> Option<f64> {
    kept.peek().filter(|_| kept.len() == limit).map(|k| k.total)
}

/// The best `limit` offers for `request` that satisfy every hard constraint, best first.
///
/// Local offers come from the index's grid with their chord to the request; for each,
/// [`local_upper_bound`] bounds its score from the compact fields alone (the chord bounds
/// the distance from below). They are checked and scored in chunks, highest bound first,
/// and the visit stops once no remaining bound reaches the `limit`-th best score found.
/// In remote mode the nationwide remote offers are visited last, nearest first. An offer is
/// skipped without its constraint check when [`remote_plain_upper_bound`] shows it cannot
/// beat the `limit` best found so far, and the visit stops once the worst kept candidate
/// scores above [`remote_plain_max`], or equal to it and nearer (ties go to the nearer): no
/// farther remote offer can then enter. The result stays exactly that of
/// [`rank_brute_force`] (a property test holds the two together).
pub fn rank(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
    limit: usize,
) -> Vec<RankedCandidate> {
    if limit == 0 {
        return Vec::new();
    }
    let offers = index.offers();
    let mut candidates = Vec::new();
    index.pending_candidates(request, ctx, &mut candidates);
    index.remote_candidates(request, ctx, RemotePart::Preferred, &mut candidates);
    let mut scored: Vec<Scored<'_>> = candidates
        .into_iter()
        .map(|c| score_candidate(request, offers, c))
        .collect();
    let mut kept: BinaryHeap<Kept> = BinaryHeap::with_capacity(limit + 1);
    let keep = |heap: &mut BinaryHeap<Kept>, k: Kept| {
        heap.push(k);
        if heap.len() > limit {
            heap.pop();
        }
    };
    for s in &scored {
        keep(&mut kept, Kept::of(s));
    }

    // Local offers, best bound first. The margins absorb rounding (1e-9 relative and
    // 1 µm on the distance; 1e-9 of score).
    let hot = index.hot();
    let mut bounds: Vec<(f64, u32)> = Vec::with_capacity(256);
    index.visit_local(request, |slot, c2| {
        let lower = EARTH_RADIUS_KM * c2.sqrt() * (1.0 - 1e-9) - 1e-9;
        let bound = local_upper_bound(request, &hot[slot], lower) + 1e-9;
        bounds.push((bound, slot as u32));
    });
    while !bounds.is_empty() {
        if let Some(worst) = worst_kept(&kept, limit) {
            bounds.retain(|b| b.0 >= worst);
        }
        let m = CHUNK.min(bounds.len());
        if m < bounds.len() {
            bounds.select_nth_unstable_by(m - 1, |a, b| b.0.total_cmp(&a.0));
        }
        for &(bound, slot) in &bounds[..m] {
            if worst_kept(&kept, limit).is_some_and(|w| bound < w) {
                continue;
            }
            let slot = slot as usize;
            if let Ok(fit) = check(request, &offers[slot], ctx) {
                let s = score_candidate(request, offers, Candidate { slot, fit });
                keep(&mut kept, Kept::of(&s));
                scored.push(s);
            }
        }
        bounds.drain(..m);
    }

    if OfferIndex::remote_mode(request) {
        let plain_max = remote_plain_max();
        for slot in index.remote_rest_nearest_first(request) {
            let offer = &offers[slot];
            if let Some(worst) = kept.peek().filter(|_| kept.len() == limit) {
                if worst.total > plain_max {
                    break;
                }
                // The margins absorb rounding (1 mm; 1e-9 of score).
                let distance = haversine_km(request.location, offer.location);
                if worst.total == plain_max && worst.distance_km + 1e-6 < distance {
                    break;
                }
                if remote_plain_upper_bound(request, offer) + 1e-9 < worst.total {
                    continue;
                }
            }
            if let Ok(fit) = check(request, offer, ctx) {
                let s = score_candidate(request, offers, Candidate { slot, fit });
                keep(&mut kept, Kept::of(&s));
                scored.push(s);
            }
        }
    }
    top(request, scored, limit)
}

/// The same result as [`rank`] by checking every offer; for tests and benchmarks.
pub fn rank_brute_force(
    request: &RequestProfile,
    offers: &[OfferProfile],
    ctx: &MatchContext,
    limit: usize,
) -> Vec<RankedCandidate> {
    let candidates = brute_force_candidates(request, offers, ctx);
    let scored = candidates
        .into_iter()
        .map(|c| score_candidate(request, offers, c))
        .collect();
    top(request, scored, limit)
}
