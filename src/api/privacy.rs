//! The person's own rights under the AVG: a machine-readable copy of everything held about
//! them (art. 15 and 20) and erasure (art. 17). The workflows live in
//! `services::privacy`; these handlers check who is asking and shape the answer.

use actix_web::{delete, get, http::header, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::Json, help_requests::HelpRequestView, matches::MatchView, offers::OfferView};
use crate::{
    auth::Caller,
    db::{self, DbConnection},
    domain::Role,
    error::{AppError, Problem},
    services::privacy::{self, ErasureReport, PersonalData},
    state::AppState,
};

/// Version of the export's shape, so that a program reading it can tell.
pub const EXPORT_FORMAT: &str = "hulpmarkt-export/1";

/// What the export says about case-worker notes, and why they are not in it.
pub const CASE_NOTES_NOTICE: &str = "Case-worker notes and decision notes are the \
municipality's working record and may hold assessments and information about other people \
(AVG art. 15(4)); this export lists each case with its status, reason, outcome, dates and \
number of notes. Ask your municipality's privacy officer for a copy of the notes themselves: \
they are provided after checking them for other people's data.";

/// The account part of the export.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAccount {
    /// Account id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// Roles held.
    pub roles: Vec<Role>,
    /// A case worker's municipality.
    pub municipality_code: Option<String>,
    /// Issue date of a VOG recorded by a case worker.
    pub vog_issued_on: Option<NaiveDate>,
    /// Always `stored as an argon2id hash; not exported`: the password itself is never
    /// stored, and its hash is not given out.
    pub password: &'static str,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// A help request in the export: as the API shows it, plus its life dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedHelpRequest {
    /// The request as `GET /help-requests/{id}` shows it.
    #[serde(flatten)]
    pub request: HelpRequestView,
    /// Outcome code set by a case decision.
    pub outcome: Option<String>,
    /// When a volunteer accepted.
    pub matched_at: Option<DateTime<Utc>>,
    /// When it reached a final state.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A municipal case about one of the person's requests, without the case worker's notes
/// (see `case_notes_notice`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCase {
    /// Case id.
    #[schema(format = Uuid)]
    pub id: String,
    /// The escalated request.
    #[schema(format = Uuid)]
    pub request_id: String,
    /// The municipality.
    pub municipality_code: String,
    /// Why the request escalated.
    pub reason: String,
    /// `open`, `in_progress` or `resolved`.
    pub status: String,
    /// The outcome once resolved.
    pub outcome: Option<String>,
    /// Opened (UTC).
    pub opened_at: DateTime<Utc>,
    /// Taken up by a case worker (UTC).
    pub claimed_at: Option<DateTime<Utc>>,
    /// Decided (UTC).
    pub resolved_at: Option<DateTime<Utc>>,
    /// How many notes case workers wrote.
    pub note_count: i64,
}

/// One audit entry about the person or their requests, offers, matches or cases. Staff ids
/// are not given; the role says who acted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAuditEntry {
    /// When (UTC).
    pub occurred_at: DateTime<Utc>,
    /// Whether you did it yourself.
    pub by_you: bool,
    /// In which role it was done (`resident`, `volunteer`, `case_worker`, `admin`, `system`).
    pub actor_role: String,
    /// What was done.
    pub action: String,
    /// Kind of object.
    pub object_type: String,
    /// The object.
    pub object_id: String,
    /// A qualifying code.
    pub detail: Option<String>,
}

/// A session (refresh token); the token and its hash are never exported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSession {
    /// Issued (UTC).
    pub created_at: DateTime<Utc>,
    /// Expires (UTC).
    pub expires_at: DateTime<Utc>,
    /// Exchanged for a new one (UTC).
    pub used_at: Option<DateTime<Utc>>,
    /// Revoked by logout or theft detection (UTC).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Everything Hulpmarkt holds about the caller, in one document.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataExport {
    /// Always `hulpmarkt-export/1`.
    pub format: &'static str,
    /// When this export was made (UTC).
    pub generated_at: DateTime<Utc>,
    /// The account.
    pub account: ExportedAccount,
    /// Your help requests.
    pub help_requests: Vec<ExportedHelpRequest>,
    /// Your offers.
    pub offers: Vec<OfferView>,
    /// Proposals and matches on either side, as you may see them: the other side's contact
    /// only from acceptance on, a request's description for the volunteer only from then.
    pub matches: Vec<MatchView>,
    /// Municipal cases about your requests.
    pub cases: Vec<ExportedCase>,
    /// Why case-worker notes are not in this export and how to obtain them.
    pub case_notes_notice: &'static str,
    /// The audit trail about you and your requests, offers, matches and cases.
    pub audit: Vec<ExportedAuditEntry>,
    /// Your sessions.
    pub sessions: Vec<ExportedSession>,
    /// Your notifications, as the feed shows them.
    pub notifications: Vec<super::notifications::NotificationView>,
    /// The people you posted requests for as a carer, and your own record if the
    /// municipality recorded requests for you that you claimed.
    pub people: Vec<super::intake_views::PersonView>,
}

fn export_document(
    conn: &mut DbConnection,
    data: PersonalData,
    now: DateTime<Utc>,
    lang: crate::domain::Language,
) -> Result<PersonalDataExport, AppError> {
    let PersonalData {
        user,
        requests,
        offers,
        matches,
        cases,
        audit,
        refresh_tokens,
        notifications,
        people,
        representations,
    } = data;
    let mut for_person: std::collections::HashMap<String, db::people::Representation> =
        representations
            .into_iter()
            .map(|r| (r.request_id.to_string(), r))
            .collect();
    let known: std::collections::HashMap<String, db::people::Person> = people
        .iter()
        .map(|p| (p.id.to_string(), p.clone()))
        .collect();
    let notifications = super::notifications::views_for(conn, &user, notifications)?;
    let help_requests = requests
        .into_iter()
        .map(|r| {
            let (outcome, matched_at, closed_at) = (
                r.outcome.map(|o| o.as_str().to_owned()),
                r.matched_at,
                r.closed_at,
            );
            let represented = for_person.remove(r.id.as_str()).and_then(|rep| {
                let person = known.get(rep.person_id.as_str())?.clone();
                Some(super::intake_views::RepresentationView::new(rep, person))
            });
            let mut request = HelpRequestView::from(r);
            request.for_person = represented;
            Ok(ExportedHelpRequest {
                request,
                outcome,
                matched_at: matched_at.map(|t| t.and_utc()),
                closed_at: closed_at.map(|t| t.and_utc()),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let offers = offers
        .into_iter()
        .map(|(o, categories)| OfferView::new(o, &categories))
        .collect::<Result<_, _>>()?;
    // The same view, with the same visibility rules, as GET /matches/{id}.
    let matches = matches
        .iter()
        .map(|m| super::matches::read_for(conn, &m.id, &user.id, lang))
        .collect::<Result<_, _>>()?;
    Ok(PersonalDataExport {
        format: EXPORT_FORMAT,
        generated_at: now,
        help_requests,
        offers,
        matches,
        cases: cases
            .into_iter()
            .map(|(c, note_count)| ExportedCase {
                id: c.id.to_string(),
                request_id: c.request_id.to_string(),
                municipality_code: c.municipality_code,
                reason: c.reason.as_str().to_owned(),
                status: c.status.as_str().to_owned(),
                outcome: c.outcome.map(|o| o.as_str().to_owned()),
                opened_at: c.opened_at.and_utc(),
                claimed_at: c.claimed_at.map(|t| t.and_utc()),
                resolved_at: c.resolved_at.map(|t| t.and_utc()),
                note_count,
            })
            .collect(),
        case_notes_notice: CASE_NOTES_NOTICE,
        notifications,
        people: people.into_iter().map(Into::into).collect(),
        audit: audit
            .into_iter()
            .map(|a| ExportedAuditEntry {
                occurred_at: a.occurred_at.and_utc(),
                by_you: a.actor_id.as_deref() == Some(user.id.as_str()),
                actor_role: a.actor_role,
                action: a.action,
                object_type: a.object_type,
                object_id: a.object_id,
                detail: a.detail,
            })
            .collect(),
        sessions: refresh_tokens
            .into_iter()
            .map(|t| ExportedSession {
                created_at: t.created_at.and_utc(),
                expires_at: t.expires_at.and_utc(),
                used_at: t.used_at.map(|t| t.and_utc()),
                revoked_at: t.revoked_at.map(|t| t.and_utc()),
            })
            .collect(),
        account: ExportedAccount {
            roles: user.roles(),
            id: user.id.to_string(),
            email: user.email,
            display_name: user.display_name,
            phone: user.phone,
            municipality_code: user.municipality_code,
            vog_issued_on: user.vog_issued_on,
            password: "stored as an argon2id hash; not exported",
            created_at: user.created_at.and_utc(),
            updated_at: user.updated_at.and_utc(),
        },
    })
}

/// Everything Hulpmarkt holds about you, as one JSON document (AVG art. 15 and 20).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "Your data", body = PersonalDataExport),
        (status = 401, description = "Not signed in, or the account was erased", body = Problem, content_type = "application/problem+json")))]
#[get("/me/export")]
pub async fn export_me(
    state: web::Data<AppState>,
    lang: crate::domain::Language,
    caller: Caller,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let document = db::run(&state.pool, move |conn| {
        let data = privacy::personal_data(conn, &caller.user_id)?;
        export_document(conn, data, now, lang)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"hulpmarkt-export.json\"",
        ))
        // Personal data: no shared or browser cache keeps a copy.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(document))
}

/// Confirmation of an erasure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureBody {
    /// Your current password: erasure cannot be undone, so a stolen access token alone must
    /// not be enough.
    #[schema(max_length = 128, format = Password)]
    pub password: String,
}

/// Erases your account and personal data (AVG art. 17). Open proposals and matches end (the
/// other side sees them withdrawn or cancelled), unfinished requests are cancelled, texts
/// are anonymised, and you can no longer sign in. Counts, dates, categories and PC4 stay for
/// the municipality's statistics, without any link to you.
#[utoipa::path(delete, path = "/api/v1/me", tag = "privacy", security(("bearer" = [])), request_body = ErasureBody,
    responses((status = 200, description = "Erased; what was done", body = ErasureReport),
        (status = 401, description = "Not signed in, or the account was erased already", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong password, or an appointed account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json")))]
#[delete("/me")]
pub async fn erase_me(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: Json<ErasureBody>,
) -> Result<HttpResponse, AppError> {
    let id = caller.user_id.clone();
    let user = db::run(&state.pool, move |conn| {
        db::users::find(conn, &id)?.ok_or(AppError::account_gone())
    })
    .await?;
    // The same limits as sign-in, so a stolen access token cannot guess the password.
    state
        .login_limiter
        .check(req.peer_addr().map(|a| a.ip()), &user.email)?;
    let password = body.0.password;
    if password.len() > 128
        || !state
            .passwords
            .verify(password, Some(user.password_hash))
            .await?
    {
        return Err(AppError::Forbidden("forbidden-password-wrong"));
    }
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let user_id = caller.user_id.clone();
    let report = crate::services::write(&state.pool, policy, move |conn, policy| {
        privacy::erase(conn, &user_id, now, policy)
    })
    .await?;
    // Committed: this instance refuses the account's access tokens from the next request on.
    state.erased_accounts.note(&caller.user_id, now);
    Ok(HttpResponse::Ok().json(report))
}
