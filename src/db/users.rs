//! User accounts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{schema::users, DbConnection};
use crate::domain::{Language, Role, SuspensionReason, UserId};

mod lifecycle;
mod locking;
pub use lifecycle::*;
pub use locking::*;

/// A stored account.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Lower-cased e-mail (the login name); a placeholder after erasure.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Name shown to the other side once a match is accepted.
    pub display_name: String,
    /// Phone, shown to the other side once a match is accepted.
    pub phone: Option<String>,
    /// May post help requests.
    pub is_resident: bool,
    /// May register offers.
    pub is_volunteer: bool,
    /// Works a municipality's case queue.
    pub is_case_worker: bool,
    /// Administers the service.
    pub is_admin: bool,
    /// A case worker's municipality.
    pub municipality_code: Option<String>,
    /// Issue date of the volunteer's VOG, recorded by a case worker.
    pub vog_issued_on: Option<NaiveDate>,
    /// The case worker who recorded the VOG.
    pub vog_recorded_by: Option<UserId>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Set when the person erased their account.
    pub erased_at: Option<NaiveDateTime>,
    /// The language of their notifications.
    pub language: Language,
    /// Whether notifications also go out by e-mail.
    pub email_notifications: bool,
    /// Whether those e-mails come as one daily digest.
    pub email_digest: bool,
    /// When the person's sessions were last ended (a password change, a deactivation).
    pub sessions_ended_at: Option<NaiveDateTime>,
    /// When the person showed the address is theirs; until then it is never shown as contact.
    pub email_verified_at: Option<NaiveDateTime>,
    /// Set while an admin has deactivated the (staff) account: it cannot sign in.
    pub deactivated_at: Option<NaiveDateTime>,
    /// Set while the volunteer is suspended: their offers are held.
    pub suspended_at: Option<NaiveDateTime>,
    /// Why, while suspended.
    pub suspension_reason: Option<SuspensionReason>,
}

impl User {
    /// Typed id.
    pub fn user_id(&self) -> UserId {
        self.id.clone()
    }

    /// The roles held, in a fixed order.
    pub fn roles(&self) -> Vec<Role> {
        [
            (self.is_resident, Role::Resident),
            (self.is_volunteer, Role::Volunteer),
            (self.is_case_worker, Role::CaseWorker),
            (self.is_admin, Role::Admin),
        ]
        .into_iter()
        .filter_map(|(held, role)| held.then_some(role))
        .collect()
    }
}

/// A new account.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    /// Id.
    pub id: UserId,
    /// Lower-cased e-mail.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Display name.
    pub display_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Resident role.
    pub is_resident: bool,
    /// Volunteer role.
    pub is_volunteer: bool,
    /// Case-worker role.
    pub is_case_worker: bool,
    /// Admin role.
    pub is_admin: bool,
    /// A case worker's municipality.
    pub municipality_code: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

impl NewUser {
    /// A new account with a fresh id and no role yet; callers set the roles they grant.
    pub fn new(
        email: String,
        password_hash: String,
        display_name: String,
        phone: Option<String>,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id: UserId::generate(),
            email,
            password_hash,
            display_name,
            phone,
            is_resident: false,
            is_volunteer: false,
            is_case_worker: false,
            is_admin: false,
            municipality_code: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Changes a user may make to their own profile. Roles here are only ever the
/// self-assignable ones; the API layer never passes anything else.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct ProfileChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New phone (`Some(None)` clears it).
    pub phone: Option<Option<String>>,
    /// Resident role on or off.
    pub is_resident: Option<bool>,
    /// Volunteer role on or off.
    pub is_volunteer: Option<bool>,
    /// Set to now.
    pub updated_at: Option<NaiveDateTime>,
}

/// Inserts an account; a taken e-mail address is a unique violation for the caller to map.
pub fn insert(conn: &mut DbConnection, user: &NewUser) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(|_| ())
}

/// An account by e-mail (already lower-cased), unless erased.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .filter(users::erased_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// An account by id, unless erased.
pub fn find(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<User>> {
    users::table
        .find(id.as_str())
        .filter(users::erased_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Replaces a password hash with a new hash of the same password (made with today's
/// parameters), unless the stored hash is no longer `verified`: a password set meanwhile
/// stays. Returns whether it was replaced.
pub fn upgrade_password_hash(
    conn: &mut DbConnection,
    id: &UserId,
    verified: &str,
    new_hash: &str,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::password_hash.eq(verified)),
    )
    .set(users::password_hash.eq(new_hash))
    .execute(conn)
    .map(|n| n == 1)
}

/// Applies profile changes and returns the account as stored.
pub fn update_profile(
    conn: &mut DbConnection,
    id: &UserId,
    changes: &ProfileChanges,
) -> QueryResult<User> {
    diesel::update(users::table.find(id.as_str()))
        .set(changes)
        .execute(conn)?;
    users::table
        .find(id.as_str())
        .select(User::as_select())
        .first(conn)
}

/// Records a volunteer's VOG issue date and who recorded it.
pub fn record_vog(
    conn: &mut DbConnection,
    id: &UserId,
    issued_on: NaiveDate,
    by: &UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.as_str()))
        .set((
            users::vog_issued_on.eq(issued_on),
            users::vog_recorded_by.eq(by.as_str()),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .and_then(|n| {
            // The VOG gate reads the date with the offers: date them, so that the in-memory
            // offer index reads them again (`services::live_offers`).
            diesel::update(
                super::schema::offers::table
                    .filter(super::schema::offers::volunteer_id.eq(id.as_str())),
            )
            .set(super::schema::offers::updated_at.eq(now))
            .execute(conn)
            .map(|_| n)
        })
}

/// How a person wants to be told (the in-app feed is always on).
#[derive(Debug, Clone, Copy, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct NotificationPreferences {
    /// Language of notifications.
    pub language: Option<Language>,
    /// E-mail on or off.
    pub email_notifications: Option<bool>,
    /// One e-mail a day instead of one per notification.
    pub email_digest: Option<bool>,
}

/// Stores `changes` of `id`'s notification preferences.
pub fn set_preferences(
    conn: &mut DbConnection,
    id: &UserId,
    changes: NotificationPreferences,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((changes, users::updated_at.eq(now)))
        .execute(conn)
}

/// The case workers of a municipality whose accounts are not erased (the recipients of its
/// case notifications), oldest account first.
pub fn case_workers_of(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<UserId>> {
    users::table
        .filter(users::is_case_worker.eq(true))
        .filter(users::municipality_code.eq(municipality))
        .filter(users::erased_at.is_null())
        .filter(users::deactivated_at.is_null())
        .order(users::created_at.asc())
        .select(users::id)
        .load(conn)
}

/// Volunteers with a recorded VOG: id, municipality (if any) and the VOG's date.
pub fn vog_holders(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(UserId, Option<String>, chrono::NaiveDate)>> {
    users::table
        .filter(users::is_volunteer.eq(true))
        .filter(users::erased_at.is_null())
        .filter(users::vog_issued_on.is_not_null())
        .select((
            users::id,
            users::municipality_code,
            users::vog_issued_on.assume_not_null(),
        ))
        .load(conn)
}

/// Sets `id`'s password hash and ends their sessions at `now`: access tokens issued before
/// it are refused, every refresh token is revoked (by the caller, in the same transaction).
pub fn change_password(
    conn: &mut DbConnection,
    id: &UserId,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::erased_at.is_null()),
    )
    .set((
        users::password_hash.eq(password_hash),
        users::sessions_ended_at.eq(now),
        users::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Records that `id` showed the address is theirs, unless that was recorded before or the
/// account is erased. Returns whether it changed.
pub fn mark_email_verified(
    conn: &mut DbConnection,
    id: &UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        users::table
            .find(id.as_str())
            .filter(users::email_verified_at.is_null())
            .filter(users::erased_at.is_null()),
    )
    .set(users::email_verified_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// The municipalities that have an active case worker.
pub fn case_worker_municipalities(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let codes: Vec<Option<String>> = users::table
        .filter(users::is_case_worker.eq(true))
        .filter(users::deactivated_at.is_null())
        .filter(users::erased_at.is_null())
        .select(users::municipality_code)
        .distinct()
        .load(conn)?;
    Ok(codes.into_iter().flatten().collect())
}

/// Whether `municipality` has an active case worker (one indexed `EXISTS`: asked on every
/// posted request).
pub fn has_active_case_worker(conn: &mut DbConnection, municipality: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::municipality_code.eq(municipality))
            .filter(users::is_case_worker.eq(true))
            .filter(users::deactivated_at.is_null())
            .filter(users::erased_at.is_null()),
    ))
    .get_result(conn)
}
