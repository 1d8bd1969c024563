//! The API contract: the committed `api-spec/openapi.json` is what the code generates, the
//! service serves exactly that, every registered route is documented (and every documented
//! path is routed), every error response is problem+json, and the reference page works
//! without the internet.

use std::collections::BTreeSet;

use hulpmarkt::api::openapi::document;
use serde_json::Value;

use crate::helpers::{json_with_status, TestApp};

const REGENERATE: &str = "cargo run --quiet -- openapi > api-spec/openapi.json";

/// Services in `configure` that are not operations of the JSON API.
const NOT_OPERATIONS: &[&str] = &[
    // Swagger UI: an HTML page and its static assets.
    "reference_page",
];

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/api-spec/openapi.json");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

#[test]
fn committed_document_matches_the_code() {
    let generated = document();
    // `hulpmarkt openapi` prints with a trailing newline.
    let on_disk = committed();
    assert!(
        on_disk.trim_end() == generated.trim_end(),
        "api-spec/openapi.json is out of date with the code; regenerate it with `{REGENERATE}` \
         and commit the result"
    );
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            all.push((method.clone(), path.clone(), operation));
        }
    }
    all
}

/// Handler names passed to `.service(...)` in `src/api/mod.rs::configure`.
fn registered_handlers() -> BTreeSet<String> {
    let source = include_str!("../../src/api/mod.rs");
    let start = source
        .find("pub fn configure")
        .expect("configure in src/api/mod.rs");
    let body = &source[start..];
    let end = body.find("\n}\n").expect("end of configure");
    let compact: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .split(".service(")
        .skip(1)
        .filter(|call| !call.starts_with("web::"))
        .map(|call| {
            let name: String = call
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            name.rsplit("::").next().unwrap_or_default().to_owned()
        })
        .collect()
}

#[test]
fn every_registered_route_is_documented() {
    let doc: Value = serde_json::from_str(&document()).expect("document is JSON");
    let documented: BTreeSet<String> = operations(&doc)
        .iter()
        .filter_map(|(_, _, op)| op["operationId"].as_str().map(str::to_owned))
        .collect();
    let registered = registered_handlers();
    assert!(
        registered.len() >= 10,
        "parsing configure found too few services: {registered:?}"
    );
    let missing: Vec<&String> = registered
        .iter()
        .filter(|h| !documented.contains(*h) && !NOT_OPERATIONS.contains(&h.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "handlers registered in src/api/mod.rs but missing from ApiDoc paths in \
         src/api/openapi.rs: {missing:?}"
    );
}

#[test]
fn every_error_response_is_problem_json_and_secured_operations_declare_401() {
    let doc: Value = serde_json::from_str(&document()).expect("document is JSON");
    let resolve = |response: &Value| -> Value {
        match response["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                doc["components"]["responses"][name].clone()
            }
            None => response.clone(),
        }
    };
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            if status.starts_with('4') || status.starts_with('5') {
                let response = resolve(response);
                let schema = &response["content"]["application/problem+json"]["schema"];
                assert_eq!(
                    schema["$ref"], "#/components/schemas/Problem",
                    "{method} {path} {status} must be application/problem+json"
                );
            }
        }
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        if secured {
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} is secured but does not declare 401"
            );
        }
    }
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
}

#[actix_web::test]
async fn the_service_serves_exactly_the_document() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), document());
}

#[actix_web::test]
async fn every_documented_path_is_routed_and_other_methods_get_405() {
    let app = TestApp::spawn().await;
    let doc: Value = serde_json::from_str(&document()).unwrap();
    for (method, path, _) in operations(&doc) {
        let concrete = path
            .replace("{pc4}", "1012")
            .replace("{code}", "GM0363")
            .replace("{id}", "00000000-0000-4000-8000-000000000000");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app
            .client
            .request(method.clone(), app.url(&concrete))
            .send()
            .await
            .unwrap();
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("route not found"),
            "{method} {path} is documented but not routed"
        );
    }
    let response = app.client.put(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    let mut allowed: Vec<&str> = allow.split(", ").collect();
    allowed.sort_unstable();
    assert_eq!(allowed, ["DELETE", "GET", "PATCH"]);
    crate::helpers::problem(response, 405).await;
}

#[actix_web::test]
async fn the_reference_page_is_served_without_outside_resources() {
    let app = TestApp::spawn().await;
    let redirect = app.get("/api/v1/docs").await;
    assert!(redirect.status().is_redirection());
    let page = app.get("/api/v1/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    let mut texts = vec![html.clone()];
    // Follow every script and stylesheet the page loads, one level deep.
    for attribute in ["src=\"", "href=\""] {
        for part in html.split(attribute).skip(1) {
            let target = part.split('"').next().unwrap_or_default();
            assert!(
                !target.starts_with("http:")
                    && !target.starts_with("https:")
                    && !target.starts_with("//"),
                "the reference page loads {target} from outside"
            );
            if target.ends_with(".js") || target.ends_with(".css") {
                let url = format!("/api/v1/docs/{}", target.trim_start_matches("./"));
                let asset = app.get(&url).await;
                assert_eq!(asset.status(), 200, "{url}");
                let text = asset.text().await.unwrap();
                if url.ends_with("swagger-initializer.js") {
                    texts.push(text);
                }
            }
        }
    }
    for text in &texts {
        for tag in ["<script src=\"http", "<link href=\"http", "url: \"http"] {
            assert!(
                !text.contains(tag),
                "outside resource ({tag}) in the reference page"
            );
        }
    }
    let initializer = texts.concat();
    assert!(
        initializer.contains("/api/v1/openapi.json"),
        "the page renders our document"
    );
    assert!(
        initializer.contains("\"validatorUrl\":\"none\"")
            || initializer.contains("\"validatorUrl\": \"none\""),
        "the online validator badge is off"
    );
}

/// Found by schemathesis on PostgreSQL: a NUL byte in the login e-mail reached the query and
/// PostgreSQL refused it (500). No account can have such an address, so it is a plain 401.
#[actix_web::test]
async fn login_with_a_nul_byte_in_the_email_is_401_not_500() {
    let app = TestApp::spawn().await;
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"email": "an\u{0}na@example.nl", "password": "Wrong-password-123"}),
            None,
        )
        .await;
    crate::helpers::problem(response, 401).await;
}

#[actix_web::test]
async fn the_openapi_document_describes_the_marketplace() {
    let app = TestApp::spawn().await;
    let doc = json_with_status(app.get("/api/v1/openapi.json").await, 200).await;
    for path in [
        "/api/v1/categories",
        "/api/v1/help-requests",
        "/api/v1/help-requests/{id}",
        "/api/v1/help-requests/{id}/cancel",
        "/api/v1/help-requests/{id}/escalate",
        "/api/v1/offers",
        "/api/v1/offers/{id}",
        "/api/v1/offers/{id}/pause",
        "/api/v1/offers/{id}/resume",
        "/api/v1/offers/{id}/withdraw",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    for schema in [
        "HelpRequestBody",
        "HelpRequestView",
        "OfferBody",
        "OfferView",
        "CategoryList",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}
