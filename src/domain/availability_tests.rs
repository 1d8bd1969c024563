//! Unit tests of availability parsing: one test per rule, plus the derived intervals.

use super::*;
use serde_json::json;

fn input(value: serde_json::Value) -> AvailabilityInput {
    serde_json::from_value(value).unwrap()
}

fn parse(value: serde_json::Value) -> Result<Availability, Vec<FieldError>> {
    Availability::parse(&input(value))
}

fn slot(weekday: &str, start: &str, end: &str) -> serde_json::Value {
    json!({"weekday": weekday, "start": start, "end": end})
}

/// The fields of the errors, for compact assertions.
fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn empty_input_is_any_time_with_sixty_minute_sessions() {
    let a = parse(json!({})).unwrap();
    assert!(a.is_any_time());
    assert_eq!(a.session_minutes(), 60);
    assert_eq!(a.date_window(), DateWindow::default());
    assert_eq!(a.week_intervals(), vec![(0, 10_080)]);
    assert_eq!(a, Availability::default());
}

#[test]
fn design_example_parses() {
    let a = parse(json!({
        "slots": [slot("tue", "09:00", "12:00")],
        "from": "2026-12-01", "until": "2027-02-28", "session_minutes": 60
    }))
    .unwrap();
    assert_eq!(a.slots().len(), 1);
    assert_eq!(a.slots()[0].to_string(), "tue 09:00–12:00");
    assert_eq!(a.date_window().from, Some(date("2026-12-01")));
    assert_eq!(a.date_window().until, Some(date("2027-02-28")));
}

#[test]
fn bad_times_are_reported_per_field() {
    let errors = parse(json!({"slots": [
        slot("mon", "09:00", "10:00"),
        slot("tue", "25:00", "26:00"),
        slot("wed", "9:00", "12:00"),
        slot("thu", "12:00", "12:60"),
    ]}))
    .unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "availability.slots[1].start",
            "availability.slots[1].end",
            "availability.slots[2].start",
            "availability.slots[3].end"
        ]
    );
    assert!(en(&errors[2]).contains("hh:mm"));
    assert!(en(&errors[3]).contains("Minutes run from 00 to 59"));
}

#[test]
fn bad_weekday_is_reported() {
    let errors = parse(json!({"slots": [slot("tuesday", "09:00", "12:00")]})).unwrap_err();
    assert_eq!(fields(&errors), ["availability.slots[0].weekday"]);
}

#[test]
fn start_must_be_before_end_and_24_00_only_ends_a_slot() {
    let errors = parse(json!({"slots": [
        slot("mon", "12:00", "09:00"),
        slot("tue", "10:00", "10:00"),
        slot("wed", "24:00", "24:00"),
    ]}))
    .unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "availability.slots[0].end",
            "availability.slots[1].end",
            "availability.slots[2].start"
        ]
    );
    let a = parse(json!({"slots": [slot("sun", "22:00", "24:00")]})).unwrap();
    assert_eq!(a.week_intervals(), vec![(10_080 - 120, 10_080)]);
}

#[test]
fn overlapping_slots_on_one_day_are_rejected_touching_ones_are_not() {
    let errors = parse(json!({"slots": [
        slot("tue", "09:00", "12:00"),
        slot("tue", "11:00", "13:00"),
        slot("wed", "09:00", "12:00"),
        slot("wed", "09:00", "12:00"),
    ]}))
    .unwrap_err();
    assert_eq!(
        fields(&errors),
        ["availability.slots[1]", "availability.slots[3]"]
    );
    assert!(
        en(&errors[0]).contains("tue 09:00–12:00"),
        "{}",
        en(&errors[0])
    );

    let ok = parse(json!({"slots": [
        slot("tue", "12:00", "14:00"),
        slot("tue", "09:00", "12:00"),
        slot("wed", "09:00", "12:00"),
    ]}))
    .unwrap();
    // Stored sorted, touching slots merged into one stretch.
    assert_eq!(ok.slots()[0].to_string(), "tue 09:00–12:00");
    assert_eq!(
        ok.week_intervals(),
        vec![(1440 + 540, 1440 + 840), (2880 + 540, 2880 + 720)]
    );
}

#[test]
fn a_slot_inside_a_longer_one_overlaps_it() {
    let errors = parse(json!({"slots": [
        slot("fri", "08:00", "18:00"),
        slot("fri", "10:00", "11:00"),
        slot("fri", "12:00", "13:00"),
    ]}))
    .unwrap_err();
    assert_eq!(
        fields(&errors),
        ["availability.slots[1]", "availability.slots[2]"]
    );
    assert_eq!(errors[1].params["other"], 0);
}

#[test]
fn at_most_21_slots() {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let hours = [
        ("08:00", "10:00"),
        ("12:00", "14:00"),
        ("16:00", "18:00"),
        ("20:00", "22:00"),
    ];
    let many: Vec<_> = hours
        .iter()
        .flat_map(|(s, e)| days.iter().map(move |d| slot(d, s, e)))
        .collect();
    assert!(parse(json!({"slots": many[..21]})).is_ok());
    let errors = parse(json!({"slots": many[..22]})).unwrap_err();
    assert_eq!(fields(&errors), ["availability.slots"]);
    assert!(en(&errors[0]).contains("at most 21"));
}

#[test]
fn until_before_from_is_rejected_same_day_is_fine() {
    let errors = parse(json!({"from": "2027-01-10", "until": "2027-01-09"})).unwrap_err();
    assert_eq!(fields(&errors), ["availability.until"]);
    assert!(parse(json!({"from": "2027-01-10", "until": "2027-01-10"})).is_ok());
    assert!(parse(json!({"from": "2027-01-10", "until": null})).is_ok());
}

#[test]
fn dates_must_be_real_and_in_iso_form() {
    for bad in [
        "2027-02-30",
        "2027-1-5",
        "10-01-2027",
        "2027/01/10",
        "",
        "tomorrow",
    ] {
        let errors = parse(json!({ "from": bad })).unwrap_err();
        assert_eq!(fields(&errors), ["availability.from"], "{bad}");
    }
}

#[test]
fn session_minutes_between_15_and_480() {
    for ok in [15, 60, 480] {
        assert_eq!(
            parse(json!({ "session_minutes": ok }))
                .unwrap()
                .session_minutes(),
            ok
        );
    }
    for bad in [0, 14, 481, -5, 1_000_000] {
        let errors = parse(json!({ "session_minutes": bad })).unwrap_err();
        assert_eq!(fields(&errors), ["availability.session_minutes"], "{bad}");
    }
}

#[test]
fn a_slot_shorter_than_one_session_is_rejected() {
    let errors = parse(json!({
        "slots": [slot("mon", "09:00", "09:30"), slot("mon", "10:00", "12:00")],
        "session_minutes": 45
    }))
    .unwrap_err();
    assert_eq!(fields(&errors), ["availability.slots[0]"]);
    assert!(en(&errors[0]).contains("30 minutes"), "{}", en(&errors[0]));
    // With the default of 60 a 60-minute slot is exactly long enough.
    assert!(parse(json!({"slots": [slot("mon", "09:00", "10:00")]})).is_ok());
}

#[test]
fn all_problems_are_reported_at_once() {
    let errors = parse(json!({
        "slots": [slot("xyz", "09:00", "10:00")],
        "from": "2027-13-01", "session_minutes": 5
    }))
    .unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "availability.session_minutes",
            "availability.slots[0].weekday",
            "availability.from"
        ]
    );
}

#[test]
fn unknown_fields_are_rejected_by_serde() {
    let raw = json!({"slots": [], "timezone": "UTC"});
    assert!(serde_json::from_value::<AvailabilityInput>(raw).is_err());
    let raw = json!({"slots": [{"weekday": "mon", "start": "09:00", "end": "10:00", "x": 1}]});
    assert!(serde_json::from_value::<AvailabilityInput>(raw).is_err());
}

#[test]
fn serde_round_trip_validates() {
    let raw = json!({
        "slots": [slot("wed", "13:00", "17:00"), slot("mon", "09:00", "12:00")],
        "from": "2026-12-01", "until": null, "session_minutes": 90
    });
    let a: Availability = serde_json::from_value(raw).unwrap();
    let out = serde_json::to_value(&a).unwrap();
    assert_eq!(
        out,
        json!({
            "slots": [slot("mon", "09:00", "12:00"), slot("wed", "13:00", "17:00")],
            "from": "2026-12-01", "until": null, "session_minutes": 90
        })
    );
    assert_eq!(serde_json::from_value::<Availability>(out).unwrap(), a);
    let bad = json!({"slots": [slot("mon", "12:00", "09:00")]});
    let error = serde_json::from_value::<Availability>(bad).unwrap_err();
    assert!(
        error.to_string().contains("availability.slots[0].end"),
        "{error}"
    );
}

#[test]
fn date_windows_meet_and_contain() {
    let w = |from: Option<&str>, until: Option<&str>| DateWindow {
        from: from.map(date),
        until: until.map(date),
    };
    let open = w(None, None);
    let winter = w(Some("2026-12-01"), Some("2027-02-28"));
    assert!(open.meets(winter) && winter.meets(open));
    assert!(winter.meets(w(Some("2027-02-28"), None)));
    assert!(!winter.meets(w(Some("2027-03-01"), None)));
    assert!(!winter.meets(w(None, Some("2026-11-30"))));
    assert!(winter.meets(w(None, Some("2026-12-01"))));
    assert!(winter.contains(date("2027-01-15")));
    assert!(!winter.contains(date("2027-03-01")));
    assert!(open.contains(date("1999-01-01")));
}

/// The error's message as an English reader sees it.
fn en(error: &crate::domain::FieldError) -> String {
    crate::i18n::field_message(crate::domain::Language::En, error)
}
