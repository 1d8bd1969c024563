//! The writes of erasure and retention: anonymising texts, unlinking people, closing cases.

use super::*;

/// Replaces the free text of `ids` with [`ANONYMISED_TEXT`] and cuts the link to the resident;
/// domain, category, PC4, status, outcome and dates stay for the municipality's statistics.
/// Returns how many were not anonymised before.
pub fn anonymise_requests(
    conn: &mut DbConnection,
    ids: &[String],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut changed = 0;
    for chunk in ids.chunks(500) {
        changed += diesel::update(
            help_requests::table
                .filter(help_requests::id.eq_any(chunk))
                .filter(help_requests::anonymised_at.is_null()),
        )
        .set(help_requests::anonymised_at.eq(now))
        .execute(conn)?;
        diesel::update(help_requests::table.filter(help_requests::id.eq_any(chunk)))
            .set((
                help_requests::title.eq(ANONYMISED_TEXT),
                help_requests::description.eq(ANONYMISED_TEXT),
                help_requests::requester_id.eq(None::<String>),
                help_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(changed)
}

/// Clears the volunteer's note on every offer of `user` and cuts the link to them; the
/// offer's categories, PC4 and dates stay for supply statistics.
pub fn anonymise_offers_of(
    conn: &mut DbConnection,
    user: &UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(offers::table.filter(offers::volunteer_id.eq(user.as_str())))
        .set((
            offers::note.eq(""),
            offers::volunteer_id.eq(None::<String>),
            offers::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Clears the decline or cancel reasons (free text by a volunteer) of every match on
/// `request_ids` or `offer_ids`.
pub fn clear_match_reasons(
    conn: &mut DbConnection,
    request_ids: &[String],
    offer_ids: &[String],
) -> QueryResult<usize> {
    let mut changed = 0;
    for chunk in request_ids.chunks(500) {
        changed += diesel::update(
            matches::table
                .filter(matches::request_id.eq_any(chunk))
                .filter(matches::decline_reason.is_not_null()),
        )
        .set(matches::decline_reason.eq(None::<String>))
        .execute(conn)?;
    }
    for chunk in offer_ids.chunks(500) {
        changed += diesel::update(
            matches::table
                .filter(matches::offer_id.eq_any(chunk))
                .filter(matches::decline_reason.is_not_null()),
        )
        .set(matches::decline_reason.eq(None::<String>))
        .execute(conn)?;
    }
    Ok(changed)
}

/// Cuts the volunteer link of every match of `user` (their offers stay, unlinked).
pub fn unlink_volunteer(conn: &mut DbConnection, user: &UserId) -> QueryResult<usize> {
    diesel::update(matches::table.filter(matches::volunteer_id.eq(user.as_str())))
        .set(matches::volunteer_id.eq(None::<String>))
        .execute(conn)
}

/// Cuts the volunteer link of every match on `request_ids` (retention: the volunteer's part
/// in a long-finished request goes too).
pub fn unlink_match_volunteers(
    conn: &mut DbConnection,
    request_ids: &[String],
) -> QueryResult<usize> {
    let mut changed = 0;
    for chunk in request_ids.chunks(500) {
        changed += diesel::update(
            matches::table
                .filter(matches::request_id.eq_any(chunk))
                .filter(matches::volunteer_id.is_not_null()),
        )
        .set(matches::volunteer_id.eq(None::<String>))
        .execute(conn)?;
    }
    Ok(changed)
}

/// Which municipalities one run of retention covers: one with its own period, or every
/// municipality but those (the ones with their own period) under the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// This municipality only.
    Only(String),
    /// Every municipality except these.
    Except(Vec<String>),
}

/// Clears the reasons of matches that ended before `cutoff` on requests in `scope`
/// (retention). Returns how many still had one.
pub fn clear_old_match_reasons(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    scope: &Scope,
) -> QueryResult<usize> {
    let old = matches::table
        .filter(matches::closed_at.lt(cutoff))
        .filter(matches::decline_reason.is_not_null());
    let clear = matches::decline_reason.eq(None::<String>);
    match scope {
        Scope::Only(code) => {
            let ids = help_requests::table
                .filter(help_requests::municipality_code.eq(code))
                .select(help_requests::id);
            diesel::update(old.filter(matches::request_id.eq_any(ids)))
                .set(clear)
                .execute(conn)
        }
        Scope::Except(codes) => {
            let ids = help_requests::table
                .filter(help_requests::municipality_code.ne_all(codes))
                .select(help_requests::id);
            diesel::update(old.filter(matches::request_id.eq_any(ids)))
                .set(clear)
                .execute(conn)
        }
    }
}

/// Clears the case workers' texts of `cases`: the resolution note, a free-text outcome detail
/// (codes such as a formal category stay) and every note body. Returns how many cases had
/// text left.
pub fn anonymise_cases(
    conn: &mut DbConnection,
    cases_to_clear: &[CaseRecord],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut changed = 0;
    for case in cases_to_clear {
        let detail = case.outcome_detail.clone().filter(|d| is_code(d));
        let notes = diesel::update(
            case_notes::table
                .filter(case_notes::case_id.eq(&case.id))
                .filter(case_notes::body.ne(ANONYMISED_TEXT)),
        )
        .set(case_notes::body.eq(ANONYMISED_TEXT))
        .execute(conn)?;
        let had_text = case.resolution_note.is_some() || detail != case.outcome_detail;
        if had_text {
            diesel::update(cases::table.find(&case.id))
                .set((
                    cases::resolution_note.eq(None::<String>),
                    cases::outcome_detail.eq(detail),
                    cases::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        if had_text || notes > 0 {
            changed += 1;
        }
    }
    Ok(changed)
}

/// Whether a stored value is a code (`iwmo-06`, `requester_erased`) rather than free text.
pub fn is_code(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
        })
}

/// Resolves an unresolved case because the resident erased their data: outcome `closed`
/// with detail `requester_erased`. Returns whether it was still unresolved.
pub fn close_case_for_erasure(
    conn: &mut DbConnection,
    case_id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        cases::table
            .find(case_id)
            .filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::Resolved.as_str()),
        cases::outcome.eq(CaseOutcome::Closed.as_str()),
        cases::outcome_detail.eq("requester_erased"),
        cases::resolved_at.eq(now),
        cases::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Overwrites the account's personal data: a unique placeholder e-mail, a neutral name, no
/// phone, no VOG, a hash no password matches, and `erased_at`. Returns whether it was live.
pub fn erase_user(conn: &mut DbConnection, user: &UserId, now: NaiveDateTime) -> QueryResult<bool> {
    let placeholder = format!("erased-{}@invalid", uuid::Uuid::new_v4().simple());
    diesel::update(
        users::table
            .find(user.as_str())
            .filter(users::erased_at.is_null()),
    )
    .set((
        users::email.eq(placeholder),
        users::display_name.eq(ERASED_NAME),
        users::phone.eq(None::<String>),
        users::password_hash.eq(NO_LOGIN_HASH),
        users::vog_issued_on.eq(None::<chrono::NaiveDate>),
        users::vog_recorded_by.eq(None::<String>),
        users::erased_at.eq(now),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Requests in `scope` that reached a final state before `cutoff` and still hold their text.
pub fn requests_closed_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    scope: &Scope,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let finished: Vec<&str> = HelpRequestStatus::ALL
        .iter()
        .filter(|s| s.is_terminal())
        .map(|s| s.as_str())
        .collect();
    let query = help_requests::table.into_boxed();
    let query = match scope {
        Scope::Only(code) => query.filter(help_requests::municipality_code.eq(code.clone())),
        Scope::Except(codes) => {
            query.filter(help_requests::municipality_code.ne_all(codes.clone()))
        }
    };
    query
        .filter(help_requests::status.eq_any(finished))
        .filter(help_requests::closed_at.lt(cutoff))
        .filter(help_requests::anonymised_at.is_null())
        .select(help_requests::id)
        .limit(limit)
        .load(conn)
}

/// Up to `limit` cases in `scope` resolved before `cutoff`, by id after `after`.
pub fn cases_resolved_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    scope: &Scope,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<CaseRecord>> {
    let query = cases::table.into_boxed();
    let query = match scope {
        Scope::Only(code) => query.filter(cases::municipality_code.eq(code.clone())),
        Scope::Except(codes) => query.filter(cases::municipality_code.ne_all(codes.clone())),
    };
    query
        .filter(cases::status.eq(CaseStatus::Resolved.as_str()))
        .filter(cases::resolved_at.lt(cutoff))
        .filter(cases::id.gt(after))
        .order(cases::id.asc())
        .limit(limit)
        .select(CaseRecord::as_select())
        .load(conn)
}

/// The accounts erased at or after `since`, with when.
pub fn erased_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    users::table
        .filter(users::erased_at.ge(since))
        .select((users::id, users::erased_at.assume_not_null()))
        .load(conn)
}

/// The accounts whose sessions were ended at or after `since`, with when.
pub fn sessions_ended_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    users::table
        .filter(users::sessions_ended_at.ge(since))
        .filter(users::erased_at.is_null())
        .select((users::id, users::sessions_ended_at.assume_not_null()))
        .load(conn)
}
