//! Appointed accounts (case workers, by an admin) and VOG records (by a case worker).

use actix_web::{post, put, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{extract::Json, me::MeView, responses};
use crate::{
    auth::{Admin, CaseWorker},
    db::{self, users::NewUser},
    domain::{DisplayName, Email, Password, Phone, UserId},
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

/// A VOG (certificate of conduct) issue date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VogBody {
    /// The date on the VOG (YYYY-MM-DD), not in the future.
    #[schema(example = "2026-03-01")]
    pub issued_on: NaiveDate,
}

/// The recorded VOG.
#[derive(Debug, Serialize, ToSchema)]
pub struct VogView {
    /// The volunteer.
    #[schema(format = Uuid)]
    pub user_id: String,
    /// The VOG's issue date.
    pub vog_issued_on: NaiveDate,
}

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
            AppError::invalid("municipality_code", "not a current CBS municipality code")
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

/// Records a volunteer's VOG issue date: by a case worker of a municipality where the
/// volunteer offers help, never by the volunteer themselves; a Dutch date, not in the future.
/// The volunteer's active offers then look for waiting requests at once.
#[utoipa::path(put, path = "/api/v1/users/{id}/vog", tag = "accounts", security(("bearer" = [])), request_body = VogBody,
    params(("id" = String, Path, description = "The volunteer's user id", format = Uuid)),
    responses((status = 200, description = "VOG recorded", body = VogView),
        (status = 403, description = "Not a case worker, or the VOG would be one's own", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such volunteer with an offer in your municipality (or a malformed id)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid date, or a date in the future", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = responses::Unavailable)))]
#[put("/users/{id}/vog")]
pub async fn record_vog(
    state: web::Data<AppState>,
    worker: CaseWorker,
    id: web::Path<String>,
    body: Json<VogBody>,
) -> Result<HttpResponse, AppError> {
    let volunteer = UserId::parse(&id).ok_or(AppError::NotFound("volunteer"))?;
    let issued_on = body.0.issued_on;
    let (now, policy) = (state.clock.now_naive(), state.policy());
    let view = crate::services::write(&state.pool, policy, move |conn, policy| {
        let (by, municipality) = (&worker.caller.user_id, &worker.municipality);
        let user = crate::services::staff::record_vog(
            conn,
            &volunteer,
            issued_on,
            by,
            municipality,
            now,
            policy,
        )?;
        Ok(VogView {
            user_id: user.id.to_string(),
            vog_issued_on: issued_on,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
