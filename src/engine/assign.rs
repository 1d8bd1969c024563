//! The global batch (many requests jointly, exactly) and the incremental helpers (one new
//! request, or one new offer, at a time). See the module docs of [`crate::engine`] for how
//! the service combines them.

use std::cmp::Reverse;

use super::constraints::check;
use super::demand::Demand;
use super::flow::{solve, Assignment, AssignmentProblem, Edge};
use super::index::OfferIndex;
use super::model::{MatchContext, OfferProfile, RequestProfile};
use super::rank::{rank, rank_by, Preference, RankedCandidate};
use super::score::{explain, score, Score};

/// One request placed on one offer by the global batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The request's id.
    pub request_id: u64,
    /// The offer's id.
    pub offer_id: u64,
    /// The pair's score and parts.
    pub score: Score,
    /// A short English explanation.
    pub explanation: String,
    /// What the explanation says, as data.
    pub explained: super::score::Explained,
}

/// The result of a global batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlobalAssignment {
    /// The placements, in the order of the input requests.
    pub placements: Vec<Placement>,
    /// The requests left without an offer, in input order.
    pub unmatched: Vec<u64>,
    /// The sum of the placements' scores.
    pub total_score: f64,
    /// The number of feasible request–offer pairs considered.
    pub candidate_pairs: usize,
}

/// Builds the assignment problem of `requests` against the offers of `index`: one edge per
/// pair that passes every hard constraint, and each offer's remaining capacity
/// (capacity minus load). Returns the problem and the scores of its edges.
pub fn build_problem(
    requests: &[RequestProfile],
    index: &OfferIndex,
    ctx: &MatchContext,
) -> (AssignmentProblem, Vec<Score>) {
    let mut edges = Vec::new();
    let mut scores = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        for c in index.candidates(request, ctx) {
            let s = score(request, &index.offers()[c.slot], &c.fit);
            edges.push(Edge {
                request: i as u32,
                offer: c.slot as u32,
                score: s.total,
            });
            scores.push(s);
        }
    }
    let capacities = index
        .offers()
        .iter()
        .map(|o| o.capacity.saturating_sub(o.load))
        .collect();
    let problem = AssignmentProblem {
        requests: requests.len(),
        capacities,
        edges,
    };
    (problem, scores)
}

/// Assigns `requests` jointly to the offers of `index`: the largest number of requests, and
/// among those the largest total score, never breaking a hard constraint or a capacity.
/// Offers' `load` must count only what is not being re-assigned (see the module docs).
pub fn assign_requests(
    requests: &[RequestProfile],
    index: &OfferIndex,
    ctx: &MatchContext,
) -> GlobalAssignment {
    let (problem, _) = build_problem(requests, index, ctx);
    placements(requests, index, ctx, &problem, &solve(&problem))
}

/// [`assign_requests`] with [`Demand::priority`] in place of the score: the same (largest)
/// number of requests, and among those the assignment that leaves the volunteers whom
/// recent demand needed most free. Placements keep their real score and explanation.
pub fn assign_requests_by_demand(
    requests: &[RequestProfile],
    index: &OfferIndex,
    ctx: &MatchContext,
    demand: &Demand,
) -> GlobalAssignment {
    let (mut problem, _) = build_problem(requests, index, ctx);
    for e in problem.edges.iter_mut() {
        let offer = &index.offers()[e.offer as usize];
        e.score = demand.priority(e.score, offer);
    }
    placements(requests, index, ctx, &problem, &solve(&problem))
}

/// The placements of a solved problem built by [`build_problem`].
fn placements(
    requests: &[RequestProfile],
    index: &OfferIndex,
    ctx: &MatchContext,
    problem: &AssignmentProblem,
    solution: &Assignment,
) -> GlobalAssignment {
    let mut out = GlobalAssignment {
        candidate_pairs: problem.edges.len(),
        ..GlobalAssignment::default()
    };
    for (request, offer) in requests.iter().zip(&solution.offer_of) {
        let placed = offer.and_then(|slot| {
            let offer = &index.offers()[slot as usize];
            // Re-checking costs little and keeps the result honest by construction.
            check(request, offer, ctx).ok().map(|fit| Placement {
                request_id: request.id,
                offer_id: offer.id,
                score: score(request, offer, &fit),
                explanation: explain(request, offer, &fit),
                explained: super::score::explained(request, offer, &fit),
            })
        });
        match placed {
            Some(p) => {
                out.total_score += p.score.total;
                out.placements.push(p);
            }
            None => out.unmatched.push(request.id),
        }
    }
    out
}

/// Incremental mode for a new or changed request: its best candidate, if any.
pub fn best_candidate(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
) -> Option<RankedCandidate> {
    rank(request, index, ctx, 1).into_iter().next()
}

/// Incremental mode, as a simulation or an in-memory service does it: proposes `request` to
/// its best candidate and counts the proposal in that offer's load.
pub fn propose(
    request: &RequestProfile,
    index: &mut OfferIndex,
    ctx: &MatchContext,
) -> Option<RankedCandidate> {
    let best = best_candidate(request, index, ctx)?;
    let load = index.get(best.offer_id).map_or(0, |o| o.load);
    index.set_load(best.offer_id, load + 1);
    Some(best)
}

/// Incremental mode with demand: the candidate with the highest [`Demand::priority`]
/// (ties as in ranking: higher score, nearer, smaller offer id), if any. Every candidate
/// passes every hard constraint; the explanation adds the demand (see [`Demand::explain`]).
pub fn best_candidate_by_demand(
    request: &RequestProfile,
    index: &OfferIndex,
    ctx: &MatchContext,
    demand: &Demand,
) -> Option<RankedCandidate> {
    rank_by(request, index, ctx, Preference::Demand(demand), 1)
        .into_iter()
        .next()
}

/// [`propose`] with [`best_candidate_by_demand`]: proposes `request` to that candidate and
/// counts the proposal in the offer's load.
pub fn propose_by_demand(
    request: &RequestProfile,
    index: &mut OfferIndex,
    ctx: &MatchContext,
    demand: &Demand,
) -> Option<RankedCandidate> {
    let best = best_candidate_by_demand(request, index, ctx, demand)?;
    let load = index.get(best.offer_id).map_or(0, |o| o.load);
    index.set_load(best.offer_id, load + 1);
    Some(best)
}

/// Incremental mode for a new, resumed or widened offer: the open requests it should be
/// proposed for, as positions in `open` with their scores, up to its free capacity, most
/// urgent first, then longest waiting, then best score, then the smallest id.
pub fn requests_for_offer(
    offer: &OfferProfile,
    open: &[RequestProfile],
    ctx: &MatchContext,
) -> Vec<(usize, Score)> {
    let mut feasible: Vec<(usize, Score)> = open
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            check(r, offer, ctx)
                .ok()
                .map(|fit| (i, score(r, offer, &fit)))
        })
        .collect();
    feasible.sort_by(|a, b| {
        let (ra, rb) = (&open[a.0], &open[b.0]);
        (Reverse(ra.urgency), ra.waiting_since)
            .cmp(&(Reverse(rb.urgency), rb.waiting_since))
            .then(b.1.total.total_cmp(&a.1.total))
            .then(ra.id.cmp(&rb.id))
    });
    feasible.truncate(offer.capacity.saturating_sub(offer.load) as usize);
    feasible
}
