//! Timing the candidate search over a seeded database (`hulpmarkt seed --time-candidate-search`).

use super::*;

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
            id: HelpRequestId(uuid::Uuid::new_v4().to_string()),
            requester_id: None,
            domain: category.domains()[0],
            category,
            lat: area.lat,
            lon: area.lon,
            municipality_code: area.municipality_code.clone(),
            max_distance_km: [None, Some(10.0), Some(25.0)][rng.gen_range(0..3)],
            remote_ok: category.remote_possible() && rng.gen_bool(0.3),
            involves_minor: false,
            availability: Availability::default(),
            session_minutes: 60,
            urgency: Urgency::Normal,
            status: crate::domain::HelpRequestStatus::Open,
            created_at: now,
        };
        let started = Instant::now();
        let found = crate::services::candidate_search::candidate_search(conn, &row, now, policy)?;
        micros.push(started.elapsed().as_micros() as u64);
        candidates += found.len();
    }
    Ok((micros, candidates as f64 / samples.max(1) as f64))
}
