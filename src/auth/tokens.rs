//! Access tokens (JWT, HS256 pinned, short-lived) and refresh tokens (random, stored hashed).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    config::{ConfigError, Secret},
    domain::{Role, UserId},
    error::AppError,
};

/// Issuer of every access token.
pub const ISSUER: &str = "hulpmarkt";
/// Audience of access tokens: the v1 API. Tokens for another purpose carry another audience.
pub const AUDIENCE: &str = "hulpmarkt-api";
/// Lifetime of an access token.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// Lifetime of a refresh token.
pub const REFRESH_TOKEN_DAYS: i64 = 30;
/// Minimum secret length in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// Clock skew tolerated when checking `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 5;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// Always [`ISSUER`].
    pub iss: String,
    /// Always [`AUDIENCE`].
    pub aud: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Not before (Unix seconds).
    pub nbf: i64,
    /// Expires (Unix seconds).
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// The user's roles.
    pub roles: Vec<Role>,
    /// For case workers: the CBS code of their municipality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

/// How many verified tokens [`TokenKeys`] remembers; when full it forgets them all.
const VERIFIED_KEEP: usize = 4096;

/// Access tokens verified recently, by the SHA-256 of the token, with their claims.
///
/// A client sends the same access token with every request for its 15 minutes, and checking
/// it again each time (two base64 decodings, two JSON parses and an HMAC) was the largest
/// cost of reading one help request. A token found here was verified in full before, so
/// only its lifetime is checked again. Keyed by a digest, so the map never compares
/// presented tokens with held ones byte by byte, and holds 32 bytes per token.
#[derive(Default)]
struct VerifiedTokens(std::sync::Mutex<std::collections::HashMap<[u8; 32], Claims>>);

impl VerifiedTokens {
    fn get(&self, digest: &[u8; 32]) -> Option<Claims> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(digest).cloned()
    }

    fn forget(&self, digest: &[u8; 32]) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(digest);
    }

    fn remember(&self, digest: [u8; 32], claims: Claims) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= VERIFIED_KEEP {
            map.clear();
        }
        map.insert(digest, claims);
    }
}

/// Whether `claims` are within their lifetime at `now` (Unix seconds), with the same leeway
/// and bounds as the full verification.
fn within_lifetime(claims: &Claims, now: i64) -> bool {
    let leeway = LEEWAY_SECONDS as i64;
    claims.exp >= now - leeway && claims.nbf <= now + leeway
}

/// Signs and verifies access tokens with one secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    verified: std::sync::Arc<VerifiedTokens>,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(***)")
    }
}

impl TokenKeys {
    /// Keys from the configured secret, or a random one when none is set (with a warning:
    /// tokens then do not survive a restart, and instances cannot share them).
    pub fn from_settings(secret: Option<&Secret>) -> Result<Self, ConfigError> {
        // An empty value (e.g. an unset variable in docker-compose) counts as unset.
        match secret.filter(|s| !s.expose().is_empty()) {
            Some(secret) if secret.expose().len() < MIN_SECRET_BYTES => {
                Err(ConfigError::JwtSecret(format!(
                    "must be at least {MIN_SECRET_BYTES} bytes (got {})",
                    secret.expose().len()
                )))
            }
            Some(secret) => Ok(Self::new(secret.expose().as_bytes())),
            None => {
                tracing::warn!(
                    "HULPMARKT_JWT_SECRET is not set: using a random secret; tokens will not survive a restart \
                     and are not shared between instances"
                );
                Ok(Self::new(random_token().as_bytes()))
            }
        }
    }

    /// Keys for a secret of any length (tests).
    pub fn new(secret: &[u8]) -> Self {
        // Only HS256 is accepted: a token that names another algorithm (or `none`) fails.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "nbf"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Default::default(),
        }
    }

    /// Issues an access token; returns it with its lifetime in seconds.
    pub fn issue(
        &self,
        user: &UserId,
        roles: Vec<Role>,
        municipality: Option<String>,
        now: i64,
    ) -> Result<(String, i64), AppError> {
        let claims = Claims {
            sub: user.to_string(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TOKEN_SECONDS,
            jti: uuid::Uuid::new_v4().to_string(),
            roles,
            municipality,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("signing token: {e}")))?;
        Ok((token, ACCESS_TOKEN_SECONDS))
    }

    /// Verifies signature, algorithm, issuer, audience and lifetime; a token verified
    /// recently only has its lifetime checked again (see [`VerifiedTokens`]).
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        // The same clock as the full verification (jsonwebtoken reads the system time).
        self.verify_at(token, jsonwebtoken::get_current_timestamp() as i64)
    }

    fn verify_at(&self, token: &str, now: i64) -> Result<Claims, AppError> {
        let invalid = AppError::Unauthorized("unauthorized-token-invalid");
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(claims) = self.verified.get(&digest) {
            if within_lifetime(&claims, now) {
                return Ok(claims);
            }
            self.verified.forget(&digest);
            return Err(invalid);
        }
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| invalid)?
            .claims;
        self.verified.remember(digest, claims.clone());
        Ok(claims)
    }
}

/// A fresh random token (256 bits, URL-safe base64).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a refresh token: its SHA-256. A 256-bit random token needs no slow
/// hash; the digest only keeps a database leak from yielding usable tokens.
pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef")
    }

    /// A fresh resident's access token issued at `now`.
    fn resident_token(keys: &TokenKeys, now: i64) -> String {
        keys.issue(&UserId::generate(), vec![Role::Resident], None, now)
            .unwrap()
            .0
    }

    #[test]
    fn issued_tokens_verify_and_carry_roles() {
        let now = chrono::Utc::now().timestamp();
        let (token, ttl) = keys()
            .issue(
                &UserId::generate(),
                vec![Role::CaseWorker],
                Some("GM0363".into()),
                now,
            )
            .unwrap();
        assert_eq!(ttl, 900);
        let claims = keys().verify(&token).unwrap();
        assert_eq!(claims.roles, vec![Role::CaseWorker]);
        assert_eq!(claims.municipality.as_deref(), Some("GM0363"));
    }

    #[test]
    fn expired_and_foreign_tokens_fail() {
        let long_ago = chrono::Utc::now().timestamp() - 3600;
        let (expired, _) = keys()
            .issue(&UserId::generate(), vec![], None, long_ago)
            .unwrap();
        assert!(keys().verify(&expired).is_err());
        let (other, _) = TokenKeys::new(b"another-secret-another-secret-xx")
            .issue(
                &UserId::generate(),
                vec![],
                None,
                chrono::Utc::now().timestamp(),
            )
            .unwrap();
        assert!(keys().verify(&other).is_err());
    }

    #[test]
    fn a_remembered_token_is_still_refused_once_expired() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        let token = resident_token(&keys, now);
        let first = keys.verify_at(&token, now).unwrap();
        // Now held: the same claims again, until the lifetime (plus leeway) is over. (A
        // refusal forgets the token; the full verification then reads the system clock.)
        assert_eq!(keys.verify_at(&token, now + 60).unwrap(), first);
        assert!(keys
            .verify_at(&token, now - LEEWAY_SECONDS as i64 - 1)
            .is_err());
        keys.verify_at(&token, now).unwrap();
        let end = now + ACCESS_TOKEN_SECONDS + LEEWAY_SECONDS as i64;
        assert!(keys.verify_at(&token, end).is_ok());
        assert!(keys.verify_at(&token, end + 1).is_err());
    }

    #[test]
    fn a_token_differing_from_a_remembered_one_is_verified_in_full() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        let token = resident_token(&keys, now);
        keys.verify(&token).unwrap();
        // The same header and claims with another signature; the same token under another key.
        let (head, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
        let forged = format!("{head}.{flipped}{}", &signature[1..]);
        assert!(keys.verify(&forged).is_err());
        let other = TokenKeys::new(b"another-secret-another-secret-0123");
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn the_remembered_set_stays_bounded() {
        let keys = keys();
        let now = chrono::Utc::now().timestamp();
        for _ in 0..VERIFIED_KEEP + 10 {
            keys.verify(&resident_token(&keys, now)).unwrap();
        }
        let held = keys.verified.0.lock().unwrap().len();
        assert!((10..=VERIFIED_KEEP).contains(&held), "{held}");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKeys::from_settings(Some(&Secret::new("short"))).is_err());
        assert!(TokenKeys::from_settings(Some(&Secret::new("x".repeat(32)))).is_ok());
    }

    #[test]
    fn refresh_hashes_are_stable_hex() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert_eq!(hash_refresh_token(&token), hash_refresh_token(&token));
        assert_eq!(hash_refresh_token("x").len(), 64);
    }
}
