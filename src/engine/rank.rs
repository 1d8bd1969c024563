//! Ranking the feasible offers for one request, best first, with explanations.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::constraints::{check, haversine_km, Fit, EARTH_RADIUS_KM};
use super::demand::Demand;
use super::grid::BoundFields;
use super::index::{brute_force_candidates, Candidate, OfferIndex, RemotePart};
use super::model::{MatchContext, OfferProfile, RequestProfile};
use super::score::{
    explain, explained, local_upper_bound, remote_plain_max, remote_plain_upper_bound, score,
    Explained, Score,
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
    /// What the explanation says, as data.
    pub explained: Explained,
}

/// The order of candidates: higher score first, then nearer, then the smaller offer id,
/// so equal scores always come out in the same order.
pub fn candidate_order(a: (&Score, &Fit, u64), b: (&Score, &Fit, u64)) -> Ordering {
    b.0.total
        .total_cmp(&a.0.total)
        .then(a.1.distance_km.total_cmp(&b.1.distance_km))
        .then(a.2.cmp(&b.2))
}

/// What a ranking puts first.
#[derive(Debug, Clone, Copy)]
pub enum Preference<'a> {
    /// The score (then the nearer, then the smaller offer id: [`candidate_order`]).
    Score,
    /// The demand priority (issue 5: spare first, then score), then as [`Preference::Score`].
    Demand(&'a Demand),
}

impl Preference<'_> {
    /// What this preference compares first for a pair with this score.
    fn primary(&self, score: f64, offer: &OfferProfile) -> f64 {
        match self {
            Preference::Score => score,
            Preference::Demand(d) => d.priority(score, offer),
        }
    }

    /// An upper bound on [`Self::primary`] of a local or remote offer from its compact
    /// fields, given an upper bound on the score (priority grows with the score, and the
    /// spare is exact from `hot`).
    fn bound_from_hot(&self, score_bound: f64, hot: &BoundFields) -> f64 {
        match self {
            Preference::Score => score_bound,
            Preference::Demand(d) => d.priority_bound(score_bound, hot),
        }
    }

    /// The highest [`Self::primary`] a remote pair can reach whose volunteer is neither in
    /// the resident's municipality nor helped them before.
    fn remote_plain_max(&self) -> f64 {
        match self {
            Preference::Score => remote_plain_max(),
            Preference::Demand(_) => Demand::weigh(1.0, remote_plain_max()),
        }
    }

    /// The explanation of a ranked pair.
    fn explain(&self, request: &RequestProfile, offer: &OfferProfile, fit: &Fit) -> String {
        match self {
            Preference::Score => explain(request, offer, fit),
            Preference::Demand(d) => {
                format!("{}; {}", explain(request, offer, fit), d.explain(offer))
            }
        }
    }
}

/// A feasible pair with what the ranking compares.
struct Scored<'a> {
    primary: f64,
    score: Score,
    fit: Fit,
    offer: &'a OfferProfile,
}

fn score_candidate<'a>(
    request: &RequestProfile,
    offers: &'a [OfferProfile],
    c: Candidate,
    pref: Preference<'_>,
) -> Scored<'a> {
    let offer = &offers[c.slot];
    let score = score(request, offer, &c.fit);
    Scored {
        primary: pref.primary(score.total, offer),
        score,
        fit: c.fit,
        offer,
    }
}

/// The order of scored pairs: higher primary first, then [`candidate_order`].
fn scored_order(a: &Scored<'_>, b: &Scored<'_>) -> Ordering {
    b.primary.total_cmp(&a.primary).then_with(|| {
        candidate_order(
            (&a.score, &a.fit, a.offer.id),
            (&b.score, &b.fit, b.offer.id),
        )
    })
}

/// The best `limit` of `scored`, best first.
fn top(mut scored: Vec<Scored<'_>>, limit: usize) -> Vec<Scored<'_>> {
    if limit == 0 {
        return Vec::new();
    }
    if scored.len() > limit {
        // Only the best `limit` need sorting.
        scored.select_nth_unstable_by(limit - 1, scored_order);
        scored.truncate(limit);
    }
    scored.sort_unstable_by(scored_order);
    scored
}

fn ranked_candidates(
    request: &RequestProfile,
    scored: Vec<Scored<'_>>,
    pref: Preference<'_>,
) -> Vec<RankedCandidate> {
    scored
        .into_iter()
        .map(|s| RankedCandidate {
            offer_id: s.offer.id,
            volunteer: s.offer.volunteer,
            score: s.score,
            fit: s.fit,
            explanation: pref.explain(request, s.offer, &s.fit),
            explained: explained(request, s.offer, &s.fit),
        })
        .collect()
}

/// A kept candidate in the heap of the best so far; the greatest is the worst kept.
struct Kept {
    primary: f64,
    total: f64,
    distance_km: f64,
    id: u64,
}

impl Kept {
    fn of(s: &Scored<'_>) -> Self {
        Kept {
            primary: s.primary,
            total: s.score.total,
            distance_km: s.fit.distance_km,
            id: s.offer.id,
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
        o.primary
            .total_cmp(&self.primary)
            .then(o.total.total_cmp(&self.total))
            .then(self.distance_km.total_cmp(&o.distance_km))
            .then(self.id.cmp(&o.id))
    }
}

/// Local candidates are checked in chunks of this many, highest bound first.
const CHUNK: usize = 16;

/// The primary of the worst kept candidate, once `limit` are kept.
fn worst_kept(kept: &BinaryHeap<Kept>, limit: usize) -> Option<f64> {
    kept.peek()
        .filter(|_| kept.len() == limit)
        .map(|k| k.primary)
}

/// Visits the `(bound, slot)` pairs highest bound first, in chunks of [`CHUNK`], until no
/// remaining bound reaches the worst of the `limit` kept; `visit` checks, scores and keeps.
fn best_bound_first(
    bounds: &mut Vec<(f64, u32)>,
    kept: &mut BinaryHeap<Kept>,
    limit: usize,
    visit: &mut impl FnMut(usize, &mut BinaryHeap<Kept>),
) {
    while !bounds.is_empty() {
        if let Some(worst) = worst_kept(kept, limit) {
            bounds.retain(|b| b.0 >= worst);
        }
        let m = CHUNK.min(bounds.len());
        if m < bounds.len() {
            bounds.select_nth_unstable_by(m - 1, |a, b| b.0.total_cmp(&a.0));
        }
        for &(bound, slot) in &bounds[..m] {
            if !worst_kept(kept, limit).is_some_and(|w| bound < w) {
                visit(slot as usize, kept);
            }
        }
        bounds.drain(..m);
    }
}

/// The best `limit` offers for `request` that satisfy every hard constraint, best first by
/// score ([`Preference::Score`]).
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
    rank_by(request, index, ctx, Preference::Score, limit)
}

/// [`rank`] under any [`Preference`]: with [`Preference::Demand`] the bounds are those of
/// the priority (the spare is exact from the compact fields, the score bounded as in
/// [`rank`]), so a request searched among a million offers scores only the few whose bound
/// can still reach the best found. Exactly [`rank_brute_force_by`] (a property test).
pub fn rank_by(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
    pref: Preference<'_>,
    limit: usize,
) -> Vec<RankedCandidate> {
    ranked_candidates(request, best(request, index, ctx, pref, limit), pref)
}

/// The ids of the offers [`rank_by`] returns, without their explanations.
pub fn best_offer_ids(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
    pref: Preference<'_>,
    limit: usize,
) -> Vec<u64> {
    best(request, index, ctx, pref, limit)
        .into_iter()
        .map(|s| s.offer.id)
        .collect()
}

fn best<'a>(
    request: &RequestProfile,
    index: &'a OfferIndex,
    ctx: &MatchContext,
    pref: Preference<'_>,
    limit: usize,
) -> Vec<Scored<'a>> {
    if limit == 0 {
        return Vec::new();
    }
    let offers = index.offers();
    let mut candidates = Vec::new();
    index.pending_candidates(request, ctx, &mut candidates);
    index.remote_candidates(request, ctx, RemotePart::Preferred, &mut candidates);
    let mut scored: Vec<Scored<'_>> = candidates
        .into_iter()
        .map(|c| score_candidate(request, offers, c, pref))
        .collect();
    let mut kept: BinaryHeap<Kept> = BinaryHeap::with_capacity(limit + 1);
    let keep = move |heap: &mut BinaryHeap<Kept>, k: Kept| {
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
    let hot = index.bound_fields();
    let mut bounds: Vec<(f64, u32)> = Vec::with_capacity(256);
    index.visit_local(request, |slot, c2| {
        let lower = EARTH_RADIUS_KM * c2.sqrt() * (1.0 - 1e-9) - 1e-9;
        let hot = &hot[slot];
        let bound = pref.bound_from_hot(local_upper_bound(request, hot, lower), hot) + 1e-9;
        bounds.push((bound, slot as u32));
    });
    let mut visit = |slot: usize, kept: &mut BinaryHeap<Kept>| {
        if let Ok(fit) = check(request, &offers[slot], ctx) {
            let s = score_candidate(request, offers, Candidate { slot, fit }, pref);
            keep(kept, Kept::of(&s));
            scored.push(s);
        }
    };
    best_bound_first(&mut bounds, &mut kept, limit, &mut visit);

    if OfferIndex::remote_mode(request) {
        let plain_max = pref.remote_plain_max();
        if let Preference::Demand(_) = pref {
            // The spare is not ordered by distance: every remote offer's priority is
            // bounded from the compact fields, and they are checked best bound first.
            let bounds = index.remote_slots(request, RemotePart::Rest).map(|slot| {
                let hot = &hot[slot];
                let bound = pref.bound_from_hot(remote_plain_upper_bound(request, hot), hot);
                (bound + 1e-9, slot as u32)
            });
            let mut bounds: Vec<(f64, u32)> = match worst_kept(&kept, limit) {
                Some(worst) if worst > plain_max => Vec::new(),
                Some(worst) => bounds.filter(|b| b.0 >= worst).collect(),
                None => bounds.collect(),
            };
            best_bound_first(&mut bounds, &mut kept, limit, &mut visit);
        } else {
            for slot in index.remote_rest_nearest_first(request) {
                if let Some(worst) = kept.peek().filter(|_| kept.len() == limit) {
                    if worst.primary > plain_max {
                        break;
                    }
                    // The margins absorb rounding (1 mm; 1e-9 of score). Ties go to the
                    // nearer: a farther plain remote offer can then no longer enter.
                    let distance = haversine_km(request.location, offers[slot].location);
                    if worst.primary == plain_max && worst.distance_km + 1e-6 < distance {
                        break;
                    }
                    if remote_plain_upper_bound(request, &hot[slot]) + 1e-9 < worst.primary {
                        continue;
                    }
                }
                visit(slot, &mut kept);
            }
        }
    }
    top(scored, limit)
}

/// The same result as [`rank`] by checking every offer; for tests and benchmarks.
pub fn rank_brute_force(
    request: &RequestProfile,
    offers: &[OfferProfile],
    ctx: &MatchContext,
    limit: usize,
) -> Vec<RankedCandidate> {
    rank_brute_force_by(request, offers, ctx, Preference::Score, limit)
}

/// The same result as [`rank_by`] by checking every offer; for tests and benchmarks.
pub fn rank_brute_force_by(
    request: &RequestProfile,
    offers: &[OfferProfile],
    ctx: &MatchContext,
    pref: Preference<'_>,
    limit: usize,
) -> Vec<RankedCandidate> {
    let scored = brute_force_candidates(request, offers, ctx)
        .into_iter()
        .map(|c| score_candidate(request, offers, c, pref))
        .collect();
    ranked_candidates(request, top(scored, limit), pref)
}
