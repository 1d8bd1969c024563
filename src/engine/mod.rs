//! The pure matching engine (docs/ARCHITECTURE.md §5): hard constraints, scores with explanations, a
//! locality index, ranking, exact global assignment and the incremental helpers. No database
//! and no HTTP: the service layer converts rows into [`model`] types and back.
//!
//! Files: [`model`] input types, [`constraints`] the hard constraints, [`score`] the score,
//! [`index`] the candidate index (over the compact cells of [`grid`]), [`rank`] ranking, [`flow`] the exact solver, [`assign`] the
//! global batch and the incremental helpers, [`synth`] synthetic data for benches and tests.
//!
//! # How the service drives the engine (incremental mode plus periodic batch)
//!
//! Offers' `load` is always active proposals plus accepted matches.
//!
//! 1. **New or changed request**: build an [`OfferIndex`] over the region's offers (or keep
//!    one per region and [`OfferIndex::upsert`] / [`OfferIndex::set_load`] it), call
//!    [`assign::best_candidate`] and, inside the transaction that takes the offer's last
//!    slot with a conditional update, create the proposal. No candidate: the request stays
//!    `open` (the escalation sweeper takes over after the grace period).
//! 2. **New, resumed or widened offer**: [`assign::requests_for_offer`] over the region's
//!    open, unproposed requests; it returns at most the free capacity, most urgent first,
//!    then longest waiting. Propose to those.
//! 3. **Periodic batch** (every 6 h, and on `hulpmarkt match`): take every request of the
//!    region that is `open` or `proposed` with a proposal not yet answered; set each offer's
//!    `load` to its accepted matches only; call [`assign::assign_requests`]. For each request:
//!    same offer as its current proposal: keep the proposal and its expiry clock; another
//!    offer: withdraw the old proposal (`withdrawn`) and create the new one; none: withdraw
//!    and leave it `open`. The result matches the maximum number of these requests and,
//!    among those, the highest total score, under the remaining capacities.
//! 4. A declined or expired proposal adds the volunteer to the request's `declined_by` (for
//!    declines) and the request goes through step 1 again.
//! 5. **Escalation**: a request still `open` (no proposal) 48 h after it arrived (12 h for
//!    urgency high) escalates (docs/ARCHITECTURE.md §6). A request with a live proposal does not.
//!
//! Capacity is concurrent in the service (a completed match frees its slot); the simulation
//! below does not model completions on either side (a volunteer takes `capacity` requests in
//! the whole period), so online and offline are compared under the same capacity rule.
//!
//! **Demand policy** ([`demand`], issue 5): the same steps with [`assign::propose_by_demand`]
//! / [`assign::best_candidate_by_demand`] in step 1 and [`assign::assign_requests_by_demand`]
//! in step 3, given a [`Demand`] counted once a day by [`Demand::from_recent`] from the
//! requests of the last [`DEMAND_WINDOW_DAYS`] days (any state) and the region's offers, and
//! by [`Demand::count_offer`] for a new or changed offer. Among the candidates it prefers the
//! volunteer whom fewer recent requests could also have used per free place; the batch still
//! matches the largest number first. Step 2 is unchanged.
//!
//! `cargo run --release --example simulate_matching` compares the policies against the
//! offline optimum; the figures, and what was tried and not adopted, are in
//! `bench/HISTORY.md` ("Matching policy: the simulation").

pub mod assign;
pub mod constraints;
pub mod demand;
pub mod flow;
pub mod grid;
pub mod index;
pub mod model;
pub mod rank;
pub mod score;
pub mod synth;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod properties;

pub use assign::{
    assign_requests, assign_requests_by_demand, best_candidate, best_candidate_by_demand,
    requests_for_offer, GlobalAssignment, Placement,
};
pub use constraints::{check, check_regardless_of_load, haversine_km, Fit, Violation};
pub use demand::{Demand, DEMAND_WINDOW_DAYS, WEIGHT_SPARE};
pub use flow::{solve, Assignment, AssignmentProblem, Edge};
pub use index::{Candidate, OfferIndex};
pub use model::*;
pub use rank::{
    best_offer_ids, rank, rank_brute_force, rank_brute_force_by, rank_by, Preference,
    RankedCandidate,
};
pub use score::{explain, explained, score, Explained, Score, ScoreParts};
