//! The category taxonomy (docs/ARCHITECTURE.md §1), versioned so clients can tell which table they have.

use actix_web::{get, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Category, CategoryInfo, TAXONOMY_VERSION};

/// Every category with its domains and flags.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    /// Version of the taxonomy, e.g. `2026.1`.
    #[schema(example = "2026.1")]
    pub taxonomy_version: &'static str,
    /// The categories in taxonomy order.
    pub items: Vec<CategoryInfo>,
}

/// Lists the categories a request or offer may use (no sign-in needed: it is reference data).
#[utoipa::path(get, path = "/api/v1/categories", tag = "reference data",
    responses((status = 200, description = "The taxonomy", body = CategoryList)))]
#[get("/categories")]
pub async fn list_categories() -> HttpResponse {
    HttpResponse::Ok().json(CategoryList {
        taxonomy_version: TAXONOMY_VERSION,
        items: Category::ALL.into_iter().map(Category::info).collect(),
    })
}
