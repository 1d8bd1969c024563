//! What staff do that the audit log records: a case worker reading the queue or a case's
//! audit trail, recording a VOG, and an admin appointing a case worker or changing a
//! municipality's settings. Each writes its audit entry in the same transaction as the work.

use chrono::NaiveDateTime;

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
            db::cases::find(conn, id)?.ok_or(AppError::NotFound("not-found-case"))?,
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
    db::users::find(conn, &id)?.ok_or(AppError::NotFound("not-found-user"))
}

/// A unique violation on inserting an account: the e-mail address is taken (409).
pub fn email_taken(err: diesel::result::Error) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::Conflict {
            detail: crate::msg!("conflict-email-taken"),
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
