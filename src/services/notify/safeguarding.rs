//! The case workers of a request's municipality hear at once when the volunteer of an
//! accepted match that needs a VOG lost it or was suspended.

use chrono::NaiveDateTime;
use serde_json::json;

use super::{write, Channels, Draft};
use crate::{
    db::{self, help_requests::RequestRow, matches::Match, DbConnection},
    domain::{NotificationKind, RecipientRole},
    error::AppError,
};

/// `reason`: `vog_revoked` or `suspended`. One notification per case worker, and one to the
/// municipality that carries its webhooks.
pub fn safeguarding_alert(
    conn: &mut DbConnection,
    m: &Match,
    row: &RequestRow,
    reason: &str,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let workers = db::users::case_workers_of(conn, &row.municipality_code)?;
    let data = json!({ "category": row.category, "reason": reason });
    let draft = |to, role, webhooks| Draft {
        kind: NotificationKind::SafeguardingAlert,
        to,
        role,
        municipality: &row.municipality_code,
        request: Some(&row.id),
        m: Some(m),
        case: None,
        data: data.clone(),
        dedupe: None,
        webhooks,
    };
    let mut drafts = vec![draft(None, RecipientRole::Municipality, true)];
    for w in &workers {
        drafts.push(draft(Some(w), RecipientRole::CaseWorker, false));
    }
    write(conn, drafts, channels, now).map(drop)
}
