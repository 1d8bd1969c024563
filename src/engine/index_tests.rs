use super::*;
use crate::engine::fixtures::*;

fn ids(index: &OfferIndex, r: &RequestProfile) -> Vec<u64> {
    let mut ids: Vec<u64> = index
        .candidates(r, &ctx())
        .iter()
        .map(|c| index.offers()[c.slot].id)
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn finds_offers_whose_radius_reaches_the_request() {
    let near = offer();
    let mut far = offer();
    far.id = 11;
    far.location = AMSTERDAM;
    far.radius_km = 40.0;
    let index = OfferIndex::new(vec![near, far.clone()]);
    assert_eq!(ids(&index, &request()), vec![10]);
    let mut r = request();
    r.max_distance_km = None;
    assert_eq!(ids(&index, &r), vec![10, 11]);
    far.radius_km = 30.0;
    let index = OfferIndex::new(vec![offer(), far]);
    assert_eq!(ids(&index, &r), vec![10]);
}

#[test]
fn remote_offers_are_found_regardless_of_distance() {
    let mut remote = offer();
    remote.id = 12;
    remote.location = GeoPoint {
        lat: 53.2,
        lon: 6.56,
    };
    remote.radius_km = 1.0;
    remote.remote_ok = true;
    let index = OfferIndex::new(vec![offer(), remote]);
    let mut r = request();
    r.category = PHONE_BUDDY;
    r.remote_ok = true;
    assert_eq!(ids(&index, &r), vec![10, 12]);
    r.remote_ok = false;
    assert_eq!(ids(&index, &r), vec![10]);
}

#[test]
fn upsert_moves_and_set_load_fills_offers() {
    let mut index = OfferIndex::new(vec![offer()]);
    assert!(index.set_load(10, 2));
    assert!(ids(&index, &request()).is_empty());
    assert!(!index.set_load(99, 1));
    let mut moved = offer();
    moved.location = AMSTERDAM;
    index.upsert(moved.clone());
    let mut r = request();
    r.max_distance_km = None;
    assert!(ids(&index, &r).is_empty());
    moved.location = UTRECHT;
    moved.id = 13;
    index.upsert(moved);
    assert_eq!(ids(&index, &r), vec![13]);
    assert_eq!(index.offers().len(), 2);
    assert_eq!(index.get(13).map(|o| o.location), Some(UTRECHT));
}

#[test]
fn unknown_or_out_of_range_categories_find_nothing() {
    let index = OfferIndex::new(vec![offer()]);
    let mut r = request();
    r.category.index = 64;
    assert!(index.candidates(&r, &ctx()).is_empty());
}

#[test]
fn awkward_geometry_matches_brute_force() {
    // Across the antimeridian, near a pole, huge, zero and non-finite radii, invalid points.
    let places = [
        (52.09, 5.12),
        (0.0, 179.99),
        (0.0, -179.99),
        (89.95, 10.0),
        (-89.95, -170.0),
        (52.0, 180.0),
        (52.0, -180.0),
        (95.0, 5.0),
        (52.0, 365.12),
    ];
    let radii = [0.0, 5.0, 40.0, 3000.0, 1e9, f64::NAN, f64::INFINITY, -1.0];
    let mut offers = Vec::new();
    for (i, &(lat, lon)) in places.iter().enumerate() {
        for (j, &radius_km) in radii.iter().enumerate() {
            let mut o = offer();
            o.id = (i * 100 + j) as u64;
            o.volunteer = o.id + 1_000;
            o.location = GeoPoint { lat, lon };
            o.radius_km = radius_km;
            offers.push(o);
        }
    }
    let index = OfferIndex::new(offers);
    for &(lat, lon) in &places {
        for max in [None, Some(10.0), Some(f64::NAN)] {
            let mut r = request();
            r.location = GeoPoint { lat, lon };
            r.max_distance_km = max;
            assert_eq!(
                index.candidates(&r, &ctx()),
                index.candidates_brute_force(&r, &ctx())
            );
            assert_eq!(
                crate::engine::rank(&r, &index, &ctx(), 5),
                crate::engine::rank_brute_force(&r, index.offers(), &ctx(), 5)
            );
        }
    }
}
