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

pub(crate) fn category_rule(code: &str) -> Option<(Category, CategoryRule)> {
    let category = Category::parse(code).ok()?;
    let index = Category::ALL.iter().position(|c| *c == category)? as u8;
    let domains: Vec<engine::Domain> = category
        .domains()
        .iter()
        .map(|d| engine_domain(*d))
        .collect();
    Some((
        category,
        CategoryRule {
            index,
            domains: DomainSet::of(&domains),
            requires_vog: category.requires_vog(),
            remote_possible: category.remote_possible(),
        },
    ))
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

/// Weekly slots and date window of stored availability JSON (unreadable JSON = never).
fn availability(json: &str) -> (WeeklySlots, DateWindow, Option<u16>) {
    match serde_json::from_str::<Availability>(json) {
        Ok(a) => {
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
                Some(a.session_minutes()),
            )
        }
        // An empty, non-any-time week can never overlap: a damaged row is never matched.
        Err(_) => (
            WeeklySlots::from_intervals(vec![(0, 0)]),
            DateWindow {
                from: None,
                until: None,
            },
            None,
        ),
    }
}

pub(crate) fn request_profile(
    row: &RequestRow,
    ids: &mut EngineIds,
    declined_by: &[String],
    helped_before: &[String],
) -> Option<RequestProfile> {
    let (_, category) = category_rule(&row.category)?;
    let domain = engine_domain(LawDomain::parse(&row.domain).ok()?);
    let (week, dates, _) = availability(&row.availability);
    let urgency = match Urgency::parse(&row.urgency).unwrap_or(Urgency::Normal) {
        Urgency::Low => 0,
        Urgency::Normal => 1,
        Urgency::High => 2,
    };
    Some(RequestProfile {
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
        session_minutes: u16::try_from(row.session_minutes).unwrap_or(60),
        urgency,
        waiting_since: row.created_at.and_utc().timestamp(),
        declined_by: declined_by.iter().map(|v| ids.of(v)).collect(),
        helped_by_before: helped_before.iter().map(|v| ids.of(v)).collect(),
    })
}

pub(crate) fn offer_profile(
    row: &OfferWithVog,
    categories: CategorySet,
    ids: &mut EngineIds,
) -> OfferProfile {
    let (offer, vog) = row;
    let (week, dates, _) = availability(&offer.availability);
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
