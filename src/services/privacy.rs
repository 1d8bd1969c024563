//! Privacy by design (docs/ARCHITECTURE.md §7, AVG): erasure of a person's data (art. 17), the
//! retention step that anonymises long-finished requests, matches and cases (art. 5(1)(e)),
//! and gathering everything held about a person for their export (art. 15 and 20).
//!
//! Anonymising means: free text is replaced by one neutral text, links to the person are cut,
//! and what the municipality needs for its accounting (counts, dates, domain, category, PC4,
//! status, outcome) stays. Audit rows stay as they are: they hold ids and codes, never
//! personal data, and an erased account's id no longer leads to anyone.

use chrono::{Months, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

mod ending;
pub mod recorded;

use self::ending::{end_resident_side, end_volunteer_side};
use super::matching::Policy;
use crate::{
    db::privacy::Scope,
    db::{
        self, audit::AuditEntry, help_requests::HelpRequest, matches::Match, offers::Offer,
        privacy::CaseRecord, refresh_tokens::RefreshToken, users::User, DbConnection,
    },
    domain::UserId,
    error::AppError,
};

/// Audit action written for each proposal or match ended because one side erased their data.
/// The other side of an accepted match is notified; this entry records why it ended.
pub const MATCH_CANCELLED_BY_ERASURE: &str = "match.cancelled_by_erasure";

/// What an erasure did, returned to the person as a receipt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErasureReport {
    /// When the account was erased (UTC).
    pub erased_at: chrono::DateTime<chrono::Utc>,
    /// Help requests whose text was anonymised and whose link to you was cut.
    pub help_requests_anonymised: usize,
    /// Open help requests that were cancelled first.
    pub help_requests_cancelled: usize,
    /// Offers withdrawn and unlinked.
    pub offers_withdrawn: usize,
    /// Proposals withdrawn and accepted matches cancelled, so the other side can move on.
    pub matches_ended: usize,
    /// Unresolved municipal cases closed (outcome `closed`, detail `requester_erased`).
    pub cases_closed: usize,
    /// Sessions (refresh tokens) revoked.
    pub sessions_revoked: usize,
    /// Notifications deleted, with their pending deliveries.
    pub notifications_deleted: usize,
}

/// Everything stored about one person, as rows (the API turns them into the export).
#[derive(Debug)]
pub struct PersonalData {
    /// The account.
    pub user: User,
    /// Their help requests.
    pub requests: Vec<HelpRequest>,
    /// Their offers with category codes.
    pub offers: Vec<(Offer, Vec<String>)>,
    /// Matches on either side.
    pub matches: Vec<Match>,
    /// Cases of their requests, with the number of case-worker notes.
    pub cases: Vec<(CaseRecord, i64)>,
    /// Audit entries by them or about them or their objects.
    pub audit: Vec<AuditEntry>,
    /// Their refresh tokens (metadata; hashes are never exported).
    pub refresh_tokens: Vec<RefreshToken>,
    /// Their notifications.
    pub notifications: Vec<crate::db::notifications::Notification>,
    /// People they recorded requests for as a carer, or whose recorded requests they
    /// claimed into this account.
    pub people: Vec<db::people::Person>,
    /// Who recorded which of their requests for whom.
    pub representations: Vec<db::people::Representation>,
}

/// Gathers everything linked to `user`, or 404 for an erased or unknown account.
pub fn personal_data(conn: &mut DbConnection, user: &UserId) -> Result<PersonalData, AppError> {
    let account = db::users::find(conn, user)?.ok_or(AppError::account_gone())?;
    let requests = db::privacy::requests_of(conn, user)?;
    let offer_rows = db::privacy::offers_of(conn, user)?;
    let request_ids: Vec<String> = requests.iter().map(|r| r.id.to_string()).collect();
    let offer_ids: Vec<String> = offer_rows.iter().map(|o| o.id.to_string()).collect();
    let mut categories = db::offers::categories_of(conn, &offer_ids)?;
    let offers = offer_rows
        .into_iter()
        .map(|o| {
            let codes = categories.remove(o.id.as_str()).unwrap_or_default();
            (o, codes)
        })
        .collect();
    let matches = db::privacy::matches_of(conn, user, &request_ids, &offer_ids)?;
    let case_rows = db::privacy::cases_of(conn, &request_ids)?;
    let case_ids: Vec<String> = case_rows.iter().map(|c| c.id.to_string()).collect();
    let counts = db::privacy::note_counts(conn, &case_ids)?;
    let cases = case_rows
        .into_iter()
        .map(|c| {
            let n = counts.get(c.id.as_str()).copied().unwrap_or(0);
            (c, n)
        })
        .collect();
    let mut object_ids = vec![user.0.clone()];
    object_ids.extend(request_ids);
    object_ids.extend(offer_ids);
    object_ids.extend(matches.iter().map(|m| m.id.to_string()));
    object_ids.extend(case_ids);
    let audit = db::privacy::audit_about(conn, user, &object_ids)?;
    let refresh_tokens = db::privacy::refresh_tokens_of(conn, user)?;
    let notifications = db::notifications::of_recipient(conn, user)?;
    let people = db::people::linked_to(conn, user)?;
    // The audit trail about the people recorded or claimed is theirs to see too.
    let person_ids: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
    let mut audit = audit;
    audit.extend(db::audit::about_objects(conn, &person_ids)?);
    audit.sort_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
    audit.dedup_by(|a, b| a.id == b.id);
    let request_ids: Vec<String> = requests.iter().map(|r| r.id.to_string()).collect();
    let representations = db::people::of_requests(conn, &request_ids)?
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    Ok(PersonalData {
        notifications,
        people,
        representations,
        user: account,
        requests,
        offers,
        matches,
        cases,
        audit,
        refresh_tokens,
    })
}

/// Erases `user` (AVG art. 17). Run inside one write transaction: either everything below
/// happens or nothing does.
///
/// 1. Offers are withdrawn and accepted matches as volunteer cancelled; requests are
///    cancelled and their live proposal or match withdrawn; unresolved cases closed. Each
///    ended match gets a `match.cancelled_by_erasure` audit entry.
/// 2. Requests: title and description become [`db::privacy::ANONYMISED_TEXT`], the link to
///    the person is cut. Offers: note cleared, link cut. Matches: reasons cleared, the
///    person's volunteer link cut. Cases: resolution note, free-text outcome detail and note
///    bodies anonymised.
/// 3. The account keeps its id and dates only: placeholder e-mail, neutral name, no phone,
///    no VOG, a hash no password matches, `erased_at`; every refresh token is revoked.
///
/// Appointed accounts (case workers, admins) are refused: their data is the municipality's
/// employment record, closed by an administrator, not by self-service.
pub fn erase(
    conn: &mut DbConnection,
    user: &UserId,
    now: NaiveDateTime,
    policy: &Policy,
) -> Result<ErasureReport, AppError> {
    // Locked first: writes of the person in flight finish before (and are erased too), later
    // ones wait and then find the account erased (`accounts::acting_as`).
    let account = db::users::locked(conn, user, db::users::AccountLock::Update)?
        .ok_or(AppError::account_gone())?;
    if account.is_case_worker || account.is_admin {
        return Err(AppError::Forbidden("forbidden-appointed-account"));
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
    let offers = db::privacy::offers_of(conn, user)?;
    end_volunteer_side(conn, user, &offers, now, policy, &mut report)?;
    let requests = db::privacy::requests_of(conn, user)?;
    end_resident_side(
        conn,
        (user, "resident"),
        &requests,
        now,
        policy.channels,
        &mut report,
    )?;

    let request_ids: Vec<String> = requests.iter().map(|r| r.id.to_string()).collect();
    let offer_ids: Vec<String> = offers.iter().map(|o| o.id.to_string()).collect();
    let cases = db::privacy::cases_of(conn, &request_ids)?;
    db::privacy::anonymise_cases(conn, &cases, now)?;
    db::privacy::clear_match_reasons(conn, &request_ids, &offer_ids)?;
    db::privacy::unlink_volunteer(conn, user)?;
    db::privacy::anonymise_requests(conn, &request_ids, now)?;
    report.help_requests_anonymised = request_ids.len();
    db::privacy::anonymise_offers_of(conn, user, now)?;
    // A carer's records of the people they cared for, and the record of the person this
    // account claimed, go with the account.
    for person in db::people::linked_to(conn, user)? {
        db::people::erase(conn, &person.id, now)?;
    }
    report.sessions_revoked = db::refresh_tokens::revoke_user(conn, user.as_str(), now)?;
    db::account_tokens::delete_of_user(conn, user)?;
    // Last, so that notifications the steps above wrote for this person go too.
    report.notifications_deleted = db::notifications::delete_of_recipient(conn, user)?;
    db::privacy::erase_user(conn, user, now)?;
    let role = if account.is_resident {
        "resident"
    } else {
        "volunteer"
    };
    db::audit::record(
        conn,
        &AuditEntry::new(
            now,
            Some(user.as_str()),
            role,
            "user.erased",
            "user",
            user.as_str(),
        ),
    )?;
    Ok(report)
}

/// Rows one step of retention reads (a few milliseconds of writing).
pub const RETENTION_STEP: i64 = 100;

/// Where retention stands between its steps (see [`retention_step`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetentionStage {
    /// Finished requests, with their matches and cases.
    Requests,
    /// Reasons of matches that ended before the cut-off.
    MatchReasons,
    /// Resolved cases, by id after this one.
    Cases(String),
    /// People recorded for requests that are all anonymised now.
    People,
    /// Nothing left.
    Done,
}

/// Retention (docs/ARCHITECTURE.md §7): anonymises what finished more than `months` months
/// before `now`, the same way as an erasure but leaving accounts alone:
/// - help requests in a final state (`completed`, `cancelled`, `referred`, `closed`) closed
///   before the cut-off: text neutral, resident unlinked, and the volunteers of their matches
///   unlinked and reasons cleared;
/// - matches that ended before the cut-off: reasons cleared;
/// - cases resolved before the cut-off, and the cases of the requests above: resolution
///   note, free-text outcome detail and note bodies anonymised;
/// - people recorded for requests (by a case worker or a carer) before the cut-off whose
///   requests are all anonymised: name, phone and address erased.
///
/// One bounded step of it, in the caller's write transaction: returns the rows changed and
/// the stage to run next. Idempotent: a second run changes nothing.
pub fn retention_step(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    (scope, months): &(Scope, u32),
    stage: &RetentionStage,
) -> Result<(usize, RetentionStage), AppError> {
    let months = *months;
    let cutoff = now
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("retention of {months} months")))?;
    match stage {
        RetentionStage::Requests => {
            let requests =
                db::privacy::requests_closed_before(conn, cutoff, scope, RETENTION_STEP)?;
            let mut changed = db::privacy::anonymise_requests(conn, &requests, now)?;
            changed += db::privacy::unlink_match_volunteers(conn, &requests)?;
            changed += db::privacy::clear_match_reasons(conn, &requests, &[])?;
            let cases = db::privacy::cases_of(conn, &requests)?;
            changed += db::privacy::anonymise_cases(conn, &cases, now)?;
            let next = if requests.len() < RETENTION_STEP as usize {
                RetentionStage::MatchReasons
            } else {
                RetentionStage::Requests
            };
            Ok((changed, next))
        }
        RetentionStage::MatchReasons => Ok((
            db::privacy::clear_old_match_reasons(conn, cutoff, scope)?,
            RetentionStage::Cases(String::new()),
        )),
        RetentionStage::Cases(after) => {
            let cases =
                db::privacy::cases_resolved_before(conn, cutoff, scope, after, RETENTION_STEP)?;
            let next = match cases.last() {
                Some(last) if cases.len() == RETENTION_STEP as usize => {
                    RetentionStage::Cases(last.id.to_string())
                }
                _ => RetentionStage::People,
            };
            Ok((db::privacy::anonymise_cases(conn, &cases, now)?, next))
        }
        RetentionStage::People => {
            let erased = db::people::erase_unused_before(conn, cutoff, scope, now, RETENTION_STEP)?;
            let next = if erased < RETENTION_STEP as usize {
                RetentionStage::Done
            } else {
                RetentionStage::People
            };
            Ok((erased, next))
        }
        RetentionStage::Done => Ok((0, RetentionStage::Done)),
    }
}

/// The retention periods: each municipality with stored settings under its own
/// `retention_months`, then every other municipality under `default_months` (the
/// `HULPMARKT_RETENTION_MONTHS` setting).
pub fn retention_scopes(
    conn: &mut DbConnection,
    default_months: u32,
) -> Result<Vec<(Scope, u32)>, AppError> {
    let stored = db::municipality_settings::all(conn)?;
    let others = Scope::Except(stored.iter().map(|s| s.municipality_code.clone()).collect());
    let mut scopes: Vec<(Scope, u32)> = stored
        .into_iter()
        .map(|s| {
            let months = u32::try_from(s.retention_months).unwrap_or(default_months);
            (Scope::Only(s.municipality_code), months)
        })
        .collect();
    scopes.push((others, default_months));
    Ok(scopes)
}

/// Every step of retention in the caller's transaction; returns the rows changed.
pub fn apply_retention(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    default_months: u32,
) -> Result<usize, AppError> {
    let mut changed = 0;
    for scope in retention_scopes(conn, default_months)? {
        let mut stage = RetentionStage::Requests;
        while stage != RetentionStage::Done {
            let (step, next) = retention_step(conn, now, &scope, &stage)?;
            changed += step;
            stage = next;
        }
    }
    Ok(changed)
}

/// Retention through the write path, one step per transaction, each municipality under its
/// own period; returns the rows changed.
pub async fn retention(
    pool: &db::Pool,
    now: NaiveDateTime,
    default_months: u32,
) -> Result<usize, AppError> {
    let scopes = db::run(pool, move |conn| retention_scopes(conn, default_months)).await?;
    let mut changed = 0;
    for scope in scopes {
        let mut stage = RetentionStage::Requests;
        while stage != RetentionStage::Done {
            let (step, next) = super::retry_busy(|| {
                let (current, scope) = (stage.clone(), scope.clone());
                db::transaction(pool, move |conn| {
                    retention_step(conn, now, &scope, &current)
                })
            })
            .await?;
            changed += step;
            stage = next;
        }
    }
    Ok(changed)
}
