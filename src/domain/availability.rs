//! When someone can help or be helped: weekly slots plus an optional date window
//! (docs/ARCHITECTURE.md §5), parsed from the raw JSON into a validated [`Availability`].

use chrono::NaiveDate;

use super::slot::{Slot, TimeOfDay, Weekday, MINUTES_PER_DAY};
use super::{FieldError, FieldErrors};

/// At most this many weekly slots (three a day).
pub const MAX_SLOTS: usize = 21;
/// One session (visit) lasts at least this many minutes.
pub const MIN_SESSION_MINUTES: u16 = 15;
/// One session lasts at most this many minutes (eight hours).
pub const MAX_SESSION_MINUTES: u16 = 480;
/// The session length when none is given.
pub const DEFAULT_SESSION_MINUTES: u16 = 60;
/// Minutes in a week; [`Availability::week_intervals`] counts from Monday 00:00 up to this.
pub const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY as u32;

/// One slot as the client sends it, before validation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    /// `mon` … `sun`.
    #[schema(example = "tue")]
    pub weekday: String,
    /// `HH:MM`, `00:00`–`23:59`.
    #[schema(example = "09:00")]
    pub start: String,
    /// `HH:MM`, after `start`; `24:00` for a slot that runs to midnight.
    #[schema(example = "12:00")]
    pub end: String,
}

/// Availability as the client sends it, before validation. Plain strings and a wide integer,
/// so that every mistake becomes a field error with a path instead of a serde message.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    /// Weekly slots, at most 21, not overlapping on one day; none means "any time".
    #[serde(default)]
    pub slots: Vec<SlotInput>,
    /// First date (`YYYY-MM-DD`), inclusive; `null` for no start.
    #[serde(default)]
    #[schema(format = Date, example = "2026-12-01")]
    pub from: Option<String>,
    /// Last date (`YYYY-MM-DD`), inclusive; `null` for no end.
    #[serde(default)]
    #[schema(format = Date, example = "2027-02-28")]
    pub until: Option<String>,
    /// Length of one visit in minutes, 15–480; 60 when absent. Every slot must be at least
    /// this long.
    #[serde(default)]
    #[schema(example = 60)]
    pub session_minutes: Option<i64>,
}

/// An inclusive date window; an open end is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DateWindow {
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub until: Option<NaiveDate>,
}

impl DateWindow {
    /// Whether `date` lies inside the window.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.from.map_or(true, |from| from <= date)
            && self.until.map_or(true, |until| date <= until)
    }

    /// Whether the two windows share at least one day ("the date windows meet", docs/ARCHITECTURE.md §5).
    pub fn meets(self, other: DateWindow) -> bool {
        let from = self.from.max(other.from); // None < Some: an open start never binds
        let until = match (self.until, other.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (from, until) {
            (Some(from), Some(until)) => from <= until,
            _ => true,
        }
    }
}

/// A validated availability: slots sorted by weekday and start, never overlapping on one day,
/// each at least one session long; `from <= until`; `session_minutes` in 15–480.
///
/// Serializes to (and deserializes from, with full validation) the [`AvailabilityInput`] shape.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(into = "AvailabilityInput", try_from = "AvailabilityInput")]
pub struct Availability {
    /// Weekly slots, sorted; empty means any time.
    slots: Vec<Slot>,
    /// First date, inclusive, or `null`.
    from: Option<NaiveDate>,
    /// Last date, inclusive, or `null`.
    until: Option<NaiveDate>,
    /// Length of one visit in minutes, 15–480.
    #[schema(minimum = 15, maximum = 480)]
    session_minutes: u16,
}

// Stored as the JSON of the input shape; a stored value is validated again when read.
super::stored::stored_as_text!(
    Availability,
    write = |v| serde_json::to_string(v)?,
    read = |json| serde_json::from_str::<Availability>(&json)
);

impl Default for Availability {
    /// Any time, no date window, 60-minute sessions.
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            from: None,
            until: None,
            session_minutes: DEFAULT_SESSION_MINUTES,
        }
    }
}

fn parse_date(input: Option<&str>, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = input?;
    // `%Y-%m-%d` alone would also take `2026-1-5`; the length check keeps it to YYYY-MM-DD.
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) if raw.len() == 10 => Some(date),
        _ => {
            errors.push(
                FieldError::new(field, crate::msg!("field-date-format"))
                    .code(crate::domain::FieldErrorCode::InvalidFormat),
            );
            None
        }
    }
}

impl Availability {
    /// Validates raw input. Errors carry paths under `availability`, e.g.
    /// `availability.slots[2].start`, and all problems are reported at once.
    pub fn parse(input: &AvailabilityInput) -> Result<Self, Vec<FieldError>> {
        const P: &str = "availability";
        let mut errors = Vec::new();

        let session_minutes = match input.session_minutes {
            None => Some(DEFAULT_SESSION_MINUTES),
            Some(m) => match u16::try_from(m) {
                Ok(m) if (MIN_SESSION_MINUTES..=MAX_SESSION_MINUTES).contains(&m) => Some(m),
                _ => {
                    errors.push(
                        FieldError::new(
                            format!("{P}.session_minutes"),
                            crate::msg!("field-session-minutes"),
                        )
                        .code(crate::domain::FieldErrorCode::OutOfRange)
                        .param("min", MIN_SESSION_MINUTES)
                        .param("max", MAX_SESSION_MINUTES),
                    );
                    None
                }
            },
        };

        let mut slots: Vec<(usize, Slot)> = Vec::new();
        if input.slots.len() > MAX_SLOTS {
            // Checking each of a huge list would only bury this message.
            errors.push(
                FieldError::new(
                    format!("{P}.slots"),
                    crate::msg!("field-too-many-slots", max = MAX_SLOTS),
                )
                .code(crate::domain::FieldErrorCode::OutOfRange)
                .param("max", MAX_SLOTS),
            );
        } else {
            for (i, raw) in input.slots.iter().enumerate() {
                let path = format!("{P}.slots[{i}]");
                if let Some(slot) = parse_slot(raw, &path, session_minutes, &mut errors) {
                    slots.push((i, slot));
                }
            }
        }
        check_overlaps(&mut slots, &mut errors);

        let from = parse_date(input.from.as_deref(), "availability.from", &mut errors);
        let until = parse_date(input.until.as_deref(), "availability.until", &mut errors);
        if let (Some(from), Some(until)) = (from, until) {
            if until < from {
                errors.push(
                    FieldError::new(
                        format!("{P}.until"),
                        crate::msg!("field-until-before-from", from = from.to_string()),
                    )
                    .code(crate::domain::FieldErrorCode::OutOfRange)
                    .param("min", from.to_string()),
                );
            }
        }

        match session_minutes {
            Some(session_minutes) if errors.is_empty() => Ok(Self {
                slots: slots.into_iter().map(|(_, slot)| slot).collect(),
                from,
                until,
                session_minutes,
            }),
            _ => Err(errors),
        }
    }

    /// The weekly slots, sorted by weekday and start; empty means "any time".
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Whether there are no slots, i.e. any time of the week.
    pub fn is_any_time(&self) -> bool {
        self.slots.is_empty()
    }

    /// Length of one visit in minutes.
    pub fn session_minutes(&self) -> u16 {
        self.session_minutes
    }

    /// The date window.
    pub fn date_window(&self) -> DateWindow {
        DateWindow {
            from: self.from,
            until: self.until,
        }
    }

    /// The slots as half-open `[start, end)` minute intervals counted from Monday 00:00
    /// (0 … 10 080), sorted, with touching intervals merged (`mon 09–12` + `mon 12–14` is one
    /// stretch, and so is `mon 22–24` + `tue 00–02`). "Any time" is the whole week,
    /// `[(0, 10080)]`. Sunday 24:00 does not wrap to Monday 00:00.
    pub fn week_intervals(&self) -> Vec<(u32, u32)> {
        if self.slots.is_empty() {
            return vec![(0, MINUTES_PER_WEEK)];
        }
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.slots.len());
        for (start, end) in self.slots.iter().map(|slot| slot.week_interval()) {
            match merged.last_mut() {
                Some(last) if last.1 >= start => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }
}

/// Parses one slot, reporting problems under `path`; `None` if it is invalid.
fn parse_slot(
    raw: &SlotInput,
    path: &str,
    session_minutes: Option<u16>,
    errors: &mut Vec<FieldError>,
) -> Option<Slot> {
    let weekday = Weekday::parse(&raw.weekday).map_err(|e| e.at(format!("{path}.weekday")));
    let start = TimeOfDay::parse(&raw.start).map_err(|e| e.at(format!("{path}.start")));
    let end = TimeOfDay::parse(&raw.end).map_err(|e| e.at(format!("{path}.end")));
    let slot = match (weekday, start, end) {
        (Ok(weekday), Ok(start), Ok(end)) => Slot::new(weekday, start, end).map_err(|e| {
            let field = format!("{path}.{}", e.field);
            e.at(field)
        }),
        (weekday, start, end) => {
            errors.extend(
                [weekday.err(), start.err(), end.err()]
                    .into_iter()
                    .flatten(),
            );
            return None;
        }
    };
    let slot = match slot {
        Ok(slot) => slot,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    match session_minutes {
        Some(session) if slot.minutes() < session => {
            errors.push(
                FieldError::new(
                    path,
                    crate::msg!(
                        "field-slot-shorter-than-session",
                        minutes = slot.minutes(),
                        session = session
                    ),
                )
                .code(crate::domain::FieldErrorCode::TooShort)
                .param("min", session),
            );
            None
        }
        _ => Some(slot),
    }
}

/// Sorts `slots` by weekday and start and reports each slot that overlaps an earlier one on
/// the same day (touching, like 09:00–12:00 and 12:00–14:00, is fine).
fn check_overlaps(slots: &mut [(usize, Slot)], errors: &mut Vec<FieldError>) {
    slots.sort_by_key(|(i, slot)| (slot.weekday(), slot.start(), *i));
    // The slot reaching furthest so far on the current day.
    let mut reach: Option<(usize, Slot)> = None;
    for &(i, slot) in slots.iter() {
        match reach {
            Some((j, previous))
                if previous.weekday() == slot.weekday() && slot.start() < previous.end() =>
            {
                errors.push(
                    FieldError::new(
                        format!("availability.slots[{i}]"),
                        crate::msg!("field-slot-overlap", other = previous.to_string()),
                    )
                    .code(crate::domain::FieldErrorCode::Duplicate)
                    .param("other", j),
                );
                if slot.end() > previous.end() {
                    reach = Some((i, slot));
                }
            }
            _ => reach = Some((i, slot)),
        }
    }
}

impl From<Availability> for AvailabilityInput {
    fn from(a: Availability) -> Self {
        Self {
            slots: a
                .slots
                .iter()
                .map(|s| SlotInput {
                    weekday: s.weekday().to_string(),
                    start: s.start().to_string(),
                    end: s.end().to_string(),
                })
                .collect(),
            from: a.from.map(|d| d.to_string()),
            until: a.until.map(|d| d.to_string()),
            session_minutes: Some(i64::from(a.session_minutes)),
        }
    }
}

impl TryFrom<AvailabilityInput> for Availability {
    type Error = FieldErrors;
    fn try_from(input: AvailabilityInput) -> Result<Self, Self::Error> {
        Self::parse(&input).map_err(FieldErrors)
    }
}

#[cfg(test)]
#[path = "availability_tests.rs"]
mod tests;
