//! Safeguarding over time: a VOG recorded, corrected or revoked, and a volunteer suspended and
//! reinstated. Only a case worker of a municipality where the volunteer offers help (or an
//! admin) may act, never the volunteer themselves; every step is audited with a reason code.
//!
//! What a step changes for matching happens in the same transaction: proposals that the
//! volunteer may no longer receive are withdrawn and each request goes to its next candidate;
//! accepted matches with a minor stay (the people know each other by then) but the case
//! workers of the request's municipality are told at once (`safeguarding_alert`).

use chrono::{Months, NaiveDate, NaiveDateTime};

use super::{engine_rows::needs_vog, match_lifecycle, matching, notify};
use crate::{
    db::{self, audit::AuditEntry, users::User, DbConnection},
    domain::{MatchStatus, OfferStatus, SuspensionReason, UserId, VogChange, VogRevocationReason},
    error::AppError,
};

/// Who takes a safeguarding step.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A case worker, with their municipality.
    CaseWorker(&'a UserId, &'a str),
    /// An administrator (any municipality).
    Admin(&'a UserId),
}

impl Actor<'_> {
    fn id(&self) -> &UserId {
        match self {
            Actor::CaseWorker(id, _) | Actor::Admin(id) => id,
        }
    }

    fn role(&self) -> &'static str {
        match self {
            Actor::CaseWorker(..) => "case_worker",
            Actor::Admin(_) => "admin",
        }
    }

    /// The audit entry of `action` on `volunteer`, in the actor's municipality (if any).
    fn entry(&self, now: NaiveDateTime, action: &str, volunteer: &UserId) -> AuditEntry {
        let entry = AuditEntry::new(
            now,
            Some(self.id().as_str()),
            self.role(),
            action,
            "user",
            volunteer.as_str(),
        );
        match self {
            Actor::CaseWorker(_, municipality) => entry.in_municipality(municipality),
            Actor::Admin(_) => entry,
        }
    }
}

/// The volunteer `id` as `actor` may act on them: 403 for oneself, 404 for anyone who is not
/// a volunteer with a current offer in the case worker's municipality (to a case worker of
/// another municipality they do not exist).
pub fn volunteer_for(
    conn: &mut DbConnection,
    id: &UserId,
    actor: Actor<'_>,
) -> Result<User, AppError> {
    if id == actor.id() {
        return Err(AppError::Forbidden("forbidden-safeguarding-self"));
    }
    let user = db::users::find(conn, id)?
        .filter(|u| u.is_volunteer && u.erased_at.is_none())
        .ok_or(AppError::NotFound("not-found-volunteer"))?;
    if let Actor::CaseWorker(_, municipality) = actor {
        let offers = db::offers::current_of(conn, id)?;
        if !offers.iter().any(|o| o.municipality_code == municipality) {
            return Err(AppError::NotFound("not-found-volunteer"));
        }
    }
    Ok(user)
}

/// Whether a VOG issued on `issued` is still valid today under `months` of validity.
fn valid_on(issued: NaiveDate, months: i32, today: NaiveDate) -> bool {
    let months = u32::try_from(months).unwrap_or(0);
    today
        .checked_sub_months(Months::new(months))
        .map_or(true, |cutoff| issued >= cutoff)
}

/// Withdraws the volunteer's open proposals for requests that need a VOG which `vog` (the
/// date now on record, if any) no longer covers under the request's municipality's policy.
/// Returns how many were withdrawn.
fn withdraw_uncovered(
    conn: &mut DbConnection,
    volunteer: &UserId,
    vog: Option<NaiveDate>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<usize, AppError> {
    let today = crate::clock::dutch_today(now);
    let mut uncovered = Vec::new();
    for offer in db::offers::current_of(conn, volunteer)? {
        for m in db::matches::proposals_of_offer(conn, &offer.id)? {
            let Some(row) = db::help_requests::request(conn, &m.request_id)? else {
                continue;
            };
            if !needs_vog(&row) {
                continue;
            }
            let months = db::municipality_settings::effective(conn, &row.municipality_code)?
                .vog_max_age_months;
            if !vog.is_some_and(|issued| valid_on(issued, months, today)) {
                uncovered.push(m);
            }
        }
    }
    match_lifecycle::withdraw_proposals(conn, uncovered, now, policy)
}

/// Tells the case workers about each accepted match of `volunteer` with a request that needs
/// a VOG (a minor is involved, or its kind of help), giving `reason`.
fn alert_accepted(
    conn: &mut DbConnection,
    volunteer: &UserId,
    reason: &str,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<usize, AppError> {
    let mut alerted = 0;
    for m in db::matches::of_volunteer_in(conn, volunteer, MatchStatus::Accepted)? {
        let Some(row) = db::help_requests::request(conn, &m.request_id)? else {
            continue;
        };
        if needs_vog(&row) {
            notify::safeguarding_alert(conn, &m, &row, reason, policy.channels, now)?;
            alerted += 1;
        }
    }
    Ok(alerted)
}

/// Records (or re-records) the VOG date of a volunteer; a Dutch date, not in the future.
/// `change` says why a date replaces an earlier one. Returns the volunteer.
pub fn record_vog(
    conn: &mut DbConnection,
    volunteer: &UserId,
    issued_on: NaiveDate,
    change: VogChange,
    actor: Actor<'_>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<User, AppError> {
    let user = volunteer_for(conn, volunteer, actor)?;
    if issued_on > crate::clock::dutch_today(now) {
        return Err(AppError::field(
            crate::domain::FieldError::new("issued_on", crate::msg!("field-vog-in-future"))
                .code(crate::domain::FieldErrorCode::OutOfRange),
        ));
    }
    db::users::record_vog(conn, volunteer, issued_on, actor.id(), now)?;
    let action = match (user.vog_issued_on, change) {
        (Some(_), VogChange::Correction) => "user.vog_corrected",
        _ => "user.vog_recorded",
    };
    let entry = actor
        .entry(now, action, volunteer)
        .with_detail(format!("{issued_on};{change}"));
    db::audit::record(conn, &entry)?;
    // A corrected, older date may no longer cover a proposal made under the earlier one.
    withdraw_uncovered(conn, volunteer, Some(issued_on), now, policy)?;
    // Requests that waited for a volunteer with a VOG are looked at now, not at the next
    // pause and resume or the six-hourly batch.
    for offer in db::offers::current_of(conn, volunteer)?
        .iter()
        .filter(|o| o.status == OfferStatus::Active)
    {
        matching::propose_for_offer(conn, &offer.id, now, policy)?;
    }
    Ok(user)
}

/// What a revocation or suspension changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Effects {
    /// Open proposals withdrawn (each request went to its next candidate).
    pub proposals_withdrawn: usize,
    /// Accepted matches the case workers were told about.
    pub case_workers_alerted: usize,
}

/// Revokes a volunteer's VOG: open proposals that needed it are withdrawn, and the case
/// workers hear of accepted matches that needed it. 409 when none is recorded.
pub fn revoke_vog(
    conn: &mut DbConnection,
    volunteer: &UserId,
    reason: VogRevocationReason,
    actor: Actor<'_>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<Effects, AppError> {
    volunteer_for(conn, volunteer, actor)?;
    if !db::users::revoke_vog(conn, volunteer, now)? {
        return Err(AppError::conflict(crate::msg!("conflict-no-vog")));
    }
    db::audit::record(
        conn,
        &actor
            .entry(now, "user.vog_revoked", volunteer)
            .with_detail(reason.as_str()),
    )?;
    Ok(Effects {
        proposals_withdrawn: withdraw_uncovered(conn, volunteer, None, now, policy)?,
        case_workers_alerted: alert_accepted(conn, volunteer, "vog_revoked", now, policy)?,
    })
}

/// Suspends a volunteer: their active offers are held (paused until the suspension is
/// lifted), their open proposals withdrawn, and the case workers hear of accepted matches
/// with a minor. 409 when already suspended.
pub fn suspend(
    conn: &mut DbConnection,
    volunteer: &UserId,
    reason: SuspensionReason,
    actor: Actor<'_>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<Effects, AppError> {
    volunteer_for(conn, volunteer, actor)?;
    if !db::users::suspend(conn, volunteer, reason, now)? {
        return Err(AppError::conflict(crate::msg!(
            "conflict-already-suspended"
        )));
    }
    db::audit::record(
        conn,
        &actor
            .entry(now, "user.suspended", volunteer)
            .with_detail(reason.as_str()),
    )?;
    let mut withdrawn = 0;
    for offer in db::offers::current_of(conn, volunteer)? {
        // A paused offer keeps no proposals; an active one is held and hands its proposals on.
        if db::users::hold_offer(conn, &offer.id, now)? {
            withdrawn += match_lifecycle::withdraw_for_offer(conn, &offer.id, now, policy)?;
        }
    }
    Ok(Effects {
        proposals_withdrawn: withdrawn,
        case_workers_alerted: alert_accepted(conn, volunteer, "suspended", now, policy)?,
    })
}

/// Lifts a suspension: the held offers are active again and look for waiting requests.
/// Returns how many offers came back. 409 when the volunteer is not suspended.
pub fn lift_suspension(
    conn: &mut DbConnection,
    volunteer: &UserId,
    actor: Actor<'_>,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<usize, AppError> {
    volunteer_for(conn, volunteer, actor)?;
    if !db::users::lift_suspension(conn, volunteer, now)? {
        return Err(AppError::conflict(crate::msg!("conflict-not-suspended")));
    }
    db::audit::record(conn, &actor.entry(now, "user.suspension_lifted", volunteer))?;
    let released = db::users::release_held_offers(conn, volunteer, now)?;
    for offer in &released {
        matching::propose_for_offer(conn, offer, now, policy)?;
    }
    Ok(released.len())
}

#[cfg(test)]
mod tests {
    use super::valid_on;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    #[test]
    fn a_vog_is_valid_up_to_and_including_its_last_day() {
        let today = date(2026, 12, 4);
        assert!(valid_on(date(2025, 12, 4), 12, today));
        assert!(!valid_on(date(2025, 12, 3), 12, today));
        assert!(valid_on(date(2024, 12, 4), 24, today));
        assert!(!valid_on(date(2026, 1, 1), 0, date(2026, 1, 2)));
    }
}
