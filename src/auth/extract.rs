//! Authentication as extractors: a handler's signature says who may call it. `Caller` is any
//! signed-in user; `Resident`, `Volunteer`, `CaseWorker` and `Admin` also require the role
//! (403 otherwise). A missing or bad token is 401, and so is the token of an erased account:
//! after the JWT checks out, the account is checked against the erasures (held in memory by
//! [`super::erased`], the database asked when that cannot tell), so an access token issued
//! before an erasure (AVG art. 17) can do nothing for its remaining minutes.

use std::{future::Future, pin::Pin};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use super::tokens::TokenKeys;
use crate::{
    db,
    domain::{Role, UserId},
    error::AppError,
    state::AppState,
};

/// The future every authentication extractor returns.
type Checked<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Verifies the token (and `role`, when given) at once, then, off the async workers, that the
/// account has not been erased.
fn checked(req: &HttpRequest, role: Option<Role>) -> Checked<Caller> {
    let verified = Caller::from_request(req).and_then(|caller| match role {
        Some(role) => caller.require(role),
        None => Ok(caller),
    });
    let state = req.app_data::<web::Data<AppState>>().cloned();
    Box::pin(async move {
        let caller = verified?;
        let state = state
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state is missing")))?;
        // Known erasures are held in memory (see `auth::erased`); the database is asked only
        // while that set cannot tell.
        let active = match state
            .erased_accounts
            .refuses(&caller.user_id, caller.issued_at)
        {
            Some(refused) => !refused,
            None => {
                let (id, issued_at) = (caller.user_id.clone(), caller.issued_at);
                db::run(&state.pool, move |conn| {
                    Ok(db::privacy::token_holds(conn, &id, issued_at)?)
                })
                .await?
            }
        };
        if !active {
            return Err(AppError::Unauthorized("unauthorized-token-void"));
        }
        Ok(caller)
    })
}

/// Any authenticated user.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who is calling.
    pub user_id: UserId,
    /// The roles in their token.
    pub roles: Vec<Role>,
    /// A case worker's municipality.
    pub municipality: Option<String>,
    /// When the token was issued (Unix seconds): tokens from before a password change are void.
    pub issued_at: i64,
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
            .ok_or(AppError::Unauthorized("unauthorized-sign-in-first"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::Unauthorized("unauthorized-bad-header"))?;
        let claims = keys.verify(token)?;
        let user_id = UserId::parse(&claims.sub)
            .ok_or(AppError::Unauthorized("unauthorized-token-invalid"))?;
        Ok(Self {
            user_id,
            roles: claims.roles,
            municipality: claims.municipality,
            issued_at: claims.iat,
        })
    }

    fn require(self, role: Role) -> Result<Self, AppError> {
        if self.has(role) {
            Ok(self)
        } else {
            Err(role_required(role))
        }
    }
}

/// The 403 for a caller without `role` (the token's roles, or the account's own inside a
/// write: see `services::accounts::acting_as`).
pub fn role_required(role: Role) -> AppError {
    AppError::Forbidden(match role {
        Role::Resident => "forbidden-resident-only",
        Role::Volunteer => "forbidden-volunteer-only",
        Role::CaseWorker => "forbidden-case-worker-only",
        Role::Admin => "forbidden-admin-only",
    })
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Checked<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        checked(req, None)
    }
}

macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, $role:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = Checked<Self>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let caller = checked(req, Some($role));
                Box::pin(async move { caller.await.map($name) })
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
    type Future = Checked<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = checked(req, Some(Role::CaseWorker));
        Box::pin(async move {
            let caller = caller.await?;
            let municipality = caller
                .municipality
                .clone()
                .ok_or(AppError::Forbidden("forbidden-no-municipality"))?;
            Ok(CaseWorker {
                caller,
                municipality,
            })
        })
    }
}
