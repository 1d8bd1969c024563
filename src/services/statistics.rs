//! Municipal statistics (docs/ARCHITECTURE.md §6), aggregated in Rust from plain rows so that both
//! backends give the same figures. [`compute`] is pure and tested beside it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::statistics::RequestFacts;

/// The statuses that count as need not yet met: waiting in the marketplace or with the
/// municipality.
pub const UNMATCHED_STATUSES: [&str; 3] = [
    crate::domain::HelpRequestStatus::Open.as_str(),
    crate::domain::HelpRequestStatus::Proposed.as_str(),
    crate::domain::HelpRequestStatus::Escalated.as_str(),
];
/// How many PC4 areas the "most unmatched need" list shows.
pub const TOP_PC4: usize = 10;

/// How many requests escalated for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReasonShare {
    /// Requests whose (first) case has this reason.
    pub count: u64,
    /// `count` as a share of all requests in the period, 0–1.
    pub share: f64,
}

/// Supply against demand in one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SupplyDemand {
    /// Category code.
    pub category: String,
    /// Active offers covering the category (now).
    pub active_offers: u64,
    /// Requests of the period still waiting for help (open, proposed or escalated).
    pub open_requests: u64,
}

/// Unmatched need in one PC4 area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Pc4Need {
    /// The four-digit postcode area.
    pub pc4: String,
    /// Requests of the period there still waiting for help.
    pub unmatched_requests: u64,
}

/// The statistics of one municipality over the requests posted in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct MunicipalityStatistics {
    /// CBS code.
    pub municipality_code: String,
    /// First day of the period (inclusive), if bounded.
    pub from: Option<NaiveDate>,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// Requests posted in the period.
    pub total_requests: u64,
    /// Requests per law domain and current status.
    #[schema(value_type = Object, example = json!({"wmo": {"open": 3, "matched": 5}}))]
    pub by_domain: BTreeMap<String, BTreeMap<String, u64>>,
    /// Requests a volunteer accepted at some point.
    pub matched_requests: u64,
    /// `matched_requests / total_requests`; `null` without requests.
    pub match_rate: Option<f64>,
    /// Median hours from posting to a volunteer's acceptance; `null` without matches.
    pub median_hours_to_match: Option<f64>,
    /// Requests that became a municipal case.
    pub escalated_requests: u64,
    /// `escalated_requests / total_requests`; `null` without requests.
    pub escalated_share: Option<f64>,
    /// Escalated requests per reason of their first case.
    #[schema(value_type = Object, example = json!({"no_candidates": {"count": 2, "share": 0.1}}))]
    pub escalated_by_reason: BTreeMap<String, ReasonShare>,
    /// Per category: active offers against requests still waiting, by category code.
    pub supply_demand: Vec<SupplyDemand>,
    /// The PC4 areas with most requests still waiting, most first (at most 10).
    pub unmatched_pc4: Vec<Pc4Need>,
    /// Requests per channel: `online` (posted by the resident), `phone` (recorded by a case
    /// worker) and `carer` (posted by an informal carer); every channel is listed, also at 0.
    #[schema(value_type = Object, example = json!({"online": 40, "phone": 7, "carer": 3}))]
    pub by_channel: BTreeMap<String, u64>,
}

fn share(part: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| part as f64 / total as f64)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// The period and municipality the figures are for.
#[derive(Debug, Clone)]
pub struct Period {
    /// CBS code.
    pub municipality_code: String,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: NaiveDate,
}

impl Period {
    /// The period as `[start, end)` in stored times; an open start is 1970 (both backends
    /// store that, PostgreSQL does not reach chrono's extremes).
    pub fn bounds(&self) -> (NaiveDateTime, NaiveDateTime) {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let start = self.from.unwrap_or(epoch).max(epoch);
        let end = self
            .to
            .checked_add_days(chrono::Days::new(1))
            .unwrap_or(self.to);
        (
            start.and_time(chrono::NaiveTime::MIN),
            end.and_time(chrono::NaiveTime::MIN),
        )
    }
}

/// Reads the municipality's rows of `period` and aggregates them: the figures of
/// `GET /municipalities/{code}/stats` and of the workplace's dashboard. Also returns the
/// requests still waiting per PC4, every area (the dashboard's map).
pub fn read(
    conn: &mut crate::db::DbConnection,
    period: Period,
) -> Result<(MunicipalityStatistics, BTreeMap<String, u64>), crate::error::AppError> {
    let (start, end) = period.bounds();
    let code = period.municipality_code.clone();
    let requests = crate::db::statistics::requests(conn, &code, start, end)?;
    let cases = crate::db::statistics::case_reasons(conn, &code)?;
    let offers = crate::db::statistics::active_offer_categories(conn, &code)?;
    let mut waiting: BTreeMap<String, u64> = BTreeMap::new();
    for r in &requests {
        if UNMATCHED_STATUSES.contains(&r.status.as_str()) {
            *waiting.entry(r.pc4.clone()).or_default() += 1;
        }
    }
    Ok((compute(period, &requests, &cases, &offers), waiting))
}

/// How fast the municipality picks up its cases: the workplace's dashboard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseTimes {
    /// Cases opened in the period.
    pub opened: u64,
    /// Median hours from opening to the first claim; `None` without claims.
    pub median_hours_to_claim: Option<f64>,
    /// Median hours from opening to the decision; `None` without decisions.
    pub median_hours_to_resolve: Option<f64>,
}

/// The case times of the cases opened in `period`.
pub fn case_times(
    conn: &mut crate::db::DbConnection,
    period: &Period,
) -> Result<CaseTimes, crate::error::AppError> {
    let (start, end) = period.bounds();
    let rows = crate::db::statistics::case_times(conn, &period.municipality_code, start, end)?;
    let hours = |from: NaiveDateTime, to: NaiveDateTime| (to - from).num_seconds() as f64 / 3600.0;
    Ok(CaseTimes {
        opened: rows.len() as u64,
        median_hours_to_claim: median(
            rows.iter()
                .filter_map(|(o, c, _)| c.map(|c| hours(*o, c)))
                .collect(),
        ),
        median_hours_to_resolve: median(
            rows.iter()
                .filter_map(|(o, _, r)| r.map(|r| hours(*o, r)))
                .collect(),
        ),
    })
}

/// Aggregates the figures. `cases` are `(request id, reason, opened at)`; `offer_categories`
/// are `(offer id, category)` of active offers.
pub fn compute(
    period: Period,
    requests: &[RequestFacts],
    cases: &[(String, String, NaiveDateTime)],
    offer_categories: &[(String, String)],
) -> MunicipalityStatistics {
    let total = requests.len() as u64;
    let mut by_domain: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, u64> = crate::domain::RequestChannel::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), 0))
        .collect();
    for r in requests {
        *by_channel.entry(r.channel.as_str().to_owned()).or_default() += 1;
        *by_domain
            .entry(r.domain.as_str().to_owned())
            .or_default()
            .entry(r.status.as_str().to_owned())
            .or_default() += 1;
    }
    let hours: Vec<f64> = requests
        .iter()
        .filter_map(|r| {
            r.matched_at
                .map(|m| (m - r.created_at).num_seconds() as f64 / 3600.0)
        })
        .collect();
    let matched = hours.len() as u64;

    // The first case of each request gives its escalation reason.
    let mut first_case: HashMap<&str, (&str, NaiveDateTime)> = HashMap::new();
    for (request, reason, opened) in cases {
        let entry = first_case
            .entry(request.as_str())
            .or_insert((reason.as_str(), *opened));
        if *opened < entry.1 {
            *entry = (reason.as_str(), *opened);
        }
    }
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for r in requests {
        if let Some((reason, _)) = first_case.get(r.id.as_str()) {
            *reasons.entry((*reason).to_owned()).or_default() += 1;
        }
    }
    let escalated: u64 = reasons.values().sum();

    let waiting: Vec<&RequestFacts> = requests
        .iter()
        .filter(|r| UNMATCHED_STATUSES.contains(&r.status.as_str()))
        .collect();
    let mut supply: BTreeMap<String, HashSet<&str>> = BTreeMap::new();
    for (offer, category) in offer_categories {
        supply.entry(category.clone()).or_default().insert(offer);
    }
    let mut demand: BTreeMap<String, u64> = BTreeMap::new();
    let mut pc4: BTreeMap<String, u64> = BTreeMap::new();
    for r in &waiting {
        *demand.entry(r.category.code().to_owned()).or_default() += 1;
        *pc4.entry(r.pc4.clone()).or_default() += 1;
    }
    let categories: std::collections::BTreeSet<&String> =
        supply.keys().chain(demand.keys()).collect();
    let supply_demand = categories
        .into_iter()
        .map(|c| SupplyDemand {
            category: c.clone(),
            active_offers: supply.get(c).map_or(0, |s| s.len() as u64),
            open_requests: demand.get(c).copied().unwrap_or(0),
        })
        .collect();
    let mut unmatched_pc4: Vec<Pc4Need> = pc4
        .into_iter()
        .map(|(pc4, n)| Pc4Need {
            pc4,
            unmatched_requests: n,
        })
        .collect();
    // Stable sort on a list already ordered by PC4: ties stay in PC4 order.
    unmatched_pc4.sort_by_key(|need| std::cmp::Reverse(need.unmatched_requests));
    unmatched_pc4.truncate(TOP_PC4);

    MunicipalityStatistics {
        municipality_code: period.municipality_code,
        from: period.from,
        to: period.to,
        total_requests: total,
        by_domain,
        matched_requests: matched,
        match_rate: share(matched, total),
        median_hours_to_match: median(hours),
        escalated_requests: escalated,
        escalated_share: share(escalated, total),
        escalated_by_reason: reasons
            .into_iter()
            .map(|(reason, count)| {
                let share = share(count, total).unwrap_or(0.0);
                (reason, ReasonShare { count, share })
            })
            .collect(),
        supply_demand,
        unmatched_pc4,
        by_channel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + chrono::Duration::hours(hours)
    }

    fn request(id: &str, status: &str, pc4: &str, matched_after: Option<i64>) -> RequestFacts {
        RequestFacts {
            id: crate::domain::HelpRequestId(id.into()),
            domain: crate::domain::LawDomain::Wmo,
            category: crate::domain::Category::Boodschappen,
            pc4: pc4.into(),
            status: status.parse().expect("a status code"),
            created_at: at(0),
            matched_at: matched_after.map(at),
            channel: crate::domain::RequestChannel::Online,
        }
    }

    #[test]
    fn medians_shares_and_rankings() {
        let by_phone = |mut r: RequestFacts| {
            r.channel = crate::domain::RequestChannel::Phone;
            r
        };
        let requests = vec![
            request("a", "matched", "1012", Some(2)),
            by_phone(request("b", "completed", "1012", Some(6))),
            request("c", "open", "1013", None),
            by_phone(request("d", "escalated", "1013", None)),
            request("e", "escalated", "1011", None),
        ];
        let cases = vec![
            ("d".to_owned(), "declined".to_owned(), at(50)),
            ("d".to_owned(), "no_candidates".to_owned(), at(49)),
            ("e".to_owned(), "resident_request".to_owned(), at(1)),
        ];
        let offers = vec![
            ("o1".to_owned(), "boodschappen".to_owned()),
            ("o1".to_owned(), "vervoer".to_owned()),
        ];
        let period = Period {
            municipality_code: "GM0363".into(),
            from: None,
            to: at(0).date(),
        };
        let s = compute(period, &requests, &cases, &offers);
        assert_eq!(s.total_requests, 5);
        assert_eq!(s.by_domain["wmo"]["escalated"], 2);
        assert_eq!(s.match_rate, Some(0.4));
        assert_eq!(s.median_hours_to_match, Some(4.0));
        assert_eq!(s.escalated_by_reason["no_candidates"].count, 1);
        assert!(!s.escalated_by_reason.contains_key("declined"));
        assert_eq!(s.escalated_share, Some(0.4));
        assert_eq!(
            s.supply_demand,
            vec![
                SupplyDemand {
                    category: "boodschappen".into(),
                    active_offers: 1,
                    open_requests: 3
                },
                SupplyDemand {
                    category: "vervoer".into(),
                    active_offers: 1,
                    open_requests: 0
                },
            ]
        );
        assert_eq!(s.unmatched_pc4[0].pc4, "1013");
        assert_eq!(s.unmatched_pc4[1].pc4, "1011");
        let channels: Vec<(&str, u64)> =
            s.by_channel.iter().map(|(c, n)| (c.as_str(), *n)).collect();
        assert_eq!(channels, vec![("carer", 0), ("online", 3), ("phone", 2)]);
        assert_eq!(median(vec![]), None);
    }
}
