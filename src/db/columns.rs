//! The multi-connection's half of the domain's TEXT columns (`domain::stored` has the rest):
//! writing a domain value through [`super::DbConnection`] hands it to the backend's own
//! `ToSql`, so changesets and filters take domain values as they are.

use diesel::{
    serialize::{IsNull, Output, ToSql},
    sql_types::Text,
};

use super::MultiBackend;
use crate::domain::{
    AccountTokenPurpose, Availability, CaseId, CaseOutcome, CaseStatus, Category, Channel,
    ConsentWay, ContactRoute, DeliveryStatus, EscalationReason, HelpRequestId, HelpRequestStatus,
    Language, LawDomain, MatchId, MatchOrigin, MatchStatus, NotificationKind, OfferId, OfferStatus,
    PersonId, RecipientRole, RecorderRole, RequestChannel, Role, SuspensionReason, Urgency, UserId,
};

macro_rules! through_the_backend {
    ($($name:ty),+ $(,)?) => {$(
        impl ToSql<Text, MultiBackend> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> diesel::serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )+};
}

through_the_backend!(
    AccountTokenPurpose,
    Availability,
    Channel,
    DeliveryStatus,
    Language,
    NotificationKind,
    RecipientRole,
    CaseId,
    CaseOutcome,
    CaseStatus,
    Category,
    EscalationReason,
    HelpRequestId,
    HelpRequestStatus,
    LawDomain,
    MatchId,
    MatchOrigin,
    MatchStatus,
    OfferId,
    OfferStatus,
    Role,
    SuspensionReason,
    Urgency,
    UserId,
    PersonId,
    RequestChannel,
    ConsentWay,
    ContactRoute,
    RecorderRole,
);

#[cfg(test)]
mod tests {
    use diesel::{
        connection::SimpleConnection, sql_query, sql_types::Text, Connection, QueryableByName,
        RunQueryDsl, SqliteConnection,
    };

    use super::super::DbConnection;
    use crate::domain::{
        Availability, AvailabilityInput, Category, LawDomain, MatchOrigin, OfferId, SlotInput,
    };

    #[derive(QueryableByName, Debug)]
    struct Row {
        #[diesel(sql_type = Text)]
        id: OfferId,
        #[diesel(sql_type = Text)]
        domain: LawDomain,
        #[diesel(sql_type = Text)]
        category: Category,
        #[diesel(sql_type = Text)]
        origin: MatchOrigin,
        #[diesel(sql_type = Text)]
        availability: Availability,
    }

    fn connection() -> DbConnection {
        let mut conn = DbConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        conn.batch_execute(
            "CREATE TABLE t (id TEXT, domain TEXT, category TEXT, origin TEXT, availability TEXT)",
        )
        .unwrap();
        conn
    }

    #[test]
    fn domain_values_go_through_the_multi_connection_and_come_back_as_themselves() {
        let mut conn = connection();
        let availability = Availability::parse(&AvailabilityInput {
            slots: vec![SlotInput {
                weekday: "tue".into(),
                start: "09:00".into(),
                end: "12:00".into(),
            }],
            from: Some("2026-12-01".into()),
            until: None,
            session_minutes: Some(90),
        })
        .unwrap();
        let id = OfferId::generate();
        sql_query("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
            .bind::<Text, _>(&id)
            .bind::<Text, _>(LawDomain::Jeugdwet)
            .bind::<Text, _>(Category::DigitaleHulp)
            .bind::<Text, _>(MatchOrigin::CaseWorker)
            .bind::<Text, _>(&availability)
            .execute(&mut conn)
            .unwrap();
        let row: Row = sql_query("SELECT * FROM t").get_result(&mut conn).unwrap();
        assert_eq!(row.id, id);
        assert_eq!(row.domain, LawDomain::Jeugdwet);
        assert_eq!(row.category, Category::DigitaleHulp);
        assert_eq!(row.origin, MatchOrigin::CaseWorker);
        assert_eq!(row.availability, availability);
        let stored: Vec<String> = sql_query("SELECT category AS c FROM t")
            .load::<Code>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|c| c.c)
            .collect();
        assert_eq!(stored, ["digitale-hulp"], "stored as the wire code");
    }

    #[derive(QueryableByName)]
    struct Code {
        #[diesel(sql_type = Text)]
        c: String,
    }

    #[test]
    fn a_stored_value_outside_the_vocabulary_fails_the_read_instead_of_becoming_a_default() {
        let damaged = [
            "('x', 'wmo', 'astrologie', 'batch', '{}')",
            "('x', 'wmo', 'klussen', 'someone', '{}')",
            // Two overlapping slots on one day: not a valid availability.
            r#"('x', 'wmo', 'klussen', 'batch', '{"slots":[{"weekday":"mon","start":"09:00","end":"12:00"},{"weekday":"mon","start":"10:00","end":"13:00"}]}')"#,
        ];
        for values in damaged {
            let mut conn = connection();
            conn.batch_execute(&format!("INSERT INTO t VALUES {values}"))
                .unwrap();
            let read = sql_query("SELECT * FROM t").get_result::<Row>(&mut conn);
            assert!(read.is_err(), "{values} was read as {read:?}");
        }
    }
}
