//! Password hashing with argon2id (OWASP parameters: 7 MiB, t = 5, p = 1), off the async
//! workers, at most one hash per core at a time, and a short queue past which callers are
//! turned away at once (503 with Retry-After) instead of all waiting on each other.

use std::sync::Arc;

use argon2::{
    password_hash::{
        rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString,
    },
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Memory cost in KiB (7 MiB). OWASP's password storage guidance lists argon2id with 19 MiB
/// and 2 passes, 12 MiB and 3, 9 MiB and 4, and 7 MiB and 5 as equal in strength (the same
/// memory passed over about as often). The smallest memory is taken: the service is meant
/// to run on a small server, and each running hash holds its memory on top of everything
/// else (with 19 MiB a login pushed the peak of a 100,000-offer instance past 150 MB). A
/// hash stored with other parameters is verified with its own, which its PHC string holds.
pub const MEMORY_KIB: u32 = 7 * 1024;
/// Passes over the memory.
pub const ITERATIONS: u32 = 5;
/// Parallelism.
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    // The parameters are constants known to be valid; Params::DEFAULT is the fallback that
    // can never be reached but keeps this free of panics.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password now, on the calling thread (CLI and start-up use).
pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

/// Checks a password against a stored PHC string, on the calling thread.
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Whether a stored hash should be replaced after it verified: made with other parameters
/// than today's (an earlier configuration, or weaker ones from elsewhere), or not argon2id
/// of this version at all.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let current = (MEMORY_KIB, ITERATIONS, PARALLELISM);
    parsed.algorithm != argon2::ARGON2ID_IDENT
        || parsed.version != Some(Version::V0x13.into())
        || Params::try_from(&parsed)
            .map_or(true, |p| (p.m_cost(), p.t_cost(), p.p_cost()) != current)
}

/// A verified password, and its new hash when the stored one [`needs_rehash`].
#[derive(Debug)]
pub struct Verified {
    pub valid: bool,
    pub rehashed: Option<String>,
}

/// The bounded hashing service shared by all workers.
#[derive(Clone)]
pub struct PasswordService {
    /// One permit per hash allowed to run at once (the number of cores).
    running: Arc<Semaphore>,
    /// Permits for running plus waiting hashes; when none is left the caller is shed.
    admitted: Arc<Semaphore>,
    /// A real hash of a random password, verified when the account does not exist so that
    /// unknown e-mail addresses take as long as wrong passwords.
    dummy_hash: Arc<String>,
}

impl PasswordService {
    /// A service running `concurrency` hashes at once with up to `queue` more waiting.
    pub fn new(concurrency: usize, queue: usize) -> Result<Self, AppError> {
        let concurrency = concurrency.max(1);
        let dummy_hash = hash_blocking(&crate::auth::tokens::random_token())?;
        Ok(Self {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(Semaphore::new(concurrency + queue)),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Unavailable("password hashing is at capacity".into()))?;
        let _running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Unavailable("password hashing stopped".into()))?;
        Ok(actix_web::web::block(work).await?)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Verifies a password against the stored hash, or against the dummy hash when there is
    /// no account (always false then), so both cases cost one full verification.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        let exists = stored.is_some();
        let phc = stored.unwrap_or_else(|| self.dummy_hash.as_str().to_owned());
        let ok = self.run(move || verify_blocking(&password, &phc)).await?;
        Ok(ok && exists)
    }

    /// As [`Self::verify`], and when the password is right but its stored hash was made with
    /// other parameters, a new hash of it made with today's (in the same turn on the cores:
    /// once per such account).
    pub async fn verify_for_login(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<Verified, AppError> {
        let Some(phc) = stored else {
            let valid = self.verify(password, None).await?;
            return Ok(Verified {
                valid,
                rehashed: None,
            });
        };
        self.run(move || {
            if !verify_blocking(&password, &phc) {
                return Ok(Verified {
                    valid: false,
                    rehashed: None,
                });
            }
            let rehashed = if needs_rehash(&phc) {
                Some(hash_blocking(&password)?)
            } else {
                None
            };
            Ok(Verified {
                valid: true,
                rehashed,
            })
        })
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `password` hashed with `algorithm` and these memory (KiB), passes and lanes.
    fn hashed_with(
        algorithm: Algorithm,
        (memory, passes, lanes): (u32, u32, u32),
        password: &str,
    ) -> String {
        let params = Params::new(memory, passes, lanes, None).unwrap();
        Argon2::new(algorithm, Version::V0x13, params)
            .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string()
    }

    /// The parameters of this service before 30 November 2026.
    const EARLIER: (u32, u32, u32) = (19 * 1024, 2, 1);

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let phc = hash_blocking("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{phc}");
        assert!(verify_blocking("correct horse battery staple", &phc));
        assert!(!verify_blocking("wrong horse battery staple", &phc));
        assert!(!verify_blocking("anything", "not a phc string"));
    }

    /// Accounts whose password was stored with the earlier parameters (19 MiB, t = 2) still
    /// log in: verification reads the parameters from the stored hash.
    #[test]
    fn hashes_stored_with_earlier_parameters_still_verify() {
        let phc = hashed_with(Algorithm::Argon2id, EARLIER, "correct horse battery staple");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_blocking("correct horse battery staple", &phc));
        assert!(!verify_blocking("wrong horse battery staple", &phc));
    }

    #[test]
    fn only_hashes_made_with_other_parameters_need_a_new_one() {
        let today = hash_blocking("correct horse battery staple").unwrap();
        assert!(!needs_rehash(&today));
        let current = (MEMORY_KIB, ITERATIONS, PARALLELISM);
        for (algorithm, params) in [
            (Algorithm::Argon2id, EARLIER),
            (Algorithm::Argon2id, (MEMORY_KIB, 4, 1)),
            (Algorithm::Argon2id, (MEMORY_KIB, 5, 2)),
            (Algorithm::Argon2i, current),
        ] {
            let phc = hashed_with(algorithm, params, "x");
            assert!(needs_rehash(&phc), "{phc}");
        }
        assert!(!needs_rehash(&hashed_with(
            Algorithm::Argon2id,
            current,
            "x"
        )));
        assert!(needs_rehash("not a phc string"));
    }

    #[actix_web::test]
    async fn a_login_with_an_earlier_hash_gets_a_new_one_and_a_wrong_password_none() {
        let service = PasswordService::new(1, 1).unwrap();
        let phc = hashed_with(Algorithm::Argon2id, EARLIER, "geheim-en-lang");
        let wrong = service
            .verify_for_login("fout".into(), Some(phc.clone()))
            .await
            .unwrap();
        assert!(!wrong.valid && wrong.rehashed.is_none());
        let right = service
            .verify_for_login("geheim-en-lang".into(), Some(phc))
            .await
            .unwrap();
        assert!(right.valid);
        let new = right.rehashed.expect("a new hash");
        assert!(!needs_rehash(&new) && verify_blocking("geheim-en-lang", &new));
        let current = service
            .verify_for_login("geheim-en-lang".into(), Some(new))
            .await
            .unwrap();
        assert!(current.valid && current.rehashed.is_none());
        let unknown = service.verify_for_login("x".into(), None).await.unwrap();
        assert!(!unknown.valid && unknown.rehashed.is_none());
    }

    #[actix_web::test]
    async fn unknown_accounts_never_verify() {
        let service = PasswordService::new(1, 1).unwrap();
        let dummy = service.dummy_hash.as_str().to_owned();
        assert!(!service.verify("whatever".into(), None).await.unwrap());
        // Even the dummy hash's own password (unknowable) could not log in to a missing account.
        assert!(!service.verify("x".into(), Some(dummy)).await.unwrap());
    }
}
