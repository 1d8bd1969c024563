//! Requests recorded for someone else (see `domain::intake`): a case worker records the
//! request of a resident without an account, or an informal carer posts for the person they
//! care for, each with the person's consent as they recorded it. The request then goes
//! through exactly the same matching as one posted online; the person's details go to the
//! volunteer after acceptance, as a resident's do.

use chrono::{Duration, NaiveDateTime};

mod contact;
pub use contact::{contact_for_volunteer, RequestContact};

use super::{accounts, escalation, help_requests::duplicates, matching};
use crate::{
    db::{
        self,
        audit::AuditEntry,
        help_requests::{HelpRequest, NewHelpRequest},
        people::{Person, Representation},
        DbConnection,
    },
    domain::{
        AddressLine, ClaimCode, ConsentWay, ContactRoute, DisplayName, FieldError, FieldErrorCode,
        PersonId, Phone, RecorderRole, RequestChannel, Role, UserId,
    },
    error::AppError,
};

/// Whom a request is recorded for, as validated at the edge.
#[derive(Debug, Clone)]
pub enum PersonInput {
    /// A person recorded before (by this carer, or in this case worker's municipality).
    Known(PersonId),
    /// A new person.
    New {
        /// Name.
        name: DisplayName,
        /// Phone.
        phone: Option<Phone>,
        /// Address line.
        address_line: Option<AddressLine>,
    },
}

/// The `for_person` part of a posted request.
#[derive(Debug, Clone)]
pub struct ForPerson {
    /// The person.
    pub person: PersonInput,
    /// How they consented.
    pub given_via: ConsentWay,
    /// Whom the volunteer contacts.
    pub contact: ContactRoute,
}

/// A request recorded for someone, as stored.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The request.
    pub request: HelpRequest,
    /// Whether the municipality is the fallback there.
    pub fallback: bool,
    /// Who recorded it for whom.
    pub representation: Representation,
    /// The person.
    pub person: Person,
}

fn field(name: &str, code: FieldErrorCode, message: crate::domain::Message) -> AppError {
    AppError::Validation(vec![FieldError::new(name, message).code(code)])
}

/// Records `new` for the person in `input`: by a case worker (for a resident without an
/// account in their municipality; nobody owns the request until the person claims it) or by
/// an informal carer (who owns it and is the contact unless the person is). Matching is the
/// same as for any request. Audited: who recorded what for whom, and how consent was given.
pub fn record(
    conn: &mut DbConnection,
    recorder: &UserId,
    mut new: NewHelpRequest,
    input: ForPerson,
    confirmed: bool,
    now: NaiveDateTime,
    policy: &matching::Policy,
) -> Result<Recorded, AppError> {
    let account = accounts::acting_as(conn, recorder, None)?;
    let role = if account.is_case_worker {
        RecorderRole::CaseWorker
    } else if account.is_resident {
        RecorderRole::Carer
    } else {
        return Err(crate::auth::extract::role_required(Role::Resident));
    };
    if role == RecorderRole::CaseWorker {
        let own = account.municipality_code.as_deref().unwrap_or_default();
        if new.municipality_code != own {
            return Err(field(
                "postcode",
                FieldErrorCode::NotAllowed,
                crate::msg!("field-postcode-not-yours"),
            ));
        }
        if input.contact == ContactRoute::Carer {
            return Err(field(
                "for_person.contact",
                FieldErrorCode::NotAllowed,
                crate::msg!("field-contact-is-person"),
            ));
        }
        new.requester_id = None;
        new.channel = RequestChannel::Phone;
        // The municipality recorded the request itself: it may read it if it escalates.
        new.consent_municipality = true;
    } else {
        new.requester_id = Some(recorder.clone());
        new.channel = RequestChannel::Carer;
    }
    let person = person_for(conn, recorder, role, &new, &input, now)?;
    if !confirmed {
        refuse_near_duplicate(conn, &person.id, &new)?;
    }
    let stored = matching::store_and_propose(conn, new, now, policy)?;
    let representation = Representation {
        request_id: stored.id.clone(),
        person_id: person.id.clone(),
        recorded_by: Some(recorder.clone()),
        recorder_role: role,
        consent_via: input.given_via,
        consent_recorded_at: now,
        contact: input.contact,
    };
    db::people::insert_representation(conn, &representation)?;
    let detail = serde_json::json!({
        "person_id": person.id.as_str(),
        "consent_via": input.given_via.as_str(),
        "contact": input.contact.as_str(),
    });
    let entry = AuditEntry::new(
        now,
        Some(recorder.as_str()),
        role.as_str(),
        "help_request.recorded_for",
        "help_request",
        stored.id.as_str(),
    )
    .in_municipality(&stored.municipality_code)
    .with_detail(detail.to_string());
    db::audit::record(conn, &entry)?;
    let fallback = escalation::has_fallback(conn, &stored.municipality_code)?;
    Ok(Recorded {
        request: stored,
        fallback,
        representation,
        person,
    })
}

/// The person a new request is for: a known one the recorder may use, or a new one.
fn person_for(
    conn: &mut DbConnection,
    recorder: &UserId,
    role: RecorderRole,
    new: &NewHelpRequest,
    input: &ForPerson,
    now: NaiveDateTime,
) -> Result<Person, AppError> {
    match &input.person {
        PersonInput::Known(id) => {
            // Held until commit, so an erasure of the person cannot slip in between.
            if !db::people::lock_live(conn, id)? {
                return Err(AppError::NotFound("not-found-person"));
            }
            let person = db::people::find(conn, id)?
                .filter(|p| p.erased_at.is_none())
                .filter(|p| p.recorder_role == role)
                .filter(|p| match role {
                    RecorderRole::CaseWorker => p.municipality_code == new.municipality_code,
                    RecorderRole::Carer => p.recorded_by.as_ref() == Some(recorder),
                })
                .ok_or(AppError::NotFound("not-found-person"))?;
            if role == RecorderRole::CaseWorker && person.claimed_by.is_some() {
                return Err(AppError::Conflict {
                    detail: crate::msg!("conflict-person-has-account"),
                    existing_id: None,
                });
            }
            if input.contact == ContactRoute::Person && person.phone.is_none() {
                return Err(field(
                    "for_person.contact",
                    FieldErrorCode::NotAllowed,
                    crate::msg!("field-person-no-phone"),
                ));
            }
            Ok(person)
        }
        PersonInput::New {
            name,
            phone,
            address_line,
        } => {
            if phone.is_none() && input.contact == ContactRoute::Person {
                return Err(field(
                    "for_person.phone",
                    FieldErrorCode::Required,
                    crate::msg!("field-person-phone-required"),
                ));
            }
            let person = Person {
                id: PersonId::generate(),
                municipality_code: new.municipality_code.clone(),
                name: name.as_str().to_owned(),
                phone: phone.as_ref().map(|p| p.as_str().to_owned()),
                address_line: address_line.as_ref().map(|a| a.as_str().to_owned()),
                recorded_by: Some(recorder.clone()),
                recorder_role: role,
                created_at: now,
                claimed_by: None,
                claimed_at: None,
                claim_code_hash: None,
                claim_code_expires_at: None,
                erased_at: None,
            };
            db::people::insert_person(conn, &person)?;
            Ok(person)
        }
    }
}

/// 409 naming the earlier request when the person already has a nearly identical open one in
/// the same category (the rule for one's own requests, applied per person).
fn refuse_near_duplicate(
    conn: &mut DbConnection,
    person: &PersonId,
    new: &NewHelpRequest,
) -> Result<(), AppError> {
    let since = new.created_at - Duration::days(duplicates::DUPLICATE_WINDOW_DAYS);
    let earlier = db::people::recent_open_for(conn, person, new.category.code(), since)?;
    let this = (new.title.as_str(), new.description.as_str());
    match earlier
        .iter()
        .find(|r| duplicates::nearly_same(this, (&r.title, &r.description)))
    {
        Some(twin) => Err(AppError::Conflict {
            detail: crate::msg!(
                "conflict-duplicate-recorded",
                date = twin.created_at.date().to_string()
            ),
            existing_id: Some(twin.id.to_string()),
        }),
        None => Ok(()),
    }
}

/// A new one-time claim code for a person of the case worker's municipality who has not
/// claimed yet; an older code stops working. Returns the code (shown once) and its end.
pub fn issue_claim_code(
    conn: &mut DbConnection,
    worker: &UserId,
    person: &Option<PersonId>,
    now: NaiveDateTime,
) -> Result<(ClaimCode, NaiveDateTime), AppError> {
    let (_, person) = person_of_municipality(conn, worker, person)?;
    if person.claimed_by.is_some() {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-person-claimed"),
            existing_id: None,
        });
    }
    let code = ClaimCode::generate();
    let expires_at = now + ClaimCode::lifetime();
    if !db::people::set_claim_code(conn, &person.id, &code.hash(), expires_at)? {
        return Err(AppError::Conflict {
            detail: crate::msg!("conflict-person-changed"),
            existing_id: None,
        });
    }
    let entry = AuditEntry::new(
        now,
        Some(worker.as_str()),
        "case_worker",
        "person.claim_code_issued",
        "person",
        person.id.as_str(),
    )
    .in_municipality(&person.municipality_code);
    db::audit::record(conn, &entry)?;
    Ok((code, expires_at))
}

/// A resident takes the requests a case worker recorded for them into their account with
/// the code the case worker gave them. A code works once and for 30 days; an unknown, used
/// or expired code is one and the same 422 on `code`. Returns the person and the number of
/// requests taken over.
pub fn claim(
    conn: &mut DbConnection,
    resident: &UserId,
    code: &ClaimCode,
    now: NaiveDateTime,
) -> Result<(PersonId, usize), AppError> {
    accounts::acting_as(conn, resident, Some(Role::Resident))?;
    let Some(person) = db::people::take_claim_code(conn, &code.hash(), resident, now)? else {
        return Err(field(
            "code",
            FieldErrorCode::UnknownValue,
            crate::msg!("field-claim-code-invalid"),
        ));
    };
    let taken = db::people::hand_requests_to(conn, &person, resident, now)?;
    let municipality = db::people::find(conn, &person)?.map(|p| p.municipality_code);
    let mut entry = AuditEntry::new(
        now,
        Some(resident.as_str()),
        "resident",
        "person.claimed",
        "person",
        person.as_str(),
    )
    .with_detail(serde_json::json!({ "requests": taken }).to_string());
    if let Some(code) = &municipality {
        entry = entry.in_municipality(code);
    }
    db::audit::record(conn, &entry)?;
    Ok((person, taken))
}

/// The case worker's account and a person of their municipality, or 404 (also for another
/// municipality's person, an erased one, or a malformed id).
pub fn person_of_municipality(
    conn: &mut DbConnection,
    worker: &UserId,
    person: &Option<PersonId>,
) -> Result<(String, Person), AppError> {
    let account = accounts::acting_as(conn, worker, Some(Role::CaseWorker))?;
    let municipality = account.municipality_code.unwrap_or_default();
    let id = person
        .as_ref()
        .ok_or(AppError::NotFound("not-found-person"))?;
    let person = db::people::find(conn, id)?
        .filter(|p| p.erased_at.is_none() && p.municipality_code == municipality)
        .filter(|p| p.recorder_role == RecorderRole::CaseWorker)
        .ok_or(AppError::NotFound("not-found-person"))?;
    Ok((municipality, person))
}

/// A request a case worker recorded in `worker`'s municipality that no account owns yet, or
/// 404 (another municipality's, a claimed one, an online one, or a malformed id).
pub fn recorded_request(
    conn: &mut DbConnection,
    worker: &UserId,
    id: &Option<crate::domain::HelpRequestId>,
) -> Result<HelpRequest, AppError> {
    let account = accounts::acting_as(conn, worker, Some(Role::CaseWorker))?;
    let municipality = account.municipality_code.unwrap_or_default();
    let id = id
        .as_ref()
        .ok_or(AppError::NotFound("not-found-help-request"))?;
    db::people::find_recorded(conn, id, &municipality)?
        .ok_or(AppError::NotFound("not-found-help-request"))
}

/// Reads a recorded request for `worker` as [`recorded_request`] finds it, and records the
/// reading (`help_request.read_recorded`): the JSON API and the workplace read it this way.
pub fn read_recorded(
    conn: &mut DbConnection,
    worker: &UserId,
    id: &Option<crate::domain::HelpRequestId>,
    now: NaiveDateTime,
) -> Result<HelpRequest, AppError> {
    let row = recorded_request(conn, worker, id)?;
    let entry = AuditEntry::new(
        now,
        Some(worker.as_str()),
        "case_worker",
        "help_request.read_recorded",
        "help_request",
        row.id.as_str(),
    )
    .in_municipality(&row.municipality_code);
    db::audit::record(conn, &entry)?;
    Ok(row)
}

/// Cancels a recorded request of `municipality` at the resident's wish: a live proposal or
/// match ends (the volunteer who accepted is told) and an unresolved case closes. Returns
/// the request as it is now.
pub fn cancel_recorded(
    conn: &mut DbConnection,
    worker: &UserId,
    municipality: &str,
    id: &Option<crate::domain::HelpRequestId>,
    now: NaiveDateTime,
    channels: super::notify::Channels,
) -> Result<HelpRequest, AppError> {
    use crate::domain::HelpRequestStatus::{Cancelled, Escalated, Matched, Open, Proposed};
    let actor = super::help_requests::Actor::Intake(worker.clone());
    let allowed = &[Open, Proposed, Matched, Escalated];
    let id =
        super::help_requests::change_status(conn, id, &actor, Cancelled, allowed, now, channels)?;
    db::people::find_recorded(conn, &id, municipality)?
        .ok_or(AppError::NotFound("not-found-help-request"))
}
