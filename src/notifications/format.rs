//! Dates and times as a person reads them in a message: Dutch local time (Europe/Amsterdam,
//! with summer and winter time), written out in the reader's language.
//!
//! The names of days and months are kept here rather than taken from a locale database:
//! two languages need 38 words, and the output stays the same whatever the build.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;

use crate::domain::Language;

const WEEKDAYS_NL: [&str; 7] = [
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Day and time in Amsterdam, without the year (for deadlines a few days ahead):
/// "vrijdag 4 december om 15:30", "Friday 4 December at 15:30".
pub fn local_datetime(t: DateTime<Utc>, lang: Language) -> String {
    let local = t.with_timezone(&Amsterdam);
    let day = day_and_month(local.date_naive(), lang);
    let at = match lang {
        Language::Nl => "om",
        Language::En => "at",
    };
    format!("{day} {at} {:02}:{:02}", local.hour(), local.minute())
}

/// The calendar day in Amsterdam of an instant, with the year:
/// "vrijdag 4 december 2026", "Friday 4 December 2026".
pub fn local_date(t: DateTime<Utc>, lang: Language) -> String {
    calendar_date(t.with_timezone(&Amsterdam).date_naive(), lang)
}

/// A calendar date (already a Dutch date, such as a VOG's expiry) with the year:
/// "vrijdag 4 december 2026", "Friday 4 December 2026".
pub fn calendar_date(date: NaiveDate, lang: Language) -> String {
    format!("{} {}", day_and_month(date, lang), date.year())
}

/// "vrijdag 4 december", "Friday 4 December".
fn day_and_month(date: NaiveDate, lang: Language) -> String {
    let (weekdays, months) = match lang {
        Language::Nl => (&WEEKDAYS_NL, &MONTHS_NL),
        Language::En => (&WEEKDAYS_EN, &MONTHS_EN),
    };
    let weekday = weekdays[date.weekday().num_days_from_monday() as usize];
    let month = months[date.month0() as usize];
    format!("{weekday} {} {month}", date.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn winter_time_is_one_hour_ahead_of_utc() {
        // 4 December 2026 is a Friday; CET is UTC+1.
        let t = utc(2026, 12, 4, 14, 30);
        assert_eq!(
            local_datetime(t, Language::Nl),
            "vrijdag 4 december om 15:30"
        );
        assert_eq!(
            local_datetime(t, Language::En),
            "Friday 4 December at 15:30"
        );
    }

    #[test]
    fn summer_time_is_two_hours_ahead_of_utc() {
        // 1 July 2026 is a Wednesday; CEST is UTC+2.
        let t = utc(2026, 7, 1, 7, 5);
        assert_eq!(local_datetime(t, Language::Nl), "woensdag 1 juli om 09:05");
        assert_eq!(local_datetime(t, Language::En), "Wednesday 1 July at 09:05");
    }

    #[test]
    fn the_local_day_can_differ_from_the_utc_day() {
        // 23:30 UTC on Saturday 31 October 2026 is already Sunday in Amsterdam (winter time
        // since 25 October, UTC+1).
        let t = utc(2026, 10, 31, 23, 30);
        assert_eq!(
            local_datetime(t, Language::Nl),
            "zondag 1 november om 00:30"
        );
        assert_eq!(local_date(t, Language::En), "Sunday 1 November 2026");
        // 22:30 UTC on 28 March 2026, before the switch to summer time: 23:30 local.
        let t = utc(2026, 3, 28, 22, 30);
        assert_eq!(local_date(t, Language::Nl), "zaterdag 28 maart 2026");
    }

    #[test]
    fn dates_carry_the_year() {
        let t = utc(2027, 1, 15, 12, 0);
        assert_eq!(local_date(t, Language::Nl), "vrijdag 15 januari 2027");
        assert_eq!(local_date(t, Language::En), "Friday 15 January 2027");
        let d = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        assert_eq!(calendar_date(d, Language::Nl), "maandag 4 mei 2026");
        assert_eq!(calendar_date(d, Language::En), "Monday 4 May 2026");
    }
}
