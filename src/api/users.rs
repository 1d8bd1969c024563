//! Appointed accounts: case workers, created by an admin.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{extract::Json, me::MeView, responses};
use crate::{
    auth::Admin,
    db::{self, users::NewUser},
    domain::{DisplayName, Email, Password, Phone},
    error::{AppError, Problem},
    state::AppState,
};

/// A new case-worker account, bound to one municipality.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseWorkerBody {
    /// Login e-mail.
    pub email: Email,
    /// Initial password (10–128 characters).
    pub password: Password,
    /// Name.
    pub display_name: DisplayName,
    /// CBS code of the current municipality they work for, e.g. `GM0363`.
    #[schema(value_type = CurrentMunicipalityCode)]
    pub municipality_code: String,
    /// Optional phone.
    #[serde(default)]
    pub phone: Option<Phone>,
}

/// The CBS code of a current municipality: the schema lists the codes of the gazetteer, so the
/// document refuses exactly the codes that the handler refuses (former codes included).
pub struct CurrentMunicipalityCode;

impl utoipa::PartialSchema for CurrentMunicipalityCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        // The reference data is compiled in; loading it cannot fail in a built binary.
        let codes: Vec<String> = crate::geo::Gazetteer::load()
            .map(|g| g.municipalities().iter().map(|m| m.code.clone()).collect())
            .unwrap_or_default();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("CBS code of a current municipality, e.g. `GM0363`."))
            .enum_values(Some(codes))
            .examples([serde_json::json!("GM0363")])
            .into()
    }
}

impl ToSchema for CurrentMunicipalityCode {}

/// Creates a case worker for one municipality (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])), request_body = NewCaseWorkerBody,
    responses((status = 201, description = "Case worker created", body = MeView),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or not a current municipality code", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[post("/users")]
pub async fn create_case_worker(
    state: web::Data<AppState>,
    admin: Admin,
    body: Json<NewCaseWorkerBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let municipality = state
        .gazetteer
        .municipality(&body.municipality_code)
        .ok_or_else(|| {
            AppError::field(
                crate::domain::FieldError::new(
                    "municipality_code",
                    crate::msg!("field-municipality-unknown"),
                )
                .code(crate::domain::FieldErrorCode::UnknownValue),
            )
        })?
        .code
        .clone();
    let password_hash = state
        .passwords
        .hash(body.password.expose().to_owned())
        .await?;
    let now = state.clock.now_naive();
    let user = NewUser {
        is_case_worker: true,
        municipality_code: Some(municipality.clone()),
        ..NewUser::new(
            body.email.into_inner(),
            password_hash,
            body.display_name.into_inner(),
            body.phone.map(Phone::into_inner),
            now,
        )
    };
    let stored = db::transaction(&state.pool, move |conn| {
        let admin = &admin.0.user_id;
        crate::services::staff::appoint_case_worker(conn, &user, &municipality, admin, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(MeView::new(&stored, &state)))
}
