//! The privacy rights of a person a case worker recorded requests for (AVG art. 15 and 17):
//! they have no account, so they ask the municipality, and a case worker of the
//! municipality exports or erases their data. A person who claimed their requests into an
//! account uses that account's export and erasure instead, which cover the person record.

use chrono::NaiveDateTime;

use super::{ending::end_resident_side, ErasureReport};
use crate::{
    db::{
        self, audit::AuditEntry, help_requests::HelpRequest, matches::Match, people::Person,
        people::Representation, DbConnection,
    },
    domain::{PersonId, UserId},
    error::AppError,
    services::{intake, notify},
};

/// Everything held about a recorded person.
#[derive(Debug)]
pub struct PersonRecord {
    /// The person.
    pub person: Person,
    /// Their requests with who recorded each, oldest first.
    pub requests: Vec<(HelpRequest, Representation)>,
    /// The proposals and matches of those requests.
    pub matches: Vec<Match>,
    /// Audit entries about the person and their requests.
    pub audit: Vec<AuditEntry>,
}

/// Gathers the person's data for an export by a case worker of their municipality; the read
/// is audited (`person.exported`).
pub fn export(
    conn: &mut DbConnection,
    worker: &UserId,
    person: &Option<PersonId>,
    now: NaiveDateTime,
) -> Result<PersonRecord, AppError> {
    let (municipality, person) = intake::person_of_municipality(conn, worker, person)?;
    let entry = AuditEntry::new(
        now,
        Some(worker.as_str()),
        "case_worker",
        "person.exported",
        "person",
        person.id.as_str(),
    )
    .in_municipality(&municipality);
    db::audit::record(conn, &entry)?;
    let requests = db::people::requests_of(conn, &person.id)?;
    let mut matches = Vec::new();
    let mut object_ids = vec![person.id.to_string()];
    for (request, _) in &requests {
        matches.extend(db::matches::for_request(conn, &request.id)?);
        object_ids.push(request.id.to_string());
    }
    object_ids.extend(matches.iter().map(|m| m.id.to_string()));
    let audit = db::audit::about_objects(conn, &object_ids)?;
    Ok(PersonRecord {
        person,
        requests,
        matches,
        audit,
    })
}

/// Erases a recorded person at their request, in one transaction: their requests that no
/// account owns are cancelled (a live proposal or match ends; the volunteer of an accepted
/// one is told), their cases closed and anonymised, the requests anonymised, and the person
/// record keeps only its id and dates. 409 when the person claimed their requests (they
/// erase through their account). The person is marked first, so a claim racing the erasure
/// finds the code gone.
pub fn erase(
    conn: &mut DbConnection,
    worker: &UserId,
    person: &Option<PersonId>,
    now: NaiveDateTime,
    channels: notify::Channels,
) -> Result<ErasureReport, AppError> {
    let (municipality, person) = intake::person_of_municipality(conn, worker, person)?;
    if person.claimed_by.is_some() {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-erase-in-account"),
            existing_id: None,
        });
    }
    if !db::people::erase_unclaimed(conn, &person.id, now)? {
        // Claimed (or erased) meanwhile: the claim came first.
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-erase-in-account"),
            existing_id: None,
        });
    }
    let mut report = ErasureReport {
        erased_at: now.and_utc(),
        help_requests_anonymised: 0,
        help_requests_cancelled: 0,
        offers_withdrawn: 0,
        matches_ended: 0,
        cases_closed: 0,
        sessions_revoked: 0,
        notifications_deleted: 0,
    };
    let requests: Vec<HelpRequest> = db::people::requests_of(conn, &person.id)?
        .into_iter()
        .map(|(r, _)| r)
        .filter(|r| r.requester_id.is_none())
        .collect();
    end_resident_side(
        conn,
        (worker, "case_worker"),
        &requests,
        now,
        channels,
        &mut report,
    )?;
    let ids: Vec<String> = requests.iter().map(|r| r.id.to_string()).collect();
    let cases = db::privacy::cases_of(conn, &ids)?;
    db::privacy::anonymise_cases(conn, &cases, now)?;
    db::privacy::clear_match_reasons(conn, &ids, &[])?;
    report.help_requests_anonymised = db::privacy::anonymise_requests(conn, &ids, now)?;
    let entry = AuditEntry::new(
        now,
        Some(worker.as_str()),
        "case_worker",
        "person.erased",
        "person",
        person.id.as_str(),
    )
    .in_municipality(&municipality);
    db::audit::record(conn, &entry)?;
    Ok(report)
}
