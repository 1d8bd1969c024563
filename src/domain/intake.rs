//! Requests recorded for someone else: by a case worker for a resident without an account
//! (intake by phone, on paper or at a visit), or by an informal carer (mantelzorger) for the
//! person they care for. The person's consent is recorded with the request; a one-time claim
//! code lets the person take their requests into an account of their own later.

use std::{fmt, str::FromStr};

use chrono::Duration;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::{status::vocabulary, FieldError};

vocabulary! {
    /// How a request reached the service (a column of the request; counted in the statistics).
    pub enum RequestChannel, field = "channel" {
        /// Posted by the resident in their own account.
        Online = "online",
        /// Recorded by a case worker of the municipality (a call, a letter or a visit).
        Phone = "phone",
        /// Posted by an informal carer for the person they care for.
        Carer = "carer",
    }
}

vocabulary! {
    /// How the person gave their consent to record the request and share it for matching.
    pub enum ConsentWay, field = "consent.given_via" {
        /// Said so on the phone.
        Phone = "phone",
        /// Signed a form.
        Paper = "paper",
        /// Said so in person (at the desk, at a home visit).
        InPerson = "in_person",
    }
}

vocabulary! {
    /// Whom the volunteer contacts once they accept: the person, or the carer who posted.
    pub enum ContactRoute, field = "contact" {
        /// The person the request is for.
        Person = "person",
        /// The carer who posted it (only for a carer's request).
        Carer = "carer",
    }
}

vocabulary! {
    /// Who recorded a request for someone else.
    pub enum RecorderRole, field = "recorder_role" {
        /// A case worker of the municipality.
        CaseWorker = "case_worker",
        /// An informal carer with a resident account.
        Carer = "carer",
    }
}

/// The characters of a claim code: capitals and digits that cannot be mistaken for one
/// another when read out on the phone (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const CLAIM_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// Characters in a claim code: 25^10 ≈ 9.5·10^13 codes, and claiming is rate limited.
const CLAIM_LENGTH: usize = 10;

/// A one-time code a case worker gives a resident (on paper or by phone), with which the
/// resident takes the requests recorded for them into their own account. Written in groups
/// of five (`ACDEF-GH347`); read back without regard to case, spaces or dashes.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimCode(String);

impl ClaimCode {
    /// How long a code can be used.
    pub fn lifetime() -> Duration {
        Duration::days(30)
    }

    /// A fresh random code.
    pub fn generate() -> Self {
        let mut rng = rand::rngs::OsRng;
        let code = (0..CLAIM_LENGTH)
            .map(|_| char::from(CLAIM_ALPHABET[rng.gen_range(0..CLAIM_ALPHABET.len())]))
            .collect();
        Self(code)
    }

    /// Reads a code as a person types it; field `code` otherwise.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = code.len() == CLAIM_LENGTH && code.bytes().all(|b| CLAIM_ALPHABET.contains(&b));
        if valid {
            Ok(Self(code))
        } else {
            Err(
                FieldError::new("code", crate::msg!("field-claim-code-format"))
                    .code(crate::domain::FieldErrorCode::InvalidFormat),
            )
        }
    }

    /// The stored form: the SHA-256 of the code, hex. The code has ~47 bits and claiming is
    /// rate limited, so no slow hash is needed; a database leak yields no usable codes.
    pub fn hash(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl fmt::Display for ClaimCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..5], &self.0[5..])
    }
}

impl fmt::Debug for ClaimCode {
    // A code is a secret: never in a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClaimCode(…)")
    }
}

impl FromStr for ClaimCode {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_code_reads_back_as_people_type_it() {
        let code = ClaimCode::generate();
        let shown = code.to_string();
        assert_eq!(shown.len(), 11);
        assert_eq!(&shown[5..6], "-");
        assert_eq!(ClaimCode::parse(&shown), Ok(code.clone()));
        let typed = format!(" {} ", shown.to_lowercase().replace('-', " "));
        assert_eq!(ClaimCode::parse(&typed), Ok(code.clone()));
        assert_eq!(ClaimCode::parse(&typed).unwrap().hash(), code.hash());
        assert_eq!(format!("{code:?}"), "ClaimCode(…)");
    }

    #[test]
    fn a_claim_code_with_confusable_or_missing_characters_names_the_field() {
        for bad in [
            "",
            "ACDEF-GH34",
            "ACDEF-GH3470",
            "ACDEF-GH34O",
            "acdef-gh341",
        ] {
            let err = ClaimCode::parse(bad).expect_err(bad);
            assert_eq!(err.field, "code", "{bad}");
        }
    }

    #[test]
    fn fresh_codes_differ_and_use_only_the_alphabet() {
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| ClaimCode::generate().hash()).collect();
        assert_eq!(codes.len(), 200);
        let code = ClaimCode::generate().0;
        assert!(code.bytes().all(|b| CLAIM_ALPHABET.contains(&b)), "{code}");
    }

    #[test]
    fn vocabularies_read_back_what_they_write() {
        for c in RequestChannel::ALL {
            assert_eq!(RequestChannel::parse(c.as_str()), Ok(*c));
        }
        for c in ConsentWay::ALL {
            assert_eq!(ConsentWay::parse(c.as_str()), Ok(*c));
        }
        for c in ContactRoute::ALL {
            assert_eq!(ContactRoute::parse(c.as_str()), Ok(*c));
        }
        for c in RecorderRole::ALL {
            assert_eq!(RecorderRole::parse(c.as_str()), Ok(*c));
        }
        let err = ConsentWay::parse("email").expect_err("not a way");
        assert_eq!(err.field, "consent.given_via");
    }
}
