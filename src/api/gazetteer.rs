//! Reference data: postcodes and municipalities.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    extract::Query,
    pagination::{PageParams, Paginated},
};
use crate::{
    domain::Postcode,
    error::{AppError, Problem},
    geo::{MergerNote, Municipality, SharedArea},
    state::AppState,
};

/// A PC4 postcode area.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"pc4": "1012", "municipality_code": "GM0363", "municipality_name": "Amsterdam",
    "province": "Noord-Holland", "lat": 52.3735, "lon": 4.8951, "shared_with": []}))]
pub struct PostcodeView {
    /// The four-digit postcode.
    pub pc4: String,
    /// CBS code of the municipality holding most of its addresses.
    pub municipality_code: String,
    /// Name of that municipality.
    pub municipality_name: String,
    /// Province of that municipality.
    pub province: String,
    /// Latitude (WGS84) of the postcode point.
    pub lat: f64,
    /// Longitude (WGS84) of the postcode point.
    pub lon: f64,
    /// When the PC4 spans several municipalities: each with its share.
    pub shared_with: Vec<SharedArea>,
}

/// A municipality.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityView {
    /// CBS code, e.g. `GM0363`.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Province.
    pub province: String,
    /// Latitude of the centroid.
    pub lat: f64,
    /// Longitude of the centroid.
    pub lon: f64,
    /// When looked up by a former code: the merger or split that leads here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_from: Option<MergerNote>,
}

impl MunicipalityView {
    fn new(m: &Municipality, resolved_from: Option<MergerNote>) -> Self {
        Self {
            code: m.code.clone(),
            name: m.name.clone(),
            province: m.province.clone(),
            lat: m.lat,
            lon: m.lon,
            resolved_from,
        }
    }
}

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityHit {
    /// The municipality.
    #[serde(flatten)]
    pub municipality: MunicipalityView,
    /// Similarity to the query, 0–1 (1 = exact).
    pub score: f64,
    /// The name that matched: official, everyday alias or former name.
    pub matched_name: String,
}

/// Municipality search parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityQuery {
    /// Name to look for; typos, aliases (`Den Haag`) and former names (`Weesp`) are found.
    /// Without it (or when it is blank), all municipalities are listed by code.
    #[param(max_length = 100, example = "Den Haag")]
    pub q: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page, 1–100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Looks up a postcode: `1012`, `1012AB` and `1012 ab` are all accepted.
#[utoipa::path(get, path = "/api/v1/postcodes/{pc4}", tag = "reference data",
    params(("pc4" = String, Path, description = "A PC4 or full postcode (white space is ignored; no leading 0; not the letters SA, SD or SS)",
        example = "1012", pattern = r#"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[1-9][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*(?:(?:[A-RT-Za-rt-z][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z]|[Ss][\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[B-CE-RT-Zb-ce-rt-z])[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?$"#)),
    responses(
        (status = 200, description = "The postcode area", body = PostcodeView),
        (status = 400, description = "Not a postcode", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such postcode area", body = Problem, content_type = "application/problem+json")))]
#[get("/postcodes/{pc4}")]
pub async fn get_postcode(
    state: web::Data<AppState>,
    pc4: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let postcode = Postcode::parse(&pc4).map_err(|_| {
        AppError::BadRequest(
            crate::domain::FieldError::new("pc4", crate::msg!("field-postcode-format"))
                .code(crate::domain::FieldErrorCode::InvalidFormat),
        )
    })?;
    let area = state
        .gazetteer
        .postcode(postcode)
        .ok_or(AppError::NotFound("not-found-postcode"))?;
    let municipality = state
        .gazetteer
        .municipality(&area.municipality_code)
        .ok_or(AppError::NotFound("not-found-postcode"))?;
    Ok(HttpResponse::Ok().json(PostcodeView {
        pc4: postcode.as_string(),
        municipality_code: municipality.code.clone(),
        municipality_name: municipality.name.clone(),
        province: municipality.province.clone(),
        lat: area.lat,
        lon: area.lon,
        shared_with: area.shared_with.clone(),
    }))
}

/// Searches municipalities by name (fuzzy), or lists them all.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "reference data", params(MunicipalityQuery),
    responses(
        (status = 200, description = "Matches, best first", body = Paginated<MunicipalityHit>),
        (status = 422, description = "Invalid parameter", body = Problem, content_type = "application/problem+json")))]
#[get("")]
pub async fn list_municipalities(
    state: web::Data<AppState>,
    query: Query<MunicipalityQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let page = PageParams {
        page: query.page,
        per_page: query.per_page,
    }
    .parse()?;
    if query.q.as_deref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::field(
            crate::domain::FieldError::of("q", crate::domain::FieldErrorCode::TooLong)
                .param("max", 100),
        ));
    }
    let hits: Vec<MunicipalityHit> =
        match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => state
                .gazetteer
                .search_municipalities(q, 50)
                .into_iter()
                .map(|hit| MunicipalityHit {
                    municipality: MunicipalityView::new(hit.municipality, hit.merger.cloned()),
                    score: (hit.score * 1000.0).round() / 1000.0,
                    matched_name: hit.matched_name,
                })
                .collect(),
            None => state
                .gazetteer
                .municipalities()
                .iter()
                .map(|m| MunicipalityHit {
                    municipality: MunicipalityView::new(m, None),
                    score: 1.0,
                    matched_name: m.name.clone(),
                })
                .collect(),
        };
    Ok(HttpResponse::Ok().json(page.slice(hits)))
}

/// One municipality by CBS code; a former code answers with its successor and the merger.
#[utoipa::path(get, path = "/api/v1/municipalities/{code}", tag = "reference data",
    params(("code" = String, Path, description = "CBS code, GM and four digits (any case); a former code answers with its successor",
        example = "GM0363", pattern = "^[Gg][Mm][0-9]{4}$")),
    responses(
        (status = 200, description = "The municipality", body = MunicipalityView),
        (status = 400, description = "Not a CBS code", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown code", body = Problem, content_type = "application/problem+json")))]
#[get("/{code}")]
pub async fn get_municipality(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = code.to_ascii_uppercase();
    if code.len() != 6 || !code.starts_with("GM") || !code[2..].bytes().all(|b| b.is_ascii_digit())
    {
        return Err(AppError::BadRequest(
            crate::domain::FieldError::new("code", crate::msg!("field-municipality-code-format"))
                .code(crate::domain::FieldErrorCode::InvalidFormat),
        ));
    }
    if let Some(m) = state.gazetteer.municipality(&code) {
        return Ok(HttpResponse::Ok().json(MunicipalityView::new(m, None)));
    }
    let successors = state.gazetteer.successors_of(&code);
    let (note, m) = successors
        .first()
        .and_then(|note| {
            state
                .gazetteer
                .municipality(&note.new_code)
                .map(|m| (note, m))
        })
        .ok_or(AppError::NotFound("not-found-municipality"))?;
    Ok(HttpResponse::Ok().json(MunicipalityView::new(m, Some((*note).clone()))))
}
