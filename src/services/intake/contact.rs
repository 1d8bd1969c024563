//! Whom the volunteer of an accepted match contacts for a request recorded for someone.

use crate::{
    db::{self, people::Person, DbConnection},
    domain::{ContactRoute, RecorderRole, UserId},
    error::AppError,
};

/// Whom the volunteer of an accepted match gets in touch with.
#[derive(Debug, Clone)]
pub enum RequestContact {
    /// The account that posted the request (or claimed it).
    Account(db::users::User),
    /// The person it was recorded for (their name and phone).
    Person(Person),
    /// The carer who posted it, for the person named.
    Carer {
        /// The carer's account.
        carer: db::users::User,
        /// The name of the person the help is for.
        person_name: String,
    },
}

/// The contact of request `request_id` for its volunteer: the poster's account for one's own
/// request or one the person claimed; the recorded person for a case worker's recording or
/// a carer's with `contact: person`; the carer (naming the person) otherwise.
pub fn contact_for_volunteer(
    conn: &mut DbConnection,
    request_id: &str,
    requester: Option<&UserId>,
) -> Result<Option<RequestContact>, AppError> {
    let account = |conn: &mut DbConnection| -> Result<Option<db::users::User>, AppError> {
        Ok(match requester {
            Some(id) => db::users::find(conn, id)?,
            None => None,
        })
    };
    let Some((rep, person)) = db::people::of_request(conn, request_id)? else {
        return Ok(account(conn)?.map(RequestContact::Account));
    };
    if person.erased_at.is_some() {
        return Ok(None);
    }
    Ok(match (rep.recorder_role, rep.contact) {
        (RecorderRole::CaseWorker, _) => match account(conn)? {
            Some(user) => Some(RequestContact::Account(user)),
            None => Some(RequestContact::Person(person)),
        },
        (RecorderRole::Carer, ContactRoute::Person) => Some(RequestContact::Person(person)),
        (RecorderRole::Carer, ContactRoute::Carer) => {
            account(conn)?.map(|carer| RequestContact::Carer {
                carer,
                person_name: person.name,
            })
        }
    })
}
