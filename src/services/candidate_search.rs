//! The candidate search of incremental matching: the in-memory index ranks, the ranked
//! offers are read again as they are now, checked against every hard constraint and the
//! daily cap, scored again, and the best one whose slot can still be taken is returned with
//! the slot taken (docs/ARCHITECTURE.md §4 and §5).

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};

use super::{
    engine_rows::{offer_profile, request_profile, with_vog_policy, EngineIds},
    live_offers::{LiveOffers, SearchFor},
    policy::{context, Policy},
};
use crate::{
    db::{self, help_requests::RequestRow, offers::OfferWithVog, DbConnection},
    domain::Category,
    engine::{self, CategorySet, MatchContext, OfferProfile, RequestProfile},
    error::AppError,
};

/// The volunteers of `offers` who reached today's proposal cap: their offer's municipality's
/// own cap where it set one, the service's otherwise. The caps are read only when someone
/// had a proposal today.
fn capped_volunteers(
    conn: &mut DbConnection,
    offers: &[OfferWithVog],
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Vec<String>, AppError> {
    let volunteers: Vec<String> = offers
        .iter()
        .filter_map(|o| o.0.volunteer_id.as_ref().map(ToString::to_string))
        .collect();
    let counts = db::matches::proposals_since(conn, &volunteers, now - Duration::hours(24))?;
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let mut codes: Vec<&str> = offers
        .iter()
        .map(|o| o.0.municipality_code.as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let caps = db::municipality_settings::daily_caps(conn, &codes)?;
    let cap_of = |volunteer: &str| {
        offers
            .iter()
            .filter(|o| {
                o.0.volunteer_id
                    .as_ref()
                    .is_some_and(|v| v.as_str() == volunteer)
            })
            .map(|o| policy.cap_in(&caps, &o.0.municipality_code))
            .min()
            .unwrap_or(policy.daily_cap)
    };
    Ok(counts
        .into_iter()
        .filter(|(v, n)| *n >= cap_of(v))
        .map(|(v, _)| v)
        .collect())
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
    wanted: &SearchFor<'_>,
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
    let current = db::offers::current_candidates(conn, &ranked, category.code())?;
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
    let capped = capped_volunteers(conn, &current, now, policy)?;
    policy.notes().capped(capped.clone(), now);
    let offers = current
        .into_iter()
        .filter(|o| {
            o.0.volunteer_id
                .as_ref()
                .is_some_and(|v| !capped.iter().any(|c| c.as_str() == v.as_str()))
        })
        .collect();
    Ok((offers, exhausted))
}

/// The candidates the first round of a new request's search confirms (see [`take_best`]);
/// the load benchmark times it (`hulpmarkt seed --time-candidate-search`).
#[cfg(feature = "bench-tools")]
pub fn candidate_search(
    conn: &mut DbConnection,
    row: &RequestRow,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Vec<OfferWithVog>, AppError> {
    let category = row.category;
    policy.offers.catch_up(conn, &mut policy.notes())?;
    let mut request = request_profile(row, &mut EngineIds::default(), &[], &[]);
    with_vog_policy(conn, row, &mut request)?;
    let wanted = SearchFor {
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
pub(crate) fn take_best(
    conn: &mut DbConnection,
    row: &RequestRow,
    passed: &[String],
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<Option<TakenOffer>, AppError> {
    let category = row.category;
    let helped = match &row.requester_id {
        Some(requester) => db::matches::helpers_of(conn, requester)?,
        None => Vec::new(),
    };
    let helped = helped.as_slice();
    let live = &policy.offers;
    live.catch_up(conn, &mut policy.notes())?;
    let ctx = context(now, policy);
    let mut ids = EngineIds::default();
    let mut profile = request_profile(row, &mut ids, passed, helped);
    with_vog_policy(conn, row, &mut profile)?;
    let wanted = SearchFor {
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
            return Ok(Some(TakenOffer {
                offer: offers.swap_remove(slot),
                score: candidate.score,
                explanation: candidate.explanation,
                explained: candidate.explained,
            }));
        }
        if exhausted {
            break;
        }
    }
    Ok(None)
}

/// The best available offer for a request, its slot already taken (see [`take_best`]).
pub(crate) struct TakenOffer {
    pub(crate) offer: OfferWithVog,
    pub(crate) score: engine::Score,
    pub(crate) explanation: String,
    pub(crate) explained: engine::Explained,
}
