//! The matching workflows (docs/ARCHITECTURE.md §6): proposing a request to its best volunteer,
//! looking for requests when an offer appears, and the match lifecycle. Each function runs
//! inside the caller's write transaction; the pure engine in `crate::matching` decides, the
//! database guarantees (a slot is taken by a conditional UPDATE on the offer's load, and at
//! most one live match per request is a unique index).

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use chrono::{Duration, NaiveDateTime};

use super::live_offers::{IndexNotes, LiveOffers, Wanted};
use crate::{
    db::{
        self,
        candidates::{BoundingBox, OfferWithVog, RequestRow},
        help_requests::{HelpRequest, NewHelpRequest},
        matches::Match,
        DbConnection,
    },
    domain::{Availability, Category, HelpRequestStatus, LawDomain, MatchStatus, Urgency},
    error::AppError,
    matching::{
        self as engine, CategoryRule, CategorySet, DateWindow, DomainSet, GeoPoint, MatchContext,
        OfferProfile, RequestProfile, WeeklySlots,
    },
};

/// The largest radius an offer may have; bounds the box searched around a request.
pub const MAX_OFFER_RADIUS_KM: f64 = 100.0;

/// How the workflows behave (from the settings), where they find candidates, and what one
/// write transaction learnt about the offers (applied after its commit, see
/// [`crate::services::write`]). A clone starts with no notes.
pub struct Policy {
    /// Time a volunteer has to answer.
    pub proposal_ttl: Duration,
    /// New proposals per volunteer per 24 h.
    pub daily_cap: i64,
    /// VOG validity in months.
    pub vog_max_age_months: u32,
    /// Months after which finished requests, matches and cases are anonymised.
    pub retention_months: u32,
    /// The process's in-memory offer index (see [`LiveOffers`]).
    pub offers: Arc<LiveOffers>,
    /// Whether the demand policy is on (issue 5; `demand_recount_minutes` > 0).
    pub demand: bool,
    notes: std::sync::Mutex<IndexNotes>,
}

impl Clone for Policy {
    fn clone(&self) -> Self {
        Self {
            proposal_ttl: self.proposal_ttl,
            daily_cap: self.daily_cap,
            vog_max_age_months: self.vog_max_age_months,
            retention_months: self.retention_months,
            offers: self.offers.clone(),
            demand: self.demand,
            notes: std::sync::Mutex::default(),
        }
    }
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("proposal_ttl", &self.proposal_ttl)
            .field("daily_cap", &self.daily_cap)
            .field("vog_max_age_months", &self.vog_max_age_months)
            .field("retention_months", &self.retention_months)
            .field("demand", &self.demand)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// The policy of these settings, finding candidates in `offers` (one per process, shared).
    pub fn new(settings: &crate::config::Settings, offers: Arc<LiveOffers>) -> Self {
        Self {
            proposal_ttl: Duration::hours(i64::from(settings.proposal_hours.max(1))),
            daily_cap: i64::from(settings.daily_proposal_cap.max(1)),
            vog_max_age_months: MatchContext::DEFAULT_VOG_MAX_AGE_MONTHS,
            retention_months: settings.retention_months,
            offers,
            demand: settings.demand_recount_minutes > 0,
            notes: std::sync::Mutex::default(),
        }
    }

    /// The notes of the transaction running with this policy.
    pub(crate) fn notes(&self) -> std::sync::MutexGuard<'_, IndexNotes> {
        self.notes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes the notes, to apply once the transaction committed.
    pub fn take_notes(&self) -> IndexNotes {
        std::mem::take(&mut *self.notes())
    }

    /// The policy of these settings with an index of its own (one-off commands).
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self::new(settings, Arc::new(LiveOffers::new()))
    }
}

/// Gives string ids small numbers for the engine (shared with the case file's suggestions).
#[derive(Default)]
pub(crate) struct Ids {
    numbers: HashMap<String, u64>,
}

impl Ids {
    pub(crate) fn of(&mut self, id: &str) -> u64 {
        let next = self.numbers.len() as u64 + 1;
        *self.numbers.entry(id.to_owned()).or_insert(next)
    }
}

pub(crate) fn category_rule(code: &str) -> Option<(Category, CategoryRule)> {
    let category = Category::parse(code).ok()?;
    let index = Category::ALL.iter().position(|c| *c == category)? as u8;
    let domains: Vec<engine::Domain> = category
        .domains()
        .iter()
        .map(|d| engine_domain(*d))
        .collect();
    Some((
        category,
        CategoryRule {
            index,
            domains: DomainSet::of(&domains),
            requires_vog: category.requires_vog(),
            remote_possible: category.remote_possible(),
        },
    ))
}

fn engine_domain(domain: LawDomain) -> engine::Domain {
    match domain {
        LawDomain::Wmo => engine::Domain::Wmo,
        LawDomain::Jeugdwet => engine::Domain::Jeugdwet,
        LawDomain::Participatiewet => engine::Domain::Participatiewet,
    }
}

fn municipality_number(code: &str) -> u16 {
    code.get(2..).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Weekly slots and date window of stored availability JSON (unreadable JSON = never).
fn availability(json: &str) -> (WeeklySlots, DateWindow, Option<u16>) {
    match serde_json::from_str::<Availability>(json) {
        Ok(a) => {
            let intervals = a
                .week_intervals()
                .into_iter()
                .map(|(s, e)| {
                    (
                        s.min(u32::from(u16::MAX)) as u16,
                        e.min(u32::from(u16::MAX)) as u16,
                    )
                })
                .collect();
            let window = a.date_window();
            (
                WeeklySlots::from_intervals(intervals),
                DateWindow {
                    from: window.from,
                    until: window.until,
                },
                Some(a.session_minutes()),
            )
        }
        // An empty, non-any-time week can never overlap: a damaged row is never matched.
        Err(_) => (
            WeeklySlots::from_intervals(vec![(0, 0)]),
            DateWindow {
                from: None,
                until: None,
            },
            None,
        ),
    }
}

pub(crate) fn request_profile(
    row: &RequestRow,
    ids: &mut Ids,
    declined_by: &[String],
    helped_before: &[String],
) -> Option<RequestProfile> {
    let (_, category) = category_rule(&row.category)?;
    let domain = engine_domain(LawDomain::parse(&row.domain).ok()?);
    let (week, dates, _) = availability(&row.availability);
    let urgency = match Urgency::parse(&row.urgency).unwrap_or(Urgency::Normal) {
        Urgency::Low => 0,
        Urgency::Normal => 1,
        Urgency::High => 2,
    };
    Some(RequestProfile {
        id: ids.of(&row.id),
        requester: row.requester_id.as_deref().map_or(0, |r| ids.of(r)),
        category,
        domain,
        location: GeoPoint {
            lat: row.lat,
            lon: row.lon,
        },
        municipality: municipality_number(&row.municipality_code),
        max_distance_km: row.max_distance_km,
        remote_ok: row.remote_ok,
        involves_minor: row.involves_minor,
        week,
        dates,
        session_minutes: u16::try_from(row.session_minutes).unwrap_or(60),
        urgency,
        waiting_since: row.created_at.and_utc().timestamp(),
        declined_by: declined_by.iter().map(|v| ids.of(v)).collect(),
        helped_by_before: helped_before.iter().map(|v| ids.of(v)).collect(),
    })
}

pub(crate) fn offer_profile(
    row: &OfferWithVog,
    categories: CategorySet,
    ids: &mut Ids,
) -> OfferProfile {
    let (offer, vog) = row;
    let (week, dates, _) = availability(&offer.availability);
    OfferProfile {
        id: ids.of(&offer.id),
        volunteer: offer.volunteer_id.as_deref().map_or(0, |v| ids.of(v)),
        categories,
        location: GeoPoint {
            lat: offer.lat,
            lon: offer.lon,
        },
        municipality: municipality_number(&offer.municipality_code),
        radius_km: offer.radius_km,
        remote_ok: offer.remote_ok,
        active: offer.status == "active",
        week,
        dates,
        capacity: u32::try_from(offer.capacity).unwrap_or(0),
        load: u32::try_from(offer.active_load).unwrap_or(u32::MAX),
        vog_issued: *vog,
    }
}

/// The engine's settings for a run at `now` under `policy`.
pub fn context(now: NaiveDateTime, policy: &Policy) -> MatchContext {
    MatchContext {
        today: now.date(),
        vog_max_age_months: policy.vog_max_age_months,
    }
}

/// Volunteers who reached today's proposal cap.
fn capped_volunteers(
    conn: &mut DbConnection,
    volunteers: Vec<String>,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Vec<String>, AppError> {
    let counts = db::matches::proposals_since(conn, &volunteers, now - Duration::hours(24))?;
    Ok(counts
        .into_iter()
        .filter(|(_, n)| *n >= policy.daily_cap)
        .map(|(v, _)| v)
        .collect())
}

/// Creates the proposal row and moves the request to `proposed`.
pub(crate) fn create_proposal(
    conn: &mut DbConnection,
    request_id: &str,
    offer: &OfferWithVog,
    scored: (&engine::Score, String),
    now: NaiveDateTime,
    policy: &Policy,
    created_by: &str,
) -> Result<Match, AppError> {
    let proposal = insert_proposal(conn, request_id, offer, scored, now, policy, created_by)?;
    if !db::candidates::set_request_status(conn, request_id, "open", "proposed", now)? {
        return Err(AppError::Conflict {
            detail: "the help request is no longer open".into(),
            existing_id: None,
        });
    }
    Ok(proposal)
}

/// Stores the match of a proposal; the request's status is the caller's (see
/// [`create_proposal`] and [`store_and_propose`]).
fn insert_proposal(
    conn: &mut DbConnection,
    request_id: &str,
    offer: &OfferWithVog,
    (score, explanation): (&engine::Score, String),
    now: NaiveDateTime,
    policy: &Policy,
    created_by: &str,
) -> Result<Match, AppError> {
    let parts = score.parts;
    let proposal = Match {
        id: crate::domain::ids::new_key(),
        request_id: request_id.to_owned(),
        offer_id: offer.0.id.clone(),
        volunteer_id: offer.0.volunteer_id.clone(),
        status: MatchStatus::Proposed.as_str().to_owned(),
        score: score.total,
        score_parts: serde_json::json!({
            "proximity": parts.proximity, "availability": parts.availability, "same_municipality": parts.same_municipality,
            "continuity": parts.continuity, "load": parts.load,
        })
        .to_string(),
        explanation,
        decline_reason: None,
        proposed_at: now,
        expires_at: now + policy.proposal_ttl,
        responded_at: None,
        closed_at: None,
        created_by: created_by.to_owned(),
        updated_at: now,
    };
    db::matches::insert(conn, &proposal)?;
    Ok(proposal)
}

/// How many of the index's best candidates are re-read per round; a round whose candidates
/// all turn out taken, capped or changed asks for more.
const SEARCH_ROUNDS: [usize; 4] = [8, 32, 128, 512];

/// One round of the candidate search: the index's best `limit` offers for the request (not
/// in `tried`, which grows by them), as they are now in the database: active, in the
/// category, of a volunteer below today's cap. Offers the index had wrong are read into it
/// again, capped volunteers set aside. Also says whether the index has no more to give.
fn search_round(
    conn: &mut DbConnection,
    wanted: &Wanted<'_>,
    category: Category,
    limit: usize,
    tried: &mut HashSet<String>,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<(Vec<OfferWithVog>, bool), AppError> {
    let live = &policy.offers;
    let ranked = live.search(wanted, &context(now, policy), limit, tried, &policy.notes());
    let exhausted = ranked.len() + tried.len() < limit;
    if ranked.is_empty() {
        return Ok((Vec::new(), true));
    }
    let current = db::candidates::current_candidates(conn, &ranked, category.code())?;
    let confirmed: HashSet<&str> = current.iter().map(|o| o.0.id.as_str()).collect();
    let changed: Vec<String> = ranked
        .iter()
        .filter(|id| !confirmed.contains(id.as_str()))
        .cloned()
        .collect();
    if !changed.is_empty() {
        live.reread(conn, &changed, &mut policy.notes())?;
    }
    tried.extend(ranked);
    let volunteers: Vec<String> = current
        .iter()
        .filter_map(|o| o.0.volunteer_id.clone())
        .collect();
    let capped = capped_volunteers(conn, volunteers, now, policy)?;
    policy.notes().capped(capped.clone(), now);
    let offers = current
        .into_iter()
        .filter(|o| {
            o.0.volunteer_id
                .as_ref()
                .is_some_and(|v| !capped.contains(v))
        })
        .collect();
    Ok((offers, exhausted))
}

/// The candidates the first round of a new request's search confirms (see [`propose_best`]);
/// the load benchmark times it (`hulpmarkt seed --time-candidate-search`).
pub fn candidate_search(
    conn: &mut DbConnection,
    row: &RequestRow,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Vec<OfferWithVog>, AppError> {
    let Some((category, _)) = category_rule(&row.category) else {
        return Ok(Vec::new());
    };
    policy.offers.catch_up(conn, &mut policy.notes())?;
    let Some(request) = request_profile(row, &mut Ids::default(), &[], &[]) else {
        return Ok(Vec::new());
    };
    let wanted = Wanted {
        request,
        requester: row.requester_id.as_deref(),
        passed: &[],
        helped: &[],
    };
    let mut tried = HashSet::new();
    search_round(
        conn,
        &wanted,
        category,
        SEARCH_ROUNDS[0],
        &mut tried,
        now,
        policy,
    )
    .map(|r| r.0)
}

/// The confirmed candidates best first: by score, or with the demand policy (issue 5) by
/// priority (spare first, then score), the explanation saying how needed the volunteer is.
fn by_priority(
    request: &RequestProfile,
    offers: &[OfferWithVog],
    profiles: &[OfferProfile],
    ctx: &MatchContext,
    live: &LiveOffers,
) -> Vec<engine::RankedCandidate> {
    if !live.has_demand() {
        return engine::rank_brute_force(request, profiles, ctx, profiles.len());
    }
    let demand = engine::Demand::from_counts(
        profiles
            .iter()
            .zip(offers)
            .map(|(p, o)| (p.id, live.recent_requests(&o.0.id))),
    );
    let preference = engine::Preference::Demand(&demand);
    engine::rank_brute_force_by(request, profiles, ctx, preference, profiles.len())
}

/// The best proposal for `row` that the database confirms: the in-memory index ranks, the
/// ranked offers are read again as they are now, checked against every hard constraint and
/// the daily cap, scored again, and the best one whose slot can still be taken gets the
/// proposal (docs/ARCHITECTURE.md §5). Returns `None` when nobody can help now.
fn take_best(
    conn: &mut DbConnection,
    row: &RequestRow,
    passed: &[String],
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Option<Taken>, AppError> {
    let Some((category, _)) = category_rule(&row.category) else {
        return Ok(None);
    };
    let helped = match &row.requester_id {
        Some(requester) => db::matches::helpers_of(conn, requester)?,
        None => Vec::new(),
    };
    let helped = helped.as_slice();
    let live = &policy.offers;
    live.catch_up(conn, &mut policy.notes())?;
    let ctx = context(now, policy);
    let mut ids = Ids::default();
    let Some(profile) = request_profile(row, &mut ids, passed, helped) else {
        return Ok(None);
    };
    let wanted = Wanted {
        request: profile.clone(),
        requester: row.requester_id.as_deref(),
        passed,
        helped,
    };
    let categories = CategorySet::of(&[profile.category.index]);
    let mut tried: HashSet<String> = HashSet::new();
    for limit in SEARCH_ROUNDS {
        let (mut offers, exhausted) =
            search_round(conn, &wanted, category, limit, &mut tried, now, policy)?;
        let profiles: Vec<OfferProfile> = offers
            .iter()
            .map(|o| offer_profile(o, categories, &mut ids))
            .collect();
        let mut taken = None;
        for candidate in by_priority(&profile, &offers, &profiles, &ctx, live) {
            let Some(slot) = profiles.iter().position(|p| p.id == candidate.offer_id) else {
                continue;
            };
            let offer_id = &offers[slot].0.id;
            // Another request may have taken the last slot since we read it: try the next one.
            if db::matches::take_slot(conn, offer_id)? {
                policy
                    .notes()
                    .load(offer_id, profiles[slot].load.saturating_add(1));
                taken = Some((slot, candidate));
                break;
            }
            policy.notes().full(offer_id);
        }
        if let Some((slot, candidate)) = taken {
            return Ok(Some(Taken {
                offer: offers.swap_remove(slot),
                score: candidate.score,
                explanation: candidate.explanation,
            }));
        }
        if exhausted {
            break;
        }
    }
    Ok(None)
}

/// The best available offer for a request, its slot already taken (see [`take_best`]).
struct Taken {
    offer: OfferWithVog,
    score: engine::Score,
    explanation: String,
}

/// Proposes an open, stored request to its best available volunteer, if any.
fn propose_best(
    conn: &mut DbConnection,
    row: &RequestRow,
    passed: &[String],
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Option<Match>, AppError> {
    let Some(taken) = take_best(conn, row, passed, now, policy)? else {
        return Ok(None);
    };
    let scored = (&taken.score, taken.explanation);
    create_proposal(
        conn,
        &row.id,
        &taken.offer,
        scored,
        now,
        policy,
        "incremental",
    )
    .map(Some)
}

/// Stores a new request and proposes it to its best available volunteer, if any, in the
/// caller's transaction. The search needs nothing of the stored row, so the request is
/// stored after it: as `proposed` when a volunteer was found (then the match), as it came
/// otherwise. That spares the status `UPDATE` of the row and two of its indexes right after
/// the `INSERT`. Returns the request as stored.
pub fn store_and_propose(
    conn: &mut DbConnection,
    new: NewHelpRequest,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<HelpRequest, AppError> {
    let Some(taken) = take_best(conn, &(&new).into(), &[], now, policy)? else {
        return Ok(db::help_requests::insert(conn, &new)?);
    };
    let proposed = NewHelpRequest {
        status: HelpRequestStatus::Proposed.as_str().to_owned(),
        status_changed_at: now,
        updated_at: now,
        ..new
    };
    let stored = db::help_requests::insert(conn, &proposed)?;
    let scored = (&taken.score, taken.explanation);
    insert_proposal(
        conn,
        &stored.id,
        &taken.offer,
        scored,
        now,
        policy,
        "incremental",
    )?;
    Ok(stored)
}

/// Proposes an open request to its best available volunteer, if any (incremental mode).
/// Returns the proposal.
pub fn propose_for_request(
    conn: &mut DbConnection,
    request_id: &str,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Option<Match>, AppError> {
    let Some(row) = db::candidates::request(conn, request_id)? else {
        return Ok(None);
    };
    if row.status != "open" || db::matches::live_for_request(conn, request_id)?.is_some() {
        return Ok(None);
    }
    let passed = db::matches::passed_volunteers(conn, request_id)?;
    propose_best(conn, &row, &passed, now, policy)
}

/// Looks for open requests a new, resumed or widened offer can serve, most urgent and
/// longest waiting first, up to its free capacity and the volunteer's daily cap.
pub fn propose_for_offer(
    conn: &mut DbConnection,
    offer_id: &str,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Vec<Match>, AppError> {
    let Some(offer) = db::candidates::offer(conn, offer_id)? else {
        return Ok(Vec::new());
    };
    let Some(volunteer) = offer.0.volunteer_id.clone() else {
        return Ok(Vec::new());
    };
    if offer.0.status != "active" || offer.0.active_load >= offer.0.capacity {
        return Ok(Vec::new());
    }
    let today = db::matches::proposals_since(
        conn,
        std::slice::from_ref(&volunteer),
        now - Duration::hours(24),
    )?;
    let allowance = policy.daily_cap - today.first().map_or(0, |(_, n)| *n);
    if allowance <= 0 {
        return Ok(Vec::new());
    }
    let codes = db::candidates::categories_of(conn, offer_id)?;
    let limit = 5_000;
    let mut rows = db::candidates::open_requests(
        conn,
        &codes,
        Some(BoundingBox::around(
            offer.0.lat,
            offer.0.lon,
            offer.0.radius_km,
        )),
        limit,
    )?;
    if offer.0.remote_ok {
        let remote_codes: Vec<String> = codes
            .iter()
            .filter(|c| Category::parse(c).is_ok_and(|c| c.remote_possible()))
            .cloned()
            .collect();
        if !remote_codes.is_empty() {
            let seen: std::collections::HashSet<String> =
                rows.iter().map(|r| r.id.clone()).collect();
            let remote = db::candidates::open_requests(conn, &remote_codes, None, limit)?;
            rows.extend(remote.into_iter().filter(|r| !seen.contains(&r.id)));
        }
    }
    let passed = db::candidates::passed_requests(conn, &volunteer)?;
    rows.retain(|r| {
        !passed.contains(&r.id) && r.requester_id.as_deref() != Some(volunteer.as_str())
    });

    let mut ids = Ids::default();
    let indexes: Vec<u8> = codes
        .iter()
        .filter_map(|c| category_rule(c).map(|(_, rule)| rule.index))
        .collect();
    let mut profile = offer_profile(&offer, CategorySet::of(&indexes), &mut ids);
    // Never more new proposals than the volunteer may still get today.
    profile.capacity = profile.capacity.min(
        profile
            .load
            .saturating_add(u32::try_from(allowance).unwrap_or(0)),
    );
    let mut requests = Vec::with_capacity(rows.len());
    let mut kept_rows = Vec::with_capacity(rows.len());
    for row in rows {
        // Continuity only raises the score; declines are handled by the filter above.
        if let Some(p) = request_profile(&row, &mut ids, &[], &[]) {
            requests.push(p);
            kept_rows.push(row);
        }
    }
    let mut made = Vec::new();
    for (i, score) in engine::requests_for_offer(&profile, &requests, &context(now, policy)) {
        if db::matches::live_for_request(conn, &kept_rows[i].id)?.is_some()
            || !db::matches::take_slot(conn, offer_id)?
        {
            continue;
        }
        let fit = engine::check(&requests[i], &profile, &context(now, policy));
        let explanation = fit
            .map(|f| engine::explain(&requests[i], &profile, &f))
            .unwrap_or_default();
        made.push(create_proposal(
            conn,
            &kept_rows[i].id,
            &offer,
            (&score, explanation),
            now,
            policy,
            "incremental",
        )?);
    }
    Ok(made)
}
