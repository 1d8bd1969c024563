//! The hard constraints of docs/ARCHITECTURE.md §5. A pair that fails one is never proposed; the
//! first violated constraint is returned so that case workers see "near misses" explained.

use chrono::{Months, NaiveDate};

use super::model::{DateWindow, GeoPoint, MatchContext, OfferProfile, RequestProfile, WeeklySlots};

/// Mean Earth radius in km (IUGG), used for all great-circle distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two coordinates (haversine formula).
pub fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The first hard constraint a request–offer pair violates.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum Violation {
    /// §6.1: the offer does not cover the request's category.
    #[error("the offer does not cover this category")]
    CategoryNotCovered,
    /// §6.1: the request's domain is not one of its category's domains.
    #[error("the category does not belong to the request's domain")]
    DomainMismatch,
    /// §6.1: the offer is paused or withdrawn.
    #[error("the offer is not active")]
    OfferInactive,
    /// §6.1: today lies outside the offer's date window.
    #[error("the offer is outside its date window")]
    OfferOutsideDateWindow,
    /// §6.2: the request lies beyond the volunteer's radius.
    #[error("{distance_km:.1} km away, beyond the volunteer's radius of {radius_km:.1} km")]
    BeyondOfferRadius {
        /// The great-circle distance.
        distance_km: f64,
        /// The offer's radius.
        radius_km: f64,
    },
    /// §6.2: the offer lies beyond the resident's maximum distance.
    #[error("{distance_km:.1} km away, beyond the resident's maximum of {max_km:.1} km")]
    BeyondRequestMaximum {
        /// The great-circle distance.
        distance_km: f64,
        /// The request's maximum distance.
        max_km: f64,
    },
    /// §6.3: no weekly overlap is as long as one session.
    #[error(
        "longest common time is {longest_overlap_minutes} min, a visit takes {session_minutes} min"
    )]
    NoCommonTime {
        /// The longest contiguous weekly overlap.
        longest_overlap_minutes: u32,
        /// The session length the request asks for.
        session_minutes: u16,
    },
    /// §6.3: the date windows of request and offer do not meet (from today on).
    #[error("the date windows do not meet")]
    DateWindowsDisjoint,
    /// §6.4: a VOG is required and none is recorded.
    #[error("a VOG is required and none is recorded")]
    VogMissing,
    /// §6.4: a VOG is required and the recorded one is too old.
    #[error("a VOG is required and the recorded one ({issued}) is too old")]
    VogExpired {
        /// The recorded issue date.
        issued: NaiveDate,
    },
    /// §6.5: the offer's capacity is used up.
    #[error("the volunteer has no capacity left")]
    NoCapacityLeft,
    /// §6.6: the volunteer is the requester.
    #[error("the volunteer is the requester")]
    OwnRequest,
    /// §6.6: the volunteer declined this request before.
    #[error("the volunteer declined this request before")]
    DeclinedBefore,
}

impl Violation {
    /// The number (1–6) of the violated constraint in docs/ARCHITECTURE.md §5.
    pub const fn constraint(&self) -> u8 {
        match self {
            Violation::CategoryNotCovered
            | Violation::DomainMismatch
            | Violation::OfferInactive
            | Violation::OfferOutsideDateWindow => 1,
            Violation::BeyondOfferRadius { .. } | Violation::BeyondRequestMaximum { .. } => 2,
            Violation::NoCommonTime { .. } | Violation::DateWindowsDisjoint => 3,
            Violation::VogMissing | Violation::VogExpired { .. } => 4,
            Violation::NoCapacityLeft => 5,
            Violation::OwnRequest | Violation::DeclinedBefore => 6,
        }
    }
}

/// What the checks measured on a feasible pair; the scorer reuses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Great-circle distance in km (also measured for remote help).
    pub distance_km: f64,
    /// Whether the pair is remote help, so distance is ignored.
    pub remote: bool,
    /// Total weekly overlap in minutes.
    pub overlap_minutes: u32,
}

/// Weekly overlap of two availabilities: `(total minutes, longest contiguous minutes)`.
pub fn weekly_overlap(a: &WeeklySlots, b: &WeeklySlots) -> (u32, u32) {
    let (a, b) = match (a.is_any_time(), b.is_any_time()) {
        (true, true) => {
            let week = WeeklySlots::any_time().total_minutes();
            return (week, week);
        }
        (true, false) => return total_and_longest(b.intervals()),
        (false, true) => return total_and_longest(a.intervals()),
        (false, false) => (a.intervals(), b.intervals()),
    };
    let (mut i, mut j, mut total, mut longest) = (0, 0, 0u32, 0u32);
    while i < a.len() && j < b.len() {
        let start = a[i].0.max(b[j].0);
        let end = a[i].1.min(b[j].1);
        if start < end {
            let len = u32::from(end - start);
            total += len;
            longest = longest.max(len);
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    (total, longest)
}

fn total_and_longest(intervals: &[(u16, u16)]) -> (u32, u32) {
    intervals.iter().fold((0, 0), |(t, l), &(s, e)| {
        let len = u32::from(e - s);
        (t + len, l.max(len))
    })
}

/// Whether two date windows share at least one day from `today` on.
pub fn date_windows_meet(a: &DateWindow, b: &DateWindow, today: NaiveDate) -> bool {
    let start = [a.from, b.from]
        .into_iter()
        .flatten()
        .fold(today, NaiveDate::max);
    match (a.until, b.until) {
        (Some(x), Some(y)) => start <= x.min(y),
        (Some(x), None) | (None, Some(x)) => start <= x,
        (None, None) => true,
    }
}

/// Whether a VOG issued on `issued` is valid on `ctx.today` for `request`: no older than its
/// municipality's maximum age, or the context's default where the request names none.
pub fn vog_valid(issued: NaiveDate, request: &RequestProfile, ctx: &MatchContext) -> bool {
    let months = request.vog_max_age_months.unwrap_or(ctx.vog_max_age_months);
    ctx.today
        .checked_sub_months(Months::new(months))
        .map_or(true, |cutoff| issued >= cutoff)
}

/// Whether the pair is remote help: the category allows it and both sides accept it (§3).
pub fn is_remote(request: &RequestProfile, offer: &OfferProfile) -> bool {
    request.category.remote_possible && request.remote_ok && offer.remote_ok
}

/// Checks the hard constraints 1–6 in order; returns what was measured, or the first violation.
pub fn check(
    request: &RequestProfile,
    offer: &OfferProfile,
    ctx: &MatchContext,
) -> Result<Fit, Violation> {
    check_with(request, offer, ctx, Capacity::Counts)
}

/// [`check`] without constraint 5: whether the offer could serve the request if it had room.
/// Demand (issue 5) counts what volunteers could do, not what they are free to do now.
pub fn check_regardless_of_load(
    request: &RequestProfile,
    offer: &OfferProfile,
    ctx: &MatchContext,
) -> Result<Fit, Violation> {
    check_with(request, offer, ctx, Capacity::Ignored)
}

/// Whether constraint 5 (capacity) is part of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capacity {
    /// Constraint 5 holds: a full offer fails.
    Counts,
    /// Constraint 5 is left out.
    Ignored,
}

fn check_with(
    request: &RequestProfile,
    offer: &OfferProfile,
    ctx: &MatchContext,
    capacity: Capacity,
) -> Result<Fit, Violation> {
    // 1. category, domain, active, date window
    if !offer.categories.contains(request.category.index) {
        return Err(Violation::CategoryNotCovered);
    }
    if !request.category.domains.contains(request.domain) {
        return Err(Violation::DomainMismatch);
    }
    if !offer.active {
        return Err(Violation::OfferInactive);
    }
    if !offer.dates.contains(ctx.today) {
        return Err(Violation::OfferOutsideDateWindow);
    }
    // 2. distance, unless remote
    let distance_km = haversine_km(request.location, offer.location);
    let remote = is_remote(request, offer);
    if !remote {
        if distance_km > offer.radius_km {
            return Err(Violation::BeyondOfferRadius {
                distance_km,
                radius_km: offer.radius_km,
            });
        }
        if let Some(max_km) = request.max_distance_km.filter(|&m| distance_km > m) {
            return Err(Violation::BeyondRequestMaximum {
                distance_km,
                max_km,
            });
        }
    }
    // 3. availability
    let (overlap_minutes, longest) = weekly_overlap(&request.week, &offer.week);
    if longest < u32::from(request.session_minutes) {
        return Err(Violation::NoCommonTime {
            longest_overlap_minutes: longest,
            session_minutes: request.session_minutes,
        });
    }
    if !date_windows_meet(&request.dates, &offer.dates, ctx.today) {
        return Err(Violation::DateWindowsDisjoint);
    }
    // 4. safeguarding
    if request.involves_minor || request.category.requires_vog {
        match offer.vog_issued {
            None => return Err(Violation::VogMissing),
            Some(issued) if !vog_valid(issued, request, ctx) => {
                return Err(Violation::VogExpired { issued })
            }
            Some(_) => {}
        }
    }
    // 5. capacity
    if capacity == Capacity::Counts && offer.load >= offer.capacity {
        return Err(Violation::NoCapacityLeft);
    }
    // 6. not oneself, not declined before
    if offer.volunteer == request.requester {
        return Err(Violation::OwnRequest);
    }
    if request.declined_by.contains(&offer.volunteer) {
        return Err(Violation::DeclinedBefore);
    }
    Ok(Fit {
        distance_km,
        remote,
        overlap_minutes,
    })
}

#[cfg(test)]
#[path = "constraints_tests.rs"]
mod tests;
