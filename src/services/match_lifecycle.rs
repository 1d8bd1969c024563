//! The match lifecycle (docs/ARCHITECTURE.md §6): accept, decline, complete, cancel, expire and
//! withdraw. Every step is a conditional update on the expected state inside the caller's
//! transaction: of two concurrent accepts, declines or cancels exactly one takes effect.

use chrono::NaiveDateTime;

use super::{
    matching::{propose_for_request, Policy},
    notify::{self, By, Channels},
};
use crate::{
    db::{self, matches::Match, DbConnection},
    domain::{HelpRequestStatus, MatchStatus},
    error::AppError,
};

/// Which side of a match the caller is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The offer's volunteer.
    Volunteer,
    /// The request's resident.
    Resident,
}

/// A match as one of its two sides may see it; anyone else gets 404.
pub fn visible_match(
    conn: &mut DbConnection,
    match_id: &str,
    caller: &str,
) -> Result<(Match, Side), AppError> {
    let m = db::matches::find(conn, match_id)?.ok_or(AppError::NotFound("not-found-match"))?;
    if m.volunteer_id.as_deref() == Some(caller) {
        return Ok((m, Side::Volunteer));
    }
    let requester = db::help_requests::request(conn, &m.request_id)?.and_then(|r| r.requester_id);
    if requester.as_deref() == Some(caller) {
        return Ok((m, Side::Resident));
    }
    Err(AppError::NotFound("not-found-match"))
}

fn reread(conn: &mut DbConnection, id: &str) -> Result<Match, AppError> {
    db::matches::find(conn, id)?.ok_or(AppError::NotFound("not-found-match"))
}

/// The volunteer accepts a proposal that has not expired: the request becomes `matched`
/// and both sides see each other's contact details.
pub fn accept(
    conn: &mut DbConnection,
    match_id: &str,
    volunteer: &str,
    now: NaiveDateTime,
    channels: Channels,
) -> Result<Match, AppError> {
    super::accounts::acting_as(conn, &user_id(volunteer)?, None)?;
    let (m, side) = visible_match(conn, match_id, volunteer)?;
    if side != Side::Volunteer {
        return Err(AppError::Forbidden("forbidden-accept-volunteer-only"));
    }
    if m.expires_at <= now {
        return Err(AppError::conflict(crate::msg!("conflict-proposal-expired")));
    }
    let capacity = lock_rows(conn, &m)?;
    if !db::matches::transition(
        conn,
        match_id,
        MatchStatus::Proposed,
        MatchStatus::Accepted,
        now,
        None,
    )? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-proposal-not-open"
        )));
    }
    // Counted under the offer's lock, this one included; a 409 rolls the acceptance back.
    if db::matches::accepted_on(conn, &m.offer_id)? > i64::from(capacity) {
        return Err(AppError::conflict(crate::msg!("conflict-offer-full")));
    }
    if !db::help_requests::transition(
        conn,
        &m.request_id,
        HelpRequestStatus::Proposed,
        HelpRequestStatus::Matched,
        now,
    )? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-request-not-waiting"
        )));
    }
    db::help_requests::set_matched_at(conn, &m.request_id, now)?;
    let accepted = reread(conn, match_id)?;
    notify::proposal_answered(conn, &accepted, true, channels, now)?;
    Ok(accepted)
}

/// The volunteer declines: the slot is freed, the volunteer is never proposed this request
/// again, and the request goes to its next candidate.
pub fn decline(
    conn: &mut DbConnection,
    match_id: &str,
    volunteer: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Match, AppError> {
    super::accounts::acting_as(conn, &user_id(volunteer)?, None)?;
    let (m, side) = visible_match(conn, match_id, volunteer)?;
    if side != Side::Volunteer {
        return Err(AppError::Forbidden("forbidden-decline-volunteer-only"));
    }
    lock_rows(conn, &m)?;
    if !db::matches::transition(
        conn,
        match_id,
        MatchStatus::Proposed,
        MatchStatus::Declined,
        now,
        reason,
    )? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-proposal-not-open"
        )));
    }
    // Told before the request moves on, so the resident reads it before any new proposal.
    notify::proposal_answered(conn, &m, false, policy.channels, now)?;
    release_and_rematch(conn, &m, HelpRequestStatus::Proposed, now, policy)?;
    reread(conn, match_id)
}

/// Either side marks an accepted match as done: the request is `completed`.
pub fn complete(
    conn: &mut DbConnection,
    match_id: &str,
    caller: &str,
    now: NaiveDateTime,
    channels: Channels,
) -> Result<Match, AppError> {
    super::accounts::acting_as(conn, &user_id(caller)?, None)?;
    let (m, _) = visible_match(conn, match_id, caller)?;
    lock_rows(conn, &m)?;
    if !db::matches::transition(
        conn,
        match_id,
        MatchStatus::Accepted,
        MatchStatus::Completed,
        now,
        None,
    )? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-complete-needs-accepted"
        )));
    }
    db::matches::release_slot(conn, &m.offer_id, now)?;
    db::help_requests::transition(
        conn,
        &m.request_id,
        HelpRequestStatus::Matched,
        HelpRequestStatus::Completed,
        now,
    )?;
    notify::match_completed(conn, &m, channels, now)?;
    reread(conn, match_id)
}

/// Either side calls off an accepted match: the slot is freed and the request goes back to
/// the marketplace without this volunteer.
pub fn cancel(
    conn: &mut DbConnection,
    match_id: &str,
    caller: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Match, AppError> {
    super::accounts::acting_as(conn, &user_id(caller)?, None)?;
    let (m, side) = visible_match(conn, match_id, caller)?;
    lock_rows(conn, &m)?;
    if !db::matches::transition(
        conn,
        match_id,
        MatchStatus::Accepted,
        MatchStatus::Cancelled,
        now,
        reason,
    )? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-cancel-needs-accepted"
        )));
    }
    let by = match side {
        Side::Resident => By::Resident,
        Side::Volunteer => By::Volunteer,
    };
    notify::match_cancelled(conn, &m, by, policy.channels, now)?;
    release_and_rematch(conn, &m, HelpRequestStatus::Matched, now, policy)?;
    reread(conn, match_id)
}

fn release_and_rematch(
    conn: &mut DbConnection,
    m: &Match,
    request_state: HelpRequestStatus,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<(), AppError> {
    db::matches::release_slot(conn, &m.offer_id, now)?;
    if db::help_requests::transition(
        conn,
        &m.request_id,
        request_state,
        HelpRequestStatus::Open,
        now,
    )? {
        propose_for_request(conn, &m.request_id, now, policy)?;
    }
    Ok(())
}

/// Proposals expired per write transaction (the sweeper repeats the step while it is full).
pub const EXPIRE_STEP: usize = 64;

/// Expires up to [`EXPIRE_STEP`] proposals whose answer time passed and sends their requests
/// to the next candidate. Returns how many expired.
pub fn expire_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<usize, AppError> {
    let due = db::matches::due_to_expire(conn, now, EXPIRE_STEP as i64)?;
    let mut expired = 0;
    for m in due {
        let done = super::unless_lost_race(conn, |conn| {
            let proposed = MatchStatus::Proposed;
            if !db::matches::transition(conn, &m.id, proposed, MatchStatus::Expired, now, None)? {
                return Ok(false);
            }
            notify::proposal_expired(conn, &m, policy.channels, now)?;
            release_and_rematch(conn, &m, HelpRequestStatus::Proposed, now, policy)?;
            Ok(true)
        })?;
        if done == Some(true) {
            expired += 1;
        }
    }
    Ok(expired)
}

/// Withdraws the live proposal or match of a request (it was cancelled, escalated or given
/// to someone else) and frees the slot. Returns the withdrawn match.
pub fn withdraw_for_request(
    conn: &mut DbConnection,
    request_id: &str,
    now: NaiveDateTime,
) -> Result<Option<Match>, AppError> {
    let Some(m) = db::matches::live_for_request(conn, request_id)? else {
        return Ok(None);
    };
    // A proposal is withdrawn; an accepted match can only be called off (cancelled).
    let to = if m.status == MatchStatus::Accepted {
        MatchStatus::Cancelled
    } else {
        MatchStatus::Withdrawn
    };
    if db::matches::transition(conn, &m.id, m.status, to, now, None)? {
        db::matches::release_slot(conn, &m.offer_id, now)?;
        return Ok(Some(m));
    }
    Ok(None)
}

/// Withdraws the open proposals of an offer that was paused or withdrawn; each request goes
/// to its next candidate. Accepted matches stay: the two people finish or cancel them.
pub fn withdraw_for_offer(
    conn: &mut DbConnection,
    offer_id: &str,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<usize, AppError> {
    let proposals = db::matches::proposals_of_offer(conn, offer_id)?;
    withdraw_proposals(conn, proposals, now, policy)
}

/// Withdraws each of `proposals` that is still open (the volunteer may no longer receive
/// it); each request goes to its next candidate. Returns how many were withdrawn.
pub fn withdraw_proposals(
    conn: &mut DbConnection,
    proposals: Vec<Match>,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<usize, AppError> {
    let mut withdrawn = 0;
    for m in proposals {
        if db::matches::transition(
            conn,
            &m.id,
            MatchStatus::Proposed,
            MatchStatus::Withdrawn,
            now,
            None,
        )? {
            withdrawn += 1;
            release_and_rematch(conn, &m, HelpRequestStatus::Proposed, now, policy)?;
        }
    }
    Ok(withdrawn)
}

/// The typed id of the account acting on a match (its token's subject).
fn user_id(caller: &str) -> Result<crate::domain::UserId, AppError> {
    crate::domain::UserId::parse(caller).ok_or(AppError::Unauthorized("unauthorized-token-invalid"))
}

/// Locks the match's offer, then its request, in the one order every match workflow takes
/// them (after the account, before the match): returns the offer's capacity.
fn lock_rows(conn: &mut DbConnection, m: &Match) -> Result<i32, AppError> {
    let capacity =
        db::offers::lock(conn, &m.offer_id)?.ok_or(AppError::NotFound("not-found-match"))?;
    db::help_requests::lock(conn, &m.request_id)?;
    Ok(capacity)
}

/// Locks the offer of the request's live match (if any), then the request: the order of
/// [`lock_rows`], for workflows that start from the request (cancel, escalate).
pub fn lock_for_request(conn: &mut DbConnection, request_id: &str) -> Result<(), AppError> {
    if let Some(live) = db::matches::live_for_request(conn, request_id)? {
        db::offers::lock(conn, &live.offer_id)?;
    }
    Ok(db::help_requests::lock(conn, request_id)?)
}
