//! Per-municipality policy: escalation grace periods, VOG validity, retention, case alerts
//! and the daily proposal cap. A
//! municipality without a row uses [`MunicipalitySettings::defaults`].

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{schema::municipality_settings, DbConnection};
use crate::domain::{Urgency, UserId};

/// One municipality's settings.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = municipality_settings)]
pub struct MunicipalitySettings {
    /// CBS code.
    pub municipality_code: String,
    /// Hours an open request of normal or low urgency waits before it escalates.
    pub grace_hours_normal: i32,
    /// Hours an open request of high urgency waits before it escalates.
    pub grace_hours_high: i32,
    /// Months a VOG stays valid.
    pub vog_max_age_months: i32,
    /// Months after which finished requests are anonymised.
    pub retention_months: i32,
    /// Last changed at (the epoch for defaults never stored).
    pub updated_at: NaiveDateTime,
    /// The admin who changed them last.
    pub updated_by: Option<UserId>,
    /// Hours an unclaimed case may wait before its case workers are reminded of it.
    pub case_alert_hours: i32,
    /// Whether a request's title may appear in e-mails and webhooks (never the description).
    pub details_in_notifications: bool,
    /// New proposals per volunteer per day for offers here; `None`: the service's setting.
    pub daily_proposal_cap: Option<i32>,
    /// Whether the municipality is the fallback for requests here (its case workers review
    /// what the marketplace cannot serve); `None`: while it has an active case worker.
    pub participating: Option<bool>,
}

impl MunicipalitySettings {
    /// Default grace period for normal and low urgency (docs/ARCHITECTURE.md §6).
    pub const DEFAULT_GRACE_HOURS_NORMAL: i32 = 48;
    /// Default grace period for high urgency (docs/ARCHITECTURE.md §6).
    pub const DEFAULT_GRACE_HOURS_HIGH: i32 = 12;
    /// Default VOG validity (docs/ARCHITECTURE.md §5): the engine's, so the two cannot differ.
    pub const DEFAULT_VOG_MAX_AGE_MONTHS: i32 =
        crate::engine::MatchContext::DEFAULT_VOG_MAX_AGE_MONTHS as i32;
    /// Default retention of finished requests.
    pub const DEFAULT_RETENTION_MONTHS: i32 = 12;
    /// Default time an unclaimed case waits before case workers are reminded (three days).
    pub const DEFAULT_CASE_ALERT_HOURS: i32 = 72;

    /// The defaults for `code`.
    pub fn defaults(code: &str) -> Self {
        Self {
            municipality_code: code.to_owned(),
            grace_hours_normal: Self::DEFAULT_GRACE_HOURS_NORMAL,
            grace_hours_high: Self::DEFAULT_GRACE_HOURS_HIGH,
            vog_max_age_months: Self::DEFAULT_VOG_MAX_AGE_MONTHS,
            retention_months: Self::DEFAULT_RETENTION_MONTHS,
            updated_at: NaiveDateTime::default(),
            updated_by: None,
            case_alert_hours: Self::DEFAULT_CASE_ALERT_HOURS,
            details_in_notifications: false,
            daily_proposal_cap: None,
            participating: None,
        }
    }

    /// The grace period in hours for an urgency code.
    pub fn grace_hours(&self, urgency: Urgency) -> i32 {
        if urgency == Urgency::High {
            self.grace_hours_high
        } else {
            self.grace_hours_normal
        }
    }
}

/// The stored settings of `code`, if any.
pub fn stored(conn: &mut DbConnection, code: &str) -> QueryResult<Option<MunicipalitySettings>> {
    municipality_settings::table
        .find(code)
        .select(MunicipalitySettings::as_select())
        .first(conn)
        .optional()
}

/// The settings of `code`, or the defaults.
pub fn effective(conn: &mut DbConnection, code: &str) -> QueryResult<MunicipalitySettings> {
    Ok(stored(conn, code)?.unwrap_or_else(|| MunicipalitySettings::defaults(code)))
}

/// Every stored row (a small table: at most one per municipality).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<MunicipalitySettings>> {
    municipality_settings::table
        .select(MunicipalitySettings::as_select())
        .load(conn)
}

/// Writes the settings: update, or insert when there is no row yet. Run inside a write
/// transaction; portable on both backends without an upsert dialect.
pub fn save(conn: &mut DbConnection, settings: &MunicipalitySettings) -> QueryResult<()> {
    let updated = diesel::update(municipality_settings::table.find(&settings.municipality_code))
        .set((
            municipality_settings::grace_hours_normal.eq(settings.grace_hours_normal),
            municipality_settings::grace_hours_high.eq(settings.grace_hours_high),
            municipality_settings::vog_max_age_months.eq(settings.vog_max_age_months),
            municipality_settings::retention_months.eq(settings.retention_months),
            municipality_settings::updated_at.eq(settings.updated_at),
            municipality_settings::updated_by.eq(&settings.updated_by),
            municipality_settings::case_alert_hours.eq(settings.case_alert_hours),
            municipality_settings::details_in_notifications.eq(settings.details_in_notifications),
            municipality_settings::daily_proposal_cap.eq(settings.daily_proposal_cap),
            municipality_settings::participating.eq(settings.participating),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(municipality_settings::table)
            .values(settings)
            .execute(conn)?;
    }
    Ok(())
}

/// The daily proposal caps that `codes` set themselves (municipalities without one are left
/// out: the service's cap applies there).
pub fn daily_caps(
    conn: &mut DbConnection,
    codes: &[&str],
) -> QueryResult<std::collections::HashMap<String, i64>> {
    let rows: Vec<(String, Option<i32>)> = municipality_settings::table
        .filter(municipality_settings::municipality_code.eq_any(codes))
        .filter(municipality_settings::daily_proposal_cap.is_not_null())
        .select((
            municipality_settings::municipality_code,
            municipality_settings::daily_proposal_cap,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, cap)| cap.map(|c| (code, i64::from(c))))
        .collect())
}
