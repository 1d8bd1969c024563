//! Rows to the engine's profiles: the one adapter between stored requests and offers and the
//! pure matching engine (`crate::engine`), used by incremental matching, the offer index,
//! the global batch and a case's suggestions.

use std::collections::HashMap;

use crate::{
    db::{help_requests::RequestRow, offers::OfferWithVog},
    domain::{Availability, Category, LawDomain, Urgency},
    engine::{
        self, CategoryRule, CategorySet, DateWindow, DomainSet, GeoPoint, OfferProfile,
        RequestProfile, WeeklySlots,
    },
};

/// Gives string ids small numbers for the engine (shared with the case file's suggestions).
#[derive(Default)]
pub(crate) struct EngineIds {
    numbers: HashMap<String, u64>,
}

impl EngineIds {
    pub(crate) fn of(&mut self, id: &str) -> u64 {
        let next = self.numbers.len() as u64 + 1;
        *self.numbers.entry(id.to_owned()).or_insert(next)
    }
}

/// The rule of a stored category code (an offer's categories are loaded as codes).
pub(crate) fn category_rule(code: &str) -> Option<(Category, CategoryRule)> {
    let category = Category::parse(code).ok()?;
    Some((category, rule_of(category)))
}

/// What the engine needs to know of a category.
pub(crate) fn rule_of(category: Category) -> CategoryRule {
    let index = Category::ALL
        .iter()
        .position(|c| *c == category)
        .map_or(u8::MAX, |i| i as u8);
    let domains: Vec<engine::Domain> = category
        .domains()
        .iter()
        .map(|d| engine_domain(*d))
        .collect();
    CategoryRule {
        index,
        domains: DomainSet::of(&domains),
        requires_vog: category.requires_vog(),
        remote_possible: category.remote_possible(),
    }
}

fn engine_domain(domain: LawDomain) -> engine::Domain {
    match domain {
        LawDomain::Wmo => engine::Domain::Wmo,
        LawDomain::Jeugdwet => engine::Domain::Jeugdwet,
        LawDomain::Participatiewet => engine::Domain::Participatiewet,
    }
}

fn municipality_number(code: &str) -> u16 {
    code.get(2..).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Weekly slots and date window of an availability.
fn availability(a: &Availability) -> (WeeklySlots, DateWindow) {
    let intervals = a
        .week_intervals()
        .into_iter()
        .map(|(s, e)| {
            (
                s.min(u32::from(u16::MAX)) as u16,
                e.min(u32::from(u16::MAX)) as u16,
            )
        })
        .collect();
    let window = a.date_window();
    (
        WeeklySlots::from_intervals(intervals),
        DateWindow {
            from: window.from,
            until: window.until,
        },
    )
}

pub(crate) fn request_profile(
    row: &RequestRow,
    ids: &mut EngineIds,
    declined_by: &[String],
    helped_before: &[String],
) -> RequestProfile {
    let category = rule_of(row.category);
    let domain = engine_domain(row.domain);
    let (week, dates) = availability(&row.availability);
    let urgency = match row.urgency {
        Urgency::Low => 0,
        Urgency::Normal => 1,
        Urgency::High => 2,
    };
    RequestProfile {
        id: ids.of(&row.id),
        requester: row.requester_id.as_deref().map_or(0, |r| ids.of(r)),
        category,
        domain,
        location: GeoPoint {
            lat: row.lat,
            lon: row.lon,
        },
        municipality: municipality_number(&row.municipality_code),
        max_distance_km: row.max_distance_km,
        remote_ok: row.remote_ok,
        involves_minor: row.involves_minor,
        week,
        dates,
        session_minutes: row.availability.session_minutes(),
        urgency,
        waiting_since: row.created_at.and_utc().timestamp(),
        declined_by: declined_by.iter().map(|v| ids.of(v)).collect(),
        helped_by_before: helped_before.iter().map(|v| ids.of(v)).collect(),
        vog_max_age_months: None,
    }
}

/// Whether `row` needs a volunteer with a valid VOG (a minor is involved, or its category).
pub(crate) fn needs_vog(row: &RequestRow) -> bool {
    row.involves_minor || row.category.requires_vog()
}

/// Sets the VOG policy of `row`'s municipality on its profile, when the request needs a VOG
/// (one small read then; none for the other requests).
pub(crate) fn with_vog_policy(
    conn: &mut crate::db::DbConnection,
    row: &RequestRow,
    profile: &mut RequestProfile,
) -> Result<(), crate::error::AppError> {
    if needs_vog(row) {
        let settings = crate::db::municipality_settings::effective(conn, &row.municipality_code)?;
        profile.vog_max_age_months = u32::try_from(settings.vog_max_age_months).ok();
    }
    Ok(())
}

pub(crate) fn offer_profile(
    row: &OfferWithVog,
    categories: CategorySet,
    ids: &mut EngineIds,
) -> OfferProfile {
    let (offer, vog) = row;
    let (week, dates) = availability(&offer.availability);
    OfferProfile {
        id: ids.of(&offer.id),
        volunteer: offer.volunteer_id.as_deref().map_or(0, |v| ids.of(v)),
        categories,
        location: GeoPoint {
            lat: offer.lat,
            lon: offer.lon,
        },
        municipality: municipality_number(&offer.municipality_code),
        radius_km: offer.radius_km,
        remote_ok: offer.remote_ok,
        active: offer.status == crate::domain::OfferStatus::Active,
        week,
        dates,
        capacity: u32::try_from(offer.capacity).unwrap_or(0),
        load: u32::try_from(offer.active_load).unwrap_or(u32::MAX),
        vog_issued: *vog,
    }
}
