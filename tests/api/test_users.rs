//! Test users: residents and volunteers registered through the API, case workers and admins
//! appointed as the CLI does, each signed in.

use crate::helpers::{json_with_status, TestApp};

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Account id.
    pub id: String,
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub name: String,
    /// Current access token.
    pub token: String,
    /// Current refresh token.
    pub refresh_token: String,
}

/// The password every test user gets.
pub const TEST_PASSWORD: &str = "Lange-zin-voor-de-test-42";

impl TestApp {
    /// Signs in and returns (access, refresh).
    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let body = json_with_status(
            self.post_json(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": password}),
                None,
            )
            .await,
            200,
        )
        .await;
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    /// Registers a user with `roles`, confirms their address through the link of the
    /// registration's `verify_email` message, and signs them in.
    pub async fn register(&self, roles: &[&str]) -> TestUser {
        let user = self.register_unverified(roles).await;
        self.verify_email_of(&user).await;
        user
    }

    /// The token of `user_id`'s pending `verify_email` message, read from the outbox as the
    /// e-mail would carry it (`None` when there is none or it was sent and scrubbed).
    pub async fn verification_token(&self, user_id: &str) -> Option<String> {
        use diesel::prelude::*;
        use hulpmarkt::db::schema::notifications;
        let (state, id) = (self.state.clone(), user_id.to_owned());
        let data: Vec<String> = actix_web::rt::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            notifications::table
                .filter(notifications::recipient_id.eq(id))
                .filter(notifications::kind.eq("verify_email"))
                .select(notifications::data)
                .load::<String>(&mut **conn)
                .unwrap()
        })
        .await
        .unwrap();
        data.iter()
            .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .find_map(|d| d["token"].as_str().map(str::to_owned))
    }

    /// Confirms `user`'s address with `POST /auth/verify-email` and the token of their
    /// verification message.
    pub async fn verify_email_of(&self, user: &TestUser) {
        let token = self
            .verification_token(&user.id)
            .await
            .expect("a verification message for a new account");
        let response = self
            .post_json(
                "/api/v1/auth/verify-email",
                &serde_json::json!({ "token": token }),
                None,
            )
            .await;
        assert_eq!(response.status().as_u16(), 204, "the address is confirmed");
    }

    /// Registers a user with `roles` and signs them in; their address stays unconfirmed.
    pub async fn register_unverified(&self, roles: &[&str]) -> TestUser {
        let n = uuid::Uuid::new_v4().simple().to_string();
        let email = format!("user-{}@example.nl", &n[..12]);
        let name = format!("Testpersoon {}", &n[..6]);
        let body = serde_json::json!({
            "email": email, "password": TEST_PASSWORD, "display_name": name, "roles": roles, "phone": "+31612345678"
        });
        json_with_status(
            self.post_json("/api/v1/auth/register", &body, None).await,
            202,
        )
        .await;
        let (token, refresh_token) = self.login(&email, TEST_PASSWORD).await;
        let me = json_with_status(self.get_as("/api/v1/me", &token).await, 200).await;
        TestUser {
            id: me["id"].as_str().unwrap().to_owned(),
            email,
            password: TEST_PASSWORD.into(),
            name,
            token,
            refresh_token,
        }
    }

    /// A signed-in resident.
    pub async fn resident(&self) -> TestUser {
        self.register(&["resident"]).await
    }

    /// A signed-in volunteer.
    pub async fn volunteer(&self) -> TestUser {
        self.register(&["volunteer"]).await
    }

    /// An appointed account (admin or case worker) created as the CLI does, then signed in.
    pub async fn appointed(
        &self,
        role: hulpmarkt::services::accounts::AppointedRole,
        municipality: Option<&str>,
    ) -> TestUser {
        let n = uuid::Uuid::new_v4().simple().to_string();
        let email = format!("staff-{}@gemeente.example.nl", &n[..12]);
        let name = format!("Medewerker {}", &n[..6]);
        let state = self.state.clone();
        let (e, nm, m) = (email.clone(), name.clone(), municipality.map(str::to_owned));
        // Through the app's own write path, as `hulpmarkt admin create` does.
        let id = hulpmarkt::services::accounts::create_appointed(
            &state.pool,
            &state.gazetteer,
            &hulpmarkt::services::accounts::Appointment {
                email: &e,
                display_name: &nm,
                password: TEST_PASSWORD,
                role,
                municipality: m.as_deref(),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let (token, refresh_token) = self.login(&email, TEST_PASSWORD).await;
        TestUser {
            id: id.0,
            email,
            password: TEST_PASSWORD.into(),
            name,
            token,
            refresh_token,
        }
    }

    /// A case worker of `municipality`.
    pub async fn case_worker(&self, municipality: &str) -> TestUser {
        self.appointed(
            hulpmarkt::services::accounts::AppointedRole::CaseWorker,
            Some(municipality),
        )
        .await
    }

    /// An admin.
    pub async fn admin(&self) -> TestUser {
        self.appointed(hulpmarkt::services::accounts::AppointedRole::Admin, None)
            .await
    }
}
