//! The matching workflows (docs/ARCHITECTURE.md §6): proposing a request to its best volunteer,
//! looking for requests when an offer appears, and the match lifecycle. Each function runs
//! inside the caller's write transaction; the pure engine in `crate::engine` decides, the
//! database guarantees (a slot is taken by a conditional UPDATE on the offer's load, and at
//! most one live match per request is a unique index).

use chrono::{Duration, NaiveDateTime};

use crate::geo::BoundingBox;

pub use super::policy::{context, Policy};
use super::{
    candidate_search::take_best,
    engine_rows::{category_rule, offer_profile, request_profile, with_vog_policy, EngineIds},
};
use crate::{
    db::{
        self,
        help_requests::RequestRow,
        help_requests::{HelpRequest, NewHelpRequest},
        matches::Match,
        offers::OfferWithVog,
        DbConnection,
    },
    domain::{Category, HelpRequestId, HelpRequestStatus, MatchId, MatchOrigin, MatchStatus},
    engine::{self, CategorySet},
    error::AppError,
};

/// The largest radius an offer may have; bounds the box searched around a request.
pub const MAX_OFFER_RADIUS_KM: f64 = 100.0;

/// Creates the proposal row and moves the request to `proposed`.
pub(crate) fn create_proposal(
    conn: &mut DbConnection,
    request: &RequestRow,
    offer: &OfferWithVog,
    scored: (&engine::Score, String, engine::Explained),
    now: NaiveDateTime,
    policy: &Policy,
    created_by: MatchOrigin,
) -> Result<Match, AppError> {
    let proposal = insert_proposal(conn, request, offer, scored, now, policy, created_by)?;
    if !db::help_requests::transition(
        conn,
        &request.id,
        HelpRequestStatus::Open,
        HelpRequestStatus::Proposed,
        now,
    )? {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-request-not-open"),
            existing_id: None,
        });
    }
    Ok(proposal)
}

/// Stores the match of a proposal; the request's status is the caller's (see
/// [`create_proposal`] and [`store_and_propose`]).
fn insert_proposal(
    conn: &mut DbConnection,
    request: &RequestRow,
    offer: &OfferWithVog,
    (score, explanation, explained): (&engine::Score, String, engine::Explained),
    now: NaiveDateTime,
    policy: &Policy,
    created_by: MatchOrigin,
) -> Result<Match, AppError> {
    let parts = score.parts;
    let proposal = Match {
        id: MatchId::generate(),
        request_id: request.id.clone(),
        offer_id: offer.0.id.clone(),
        volunteer_id: offer.0.volunteer_id.clone(),
        status: MatchStatus::Proposed,
        score: score.total,
        score_parts: serde_json::json!({
            "proximity": parts.proximity, "availability": parts.availability, "same_municipality": parts.same_municipality,
            "continuity": parts.continuity, "load": parts.load, "explained": explained,
        })
        .to_string(),
        explanation,
        decline_reason: None,
        proposed_at: now,
        expires_at: now + policy.proposal_ttl,
        responded_at: None,
        closed_at: None,
        created_by,
        updated_at: now,
    };
    db::matches::insert(conn, &proposal)?;
    super::notify::proposal_made(conn, &proposal, request, policy.channels, now)?;
    Ok(proposal)
}

/// Proposes an open, stored request to its best available volunteer, if any.
fn propose_best(
    conn: &mut DbConnection,
    row: &RequestRow,
    passed: &[String],
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Option<Match>, AppError> {
    let Some(taken) = take_best(conn, row, passed, now, policy)? else {
        return Ok(None);
    };
    let scored = (&taken.score, taken.explanation, taken.explained);
    let offer_id = taken.offer.0.id.clone();
    // A concurrent proposal for this request won: it has its volunteer, and the place taken
    // on this offer is given back.
    let made = super::unless_lost_race(conn, |conn| {
        create_proposal(
            conn,
            row,
            &taken.offer,
            scored,
            now,
            policy,
            MatchOrigin::Incremental,
        )
    })?;
    if made.is_none() {
        db::matches::release_slot(conn, offer_id.as_str(), now)?;
    }
    Ok(made)
}

/// Stores a new request and proposes it to its best available volunteer, if any, in the
/// caller's transaction. The search needs nothing of the stored row, so the request is
/// stored after it: as `proposed` when a volunteer was found (then the match), as it came
/// otherwise. That spares the status `UPDATE` of the row and two of its indexes right after
/// the `INSERT`. Returns the request as stored.
pub fn store_and_propose(
    conn: &mut DbConnection,
    new: NewHelpRequest,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<HelpRequest, AppError> {
    let row: RequestRow = (&new).into();
    let Some(taken) = take_best(conn, &row, &[], now, policy)? else {
        return Ok(db::help_requests::insert(conn, &new)?);
    };
    let proposed = NewHelpRequest {
        status: HelpRequestStatus::Proposed,
        status_changed_at: now,
        updated_at: now,
        ..new
    };
    let stored = db::help_requests::insert(conn, &proposed)?;
    let scored = (&taken.score, taken.explanation, taken.explained);
    insert_proposal(
        conn,
        &row,
        &taken.offer,
        scored,
        now,
        policy,
        MatchOrigin::Incremental,
    )?;
    Ok(stored)
}

/// Proposes an open request to its best available volunteer, if any (incremental mode).
/// Returns the proposal.
pub fn propose_for_request(
    conn: &mut DbConnection,
    request_id: &str,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Option<Match>, AppError> {
    let Some(row) = db::help_requests::request(conn, request_id)? else {
        return Ok(None);
    };
    if row.status != HelpRequestStatus::Open
        || db::matches::live_for_request(conn, request_id)?.is_some()
    {
        return Ok(None);
    }
    let passed = db::matches::passed_volunteers(conn, request_id)?;
    propose_best(conn, &row, &passed, now, policy)
}

/// Looks for open requests a new, resumed or widened offer can serve, most urgent and
/// longest waiting first, up to its free capacity and the volunteer's daily cap.
pub fn propose_for_offer(
    conn: &mut DbConnection,
    offer_id: &str,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Vec<Match>, AppError> {
    let Some(offer) = db::offers::offer(conn, offer_id)? else {
        return Ok(Vec::new());
    };
    let Some(volunteer) = offer.0.volunteer_id.clone() else {
        return Ok(Vec::new());
    };
    if offer.0.status != crate::domain::OfferStatus::Active
        || offer.0.active_load >= offer.0.capacity
    {
        return Ok(Vec::new());
    }
    let today =
        db::matches::proposals_since(conn, &[volunteer.to_string()], now - Duration::hours(24))?;
    let caps = db::municipality_settings::daily_caps(conn, &[offer.0.municipality_code.as_str()])?;
    let cap = policy.cap_in(&caps, &offer.0.municipality_code);
    let allowance = cap - today.first().map_or(0, |(_, n)| *n);
    if allowance <= 0 {
        return Ok(Vec::new());
    }
    let codes = db::offers::category_codes(conn, offer_id)?;
    let limit = 5_000;
    let mut rows = db::help_requests::open_requests(
        conn,
        &codes,
        Some(BoundingBox::around(
            offer.0.lat,
            offer.0.lon,
            offer.0.radius_km,
        )),
        limit,
    )?;
    if offer.0.remote_ok {
        let remote_codes: Vec<String> = codes
            .iter()
            .filter(|c| Category::parse(c).is_ok_and(|c| c.remote_possible()))
            .cloned()
            .collect();
        if !remote_codes.is_empty() {
            let seen: std::collections::HashSet<HelpRequestId> =
                rows.iter().map(|r| r.id.clone()).collect();
            let remote = db::help_requests::open_requests(conn, &remote_codes, None, limit)?;
            rows.extend(remote.into_iter().filter(|r| !seen.contains(&r.id)));
        }
    }
    let passed = db::matches::passed_requests(conn, &volunteer)?;
    rows.retain(|r| {
        !passed.iter().any(|p| p.as_str() == r.id.as_str())
            && r.requester_id.as_deref() != Some(volunteer.as_str())
    });

    let mut ids = EngineIds::default();
    let indexes: Vec<u8> = codes
        .iter()
        .filter_map(|c| category_rule(c).map(|(_, rule)| rule.index))
        .collect();
    let mut profile = offer_profile(&offer, CategorySet::of(&indexes), &mut ids);
    // Never more new proposals than the volunteer may still get today.
    profile.capacity = profile.capacity.min(
        profile
            .load
            .saturating_add(u32::try_from(allowance).unwrap_or(0)),
    );
    // Continuity only raises the score; declines are handled by the filter above.
    let mut requests = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut profile = request_profile(row, &mut ids, &[], &[]);
        with_vog_policy(conn, row, &mut profile)?;
        requests.push(profile);
    }
    let kept_rows = rows;
    let mut made = Vec::new();
    for (i, score) in engine::requests_for_offer(&profile, &requests, &context(now, policy)) {
        if db::matches::live_for_request(conn, &kept_rows[i].id)?.is_some() {
            continue;
        }
        let fit = engine::check(&requests[i], &profile, &context(now, policy));
        let explained = fit
            .ok()
            .map(|f| engine::explained(&requests[i], &profile, &f));
        let explanation = explained.map(|e| e.to_string()).unwrap_or_default();
        let explained = explained.unwrap_or_default();
        // In a savepoint: a request that a concurrent proposal took first is passed over,
        // and the offer (stored by the caller) is kept; the place goes to the next request.
        let proposal = super::unless_lost_race(conn, |conn| {
            if !db::matches::take_slot(conn, offer_id)? {
                return Ok(None);
            }
            create_proposal(
                conn,
                &kept_rows[i],
                &offer,
                (&score, explanation, explained),
                now,
                policy,
                MatchOrigin::Incremental,
            )
            .map(Some)
        })?;
        if let Some(Some(proposal)) = proposal {
            made.push(proposal);
        }
    }
    Ok(made)
}
