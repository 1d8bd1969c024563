//! A realistic synthetic data set for the load benchmark (`hulpmarkt seed`, see
//! `bench/load.sh`): volunteers with active offers and residents with help requests in mixed
//! states, on the real PC4 coordinates of the gazetteer, with the categories, availability
//! JSON and statuses the API itself writes. Accounts share one precomputed password hash:
//! hashing 100,000 passwords with argon2id would take over an hour and measure nothing.
//!
//! Rows go in through multi-row inserts ([`crate::db::bulk`]), one transaction per block.

use std::{io::Write, time::Instant};

use chrono::{Duration, NaiveDateTime};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};

use crate::{
    db::{
        self,
        bulk::{self, NewOfferCategory, SeedCase},
        candidates::RequestRow,
        help_requests::NewHelpRequest,
        matches::Match,
        offers::NewOffer,
        users::NewUser,
        DbConnection,
    },
    domain::{
        Availability, AvailabilityInput, Category, EscalationReason, HelpRequestStatus,
        MatchStatus, SlotInput, Urgency,
    },
    error::AppError,
    geo::{Gazetteer, Pc4Area},
    services::matching::Policy,
};

/// Rows written per transaction.
const BLOCK: usize = 10_000;
/// Weekdays as the API spells them.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    /// Active offers.
    pub offers: usize,
    /// Help requests (in mixed states).
    pub requests: usize,
    /// Password of every seeded account.
    pub password: String,
    /// Residents written to the sample (e-mail and one of their request ids).
    pub sample_owners: usize,
    /// Random seed, so that two runs seed the same data.
    pub seed: u64,
}

/// What was seeded.
#[derive(Debug, Default)]
pub struct SeedReport {
    /// Accounts.
    pub users: usize,
    /// Offers.
    pub offers: usize,
    /// Offer categories.
    pub offer_categories: usize,
    /// Help requests.
    pub requests: usize,
    /// Matches.
    pub matches: usize,
    /// Cases.
    pub cases: usize,
    /// Wall time.
    pub seconds: f64,
}

/// In-memory bookkeeping of the offers, so that proposed and matched requests take a real
/// slot of an offer in their category (and `active_load` stays ≤ `capacity`).
struct OfferBook {
    ids: Vec<String>,
    volunteer: Vec<u32>,
    capacity: Vec<u8>,
    load: Vec<u8>,
    by_category: Vec<Vec<u32>>,
}

impl OfferBook {
    /// A random offer in `category` with a free slot (a few tries; `None` when crowded).
    fn free_slot(&mut self, rng: &mut StdRng, category: usize) -> Option<usize> {
        let pool = &self.by_category[category];
        for _ in 0..20 {
            let i = *pool.choose(rng)? as usize;
            if self.load[i] < self.capacity[i] {
                return Some(i);
            }
        }
        None
    }
}

fn in_blocks<T>(
    conn: &mut DbConnection,
    rows: &[T],
    insert: fn(&mut DbConnection, &[T]) -> diesel::QueryResult<()>,
) -> Result<(), AppError> {
    for block in rows.chunks(BLOCK) {
        db::write_transaction(conn, |conn| Ok(insert(conn, block)?))?;
    }
    Ok(())
}

fn random_availability(rng: &mut StdRng, session: i64, any_time: f64) -> AvailabilityInput {
    let mut input = AvailabilityInput {
        session_minutes: Some(session),
        ..AvailabilityInput::default()
    };
    if rng.gen_bool(any_time) {
        return input;
    }
    let mut days: Vec<usize> = (0..7).collect();
    days.shuffle(rng);
    let mut chosen: Vec<usize> = days.into_iter().take(rng.gen_range(1..=3)).collect();
    chosen.sort_unstable();
    for day in chosen {
        let start = rng.gen_range(8..=17);
        let end = start + rng.gen_range(2..=4);
        input.slots.push(SlotInput {
            weekday: WEEKDAYS[day].to_owned(),
            start: format!("{start:02}:00"),
            end: format!("{end:02}:00"),
        });
    }
    input
}

fn availability_json(input: &AvailabilityInput) -> Result<(String, Availability), AppError> {
    let parsed = Availability::parse(input).map_err(|errors| {
        AppError::Internal(anyhow::anyhow!("seed availability invalid: {errors:?}"))
    })?;
    let json = serde_json::to_string(&parsed).map_err(|e| AppError::Internal(e.into()))?;
    Ok((json, parsed))
}

/// Radius a volunteer travels: mostly the neighbourhood, a few drive far.
fn random_radius(rng: &mut StdRng) -> f64 {
    match rng.gen_range(0..100) {
        0..=44 => rng.gen_range(2..=5) as f64,
        45..=74 => 10.0,
        75..=91 => 15.0,
        92..=97 => 25.0,
        _ => 50.0,
    }
}

fn new_user(
    email: String,
    name: String,
    hash: &str,
    volunteer: bool,
    now: NaiveDateTime,
) -> NewUser {
    NewUser {
        id: uuid::Uuid::new_v4().to_string(),
        email,
        password_hash: hash.to_owned(),
        display_name: name,
        phone: None,
        is_resident: !volunteer,
        is_volunteer: volunteer,
        is_case_worker: false,
        is_admin: false,
        municipality_code: None,
        created_at: now,
        updated_at: now,
    }
}

/// The e-mail address of seeded resident `i` (the benchmark logs in as these).
pub fn resident_email(i: usize) -> String {
    format!("bewoner{i}@seed.hulpmarkt.test")
}

/// Seeds `plan` into an empty, migrated database. Writes one `email,request_id` line per
/// sampled resident to `sample`.
pub fn seed(
    conn: &mut DbConnection,
    gazetteer: &Gazetteer,
    plan: &SeedPlan,
    now: NaiveDateTime,
    sample: &mut dyn Write,
) -> Result<SeedReport, AppError> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let areas: Vec<&Pc4Area> = gazetteer.postcodes().collect();
    let hash = crate::auth::passwords::hash_blocking(&plan.password)?;
    let mut report = SeedReport::default();

    // Volunteers: about 1.7 offers each; residents: about 1.4 requests each.
    let volunteers = (plan.offers * 6 / 10).max(1);
    let residents = (plan.requests * 7 / 10).max(1);
    let users: Vec<NewUser> = (0..volunteers)
        .map(|i| {
            let email = format!("vrijwilliger{i}@seed.hulpmarkt.test");
            new_user(email, format!("Vrijwilliger {i}"), &hash, true, now)
        })
        .collect();
    let volunteer_ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    in_blocks(conn, &users, bulk::users)?;
    drop(users);
    // A third of the volunteers has a recent VOG, so youth requests can be matched too.
    let vog: Vec<String> = volunteer_ids.iter().step_by(3).cloned().collect();
    db::write_transaction(conn, |conn| {
        Ok(bulk::set_vog(conn, &vog, now.date() - Duration::days(200))?)
    })?;
    let users: Vec<NewUser> = (0..residents)
        .map(|i| new_user(resident_email(i), format!("Bewoner {i}"), &hash, false, now))
        .collect();
    let resident_ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    in_blocks(conn, &users, bulk::users)?;
    drop(users);
    report.users = volunteers + residents;

    let mut book = seed_offers(conn, &mut rng, &areas, &volunteer_ids, plan.offers, now)?;
    report.offers = plan.offers;
    report.offer_categories = book.by_category.iter().map(Vec::len).sum();

    let (matches, cases) = seed_requests(
        conn,
        &mut rng,
        &areas,
        (&resident_ids, &volunteer_ids),
        &mut book,
        plan,
        now,
        sample,
    )?;
    report.requests = plan.requests;
    report.matches = matches;
    report.cases = cases;
    let loads: Vec<(String, i32)> = (0..book.ids.len())
        .filter(|&i| book.load[i] > 0)
        .map(|i| (book.ids[i].clone(), i32::from(book.load[i])))
        .collect();
    db::write_transaction(conn, |conn| Ok(bulk::set_loads(conn, &loads)?))?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn seed_offers(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    areas: &[&Pc4Area],
    volunteers: &[String],
    count: usize,
    now: NaiveDateTime,
) -> Result<OfferBook, AppError> {
    let mut book = OfferBook {
        ids: Vec::with_capacity(count),
        volunteer: Vec::with_capacity(count),
        capacity: Vec::with_capacity(count),
        load: vec![0; count],
        by_category: vec![Vec::new(); Category::ALL.len()],
    };
    let mut done = 0;
    while done < count {
        let n = BLOCK.min(count - done);
        let mut offers = Vec::with_capacity(n);
        let mut categories = Vec::with_capacity(n * 2);
        for i in done..done + n {
            let volunteer = i % volunteers.len();
            let area = areas[rng.gen_range(0..areas.len())];
            let mut codes: Vec<usize> = (0..Category::ALL.len()).collect();
            codes.shuffle(rng);
            codes.truncate(rng.gen_range(1..=3));
            let remote_possible = codes.iter().any(|&c| Category::ALL[c].remote_possible());
            let (availability, parsed) = availability_json(&random_availability(rng, 15, 0.2))?;
            let window = parsed.date_window();
            let capacity: u8 = rng.gen_range(1..=3);
            let offer = NewOffer {
                id: uuid::Uuid::new_v4().to_string(),
                volunteer_id: volunteers[volunteer].clone(),
                pc4: format!("{:04}", area.pc4),
                municipality_code: area.municipality_code.clone(),
                lat: area.lat,
                lon: area.lon,
                radius_km: random_radius(rng),
                remote_ok: remote_possible && rng.gen_bool(0.3),
                availability,
                available_from: window.from,
                available_until: window.until,
                capacity: i32::from(capacity),
                note: "Ik help graag in de buurt.".to_owned(),
                status: "active".to_owned(),
                created_at: now - Duration::days(rng.gen_range(0..365)),
                updated_at: now,
            };
            for &c in &codes {
                categories.push(NewOfferCategory {
                    offer_id: offer.id.clone(),
                    category: Category::ALL[c].code().to_owned(),
                });
                book.by_category[c].push(i as u32);
            }
            book.ids.push(offer.id.clone());
            book.volunteer.push(volunteer as u32);
            book.capacity.push(capacity);
            offers.push(offer);
        }
        db::write_transaction(conn, |conn| {
            bulk::offers(conn, &offers)?;
            Ok(bulk::offer_categories(conn, &categories)?)
        })?;
        done += n;
    }
    Ok(book)
}

/// The status mix of the requests: most are finished, a quarter is still open.
fn random_status(rng: &mut StdRng) -> HelpRequestStatus {
    match rng.gen_range(0..100) {
        0..=24 => HelpRequestStatus::Open,
        25..=34 => HelpRequestStatus::Proposed,
        35..=49 => HelpRequestStatus::Matched,
        50..=79 => HelpRequestStatus::Completed,
        80..=91 => HelpRequestStatus::Cancelled,
        _ => HelpRequestStatus::Escalated,
    }
}

#[allow(clippy::too_many_arguments)]
fn seed_requests(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    areas: &[&Pc4Area],
    (residents, volunteers): (&[String], &[String]),
    book: &mut OfferBook,
    plan: &SeedPlan,
    now: NaiveDateTime,
    sample: &mut dyn Write,
) -> Result<(usize, usize), AppError> {
    let reasons = EscalationReason::ALL;
    let mut sampled = std::collections::HashSet::new();
    let (mut match_count, mut case_count, mut done) = (0, 0, 0);
    while done < plan.requests {
        let n = BLOCK.min(plan.requests - done);
        let mut requests = Vec::with_capacity(n);
        let mut matches = Vec::new();
        let mut cases = Vec::new();
        for _ in 0..n {
            let resident = rng.gen_range(0..residents.len());
            let c = rng.gen_range(0..Category::ALL.len());
            let category = Category::ALL[c];
            let domain = *category
                .domains()
                .choose(rng)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("category without domain")))?;
            let area = areas[rng.gen_range(0..areas.len())];
            let mut status = random_status(rng);
            let live = matches!(
                status,
                HelpRequestStatus::Open
                    | HelpRequestStatus::Proposed
                    | HelpRequestStatus::Escalated
            );
            // Live requests are recent (older ones would have escalated); the rest spread
            // over half a year.
            let age_days = if live {
                rng.gen_range(0..10)
            } else {
                rng.gen_range(10..180)
            };
            let created_at =
                now - Duration::days(age_days) - Duration::minutes(rng.gen_range(0..1440));
            let offer = match status {
                HelpRequestStatus::Proposed | HelpRequestStatus::Matched => {
                    let slot = book.free_slot(rng, c);
                    if slot.is_none() {
                        status = HelpRequestStatus::Open;
                    }
                    slot
                }
                HelpRequestStatus::Completed => {
                    book.by_category[c].choose(rng).map(|&i| i as usize)
                }
                _ => None,
            };
            if offer.is_none() && status == HelpRequestStatus::Completed {
                status = HelpRequestStatus::Cancelled;
            }
            let (availability, parsed) = availability_json(&random_availability(rng, 60, 0.3))?;
            let window = parsed.date_window();
            let remote_ok = category.remote_possible() && rng.gen_bool(0.3);
            let request = NewHelpRequest {
                id: uuid::Uuid::new_v4().to_string(),
                requester_id: residents[resident].clone(),
                domain: domain.as_str().to_owned(),
                category: category.code().to_owned(),
                title: format!("{} gezocht", category.name_nl()),
                description: format!(
                    "Wie kan mij helpen? Ik woon in {} en zoek iemand voor {}.",
                    area.pc4,
                    category.name_nl().to_lowercase()
                ),
                pc4: format!("{:04}", area.pc4),
                municipality_code: area.municipality_code.clone(),
                lat: area.lat,
                lon: area.lon,
                urgency: [
                    Urgency::Low,
                    Urgency::Normal,
                    Urgency::Normal,
                    Urgency::High,
                ][rng.gen_range(0..4)]
                .as_str()
                .to_owned(),
                involves_minor: domain == crate::domain::LawDomain::Jeugdwet && rng.gen_bool(0.5),
                remote_ok,
                max_distance_km: [None, None, Some(5.0), Some(10.0), Some(15.0), Some(25.0)]
                    [rng.gen_range(0..6)],
                availability,
                available_from: window.from,
                available_until: window.until,
                session_minutes: 60,
                consent_municipality: rng.gen_bool(0.8),
                status: status.as_str().to_owned(),
                created_at,
                updated_at: created_at,
                status_changed_at: created_at,
            };
            if let Some(i) = offer {
                let (match_status, proposed_at) = match status {
                    HelpRequestStatus::Proposed => {
                        book.load[i] += 1;
                        (
                            MatchStatus::Proposed,
                            now - Duration::hours(rng.gen_range(1..40)),
                        )
                    }
                    HelpRequestStatus::Matched => {
                        book.load[i] += 1;
                        (MatchStatus::Accepted, created_at + Duration::hours(2))
                    }
                    _ => (MatchStatus::Completed, created_at + Duration::hours(2)),
                };
                matches.push(seed_match(
                    &request,
                    book,
                    i,
                    volunteers,
                    match_status,
                    proposed_at,
                ));
            }
            if status == HelpRequestStatus::Escalated {
                cases.push(SeedCase {
                    id: uuid::Uuid::new_v4().to_string(),
                    request_id: request.id.clone(),
                    municipality_code: request.municipality_code.clone(),
                    reason: reasons[rng.gen_range(0..reasons.len())].as_str().to_owned(),
                    status: "open".to_owned(),
                    assigned_to: None,
                    opened_at: created_at + Duration::hours(48),
                    claimed_at: None,
                    updated_at: created_at + Duration::hours(48),
                });
            }
            if sampled.len() < plan.sample_owners && sampled.insert(resident) {
                writeln!(sample, "{},{}", resident_email(resident), request.id)
                    .map_err(|e| AppError::Internal(e.into()))?;
            }
            requests.push(request);
        }
        db::write_transaction(conn, |conn| {
            bulk::help_requests(conn, &requests)?;
            bulk::matches(conn, &matches)?;
            Ok(bulk::cases(conn, &cases)?)
        })?;
        match_count += matches.len();
        case_count += cases.len();
        done += n;
    }
    Ok((match_count, case_count))
}

fn seed_match(
    request: &NewHelpRequest,
    book: &OfferBook,
    offer: usize,
    volunteers: &[String],
    status: MatchStatus,
    proposed_at: NaiveDateTime,
) -> Match {
    let answered = status != MatchStatus::Proposed;
    Match {
        id: uuid::Uuid::new_v4().to_string(),
        request_id: request.id.clone(),
        offer_id: book.ids[offer].clone(),
        volunteer_id: Some(volunteers[book.volunteer[offer] as usize].clone()),
        status: status.as_str().to_owned(),
        score: 0.7,
        score_parts: r#"{"proximity":0.8,"availability":0.6,"same_municipality":1.0,"continuity":0.0,"load":0.5}"#.to_owned(),
        explanation: "in de buurt en op hetzelfde moment beschikbaar".to_owned(),
        decline_reason: None,
        proposed_at,
        expires_at: proposed_at + Duration::hours(48),
        responded_at: answered.then_some(proposed_at + Duration::hours(3)),
        closed_at: (status == MatchStatus::Completed).then_some(proposed_at + Duration::days(7)),
        created_by: "incremental".to_owned(),
        updated_at: proposed_at,
    }
}

/// Latency of the candidate search alone (what `POST /help-requests` does before it writes:
/// the in-memory index ranks, the best are read again and checked), for `samples` synthetic
/// requests at random PC4s, categories and distances, after the index is built. Returns the
/// durations in microseconds and the mean number of candidates confirmed.
pub fn time_candidate_search(
    conn: &mut DbConnection,
    gazetteer: &Gazetteer,
    samples: usize,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<(Vec<u64>, f64), AppError> {
    let mut rng = StdRng::seed_from_u64(7);
    let areas: Vec<&Pc4Area> = gazetteer.postcodes().collect();
    let mut micros = Vec::with_capacity(samples);
    let mut candidates = 0usize;
    for _ in 0..samples {
        let area = areas[rng.gen_range(0..areas.len())];
        let category = Category::ALL[rng.gen_range(0..Category::ALL.len())];
        let row = RequestRow {
            id: uuid::Uuid::new_v4().to_string(),
            requester_id: None,
            domain: category.domains()[0].as_str().to_owned(),
            category: category.code().to_owned(),
            lat: area.lat,
            lon: area.lon,
            municipality_code: area.municipality_code.clone(),
            max_distance_km: [None, Some(10.0), Some(25.0)][rng.gen_range(0..3)],
            remote_ok: category.remote_possible() && rng.gen_bool(0.3),
            involves_minor: false,
            availability: "{}".to_owned(),
            session_minutes: 60,
            urgency: "normal".to_owned(),
            status: "open".to_owned(),
            created_at: now,
        };
        let started = Instant::now();
        let found = super::candidate_search::candidate_search(conn, &row, now, policy)?;
        micros.push(started.elapsed().as_micros() as u64);
        candidates += found.len();
    }
    Ok((micros, candidates as f64 / samples.max(1) as f64))
}
