//! What case workers (and, for the outcome, residents) see of a case. The request is shown
//! as far as the resident's consent allows: without `consent_municipality` only category,
//! domain, PC4, urgency and waiting time, never title, description or name.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[path = "case_suggestion_views.rs"]
mod suggestions;
pub use suggestions::{RelaxationKind, SuggestedOfferView, SuggestionView};

use super::{intake_views::RepresentationView, matches::ContactView};
use crate::{
    db::{
        cases::{Case, CaseNote, QueueRequest},
        users::User,
    },
    domain::{
        AvailabilityInput, CaseOutcome, CaseStatus, Category, EscalationReason, FormalCategory,
        LawDomain, MatchStatus, Urgency,
    },
    error::AppError,
    services::{
        case_file::{CaseFile, Relaxation, Suggestion},
        intake::RequestContact,
    },
};

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn hours_between(from: NaiveDateTime, now: NaiveDateTime) -> i64 {
    (now - from).num_hours().max(0)
}

/// One case in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    /// Case id.
    #[schema(format = Uuid)]
    pub id: String,
    /// The escalated help request.
    #[schema(format = Uuid)]
    pub request_id: String,
    /// Case status.
    pub status: CaseStatus,
    /// Why the request escalated.
    pub reason: EscalationReason,
    /// Law domain.
    pub domain: LawDomain,
    /// Category.
    pub category: Category,
    /// PC4 area.
    #[schema(example = "1012")]
    pub pc4: String,
    /// Urgency.
    pub urgency: Urgency,
    /// The resident has waited since (UTC).
    pub waiting_since: DateTime<Utc>,
    /// Whole hours waited so far.
    pub waiting_hours: i64,
    /// Case opened (UTC).
    pub opened_at: DateTime<Utc>,
    /// The case worker who claimed it.
    #[schema(format = Uuid)]
    pub assigned_to: Option<String>,
}

impl CaseSummary {
    /// The queue line of a case.
    pub fn new(case: Case, request: QueueRequest, now: NaiveDateTime) -> Result<Self, AppError> {
        Ok(Self {
            status: case.status,
            reason: case.reason,
            domain: request.domain,
            category: request.category,
            urgency: request.urgency,
            pc4: request.pc4,
            waiting_since: utc(request.created_at),
            waiting_hours: hours_between(request.created_at, now),
            opened_at: utc(case.opened_at),
            assigned_to: case.assigned_to.map(|a| a.to_string()),
            request_id: case.request_id.to_string(),
            id: case.id.to_string(),
        })
    }
}

/// The decision of a resolved case, as the resident and the case worker see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOutcomeView {
    /// The outcome.
    pub outcome: CaseOutcome,
    /// The outcome in words for the resident, in the request's language.
    pub text: String,
    /// Decided at (UTC).
    pub decided_at: Option<DateTime<Utc>>,
    /// For `referred_formal` (Wmo, Jeugdwet): the formal care category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formal_category: Option<FormalCategory>,
    /// For `referred_formal` (Participatiewet): the instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// For `returned_to_marketplace`: the wider maximum distance, km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_distance_km: Option<f64>,
    /// The municipality's explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CaseOutcomeView {
    /// The outcome of a resolved case (`None` while unresolved).
    pub fn of(case: &Case, lang: crate::domain::Language) -> Option<Self> {
        let outcome = case.outcome?;
        let text = crate::i18n::render(
            lang,
            &match outcome {
                CaseOutcome::AssignedVolunteer => crate::msg!("outcome-assigned-volunteer"),
                CaseOutcome::ReferredFormal => crate::msg!("outcome-referred-formal"),
                CaseOutcome::ReturnedToMarketplace => {
                    crate::msg!("outcome-returned-to-marketplace")
                }
                CaseOutcome::Closed => crate::msg!("outcome-closed"),
            },
        );
        let detail = case.outcome_detail.as_deref().unwrap_or_default();
        Some(Self {
            outcome,
            text,
            decided_at: case.resolved_at.map(utc),
            formal_category: FormalCategory::parse(detail).ok(),
            instrument: detail.strip_prefix("instrument:").map(str::to_owned),
            max_distance_km: (outcome == CaseOutcome::ReturnedToMarketplace)
                .then(|| detail.parse().ok())
                .flatten(),
            note: case.resolution_note.clone(),
        })
    }
}

/// The request behind a case, as far as consent allows.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRequestView {
    /// Request id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Law domain.
    pub domain: LawDomain,
    /// Category.
    pub category: Category,
    /// PC4 area.
    pub pc4: String,
    /// Urgency.
    pub urgency: Urgency,
    /// Waiting since (UTC).
    pub waiting_since: DateTime<Utc>,
    /// Whole hours waited so far.
    pub waiting_hours: i64,
    /// Whether the resident consented to the municipality seeing the request; the fields
    /// below appear only when they did.
    pub consent_municipality: bool,
    /// Title (with consent only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description (with consent only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A minor is involved (with consent only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub involves_minor: Option<bool>,
    /// Remote help is fine (with consent only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_ok: Option<bool>,
    /// Maximum distance, km (with consent only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_distance_km: Option<f64>,
    /// Availability (with consent only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<AvailabilityInput>,
    /// The resident's contact details (with consent only): for a request a case worker
    /// recorded, the person's name and phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<ContactView>,
    /// For a request recorded for someone else (with consent only): the person, who recorded
    /// it and how the person consented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_person: Option<super::intake_views::RepresentationView>,
}

/// One proposal or match of the request; the volunteer only from acceptance on.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalHistoryView {
    /// Match id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Offer id.
    #[schema(format = Uuid)]
    pub offer_id: String,
    /// Match status.
    pub status: MatchStatus,
    /// `incremental`, `batch` or `case_worker`.
    pub created_by: String,
    /// Proposed at (UTC).
    pub proposed_at: DateTime<Utc>,
    /// Answered at (UTC).
    pub responded_at: Option<DateTime<Utc>>,
    /// Ended at (UTC).
    pub closed_at: Option<DateTime<Utc>>,
    /// The volunteer, for accepted and completed matches only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volunteer: Option<ContactView>,
}

/// A case note.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseNoteView {
    /// Note id.
    #[schema(format = Uuid)]
    pub id: String,
    /// The case worker who wrote it.
    #[schema(format = Uuid)]
    pub author_id: Option<String>,
    /// The text.
    pub body: String,
    /// Written at (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<CaseNote> for CaseNoteView {
    fn from(n: CaseNote) -> Self {
        Self {
            id: n.id,
            author_id: n.author_id.map(|a| a.to_string()),
            body: n.body,
            created_at: utc(n.created_at),
        }
    }
}

/// A case as a case worker of its municipality reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    /// Case id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Case status.
    pub status: CaseStatus,
    /// Why the request escalated.
    pub reason: EscalationReason,
    /// CBS code of the municipality.
    pub municipality_code: String,
    /// Opened at (UTC).
    pub opened_at: DateTime<Utc>,
    /// Claimed at (UTC).
    pub claimed_at: Option<DateTime<Utc>>,
    /// The case worker who claimed it.
    #[schema(format = Uuid)]
    pub assigned_to: Option<String>,
    /// The decision, once resolved.
    pub outcome: Option<CaseOutcomeView>,
    /// For `assigned_volunteer`: the offer.
    #[schema(format = Uuid)]
    pub resolved_offer_id: Option<String>,
    /// The request, as far as consent allows.
    pub request: CaseRequestView,
    /// Every proposal and match of the request, oldest first.
    pub history: Vec<ProposalHistoryView>,
    /// Notes, oldest first.
    pub notes: Vec<CaseNoteView>,
    /// Offers that fail on one relaxable thing only, fitting ones and nearest first (none once
    /// resolved).
    pub suggestions: Vec<SuggestionView>,
}

fn contact(user: User) -> ContactView {
    ContactView::of(user)
}

impl CaseView {
    /// The view of a loaded case file at `now`.
    pub fn new(
        file: CaseFile,
        now: NaiveDateTime,
        lang: crate::domain::Language,
    ) -> Result<Self, AppError> {
        let CaseFile {
            case,
            request: r,
            requester,
            represented,
            history,
            notes,
            suggestions,
        } = file;
        let requester = requester.map(contact).or_else(|| {
            let (_, person) = represented.as_ref()?;
            Some(ContactView::of_request(RequestContact::Person(
                person.clone(),
            )))
        });
        let for_person = represented.map(|(r, p)| RepresentationView::new(r, p));
        let consent = r.consent_municipality;
        let request = CaseRequestView {
            domain: r.domain,
            category: r.category,
            urgency: r.urgency,
            waiting_since: utc(r.created_at),
            waiting_hours: hours_between(r.created_at, now),
            consent_municipality: consent,
            involves_minor: consent.then_some(r.involves_minor),
            remote_ok: consent.then_some(r.remote_ok),
            max_distance_km: r.max_distance_km.filter(|_| consent),
            availability: if consent {
                Some(r.availability.clone().into())
            } else {
                None
            },
            title: consent.then_some(r.title),
            description: consent.then_some(r.description),
            requester: requester.filter(|_| consent),
            for_person: for_person.filter(|_| consent),
            pc4: r.pc4,
            id: r.id.to_string(),
        };
        let history = history
            .into_iter()
            .map(|(m, volunteer)| ProposalHistoryView {
                status: m.status,
                id: m.id.to_string(),
                offer_id: m.offer_id.to_string(),
                created_by: m.created_by.as_str().to_owned(),
                proposed_at: utc(m.proposed_at),
                responded_at: m.responded_at.map(utc),
                closed_at: m.closed_at.map(utc),
                volunteer: volunteer.map(contact),
            })
            .collect();
        Ok(Self {
            status: case.status,
            reason: case.reason,
            outcome: CaseOutcomeView::of(&case, lang),
            municipality_code: case.municipality_code,
            opened_at: utc(case.opened_at),
            claimed_at: case.claimed_at.map(utc),
            assigned_to: case.assigned_to.map(|a| a.to_string()),
            resolved_offer_id: case.resolved_offer_id.map(|o| o.to_string()),
            id: case.id.to_string(),
            request,
            history,
            notes: notes.into_iter().map(CaseNoteView::from).collect(),
            suggestions: suggestions.into_iter().map(SuggestionView::from).collect(),
        })
    }
}
