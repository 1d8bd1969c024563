//! A help request as its owner (or, for one recorded by phone, the case worker) sees it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::{case_views::CaseOutcomeView, intake_views::RepresentationView},
    db::{self, help_requests::HelpRequest, DbConnection},
    domain::{AvailabilityInput, Category, HelpRequestStatus, LawDomain, Urgency},
    error::AppError,
};

/// A help request as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HelpRequestView {
    /// Id.
    #[schema(format = Uuid)]
    pub id: String,
    /// Law domain.
    pub domain: LawDomain,
    /// Category.
    pub category: Category,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The four-digit postcode area (never the full postcode).
    #[schema(example = "3512")]
    pub pc4: String,
    /// CBS code of the municipality of the PC4.
    #[schema(example = "GM0344")]
    pub municipality_code: String,
    /// Urgency.
    pub urgency: Urgency,
    /// A minor is involved.
    pub involves_minor: bool,
    /// Help at a distance is fine.
    pub remote_ok: bool,
    /// Furthest a volunteer may live, km.
    pub max_distance_km: Option<f64>,
    /// Weekly slots, date window and visit length.
    pub availability: AvailabilityInput,
    /// Whether the municipality may see the request if it escalates.
    pub consent_municipality: bool,
    /// Lifecycle status.
    pub status: HelpRequestStatus,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// When the status last changed (UTC).
    pub status_changed_at: DateTime<Utc>,
    /// What the municipality decided, once a case about this request is resolved.
    pub outcome: Option<CaseOutcomeView>,
    /// How the request reached the service: `online`, `phone` (recorded by a case worker) or
    /// `carer`.
    pub channel: crate::domain::RequestChannel,
    /// For a request recorded for someone else: the person, who recorded it, how the person
    /// consented, and whom the volunteer contacts. Absent for one's own request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_person: Option<RepresentationView>,
    /// Only in the answer to posting: whether the municipality takes up the request when no
    /// volunteer can help. `false`: there is no municipal fallback here (escalating is
    /// refused); the request stays open for volunteers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipal_fallback: Option<bool>,
}

impl From<HelpRequest> for HelpRequestView {
    fn from(row: HelpRequest) -> Self {
        Self {
            domain: row.domain,
            category: row.category,
            urgency: row.urgency,
            status: row.status,
            availability: row.availability.clone().into(),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            status_changed_at: row.status_changed_at.and_utc(),
            id: row.id.to_string(),
            title: row.title,
            description: row.description,
            pc4: row.pc4,
            municipality_code: row.municipality_code,
            involves_minor: row.involves_minor,
            remote_ok: row.remote_ok,
            max_distance_km: row.max_distance_km,
            consent_municipality: row.consent_municipality,
            outcome: None,
            channel: row.channel,
            for_person: None,
            municipal_fallback: None,
        }
    }
}

/// The view of `row` with the municipality's decision, when a case about it was resolved,
/// and for whom it was recorded, when it was recorded for someone else.
pub(crate) fn view_with_outcome(
    conn: &mut DbConnection,
    row: HelpRequest,
    lang: crate::domain::Language,
) -> Result<HelpRequestView, AppError> {
    let decided = match row.outcome {
        Some(_) => db::cases::latest_resolved_for_request(conn, &row.id)?,
        None => None,
    };
    let represented = match row.channel {
        crate::domain::RequestChannel::Online => None,
        _ => db::people::of_request(conn, &row.id)?,
    };
    let mut view = HelpRequestView::from(row);
    view.outcome = decided
        .as_ref()
        .and_then(|case| CaseOutcomeView::of(case, lang));
    view.for_person = represented.map(|(r, p)| RepresentationView::new(r, p));
    Ok(view)
}
