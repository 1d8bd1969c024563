//! Property tests over random synthetic data: the index finds exactly what a full scan
//! finds, and no ranked candidate, proposal or assignment ever breaks a hard constraint.

use std::collections::HashMap;

use proptest::prelude::*;
use rand::Rng;

use super::assign::{
    assign_requests, assign_requests_by_demand, propose, propose_by_demand, requests_for_offer,
};
use super::constraints::{check, check_regardless_of_load, vog_valid};
use super::demand::Demand;
use super::fixtures::{ctx, today};
use super::index::OfferIndex;
use super::model::*;
use super::rank::{
    best_offer_ids, rank, rank_brute_force, rank_brute_force_by, rank_by, Preference,
};
use super::synth::{Place, Synth};

/// `n` places in a 40 × 40 km square around Utrecht, over 6 municipalities, so radii overlap.
fn places(seed: u64, n: usize) -> Vec<Place> {
    let mut s = Synth::new(seed, Vec::new(), today());
    let rng = s.rng();
    (0..n)
        .map(|i| Place {
            location: GeoPoint {
                lat: 52.09 + rng.gen_range(-0.18..0.18),
                lon: 5.12 + rng.gen_range(-0.3..0.3),
            },
            municipality: (i % 6) as u16,
        })
        .collect()
}

/// Offers and requests with some awkward cases mixed in: requesters who volunteer,
/// declines, continuity, zero radius, far-away remote volunteers.
fn world(seed: u64, offers: usize, requests: usize) -> (Vec<OfferProfile>, Vec<RequestProfile>) {
    let mut s = Synth::new(seed, places(seed, 25), today());
    s.radius_km = (0.0, 20.0);
    let mut os: Vec<OfferProfile> = (0..offers as u64).map(|i| s.offer(i)).collect();
    let mut rs: Vec<RequestProfile> = (0..requests as u64).map(|i| s.request(i)).collect();
    let rng = s.rng();
    for o in os.iter_mut() {
        if rng.gen_bool(0.05) {
            o.location = GeoPoint {
                lat: 53.2,
                lon: 6.56,
            }; // Groningen
        }
    }
    for r in rs.iter_mut() {
        if offers > 0 && rng.gen_bool(0.1) {
            r.requester = os[rng.gen_range(0..offers)].volunteer;
        }
        if offers > 0 && rng.gen_bool(0.2) {
            r.declined_by.push(os[rng.gen_range(0..offers)].volunteer);
        }
        if offers > 0 && rng.gen_bool(0.2) {
            r.helped_by_before
                .push(os[rng.gen_range(0..offers)].volunteer);
        }
    }
    (os, rs)
}

fn safeguarded(r: &RequestProfile, o: &OfferProfile, c: &MatchContext) -> bool {
    !(r.involves_minor || r.category.requires_vog)
        || o.vog_issued.is_some_and(|d| vog_valid(d, r, c))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn index_finds_exactly_the_brute_force_set(seed in any::<u64>(), n in 0usize..300) {
        let (offers, requests) = world(seed, n, 40);
        let mut index = OfferIndex::new(offers);
        for r in &requests {
            prop_assert_eq!(index.candidates(r, &ctx()), index.candidates_brute_force(r, &ctx()));
        }
        // after moving, widening and re-categorising some offers
        let (more, _) = world(seed ^ 0x5eed, n / 3, 0);
        for mut o in more {
            o.id %= (n as u64).max(1);
            index.upsert(o);
        }
        for r in &requests {
            prop_assert_eq!(index.candidates(r, &ctx()), index.candidates_brute_force(r, &ctx()));
        }
    }

    #[test]
    fn demand_candidates_are_every_offer_that_could_serve_regardless_of_load(
        seed in any::<u64>(),
        n in 0usize..300,
    ) {
        let (mut offers, requests) = world(seed, n, 40);
        // Every third offer full: demand counts it all the same.
        for o in offers.iter_mut().step_by(3) {
            o.load = o.capacity;
        }
        let mut index = OfferIndex::new(offers);
        let brute = |index: &OfferIndex, r: &RequestProfile| -> Vec<u64> {
            let mut ids: Vec<u64> = index
                .offers()
                .iter()
                .filter(|o| check_regardless_of_load(r, o, &ctx()).is_ok())
                .map(|o| o.id)
                .collect();
            ids.sort_unstable();
            ids
        };
        let found = |index: &OfferIndex, r: &RequestProfile| -> Vec<u64> {
            let mut ids = Vec::new();
            index.demand_candidates(r, &ctx(), |id| ids.push(id));
            ids.sort_unstable();
            ids
        };
        for r in &requests {
            prop_assert_eq!(found(&index, r), brute(&index, r));
        }
        // changed offers (pending, not yet in the grid) count too
        let (more, _) = world(seed ^ 0x5eed, n / 3, 0);
        for mut o in more {
            o.id %= (n as u64).max(1);
            index.upsert(o);
        }
        for r in &requests {
            prop_assert_eq!(found(&index, r), brute(&index, r));
        }
    }

    #[test]
    fn ranking_is_exact_and_never_breaks_a_constraint(
        seed in any::<u64>(),
        n in 0usize..300,
        limit in 1usize..12,
    ) {
        let (offers, requests) = world(seed, n, 30);
        let index = OfferIndex::new(offers.clone());
        let by_id: HashMap<u64, &OfferProfile> = offers.iter().map(|o| (o.id, o)).collect();
        for r in &requests {
            let ranked = rank(r, &index, &ctx(), limit);
            prop_assert_eq!(&ranked, &rank_brute_force(r, &offers, &ctx(), limit));
            for pair in ranked.windows(2) {
                prop_assert!(pair[0].score.total >= pair[1].score.total);
            }
            for c in &ranked {
                let o = by_id[&c.offer_id];
                prop_assert!(check(r, o, &ctx()).is_ok());
                prop_assert!(safeguarded(r, o, &ctx()), "VOG gate broken");
                prop_assert!(o.load < o.capacity && o.volunteer != r.requester);
                prop_assert!((0.0..=1.0).contains(&c.score.total));
            }
        }
    }

    #[test]
    fn ranking_by_demand_is_exact(
        seed in any::<u64>(),
        n in 0usize..300,
        limit in 1usize..12,
    ) {
        let (offers, requests) = world(seed, n, 30);
        let (_, recent) = world(seed ^ 0xdead, 0, 80);
        let demand = Demand::from_recent(&recent, &offers, &ctx());
        let pref = Preference::Demand(&demand);
        let mut index = OfferIndex::new(offers);
        // Some offers changed since the grid was built (scanned from the pending list).
        let (more, _) = world(seed ^ 0xbeef, n / 4, 0);
        for mut o in more {
            o.id %= (n as u64).max(1);
            index.upsert(o);
        }
        let offers = index.offers();
        for r in &requests {
            let ranked = rank_by(r, &index, &ctx(), pref, limit);
            prop_assert_eq!(&ranked, &rank_brute_force_by(r, offers, &ctx(), pref, limit));
            let ids: Vec<u64> = ranked.iter().map(|c| c.offer_id).collect();
            prop_assert_eq!(ids, best_offer_ids(r, &index, &ctx(), pref, limit));
            let priority = |c: &crate::engine::RankedCandidate| {
                index.get(c.offer_id).map_or(0.0, |o| demand.priority(c.score.total, o))
            };
            for pair in ranked.windows(2) {
                prop_assert!(priority(&pair[0]) >= priority(&pair[1]));
            }
        }
    }

    #[test]
    fn assignments_never_break_a_constraint_or_a_capacity(seed in any::<u64>(), n in 0usize..200) {
        let (offers, requests) = world(seed, n, 150);
        let index = OfferIndex::new(offers.clone());
        let by_id: HashMap<u64, &OfferProfile> = offers.iter().map(|o| (o.id, o)).collect();
        let result = assign_requests(&requests, &index, &ctx());
        prop_assert_eq!(result.placements.len() + result.unmatched.len(), requests.len());
        let mut used: HashMap<u64, u32> = HashMap::new();
        for (p, r) in result.placements.iter().map(|p| (p, requests.iter().find(|r| r.id == p.request_id))) {
            let (r, o) = (r.ok_or_else(|| TestCaseError::fail("unknown request"))?, by_id[&p.offer_id]);
            prop_assert!(check(r, o, &ctx()).is_ok());
            prop_assert!(safeguarded(r, o, &ctx()), "VOG gate broken");
            *used.entry(o.id).or_default() += 1;
        }
        for (id, u) in used {
            prop_assert!(by_id[&id].load + u <= by_id[&id].capacity, "capacity exceeded");
        }
    }

    #[test]
    fn incremental_proposals_respect_capacity(seed in any::<u64>(), n in 1usize..150) {
        let (offers, requests) = world(seed, n, 200);
        let mut index = OfferIndex::new(offers.clone());
        let mut used: HashMap<u64, u32> = HashMap::new();
        for r in &requests {
            if let Some(c) = propose(r, &mut index, &ctx()) {
                let o = offers.iter().find(|o| o.id == c.offer_id).ok_or_else(|| TestCaseError::fail("unknown offer"))?;
                prop_assert!(safeguarded(r, o, &ctx()));
                *used.entry(c.offer_id).or_default() += 1;
            }
        }
        for o in &offers {
            let u = used.get(&o.id).copied().unwrap_or(0);
            prop_assert!(u == 0 || o.load + u <= o.capacity, "capacity exceeded");
        }
        for o in &offers {
            let chosen = requests_for_offer(o, &requests, &ctx());
            prop_assert!(chosen.len() as u32 <= o.capacity.saturating_sub(o.load));
            for (i, _) in chosen {
                prop_assert!(check(&requests[i], o, &ctx()).is_ok());
            }
        }
    }

    #[test]
    fn demand_changes_who_but_never_how_many_or_a_constraint(seed in any::<u64>(), n in 0usize..150) {
        let (offers, requests) = world(seed, n, 120);
        let (_, recent) = world(seed ^ 0xdead, 0, 80);
        let demand = Demand::from_recent(&recent, &offers, &ctx());
        let by_id: HashMap<u64, &OfferProfile> = offers.iter().map(|o| (o.id, o)).collect();
        let mut index = OfferIndex::new(offers.clone());
        let plain = assign_requests(&requests, &index, &ctx());
        let result = assign_requests_by_demand(&requests, &index, &ctx(), &demand);
        prop_assert_eq!(result.placements.len(), plain.placements.len(), "the count comes first");
        let mut used: HashMap<u64, u32> = HashMap::new();
        for p in &result.placements {
            let r = requests.iter().find(|r| r.id == p.request_id).ok_or_else(|| TestCaseError::fail("unknown request"))?;
            let o = by_id[&p.offer_id];
            prop_assert!(check(r, o, &ctx()).is_ok() && safeguarded(r, o, &ctx()));
            *used.entry(o.id).or_default() += 1;
        }
        for (id, u) in used {
            prop_assert!(by_id[&id].load + u <= by_id[&id].capacity, "capacity exceeded");
        }
        let mut used: HashMap<u64, u32> = HashMap::new();
        for r in &requests {
            let had_candidate = !index.candidates(r, &ctx()).is_empty();
            let proposed = propose_by_demand(r, &mut index, &ctx(), &demand);
            prop_assert_eq!(proposed.is_some(), had_candidate, "a candidate is always proposed");
            if let Some(c) = proposed {
                let o = by_id[&c.offer_id];
                prop_assert!(check(r, o, &ctx()).is_ok() && safeguarded(r, o, &ctx()));
                *used.entry(c.offer_id).or_default() += 1;
            }
        }
        for (id, u) in used {
            prop_assert!(by_id[&id].load + u <= by_id[&id].capacity, "capacity exceeded");
        }
    }
}
