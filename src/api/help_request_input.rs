//! The body of a help request as sent, its validation into a storable row, and the
//! near-duplicate rule. Raw fields are loose (plain strings, `f64`, `i64`), so that every
//! mistake becomes a field error and all of them are reported at once.

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use crate::{
    db::help_requests::{HelpRequest, NewHelpRequest},
    domain::{
        Availability, AvailabilityInput, Category, Description, FieldError, HelpRequestStatus,
        LawDomain, Postcode, Title, Urgency, UserId,
    },
    error::AppError,
    geo::{Gazetteer, Pc4Area},
};

/// Smallest `max_distance_km`.
pub const MIN_DISTANCE_KM: f64 = 0.5;
/// Largest `max_distance_km` (the Netherlands is about 300 km long).
pub const MAX_DISTANCE_KM: f64 = 200.0;

/// The fields of a help request as sent (`POST`), or as merged from the stored request and a
/// `PATCH`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"domain": "wmo", "category": "boodschappen", "title": "Boodschappen op dinsdag",
    "description": "Ik kan zelf niet meer naar de supermarkt.", "postcode": "3512 AB", "urgency": "normal",
    "involves_minor": false, "remote_ok": false, "max_distance_km": 10,
    "availability": {"slots": [{"weekday": "tue", "start": "09:00", "end": "12:00"}], "from": "2026-12-01",
        "until": "2027-02-28", "session_minutes": 60},
    "consent_municipality": true, "confirm_duplicate": false}))]
pub struct HelpRequestBody {
    /// Law domain: `wmo`, `jeugdwet` or `participatiewet`.
    #[schema(value_type = crate::domain::LawDomain, example = "wmo")]
    pub domain: String,
    /// Category code from `GET /api/v1/categories`; it must belong to `domain`.
    #[schema(value_type = crate::domain::Category, example = "boodschappen")]
    pub category: String,
    /// One line, 3–120 characters.
    #[schema(value_type = crate::domain::Title, example = "Boodschappen op dinsdag")]
    pub title: String,
    /// Up to 10,000 characters; may be empty.
    #[serde(default)]
    #[schema(value_type = crate::domain::Description)]
    pub description: String,
    /// A PC4 (`3512`) or full postcode (`3512 AB`); only the PC4 is stored.
    #[schema(
        pattern = r"^\s*[1-9][0-9]{3}\s*([A-Za-z]{2})?\s*$",
        example = "3512 AB"
    )]
    pub postcode: String,
    /// `low`, `normal` (default) or `high`.
    #[serde(default)]
    #[schema(value_type = Option<crate::domain::Urgency>, nullable = false, example = "normal")]
    pub urgency: Option<String>,
    /// A minor is involved: only volunteers with a valid VOG are matched.
    #[serde(default)]
    pub involves_minor: bool,
    /// Help at a distance is fine; only allowed for categories with `remote_possible`.
    #[serde(default)]
    pub remote_ok: bool,
    /// Furthest a volunteer may live, 0.5–200 km; `null` or absent for no limit of your own.
    #[serde(default)]
    #[schema(minimum = 0.5, maximum = 200)]
    pub max_distance_km: Option<f64>,
    /// Weekly slots, date window and visit length; absent means any time, 60-minute visits.
    #[serde(default)]
    pub availability: AvailabilityInput,
    /// Whether the municipality may see the request if it escalates (required).
    pub consent_municipality: bool,
    /// Post even if a nearly identical open request of yours exists (default `false`).
    #[serde(default)]
    pub confirm_duplicate: bool,
    /// For someone else: a case worker recording the request of a resident without an
    /// account, or an informal carer posting for the person they care for (with that
    /// person's recorded consent). Absent: the request is the poster's own.
    #[serde(default)]
    pub for_person: Option<crate::api::intake_views::ForPersonBody>,
}

/// Reads a field that is present: `null` is an error for a non-nullable `T` and
/// `Some(None)` for an `Option` (so a missing field (`None`) differs from an explicit `null`).
pub(crate) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Changes to an open request. Absent fields keep their value; the merged request is then
/// validated exactly like a new one. `null` is refused except where it clears a value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpRequestPatch {
    /// New domain.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::domain::LawDomain>, nullable = false)]
    pub domain: Option<String>,
    /// New category.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::domain::Category>, nullable = false)]
    pub category: Option<String>,
    /// New title.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::domain::Title>, nullable = false)]
    pub title: Option<String>,
    /// New description.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::domain::Description>, nullable = false)]
    pub description: Option<String>,
    /// New postcode.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, pattern = r"^\s*[1-9][0-9]{3}\s*([A-Za-z]{2})?\s*$")]
    pub postcode: Option<String>,
    /// New urgency.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::domain::Urgency>, nullable = false)]
    pub urgency: Option<String>,
    /// New minor flag.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub involves_minor: Option<bool>,
    /// New remote flag.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub remote_ok: Option<bool>,
    /// New maximum distance, or `null` to remove it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>, minimum = 0.5, maximum = 200)]
    pub max_distance_km: Option<Option<f64>>,
    /// New availability (replaces the old one as a whole).
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub availability: Option<AvailabilityInput>,
    /// New consent.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub consent_municipality: Option<bool>,
}

impl HelpRequestBody {
    /// The stored request in body form, as the base a `PATCH` is merged into.
    pub fn from_stored(row: &HelpRequest) -> Result<Self, AppError> {
        let availability = row.availability.clone().into();
        Ok(Self {
            domain: row.domain.as_str().to_owned(),
            category: row.category.code().to_owned(),
            title: row.title.clone(),
            description: row.description.clone(),
            postcode: row.pc4.clone(),
            urgency: Some(row.urgency.as_str().to_owned()),
            involves_minor: row.involves_minor,
            remote_ok: row.remote_ok,
            max_distance_km: row.max_distance_km,
            availability,
            consent_municipality: row.consent_municipality,
            confirm_duplicate: false,
            for_person: None,
        })
    }

    /// Applies the fields present in `patch`.
    pub fn merge(mut self, patch: HelpRequestPatch) -> Self {
        macro_rules! take {
            ($($field:ident),*) => { $(if let Some(v) = patch.$field { self.$field = v; })* };
        }
        take!(
            domain,
            category,
            title,
            description,
            postcode,
            involves_minor,
            remote_ok
        );
        take!(max_distance_km, availability, consent_municipality);
        if patch.urgency.is_some() {
            self.urgency = patch.urgency;
        }
        self
    }

    /// Validates every field and derives the location from the gazetteer. The result is a row
    /// ready to insert, with a fresh id, status `open` and `now` as its timestamps.
    pub fn validate(
        &self,
        gazetteer: &Gazetteer,
        requester: &UserId,
        now: NaiveDateTime,
    ) -> Result<NewHelpRequest, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let e = &mut errors;
        let domain = keep(LawDomain::parse(&self.domain), e);
        let category = keep(Category::parse(&self.category), e);
        let title = keep(Title::parse(&self.title), e);
        let description = keep(Description::parse(&self.description), e);
        let urgency = self
            .urgency
            .as_deref()
            .map_or(Ok(Urgency::Normal), Urgency::parse);
        let urgency = keep(urgency, e);
        let area = keep(pc4_area(gazetteer, &self.postcode), e);
        if let (Some(domain), Some(category)) = (domain, category) {
            if !category.belongs_to(domain) {
                let domains: Vec<&str> = category.domains().iter().map(|d| d.as_str()).collect();
                errors.push(
                    FieldError::of("category", crate::domain::FieldErrorCode::NotInDomain)
                        .param("domain", domain.as_str())
                        .param("allowed", domains),
                );
            }
        }
        // Remote help is only offered for categories that need no proximity, so a request
        // that claims otherwise would silently never be served remotely: say so instead.
        if category.is_some_and(|c| self.remote_ok && !c.remote_possible()) {
            errors.push(
                FieldError::new("remote_ok", crate::msg!("field-request-remote-impossible"))
                    .code(crate::domain::FieldErrorCode::NotAllowed),
            );
        }
        if let Some(km) = self.max_distance_km {
            if !(MIN_DISTANCE_KM..=MAX_DISTANCE_KM).contains(&km) {
                errors.push(
                    FieldError::new(
                        "max_distance_km",
                        crate::msg!(
                            "field-km-between",
                            min = MIN_DISTANCE_KM.to_string(),
                            max = MAX_DISTANCE_KM.to_string()
                        ),
                    )
                    .code(crate::domain::FieldErrorCode::OutOfRange)
                    .param("min", MIN_DISTANCE_KM)
                    .param("max", MAX_DISTANCE_KM),
                );
            }
        }
        let availability = Availability::parse(&self.availability)
            .map_err(|e| errors.extend(e))
            .ok()
            .filter(|a| match a.date_window().until {
                // Nobody can help any more on days that have passed (Dutch dates).
                Some(until) if until < crate::clock::dutch_today(now) => {
                    errors.push(
                        FieldError::of(
                            "availability.until",
                            crate::domain::FieldErrorCode::AvailabilityInPast,
                        )
                        .param("until", until.to_string()),
                    );
                    false
                }
                _ => true,
            });
        let (
            Some(domain),
            Some(category),
            Some(title),
            Some(description),
            Some(urgency),
            Some(area),
            Some(availability),
            true,
        ) = (
            domain,
            category,
            title,
            description,
            urgency,
            area,
            availability,
            errors.is_empty(),
        )
        else {
            return Err(AppError::Validation(errors));
        };
        let window = availability.date_window();
        Ok(NewHelpRequest {
            id: crate::domain::HelpRequestId::generate(),
            requester_id: Some(requester.clone()),
            domain,
            category,
            title: title.into_inner(),
            description: description.into_inner(),
            pc4: format!("{:04}", area.pc4),
            municipality_code: area.municipality_code.clone(),
            lat: area.lat,
            lon: area.lon,
            urgency,
            involves_minor: self.involves_minor,
            remote_ok: self.remote_ok,
            max_distance_km: self.max_distance_km,
            session_minutes: i32::from(availability.session_minutes()),
            available_from: window.from,
            available_until: window.until,
            availability,
            consent_municipality: self.consent_municipality,
            status: HelpRequestStatus::Open,
            created_at: now,
            updated_at: now,
            status_changed_at: now,
            channel: crate::domain::RequestChannel::Online,
        })
    }
}

/// The value, or `None` with its error added to `errors`.
pub(crate) fn keep<T>(result: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// The gazetteer's area of a postcode; errors are reported on field `postcode`.
pub(crate) fn pc4_area<'g>(gazetteer: &'g Gazetteer, raw: &str) -> Result<&'g Pc4Area, FieldError> {
    let pc = Postcode::parse(raw).map_err(|_| {
        FieldError::new("postcode", crate::msg!("field-postcode-format"))
            .code(crate::domain::FieldErrorCode::InvalidFormat)
    })?;
    gazetteer.postcode(pc).ok_or_else(|| {
        FieldError::of("postcode", crate::domain::FieldErrorCode::UnknownPostcode)
            .param("postcode", pc.to_string())
    })
}
