//! Unit tests of the vocabularies and their transition tables.

use super::*;

/// Checks code ↔ enum ↔ serde round trips for one vocabulary.
fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + PartialEq + fmt::Debug + FromStr<Err = FieldError>,
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    for &v in all {
        let code = as_str(v);
        assert_eq!(code.parse::<T>(), Ok(v));
        assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{code}\""));
        assert_eq!(
            serde_json::from_str::<T>(&format!("\"{code}\"")).unwrap(),
            v
        );
        assert!(code.to_uppercase().parse::<T>().is_err(), "{code}");
        assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
    assert!("".parse::<T>().is_err());
}

/// Every pair `(a, b)` of `all` is allowed exactly when it is listed in `allowed`.
fn check_table<T: Copy + PartialEq + fmt::Debug>(
    all: &[T],
    can: fn(T, T) -> bool,
    allowed: &[(T, T)],
) {
    for &a in all {
        for &b in all {
            assert_eq!(can(a, b), allowed.contains(&(a, b)), "{a:?} -> {b:?}");
        }
    }
}

#[test]
fn codes_round_trip() {
    round_trips(Urgency::ALL, Urgency::as_str);
    round_trips(HelpRequestStatus::ALL, HelpRequestStatus::as_str);
    round_trips(MatchStatus::ALL, MatchStatus::as_str);
    round_trips(OfferStatus::ALL, OfferStatus::as_str);
    round_trips(CaseStatus::ALL, CaseStatus::as_str);
    round_trips(CaseOutcome::ALL, CaseOutcome::as_str);
    round_trips(EscalationReason::ALL, EscalationReason::as_str);
    round_trips(Role::ALL, Role::as_str);
    assert_eq!(CaseStatus::InProgress.as_str(), "in_progress");
    assert_eq!(Role::CaseWorker.to_string(), "case_worker");
}

#[test]
fn unknown_codes_name_the_field_and_the_allowed_values() {
    let error = "urgent".parse::<Urgency>().unwrap_err();
    assert_eq!(error.field, "urgency");
    assert!(en(&error).contains("low, normal, high"), "{error}");
    assert_eq!(Role::parse("superuser").unwrap_err().field, "roles");
    assert_eq!(CaseOutcome::parse("x").unwrap_err().field, "outcome");
}

#[test]
fn urgency_defaults_to_normal_and_orders_low_to_high() {
    assert_eq!(Urgency::default(), Urgency::Normal);
    assert!(Urgency::Low < Urgency::Normal && Urgency::Normal < Urgency::High);
}

#[test]
fn help_request_transitions() {
    use HelpRequestStatus::*;
    check_table(
        HelpRequestStatus::ALL,
        HelpRequestStatus::can_transition_to,
        &[
            (Open, Proposed),
            (Open, Escalated),
            (Open, Cancelled),
            (Proposed, Open),
            (Proposed, Matched),
            (Proposed, Escalated),
            (Proposed, Cancelled),
            (Matched, Open),
            (Matched, Completed),
            (Matched, Cancelled),
            (Escalated, Open),
            (Escalated, Proposed),
            (Escalated, Matched),
            (Escalated, Referred),
            (Escalated, Closed),
            (Escalated, Cancelled),
        ],
    );
    for &s in HelpRequestStatus::ALL {
        let leaves = HelpRequestStatus::ALL
            .iter()
            .any(|&n| s.can_transition_to(n));
        assert_eq!(s.is_terminal(), !leaves, "{s}");
    }
}

#[test]
fn match_transitions() {
    use MatchStatus::*;
    check_table(
        MatchStatus::ALL,
        MatchStatus::can_transition_to,
        &[
            (Proposed, Accepted),
            (Proposed, Declined),
            (Proposed, Expired),
            (Proposed, Withdrawn),
            (Accepted, Completed),
            (Accepted, Cancelled),
        ],
    );
    for &s in MatchStatus::ALL {
        let leaves = MatchStatus::ALL.iter().any(|&n| s.can_transition_to(n));
        assert_eq!(s.is_terminal(), !leaves, "{s}");
        assert_eq!(s.uses_capacity(), !s.is_terminal(), "{s}");
    }
    let visible: Vec<_> = MatchStatus::ALL
        .iter()
        .filter(|s| s.contact_visible())
        .collect();
    assert_eq!(visible, [&Accepted, &Completed]);
}

#[test]
fn offer_and_case_transitions() {
    use CaseStatus::*;
    use OfferStatus::*;
    check_table(
        OfferStatus::ALL,
        OfferStatus::can_transition_to,
        &[
            (Active, Paused),
            (Active, OfferStatus::Withdrawn),
            (Paused, Active),
            (Paused, OfferStatus::Withdrawn),
        ],
    );
    check_table(
        CaseStatus::ALL,
        CaseStatus::can_transition_to,
        &[(Open, InProgress), (InProgress, Resolved)],
    );
}

#[test]
fn every_case_outcome_leads_to_a_status_reachable_from_escalated() {
    for &outcome in CaseOutcome::ALL {
        let next = outcome.request_status();
        assert!(
            HelpRequestStatus::Escalated.can_transition_to(next),
            "{outcome} -> {next}"
        );
    }
}

#[test]
fn only_resident_and_volunteer_are_self_assignable() {
    let own: Vec<_> = Role::ALL.iter().filter(|r| r.self_assignable()).collect();
    assert_eq!(own, [&Role::Resident, &Role::Volunteer]);
}

#[test]
fn the_pass_codes_are_the_passes() {
    assert_eq!(
        MatchStatus::PASSES.map(MatchStatus::as_str),
        MatchStatus::PASS_CODES
    );
    // A pass ends a match; the system's own withdrawal is not one.
    assert!(MatchStatus::PASSES.iter().all(|s| s.is_terminal()));
    assert!(!MatchStatus::PASSES.contains(&MatchStatus::Withdrawn));
}

/// A status is stored as its code and read back as the value; a code that is not one of the
/// vocabulary's is an error, never a guess.
#[test]
fn statuses_are_stored_as_their_codes_and_unknown_codes_are_refused() {
    use diesel::{
        connection::SimpleConnection, sql_query, sql_types::Text, Connection, QueryableByName,
        RunQueryDsl, SqliteConnection,
    };
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        status: MatchStatus,
    }
    let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
    conn.batch_execute("CREATE TABLE t (status TEXT NOT NULL)")
        .expect("table");
    for status in MatchStatus::ALL {
        sql_query("INSERT INTO t (status) VALUES (?)")
            .bind::<Text, _>(*status)
            .execute(&mut conn)
            .expect("insert");
    }
    let read: Vec<Row> = sql_query("SELECT status FROM t")
        .load(&mut conn)
        .expect("read");
    let read: Vec<MatchStatus> = read.into_iter().map(|r| r.status).collect();
    assert_eq!(read, MatchStatus::ALL);
    conn.batch_execute("INSERT INTO t (status) VALUES ('bogus')")
        .expect("a raw row");
    let bad = sql_query("SELECT status FROM t WHERE status = 'bogus'").load::<Row>(&mut conn);
    assert!(bad.is_err(), "an unknown code is an error");
}

/// The error's message as an English reader sees it.
fn en(error: &crate::domain::FieldError) -> String {
    crate::i18n::field_message(crate::domain::Language::En, error)
}
