//! Test HTTP: requests with a JSON body or a bearer token, and assertions on the answers'
//! status, JSON body and problem+json errors.

use serde_json::Value;

use crate::helpers::TestApp;

impl TestApp {
    /// POST a JSON body, optionally with a bearer token.
    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// PATCH a JSON body with a bearer token.
    pub async fn patch_json(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// PUT a JSON body with a bearer token.
    pub async fn put_json(&self, path: &str, body: &Value, token: &str) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// GET with a bearer token.
    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// DELETE with a bearer token.
    pub async fn delete_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }
}

/// Reads a JSON body, asserting the status first.
pub async fn json_with_status(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {body}");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON ({content_type}): {body}"))
}

/// Asserts a problem+json error with `status` and returns it.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(
        content_type, "application/problem+json",
        "errors are problem+json"
    );
    let body = json_with_status(response, status).await;
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:hulpmarkt:problem:")),
        "{body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body
}

/// Asserts a problem+json error naming `field`.
pub async fn problem_naming(response: reqwest::Response, status: u16, field: &str) -> Value {
    let body = problem(response, status).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&field),
        "expected field {field:?} in {body}"
    );
    body
}
