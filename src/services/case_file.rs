//! What a case worker reads about a case: the case, its request, the proposal history, the
//! notes, and relaxed candidate suggestions (docs/ARCHITECTURE.md §6). Access is scoped here: a case of
//! another municipality does not exist for the caller (404).

use chrono::NaiveDateTime;

use super::{
    engine_rows::{offer_profile, request_profile, rule_of, EngineIds},
    live_offers::{IndexNotes, LiveOffers, SearchFor},
    matching::MAX_OFFER_RADIUS_KM,
};
use crate::{
    db::{
        self,
        cases::{Case, CaseNote},
        help_requests::HelpRequest,
        help_requests::RequestRow,
        matches::Match,
        offers::OfferWithVog,
        users::User,
        DbConnection,
    },
    engine::{
        self, constraints::weekly_overlap, CategorySet, DateWindow, MatchContext, OfferProfile,
        RequestProfile, Violation, WeeklySlots,
    },
    error::AppError,
};

/// The most suggestions a case shows.
pub const MAX_SUGGESTIONS: usize = 10;

/// The case `id` if it belongs to `municipality`; 404 otherwise (also for a malformed id).
pub fn case_of(conn: &mut DbConnection, id: &str, municipality: &str) -> Result<Case, AppError> {
    uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound("not-found-case"))?;
    db::cases::find(conn, id)?
        .filter(|c| c.municipality_code == municipality)
        .ok_or(AppError::NotFound("not-found-case"))
}

/// Everything the case view shows, as stored.
#[derive(Debug)]
pub struct CaseFile {
    /// The case.
    pub case: Case,
    /// The escalated request.
    pub request: HelpRequest,
    /// The resident, when they consented to the municipality seeing the request.
    pub requester: Option<User>,
    /// For a request recorded for someone (with consent only): who recorded it for whom.
    pub represented: Option<(db::people::Representation, db::people::Person)>,
    /// Every proposal and match of the request, oldest first, with the volunteer for those
    /// that were accepted (contact details are shared only from acceptance on).
    pub history: Vec<(Match, Option<User>)>,
    /// Notes, oldest first.
    pub notes: Vec<CaseNote>,
    /// Relaxed candidates (empty once the case is resolved).
    pub suggestions: Vec<Suggestion>,
}

/// Loads the case file of `case`.
pub fn load(
    conn: &mut DbConnection,
    case: Case,
    now: NaiveDateTime,
    vog_max_age_months: u32,
    live: &LiveOffers,
) -> Result<CaseFile, AppError> {
    let request = db::cases::request_of(conn, &case.request_id)?;
    let requester = match (&request.requester_id, request.consent_municipality) {
        (Some(id), true) => db::users::find(conn, id)?,
        _ => None,
    };
    let represented = match request.consent_municipality {
        true => db::people::of_request(conn, &case.request_id)?,
        false => None,
    };
    let mut history = Vec::new();
    for m in db::matches::for_request(conn, &case.request_id)? {
        let volunteer = match (&m.volunteer_id, m.status.contact_visible()) {
            (Some(id), true) => db::users::find(conn, id)?,
            _ => None,
        };
        history.push((m, volunteer));
    }
    let notes = db::cases::notes(conn, &case.id)?;
    let suggestions = if case.status == crate::domain::CaseStatus::Resolved {
        Vec::new()
    } else {
        match db::help_requests::request(conn, &case.request_id)? {
            Some(row) => suggestions(conn, &row, now, vog_max_age_months, live)?,
            None => Vec::new(),
        }
    };
    Ok(CaseFile {
        case,
        request,
        requester,
        represented,
        history,
        notes,
        suggestions,
    })
}

/// Reads case `id` for a case worker of its municipality, as `GET /cases/{id}` and the
/// workplace both do: 404 for a case elsewhere, an audit entry `case.read`, the case file.
pub fn read(
    conn: &mut DbConnection,
    id: &str,
    worker: super::case_decisions::Worker<'_>,
    now: NaiveDateTime,
    live: &LiveOffers,
) -> Result<CaseFile, AppError> {
    let case = case_of(conn, id, worker.municipality)?;
    super::case_decisions::audit(conn, now, worker, "case.read", &case, None)?;
    load_for(conn, case, worker.municipality, now, live)
}

/// The case file of `case` with the municipality's VOG policy (not audited: the caller
/// audited the read or the decision that led here).
pub fn load_for(
    conn: &mut DbConnection,
    case: Case,
    municipality: &str,
    now: NaiveDateTime,
    live: &LiveOffers,
) -> Result<CaseFile, AppError> {
    let settings = db::municipality_settings::effective(conn, municipality)?;
    let vog = u32::try_from(settings.vog_max_age_months).unwrap_or(0);
    load(conn, case, now, vog, live)
}

/// What a suggested offer needs relaxed to serve the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Relaxation {
    /// It fits as it is (an offer appeared or got room since the escalation).
    None,
    /// It fails only on distance: the volunteer's radius or the resident's maximum would have
    /// to reach `distance_km`.
    WiderRadius {
        /// The distance between the two PC4 areas.
        distance_km: f64,
        /// The offer's radius.
        radius_km: f64,
        /// The request's maximum distance, if set.
        max_distance_km: Option<f64>,
    },
    /// It fails only on availability: this is the common time they have.
    NearMissAvailability {
        /// Longest common stretch per week, minutes.
        longest_overlap_minutes: u32,
        /// Total common time per week, minutes.
        total_overlap_minutes: u32,
        /// Length of one visit the request asks for.
        session_minutes: u16,
        /// Whether the date windows fail to meet.
        date_windows_disjoint: bool,
    },
}

/// One relaxed candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The offer.
    pub offer_id: String,
    /// Distance between the PC4 areas, km.
    pub distance_km: f64,
    /// What would have to give.
    pub relaxation: Relaxation,
    /// What the offer is (`None` only if it vanished between the two reads), with its
    /// categories.
    pub offer: Option<(db::offers::OfferCard, Vec<String>)>,
}

/// `request` with distance limits lifted.
fn without_distance(
    request: &RequestProfile,
    offer: &OfferProfile,
) -> (RequestProfile, OfferProfile) {
    let (mut r, mut o) = (request.clone(), offer.clone());
    r.max_distance_km = None;
    o.radius_km = f64::INFINITY;
    (r, o)
}

/// `request` and `offer` with availability lifted (any time, any dates).
fn without_availability(
    request: &RequestProfile,
    offer: &OfferProfile,
) -> (RequestProfile, OfferProfile) {
    let (mut r, mut o) = (request.clone(), offer.clone());
    r.week = WeeklySlots::any_time();
    o.week = WeeklySlots::any_time();
    r.dates = DateWindow::ANY;
    o.dates = DateWindow::ANY;
    (r, o)
}

/// What single relaxation, if any, makes `offer` serve `request` (the pure engine decides).
pub fn relaxation_for(
    request: &RequestProfile,
    offer: &OfferProfile,
    ctx: &MatchContext,
) -> Option<(f64, Relaxation)> {
    match engine::check(request, offer, ctx) {
        Ok(fit) => Some((fit.distance_km, Relaxation::None)),
        Err(Violation::BeyondOfferRadius { distance_km, .. })
        | Err(Violation::BeyondRequestMaximum { distance_km, .. }) => {
            let (r, o) = without_distance(request, offer);
            engine::check(&r, &o, ctx).ok()?;
            Some((
                distance_km,
                Relaxation::WiderRadius {
                    distance_km,
                    radius_km: offer.radius_km,
                    max_distance_km: request.max_distance_km,
                },
            ))
        }
        Err(Violation::NoCommonTime { .. }) | Err(Violation::DateWindowsDisjoint) => {
            let (r, o) = without_availability(request, offer);
            let fit = engine::check(&r, &o, ctx).ok()?;
            let (total, longest) = weekly_overlap(&request.week, &offer.week);
            let dates_meet =
                engine::constraints::date_windows_meet(&request.dates, &offer.dates, ctx.today);
            Some((
                fit.distance_km,
                Relaxation::NearMissAvailability {
                    longest_overlap_minutes: longest,
                    total_overlap_minutes: total,
                    session_minutes: request.session_minutes,
                    date_windows_disjoint: !dates_meet,
                },
            ))
        }
        Err(_) => None,
    }
}

/// A suggestion's rank: those that fit as they are first, then the nearest.
fn by_rank(a: &Suggestion, b: &Suggestion) -> std::cmp::Ordering {
    let rank = |s: &Suggestion| u8::from(s.relaxation != Relaxation::None);
    rank(a)
        .cmp(&rank(b))
        .then(a.distance_km.total_cmp(&b.distance_km))
        .then(a.offer_id.cmp(&b.offer_id))
}

/// Offers that fail only on distance or only on availability (or fit outright), nearest
/// first. The in-memory offer index (with the offers changed since it was last brought up to
/// date) proposes them; the best are then read again from the database and judged on their
/// rows as they are now, so what is shown is current. Reading every offer of the category
/// within 100 km from the database instead cost about 200 ms a case at 100,000 offers
/// (bench/HISTORY.md).
pub fn suggestions(
    conn: &mut DbConnection,
    row: &RequestRow,
    now: NaiveDateTime,
    vog_max_age_months: u32,
    live: &LiveOffers,
) -> Result<Vec<Suggestion>, AppError> {
    let (category, rule) = (row.category, rule_of(row.category));
    let passed = db::matches::passed_volunteers(conn, &row.id)?;
    let ctx = MatchContext {
        today: crate::clock::dutch_today(now),
        vog_max_age_months,
    };
    let judged = |offers: &[OfferWithVog]| -> Vec<Suggestion> {
        let mut ids = EngineIds::default();
        let profile = request_profile(row, &mut ids, &passed, &[]);
        let categories = CategorySet::of(&[rule.index]);
        offers
            .iter()
            .filter_map(|o| {
                let offer = offer_profile(o, categories, &mut ids);
                let (distance_km, relaxation) = relaxation_for(&profile, &offer, &ctx)?;
                let remote = offer.remote_ok && profile.remote_ok && rule.remote_possible;
                (distance_km <= MAX_OFFER_RADIUS_KM || remote).then(|| Suggestion {
                    offer_id: o.0.id.to_string(),
                    distance_km,
                    relaxation,
                    offer: None,
                })
            })
            .collect()
    };
    // Built beforehand by the callers (`services::offers_loaded`); here only should one have
    // forgotten, at the cost of building it inside this transaction.
    live.ensure_loaded(conn)?;
    let mut changed = IndexNotes::default();
    live.catch_up(conn, &mut changed)?;
    let fresh: Vec<OfferWithVog> = changed
        .fresh_rows()
        .iter()
        .filter(|(_, codes)| codes.iter().any(|c| c == category.code()))
        .map(|(o, _)| o.clone())
        .collect();
    let wanted = SearchFor {
        request: request_profile(row, &mut EngineIds::default(), &[], &[]),
        requester: row.requester_id.as_deref(),
        passed: &passed,
        helped: &[],
    };
    let mut found: Vec<Suggestion> = live
        .judge_nearby(&wanted, MAX_OFFER_RADIUS_KM, |r, o| {
            relaxation_for(r, o, &ctx)
        })
        .into_iter()
        .filter(|(id, _)| {
            !changed
                .fresh_rows()
                .iter()
                .any(|f| f.0 .0.id.as_str() == id)
        })
        .map(|(offer_id, (distance_km, relaxation))| Suggestion {
            offer_id,
            distance_km,
            relaxation,
            offer: None,
        })
        .chain(judged(&fresh))
        .collect();
    found.sort_by(by_rank);
    // Twice as many as shown: some may have changed since the index read them.
    found.truncate(2 * MAX_SUGGESTIONS);
    let ids: Vec<String> = found.iter().map(|s| s.offer_id.clone()).collect();
    let mut found = judged(&db::offers::current_candidates(
        conn,
        &ids,
        category.code(),
    )?);
    found.sort_by(by_rank);
    found.truncate(MAX_SUGGESTIONS);
    let ids: Vec<String> = found.iter().map(|s| s.offer_id.clone()).collect();
    let mut cards = db::offers::cards(conn, &ids)?;
    let mut categories = db::offers::categories_of(conn, &ids)?;
    for s in &mut found {
        s.offer = cards
            .remove(&s.offer_id)
            .map(|card| (card, categories.remove(&s.offer_id).unwrap_or_default()));
    }
    Ok(found)
}
