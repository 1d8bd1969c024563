//! The score of a feasible pair in [0, 1]: a weighted sum of parts in [0, 1], returned with
//! the parts and a short English explanation so people can see why (docs/ARCHITECTURE.md §5).

use super::constraints::Fit;
use super::model::{OfferProfile, RequestProfile};

/// Weight of proximity: the main reason people prefer one volunteer over another.
pub const WEIGHT_PROXIMITY: f64 = 0.35;
/// Weight of weekly availability overlap: more common time makes visits easier to plan.
pub const WEIGHT_AVAILABILITY: f64 = 0.20;
/// Weight of being in the same municipality (the same case-worker team, local knowledge).
pub const WEIGHT_SAME_MUNICIPALITY: f64 = 0.10;
/// Weight of continuity: people want the same helper back.
pub const WEIGHT_CONTINUITY: f64 = 0.20;
/// Weight of free capacity: spreads the work over volunteers.
pub const WEIGHT_LOAD: f64 = 0.15;
/// The proximity part of remote help, where distance does not matter: neither as good as a
/// neighbour nor as bad as the edge of the radius.
pub const REMOTE_PROXIMITY: f64 = 0.5;

/// The parts of a score, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScoreParts {
    /// 1 at 0 km, falling linearly to 0 at the effective maximum distance;
    /// [`REMOTE_PROXIMITY`] for remote help.
    pub proximity: f64,
    /// Weekly overlap relative to the requested weekly time (1 when the resident can be
    /// helped any time).
    pub availability: f64,
    /// 1 when request and offer lie in the same municipality.
    pub same_municipality: f64,
    /// 1 when this volunteer helped this resident before.
    pub continuity: f64,
    /// 1 - load / capacity.
    pub load: f64,
}

/// A score in [0, 1] with its parts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    /// The weighted sum of the parts.
    pub total: f64,
    /// The parts, unweighted.
    pub parts: ScoreParts,
}

/// Scores a pair that passed [`check`](super::constraints::check), reusing its measurements.
pub fn score(request: &RequestProfile, offer: &OfferProfile, fit: &Fit) -> Score {
    let proximity = if fit.remote {
        REMOTE_PROXIMITY
    } else {
        let reach = request
            .max_distance_km
            .map_or(offer.radius_km, |m| m.min(offer.radius_km));
        if reach > 0.0 {
            (1.0 - fit.distance_km / reach).clamp(0.0, 1.0)
        } else if fit.distance_km <= 0.0 {
            1.0
        } else {
            0.0
        }
    };
    let availability = if request.week.is_any_time() {
        1.0
    } else {
        let requested = request.week.total_minutes();
        (f64::from(fit.overlap_minutes) / f64::from(requested.max(1))).clamp(0.0, 1.0)
    };
    let same_municipality = f64::from(u8::from(request.municipality == offer.municipality));
    let continuity = f64::from(u8::from(
        request.helped_by_before.contains(&offer.volunteer),
    ));
    let load = if offer.capacity == 0 {
        0.0
    } else {
        (1.0 - f64::from(offer.load) / f64::from(offer.capacity)).clamp(0.0, 1.0)
    };
    let parts = ScoreParts {
        proximity,
        availability,
        same_municipality,
        continuity,
        load,
    };
    Score {
        total: weighted(&parts),
        parts,
    }
}

/// The weighted sum of the parts, clamped to [0, 1].
fn weighted(p: &ScoreParts) -> f64 {
    let total = WEIGHT_PROXIMITY * p.proximity
        + WEIGHT_AVAILABILITY * p.availability
        + WEIGHT_SAME_MUNICIPALITY * p.same_municipality
        + WEIGHT_CONTINUITY * p.continuity
        + WEIGHT_LOAD * p.load;
    total.clamp(0.0, 1.0)
}

/// An upper bound on [`score`] for a local (not remote) pair, from the compact fields only:
/// `distance_lower_km` must not exceed the pair's haversine distance. Ranking checks offers
/// in the order of this bound and stops once it falls below the `limit`-th best score.
pub fn local_upper_bound(
    request: &RequestProfile,
    hot: &super::grid::BoundFields,
    distance_lower_km: f64,
) -> f64 {
    let reach = request
        .max_distance_km
        .map_or(hot.radius_km, |m| m.min(hot.radius_km));
    let proximity = if reach > 0.0 {
        (1.0 - distance_lower_km.max(0.0) / reach).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let availability = if request.week.is_any_time() {
        1.0
    } else {
        // The overlap can never exceed the offer's own weekly time.
        let requested = f64::from(request.week.total_minutes().max(1));
        (f64::from(hot.week_minutes) / requested).min(1.0)
    };
    let load = if hot.capacity == 0 {
        0.0
    } else {
        (1.0 - f64::from(hot.load) / f64::from(hot.capacity)).clamp(0.0, 1.0)
    };
    weighted(&ScoreParts {
        proximity,
        availability,
        same_municipality: f64::from(u8::from(request.municipality == hot.municipality)),
        continuity: f64::from(u8::from(request.helped_by_before.contains(&hot.volunteer))),
        load,
    })
}

/// The highest total a remote pair can have when the volunteer is neither in the resident's
/// municipality nor helped them before (computed exactly as [`score`] computes totals).
pub fn remote_plain_max() -> f64 {
    weighted(&ScoreParts {
        proximity: REMOTE_PROXIMITY,
        availability: 1.0,
        same_municipality: 0.0,
        continuity: 0.0,
        load: 1.0,
    })
}

/// An upper bound on [`score`] for a remote pair whose volunteer is neither in the
/// resident's municipality nor helped them before, computed without the constraint check:
/// ranking skips remote offers whose bound is below its current `limit`-th best score.
/// From the compact fields alone (an offer available any time has a full week of minutes).
pub fn remote_plain_upper_bound(request: &RequestProfile, hot: &super::grid::BoundFields) -> f64 {
    let availability = if request.week.is_any_time() {
        1.0
    } else {
        // The overlap can never exceed the offer's own weekly time.
        let requested = f64::from(request.week.total_minutes().max(1));
        (f64::from(hot.week_minutes) / requested).min(1.0)
    };
    let load = if hot.capacity == 0 {
        0.0
    } else {
        (1.0 - f64::from(hot.load) / f64::from(hot.capacity)).clamp(0.0, 1.0)
    };
    WEIGHT_PROXIMITY * REMOTE_PROXIMITY + WEIGHT_AVAILABILITY * availability + WEIGHT_LOAD * load
}

/// What an explanation says about a pair, as data: the API words it in the reader's
/// language (`api::explanation`); [`explain`] words it in English for the log and the store.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Explained {
    /// Help at a distance (by phone or online): the distance does not matter.
    pub remote: bool,
    /// The great-circle distance, km.
    pub distance_km: f64,
    /// Both sides can at any time of the week.
    pub any_time: bool,
    /// The weekly time both sides can, in minutes.
    pub overlap_minutes: u32,
    /// Request and offer lie in the same municipality.
    pub same_municipality: bool,
    /// This volunteer helped this resident before.
    pub helped_before: bool,
    /// Places of the offer still free.
    pub places_free: u32,
    /// Places of the offer.
    pub capacity: u32,
}

/// The facts of a pair that passed [`check`](super::constraints::check).
pub fn explained(request: &RequestProfile, offer: &OfferProfile, fit: &Fit) -> Explained {
    Explained {
        remote: fit.remote,
        distance_km: fit.distance_km,
        any_time: request.week.is_any_time() && offer.week.is_any_time(),
        overlap_minutes: fit.overlap_minutes,
        same_municipality: request.municipality == offer.municipality,
        helped_before: request.helped_by_before.contains(&offer.volunteer),
        places_free: offer.capacity.saturating_sub(offer.load),
        capacity: offer.capacity,
    }
}

/// A short English explanation, e.g. "2.3 km away, 3 h overlap per week, same municipality,
/// helped before, 1 of 2 places free".
pub fn explain(request: &RequestProfile, offer: &OfferProfile, fit: &Fit) -> String {
    explained(request, offer, fit).to_string()
}

impl std::fmt::Display for Explained {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.remote {
            out.write_str("remote help")?;
        } else {
            write!(out, "{:.1} km away", self.distance_km)?;
        }
        if self.any_time {
            out.write_str(", any time")?;
        } else {
            let hours = f64::from(self.overlap_minutes) / 60.0;
            if self.overlap_minutes % 60 == 0 {
                write!(out, ", {hours:.0} h overlap per week")?;
            } else {
                write!(out, ", {hours:.1} h overlap per week")?;
            }
        }
        if self.same_municipality {
            out.write_str(", same municipality")?;
        }
        if self.helped_before {
            out.write_str(", helped before")?;
        }
        let noun = if self.capacity == 1 {
            "place"
        } else {
            "places"
        };
        write!(
            out,
            ", {} of {} {noun} free",
            self.places_free, self.capacity
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::constraints::check;
    use crate::engine::fixtures::*;
    use crate::engine::model::*;

    fn scored(r: &RequestProfile, o: &OfferProfile) -> (Score, String) {
        let fit = check(r, o, &ctx()).unwrap();
        (score(r, o, &fit), explain(r, o, &fit))
    }

    #[test]
    fn weights_sum_to_one() {
        let sum = WEIGHT_PROXIMITY
            + WEIGHT_AVAILABILITY
            + WEIGHT_SAME_MUNICIPALITY
            + WEIGHT_CONTINUITY
            + WEIGHT_LOAD;
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn proximity_falls_linearly_to_the_effective_maximum() {
        let mut o = offer();
        o.location = UTRECHT;
        assert_eq!(scored(&request(), &o).0.parts.proximity, 1.0);
        o.location = offer().location;
        let fit = check(&request(), &o, &ctx()).unwrap();
        // reach = min(radius 5, max 10) = 5 km
        let expected = 1.0 - fit.distance_km / 5.0;
        assert!((scored(&request(), &o).0.parts.proximity - expected).abs() < 1e-12);
        let mut r = request();
        r.max_distance_km = Some(2.0);
        let expected = 1.0 - fit.distance_km / 2.0;
        assert!((scored(&r, &o).0.parts.proximity - expected).abs() < 1e-12);
    }

    #[test]
    fn remote_help_has_a_fixed_proximity() {
        let mut r = request();
        r.category = PHONE_BUDDY;
        r.remote_ok = true;
        let mut o = offer();
        o.remote_ok = true;
        o.location = AMSTERDAM;
        let (s, text) = scored(&r, &o);
        assert_eq!(s.parts.proximity, REMOTE_PROXIMITY);
        assert!(text.starts_with("remote help"), "{text}");
    }

    #[test]
    fn availability_is_overlap_relative_to_the_request() {
        let mut o = offer();
        o.week = WeeklySlots::from_intervals(vec![(TUE_9_12.0, TUE_9_12.0 + 90)]);
        let (s, text) = scored(&request(), &o);
        assert!((s.parts.availability - 0.5).abs() < 1e-12);
        assert!(text.contains("1.5 h overlap per week"), "{text}");
        assert_eq!(scored(&request(), &offer()).0.parts.availability, 1.0);
        let mut r = request();
        r.week = WeeklySlots::any_time();
        assert_eq!(scored(&r, &o).0.parts.availability, 1.0);
        assert!(scored(&r, &offer()).1.contains("any time"));
    }

    #[test]
    fn municipality_continuity_and_load() {
        let mut o = offer();
        o.municipality = 363;
        o.load = 1;
        let (s, text) = scored(&request(), &o);
        assert_eq!(s.parts.same_municipality, 0.0);
        assert_eq!(s.parts.continuity, 0.0);
        assert_eq!(s.parts.load, 0.5);
        assert!(
            text.ends_with("1 of 2 places free") && !text.contains("same"),
            "{text}"
        );
        let mut r = request();
        r.helped_by_before = vec![offer().volunteer];
        let (s, text) = scored(&r, &offer());
        assert_eq!(
            (s.parts.same_municipality, s.parts.continuity, s.parts.load),
            (1.0, 1.0, 1.0)
        );
        assert!(
            text.contains("same municipality, helped before, 2 of 2 places free"),
            "{text}"
        );
    }

    #[test]
    fn the_total_is_the_weighted_sum_and_explains_itself() {
        let mut o = offer();
        o.location = UTRECHT;
        let mut r = request();
        r.helped_by_before = vec![o.volunteer];
        let (s, text) = scored(&r, &o);
        assert!((s.total - 1.0).abs() < 1e-12);
        assert_eq!(
            text,
            "0.0 km away, 3 h overlap per week, same municipality, helped before, 2 of 2 places free"
        );
        o.capacity = 1;
        assert!(scored(&r, &o).1.ends_with("1 of 1 place free"));
    }
}
