//! Recording a request for a resident who is not online, as a form. The form is turned into
//! the JSON body `POST /api/v1/help-requests` takes with `for_person`, read by the API's own
//! parser and validation, and stored by the same service (`intake::record`), so a request
//! recorded here is matched exactly as one recorded through the API. Refused input shows the
//! form again with what was typed and each field's problem linked from a summary at the top.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde_json::Value;

use super::{
    form::FormData,
    i18n::Lang,
    intake_body::{bodies_of, field_errors, parsed},
    intake_words::{self, Words},
    labels,
    login::see_other,
    page::{render, Chrome, WebError},
    session::WebCaseWorker,
};
use crate::{
    api::{help_requests::input::HelpRequestBody, intake_views::ForPersonBody},
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
