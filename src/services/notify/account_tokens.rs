//! The e-mail-only notifications that carry an account token: a password reset link and an
//! e-mail verification link. They are written through the outbox like every other message
//! (so a rolled-back change sends none), but never reach the feed, a digest or a webhook.

use chrono::NaiveDateTime;
use serde_json::json;

use super::{write, Channels, Draft};
use crate::{
    db::{self, users::User, DbConnection},
    domain::{AccountTokenPurpose, RecipientRole},
    error::AppError,
};

/// Writes the message that carries `token` for `purpose` to `owner`. An earlier message of
/// the same purpose goes (its token was just replaced, so its link no longer works).
pub fn account_token(
    conn: &mut DbConnection,
    owner: &User,
    purpose: AccountTokenPurpose,
    token: &str,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let kind = purpose.notification_kind();
    db::notifications::delete_of_kind(conn, &owner.id, kind)?;
    let role = if owner.is_case_worker || owner.is_admin {
        RecipientRole::CaseWorker
    } else if owner.is_volunteer && !owner.is_resident {
        RecipientRole::Volunteer
    } else {
        RecipientRole::Resident
    };
    let draft = Draft {
        kind,
        to: Some(&owner.id),
        role,
        municipality: owner.municipality_code.as_deref().unwrap_or(""),
        request: None,
        m: None,
        case: None,
        data: json!({ "token": token }),
        dedupe: None,
        webhooks: false,
    };
    write(conn, vec![draft], channels, now).map(drop)
}

/// The token of `purpose` was used: its message, sent or not, is of no further use.
pub fn account_token_used(
    conn: &mut DbConnection,
    owner: &crate::domain::UserId,
    purpose: AccountTokenPurpose,
) -> Result<(), AppError> {
    db::notifications::delete_of_kind(conn, owner, purpose.notification_kind())?;
    Ok(())
}
