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
        help_requests::NewHelpRequest,
        help_requests::RequestRow,
        matches::Match,
        offers::NewOffer,
        users::NewUser,
        DbConnection,
    },
    domain::{
        Availability, AvailabilityInput, Category, EscalationReason, HelpRequestId,
        HelpRequestStatus, MatchId, MatchOrigin, MatchStatus, OfferId, SlotInput, Urgency, UserId,
    },
    error::AppError,
    geo::{Gazetteer, Pc4Area},
    services::matching::Policy,
};

/// Rows written per transaction.
mod requests;
mod timing;

use requests::seed_requests;
pub use timing::time_candidate_search;

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
    ids: Vec<OfferId>,
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

fn validated(input: &AvailabilityInput) -> Result<Availability, AppError> {
    Availability::parse(input).map_err(|errors| {
        AppError::Internal(anyhow::anyhow!("seed availability invalid: {errors:?}"))
    })
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
        id: UserId(uuid::Uuid::new_v4().to_string()),
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
    let volunteer_ids: Vec<UserId> = users.iter().map(|u| u.id.clone()).collect();
    in_blocks(conn, &users, bulk::users)?;
    drop(users);
    // A third of the volunteers has a recent VOG, so youth requests can be matched too.
    let vog: Vec<String> = volunteer_ids
        .iter()
        .step_by(3)
        .map(ToString::to_string)
        .collect();
    db::write_transaction(conn, |conn| {
        Ok(bulk::set_vog(conn, &vog, now.date() - Duration::days(200))?)
    })?;
    let users: Vec<NewUser> = (0..residents)
        .map(|i| new_user(resident_email(i), format!("Bewoner {i}"), &hash, false, now))
        .collect();
    let resident_ids: Vec<UserId> = users.iter().map(|u| u.id.clone()).collect();
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
        .map(|i| (book.ids[i].to_string(), i32::from(book.load[i])))
        .collect();
    db::write_transaction(conn, |conn| Ok(bulk::set_loads(conn, &loads)?))?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn seed_offers(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    areas: &[&Pc4Area],
    volunteers: &[UserId],
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
            let availability = validated(&random_availability(rng, 15, 0.2))?;
            let window = availability.date_window();
            let capacity: u8 = rng.gen_range(1..=3);
            let offer = NewOffer {
                id: OfferId(uuid::Uuid::new_v4().to_string()),
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
                status: crate::domain::OfferStatus::Active,
                created_at: now - Duration::days(rng.gen_range(0..365)),
                updated_at: now,
            };
            for &c in &codes {
                categories.push(NewOfferCategory {
                    offer_id: offer.id.to_string(),
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
