//! Postcodes and municipalities.

use crate::helpers::{json_with_status, problem_naming, TestApp};

#[actix_web::test]
async fn postcodes_resolve_to_their_municipality() {
    let app = TestApp::spawn().await;
    for (input, pc4, code) in [
        ("1012", "1012", "GM0363"),
        ("1012AB", "1012", "GM0363"),
        ("1012%20ab", "1012", "GM0363"),
        ("3511", "3511", "GM0344"),
        ("9711", "9711", "GM0014"),
        ("1381", "1381", "GM0363"),
    ] {
        let body =
            json_with_status(app.get(&format!("/api/v1/postcodes/{input}")).await, 200).await;
        assert_eq!(body["pc4"], pc4, "{input}");
        assert_eq!(body["municipality_code"], code, "{input}");
        assert!(
            body["lat"]
                .as_f64()
                .is_some_and(|lat| (50.7..53.6).contains(&lat)),
            "{body}"
        );
        assert!(
            body["lon"]
                .as_f64()
                .is_some_and(|lon| (3.3..7.3).contains(&lon)),
            "{body}"
        );
        assert!(body["province"].as_str().is_some_and(|p| !p.is_empty()));
    }
    let groningen = json_with_status(app.get("/api/v1/postcodes/9711").await, 200).await;
    assert_eq!(groningen["municipality_name"], "Groningen");
    assert_eq!(groningen["province"], "Groningen");
}

#[actix_web::test]
async fn malformed_postcodes_are_rejected_naming_the_field() {
    let app = TestApp::spawn().await;
    for input in ["0000", "12345", "abcd", "1012ABC"] {
        problem_naming(
            app.get(&format!("/api/v1/postcodes/{input}")).await,
            400,
            "pc4",
        )
        .await;
    }
}

#[actix_web::test]
async fn unknown_but_valid_looking_postcode_is_not_found() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/postcodes/1000").await;
    crate::helpers::problem(response, 404).await;
}

#[actix_web::test]
async fn municipality_search_is_fuzzy_and_knows_aliases_and_mergers() {
    let app = TestApp::spawn().await;
    for (q, code) in [
        ("den%20haag", "GM0518"),
        ("Amsterdm", "GM0363"),
        ("Den%20Bosch", "GM0796"),
        ("Weesp", "GM0363"),
    ] {
        let body =
            json_with_status(app.get(&format!("/api/v1/municipalities?q={q}")).await, 200).await;
        assert_eq!(body["items"][0]["code"], code, "q={q}: {body}");
        let scores: Vec<f64> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "best first: {scores:?}"
        );
    }
    let weesp = json_with_status(app.get("/api/v1/municipalities?q=Weesp").await, 200).await;
    assert_eq!(weesp["items"][0]["resolved_from"]["old_code"], "GM0457");
}

#[actix_web::test]
async fn municipalities_list_is_paginated() {
    let app = TestApp::spawn().await;
    let body = json_with_status(
        app.get("/api/v1/municipalities?page=2&per_page=100").await,
        200,
    )
    .await;
    assert_eq!(body["total"], 342);
    assert_eq!(body["page"], 2);
    assert_eq!(body["per_page"], 100);
    assert_eq!(body["items"].as_array().unwrap().len(), 100);
    problem_naming(
        app.get("/api/v1/municipalities?per_page=101").await,
        422,
        "per_page",
    )
    .await;
    problem_naming(
        app.get("/api/v1/municipalities?page=abc").await,
        422,
        "page",
    )
    .await;
}

#[actix_web::test]
async fn municipality_by_code_and_by_former_code() {
    let app = TestApp::spawn().await;
    let utrecht = json_with_status(app.get("/api/v1/municipalities/GM0344").await, 200).await;
    assert_eq!(utrecht["name"], "Utrecht");
    let weesp = json_with_status(app.get("/api/v1/municipalities/GM0457").await, 200).await;
    assert_eq!(weesp["code"], "GM0363");
    assert_eq!(weesp["resolved_from"]["old_name"], "Weesp");
    crate::helpers::problem(app.get("/api/v1/municipalities/GM9999").await, 404).await;
    problem_naming(app.get("/api/v1/municipalities/XX").await, 400, "code").await;
}
