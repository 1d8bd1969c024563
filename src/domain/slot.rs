//! The pieces of a weekly availability: weekdays, times of day and one weekly slot.

use std::{fmt, str::FromStr};

use super::FieldError;

/// Minutes in a day; `24:00` is this many minutes after midnight.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// A day of the week, Monday first (as in the Netherlands). Wire codes `mon` … `sun`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Self::Mon,
        Self::Tue,
        Self::Wed,
        Self::Thu,
        Self::Fri,
        Self::Sat,
        Self::Sun,
    ];

    /// The wire code, `mon` … `sun`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mon => "mon",
            Self::Tue => "tue",
            Self::Wed => "wed",
            Self::Thu => "thu",
            Self::Fri => "fri",
            Self::Sat => "sat",
            Self::Sun => "sun",
        }
    }

    /// Days since Monday: 0 for Monday, 6 for Sunday.
    pub fn index(self) -> u32 {
        self as u32
    }

    /// Parses a wire code exactly; the error is reported on field `weekday`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == input)
            .ok_or_else(|| {
                FieldError::new("weekday", crate::msg!("field-weekday-unknown"))
                    .code(crate::domain::FieldErrorCode::UnknownValue)
                    .param("allowed", Self::ALL.map(|d| d.as_str()).to_vec())
            })
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        Self::ALL[day.num_days_from_monday() as usize]
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Weekday {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A local time of day (Europe/Amsterdam) to the minute, written strictly as `HH:MM`.
///
/// `00:00`–`23:59`, plus `24:00` for the end of a slot that runs to midnight; [`Slot::new`]
/// rejects `24:00` as a start. On the wire it is the `HH:MM` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, utoipa::ToSchema)]
#[schema(value_type = String, example = "09:30")]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Midnight at the start of the day, `00:00`.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// Midnight at the end of the day, `24:00`; only valid as the end of a slot.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(MINUTES_PER_DAY);

    /// Parses `HH:MM` with exactly two digits each: `09:00` yes, `9:00`, `09:00:00`, `25:00`
    /// and `12:60` no. The error is reported on field `time`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let error = |message: super::Message| {
            FieldError::new("time", message).code(crate::domain::FieldErrorCode::InvalidFormat)
        };
        let bytes = input.as_bytes();
        let well_formed = bytes.len() == 5
            && bytes[2] == b':'
            && [0, 1, 3, 4].iter().all(|&i| bytes[i].is_ascii_digit());
        if !well_formed {
            return Err(error(crate::msg!("field-time-format")));
        }
        let hours = u16::from(bytes[0] - b'0') * 10 + u16::from(bytes[1] - b'0');
        let minutes = u16::from(bytes[3] - b'0') * 10 + u16::from(bytes[4] - b'0');
        if minutes > 59 {
            return Err(error(crate::msg!("field-time-minutes")));
        }
        if hours > 24 || (hours == 24 && minutes > 0) {
            return Err(error(crate::msg!("field-time-hours")));
        }
        Ok(Self(hours * 60 + minutes))
    }

    /// Minutes since midnight, 0–1440.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// The time this many minutes after midnight, if within `00:00`–`24:00`.
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= MINUTES_PER_DAY).then_some(Self(minutes))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl FromStr for TimeOfDay {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(|e| crate::domain::FieldError::into_serde(vec![e]))
    }
}

/// One weekly slot, e.g. Tuesday 09:00–12:00, with `start < end` on the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
pub struct Slot {
    weekday: Weekday,
    start: TimeOfDay,
    end: TimeOfDay,
}

impl Slot {
    /// A slot from `start` to `end` on `weekday`. A slot cannot start at `24:00` nor run past
    /// midnight (split it into two); the error is reported on field `end` (or `start`).
    pub fn new(weekday: Weekday, start: TimeOfDay, end: TimeOfDay) -> Result<Self, FieldError> {
        if start == TimeOfDay::END_OF_DAY {
            return Err(
                FieldError::new("start", crate::msg!("field-slot-start-midnight"))
                    .code(crate::domain::FieldErrorCode::OutOfRange),
            );
        }
        if end < start {
            return Err(FieldError::new(
                "end",
                crate::msg!(
                    "field-slot-past-midnight",
                    start = start.to_string(),
                    end = end.to_string()
                ),
            )
            .code(crate::domain::FieldErrorCode::OutOfRange));
        }
        if end == start {
            return Err(
                FieldError::new("end", crate::msg!("field-slot-end-before-start"))
                    .code(crate::domain::FieldErrorCode::OutOfRange),
            );
        }
        Ok(Self {
            weekday,
            start,
            end,
        })
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        self.weekday
    }

    /// When the slot begins.
    pub fn start(self) -> TimeOfDay {
        self.start
    }

    /// When the slot ends (may be `24:00`).
    pub fn end(self) -> TimeOfDay {
        self.end
    }

    /// Length in minutes.
    pub fn minutes(self) -> u16 {
        self.end.0 - self.start.0
    }

    /// The slot as minutes since Monday 00:00, `[start, end)`.
    pub fn week_interval(self) -> (u32, u32) {
        let day = self.weekday.index() * u32::from(MINUTES_PER_DAY);
        (day + u32::from(self.start.0), day + u32::from(self.end.0))
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}–{}", self.weekday, self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TimeOfDay {
        TimeOfDay::parse(s).unwrap()
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(t("00:00").minutes(), 0);
        assert_eq!(t("09:30").minutes(), 570);
        assert_eq!(t("23:59").minutes(), 1439);
        assert_eq!(t("24:00"), TimeOfDay::END_OF_DAY);
        for bad in [
            "9:00", "09:0", "0900", "09.00", "09:00:00", " 09:00", "", "ab:cd", "+9:00",
        ] {
            let e = TimeOfDay::parse(bad).unwrap_err();
            assert_eq!(e.to_string(), "time: field-time-format", "{bad}");
        }
        assert_eq!(
            TimeOfDay::parse("12:60").unwrap_err().to_string(),
            "time: field-time-minutes"
        );
        for bad in ["25:00", "24:01", "99:00"] {
            assert!(
                TimeOfDay::parse(bad).unwrap_err().to_string() == "time: field-time-hours",
                "{bad}"
            );
        }
    }

    #[test]
    fn times_display_and_serde_as_hh_mm() {
        for s in ["00:00", "07:05", "23:59", "24:00"] {
            assert_eq!(t(s).to_string(), s);
            assert_eq!(serde_json::to_string(&t(s)).unwrap(), format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<TimeOfDay>(&format!("\"{s}\"")).unwrap(),
                t(s)
            );
        }
        assert!(serde_json::from_str::<TimeOfDay>("\"9:00\"").is_err());
        assert_eq!(TimeOfDay::from_minutes(1441), None);
    }

    #[test]
    fn weekdays_round_trip_and_follow_chrono() {
        for (i, d) in Weekday::ALL.into_iter().enumerate() {
            assert_eq!(d.index() as usize, i);
            assert_eq!(Weekday::parse(d.as_str()), Ok(d));
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{d}\""));
        }
        assert_eq!(Weekday::from(chrono::Weekday::Sun), Weekday::Sun);
        assert_eq!(Weekday::from(chrono::Weekday::Mon), Weekday::Mon);
        assert!(Weekday::parse("Tue").is_err() && Weekday::parse("tuesday").is_err());
    }

    #[test]
    fn slots_need_start_before_end_on_one_day() {
        let slot = Slot::new(Weekday::Tue, t("09:00"), t("12:00")).unwrap();
        assert_eq!(slot.minutes(), 180);
        assert_eq!(slot.week_interval(), (1440 + 540, 1440 + 720));
        assert_eq!(slot.to_string(), "tue 09:00–12:00");
        assert!(Slot::new(Weekday::Sun, t("22:00"), t("24:00")).is_ok());
        assert_eq!(
            Slot::new(Weekday::Mon, t("24:00"), t("24:00"))
                .unwrap_err()
                .field,
            "start"
        );
        let e = Slot::new(Weekday::Mon, t("22:00"), t("02:00")).unwrap_err();
        assert!(
            e.to_string().starts_with("end: field-slot-past-midnight"),
            "{e}"
        );
        assert_eq!(
            Slot::new(Weekday::Mon, t("10:00"), t("10:00"))
                .unwrap_err()
                .field,
            "end"
        );
    }
}
