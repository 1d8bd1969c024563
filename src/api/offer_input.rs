//! The body of a volunteer offer as sent and its validation into a storable row. Raw fields are
//! loose so that every mistake becomes a field error and all are reported at once.

use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::ToSchema;

use super::super::help_requests::input::{keep, pc4_area, present};
use crate::{
    db::offers::{NewOffer, Offer},
    domain::{
        availability::MIN_SESSION_MINUTES, Availability, AvailabilityInput, Category, FieldError,
        Note, OfferId, OfferStatus, UserId,
    },
    error::AppError,
    geo::Gazetteer,
};

/// Most categories on one offer (the whole taxonomy).
pub const MAX_CATEGORIES: usize = 20;
/// Smallest radius, km.
pub const MIN_RADIUS_KM: f64 = 0.5;
/// Largest radius, km.
pub const MAX_RADIUS_KM: f64 = 100.0;
/// Most requests one offer serves at once.
pub const MAX_CAPACITY: i64 = 10;

/// The fields of an offer as sent (`POST`), or as merged from the stored offer and a `PATCH`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"categories": ["boodschappen", "vervoer"], "postcode": "3511", "radius_km": 5,
    "remote_ok": false, "availability": {"slots": [{"weekday": "sat", "start": "10:00", "end": "14:00"}],
    "from": null, "until": null}, "capacity": 2, "note": "Ik heb een auto."}))]
pub struct OfferBody {
    /// 1–20 distinct category codes from `GET /api/v1/categories`.
    #[schema(value_type = Vec<crate::domain::Category>, min_items = 1, max_items = 20, example = json!(["boodschappen", "vervoer"]))]
    pub categories: Vec<String>,
    /// A PC4 or full postcode; only the PC4 is stored.
    #[schema(pattern = r"^\s*[1-9][0-9]{3}\s*([A-Za-z]{2})?\s*$", example = "3511")]
    pub postcode: String,
    /// How far you travel, 0.5–100 km.
    #[schema(minimum = 0.5, maximum = 100)]
    pub radius_km: f64,
    /// You also help at a distance; needs at least one category with `remote_possible`.
    #[serde(default)]
    pub remote_ok: bool,
    /// Weekly slots and date window. `session_minutes` is the shortest visit you take on
    /// (default 15); every slot must be at least that long. Absent means any time.
    #[serde(default)]
    pub availability: AvailabilityInput,
    /// How many requests at once, 1–10 (default 1).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 10)]
    pub capacity: i64,
    /// A short note, up to 1,000 characters.
    #[serde(default)]
    #[schema(value_type = crate::domain::Note)]
    pub note: String,
}

fn one() -> i64 {
    1
}

/// Changes to an offer that is not withdrawn. Absent fields keep their value; the merged
/// offer is then validated exactly like a new one. `null` is refused.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferPatch {
    /// New categories (replace the old ones).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<crate::domain::Category>>, nullable = false, min_items = 1, max_items = 20)]
    pub categories: Option<Vec<String>>,
    /// New postcode.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, pattern = r"^\s*[1-9][0-9]{3}\s*([A-Za-z]{2})?\s*$")]
    pub postcode: Option<String>,
    /// New radius.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 0.5, maximum = 100)]
    pub radius_km: Option<f64>,
    /// New remote flag.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub remote_ok: Option<bool>,
    /// New availability (replaces the old one as a whole).
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false)]
    pub availability: Option<AvailabilityInput>,
    /// New capacity.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, minimum = 1, maximum = 10)]
    pub capacity: Option<i64>,
    /// New note.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::domain::Note>, nullable = false)]
    pub note: Option<String>,
}

/// A validated offer: the row and its category codes.
#[derive(Debug, Clone)]
pub struct ValidOffer {
    /// The row.
    pub offer: NewOffer,
    /// Distinct category codes, in the order sent.
    pub categories: Vec<String>,
}

impl OfferBody {
    /// The stored offer in body form, as the base a `PATCH` is merged into.
    pub fn from_stored(row: &Offer, categories: Vec<String>) -> Result<Self, AppError> {
        let availability = row.availability.clone().into();
        Ok(Self {
            categories,
            postcode: row.pc4.clone(),
            radius_km: row.radius_km,
            remote_ok: row.remote_ok,
            availability,
            capacity: i64::from(row.capacity),
            note: row.note.clone(),
        })
    }

    /// Applies the fields present in `patch`.
    pub fn merge(mut self, patch: OfferPatch) -> Self {
        macro_rules! take {
            ($($field:ident),*) => { $(if let Some(v) = patch.$field { self.$field = v; })* };
        }
        take!(
            categories,
            postcode,
            radius_km,
            remote_ok,
            availability,
            capacity,
            note
        );
        self
    }

    fn parse_categories(&self, errors: &mut Vec<FieldError>) -> Vec<Category> {
        let n = self.categories.len();
        if n == 0 || n > MAX_CATEGORIES {
            errors.push(
                FieldError::new(
                    "categories",
                    crate::msg!("field-categories-count", max = MAX_CATEGORIES),
                )
                .code(crate::domain::FieldErrorCode::OutOfRange)
                .param("min", 1)
                .param("max", MAX_CATEGORIES),
            );
            return Vec::new();
        }
        let mut parsed: Vec<Category> = Vec::with_capacity(n);
        for (i, raw) in self.categories.iter().enumerate() {
            match Category::parse(raw) {
                Ok(c) if parsed.contains(&c) => errors.push(FieldError::of(
                    format!("categories[{i}]"),
                    crate::domain::FieldErrorCode::Duplicate,
                )),
                Ok(c) => parsed.push(c),
                Err(e) => errors.push(e.at(format!("categories[{i}]"))),
            }
        }
        parsed
    }

    /// Validates every field and derives the location from the gazetteer; the result has a
    /// fresh id, status `active` and `now` as its timestamps.
    pub fn validate(
        &self,
        gazetteer: &Gazetteer,
        volunteer: &UserId,
        now: NaiveDateTime,
    ) -> Result<ValidOffer, AppError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let categories = self.parse_categories(&mut errors);
        let area = keep(pc4_area(gazetteer, &self.postcode), &mut errors);
        if !(MIN_RADIUS_KM..=MAX_RADIUS_KM).contains(&self.radius_km) {
            errors.push(
                FieldError::new(
                    "radius_km",
                    crate::msg!(
                        "field-km-between",
                        min = MIN_RADIUS_KM.to_string(),
                        max = MAX_RADIUS_KM.to_string()
                    ),
                )
                .code(crate::domain::FieldErrorCode::OutOfRange)
                .param("min", MIN_RADIUS_KM)
                .param("max", MAX_RADIUS_KM),
            );
        }
        // Remote help only applies to categories that need no proximity; an offer without any
        // such category could never be used remotely.
        if self.remote_ok
            && !categories.is_empty()
            && !categories.iter().any(|c| c.remote_possible())
        {
            errors.push(
                FieldError::new("remote_ok", crate::msg!("field-offer-remote-impossible"))
                    .code(crate::domain::FieldErrorCode::NotAllowed),
            );
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            errors.push(
                FieldError::of("capacity", crate::domain::FieldErrorCode::OutOfRange)
                    .param("min", 1)
                    .param("max", MAX_CAPACITY),
            );
        }
        let note = keep(Note::parse(&self.note), &mut errors);
        // For an offer, the session length is the shortest visit the volunteer takes on.
        let mut availability = self.availability.clone();
        availability.session_minutes = availability
            .session_minutes
            .or(Some(i64::from(MIN_SESSION_MINUTES)));
        let availability = Availability::parse(&availability)
            .map_err(|e| errors.extend(e))
            .ok();
        let (Some(area), Some(note), Some(availability), true) =
            (area, note, availability, errors.is_empty())
        else {
            return Err(AppError::Validation(errors));
        };
        let window = availability.date_window();
        let offer = NewOffer {
            id: OfferId::generate(),
            volunteer_id: volunteer.clone(),
            pc4: format!("{:04}", area.pc4),
            municipality_code: area.municipality_code.clone(),
            lat: area.lat,
            lon: area.lon,
            radius_km: self.radius_km,
            remote_ok: self.remote_ok,
            available_from: window.from,
            available_until: window.until,
            availability,
            // In 1..=10, checked above.
            capacity: i32::try_from(self.capacity).unwrap_or(1),
            note: note.into_inner(),
            status: OfferStatus::Active,
            created_at: now,
            updated_at: now,
        };
        let categories = categories.iter().map(|c| c.code().to_owned()).collect();
        Ok(ValidOffer { offer, categories })
    }
}
