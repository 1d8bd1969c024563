//! The category taxonomy endpoint.

use serde_json::Value;

use crate::helpers::{json_with_status, TestApp};

#[actix_web::test]
async fn categories_list_the_versioned_taxonomy_with_its_flags() {
    let app = TestApp::spawn().await;
    let body = json_with_status(app.get("/api/v1/categories").await, 200).await;
    assert_eq!(body["taxonomy_version"], "2026.1");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    let find = |code: &str| -> &Value {
        items
            .iter()
            .find(|c| c["code"] == code)
            .unwrap_or_else(|| panic!("{code} listed"))
    };
    assert_eq!(items[0]["code"], "boodschappen", "taxonomy order");
    let vog: Vec<&str> = items
        .iter()
        .filter(|c| c["requires_vog"] == true)
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        vog,
        [
            "huiswerkbegeleiding",
            "maatje-jongere",
            "gezinsondersteuning",
            "oppas"
        ]
    );
    let remote: Vec<&str> = items
        .iter()
        .filter(|c| c["remote_possible"] == true)
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        remote,
        [
            "telefoonmaatje",
            "administratie",
            "digitale-hulp",
            "huiswerkbegeleiding",
            "taalcoaching",
            "sollicitatiehulp",
            "budgetcoaching"
        ]
    );
    assert_eq!(
        find("vervoer")["domains"],
        serde_json::json!(["wmo", "participatiewet"])
    );
    assert_eq!(
        find("budgetcoaching")["domains"],
        serde_json::json!(["participatiewet", "wmo"])
    );
    assert_eq!(
        find("digitale-hulp")["name_nl"].as_str().map(str::is_empty),
        Some(false)
    );
    assert!(find("huisdieren")["formal_category"].is_null());
    assert!(find("oppas")["formal_category"].is_object());
}
