//! Both backends reach the same schema: the same tables, columns and nullability as
//! `src/db/schema.rs`, and (on a PostgreSQL run) the same as each other.

use std::collections::BTreeSet;

use diesel::{
    sql_query,
    sql_types::{Bool, Text},
    QueryableByName, RunQueryDsl,
};
use hulpmarkt::{
    config::DatabaseUrl,
    config::SqliteSynchronous,
    db::{self, DbConnection},
};

use crate::helpers::{postgres_admin_url, TestDatabase};

/// (table, column, nullable)
type Columns = BTreeSet<(String, String, bool)>;

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

fn live_columns(url: &str) -> Columns {
    let url = DatabaseUrl::parse(url).unwrap();
    let mut conn = db::Manager::new(url, SqliteSynchronous::Full)
        .connect()
        .unwrap();
    db::run_migrations(&mut conn).unwrap();
    let query = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
             FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
        }
        DbConnection::Pg(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, (is_nullable = 'YES') AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
        }
    };
    let rows: Vec<ColumnRow> = sql_query(query).load(&mut conn).unwrap();
    rows.into_iter()
        .map(|r| (r.table_name, r.column_name, r.nullable))
        .collect()
}

/// The tables and columns declared in `src/db/schema.rs`.
fn declared_columns() -> Columns {
    let source = include_str!("../../src/db/schema.rs");
    let mut columns = Columns::new();
    let mut table: Option<String> = None;
    for line in source.lines().map(str::trim) {
        if line.ends_with('{') && line.contains('(') {
            table = line.split_whitespace().next().map(str::to_owned);
        } else if let (Some(t), Some((name, ty))) = (&table, line.split_once("->")) {
            columns.insert((
                t.clone(),
                name.trim().to_owned(),
                ty.trim().starts_with("Nullable<"),
            ));
        } else if line == "}" {
            table = None;
        }
    }
    columns
}

#[test]
fn migrations_produce_exactly_the_declared_schema() {
    let declared = declared_columns();
    assert!(
        declared.len() > 100,
        "parsed schema.rs: {} columns",
        declared.len()
    );
    let (_db, url) = TestDatabase::create();
    assert_eq!(live_columns(&url), declared);
}

#[test]
fn sqlite_and_postgres_reach_the_same_schema() {
    let (_sqlite, sqlite_url) = TestDatabase::create_sqlite();
    let sqlite = live_columns(&sqlite_url);
    assert_eq!(sqlite, declared_columns());
    // On a PostgreSQL run, compare the two live schemas directly as well.
    if postgres_admin_url().is_some() {
        let (_pg, pg_url) = TestDatabase::create();
        assert_eq!(live_columns(&pg_url), sqlite);
    }
}
