//! Hand-made request and offer fixtures for the unit tests.

use chrono::NaiveDate;

use super::model::*;

/// 2026-12-01, the "today" of the unit tests.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

pub fn ctx() -> MatchContext {
    MatchContext::new(today())
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Utrecht centre (PC4 3511).
pub const UTRECHT: GeoPoint = GeoPoint {
    lat: 52.0907,
    lon: 5.1214,
};
/// Amsterdam centre (PC4 1012), about 35 km from Utrecht.
pub const AMSTERDAM: GeoPoint = GeoPoint {
    lat: 52.3676,
    lon: 4.9041,
};

/// "boodschappen": wmo, no VOG, not remote.
pub const GROCERIES: CategoryRule = CategoryRule {
    index: 0,
    domains: DomainSet(1),
    requires_vog: false,
    remote_possible: false,
};
/// "huiswerkbegeleiding": jeugdwet, VOG, remote possible.
pub const HOMEWORK: CategoryRule = CategoryRule {
    index: 12,
    domains: DomainSet(2),
    requires_vog: true,
    remote_possible: true,
};
/// "telefoonmaatje": wmo, no VOG, remote possible.
pub const PHONE_BUDDY: CategoryRule = CategoryRule {
    index: 6,
    domains: DomainSet(1),
    requires_vog: false,
    remote_possible: true,
};

/// Tuesday 09:00–12:00 in minutes of the week.
pub const TUE_9_12: (u16, u16) = (24 * 60 + 9 * 60, 24 * 60 + 12 * 60);

pub fn request() -> RequestProfile {
    RequestProfile {
        id: 1,
        requester: 100,
        category: GROCERIES,
        domain: Domain::Wmo,
        location: UTRECHT,
        municipality: 344,
        max_distance_km: Some(10.0),
        remote_ok: false,
        involves_minor: false,
        week: WeeklySlots::from_intervals(vec![TUE_9_12]),
        dates: DateWindow::ANY,
        session_minutes: 60,
        urgency: 1,
        waiting_since: 0,
        declined_by: vec![],
        helped_by_before: vec![],
        vog_max_age_months: None,
    }
}

pub fn offer() -> OfferProfile {
    OfferProfile {
        id: 10,
        volunteer: 200,
        categories: CategorySet::of(&[0, 6, 12]),
        location: GeoPoint {
            lat: 52.1,
            lon: 5.13,
        },
        municipality: 344,
        radius_km: 5.0,
        remote_ok: false,
        active: true,
        week: WeeklySlots::any_time(),
        dates: DateWindow::ANY,
        capacity: 2,
        load: 0,
        vog_issued: None,
    }
}
