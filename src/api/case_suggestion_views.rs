//! A case's relaxed suggestions as a case worker sees them.

use super::*;

/// What a suggested offer would need relaxed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelaxationKind {
    /// It fits as it is.
    None,
    /// Only the distance is too far.
    WiderRadius,
    /// Only the availability falls short.
    NearMissAvailability,
}

/// A suggested offer as a case worker sees it: what, where, when and how full; never who.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedOfferView {
    /// Category codes offered.
    pub categories: Vec<String>,
    /// The volunteer's PC4 area.
    pub pc4: String,
    /// Its municipality (CBS code).
    pub municipality_code: String,
    /// Helps at a distance in remote-capable categories.
    pub remote_ok: bool,
    /// When the volunteer can help.
    pub availability: crate::domain::AvailabilityInput,
    /// Requests at once.
    pub capacity: i32,
    /// Live proposals and matches now.
    pub load: i32,
    /// `active` or `paused`.
    pub status: crate::domain::OfferStatus,
}

/// A relaxed candidate: an offer that fails on one thing only.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    /// The offer (assign it with `outcome: assigned_volunteer`).
    #[schema(format = Uuid)]
    pub offer_id: String,
    /// Distance between the PC4 areas, km.
    pub distance_km: f64,
    /// What would have to give.
    pub relaxation: RelaxationKind,
    /// For `wider_radius`: the distance the radius would have to reach, km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needed_distance_km: Option<f64>,
    /// For `wider_radius`: the volunteer's radius, km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    /// For `wider_radius`: the resident's maximum, km.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_distance_km: Option<f64>,
    /// For `near_miss_availability`: longest common stretch per week, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longest_overlap_minutes: Option<u32>,
    /// For `near_miss_availability`: total common time per week, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_overlap_minutes: Option<u32>,
    /// For `near_miss_availability`: the visit length asked for, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_minutes: Option<u16>,
    /// For `near_miss_availability`: whether the date windows fail to meet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_windows_disjoint: Option<bool>,
    /// The offer itself.
    pub offer: Option<SuggestedOfferView>,
}

impl From<Suggestion> for SuggestionView {
    fn from(s: Suggestion) -> Self {
        let mut view = Self {
            offer_id: s.offer_id,
            distance_km: (s.distance_km * 10.0).round() / 10.0,
            relaxation: RelaxationKind::None,
            needed_distance_km: None,
            radius_km: None,
            max_distance_km: None,
            longest_overlap_minutes: None,
            total_overlap_minutes: None,
            session_minutes: None,
            date_windows_disjoint: None,
            offer: s.offer.map(|(card, categories)| SuggestedOfferView {
                categories,
                pc4: card.pc4,
                municipality_code: card.municipality_code,
                remote_ok: card.remote_ok,
                availability: card.availability.into(),
                capacity: card.capacity,
                load: card.active_load,
                status: card.status,
            }),
        };
        match s.relaxation {
            Relaxation::None => {}
            Relaxation::WiderRadius {
                distance_km,
                radius_km,
                max_distance_km,
            } => {
                view.relaxation = RelaxationKind::WiderRadius;
                view.needed_distance_km = Some((distance_km * 10.0).ceil() / 10.0);
                view.radius_km = Some(radius_km);
                view.max_distance_km = max_distance_km;
            }
            Relaxation::NearMissAvailability {
                longest_overlap_minutes,
                total_overlap_minutes,
                session_minutes,
                date_windows_disjoint,
            } => {
                view.relaxation = RelaxationKind::NearMissAvailability;
                view.longest_overlap_minutes = Some(longest_overlap_minutes);
                view.total_overlap_minutes = Some(total_overlap_minutes);
                view.session_minutes = Some(session_minutes);
                view.date_windows_disjoint = Some(date_windows_disjoint);
            }
        }
        view
    }
}
