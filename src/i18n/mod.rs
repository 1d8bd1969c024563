//! The message catalogue: every sentence the API shows a person, in Dutch and English, as
//! Fluent files (`locales/nl/*.ftl`, `locales/en/*.ftl`) embedded in the binary. Code names
//! a sentence by its id ([`Message`]); [`render`] writes it in the request's language.

use std::sync::LazyLock;

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource, FluentValue};

use crate::domain::{FieldError, FieldErrorCode, Language, Message, MessageArg};

/// The catalogue's files, per language: (file name, contents). Both languages have the
/// same files with the same ids and variables (checked by the tests below).
pub const FILES: &[(Language, &str, &str)] = &[
    (
        Language::Nl,
        "problems.ftl",
        include_str!("../../locales/nl/problems.ftl"),
    ),
    (
        Language::Nl,
        "fields.ftl",
        include_str!("../../locales/nl/fields.ftl"),
    ),
    (
        Language::Nl,
        "matches.ftl",
        include_str!("../../locales/nl/matches.ftl"),
    ),
    (
        Language::En,
        "problems.ftl",
        include_str!("../../locales/en/problems.ftl"),
    ),
    (
        Language::En,
        "fields.ftl",
        include_str!("../../locales/en/fields.ftl"),
    ),
    (
        Language::En,
        "matches.ftl",
        include_str!("../../locales/en/matches.ftl"),
    ),
];

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, built once; a file that does not parse is a bug the tests catch.
static BUNDLES: LazyLock<Vec<(Language, Bundle)>> = LazyLock::new(|| {
    Language::ALL
        .iter()
        .map(|&lang| {
            let id: unic_langid::LanguageIdentifier =
                lang.as_str().parse().expect("nl and en are language tags");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Plain text in JSON: no Unicode isolation marks around the variables.
            bundle.set_use_isolating(false);
            for (_, name, source) in FILES.iter().filter(|(l, _, _)| *l == lang) {
                let resource = FluentResource::try_new((*source).to_owned())
                    .unwrap_or_else(|(_, errors)| panic!("locales/{lang:?}/{name}: {errors:?}"));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|errors| panic!("locales/{lang:?}/{name}: {errors:?}"));
            }
            (lang, bundle)
        })
        .collect()
});

fn bundle(lang: Language) -> &'static Bundle {
    &BUNDLES
        .iter()
        .find(|(l, _)| *l == lang)
        .expect("a bundle per language")
        .1
}

/// `message` in `lang`. An id missing from the catalogue renders as the id itself (the
/// tests make sure none is missing).
pub fn render(lang: Language, message: &Message) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(&message.id).and_then(|m| m.value()) else {
        tracing::error!(id = %message.id, "message missing from the catalogue");
        return message.id.to_string();
    };
    let mut args = FluentArgs::new();
    for (name, value) in &message.args {
        let value = match value {
            MessageArg::Number(n) => FluentValue::from(*n),
            MessageArg::Text(t) => FluentValue::from(t.as_str()),
        };
        args.set(name.as_ref(), value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
    if !errors.is_empty() {
        tracing::error!(id = %message.id, ?errors, "message rendered with errors");
    }
    text.into_owned()
}

/// The `message` of a field error in `lang`: its own message, or the plain text of its
/// code with the code's figures.
pub fn field_message(lang: Language, error: &FieldError) -> String {
    match &error.message {
        Some(message) => render(lang, message),
        None => render(lang, &generic(error)),
    }
}

/// The catalogue's general sentence for a field error's code, with its parameters.
fn generic(error: &FieldError) -> Message {
    let param = |name: &str| error.params.get(name);
    let number = |name: &str| param(name).and_then(serde_json::Value::as_i64);
    let text = |name: &str| {
        param(name).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        })
    };
    let with_number = |id: &'static str, name: &'static str| match number(name) {
        Some(n) => Message::new(id).arg(name, n),
        None => Message::new("field-not-allowed"),
    };
    match error.code {
        FieldErrorCode::Required => crate::msg!("field-required"),
        FieldErrorCode::TooShort => with_number("field-too-short", "min"),
        FieldErrorCode::TooLong => with_number("field-too-long", "max"),
        FieldErrorCode::OutOfRange => match (number("min"), number("max")) {
            (Some(min), Some(max)) => crate::msg!("field-out-of-range", min = min, max = max),
            (Some(min), None) => crate::msg!("field-out-of-range-min", min = min),
            (None, Some(max)) => crate::msg!("field-out-of-range-max", max = max),
            (None, None) => crate::msg!("field-out-of-range-plain"),
        },
        FieldErrorCode::InvalidFormat => crate::msg!("field-invalid-format"),
        FieldErrorCode::ControlCharacters => crate::msg!("field-control-characters"),
        FieldErrorCode::UnknownValue => match text("allowed") {
            Some(allowed) => crate::msg!("field-unknown-value-allowed", allowed = allowed),
            None => crate::msg!("field-unknown-value"),
        },
        FieldErrorCode::UnknownPostcode => crate::msg!("field-unknown-postcode"),
        FieldErrorCode::NotInDomain => crate::msg!("field-not-in-domain"),
        FieldErrorCode::AvailabilityInPast => crate::msg!("field-availability-in-past"),
        FieldErrorCode::Duplicate => crate::msg!("field-duplicate"),
        FieldErrorCode::UnknownField => crate::msg!("field-unknown-field"),
        FieldErrorCode::WrongType => match text("expected") {
            Some(expected) => crate::msg!("field-wrong-type-expected", expected = expected),
            None => crate::msg!("field-wrong-type"),
        },
        FieldErrorCode::MalformedJson => crate::msg!("field-malformed-json"),
        FieldErrorCode::NotAllowed => crate::msg!("field-not-allowed"),
    }
}

#[cfg(test)]
mod tests;
