//! The notifications nobody's action causes, made by the sweeper: a proposal that lapses
//! soon, a request that has waited a week, a case nobody claimed in time, a VOG near the end
//! of its validity. Candidates are read once; each is written in bounded write steps, and a
//! dedupe key makes each reminder once, however often the sweeper runs.

use chrono::{Duration, Months, NaiveDateTime};

use super::{Channels, REMINDER_BEFORE, STILL_NEED_HELP_DAYS, VOG_NOTICE_DAYS};
use crate::{
    db::{self, municipality_settings::MunicipalitySettings, Pool},
    error::AppError,
};

/// Reminders written per write transaction.
pub const STEP: usize = 64;

/// What one round of reminders wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderReport {
    /// Volunteers reminded of a proposal.
    pub proposals: usize,
    /// Residents asked whether they still need help.
    pub still_need_help: usize,
    /// Cases whose case workers were reminded.
    pub cases: usize,
    /// Volunteers told their VOG ends soon.
    pub vogs: usize,
}

/// Writes the reminders due at `now`.
pub async fn remind(
    pool: &Pool,
    now: NaiveDateTime,
    channels: Channels,
) -> Result<ReminderReport, AppError> {
    let mut report = ReminderReport::default();

    let soon = db::run(pool, move |conn| {
        Ok(db::matches::expiring_between(
            conn,
            now,
            now + REMINDER_BEFORE,
        )?)
    })
    .await?;
    for chunk in soon.chunks(STEP) {
        let chunk = chunk.to_vec();
        report.proposals += db::transaction(pool, move |conn| {
            let mut n = 0;
            for m in &chunk {
                n += usize::from(super::proposal_reminder(conn, m, channels, now)?);
            }
            Ok(n)
        })
        .await?;
    }

    let cutoff = now - Duration::days(STILL_NEED_HELP_DAYS);
    let waiting = db::run(pool, move |conn| {
        Ok(db::help_requests::waiting_since(conn, cutoff)?)
    })
    .await?;
    for chunk in waiting.chunks(STEP) {
        let chunk = chunk.to_vec();
        report.still_need_help += db::transaction(pool, move |conn| {
            let mut n = 0;
            for (request, posted) in &chunk {
                let days = (now - *posted).num_days();
                n += usize::from(super::still_need_help(conn, request, days, channels, now)?);
            }
            Ok(n)
        })
        .await?;
    }

    let (cases, settings) = db::run(pool, |conn| {
        Ok((
            db::cases::unclaimed(conn)?,
            db::municipality_settings::all(conn)?,
        ))
    })
    .await?;
    let alert_hours = |code: &str| {
        settings
            .iter()
            .find(|s| s.municipality_code == code)
            .map_or(MunicipalitySettings::DEFAULT_CASE_ALERT_HOURS, |s| {
                s.case_alert_hours
            })
    };
    let overdue: Vec<_> = cases
        .into_iter()
        .filter(|c| {
            now - c.opened_at >= Duration::hours(i64::from(alert_hours(&c.municipality_code)))
        })
        .collect();
    for chunk in overdue.chunks(STEP) {
        let chunk = chunk.to_vec();
        report.cases += db::transaction(pool, move |conn| {
            let mut n = 0;
            for case in &chunk {
                n += usize::from(super::case_waiting(conn, case, channels, now)?);
            }
            Ok(n)
        })
        .await?;
    }

    let holders = db::run(pool, |conn| Ok(db::users::vog_holders(conn)?)).await?;
    let today = crate::clock::dutch_today(now);
    let max_age = |code: Option<&str>| {
        code.and_then(|c| settings.iter().find(|s| s.municipality_code == c))
            .map_or(MunicipalitySettings::DEFAULT_VOG_MAX_AGE_MONTHS, |s| {
                s.vog_max_age_months
            })
    };
    let ending: Vec<_> = holders
        .into_iter()
        .filter_map(|(user, municipality, issued)| {
            let months = u32::try_from(max_age(municipality.as_deref())).ok()?;
            let ends = issued.checked_add_months(Months::new(months))?;
            let notice = ends - Duration::days(VOG_NOTICE_DAYS);
            (notice <= today && today < ends).then_some((user, municipality, issued, ends))
        })
        .collect();
    for chunk in ending.chunks(STEP) {
        let chunk = chunk.to_vec();
        report.vogs += db::transaction(pool, move |conn| {
            let mut n = 0;
            for (user, municipality, issued, ends) in &chunk {
                let code = municipality.as_deref().unwrap_or("");
                n += usize::from(super::vog_expiring(
                    conn, user, code, *issued, *ends, channels, now,
                )?);
            }
            Ok(n)
        })
        .await?;
    }
    Ok(report)
}
