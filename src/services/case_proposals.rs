//! Proposals a case worker's decision makes: to the volunteer they picked
//! (`assigned_volunteer`), and, when a request goes back to the marketplace with a wider
//! distance and nobody is found within their own radius, to the nearest volunteer the wider
//! trip reaches. Either is a proposal the volunteer accepts or declines.

use chrono::NaiveDateTime;

use super::{
    case_decisions::{move_request, Worker},
    case_file::{suggestions, Relaxation},
    engine_rows::{category_rule, offer_profile, request_profile, EngineIds},
    matching::Policy,
};
use crate::{
    db::{self, help_requests::RequestRow, matches::Match, DbConnection},
    domain::{HelpRequestStatus, MatchId, MatchOrigin, MatchStatus},
    engine::{self, CategorySet, DateWindow, MatchContext, Violation, WeeklySlots},
    error::AppError,
};

/// After `returned_to_marketplace` with a wider maximum of `km`: the nearest volunteer who
/// fails on nothing but their own radius and lives within `km` gets the request as a
/// proposal that says so; accepting it is agreeing to the longer trip. `None` when there is
/// no such volunteer (the request waits open, as it would anyway).
pub fn ask_beyond_radius(
    conn: &mut DbConnection,
    request_id: &str,
    km: f64,
    now: NaiveDateTime,
    policy: &Policy,
    worker: Worker<'_>,
) -> Result<Option<Match>, AppError> {
    let Some(request) = db::help_requests::request(conn, request_id)? else {
        return Ok(None);
    };
    let settings = db::municipality_settings::effective(conn, worker.municipality)?;
    let vog_months = u32::try_from(settings.vog_max_age_months).unwrap_or(0);
    let reachable = suggestions(conn, &request, now, vog_months, &policy.offers)?
        .into_iter()
        .find_map(|s| match s.relaxation {
            Relaxation::WiderRadius {
                distance_km,
                radius_km,
                ..
            } if distance_km <= km && distance_km > radius_km => {
                Some((s.offer_id, distance_km, radius_km))
            }
            _ => None,
        });
    let Some((offer_id, distance_km, radius_km)) = reachable else {
        return Ok(None);
    };
    let lead = format!(
        "the municipality asks whether you can travel {distance_km:.1} km, further than your \
         {radius_km:.1} km"
    );
    // In a savepoint: a volunteer who filled up meanwhile leaves nothing behind, and the
    // request waits open, as with nobody in reach.
    super::unless_lost_race(conn, |conn| {
        let from = HelpRequestStatus::Open;
        propose_offer(conn, &request, &offer_id, &lead, from, now, policy, worker)
    })
}

/// Proposes `request` to offer `offer_id` on the municipality's behalf. Distance and
/// availability are the case worker's call (they arranged it with the volunteer); the
/// category, the offer being active, the VOG gate (with the municipality's VOG policy) and
/// capacity still hold, checked by the pure engine, and the slot is taken with the same
/// conditional update as every proposal. `lead` opens the explanation; the request moves
/// from `from` to `proposed`.
#[allow(clippy::too_many_arguments)]
pub fn propose_offer(
    conn: &mut DbConnection,
    request: &RequestRow,
    offer_id: &str,
    lead: &str,
    from: HelpRequestStatus,
    now: NaiveDateTime,
    policy: &Policy,
    worker: Worker<'_>,
) -> Result<Match, AppError> {
    let offer = uuid::Uuid::parse_str(offer_id)
        .ok()
        .map(|_| db::offers::offer(conn, offer_id))
        .transpose()?
        .flatten()
        .ok_or_else(|| {
            AppError::field(
                crate::domain::FieldError::new("offer_id", crate::msg!("field-offer-unknown"))
                    .code(crate::domain::FieldErrorCode::UnknownValue),
            )
        })?;
    let settings = db::municipality_settings::effective(conn, worker.municipality)?;
    let mut ids = EngineIds::default();
    let mut profile = request_profile(request, &mut ids, &[], &[]);
    let indexes: Vec<u8> = db::offers::category_codes(conn, offer_id)?
        .iter()
        .filter_map(|c| category_rule(c).map(|(_, rule)| rule.index))
        .collect();
    let mut candidate = offer_profile(&offer, CategorySet::of(&indexes), &mut ids);
    // The case worker may bridge distance and times; the explanation shows the real times.
    let (request_week, offer_week) = (profile.week.clone(), candidate.week.clone());
    let radius_km = candidate.radius_km;
    profile.max_distance_km = None;
    profile.week = WeeklySlots::any_time();
    profile.dates = DateWindow::ANY;
    candidate.radius_km = f64::INFINITY;
    candidate.week = WeeklySlots::any_time();
    let ctx = MatchContext {
        today: crate::clock::dutch_today(now),
        vog_max_age_months: u32::try_from(settings.vog_max_age_months).unwrap_or(0),
    };
    let fit = engine::check(&profile, &candidate, &ctx).map_err(|violation| match violation {
        Violation::NoCapacityLeft => AppError::conflict(crate::msg!("conflict-no-capacity")),
        other => AppError::invalid("offer_id", violation_message(&other)),
    })?;
    if !db::matches::take_slot(conn, offer_id)? {
        return Err(AppError::conflict(crate::msg!("conflict-no-capacity")));
    }
    let score = engine::score(&profile, &candidate, &fit);
    let parts = score.parts;
    let (overlap, _) = engine::constraints::weekly_overlap(&request_week, &offer_week);
    let shown = engine::Fit {
        overlap_minutes: overlap,
        ..fit
    };
    profile.week = request_week;
    candidate.week = offer_week;
    let explained = engine::explained(&profile, &candidate, &shown);
    let mut explanation = format!("{lead}; {explained}");
    if overlap == 0 {
        explanation.push_str("; no common time in the week: agree a time together");
    }
    // A proposal the volunteer accepts or declines, like any other; the resident's contact
    // follows acceptance as always.
    let proposal = Match {
        id: MatchId::generate(),
        request_id: request.id.clone(),
        offer_id: offer.0.id.clone(),
        volunteer_id: offer.0.volunteer_id.clone(),
        status: MatchStatus::Proposed,
        score: score.total,
        score_parts: serde_json::json!({
            "proximity": parts.proximity, "availability": parts.availability,
            "same_municipality": parts.same_municipality, "continuity": parts.continuity,
            "load": parts.load, "explained": explained, "radius_km": radius_km,
        })
        .to_string(),
        explanation,
        decline_reason: None,
        proposed_at: now,
        expires_at: now + policy.proposal_ttl,
        responded_at: None,
        closed_at: None,
        created_by: MatchOrigin::CaseWorker,
        updated_at: now,
    };
    db::matches::insert(conn, &proposal)?;
    move_request(conn, &request.id, from, HelpRequestStatus::Proposed, now)?;
    Ok(proposal)
}

/// Why the picked volunteer cannot take this request, as a catalogue message.
fn violation_message(violation: &Violation) -> crate::domain::Message {
    let km = |d: f64| format!("{d:.1}");
    match violation {
        Violation::CategoryNotCovered => crate::msg!("violation-category-not-covered"),
        Violation::DomainMismatch => crate::msg!("violation-domain-mismatch"),
        Violation::OfferInactive => crate::msg!("violation-offer-inactive"),
        Violation::OfferOutsideDateWindow => crate::msg!("violation-offer-outside-dates"),
        Violation::BeyondOfferRadius {
            distance_km,
            radius_km,
        } => crate::msg!(
            "violation-beyond-radius",
            distance = km(*distance_km),
            radius = km(*radius_km)
        ),
        Violation::BeyondRequestMaximum {
            distance_km,
            max_km,
        } => crate::msg!(
            "violation-beyond-maximum",
            distance = km(*distance_km),
            max = km(*max_km)
        ),
        Violation::NoCommonTime { .. } | Violation::DateWindowsDisjoint => {
            crate::msg!("violation-no-common-time")
        }
        Violation::VogMissing => crate::msg!("violation-vog-missing"),
        Violation::VogExpired { issued } => {
            crate::msg!("violation-vog-expired", issued = issued.to_string())
        }
        Violation::NoCapacityLeft => crate::msg!("conflict-no-capacity"),
        Violation::OwnRequest => crate::msg!("violation-own-request"),
        Violation::DeclinedBefore => crate::msg!("violation-declined-before"),
    }
}
