//! What a stored notification says to its reader: the template's context built from the
//! notification's codes and what may be shown now (a name, a title only where allowed),
//! rendered in the reader's language. The feed, e-mail and the digest all use it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::{
    db::{self, notifications::Notification, DbConnection},
    domain::{AccountTokenPurpose, Category, FormalCategory, Language, NotificationKind},
    error::AppError,
    notifications::{format, templates, DigestItem, Rendered},
};

/// Who reads a notification, and what may be shown to them.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    /// Their language.
    pub language: Language,
    /// Their name, for the greeting.
    pub name: &'a str,
    /// Whether the request's title may be shown (always in the feed; in e-mail only where
    /// the municipality allows it).
    pub title: bool,
    /// Link to the residents' app or site.
    pub app_url: Option<&'a str>,
}

fn category_label(data: &Value, language: Language) -> String {
    let category = data["category"]
        .as_str()
        .and_then(|c| Category::parse(c).ok());
    match (category, language) {
        (Some(c), Language::Nl) => c.name_nl().to_owned(),
        (Some(c), Language::En) => c.name_en().to_owned(),
        (None, Language::Nl) => "hulp".to_owned(),
        (None, Language::En) => "help".to_owned(),
    }
}

/// The template context of `n` for `reader`.
pub fn context(
    conn: &mut DbConnection,
    n: &Notification,
    reader: &Reader<'_>,
) -> Result<Value, AppError> {
    let data: Value = serde_json::from_str(&n.data).map_err(|e| AppError::Internal(e.into()))?;
    let lang = reader.language;
    let title = match (&n.request_id, reader.title) {
        (Some(request), true) => db::help_requests::title(conn, request)?,
        _ => None,
    };
    let mut ctx = json!({
        "name": reader.name,
        "app_url": reader.app_url,
        "category": category_label(&data, lang),
        "title": title,
    });
    let time = |key: &str| -> String {
        data[key]
            .as_str()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
            .map(|t| format::local_datetime(t, lang))
            .unwrap_or_default()
    };
    use NotificationKind as K;
    match n.kind {
        K::ProposalMade | K::ProposalReminder => ctx["expires_at"] = json!(time("expires_at")),
        K::ProposalAccepted => {
            let name = match &n.match_id {
                Some(m) => db::matches::find(conn, m)?
                    .and_then(|m| m.volunteer_id)
                    .map(|v| db::users::find(conn, &v))
                    .transpose()?
                    .flatten()
                    .map(|u| u.display_name),
                None => None,
            };
            let fallback = match lang {
                Language::Nl => "Een vrijwilliger",
                Language::En => "A volunteer",
            };
            ctx["volunteer_name"] = json!(name.unwrap_or_else(|| fallback.to_owned()));
        }
        K::MatchCancelled => ctx["by"] = data["by"].clone(),
        K::RecordedRequestUpdate => ctx["event"] = data["event"].clone(),
        K::StillNeedHelp => ctx["days_open"] = data["days_open"].clone(),
        K::RequestEscalated | K::SafeguardingAlert => ctx["reason"] = data["reason"].clone(),
        K::CaseOpened | K::CaseWaiting => {
            for key in ["case_number", "urgency", "waiting_days"] {
                ctx[key] = data[key].clone();
            }
        }
        K::CaseHandedOver => {
            for key in ["case_number", "urgency", "how"] {
                ctx[key] = data[key].clone();
            }
        }
        K::CaseResolved => {
            ctx["outcome"] = data["outcome"].clone();
            let label = data["formal"]
                .as_str()
                .and_then(|k| FormalCategory::parse(k).ok())
                .map(|f| f.label);
            ctx["formal_label"] = json!(label);
        }
        K::VogExpiring => {
            let date = data["expires_on"]
                .as_str()
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .map(|d| format::calendar_date(d, lang))
                .unwrap_or_default();
            ctx["expires_on"] = json!(date);
        }
        K::ProposalDeclined
        | K::ProposalExpired
        | K::ProposalLapsed
        | K::MatchCompleted
        | K::MatchAssigned
        | K::AccountExists => {}
        K::PasswordReset | K::VerifyEmail => {
            // A scrubbed notification renders without its token; the dispatcher never sends it.
            let token = data["token"].as_str().unwrap_or_default();
            let link = AccountTokenPurpose::of_kind(n.kind).map(|p| p.link(reader.app_url, token));
            ctx["link"] = json!(link.unwrap_or_default());
        }
    }
    Ok(ctx)
}

fn template_error(e: templates::TemplateError) -> AppError {
    AppError::Internal(anyhow::anyhow!(e))
}

/// `n` as a whole message for `reader`.
pub fn message(
    conn: &mut DbConnection,
    n: &Notification,
    reader: &Reader<'_>,
) -> Result<Rendered, AppError> {
    let ctx = context(conn, n, reader)?;
    templates::render(n.kind.as_str(), reader.language, &ctx).map_err(template_error)
}

/// `n` as an entry of a list (the feed, the digest): subject and body without greeting.
pub fn item(
    conn: &mut DbConnection,
    n: &Notification,
    reader: &Reader<'_>,
) -> Result<DigestItem, AppError> {
    let ctx = context(conn, n, reader)?;
    templates::digest_item(n.kind.as_str(), reader.language, &ctx).map_err(template_error)
}

/// Several notifications as one daily digest for `reader`.
pub fn digest(
    conn: &mut DbConnection,
    all: &[Notification],
    reader: &Reader<'_>,
) -> Result<Rendered, AppError> {
    let items = all
        .iter()
        .map(|n| item(conn, n, reader))
        .collect::<Result<Vec<_>, _>>()?;
    let ctx = json!({
        "name": reader.name,
        "app_url": reader.app_url,
        "category": Value::Null,
        "title": Value::Null,
        "items": items,
    });
    templates::render("digest", reader.language, &ctx).map_err(template_error)
}
