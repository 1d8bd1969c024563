//! The transactional outbox (docs/ARCHITECTURE.md §9): every change that concerns a person
//! writes its notifications in the caller's transaction, so a change that rolls back leaves
//! none and a committed change never lacks one. Each notification gets a delivery per channel
//! the person chose (e-mail now, or the daily digest) and, for the municipality's own systems,
//! one per webhook; the dispatcher (`services::dispatch`) sends them after commit.
//!
//! Rows hold ids, codes, times and numbers only: names, titles and contact details are read
//! when a notification is shown or sent, under the rules of that moment.

mod account_tokens;
mod cases;
mod matches;
pub mod reminders;
pub mod render;
mod safeguarding;

pub use account_tokens::*;
pub use cases::*;
pub use matches::*;
pub use safeguarding::*;

use chrono::{Duration, NaiveDateTime, TimeZone};
use serde_json::Value;

use crate::{
    db::{
        self, cases::Case, deliveries::Delivery, matches::Match, notifications::Notification,
        DbConnection,
    },
    domain::{ids::new_key, Channel, HelpRequestId, NotificationKind, RecipientRole, UserId},
    error::AppError,
};

/// Which channels exist besides the feed (from the settings; e-mail needs an SMTP server).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Channels {
    /// E-mail is configured.
    pub email: bool,
}

/// Who called off or completed a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The resident.
    Resident,
    /// The volunteer.
    Volunteer,
    /// The service or a case worker.
    Staff,
}

impl By {
    fn code(self) -> &'static str {
        match self {
            By::Resident => "resident",
            By::Volunteer => "volunteer",
            By::Staff => "staff",
        }
    }
}

/// One notification to write: what, to whom, about what.
pub(super) struct Draft<'a> {
    pub(super) kind: NotificationKind,
    pub(super) to: Option<&'a UserId>,
    pub(super) role: RecipientRole,
    pub(super) municipality: &'a str,
    pub(super) request: Option<&'a HelpRequestId>,
    pub(super) m: Option<&'a Match>,
    pub(super) case: Option<&'a Case>,
    pub(super) data: Value,
    pub(super) dedupe: Option<String>,
    pub(super) webhooks: bool,
}

/// Writes the notifications of one change (one event id) and their deliveries. Returns how
/// many notifications were written (a draft whose dedupe key exists is skipped).
pub(super) fn write(
    conn: &mut DbConnection,
    drafts: Vec<Draft<'_>>,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let event = new_key();
    let mut written = 0;
    // The drafts of one change share their municipality: its webhooks are read once.
    let mut hooks: Option<(String, Vec<String>)> = None;
    for d in drafts {
        let n = Notification {
            id: new_key(),
            event_id: event.clone(),
            kind: d.kind,
            recipient_id: d.to.cloned(),
            recipient_role: d.role,
            municipality_code: d.municipality.to_owned(),
            request_id: d.request.cloned(),
            match_id: d.m.map(|m| m.id.clone()),
            case_id: d.case.map(|c| c.id.clone()),
            data: d.data.to_string(),
            dedupe_key: d.dedupe,
            created_at: now,
            read_at: None,
        };
        if !db::notifications::insert(conn, &n)? {
            continue;
        }
        written += 1;
        let mut out = Vec::new();
        if let (Some(to), true) = (d.to, channels.email) {
            if let Some(user) = db::users::find(conn, to)? {
                // A link the person asked for goes at once, whatever their preferences.
                if d.kind.email_only() {
                    out.push(Delivery::new(&n.id, Channel::Email, to, now, now));
                } else if user.email_notifications && user.email_digest {
                    out.push(Delivery::new(
                        &n.id,
                        Channel::Digest,
                        to,
                        next_digest(now),
                        now,
                    ));
                } else if user.email_notifications {
                    out.push(Delivery::new(&n.id, Channel::Email, to, now, now));
                }
            }
        }
        if d.webhooks {
            if !matches!(&hooks, Some((m, _)) if m == d.municipality) {
                let ids = db::webhooks::of_municipality(conn, d.municipality)?
                    .into_iter()
                    .map(|h| h.id)
                    .collect();
                hooks = Some((d.municipality.to_owned(), ids));
            }
            for hook in hooks.iter().flat_map(|(_, ids)| ids) {
                out.push(Delivery::new(&n.id, Channel::Webhook, hook, now, now));
            }
        }
        db::deliveries::insert(conn, &out)?;
    }
    Ok(written)
}

/// The time of the next daily digest: 07:00 in the Netherlands, after `now`.
pub fn next_digest(now: NaiveDateTime) -> NaiveDateTime {
    let tz = chrono_tz::Europe::Amsterdam;
    let local = tz.from_utc_datetime(&now);
    let mut day = local.date_naive();
    loop {
        let at = day.and_hms_opt(7, 0, 0).expect("07:00 exists");
        if let Some(t) = tz.from_local_datetime(&at).earliest() {
            let t = t.naive_utc();
            if t > now {
                return t;
            }
        }
        day = day.succ_opt().expect("a next day");
    }
}

/// How long before its deadline a volunteer is reminded of a proposal.
pub const REMINDER_BEFORE: Duration = Duration::hours(12);
/// After how many days an open request's resident is asked whether they still need help.
pub const STILL_NEED_HELP_DAYS: i64 = 7;
/// How many days before a VOG's validity ends its volunteer is told.
pub const VOG_NOTICE_DAYS: i64 = 30;
