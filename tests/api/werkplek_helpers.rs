//! A small browser for the workplace tests: keeps the cookies the app sets, follows no
//! redirects, and fills in each form's CSRF token from the page it was read from.

use std::collections::BTreeMap;

use serde_json::json;

use crate::helpers::{json_with_status, TestApp, TestUser};

/// One browser: its cookies and the last CSRF token it saw in a page.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
}

/// A page as the browser got it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> Option<String> {
        let at = self.body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
        let end = self.body[at..].find('"')?;
        Some(self.body[at..at + end].to_owned())
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let page = Page {
            status,
            location,
            set_cookies,
            body: response.text().await.unwrap(),
        };
        if let Some(token) = page.csrf() {
            self.csrf = Some(token);
        }
        page
    }

    /// GET `path`.
    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .app
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// POSTs `fields` as a form, exactly as given (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let response = self
            .app
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// POSTs `fields` with the CSRF token of the last page read.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self
            .csrf
            .clone()
            .expect("a page with a form was read first");
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Opens the login page and signs in as `email` / `password`.
    pub async fn log_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/werkplek/inloggen").await;
        assert_eq!(form.status, 200);
        self.post(
            "/werkplek/inloggen",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Signs in as `user` and expects to land on the queue.
    pub async fn log_in_as(&mut self, user: &TestUser) {
        let page = self.log_in(&user.email, &user.password).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some("/werkplek/zaken"));
    }
}

/// A request of `resident` in Amsterdam escalated by the resident at once, with or without
/// consent; returns the case id as the API lists it for `worker`.
pub async fn escalated_case(
    app: &TestApp,
    resident: &TestUser,
    worker: &TestUser,
    title: &str,
    consent: bool,
) -> String {
    use crate::help_requests::{post_request, with};
    let body = with(
        crate::cases::amsterdam_request(),
        "consent_municipality",
        json!(consent),
    );
    let body = with(body, "title", json!(title));
    let request = post_request(app, resident, &body).await;
    let id = request["id"].as_str().unwrap();
    json_with_status(
        app.post_json(
            &format!("/api/v1/help-requests/{id}/escalate"),
            &json!({}),
            Some(&resident.token),
        )
        .await,
        200,
    )
    .await;
    crate::cases::case_for(app, worker, id).await
}
