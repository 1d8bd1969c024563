//! What staff do that the audit log records: a case worker reading the queue or a case's
//! audit trail, recording a VOG, and an admin appointing a case worker or changing a
//! municipality's settings. Each writes its audit entry in the same transaction as the work.

use chrono::{NaiveDate, NaiveDateTime};

use super::case_file;
use crate::{
    db::{
        self,
        audit::AuditEntry,
        cases::{Case, CaseFilter, QueueRequest},
        municipality_settings::MunicipalitySettings,
        users::{NewUser, User},
        DbConnection,
    },
    domain::UserId,
    error::AppError,
};

/// The case queue of `municipality` as `worker` reads it.
pub fn read_queue(
    conn: &mut DbConnection,
    worker: &UserId,
    municipality: &str,
    filter: &CaseFilter,
    now: NaiveDateTime,
) -> Result<Vec<(Case, QueueRequest)>, AppError> {
    let rows = db::cases::queue(conn, municipality, filter)?;
    let entry = AuditEntry::new(
        now,
        Some(worker.as_str()),
        "case_worker",
        "case.list",
        "case_queue",
        municipality,
    )
    .in_municipality(municipality);
    db::audit::record(conn, &entry)?;
    Ok(rows)
}

/// Who reads an audit trail: an admin (any case), or a case worker of this municipality.
pub enum Reader<'a> {
    /// An administrator.
    Admin,
    /// A case worker of the municipality.
    CaseWorker(&'a str),
}

/// The audit trail of case `id`, read by `reader` (404 for a case worker of another
/// municipality); the reading itself is recorded.
pub fn read_audit_trail(
    conn: &mut DbConnection,
    id: &str,
    reader_id: &UserId,
    reader: Reader<'_>,
    now: NaiveDateTime,
) -> Result<Vec<AuditEntry>, AppError> {
    let (case, role) = match reader {
        Reader::Admin => (
            db::cases::find(conn, id)?.ok_or(AppError::NotFound("case"))?,
            "admin",
        ),
        Reader::CaseWorker(municipality) => {
            (case_file::case_of(conn, id, municipality)?, "case_worker")
        }
    };
    let entries = db::audit::for_case(conn, &case.id, &case.request_id)?;
    let entry = AuditEntry::new(
        now,
        Some(reader_id.as_str()),
        role,
        "case.audit_read",
        "case",
        &case.id,
    )
    .in_municipality(&case.municipality_code);
    db::audit::record(conn, &entry)?;
    Ok(entries)
}

/// Records the VOG issue date of `volunteer` (404 if they are not one).
pub fn record_vog(
    conn: &mut DbConnection,
    volunteer: &UserId,
    issued_on: NaiveDate,
    worker: &UserId,
    municipality: &str,
    now: NaiveDateTime,
    policy: &super::matching::Policy,
) -> Result<User, AppError> {
    if volunteer == worker {
        return Err(AppError::Forbidden(
            "a VOG is recorded by a case worker other than the person it is about",
        ));
    }
    if issued_on > dutch_today(now) {
        return Err(AppError::invalid(
            "issued_on",
            "a VOG cannot be issued in the future",
        ));
    }
    let user = db::users::find(conn, volunteer)?
        .filter(|u| u.is_volunteer)
        .ok_or(AppError::NotFound("volunteer"))?;
    // The volunteer is the municipality's to vouch for when they offer help there; to a case
    // worker of another municipality they do not exist.
    let offers = db::offers::current_of(conn, volunteer)?;
    if !offers.iter().any(|o| o.municipality_code == municipality) {
        return Err(AppError::NotFound("volunteer"));
    }
    db::users::record_vog(conn, volunteer, issued_on, worker, now)?;
    let entry = AuditEntry::new(
        now,
        Some(worker.as_str()),
        "case_worker",
        "user.vog_recorded",
        "user",
        &user.id,
    )
    .in_municipality(municipality)
    .with_detail(issued_on.to_string());
    db::audit::record(conn, &entry)?;
    // Requests that waited for a volunteer with a VOG are looked at now, not at the next
    // pause and resume or the six-hourly batch.
    for offer in offers
        .iter()
        .filter(|o| o.status == crate::domain::OfferStatus::Active)
    {
        super::matching::propose_for_offer(conn, &offer.id, now, policy)?;
    }
    Ok(user)
}

/// Today's date in the Netherlands (a VOG carries a Dutch date).
pub fn dutch_today(now: NaiveDateTime) -> NaiveDate {
    use chrono::TimeZone;
    chrono_tz::Europe::Amsterdam
        .from_utc_datetime(&now)
        .date_naive()
}

/// Stores a case-worker account appointed by `admin`; 409 when the e-mail is taken.
pub fn appoint_case_worker(
    conn: &mut DbConnection,
    user: &NewUser,
    municipality: &str,
    admin: &UserId,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let id = user.id.clone();
    db::users::insert(conn, user).map_err(email_taken)?;
    let entry = AuditEntry::new(
        now,
        Some(admin.as_str()),
        "admin",
        "user.create_case_worker",
        "user",
        id.as_str(),
    )
    .in_municipality(municipality);
    db::audit::record(conn, &entry)?;
    db::users::find(conn, &id)?.ok_or(AppError::NotFound("user"))
}

/// A unique violation on inserting an account: the e-mail address is taken (409).
pub fn email_taken(err: diesel::result::Error) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::Conflict {
            detail: "an account with this e-mail address already exists".into(),
            existing_id: None,
        },
        other => other.into(),
    }
}

/// Saves a municipality's settings, changed by `admin`.
pub fn save_municipality_settings(
    conn: &mut DbConnection,
    settings: &MunicipalitySettings,
    admin: &UserId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    db::municipality_settings::save(conn, settings)?;
    let code = &settings.municipality_code;
    let entry = AuditEntry::new(
        now,
        Some(admin.as_str()),
        "admin",
        "municipality_settings.update",
        "municipality",
        code,
    )
    .in_municipality(code);
    Ok(db::audit::record(conn, &entry)?)
}
