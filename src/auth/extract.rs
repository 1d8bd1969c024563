//! Authentication as extractors: a handler's signature says who may call it. `Caller` is any
//! signed-in user; `Resident`, `Volunteer`, `CaseWorker` and `Admin` also require the role
//! (403 otherwise). A missing or bad token is 401.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use super::tokens::TokenKeys;
use crate::{
    domain::{Role, UserId},
    error::AppError,
};

/// Any authenticated user.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who is calling.
    pub user_id: UserId,
    /// The roles in their token.
    pub roles: Vec<Role>,
    /// A case worker's municipality.
    pub municipality: Option<String>,
}

impl Caller {
    /// Whether the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn from_request(req: &HttpRequest) -> Result<Self, AppError> {
        let keys = req
            .app_data::<web::Data<TokenKeys>>()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("token keys are not configured")))?;
        let value = req
            .headers()
            .get(header::AUTHORIZATION)
            .ok_or(AppError::Unauthorized(
                "sign in first: send Authorization: Bearer <access token>",
            ))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthorized(
                "the Authorization header must be: Bearer <access token>",
            ))?;
        let claims = keys.verify(token)?;
        let user_id = UserId::parse(&claims.sub).ok_or(AppError::Unauthorized(
            "the access token is invalid or expired",
        ))?;
        Ok(Self {
            user_id,
            roles: claims.roles,
            municipality: claims.municipality,
        })
    }

    fn require(self, role: Role) -> Result<Self, AppError> {
        if self.has(role) {
            Ok(self)
        } else {
            Err(AppError::Forbidden(match role {
                Role::Resident => "this needs the resident role",
                Role::Volunteer => "this needs the volunteer role",
                Role::CaseWorker => "this is for municipal case workers",
                Role::Admin => "this is for administrators",
            }))
        }
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Caller::from_request(req))
    }
}

macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, $role:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = Ready<Result<Self, AppError>>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready(Caller::from_request(req).and_then(|c| c.require($role)).map($name))
            }
        }
    };
}

role_extractor!(
    /// A caller with the resident role.
    Resident, Role::Resident
);
role_extractor!(
    /// A caller with the volunteer role.
    Volunteer, Role::Volunteer
);
role_extractor!(
    /// A caller with the admin role.
    Admin, Role::Admin
);

/// A municipal case worker, with the municipality they work for.
#[derive(Debug, Clone)]
pub struct CaseWorker {
    /// The caller.
    pub caller: Caller,
    /// CBS code of their municipality; they see nothing of any other.
    pub municipality: String,
}

impl FromRequest for CaseWorker {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            Caller::from_request(req)
                .and_then(|c| c.require(Role::CaseWorker))
                .and_then(|caller| {
                    let municipality = caller.municipality.clone().ok_or(AppError::Forbidden(
                        "this case worker account has no municipality",
                    ))?;
                    Ok(CaseWorker {
                        caller,
                        municipality,
                    })
                }),
        )
    }
}
