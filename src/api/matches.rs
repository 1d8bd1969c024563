//! Matches as their two sides see them: the volunteer answers proposals, either side
//! completes or cancels, and contact details appear only from acceptance on.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::Query,
    pagination::{PageParams, Paginated},
};
use crate::{
    auth::{Caller, Resident},
    db::{self, matches::MatchWithRequest, DbConnection},
    domain::{HelpRequestId, Language, MatchId, MatchStatus, Note},
    error::{AppError, Problem},
    services::{
        intake::{contact_for_volunteer, RequestContact},
        match_lifecycle::{self, Side},
    },
    state::AppState,
};

/// The score's parts, each in [0, 1].
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
pub struct ScorePartsView {
    /// Nearness (1 = same place).
    pub proximity: f64,
    /// Shared weekly time.
    pub availability: f64,
    /// Same municipality (0 or 1).
    pub same_municipality: f64,
    /// This volunteer helped this resident before (0 or 1).
    pub continuity: f64,
    /// Free capacity of the volunteer (1 = none in use).
    pub load: f64,
}

/// What a match shows of its help request. The description may hold health data: the
/// volunteer sees it only from acceptance on.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchRequestView {
    /// Law domain.
    pub domain: String,
    /// Category code.
    pub category: String,
    /// Title.
    pub title: String,
    /// Description (`null` for the volunteer until accepted).
    pub description: Option<String>,
    /// PC4 area.
    pub pc4: String,
    /// Municipality code.
    pub municipality_code: String,
    /// `low`, `normal` or `high`.
    pub urgency: String,
    /// A minor is involved.
    pub involves_minor: bool,
    /// Length of one visit in minutes.
    pub session_minutes: i32,
    /// When the resident needs help (days, times and dates), shown before accepting.
    pub availability: crate::domain::AvailabilityInput,
}

/// The other side's contact details.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    /// Name.
    pub display_name: String,
    /// Phone, if given (shown whether or not the e-mail address is confirmed).
    pub phone: Option<String>,
    /// E-mail, only once its owner has confirmed it (`null` until then: an address nobody
    /// confirmed may be someone else's).
    #[schema(example = "anna@example.nl")]
    pub email: Option<String>,
    /// When a carer is the contact: the name of the person the help is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

impl ContactView {
    /// The contact details of `user` that may be shown: never an unconfirmed address.
    pub fn of(user: crate::db::users::User) -> Self {
        Self {
            email: user.email_verified_at.map(|_| user.email),
            display_name: user.display_name,
            phone: user.phone,
            on_behalf_of: None,
        }
    }

    /// The contact of a request for its volunteer (see `services::intake`).
    pub fn of_request(contact: RequestContact) -> Self {
        match contact {
            RequestContact::Account(user) => Self::of(user),
            RequestContact::Person(person) => Self {
                display_name: person.name,
                phone: person.phone,
                email: None,
                on_behalf_of: None,
            },
            RequestContact::Carer { carer, person_name } => Self {
                on_behalf_of: Some(person_name),
                ..Self::of(carer)
            },
        }
    }
}

/// A match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchView {
    /// Match id.
    #[schema(format = Uuid)]
    pub id: String,
    /// The help request.
    #[schema(format = Uuid)]
    pub request_id: String,
    /// The offer.
    #[schema(format = Uuid)]
    pub offer_id: String,
    /// Lifecycle state.
    pub status: MatchStatus,
    /// `volunteer` or `resident`: the caller's side.
    pub your_side: String,
    /// Score in [0, 1].
    pub score: f64,
    /// Its parts.
    pub score_parts: ScorePartsView,
    /// Why this volunteer, in one or two short sentences in the request's language.
    pub explanation: String,
    /// What the explanation says, as data (absent for matches made before it was kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation_parts: Option<super::explanation::ExplanationParts>,
    /// Proposed at.
    pub proposed_at: DateTime<Utc>,
    /// The proposal lapses at (if not answered).
    pub expires_at: DateTime<Utc>,
    /// Answered at.
    pub responded_at: Option<DateTime<Utc>>,
    /// Ended at.
    pub closed_at: Option<DateTime<Utc>>,
    /// The volunteer's reason for declining or cancelling (shown to the volunteer).
    pub reason: Option<String>,
    /// The request.
    pub request: MatchRequestView,
    /// The other side's contact details, from acceptance on; `null` before.
    pub contact: Option<ContactView>,
}

/// Builds the view for `caller` on `side`, loading the other side's contact when visible.
pub(super) fn view(
    conn: &mut DbConnection,
    (m, r): MatchWithRequest,
    side: Side,
    lang: Language,
) -> Result<MatchView, AppError> {
    let status = m.status;
    let contact = match (status.contact_visible(), side) {
        (false, _) => None,
        (true, Side::Volunteer) => {
            let requester = r.requester_id.as_ref();
            contact_for_volunteer(conn, r.id.as_str(), requester)?.map(ContactView::of_request)
        }
        (true, Side::Resident) => match &m.volunteer_id {
            Some(id) => db::users::find(conn, id)?.map(ContactView::of),
            None => None,
        },
    };
    let description = (side == Side::Resident || status.contact_visible()).then_some(r.description);
    let your_side = match side {
        Side::Volunteer => "volunteer",
        Side::Resident => "resident",
    };
    // Worded from the stored facts; a match stored before them keeps its English text.
    let stored = super::explanation::stored(&m.score_parts);
    let explanation = match &stored {
        Some((parts, radius)) => {
            super::explanation::render(lang, parts, m.created_by, *radius, your_side)
        }
        None => m.explanation,
    };
    Ok(MatchView {
        id: m.id.to_string(),
        request_id: m.request_id.to_string(),
        offer_id: m.offer_id.to_string(),
        status,
        your_side: your_side.into(),
        score: m.score,
        score_parts: serde_json::from_str(&m.score_parts).unwrap_or_default(),
        explanation,
        explanation_parts: stored.map(|(parts, _)| parts),
        proposed_at: m.proposed_at.and_utc(),
        expires_at: m.expires_at.and_utc(),
        responded_at: m.responded_at.map(|t| t.and_utc()),
        closed_at: m.closed_at.map(|t| t.and_utc()),
        reason: if side == Side::Volunteer {
            m.decline_reason
        } else {
            None
        },
        request: MatchRequestView {
            domain: r.domain.as_str().to_owned(),
            category: r.category.code().to_owned(),
            title: r.title,
            description,
            pc4: r.pc4,
            municipality_code: r.municipality_code,
            urgency: r.urgency.as_str().to_owned(),
            involves_minor: r.involves_minor,
            session_minutes: r.session_minutes,
            availability: r.availability.into(),
        },
        contact,
    })
}

/// Reads one match for a caller who is one of its sides.
pub(super) fn read_for(
    conn: &mut DbConnection,
    id: &str,
    caller: &str,
    lang: Language,
) -> Result<MatchView, AppError> {
    let (_, side) = match_lifecycle::visible_match(conn, id, caller)?;
    let row = db::matches::with_request(conn, id)?.ok_or(AppError::NotFound("not-found-match"))?;
    view(conn, row, side, lang)
}

fn side_of(row: &MatchWithRequest, caller: &str) -> Side {
    if row.0.volunteer_id.as_deref() == Some(caller) {
        Side::Volunteer
    } else {
        Side::Resident
    }
}

/// Filters for listing matches.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatchListQuery {
    /// Only matches in this state.
    pub status: Option<MatchStatus>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A reason given with a decline or a cancellation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Optional reason, at most 1,000 characters.
    #[serde(default)]
    pub reason: Option<Note>,
}

/// The caller's matches, as volunteer or as resident, newest first.
#[utoipa::path(get, path = "/api/v1/matches", tag = "matches", security(("bearer" = [])), params(MatchListQuery),
    responses((status = 200, description = "One page of your matches", body = Paginated<MatchView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list_matches(
    state: web::Data<AppState>,
    lang: Language,
    caller: Caller,
    query: Query<MatchListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let page = PageParams {
        page: query.page,
        per_page: query.per_page,
    }
    .parse()?;
    let me = caller.user_id.0;
    let result = db::run(&state.pool, move |conn| {
        let status = query.status.map(MatchStatus::as_str);
        let (rows, total) =
            db::matches::for_participant(conn, &me, status, page.offset(), page.limit())?;
        let items = rows
            .into_iter()
            .map(|row| {
                let side = side_of(&row, &me);
                view(conn, row, side, lang)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(page.wrap(items, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// One match, for its volunteer or its resident.
#[utoipa::path(get, path = "/api/v1/matches/{id}", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid)),
    responses((status = 200, description = "The match", body = MatchView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}")]
pub async fn get_match(
    state: web::Data<AppState>,
    lang: Language,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = MatchId::parse(&id).ok_or(AppError::NotFound("not-found-match"))?;
    let me = caller.user_id.0;
    let view = db::run(&state.pool, move |conn| {
        read_for(conn, id.as_str(), &me, lang)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The proposals and matches of one of the caller's help requests, with the score's parts.
#[utoipa::path(get, path = "/api/v1/help-requests/{id}/matches", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), PageParams),
    responses((status = 200, description = "One page of the request's matches, oldest first", body = Paginated<MatchView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a resident", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json")))]
#[get("/{id}/matches")]
pub async fn list_request_matches(
    state: web::Data<AppState>,
    lang: Language,
    resident: Resident,
    id: web::Path<String>,
    paging: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = paging.0.parse()?;
    let id = HelpRequestId::parse(&id).ok_or(AppError::NotFound("not-found-help-request"))?;
    let me = resident.0.user_id.0;
    let items = db::run(&state.pool, move |conn| {
        let owner = db::help_requests::request(conn, id.as_str())?.and_then(|r| r.requester_id);
        if owner.as_deref() != Some(me.as_str()) {
            return Err(AppError::NotFound("not-found-help-request"));
        }
        let rows = db::matches::of_request_with_request(conn, id.as_str())?;
        rows.into_iter()
            .map(|row| view(conn, row, Side::Resident, lang))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(HttpResponse::Ok().json(page.slice(items)))
}
