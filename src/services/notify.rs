//! The transactional outbox (docs/ARCHITECTURE.md §9): every change that concerns a person
//! writes its notifications in the caller's transaction, so a change that rolls back leaves
//! none and a committed change never lacks one. Each notification gets a delivery per channel
//! the person chose (e-mail now, or the daily digest) and, for the municipality's own systems,
//! one per webhook; the dispatcher (`services::dispatch`) sends them after commit.
//!
//! Rows hold ids, codes, times and numbers only: names, titles and contact details are read
//! when a notification is shown or sent, under the rules of that moment.

pub mod reminders;
pub mod render;

use chrono::{Duration, NaiveDateTime, TimeZone};
use serde_json::{json, Value};

use crate::{
    db::{
        self, cases::Case, deliveries::Delivery, matches::Match, notifications::Notification,
        DbConnection,
    },
    domain::{
        ids::new_key, Channel, EscalationReason, HelpRequestId, NotificationKind, RecipientRole,
        UserId,
    },
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
struct Draft<'a> {
    kind: NotificationKind,
    to: Option<&'a UserId>,
    role: RecipientRole,
    municipality: &'a str,
    request: Option<&'a HelpRequestId>,
    m: Option<&'a Match>,
    case: Option<&'a Case>,
    data: Value,
    dedupe: Option<String>,
    webhooks: bool,
}

/// Writes the notifications of one change (one event id) and their deliveries. Returns how
/// many notifications were written (a draft whose dedupe key exists is skipped).
fn write(
    conn: &mut DbConnection,
    drafts: Vec<Draft<'_>>,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let event = new_key();
    let mut written = 0;
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
                if user.email_notifications && user.email_digest {
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
            for hook in db::webhooks::of_municipality(conn, d.municipality)? {
                out.push(Delivery::new(&n.id, Channel::Webhook, &hook.id, now, now));
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

fn resident_of(
    conn: &mut DbConnection,
    request: &HelpRequestId,
) -> Result<Option<UserId>, AppError> {
    Ok(db::help_requests::request(conn, request)?.and_then(|r| r.requester_id))
}

fn about(conn: &mut DbConnection, m: &Match) -> Result<(String, Value, Option<UserId>), AppError> {
    let row = db::help_requests::request(conn, &m.request_id)?
        .ok_or(AppError::NotFound("help request"))?;
    Ok((
        row.municipality_code,
        json!({ "category": row.category }),
        row.requester_id,
    ))
}

fn with(mut data: Value, extra: Value) -> Value {
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        d.extend(e.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    data
}

fn to_person<'a>(
    kind: NotificationKind,
    to: &'a UserId,
    role: RecipientRole,
    municipality: &'a str,
    m: &'a Match,
    data: Value,
) -> Draft<'a> {
    Draft {
        kind,
        to: Some(to),
        role,
        municipality,
        request: Some(&m.request_id),
        m: Some(m),
        case: None,
        data,
        dedupe: None,
        webhooks: true,
    }
}

/// A volunteer was proposed a request (incremental matching or the batch).
pub fn proposal_made(
    conn: &mut DbConnection,
    m: &Match,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(volunteer) = &m.volunteer_id else {
        return Ok(());
    };
    let (municipality, data) = about(conn, m).map(|(mu, d, _)| (mu, d))?;
    let data = with(data, json!({ "expires_at": m.expires_at.and_utc() }));
    let draft = to_person(
        NotificationKind::ProposalMade,
        volunteer,
        RecipientRole::Volunteer,
        &municipality,
        m,
        data,
    );
    write(conn, vec![draft], channels, now).map(drop)
}

/// A case worker linked a volunteer to a request: both are told.
pub fn match_assigned(
    conn: &mut DbConnection,
    m: &Match,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (municipality, data, resident) = about(conn, m)?;
    let mut drafts = Vec::new();
    if let Some(v) = &m.volunteer_id {
        drafts.push(to_person(
            NotificationKind::MatchAssigned,
            v,
            RecipientRole::Volunteer,
            &municipality,
            m,
            data.clone(),
        ));
    }
    if let Some(r) = &resident {
        drafts.push(to_person(
            NotificationKind::ProposalAccepted,
            r,
            RecipientRole::Resident,
            &municipality,
            m,
            data,
        ));
    }
    write(conn, drafts, channels, now).map(drop)
}

/// The volunteer answered a proposal (`accepted` or `declined`): the resident is told.
pub fn proposal_answered(
    conn: &mut DbConnection,
    m: &Match,
    accepted: bool,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (municipality, data, resident) = about(conn, m)?;
    let Some(resident) = &resident else {
        return Ok(());
    };
    let kind = if accepted {
        NotificationKind::ProposalAccepted
    } else {
        NotificationKind::ProposalDeclined
    };
    let draft = to_person(
        kind,
        resident,
        RecipientRole::Resident,
        &municipality,
        m,
        data,
    );
    write(conn, vec![draft], channels, now).map(drop)
}

/// A proposal lapsed unanswered: the resident and the volunteer are told.
pub fn proposal_expired(
    conn: &mut DbConnection,
    m: &Match,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (municipality, data, resident) = about(conn, m)?;
    let mut drafts = Vec::new();
    if let Some(r) = &resident {
        drafts.push(to_person(
            NotificationKind::ProposalExpired,
            r,
            RecipientRole::Resident,
            &municipality,
            m,
            data.clone(),
        ));
    }
    if let Some(v) = &m.volunteer_id {
        drafts.push(to_person(
            NotificationKind::ProposalLapsed,
            v,
            RecipientRole::Volunteer,
            &municipality,
            m,
            data,
        ));
    }
    write(conn, drafts, channels, now).map(drop)
}

/// An accepted match was called off by `by`: the other side is told.
pub fn match_cancelled(
    conn: &mut DbConnection,
    m: &Match,
    by: By,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (municipality, data, resident) = about(conn, m)?;
    let data = with(data, json!({ "by": by.code() }));
    let mut drafts = Vec::new();
    if let (Some(r), false) = (&resident, by == By::Resident) {
        drafts.push(to_person(
            NotificationKind::MatchCancelled,
            r,
            RecipientRole::Resident,
            &municipality,
            m,
            data.clone(),
        ));
    }
    if let (Some(v), false) = (&m.volunteer_id, by == By::Volunteer) {
        drafts.push(to_person(
            NotificationKind::MatchCancelled,
            v,
            RecipientRole::Volunteer,
            &municipality,
            m,
            data,
        ));
    }
    write(conn, drafts, channels, now).map(drop)
}

/// A match was marked done: both sides are thanked.
pub fn match_completed(
    conn: &mut DbConnection,
    m: &Match,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (municipality, data, resident) = about(conn, m)?;
    let mut drafts = Vec::new();
    if let Some(r) = &resident {
        drafts.push(to_person(
            NotificationKind::MatchCompleted,
            r,
            RecipientRole::Resident,
            &municipality,
            m,
            data.clone(),
        ));
    }
    if let Some(v) = &m.volunteer_id {
        drafts.push(to_person(
            NotificationKind::MatchCompleted,
            v,
            RecipientRole::Volunteer,
            &municipality,
            m,
            data,
        ));
    }
    write(conn, drafts, channels, now).map(drop)
}

/// The volunteer is reminded of a proposal that lapses soon (once per proposal).
pub fn proposal_reminder(
    conn: &mut DbConnection,
    m: &Match,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(volunteer) = &m.volunteer_id else {
        return Ok(false);
    };
    let (municipality, data) = about(conn, m).map(|(mu, d, _)| (mu, d))?;
    let data = with(data, json!({ "expires_at": m.expires_at.and_utc() }));
    let mut draft = to_person(
        NotificationKind::ProposalReminder,
        volunteer,
        RecipientRole::Volunteer,
        &municipality,
        m,
        data,
    );
    draft.dedupe = Some(format!("proposal_reminder:{}", m.id));
    Ok(write(conn, vec![draft], channels, now)? == 1)
}

/// The resident of a request open for `days` is asked whether they still need help (once
/// per request).
pub fn still_need_help(
    conn: &mut DbConnection,
    request: &HelpRequestId,
    days: i64,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(row) = db::help_requests::request(conn, request)? else {
        return Ok(false);
    };
    let Some(resident) = &row.requester_id else {
        return Ok(false);
    };
    let draft = Draft {
        kind: NotificationKind::StillNeedHelp,
        to: Some(resident),
        role: RecipientRole::Resident,
        municipality: &row.municipality_code,
        request: Some(request),
        m: None,
        case: None,
        data: json!({ "category": row.category, "days_open": days }),
        dedupe: Some(format!("still_need_help:{request}")),
        webhooks: true,
    };
    Ok(write(conn, vec![draft], channels, now)? == 1)
}

fn case_data(conn: &mut DbConnection, case: &Case, now: NaiveDateTime) -> Result<Value, AppError> {
    let row = db::help_requests::request(conn, &case.request_id)?
        .ok_or(AppError::NotFound("help request"))?;
    Ok(json!({
        "category": row.category,
        "urgency": row.urgency,
        "case_number": case.id,
        "waiting_days": (now - case.opened_at).num_days(),
    }))
}

/// Drafts of a case notification to every case worker of its municipality (their feed and
/// e-mail), plus one to the municipality itself that carries the webhooks.
fn to_case_workers<'a>(
    workers: &'a [UserId],
    kind: NotificationKind,
    case: &'a Case,
    data: &Value,
    dedupe: Option<String>,
) -> Vec<Draft<'a>> {
    let draft = |to: Option<&'a UserId>, role, dedupe: Option<String>, webhooks| Draft {
        kind,
        to,
        role,
        municipality: &case.municipality_code,
        request: Some(&case.request_id),
        m: None,
        case: Some(case),
        data: data.clone(),
        dedupe,
        webhooks,
    };
    let mut drafts = vec![draft(
        None,
        RecipientRole::Municipality,
        dedupe.clone(),
        true,
    )];
    for w in workers {
        let key = dedupe.as_ref().map(|k| format!("{k}:{w}"));
        drafts.push(draft(Some(w), RecipientRole::CaseWorker, key, false));
    }
    drafts
}

/// A request escalated: the resident hears what happens now, the case workers of the
/// municipality that a case arrived.
pub fn escalated(
    conn: &mut DbConnection,
    case: &Case,
    reason: EscalationReason,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let data = case_data(conn, case, now)?;
    let workers = db::users::case_workers_of(conn, &case.municipality_code)?;
    let mut drafts = to_case_workers(&workers, NotificationKind::CaseOpened, case, &data, None);
    let resident = resident_of(conn, &case.request_id)?;
    if let Some(r) = &resident {
        drafts.push(Draft {
            kind: NotificationKind::RequestEscalated,
            to: Some(r),
            role: RecipientRole::Resident,
            municipality: &case.municipality_code,
            request: Some(&case.request_id),
            m: None,
            case: Some(case),
            data: json!({ "category": data["category"], "reason": reason }),
            dedupe: None,
            webhooks: true,
        });
    }
    write(conn, drafts, channels, now).map(drop)
}

/// An unclaimed case waits longer than its municipality allows (once per case).
pub fn case_waiting(
    conn: &mut DbConnection,
    case: &Case,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let data = case_data(conn, case, now)?;
    let workers = db::users::case_workers_of(conn, &case.municipality_code)?;
    let key = Some(format!("case_waiting:{}", case.id));
    let drafts = to_case_workers(&workers, NotificationKind::CaseWaiting, case, &data, key);
    Ok(write(conn, drafts, channels, now)? > 0)
}

/// A case was decided: the resident is told in their words (a referral to formal care, back
/// to the volunteers, or closed). An assigned volunteer is told by [`match_assigned`].
pub fn case_resolved(
    conn: &mut DbConnection,
    case: &Case,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    use crate::domain::CaseOutcome;
    let outcome = match case.outcome {
        Some(CaseOutcome::ReferredFormal) => "referred",
        Some(CaseOutcome::ReturnedToMarketplace) => "returned",
        Some(CaseOutcome::Closed) => "closed",
        Some(CaseOutcome::AssignedVolunteer) | None => return Ok(()),
    };
    let Some(row) = db::help_requests::request(conn, &case.request_id)? else {
        return Ok(());
    };
    let Some(resident) = &row.requester_id else {
        return Ok(());
    };
    let formal = case
        .outcome_detail
        .as_deref()
        .filter(|_| outcome == "referred");
    let draft = Draft {
        kind: NotificationKind::CaseResolved,
        to: Some(resident),
        role: RecipientRole::Resident,
        municipality: &case.municipality_code,
        request: Some(&case.request_id),
        m: None,
        case: Some(case),
        data: json!({ "category": row.category, "outcome": outcome, "formal": formal }),
        dedupe: None,
        webhooks: true,
    };
    write(conn, vec![draft], channels, now).map(drop)
}

/// A volunteer's VOG reaches the end of its validity on `expires_on` (once per VOG).
pub fn vog_expiring(
    conn: &mut DbConnection,
    volunteer: &UserId,
    municipality: &str,
    issued_on: chrono::NaiveDate,
    expires_on: chrono::NaiveDate,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let draft = Draft {
        kind: NotificationKind::VogExpiring,
        to: Some(volunteer),
        role: RecipientRole::Volunteer,
        municipality,
        request: None,
        m: None,
        case: None,
        data: json!({ "expires_on": expires_on }),
        dedupe: Some(format!("vog_expiring:{volunteer}:{issued_on}")),
        webhooks: false,
    };
    Ok(write(conn, vec![draft], channels, now)? == 1)
}

/// How long before its deadline a volunteer is reminded of a proposal.
pub const REMINDER_BEFORE: Duration = Duration::hours(12);
/// After how many days an open request's resident is asked whether they still need help.
pub const STILL_NEED_HELP_DAYS: i64 = 7;
/// How many days before a VOG's validity ends its volunteer is told.
pub const VOG_NOTICE_DAYS: i64 = 30;
