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
    domain::{OfferId, OfferStatus, UserId},
    error::AppError,
};

/// The owner's offer `id`, or 404 (also for a malformed id or someone else's offer).
pub fn owned(
    conn: &mut DbConnection,
    id: &Option<OfferId>,
    owner: &UserId,
) -> Result<Offer, AppError> {
    let id = id.as_ref().ok_or(AppError::NotFound("offer"))?;
    db::offers::find_owned(conn, id, owner)?.ok_or(AppError::NotFound("offer"))
}

/// Stores a new offer with its categories; it looks for open requests at once.
pub fn register(
    conn: &mut DbConnection,
    offer: &NewOffer,
    categories: &[String],
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<(), AppError> {
    if db::users::find(conn, &offer.volunteer_id)?.is_some_and(|u| u.suspended_at.is_some()) {
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
    let row = owned(conn, id, owner)?;
    if row.status == OfferStatus::Withdrawn {
        return Err(AppError::Conflict {
            detail: "a withdrawn offer cannot be changed".into(),
            existing_id: None,
        });
    }
    let categories = db::offers::categories_of(conn, &[row.id.to_string()])?
        .remove(row.id.as_str())
        .unwrap_or_default();
    let (changes, categories) = changes(&row, categories)?;
    let id = row.id;
    db::offers::update(conn, &id, &changes, &categories)?;
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
    let row = owned(conn, id, owner)?;
    let status = row.status;
    if !status.can_transition_to(next) {
        return Err(AppError::Conflict {
            detail: format!("an offer that is {status} cannot become {next}"),
            existing_id: None,
        });
    }
    if row.held && next == OfferStatus::Active {
        return Err(on_hold());
    }
    let id = row.id;
    if !db::offers::transition(conn, &id, status, next, now)? {
        return Err(AppError::Conflict {
            detail: "the offer changed meanwhile; reload it".into(),
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

/// The answer to a suspended volunteer who offers help or resumes a held offer.
fn on_hold() -> AppError {
    AppError::Conflict {
        detail: "your offers are on hold while the municipality looks into a report; \
                 please contact the municipality"
            .into(),
        existing_id: None,
    }
}
