//! What a request recorded for someone says about that person and the recording, and the
//! `for_person` part of a posted request as sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::people::{Person, Representation},
    domain::{
        AddressLine, ConsentWay, ContactRoute, DisplayName, FieldError, FieldErrorCode, PersonId,
        Phone, RecorderRole,
    },
    error::AppError,
    services::intake::{ForPerson, PersonInput},
};

/// How the person consented.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// `phone`, `paper` or `in_person`. Who recorded it and when are taken from the request.
    pub given_via: ConsentWay,
}

/// The person a request is for, when that is not the account posting it: a case worker
/// records the request of a resident without an account, or an informal carer posts for
/// the person they care for. Either `person_id` of a person recorded before, or `name` (and
/// `phone`, which a case worker's recording and `contact: person` need).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Dhr. J. de Vries", "phone": "030 123 4567",
    "consent": {"given_via": "phone"}, "contact": "person"}))]
pub struct ForPersonBody {
    /// A person recorded before: by you as a carer, or by a case worker of your municipality.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub person_id: Option<String>,
    /// The person's name (not with `person_id`).
    #[serde(default)]
    pub name: Option<DisplayName>,
    /// How to reach the person by phone (not with `person_id`).
    #[serde(default)]
    pub phone: Option<Phone>,
    /// Street and number, place; optional (not with `person_id`).
    #[serde(default)]
    pub address_line: Option<AddressLine>,
    /// The person's consent, as you recorded it.
    pub consent: ConsentBody,
    /// Whom the volunteer contacts after accepting: `person`, or `carer` (only a carer's
    /// request). Default: `person` for a case worker, `carer` for a carer.
    #[serde(default)]
    pub contact: Option<ContactRoute>,
}

impl ForPersonBody {
    /// The service's input; `carer` says who is posting (for the default contact).
    pub fn parse(self, carer: bool) -> Result<ForPerson, AppError> {
        let contact = self.contact.unwrap_or(if carer {
            ContactRoute::Carer
        } else {
            ContactRoute::Person
        });
        let person = match (self.person_id, self.name) {
            (Some(id), None) if self.phone.is_none() && self.address_line.is_none() => {
                let id = PersonId::parse(&id).ok_or_else(|| {
                    invalid(
                        "for_person.person_id",
                        FieldErrorCode::InvalidFormat,
                        crate::msg!("field-person-id-format"),
                    )
                })?;
                PersonInput::Known(id)
            }
            (Some(_), _) => {
                return Err(invalid(
                    "for_person.person_id",
                    FieldErrorCode::NotAllowed,
                    crate::msg!("field-person-id-or-details"),
                ))
            }
            (None, Some(name)) => PersonInput::New {
                name,
                phone: self.phone,
                address_line: self.address_line,
            },
            (None, None) => {
                return Err(invalid(
                    "for_person.name",
                    FieldErrorCode::Required,
                    crate::msg!("field-person-name-required"),
                ))
            }
        };
        Ok(ForPerson {
            person,
            given_via: self.consent.given_via,
            contact,
        })
    }
}

fn invalid(field: &str, code: FieldErrorCode, message: crate::domain::Message) -> AppError {
    AppError::Validation(vec![FieldError::new(field, message).code(code)])
}

/// A person a request was recorded for.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    /// Id (give it as `for_person.person_id` to record another request for them).
    #[schema(format = Uuid)]
    pub id: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Address line.
    pub address_line: Option<String>,
    /// Whether the person took their requests into an account of their own.
    pub claimed: bool,
    /// Recorded at (UTC).
    pub recorded_at: DateTime<Utc>,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name,
            phone: p.phone,
            address_line: p.address_line,
            claimed: p.claimed_by.is_some(),
            recorded_at: p.created_at.and_utc(),
        }
    }
}

/// For whom a request was recorded, by whom, and with which consent.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepresentationView {
    /// The person the request is for.
    pub person: PersonView,
    /// `case_worker` (recorded by the municipality) or `carer`.
    pub recorded_by_role: RecorderRole,
    /// How the person consented.
    pub consent_via: ConsentWay,
    /// When the consent was recorded (UTC).
    pub consent_recorded_at: DateTime<Utc>,
    /// Whom the volunteer contacts after accepting.
    pub contact: ContactRoute,
}

impl RepresentationView {
    /// The view of a representation and its person.
    pub fn new(r: Representation, p: Person) -> Self {
        Self {
            person: p.into(),
            recorded_by_role: r.recorder_role,
            consent_via: r.consent_via,
            consent_recorded_at: r.consent_recorded_at.and_utc(),
            contact: r.contact,
        }
    }
}
