//! The language a person reads Hulpmarkt's messages in: Dutch (the default) or English.
//!
//! Stored as TEXT with the codes `nl` and `en`, the same codes on the wire. An `Accept-Language`
//! header picks one with [`Language::from_accept_language`]; anything else falls back to Dutch.

use std::{fmt, str::FromStr};

use super::FieldError;

/// A supported language. Dutch is the default.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Dutch (`nl`).
    #[default]
    Nl,
    /// English (`en`).
    En,
}

/// At most this many entries of an `Accept-Language` header are read; the rest is ignored.
const MAX_ACCEPT_LANGUAGE_ENTRIES: usize = 32;

impl Language {
    /// Every language, Dutch first.
    pub const ALL: &'static [Language] = &[Language::Nl, Language::En];

    /// The storage and wire code: `nl` or `en`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    /// Reads a code exactly as [`as_str`](Self::as_str) writes it.
    pub fn parse(code: &str) -> Option<Language> {
        Self::ALL.iter().copied().find(|l| l.as_str() == code)
    }

    /// The supported language a browser prefers most, from an `Accept-Language` header such as
    /// `en-GB,en;q=0.9,nl;q=0.8`. Entries are taken by quality (`q`, default 1; ties keep
    /// header order); the primary subtag decides (`nl-NL`, `nl-BE` → Dutch; `en-GB` → English).
    /// Entries with `q=0` or an unreadable `q` are skipped. Dutch when the header is empty or
    /// names nothing supported.
    pub fn from_accept_language(header: &str) -> Language {
        let mut entries: Vec<(u16, Language)> = header
            .split(',')
            .take(MAX_ACCEPT_LANGUAGE_ENTRIES)
            .filter_map(|entry| {
                let mut parts = entry.split(';');
                let tag = parts.next()?.trim();
                let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                let language = Language::parse(&primary)?;
                let mut quality = 1000;
                for param in parts {
                    let Some((key, value)) = param.split_once('=') else {
                        continue;
                    };
                    if key.trim().eq_ignore_ascii_case("q") {
                        quality = parse_quality(value.trim())?;
                    }
                }
                (quality > 0).then_some((quality, language))
            })
            .collect();
        // A stable sort keeps header order between equal qualities.
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        entries.first().map(|e| e.1).unwrap_or_default()
    }
}

/// An RFC 9110 quality value (`0`, `0.5`, `1.000`) in thousandths, or `None` when malformed.
fn parse_quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| {
            FieldError::of("language", crate::domain::FieldErrorCode::UnknownValue)
                .param("allowed", vec!["nl", "en"])
        })
    }
}

super::stored::stored_as_text!(
    Language,
    write = |v| v.as_str(),
    read = |code| code.parse::<Language>()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_dutch_is_the_default() {
        assert_eq!(Language::default(), Language::Nl);
        for &language in Language::ALL {
            assert_eq!(Language::parse(language.as_str()), Some(language));
            assert_eq!(language.to_string().parse::<Language>(), Ok(language));
        }
        assert_eq!(Language::parse("NL"), None);
        assert_eq!(Language::parse("de"), None);
        let error = "fr".parse::<Language>().unwrap_err();
        assert_eq!(error.field, "language");
    }

    #[test]
    fn serde_uses_the_lowercase_codes() {
        assert_eq!(serde_json::to_value(Language::En).unwrap(), "en");
        assert_eq!(serde_json::to_value(Language::Nl).unwrap(), "nl");
        let parsed: Language = serde_json::from_str("\"nl\"").unwrap();
        assert_eq!(parsed, Language::Nl);
        assert!(serde_json::from_str::<Language>("\"Nl\"").is_err());
    }

    #[test]
    fn accept_language_takes_the_best_supported_entry() {
        let cases = [
            ("", Language::Nl),
            ("*", Language::Nl),
            ("nl-NL", Language::Nl),
            ("nl-BE,nl;q=0.9", Language::Nl),
            ("en-GB", Language::En),
            ("EN-us", Language::En),
            ("en_GB", Language::En),
            ("en-GB,en;q=0.9,nl;q=0.8", Language::En),
            ("nl;q=0.5, en;q=0.8", Language::En),
            ("en;q=0.8, nl;q=0.8", Language::En),
            ("de-DE,de;q=0.9,en;q=0.7", Language::En),
            ("de-DE,fr;q=0.9", Language::Nl),
            ("en;q=0", Language::Nl),
            ("en;q=0, nl;q=0.1", Language::Nl),
            ("en;q=1.0", Language::En),
            ("fr, en ; q = 0.5", Language::En),
            ("en;q=abc, nl;q=0.2", Language::Nl),
            ("en;q=2, nl;q=0.2", Language::Nl),
            ("en;q=0.1234", Language::Nl),
            (",,;;", Language::Nl),
            ("en;, nl;q=0.9", Language::En),
        ];
        for (header, expected) in cases {
            assert_eq!(
                Language::from_accept_language(header),
                expected,
                "header {header:?}"
            );
        }
    }

    #[test]
    fn languages_are_stored_as_their_codes_and_unknown_codes_are_refused() {
        use diesel::{
            connection::SimpleConnection, sql_query, sql_types::Text, Connection, QueryableByName,
            RunQueryDsl, SqliteConnection,
        };
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            language: Language,
        }
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        conn.batch_execute("CREATE TABLE t (language TEXT NOT NULL)")
            .expect("table");
        for language in Language::ALL {
            sql_query("INSERT INTO t (language) VALUES (?)")
                .bind::<Text, _>(*language)
                .execute(&mut conn)
                .expect("insert");
        }
        let stored: Vec<String> = sql_query("SELECT language FROM t")
            .load::<Row>(&mut conn)
            .expect("read")
            .into_iter()
            .map(|r| r.language.as_str().to_owned())
            .collect();
        assert_eq!(stored, ["nl", "en"]);
        conn.batch_execute("INSERT INTO t (language) VALUES ('fr')")
            .expect("a raw row");
        let bad = sql_query("SELECT language FROM t WHERE language = 'fr'").load::<Row>(&mut conn);
        assert!(bad.is_err(), "an unknown code is an error");
    }

    #[test]
    fn quality_values_follow_the_rfc_grammar() {
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("0.05"), Some(50));
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.-1"), None);
        assert_eq!(parse_quality(""), None);
    }
}
