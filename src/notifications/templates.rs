//! The words of every notification: one subject, plain text and HTML per kind and language,
//! from the Jinja templates in `templates/notifications/` (embedded in the binary).
//!
//! Layout: `{lang}/{kind}.txt` holds the subject (block `subject`) and the text body (block
//! `body`) inside `{lang}/_layout.txt` (greeting, link, closing); `{lang}/{kind}.html` holds
//! the HTML body inside `{lang}/_layout.html` and `_base.html`. Undefined variables are
//! errors (a missing field is a bug, not an empty sentence), HTML output is escaped, and a
//! subject never contains the request's title: subjects show in lock screens and mail lists.
//!
//! Every kind gets `name` (the recipient), `app_url` (string or null), `category` (label in
//! the recipient's language) and `title` (string or null). Besides:
//!
//! | kind | to | variables |
//! |---|---|---|
//! | `proposal_made`, `proposal_reminder` | volunteer | `expires_at` ([`super::format::local_datetime`]) |
//! | `proposal_accepted` | resident | `volunteer_name` |
//! | `proposal_declined`, `proposal_expired` | resident | — |
//! | `proposal_lapsed` | volunteer | — |
//! | `match_cancelled` | the other side | `by`: `resident`, `volunteer`, `staff` |
//! | `match_completed` | both sides | — |
//! | `match_assigned` | volunteer (a case worker linked them) | — |
//! | `account_exists` | the owner of an address registered again | — |
//! | `password_reset`, `verify_email` | the account's owner, by e-mail only | `link` (with the token) |
//! | `still_need_help` | resident | `days_open` (integer) |
//! | `request_escalated` | resident | `reason`: `no_candidates`, `declined`, `proposal_timeout`, `urgent`, `minor`, `requested` (or `resident_request`) |
//! | `case_opened`, `case_waiting` | case workers | `case_number`, `urgency` (`low`, `normal`, `high`), `waiting_days` (integer) |
//! | `case_resolved` | resident | `outcome`: `referred`, `returned`, `closed`; `formal_label` (string or null) |
//! | `safeguarding_alert` | case workers | `reason`: `vog_revoked`, `suspended` |
//! | `case_handed_over` | one case worker | `how`: `handover` (they got the case), `takeover` (a colleague took theirs); `case_number`, `urgency` |
//! | `recorded_request_update` | the case worker who recorded a request for a resident without an account | `event`: `accepted`, `declined`, `expired`, `cancelled`, `completed` |
//! | `vog_expiring` | volunteer | `expires_on` ([`super::format::local_date`]) |
//! | `digest` | anyone | `items`: a list of [`DigestItem`] (see [`digest_item`]) |
//!
//! An unknown code in `by`, `event`, `how`, `reason`, `outcome` or `urgency` renders a general sentence.

use std::sync::OnceLock;

use minijinja::{context, value::Serde, AutoEscape, Environment, UndefinedBehavior, Value};

use crate::domain::Language;

/// Declares [`KINDS`] and the embedded template table from one list of kinds, so that a kind
/// without its four files (nl/en × txt/html) does not compile.
macro_rules! notification_templates {
    ($($kind:literal),+ $(,)?) => {
        /// Every notification kind; each has a `.txt` and an `.html` template per language.
        pub const KINDS: &[&str] = &[$($kind),+];

        /// Every template by name, embedded at compile time so the binary stands alone.
        const SOURCES: &[(&str, &str)] = &[
            ("_base.html", include_str!("../../templates/notifications/_base.html")),
            ("nl/_layout.txt", include_str!("../../templates/notifications/nl/_layout.txt")),
            ("nl/_layout.html", include_str!("../../templates/notifications/nl/_layout.html")),
            ("en/_layout.txt", include_str!("../../templates/notifications/en/_layout.txt")),
            ("en/_layout.html", include_str!("../../templates/notifications/en/_layout.html")),
            $(
                (
                    concat!("nl/", $kind, ".txt"),
                    include_str!(concat!("../../templates/notifications/nl/", $kind, ".txt")),
                ),
                (
                    concat!("nl/", $kind, ".html"),
                    include_str!(concat!("../../templates/notifications/nl/", $kind, ".html")),
                ),
                (
                    concat!("en/", $kind, ".txt"),
                    include_str!(concat!("../../templates/notifications/en/", $kind, ".txt")),
                ),
                (
                    concat!("en/", $kind, ".html"),
                    include_str!(concat!("../../templates/notifications/en/", $kind, ".html")),
                ),
            )+
        ];
    };
}

notification_templates![
    "proposal_made",
    "proposal_reminder",
    "proposal_accepted",
    "proposal_declined",
    "proposal_expired",
    "proposal_lapsed",
    "match_cancelled",
    "match_completed",
    "still_need_help",
    "request_escalated",
    "case_opened",
    "case_waiting",
    "case_resolved",
    "vog_expiring",
    "match_assigned",
    "account_exists",
    "safeguarding_alert",
    "case_handed_over",
    "recorded_request_update",
    "password_reset",
    "verify_email",
    "digest",
];

/// One message, ready for a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// One line, no personal details beyond what the kind needs, never the request's title.
    pub subject: String,
    /// Plain text with greeting and closing; paragraphs separated by a blank line.
    pub text: String,
    /// A complete HTML document with the same content.
    pub html: String,
}

/// One entry of a `digest` message's `items`: a message's subject and its body without
/// greeting or closing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DigestItem {
    /// The message's subject.
    pub subject: String,
    /// The message's text body.
    pub text: String,
}

/// A message could not be rendered. Retrying does not help: the kind or its context is wrong.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The kind is not in [`KINDS`].
    #[error("unknown notification kind '{0}'")]
    UnknownKind(String),
    /// The context is not a JSON object.
    #[error("the context of a '{0}' notification must be a JSON object")]
    NotAnObject(String),
    /// The template failed, typically on a variable missing from the context. The message
    /// names the template and line, never a value.
    #[error("notification template {template}: {source}")]
    Render {
        /// The template's name, such as `nl/proposal_made.txt`.
        template: String,
        /// minijinja's error.
        #[source]
        source: minijinja::Error,
    },
}

/// Renders `kind` in `language`. The context holds the variables the kind documents in its
/// templates, plus `name`, `app_url`, `category` and `title` for every kind.
pub fn render(
    kind: &str,
    language: Language,
    context: &serde_json::Value,
) -> Result<Rendered, TemplateError> {
    let context = checked_context(kind, context)?;
    let text_name = format!("{}/{kind}.txt", language.as_str());
    let (subject, text) = render_text(&text_name, context.clone(), false)?;
    let html_name = format!("{}/{kind}.html", language.as_str());
    let html = environment()
        .get_template(&html_name)
        .and_then(|t| t.render(context! { subject => &subject, ..context }))
        .map_err(|source| TemplateError::Render {
            template: html_name,
            source,
        })?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// Renders `kind` as an entry of a daily `digest`: its subject and its text body without
/// greeting, link and closing.
pub fn digest_item(
    kind: &str,
    language: Language,
    context: &serde_json::Value,
) -> Result<DigestItem, TemplateError> {
    let context = checked_context(kind, context)?;
    let text_name = format!("{}/{kind}.txt", language.as_str());
    let (subject, text) = render_text(&text_name, context, true)?;
    Ok(DigestItem { subject, text })
}

fn checked_context(kind: &str, context: &serde_json::Value) -> Result<Value, TemplateError> {
    if !KINDS.contains(&kind) {
        return Err(TemplateError::UnknownKind(kind.to_owned()));
    }
    if !context.is_object() {
        return Err(TemplateError::NotAnObject(kind.to_owned()));
    }
    Ok(Value::from(Serde(context)))
}

/// The subject block and either the whole text or only the body block of a `.txt` template.
fn render_text(
    name: &str,
    context: Value,
    body_only: bool,
) -> Result<(String, String), TemplateError> {
    let error = |source| TemplateError::Render {
        template: name.to_owned(),
        source,
    };
    let template = environment().get_template(name).map_err(error)?;
    let mut captured = template.render_captured(context).map_err(error)?;
    let subject = captured
        .with_state_mut(|state| state.render_block("subject"))
        .map_err(error)?;
    let text = if body_only {
        captured
            .with_state_mut(|state| state.render_block("body"))
            .map_err(error)?
    } else {
        captured.into_output()
    };
    Ok((one_line(&subject), tidy_text(&text)))
}

/// The shared environment, built once: strict undefined, HTML escaping for `.html`.
fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid");
        env.set_syntax(syntax);
        env.add_filter("paragraphs", paragraphs);
        for (name, source) in SOURCES {
            // The sources are compiled in and every one is rendered by the unit tests.
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("notification template {name} does not parse: {e}"));
        }
        env
    })
}

/// Template filter: plain text split into paragraphs at blank lines.
fn paragraphs(text: String) -> Vec<String> {
    tidy_text(&text)
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A subject on one line with single spaces (no header folding surprises, no injection).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text with trailing spaces removed, at most one blank line in a row, and one final newline.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = true; // drops leading blank lines
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            if !blank_run {
                out.push('\n');
            }
            blank_run = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank_run = false;
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
