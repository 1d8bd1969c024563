//! Accounts and authentication: argon2id passwords, JWT access tokens, rotating refresh
//! tokens, the authenticated-caller extractors, login rate limits and the `/metrics` token.

pub mod credentials;
pub mod erased;
pub mod extract;
pub mod metrics_token;
pub mod passwords;
pub mod rate_limit;
pub mod tokens;

pub use extract::{Admin, Caller, CaseWorker, Resident, Volunteer};
pub use passwords::PasswordService;
pub use tokens::TokenKeys;
