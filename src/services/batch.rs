//! The global batch (docs/ARCHITECTURE.md §5, "global mode"): all waiting requests are
//! assigned jointly so that as many as possible are helped and, among those, the total score
//! is highest, under the offers' capacities. Run periodically and by `hulpmarkt match`.
//!
//! A request whose proposal is not yet accepted may be moved: the batch keeps a proposal
//! when the optimum keeps its offer (its answer clock keeps running), withdraws it when the
//! optimum gives the request to another offer (or to none, to help more people elsewhere),
//! and creates the new proposals after all withdrawals, so freed places can be reused.
//!
//! The plan is made on a reading connection; it is carried out through the one write path
//! in steps of [`STEP`] requests, each its own short transaction, so that residents' writes
//! never wait for more than one step. Each step checks again what it changes: a request
//! that moved on since the plan was made (accepted, cancelled, proposed by a new request's
//! search) is left as it is, and a slot is taken by the conditional update as always.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;

use super::{
    engine_rows::{category_rule, needs_vog, offer_profile, request_profile, EngineIds},
    matching::{context, create_proposal, Policy},
};
use crate::{
    db::{self, help_requests::RequestRow, offers::OfferWithVog, DbConnection, Pool},
    domain::{HelpRequestId, HelpRequestStatus, MatchOrigin, MatchStatus, OfferId},
    engine::{self, CategorySet, OfferIndex},
    error::AppError,
};

/// Requests changed per write transaction (a few milliseconds each).
pub const STEP: usize = 64;

/// What a batch run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct BatchReport {
    /// Requests considered (open, or proposed and unanswered).
    pub waiting: usize,
    /// Active offers considered.
    pub offers: usize,
    /// Requests with a proposal after the run.
    pub placed: usize,
    /// Proposals kept as they were.
    pub kept: usize,
    /// Proposals withdrawn to move the request elsewhere (or to free the place).
    pub moved: usize,
    /// New proposals created.
    pub created: usize,
}

/// What the batch will do, decided on one consistent read of the database.
#[derive(Default)]
pub struct BatchPlan {
    /// Counts so far (waiting, offers, kept).
    pub report: BatchReport,
    /// Live proposals to withdraw: (request, the offer it is proposed to now).
    withdrawals: Vec<(HelpRequestId, OfferId)>,
    /// New proposals.
    proposals: Vec<Proposal>,
}

/// A proposal a batch makes: request, offer, score and what its explanation says.
type Proposal = (RequestRow, OfferWithVog, engine::Score, engine::Explained);

impl BatchPlan {
    /// How many write steps carrying it out takes.
    pub fn steps(&self) -> usize {
        self.withdrawals.len().div_ceil(STEP) + self.proposals.len().div_ceil(STEP)
    }
}

/// Plans the batch on `conn` (reads only; run it on a pooled connection).
pub fn plan(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<BatchPlan, AppError> {
    let waiting = db::help_requests::waiting_requests(conn)?;
    let offers = db::offers::active_offers(conn)?;
    let mut categories: HashMap<String, Vec<u8>> = HashMap::new();
    for (offer, code) in db::offers::active_offer_categories(conn)? {
        if let Some((_, rule)) = category_rule(&code) {
            categories.entry(offer).or_default().push(rule.index);
        }
    }
    let mut passes: HashMap<String, Vec<String>> = HashMap::new();
    for (request, volunteer) in db::matches::passes(conn)? {
        passes.entry(request).or_default().push(volunteer);
    }
    let mut helped: HashMap<String, Vec<String>> = HashMap::new();
    for (requester, volunteer) in db::matches::helped(conn)? {
        helped.entry(requester).or_default().push(volunteer);
    }
    let proposed: HashMap<String, i64> = db::matches::proposals_per_offer(conn)?
        .into_iter()
        .collect();
    let today: HashMap<String, i64> =
        db::matches::proposals_per_volunteer_since(conn, now - Duration::hours(24))?
            .into_iter()
            .filter_map(|(v, n)| v.map(|v| (v, n)))
            .collect();

    // Each municipality's VOG policy, for the requests that need a VOG, and its daily cap
    // (the service's defaults elsewhere).
    let settings = db::municipality_settings::all(conn)?;
    let caps: HashMap<String, i64> = settings
        .iter()
        .filter_map(|s| {
            Some((
                s.municipality_code.clone(),
                i64::from(s.daily_proposal_cap?),
            ))
        })
        .collect();
    let vog_policy: HashMap<String, i32> = settings
        .into_iter()
        .map(|s| (s.municipality_code, s.vog_max_age_months))
        .collect();
    let mut ids = EngineIds::default();
    let mut profiles = Vec::with_capacity(offers.len());
    for offer in &offers {
        let set = CategorySet::of(
            categories
                .get(offer.0.id.as_str())
                .map_or(&[][..], Vec::as_slice),
        );
        let mut profile = offer_profile(offer, set, &mut ids);
        // The batch may rearrange unanswered proposals: only accepted matches stay fixed.
        let open_proposals = proposed.get(offer.0.id.as_str()).copied().unwrap_or(0);
        let accepted = (i64::from(offer.0.active_load) - open_proposals).max(0);
        profile.load = u32::try_from(accepted).unwrap_or(0);
        // New proposals beyond those it holds stay within the volunteer's daily cap.
        let given_today = offer
            .0
            .volunteer_id
            .as_ref()
            .and_then(|v| today.get(v.as_str()))
            .copied()
            .unwrap_or(0);
        let cap = policy.cap_in(&caps, &offer.0.municipality_code);
        let allowance = open_proposals + (cap - given_today).max(0);
        profile.capacity = profile.capacity.min(
            profile
                .load
                .saturating_add(u32::try_from(allowance).unwrap_or(0)),
        );
        profiles.push(profile);
    }
    let offer_by_number: HashMap<u64, usize> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut requests = Vec::with_capacity(waiting.len());
    let mut rows = Vec::with_capacity(waiting.len());
    for (row, current) in waiting {
        let declined = passes.get(row.id.as_str()).map_or(&[][..], Vec::as_slice);
        let before = row
            .requester_id
            .as_ref()
            .and_then(|r| helped.get(r.as_str()))
            .map_or(&[][..], Vec::as_slice);
        let mut profile = request_profile(&row, &mut ids, declined, before);
        if needs_vog(&row) {
            profile.vog_max_age_months = vog_policy
                .get(row.municipality_code.as_str())
                .and_then(|&m| u32::try_from(m).ok());
        }
        requests.push(profile);
        rows.push((row, current));
    }
    let index = OfferIndex::new(profiles);
    let ctx = context(now, policy);
    let live = &policy.offers;
    if policy.demand && !live.has_demand() {
        live.count_demand(conn, now, &ctx)?;
    }
    let result = if live.has_demand() {
        // The demand policy (issue 5): as many requests as possible, and among those the
        // volunteers fewer recent requests could also use.
        let demand = engine::Demand::from_counts(index.offers().iter().filter_map(|p| {
            offer_by_number
                .get(&p.id)
                .map(|&i| (p.id, live.recent_requests(&offers[i].0.id)))
        }));
        engine::assign_requests_by_demand(&requests, &index, &ctx, &demand)
    } else {
        engine::assign_requests(&requests, &index, &ctx)
    };
    let target: HashMap<u64, engine::Placement> = result
        .placements
        .into_iter()
        .map(|p| (p.request_id, p))
        .collect();

    let mut plan = BatchPlan {
        report: BatchReport {
            waiting: rows.len(),
            offers: offers.len(),
            ..BatchReport::default()
        },
        ..BatchPlan::default()
    };
    // Withdrawals first, so the places they free can be taken by the new proposals.
    for (profile, (row, current)) in requests.iter().zip(&rows) {
        let placement = target.get(&profile.id);
        let wanted = placement
            .and_then(|p| offer_by_number.get(&p.offer_id))
            .map(|&i| &offers[i]);
        if let (Some(cur), Some(w)) = (current, wanted) {
            if *cur == w.0.id {
                plan.report.kept += 1;
                continue;
            }
        }
        if let Some(cur) = current {
            plan.withdrawals.push((row.id.clone(), cur.clone()));
        }
        if let (Some(w), Some(p)) = (wanted, placement) {
            plan.proposals
                .push((row.clone(), w.clone(), p.score, p.explained));
        }
    }
    Ok(plan)
}

/// Withdraws these live proposals if each is still proposed to the planned offer; returns
/// how many were withdrawn.
fn withdraw_step(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    items: &[(HelpRequestId, OfferId)],
) -> Result<usize, AppError> {
    let mut moved = 0;
    for (request_id, offer_id) in items {
        let Some(live) = db::matches::live_for_request(conn, request_id)? else {
            continue;
        };
        if live.offer_id != *offer_id
            || !db::matches::transition(
                conn,
                &live.id,
                MatchStatus::Proposed,
                MatchStatus::Withdrawn,
                now,
                None,
            )?
        {
            continue;
        }
        db::matches::release_slot(conn, &live.offer_id, now)?;
        db::help_requests::transition(
            conn,
            request_id,
            HelpRequestStatus::Proposed,
            HelpRequestStatus::Open,
            now,
        )?;
        moved += 1;
    }
    Ok(moved)
}

/// Makes these proposals where the offer still has a free slot and the request is still
/// open (the conditional updates decide; a request that moved on rolls its item back);
/// returns how many were made.
fn propose_step(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    policy: &Policy,
    items: &[Proposal],
) -> Result<usize, AppError> {
    let mut created = 0;
    for (request, offer, score, explained) in items {
        let made = super::unless_lost_race(conn, |conn| {
            if !db::matches::take_slot(conn, &offer.0.id)? {
                return Ok(false);
            }
            let scored = (score, explained.to_string(), *explained);
            create_proposal(
                conn,
                request,
                offer,
                scored,
                now,
                policy,
                MatchOrigin::Batch,
            )?;
            Ok(true)
        })?;
        if made == Some(true) {
            created += 1;
        }
    }
    Ok(created)
}

/// Plans the batch on a pooled connection and carries it out in steps through the write
/// path. `progress(done, total)` is called after each step.
pub async fn run(
    pool: &Pool,
    now: NaiveDateTime,
    policy: &Policy,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<BatchReport, AppError> {
    let planner = policy.clone();
    let plan = db::run(pool, move |conn| {
        // One read transaction: every query of the plan sees the same moment.
        conn.transaction(|conn| plan(conn, now, &planner))
    })
    .await?;
    let total = plan.steps() as u64;
    let mut done = 0;
    let BatchPlan {
        mut report,
        withdrawals,
        proposals,
    } = plan;
    for chunk in withdrawals.chunks(STEP) {
        report.moved += super::retry_busy(|| {
            let chunk = chunk.to_vec();
            super::write(pool, policy.clone(), move |conn, _| {
                withdraw_step(conn, now, &chunk)
            })
        })
        .await?;
        done += 1;
        progress(done, total);
    }
    for chunk in proposals.chunks(STEP) {
        report.created += super::retry_busy(|| {
            let chunk = chunk.to_vec();
            super::write(pool, policy.clone(), move |conn, policy| {
                propose_step(conn, now, policy, &chunk)
            })
        })
        .await?;
        done += 1;
        progress(done, total);
    }
    report.placed = report.kept + report.created;
    Ok(report)
}

/// Runs the batch for an admin who asked for it, and records that in the audit log.
pub async fn run_for(
    pool: &Pool,
    now: NaiveDateTime,
    policy: &Policy,
    admin: &crate::domain::UserId,
) -> Result<BatchReport, AppError> {
    let report = run(pool, now, policy, &|_, _| {}).await?;
    let entry = db::audit::AuditEntry::new(
        now,
        Some(admin.as_str()),
        "admin",
        "matching.batch",
        "matching",
        "global",
    )
    .with_detail(format!(
        "{} waiting, {} placed ({} new, {} moved)",
        report.waiting, report.placed, report.created, report.moved
    ));
    db::transaction(pool, move |conn| Ok(db::audit::record(conn, &entry)?)).await?;
    Ok(report)
}

/// Runs the batch once with a progress bar on the terminal (`hulpmarkt match`).
pub async fn run_with_progress_bar(
    pool: &Pool,
    settings: &crate::config::Settings,
) -> anyhow::Result<BatchReport> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} steps")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("assigning");
    let policy = Policy::from_settings(settings);
    let now = chrono::Utc::now().naive_utc();
    let report = run(pool, now, &policy, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .map_err(|e| anyhow::anyhow!("matching batch failed: {e}"))?;
    bar.finish_and_clear();
    Ok(report)
}
