use super::*;
use crate::engine::assign::{
    assign_requests, assign_requests_by_demand, best_candidate, best_candidate_by_demand,
    propose_by_demand,
};
use crate::engine::fixtures::*;
use crate::engine::model::*;

/// An offer `id` at `km_north` km north of Utrecht centre (radius 5 km, capacity 2).
fn offer_at(id: u64, km_north: f64) -> OfferProfile {
    OfferProfile {
        id,
        volunteer: 200 + id,
        location: GeoPoint {
            lat: UTRECHT.lat + km_north / 111.2,
            lon: UTRECHT.lon,
        },
        ..offer()
    }
}

/// A request `id` at `km_north` km north of Utrecht centre.
fn request_at(id: u64, km_north: f64) -> RequestProfile {
    RequestProfile {
        id,
        requester: 100 + id,
        location: GeoPoint {
            lat: UTRECHT.lat + km_north / 111.2,
            lon: UTRECHT.lon,
        },
        ..request()
    }
}

/// Past requests around 8 km north: in reach of an offer at 6 km, not of one at 0 km.
fn recent_north(n: u64) -> Vec<RequestProfile> {
    (0..n).map(|i| request_at(1000 + i, 8.0)).collect()
}

#[test]
fn from_recent_counts_feasible_requests_whatever_the_load() {
    let mut full = offer_at(2, 6.0);
    full.load = full.capacity;
    let mut paused = offer_at(3, 6.0);
    paused.active = false;
    let offers = vec![offer_at(1, 0.0), full.clone(), paused, offer_at(4, 7.0)];
    let d = Demand::from_recent(&recent_north(5), &offers, &ctx());
    assert_eq!(d.recent_requests(1), 0, "8 km is beyond a 5 km radius");
    assert_eq!(d.recent_requests(2), 5, "a full offer is still needed");
    assert_eq!(d.recent_requests(3), 0, "a paused offer serves nobody");
    assert_eq!(d.recent_requests(4), 5);
    assert_eq!(d.recent_requests(99), 0, "unknown offer");

    let mut counted = Demand::default();
    counted.count_offer(&full, &recent_north(5), &ctx());
    assert_eq!(counted.recent_requests(2), 5);
}

#[test]
fn spare_falls_with_recent_requests_per_free_place() {
    let offers = vec![offer_at(1, 6.0)];
    let d = Demand::from_recent(&recent_north(2), &offers, &ctx());
    let mut o = offers[0].clone();
    assert_eq!(Demand::default().spare(&o), 1.0);
    assert_eq!(d.spare(&o), 0.5, "2 requests, 2 free places");
    o.load = 1;
    assert!(
        (d.spare(&o) - 1.0 / 3.0).abs() < 1e-12,
        "2 requests, 1 place"
    );
    o.load = 2;
    assert!((d.spare(&o) - 1.0 / 3.0).abs() < 1e-12, "full: as 1 place");
    assert_eq!(
        d.explain(&offers[0]),
        "2 recent requests could also use this volunteer, 2 of 2 places free"
    );
}

#[test]
fn priority_weighs_spare_and_score() {
    let o = offer_at(1, 6.0);
    let d = Demand::from_recent(&recent_north(3), std::slice::from_ref(&o), &ctx());
    let expected = WEIGHT_SPARE * (1.0 / (1.0 + 1.5)) + (1.0 - WEIGHT_SPARE) * 0.8;
    assert!((d.priority(0.8, &o) - expected).abs() < 1e-12);
    let none = Demand::default();
    assert!(none.priority(0.8, &o) > none.priority(0.7, &o));
}

#[test]
fn incremental_mode_prefers_the_volunteer_others_need_less() {
    // The nearer offer (1 km) is also the one the recent requests up north could use.
    let (near, far) = (offer_at(1, 1.0), offer_at(2, -3.0));
    let mut near_needed = near.clone();
    near_needed.radius_km = 8.0;
    let offers = vec![near_needed, far];
    let mut index = OfferIndex::new(offers.clone());
    let r = request_at(1, 0.0);
    assert_eq!(
        best_candidate(&r, &index, &ctx()).map(|c| c.offer_id),
        Some(1)
    );

    let d = Demand::from_recent(&recent_north(4), &offers, &ctx());
    assert_eq!((d.recent_requests(1), d.recent_requests(2)), (4, 0));
    let chosen = best_candidate_by_demand(&r, &index, &ctx(), &d);
    assert_eq!(chosen.as_ref().map(|c| c.offer_id), Some(2));
    let text = chosen.map(|c| c.explanation).unwrap_or_default();
    assert!(
        text.ends_with("; 0 recent requests could also use this volunteer, 2 of 2 places free"),
        "{text}"
    );

    // Without demand it is the best score, as before.
    let plain = best_candidate_by_demand(&r, &index, &ctx(), &Demand::default());
    assert_eq!(plain.map(|c| c.offer_id), Some(1));

    // Proposing takes a place; once the far one is full, the near one is next.
    for _ in 0..2 {
        assert_eq!(
            propose_by_demand(&r, &mut index, &ctx(), &d).map(|c| c.offer_id),
            Some(2)
        );
    }
    assert_eq!(
        propose_by_demand(&r, &mut index, &ctx(), &d).map(|c| c.offer_id),
        Some(1)
    );
}

#[test]
fn the_batch_keeps_the_largest_count_and_spares_the_needed_volunteer() {
    let mut needed = offer_at(1, 1.0);
    needed.radius_km = 8.0;
    needed.capacity = 1;
    let mut spare = offer_at(2, -3.0);
    spare.capacity = 1;
    let offers = vec![needed, spare];
    let index = OfferIndex::new(offers.clone());
    let d = Demand::from_recent(&recent_north(4), &offers, &ctx());
    let placed = |a: &crate::engine::GlobalAssignment| -> Vec<(u64, u64)> {
        a.placements
            .iter()
            .map(|p| (p.request_id, p.offer_id))
            .collect()
    };

    // One request: the score alone picks the nearer, demand picks the spare one.
    let one = vec![request_at(1, 0.0)];
    assert_eq!(placed(&assign_requests(&one, &index, &ctx())), vec![(1, 1)]);
    let by_demand = assign_requests_by_demand(&one, &index, &ctx(), &d);
    assert_eq!(placed(&by_demand), vec![(1, 2)]);
    let real = assign_requests(
        &[request_at(1, 0.0)],
        &OfferIndex::new(vec![offers[1].clone()]),
        &ctx(),
    );
    assert!(
        (by_demand.total_score - real.total_score).abs() < 1e-12,
        "real scores are reported"
    );

    // Request 2 (at -7.5 km) reaches only the spare offer: the count comes first.
    let two = vec![request_at(1, 0.0), request_at(2, -7.5)];
    let by_demand = assign_requests_by_demand(&two, &index, &ctx(), &d);
    assert_eq!(placed(&by_demand), vec![(1, 1), (2, 2)]);
    assert!(by_demand.unmatched.is_empty());
}

#[test]
fn counts_keep_to_their_key_wherever_it_lies() {
    let empty = Demand::from_counts(Vec::new());
    assert!(empty.is_empty(), "no key, nothing counted");
    assert!(
        !Demand::from_counts([(7, 0)]).is_empty(),
        "a key at zero is known"
    );

    // Keys 1..=3 run densely; 10,000 and u64::MAX lie far beyond them.
    let mut d = Demand::from_counts([(3, 4), (1, 2), (10_000, 9), (u64::MAX, 5)]);
    assert_eq!(d.recent_requests(1), 2);
    assert_eq!(d.recent_requests(3), 4);
    assert_eq!(d.recent_requests(2), 0, "a key never counted");
    assert_eq!(d.recent_requests(10_000), 9);
    assert_eq!(d.recent_requests(u64::MAX), 5);

    // Growing the dense run past 10,000 keeps that key's count.
    for k in 4..=10_500 {
        d.add(k, 1);
    }
    assert_eq!(d.recent_requests(9_999), 1);
    assert_eq!(d.recent_requests(10_000), 10, "9 counted before, 1 now");
    assert_eq!(d.recent_requests(10_500), 1);
    assert_eq!(d.recent_requests(10_501), 0);
    d.add(u64::MAX, 1);
    assert_eq!(d.recent_requests(u64::MAX), 6);
}
