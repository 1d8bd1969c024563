//! The notifications of the match lifecycle: proposals made, answered, lapsed and reminded,
//! matches called off, completed and assigned by a case worker.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use super::{write, By, Channels, Draft};
use crate::{
    db::{self, help_requests::RequestRow, matches::Match, DbConnection},
    domain::{HelpRequestId, NotificationKind, RecipientRole, RecorderRole, UserId},
    error::AppError,
};

pub(super) fn resident_of(
    conn: &mut DbConnection,
    request: &HelpRequestId,
) -> Result<Option<UserId>, AppError> {
    Ok(db::help_requests::request(conn, request)?.and_then(|r| r.requester_id))
}

/// Who hears how a request's proposals and matches go on the resident's side.
enum Told {
    /// The resident (or carer) whose request it is.
    Resident(UserId),
    /// The case worker who recorded it for a resident without an account: they pass it on.
    Recorder(UserId),
}

fn about(conn: &mut DbConnection, m: &Match) -> Result<(String, Value, Option<Told>), AppError> {
    let row = db::help_requests::request(conn, &m.request_id)?
        .ok_or(AppError::NotFound("not-found-help-request"))?;
    let told = match row.requester_id {
        Some(resident) => Some(Told::Resident(resident)),
        None => db::people::of_request(conn, &m.request_id)?
            .filter(|(rep, person)| {
                rep.recorder_role == RecorderRole::CaseWorker && person.erased_at.is_none()
            })
            .and_then(|(rep, _)| rep.recorded_by)
            .map(Told::Recorder),
    };
    Ok((
        row.municipality_code,
        json!({ "category": row.category }),
        told,
    ))
}

/// The resident's message `kind`, or for a recorded request the recorder's update `event`.
fn to_resident_side<'a>(
    told: &'a Told,
    (kind, event): (NotificationKind, &str),
    municipality: &'a str,
    m: &'a Match,
    data: Value,
) -> Draft<'a> {
    match told {
        Told::Resident(r) => to_person(kind, r, RecipientRole::Resident, municipality, m, data),
        // Meant for one case worker, as a handover is: not for the municipality's webhooks.
        Told::Recorder(w) => Draft {
            webhooks: false,
            ..to_person(
                NotificationKind::RecordedRequestUpdate,
                w,
                RecipientRole::CaseWorker,
                municipality,
                m,
                with(data, json!({ "event": event })),
            )
        },
    }
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

/// A volunteer was proposed `request` (incremental matching or the batch). The caller has
/// the request's row at hand, so nothing is read again on this hot path.
pub fn proposal_made(
    conn: &mut DbConnection,
    m: &Match,
    request: &RequestRow,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(volunteer) = &m.volunteer_id else {
        return Ok(());
    };
    let data = json!({ "category": request.category, "expires_at": m.expires_at.and_utc() });
    let draft = to_person(
        NotificationKind::ProposalMade,
        volunteer,
        RecipientRole::Volunteer,
        &request.municipality_code,
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
    let (municipality, data, told) = about(conn, m)?;
    // The case worker who assigned knows; a recorded request's recorder is not told again.
    let resident = match told {
        Some(Told::Resident(r)) => Some(r),
        _ => None,
    };
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
    let (municipality, data, told) = about(conn, m)?;
    let Some(told) = &told else {
        return Ok(());
    };
    let kind = if accepted {
        (NotificationKind::ProposalAccepted, "accepted")
    } else {
        (NotificationKind::ProposalDeclined, "declined")
    };
    let draft = to_resident_side(told, kind, &municipality, m, data);
    write(conn, vec![draft], channels, now).map(drop)
}

/// A proposal lapsed unanswered: the resident and the volunteer are told.
pub fn proposal_expired(
    conn: &mut DbConnection,
    m: &Match,
    channels: Channels,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (municipality, data, told) = about(conn, m)?;
    let mut drafts = Vec::new();
    if let Some(told) = &told {
        let kind = (NotificationKind::ProposalExpired, "expired");
        drafts.push(to_resident_side(told, kind, &municipality, m, data.clone()));
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
    let (municipality, data, told) = about(conn, m)?;
    let data = with(data, json!({ "by": by.code() }));
    let mut drafts = Vec::new();
    if let (Some(told), false) = (&told, by == By::Resident) {
        let kind = (NotificationKind::MatchCancelled, "cancelled");
        drafts.push(to_resident_side(told, kind, &municipality, m, data.clone()));
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
    let (municipality, data, told) = about(conn, m)?;
    let mut drafts = Vec::new();
    if let Some(told) = &told {
        let kind = (NotificationKind::MatchCompleted, "completed");
        drafts.push(to_resident_side(told, kind, &municipality, m, data.clone()));
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
