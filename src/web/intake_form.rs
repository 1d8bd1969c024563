//! Recording a request for a resident who is not online, as a form. The form is turned into
//! the JSON body `POST /api/v1/help-requests` takes with `for_person`, read by the API's own
//! parser and validation, and stored by the same service (`intake::record`), so a request
//! recorded here is matched exactly as one recorded through the API. Refused input shows the
//! form again with what was typed and each field's problem linked from a summary at the top.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde_json::{json, Map, Value};

use super::{
    form::FormData,
    i18n::Lang,
    intake_words::{self, Words},
    labels,
    login::see_other,
    page::{render, Chrome, WebError},
    session::WebCaseWorker,
};
use crate::{
    api::{
        extract::parse_json, help_requests::input::HelpRequestBody, intake_views::ForPersonBody,
    },
    domain::{Category, ConsentWay, FieldError, LawDomain, Urgency, Weekday},
    error::AppError,
    services::{self, intake},
    state::AppState,
};

/// An option of a select or a radio group.
pub struct Pick {
    value: &'static str,
    label: String,
    chosen: bool,
}

/// A refused field: the input's id (for the summary's link) and what to say.
pub struct Problem {
    input: &'static str,
    label: &'static str,
    message: String,
}

/// A one-line text input with its label, hint and problem (`templates/werkplek/input.html`).
pub struct Input {
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    max: u32,
    inputmode: &'static str,
    required: bool,
    value: String,
    error: Option<String>,
    /// The ids of the hint and the problem, for `aria-describedby`.
    described_by: String,
}

/// The form page.
#[derive(Template)]
#[template(path = "werkplek/intake_form.html")]
struct FormPage {
    c: Chrome,
    w: &'static Words,
    problems: Vec<Problem>,
    duplicate: bool,
    person_inputs: Vec<Input>,
    title_inputs: Vec<Input>,
    place_inputs: Vec<Input>,
    distance_inputs: Vec<Input>,
    when_inputs: Vec<Input>,
    domains: Vec<Pick>,
    categories: Vec<Pick>,
    urgencies: Vec<Pick>,
    ways: Vec<Pick>,
    days: Vec<Pick>,
    form: FormData,
}

impl FormPage {
    /// The typed value of `name`, for the form shown again.
    fn value(&self, name: &str) -> &str {
        self.form.get(name).unwrap_or_default()
    }

    /// Whether a checkbox was ticked.
    fn ticked(&self, name: &str) -> bool {
        self.form.get(name).is_some()
    }

    /// The problem of the input `id`, if any.
    fn problem(&self, id: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.input == id)
    }
}

/// `(id, label, hint, max length, inputmode, required)` of a text input.
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static str,
    bool,
);

/// The inputs of `specs` with what was typed and their problems.
fn inputs(form: &FormData, problems: &[Problem], specs: &[Spec]) -> Vec<Input> {
    specs
        .iter()
        .map(|&(id, label, hint, max, inputmode, required)| {
            let error = problems
                .iter()
                .find(|p| p.input == id)
                .map(|p| match &*p.message {
                    "" => p.label.to_owned(),
                    m => format!("{}: {m}", p.label),
                });
            let mut described_by = Vec::new();
            if !hint.is_empty() {
                described_by.push(format!("h-{id}"));
            }
            if error.is_some() {
                described_by.push(format!("e-{id}"));
            }
            Input {
                id,
                label,
                hint,
                max,
                inputmode,
                required,
                value: form.get(id).unwrap_or_default().to_owned(),
                error,
                described_by: described_by.join(" "),
            }
        })
        .collect()
}

fn page(
    state: &AppState,
    worker: &WebCaseWorker,
    req: &HttpRequest,
    form: FormData,
    problems: Vec<Problem>,
    duplicate: bool,
) -> FormPage {
    let lang = worker.lang;
    let w = intake_words::of(lang);
    let picks = |values: Vec<(&'static str, String)>, name: &str| -> Vec<Pick> {
        let chosen = form.get(name).unwrap_or_default();
        values
            .into_iter()
            .map(|(value, label)| Pick {
                chosen: value == chosen,
                value,
                label,
            })
            .collect()
    };
    let chosen_days: Vec<&str> = form.all("dag").collect();
    let specs = |list: &[Spec]| inputs(&form, &problems, list);
    FormPage {
        c: worker.chrome(state, w.form_title, req),
        w,
        person_inputs: specs(&[
            ("name", w.l_name, "", 100, "", true),
            ("phone", w.l_phone, w.h_phone, 40, "tel", true),
            ("address_line", w.l_address, "", 200, "", false),
        ]),
        title_inputs: specs(&[("title", w.l_title, w.h_title, 120, "", true)]),
        place_inputs: specs(&[("postcode", w.l_postcode, w.h_postcode, 7, "", true)]),
        distance_inputs: specs(&[(
            "max_distance_km",
            w.l_distance,
            w.h_distance,
            6,
            "decimal",
            false,
        )]),
        when_inputs: specs(&[
            ("start", w.l_start, "", 5, "numeric", false),
            ("end", w.l_end, "", 5, "numeric", false),
            ("session_minutes", w.l_session, "", 3, "numeric", false),
            ("from", w.l_from, "", 10, "numeric", false),
            ("until", w.l_until, "", 10, "numeric", false),
        ]),
        domains: picks(
            LawDomain::ALL
                .iter()
                .map(|&d| (d.as_str(), labels::domain(lang, d).to_owned()))
                .collect(),
            "domain",
        ),
        categories: picks(
            Category::ALL
                .iter()
                .map(|&c| (c.code(), labels::category(lang, c).to_owned()))
                .collect(),
            "category",
        ),
        urgencies: picks(
            Urgency::ALL
                .iter()
                .map(|&u| (u.as_str(), labels::urgency(lang, u).to_owned()))
                .collect(),
            "urgency",
        ),
        ways: picks(
            ConsentWay::ALL
                .iter()
                .map(|&v| (v.as_str(), super::intake_page::consent_way(w, v).to_owned()))
                .collect(),
            "given_via",
        ),
        days: Weekday::ALL
            .iter()
            .map(|&d| Pick {
                value: d.as_str(),
                label: labels::weekday_long(lang, d.as_str()).to_owned(),
                chosen: chosen_days.contains(&d.as_str()),
            })
            .collect(),
        problems,
        duplicate,
        form,
    }
}

/// The empty form.
#[get("/aanvragen/nieuw")]
pub async fn new_form(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
) -> HttpResponse {
    let mut form = FormData::default();
    form.push("urgency", "normal");
    form.push("session_minutes", "60");
    render(
        StatusCode::OK,
        &page(&state, &worker, &req, form, Vec::new(), false),
    )
}

/// The form's fields as the two JSON bodies the API reads for a recorded request: the
/// request (`POST /api/v1/help-requests` without `for_person`) and its `for_person`. The
/// request's own required texts go in even when blank, so that its validation names every
/// missing one at once; other blank fields are left out; anything typed goes in as typed, so
/// the API's parser names what is wrong with it.
fn bodies_of(form: &FormData) -> (Value, Value) {
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
fn parsed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, AppError> {
    let bytes = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
    parse_json(&bytes)
}

/// The field errors of a refusal; anything else is no problem of the form's.
fn field_errors(error: AppError, into: &mut Vec<FieldError>) -> Result<(), AppError> {
    match error {
        AppError::Validation(errors) => into.extend(errors),
        AppError::BadRequest(error) => into.push(error),
        other => return Err(other),
    }
    Ok(())
}

/// The input a field error of the API's body belongs to, and its label.
fn input_of<'w>(w: &'w Words, field: &str) -> (&'static str, &'w str) {
    let field = field.strip_prefix("for_person.").unwrap_or(field);
    match field.split(['.', '[']).next().unwrap_or_default() {
        "name" => ("name", w.l_name),
        "phone" => ("phone", w.l_phone),
        "address_line" => ("address_line", w.l_address),
        "consent" | "contact" => ("given_via", w.l_consent_via),
        "domain" => ("domain", w.l_domain),
        "category" => ("category", w.l_category),
        "title" => ("title", w.l_title),
        "description" => ("description", w.l_description),
        "postcode" => ("postcode", w.l_postcode),
        "urgency" => ("urgency", w.l_urgency),
        "max_distance_km" => ("max_distance_km", w.l_distance),
        "remote_ok" => ("remote_ok", w.l_remote),
        "involves_minor" => ("involves_minor", w.l_minor),
        "availability" => match field {
            f if f.contains("session_minutes") => ("session_minutes", w.l_session),
            f if f.contains("from") => ("from", w.l_from),
            f if f.contains("until") => ("until", w.l_until),
            f if f.contains("end") => ("end", w.l_end),
            f if f.contains("start") => ("start", w.l_start),
            _ => ("dag", w.l_days),
        },
        _ => ("title", w.l_title),
    }
}

/// What to say about a refused field: the catalogue's words for its code, in the page's
/// language, after the field's name (one problem per input, the first).
fn problems_of(lang: Lang, errors: &[FieldError]) -> Vec<Problem> {
    let w = intake_words::of(lang);
    let mut problems: Vec<Problem> = Vec::new();
    for e in errors {
        let (input, label) = input_of(w, &e.field);
        if problems.iter().any(|p| p.input == input) {
            continue;
        }
        problems.push(Problem {
            input,
            label: label.trim_end_matches(" *"),
            message: crate::i18n::field_message(super::page::language(lang), e),
        });
    }
    problems
}

/// Records the request and shows it; refused input shows the form again (422) with every
/// problem of the request and of the person at once.
#[post("/aanvragen")]
pub async fn record(
    state: web::Data<AppState>,
    worker: WebCaseWorker,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = worker.form(&body)?;
    let lang = worker.lang;
    let again = |problems: Vec<Problem>, duplicate: bool, status: StatusCode| {
        let form = form.clone();
        render(
            status,
            &page(&state, &worker, &req, form, problems, duplicate),
        )
    };
    let (me, now) = (worker.id().clone(), state.clock.now_naive());
    let (request, person) = bodies_of(&form);
    let mut errors = Vec::new();
    let checked = (|| -> Result<_, AppError> {
        let request = match parsed::<HelpRequestBody>(&request) {
            Ok(body) => match body.validate(&state.gazetteer, &me, now) {
                Ok(new) => Some((new, body.confirm_duplicate)),
                Err(e) => field_errors(e, &mut errors).map(|()| None)?,
            },
            Err(e) => field_errors(e, &mut errors).map(|()| None)?,
        };
        let read = |value: &Value| parsed::<ForPersonBody>(value).and_then(|p| p.parse(false));
        let person = match read(&person) {
            Ok(person) => Some(person),
            Err(e) => {
                field_errors(e, &mut errors)?;
                // A missing consent stops the parser before the person's other fields: read
                // those too, with a consent filled in, so that all are named at once.
                if form.filled("given_via").is_none() {
                    let mut probe = person.clone();
                    probe["consent"]["given_via"] = Value::String("phone".into());
                    if let Err(e) = read(&probe) {
                        field_errors(e, &mut errors)?;
                    }
                }
                None
            }
        };
        Ok(request.zip(person))
    })();
    let (new, confirmed, person) = match checked {
        Ok(Some(((new, confirmed), person))) if errors.is_empty() => (new, confirmed, person),
        Ok(_) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(again(problems_of(lang, &errors), false, status));
        }
        Err(other) => return Err(WebError::from_app(lang, other)),
    };
    let stored = services::write(&state.pool, state.policy(), move |conn, policy| {
        intake::record(
            conn,
            &me,
            new.clone(),
            person.clone(),
            confirmed,
            now,
            policy,
        )
    })
    .await;
    match stored {
        Ok(recorded) => {
            let id = recorded.request.id;
            Ok(see_other(&format!(
                "/werkplek/aanvragen/{id}?gedaan=opgenomen"
            )))
        }
        Err(AppError::Validation(errors)) => Ok(again(
            problems_of(lang, &errors),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(AppError::Conflict {
            existing_id: Some(_),
            ..
        }) => Ok(again(Vec::new(), true, StatusCode::CONFLICT)),
        Err(other) => Err(WebError::from_app(lang, other)),
    }
}
