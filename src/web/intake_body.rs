//! The intake form as the JSON the API reads: the form's fields become the body of
//! `POST /api/v1/help-requests` and its `for_person`, read by the API's own parser, so the
//! workplace has no rules of its own for what a recorded request may hold.

use serde_json::{json, Map, Value};

use super::form::FormData;
use crate::{
    api::extract::parse_json,
    domain::{FieldError, Weekday},
    error::AppError,
};

/// The form's fields as the two JSON bodies the API reads for a recorded request: the
/// request (`POST /api/v1/help-requests` without `for_person`) and its `for_person`. The
/// request's own required texts go in even when blank, so that its validation names every
/// missing one at once; other blank fields are left out; anything typed goes in as typed, so
/// the API's parser names what is wrong with it.
pub(super) fn bodies_of(form: &FormData) -> (Value, Value) {
    let text = |name: &str| form.filled(name).map(|v| Value::String(v.to_owned()));
    let number = |name: &str| {
        form.filled(name).map(|v| {
            let v = v.replace(',', ".");
            match (v.parse::<i64>(), v.parse::<f64>()) {
                (Ok(whole), _) => Value::from(whole),
                (_, Ok(n)) => {
                    serde_json::Number::from_f64(n).map_or(Value::String(v), Value::Number)
                }
                _ => Value::String(v),
            }
        })
    };
    fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
        if let Some(value) = value {
            map.insert(key.to_owned(), value);
        }
    }
    let mut body = Map::new();
    for name in ["domain", "category", "title", "postcode"] {
        body.insert(
            name.into(),
            text(name).unwrap_or_else(|| Value::String(String::new())),
        );
    }
    for name in ["description", "urgency"] {
        put(&mut body, name, text(name));
    }
    put(&mut body, "max_distance_km", number("max_distance_km"));
    body.insert(
        "involves_minor".into(),
        Value::Bool(form.get("involves_minor").is_some()),
    );
    body.insert(
        "remote_ok".into(),
        Value::Bool(form.get("remote_ok").is_some()),
    );
    body.insert("consent_municipality".into(), Value::Bool(true));
    body.insert(
        "confirm_duplicate".into(),
        Value::Bool(form.get("confirm_duplicate").is_some()),
    );
    // Ticked days with one time window; a window without days means every day, and days
    // without a window the whole day.
    let mut days: Vec<&str> = form.all("dag").collect();
    let (start, end) = (form.filled("start"), form.filled("end"));
    if days.is_empty() && (start.is_some() || end.is_some()) {
        days = Weekday::ALL.iter().map(|d| d.as_str()).collect();
    }
    let slots: Vec<Value> = days
        .iter()
        .map(|d| json!({"weekday": d, "start": start.unwrap_or("00:00"), "end": end.unwrap_or("24:00")}))
        .collect();
    let mut availability = Map::new();
    availability.insert("slots".into(), Value::Array(slots));
    put(&mut availability, "from", text("from"));
    put(&mut availability, "until", text("until"));
    put(
        &mut availability,
        "session_minutes",
        number("session_minutes"),
    );
    body.insert("availability".into(), Value::Object(availability));
    let mut person = Map::new();
    for name in ["name", "phone", "address_line"] {
        put(&mut person, name, text(name));
    }
    let mut consent = Map::new();
    put(&mut consent, "given_via", text("given_via"));
    person.insert("consent".into(), Value::Object(consent));
    person.insert("contact".into(), Value::String("person".into()));
    (Value::Object(body), Value::Object(person))
}

/// Reads `value` with the API's own parser.
pub(super) fn parsed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, AppError> {
    let bytes = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
    parse_json(&bytes)
}

/// The field errors of a refusal; anything else is no problem of the form's.
pub(super) fn field_errors(error: AppError, into: &mut Vec<FieldError>) -> Result<(), AppError> {
    match error {
        AppError::Validation(errors) => into.extend(errors),
        AppError::BadRequest(error) => into.push(error),
        other => return Err(other),
    }
    Ok(())
}
