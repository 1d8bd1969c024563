//! People a request was recorded for (`people`) and who recorded which request for whom
//! (`representations`); see `domain::intake`. Personal data: read only through services that
//! check the caller's municipality or that the caller recorded the person.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    schema::{help_requests, people, representations},
    DbConnection,
};
use crate::domain::{
    ConsentWay, ContactRoute, HelpRequestId, PersonId, RecorderRole, RequestChannel, UserId,
};

/// A person a request was recorded for.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = people)]
pub struct Person {
    /// Id.
    pub id: PersonId,
    /// The municipality the person lives in (of the first request's PC4).
    pub municipality_code: String,
    /// Name (neutral text after erasure).
    pub name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Address line.
    pub address_line: Option<String>,
    /// The case worker or carer who recorded the person.
    pub recorded_by: Option<UserId>,
    /// Whose record the person is: the municipality's or a carer's.
    pub recorder_role: RecorderRole,
    /// Recorded at.
    pub created_at: NaiveDateTime,
    /// The account that claimed the person's requests.
    pub claimed_by: Option<UserId>,
    /// Claimed at.
    pub claimed_at: Option<NaiveDateTime>,
    /// SHA-256 of the live claim code.
    pub claim_code_hash: Option<String>,
    /// When the claim code stops working.
    pub claim_code_expires_at: Option<NaiveDateTime>,
    /// When the person's data was erased.
    pub erased_at: Option<NaiveDateTime>,
}

/// Who recorded a request for whom, with the consent as recorded.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = representations)]
pub struct Representation {
    /// The request.
    pub request_id: HelpRequestId,
    /// The person it is for.
    pub person_id: PersonId,
    /// The case worker or carer who recorded it.
    pub recorded_by: Option<UserId>,
    /// Their role.
    pub recorder_role: RecorderRole,
    /// How the person consented.
    pub consent_via: ConsentWay,
    /// When the consent was recorded.
    pub consent_recorded_at: NaiveDateTime,
    /// Whom the volunteer contacts.
    pub contact: ContactRoute,
}

/// Stores a new person.
pub fn insert_person(conn: &mut DbConnection, person: &Person) -> QueryResult<()> {
    diesel::insert_into(people::table)
        .values(person)
        .execute(conn)
        .map(drop)
}

/// Stores who recorded a request for whom.
pub fn insert_representation(conn: &mut DbConnection, r: &Representation) -> QueryResult<()> {
    diesel::insert_into(representations::table)
        .values(r)
        .execute(conn)
        .map(drop)
}

/// A person by id (erased ones too: callers decide).
pub fn find(conn: &mut DbConnection, id: &PersonId) -> QueryResult<Option<Person>> {
    people::table
        .find(id.as_str())
        .select(Person::as_select())
        .first(conn)
        .optional()
}

/// The representation of request `id` with its person, if it was recorded for someone.
pub fn of_request(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(Representation, Person)>> {
    representations::table
        .inner_join(people::table)
        .filter(representations::request_id.eq(id))
        .select((Representation::as_select(), Person::as_select()))
        .first(conn)
        .optional()
}

/// The representations (with persons) of the requests `ids`.
pub fn of_requests(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(Representation, Person)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    representations::table
        .inner_join(people::table)
        .filter(representations::request_id.eq_any(ids))
        .select((Representation::as_select(), Person::as_select()))
        .load(conn)
}

/// Ids of the requests recorded for `person`, oldest first.
pub fn request_ids_of(conn: &mut DbConnection, person: &PersonId) -> QueryResult<Vec<String>> {
    representations::table
        .inner_join(help_requests::table)
        .filter(representations::person_id.eq(person.as_str()))
        .order(help_requests::created_at.asc())
        .select(representations::request_id)
        .load(conn)
}

/// People recorded by `user` (a carer's export and erasure) or who claimed into `user`.
pub fn linked_to(conn: &mut DbConnection, user: &UserId) -> QueryResult<Vec<Person>> {
    people::table
        .filter(
            people::recorded_by
                .eq(user.as_str())
                .or(people::claimed_by.eq(user.as_str())),
        )
        .order(people::created_at.asc())
        .select(Person::as_select())
        .load(conn)
}

/// Sets a new claim code for a person who has not claimed yet and is not erased; a newer
/// code replaces the older. False when the person has claimed or was erased meanwhile.
pub fn set_claim_code(
    conn: &mut DbConnection,
    id: &PersonId,
    hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        people::table
            .find(id.as_str())
            .filter(people::claimed_by.is_null())
            .filter(people::erased_at.is_null()),
    )
    .set((
        people::claim_code_hash.eq(hash),
        people::claim_code_expires_at.eq(expires_at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Uses a claim code: the person whose live code has this hash becomes claimed by `user`,
/// in one conditional update, so a code works once even when sent twice at the same time.
pub fn take_claim_code(
    conn: &mut DbConnection,
    hash: &str,
    user: &UserId,
    now: NaiveDateTime,
) -> QueryResult<Option<PersonId>> {
    let found: Option<PersonId> = people::table
        .filter(people::claim_code_hash.eq(hash))
        .select(people::id)
        .first(conn)
        .optional()?;
    let Some(id) = found else {
        return Ok(None);
    };
    let taken = diesel::update(
        people::table
            .find(id.as_str())
            .filter(people::claim_code_hash.eq(hash))
            .filter(people::claim_code_expires_at.gt(now))
            .filter(people::claimed_by.is_null())
            .filter(people::erased_at.is_null()),
    )
    .set((
        people::claimed_by.eq(user.as_str()),
        people::claimed_at.eq(now),
        people::claim_code_hash.eq(None::<String>),
        people::claim_code_expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok((taken == 1).then_some(id))
}

/// Gives the person's requests that nobody owns yet (recorded by a case worker) to `user`.
pub fn hand_requests_to(
    conn: &mut DbConnection,
    person: &PersonId,
    user: &UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let ids = representations::table
        .filter(representations::person_id.eq(person.as_str()))
        .select(representations::request_id);
    diesel::update(
        help_requests::table
            .filter(help_requests::id.eq_any(ids))
            .filter(help_requests::requester_id.is_null())
            .filter(help_requests::anonymised_at.is_null()),
    )
    .set((
        help_requests::requester_id.eq(user.as_str()),
        help_requests::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Erases a person's data: neutral name, no phone, address or claim code. Ids and dates stay
/// (the municipality's accounting). False when erased already.
pub fn erase(conn: &mut DbConnection, id: &PersonId, now: NaiveDateTime) -> QueryResult<bool> {
    erase_where(conn, id, now, false)
}

/// [`erase`], but only while nobody claimed the person: the erasure a case worker does at the
/// person's request, which a claim committed first must stop (then the account decides).
pub fn erase_unclaimed(
    conn: &mut DbConnection,
    id: &PersonId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    erase_where(conn, id, now, true)
}

fn erase_where(
    conn: &mut DbConnection,
    id: &PersonId,
    now: NaiveDateTime,
    unclaimed_only: bool,
) -> QueryResult<bool> {
    let mut update = diesel::update(people::table)
        .filter(people::id.eq(id.as_str()))
        .filter(people::erased_at.is_null())
        .into_boxed();
    if unclaimed_only {
        update = update.filter(people::claimed_by.is_null());
    }
    update
        .set((
            people::name.eq(super::privacy::ANONYMISED_TEXT),
            people::phone.eq(None::<String>),
            people::address_line.eq(None::<String>),
            people::claim_code_hash.eq(None::<String>),
            people::claim_code_expires_at.eq(None::<NaiveDateTime>),
            people::erased_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// One page of the requests case workers recorded in `municipality` that no account owns
/// yet (only those in `status`, if given), newest first, and the total.
pub fn recorded_in(
    conn: &mut DbConnection,
    municipality: &str,
    status: Option<crate::domain::HelpRequestStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<super::help_requests::HelpRequest>, i64)> {
    let query = || {
        let mut q = help_requests::table
            .inner_join(representations::table)
            .filter(help_requests::municipality_code.eq(municipality))
            .filter(help_requests::channel.eq(RequestChannel::Phone.as_str()))
            .filter(help_requests::requester_id.is_null())
            .filter(help_requests::anonymised_at.is_null())
            .into_boxed();
        if let Some(status) = status {
            q = q.filter(help_requests::status.eq(status.as_str()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order((help_requests::created_at.desc(), help_requests::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(super::help_requests::HelpRequest::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The person's still-open (`open` or `proposed`) requests in `category` created at or after
/// `since`: the candidates for the duplicate check of a recorded request.
pub fn recent_open_for(
    conn: &mut DbConnection,
    person: &PersonId,
    category: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<super::help_requests::HelpRequest>> {
    use crate::domain::HelpRequestStatus::{Open, Proposed};
    help_requests::table
        .inner_join(representations::table)
        .filter(representations::person_id.eq(person.as_str()))
        .filter(help_requests::category.eq(category))
        .filter(help_requests::status.eq_any([Open.as_str(), Proposed.as_str()]))
        .filter(help_requests::created_at.ge(since))
        .order(help_requests::created_at.desc())
        .select(super::help_requests::HelpRequest::as_select())
        .load(conn)
}

/// Request `id` if a case worker recorded it in `municipality` and no account owns it yet.
pub fn find_recorded(
    conn: &mut DbConnection,
    id: &HelpRequestId,
    municipality: &str,
) -> QueryResult<Option<super::help_requests::HelpRequest>> {
    help_requests::table
        .find(id.as_str())
        .filter(help_requests::municipality_code.eq(municipality))
        .filter(help_requests::channel.eq(RequestChannel::Phone.as_str()))
        .filter(help_requests::requester_id.is_null())
        .filter(help_requests::anonymised_at.is_null())
        .select(super::help_requests::HelpRequest::as_select())
        .first(conn)
        .optional()
}

/// The requests recorded for `person`, with who recorded each, oldest first.
pub fn requests_of(
    conn: &mut DbConnection,
    person: &PersonId,
) -> QueryResult<Vec<(super::help_requests::HelpRequest, Representation)>> {
    help_requests::table
        .inner_join(representations::table)
        .filter(representations::person_id.eq(person.as_str()))
        .order((help_requests::created_at.asc(), help_requests::id.asc()))
        .select((
            super::help_requests::HelpRequest::as_select(),
            Representation::as_select(),
        ))
        .load(conn)
}

/// Holds the row of a person who is not erased until the transaction ends (an update that
/// changes nothing takes the row lock on PostgreSQL; SQLite has one writer). False when the
/// person is erased or unknown.
pub fn lock_live(conn: &mut DbConnection, id: &PersonId) -> QueryResult<bool> {
    diesel::update(
        people::table
            .find(id.as_str())
            .filter(people::erased_at.is_null()),
    )
    .set(people::id.eq(people::id))
    .execute(conn)
    .map(|n| n == 1)
}

/// Retention: erases up to `limit` people in `scope` recorded before `cutoff` whose requests
/// are all anonymised (or who have none), and who did not claim them into an account (then
/// the account's erasure covers them). Returns how many were erased.
pub fn erase_unused_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    scope: &super::privacy::Scope,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<usize> {
    use diesel::dsl::{exists, not};
    let live_request = representations::table
        .inner_join(help_requests::table)
        .filter(representations::person_id.eq(people::id))
        .filter(help_requests::anonymised_at.is_null());
    let query = people::table
        .filter(people::erased_at.is_null())
        .filter(people::claimed_by.is_null())
        .filter(people::created_at.lt(cutoff))
        .filter(not(exists(live_request)))
        .into_boxed();
    let query = match scope {
        super::privacy::Scope::Only(code) => {
            query.filter(people::municipality_code.eq(code.clone()))
        }
        super::privacy::Scope::Except(codes) => {
            query.filter(people::municipality_code.ne_all(codes.clone()))
        }
    };
    let ids: Vec<PersonId> = query.select(people::id).limit(limit).load(conn)?;
    let mut erased = 0;
    for id in &ids {
        erased += usize::from(erase(conn, id, now)?);
    }
    Ok(erased)
}
