//! Open cases over time, for the workplace's figures: at the end of each week (or of each
//! stretch of weeks, for a long period) how many cases were open, per law domain and per
//! reason of escalation. Counted in Rust from each case's opening and resolution, so the
//! figures are the same on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use super::statistics::Period;
use crate::{
    db::{self, statistics::CaseSpan, DbConnection},
    domain::{EscalationReason, LawDomain},
    error::AppError,
};

/// At most this many points; a longer period counts per stretch of several weeks.
pub const MAX_POINTS: u64 = 26;
/// Weeks shown when the period has no start.
const WEEKS_WITHOUT_START: u64 = 12;

/// The open cases at the end of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendPoint {
    /// The day, counted at its end (Dutch time as stored).
    pub day: NaiveDate,
    /// Open cases per law domain of their request.
    pub by_domain: BTreeMap<LawDomain, u64>,
    /// Open cases per reason of escalation.
    pub by_reason: BTreeMap<EscalationReason, u64>,
}

impl TrendPoint {
    /// All open cases that day.
    pub fn total(&self) -> u64 {
        self.by_domain.values().sum()
    }
}

/// The days counted for a period: its last day and every `step` weeks before it back to its
/// first day, oldest first; at most [`MAX_POINTS`].
pub fn days_of(from: Option<NaiveDate>, to: NaiveDate) -> Vec<NaiveDate> {
    let from = from.unwrap_or_else(|| {
        to.checked_sub_days(Days::new(WEEKS_WITHOUT_START * 7 - 1))
            .unwrap_or(to)
    });
    let span_days = u64::try_from((to - from).num_days().max(0)).unwrap_or(0);
    let weeks = span_days / 7 + 1;
    let step = weeks.div_ceil(MAX_POINTS).max(1) * 7;
    let mut days = Vec::new();
    let mut day = to;
    while day >= from && (days.len() as u64) < MAX_POINTS {
        days.push(day);
        match day.checked_sub_days(Days::new(step)) {
            Some(earlier) => day = earlier,
            None => break,
        }
    }
    days.reverse();
    days
}

/// Counts `spans` open at the end of each of `days`.
pub fn count(spans: &[CaseSpan], days: &[NaiveDate]) -> Vec<TrendPoint> {
    days.iter()
        .map(|&day| {
            let end = end_of(day);
            let mut point = TrendPoint {
                day,
                by_domain: BTreeMap::new(),
                by_reason: BTreeMap::new(),
            };
            for (domain, reason, opened, resolved) in spans {
                if *opened < end && resolved.map_or(true, |r| r >= end) {
                    *point.by_domain.entry(*domain).or_default() += 1;
                    *point.by_reason.entry(*reason).or_default() += 1;
                }
            }
            point
        })
        .collect()
}

fn end_of(day: NaiveDate) -> NaiveDateTime {
    day.checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_time(NaiveTime::MIN)
}

/// The trend of the municipality of `period`.
pub fn read(conn: &mut DbConnection, period: &Period) -> Result<Vec<TrendPoint>, AppError> {
    let days = days_of(period.from, period.to);
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(Vec::new());
    };
    let from = first.and_time(NaiveTime::MIN);
    let spans = db::statistics::case_spans(conn, &period.municipality_code, from, end_of(*last))?;
    Ok(count(&spans, &days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn at(d: NaiveDate, hour: u32) -> NaiveDateTime {
        d.and_hms_opt(hour, 0, 0).expect("a time")
    }

    #[test]
    fn a_period_is_counted_weekly_back_from_its_last_day() {
        let days = days_of(Some(day(2026, 11, 1)), day(2026, 11, 29));
        assert_eq!(
            days,
            [
                day(2026, 11, 1),
                day(2026, 11, 8),
                day(2026, 11, 15),
                day(2026, 11, 22),
                day(2026, 11, 29)
            ]
        );
        // Without a start: twelve weeks.
        assert_eq!(days_of(None, day(2026, 11, 29)).len(), 12);
        // Half a year: 26 weekly points. A year: 53 weeks, so every third week, 18 points.
        assert_eq!(days_of(Some(day(2026, 6, 2)), day(2026, 11, 30)).len(), 26);
        let year = days_of(Some(day(2025, 12, 1)), day(2026, 11, 30));
        assert_eq!(year.len(), 18);
        assert_eq!((year[1] - year[0]).num_days(), 21);
        assert_eq!(year.last(), Some(&day(2026, 11, 30)));
        assert_eq!(
            days_of(Some(day(2026, 11, 30)), day(2026, 11, 30)),
            [day(2026, 11, 30)]
        );
    }

    #[test]
    fn a_case_counts_from_its_opening_until_its_resolution() {
        use EscalationReason::NoCandidates;
        let (mon, tue, wed) = (day(2026, 11, 23), day(2026, 11, 24), day(2026, 11, 25));
        let spans = vec![
            // Opened Monday, resolved Tuesday afternoon: open at the end of Monday only.
            (LawDomain::Wmo, NoCandidates, at(mon, 9), Some(at(tue, 15))),
            // Opened Tuesday, still open.
            (LawDomain::Jeugdwet, NoCandidates, at(tue, 10), None),
        ];
        let points = count(&spans, &[mon, tue, wed]);
        let totals: Vec<u64> = points.iter().map(TrendPoint::total).collect();
        assert_eq!(totals, [1, 1, 1]);
        assert_eq!(points[0].by_domain.get(&LawDomain::Wmo), Some(&1));
        assert_eq!(points[1].by_domain.get(&LawDomain::Wmo), None);
        assert_eq!(points[2].by_domain.get(&LawDomain::Jeugdwet), Some(&1));
        assert_eq!(points[2].by_reason.get(&NoCandidates), Some(&1));
    }
}
