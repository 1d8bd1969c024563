//! A volunteer's own offers: registering (then looking for open requests it can serve),
//! changing, pausing, resuming and withdrawing. Each function runs in the caller's write
//! transaction; anyone but the owner gets 404.

use chrono::NaiveDateTime;

use super::{match_lifecycle, matching};
use crate::{
    db::{
        self,
        offers::{NewOffer, Offer, OfferChanges},
        DbConnection,
    },
    domain::{OfferId, OfferStatus, Role, UserId},
    error::AppError,
};

/// The owner's offer `id`, or 404 (also for a malformed id or someone else's offer).
pub fn owned(
    conn: &mut DbConnection,
    id: &Option<OfferId>,
    owner: &UserId,
) -> Result<Offer, AppError> {
    let id = id.as_ref().ok_or(AppError::NotFound("not-found-offer"))?;
    db::offers::find_owned(conn, id, owner)?.ok_or(AppError::NotFound("not-found-offer"))
}

/// Stores a new offer with its categories; it looks for open requests at once.
pub fn register(
    conn: &mut DbConnection,
    offer: &NewOffer,
    categories: &[String],
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<(), AppError> {
    let volunteer = super::accounts::acting_as(conn, &offer.volunteer_id, Some(Role::Volunteer))?;
    if volunteer.suspended_at.is_some() {
        return Err(on_hold());
    }
    db::offers::insert(conn, offer, categories)?;
    matching::propose_for_offer(conn, &offer.id, now, policy)?;
    Ok(())
}

/// Changes an offer that is not withdrawn: `changes` makes the new columns and categories
/// from the stored row and its categories (the API merges and validates the patch there). A
/// widened offer (radius, categories, times, capacity) may now serve waiting requests.
pub fn change(
    conn: &mut DbConnection,
    id: &Option<OfferId>,
    owner: &UserId,
    changes: impl FnOnce(&Offer, Vec<String>) -> Result<(OfferChanges, Vec<String>), AppError>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<OfferId, AppError> {
    super::accounts::acting_as(conn, owner, None)?;
    let row = owned(conn, id, owner)?;
    if row.status == OfferStatus::Withdrawn {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-offer-withdrawn"),
            existing_id: None,
        });
    }
    let categories = db::offers::categories_of(conn, &[row.id.to_string()])?
        .remove(row.id.as_str())
        .unwrap_or_default();
    let (changes, categories) = changes(&row, categories)?;
    let id = row.id;
    // Locked before the accepted places are counted: an accept waits, or is counted.
    db::offers::lock(conn, id.as_str())?;
    if let Some(capacity) = changes.capacity {
        let accepted = db::matches::accepted_on(conn, id.as_str())?;
        if i64::from(capacity) < accepted {
            return Err(AppError::conflict(crate::msg!(
                "conflict-capacity-below-accepted",
                accepted = accepted
            )));
        }
    }
    db::offers::update(conn, &id, &changes, &categories)?;
    shed_extra_proposals(conn, &id, now, policy)?;
    matching::propose_for_offer(conn, id.as_str(), now, policy)?;
    Ok(id)
}

/// Moves the owner's offer to `next` if the lifecycle allows it. Pausing (the volunteer is
/// away) and withdrawing send its open proposals to each request's next candidate at once;
/// accepted matches stay, the two people finish or cancel them. Resuming looks for open
/// requests again.
pub fn change_status(
    conn: &mut DbConnection,
    id: &Option<OfferId>,
    owner: &UserId,
    next: OfferStatus,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<OfferId, AppError> {
    super::accounts::acting_as(conn, owner, None)?;
    let row = owned(conn, id, owner)?;
    let status = row.status;
    if !status.can_transition_to(next) {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-offer-transition", status = status.as_str()),
            existing_id: None,
        });
    }
    if row.held && next == OfferStatus::Active {
        return Err(on_hold());
    }
    let id = row.id;
    if !db::offers::transition(conn, &id, status, next, now)? {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-offer-changed"),
            existing_id: None,
        });
    }
    match next {
        OfferStatus::Withdrawn | OfferStatus::Paused => {
            match_lifecycle::withdraw_for_offer(conn, id.as_str(), now, policy)?;
        }
        OfferStatus::Active => {
            matching::propose_for_offer(conn, id.as_str(), now, policy)?;
        }
    }
    Ok(id)
}

/// After the capacity went down: the newest open proposals above it are withdrawn, and each
/// of their requests goes to its next candidate.
fn shed_extra_proposals(
    conn: &mut DbConnection,
    id: &OfferId,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<(), AppError> {
    let Some(offer) = db::offers::offer(conn, id.as_str())? else {
        return Ok(());
    };
    let extra = usize::try_from(offer.0.active_load - offer.0.capacity).unwrap_or(0);
    if extra == 0 {
        return Ok(());
    }
    let mut proposals = db::matches::proposals_of_offer(conn, id.as_str())?;
    proposals.sort_by(|a, b| b.proposed_at.cmp(&a.proposed_at).then(b.id.cmp(&a.id)));
    proposals.truncate(extra);
    match_lifecycle::withdraw_proposals(conn, proposals, now, policy)?;
    Ok(())
}

/// The answer to a suspended volunteer who offers help or resumes a held offer.
fn on_hold() -> AppError {
    AppError::Conflict {
        detail: crate::msg!("conflict-offers-on-hold"),
        existing_id: None,
    }
}
