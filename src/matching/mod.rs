//! The pure matching engine (DESIGN.md §6): hard constraints, scores with explanations, a
//! locality index, ranking, exact global assignment and the incremental helpers. No database
//! and no HTTP: the service layer converts rows into [`model`] types and back.
//!
//! Files: [`model`] input types, [`constraints`] the hard constraints, [`score`] the score,
//! [`index`] the candidate index, [`rank`] ranking, [`flow`] the exact solver, [`assign`] the
//! global batch and the incremental helpers, [`synth`] synthetic data for benches and tests.

pub mod assign;
pub mod constraints;
pub mod flow;
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
    assign_requests, best_candidate, requests_for_offer, GlobalAssignment, Placement,
};
pub use constraints::{check, haversine_km, Fit, Violation};
pub use flow::{solve, Assignment, AssignmentProblem, Edge};
pub use index::{Candidate, OfferIndex};
pub use model::*;
pub use rank::{rank, rank_brute_force, RankedCandidate};
pub use score::{explain, score, Score, ScoreParts};
