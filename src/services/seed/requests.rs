//! Seeded help requests in mixed states, with their matches and cases.

use super::*;

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
pub(super) fn seed_requests(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    areas: &[&Pc4Area],
    (residents, volunteers): (&[UserId], &[UserId]),
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
            let availability = validated(&random_availability(rng, 60, 0.3))?;
            let window = availability.date_window();
            let remote_ok = category.remote_possible() && rng.gen_bool(0.3);
            let request = NewHelpRequest {
                id: HelpRequestId(uuid::Uuid::new_v4().to_string()),
                requester_id: Some(residents[resident].clone()),
                channel: crate::domain::RequestChannel::Online,
                domain,
                category,
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
                ][rng.gen_range(0..4)],
                involves_minor: domain == crate::domain::LawDomain::Jeugdwet && rng.gen_bool(0.5),
                remote_ok,
                max_distance_km: [None, None, Some(5.0), Some(10.0), Some(15.0), Some(25.0)]
                    [rng.gen_range(0..6)],
                availability,
                available_from: window.from,
                available_until: window.until,
                session_minutes: 60,
                consent_municipality: rng.gen_bool(0.8),
                status,
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
                    id: crate::domain::CaseId(uuid::Uuid::new_v4().to_string()),
                    request_id: request.id.clone(),
                    municipality_code: request.municipality_code.clone(),
                    reason: reasons[rng.gen_range(0..reasons.len())],
                    status: crate::domain::CaseStatus::Open,
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
    volunteers: &[UserId],
    status: MatchStatus,
    proposed_at: NaiveDateTime,
) -> Match {
    let answered = status != MatchStatus::Proposed;
    Match {
        id: MatchId(uuid::Uuid::new_v4().to_string()),
        request_id: request.id.clone(),
        offer_id: book.ids[offer].clone(),
        volunteer_id: Some(volunteers[book.volunteer[offer] as usize].clone()),
        status,
        score: 0.7,
        score_parts: r#"{"proximity":0.8,"availability":0.6,"same_municipality":1.0,"continuity":0.0,"load":0.5}"#.to_owned(),
        explanation: "in de buurt en op hetzelfde moment beschikbaar".to_owned(),
        decline_reason: None,
        proposed_at,
        expires_at: proposed_at + Duration::hours(48),
        responded_at: answered.then_some(proposed_at + Duration::hours(3)),
        closed_at: (status == MatchStatus::Completed).then_some(proposed_at + Duration::days(7)),
        created_by: MatchOrigin::Incremental,
        updated_at: proposed_at,
    }
}
