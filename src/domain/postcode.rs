//! Dutch postcodes, reduced to the four-digit area (PC4) that is all Hulpmarkt stores.

use std::fmt;

/// A four-digit Dutch postcode area (PC4), `1000`–`9999`.
///
/// A full postcode such as `1012 AB` is accepted and reduced to its PC4: the letters identify
/// a street segment, which Hulpmarkt never stores (data minimisation, docs/ARCHITECTURE.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(u16);

/// Why a postcode was rejected, in words a resident understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// Not four digits, optionally followed by two letters.
    #[error(
        "a postcode is four digits, optionally followed by two letters, such as 1012 or 1012 AB"
    )]
    Format,
    /// Dutch postcodes never start with a zero.
    #[error("a Dutch postcode does not start with 0")]
    LeadingZero,
    /// `SA`, `SD` and `SS` are never issued.
    #[error("the letters SA, SD and SS are not used in Dutch postcodes")]
    ReservedLetters,
}

impl Postcode {
    /// Parses `1012`, `1012AB`, `1012 ab` (spaces around and between are tolerated).
    pub fn parse(input: &str) -> Result<Self, PostcodeError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let (digits, letters) = match compact.len() {
            4 => (compact.as_str(), ""),
            6 if compact.is_char_boundary(4) => compact.split_at(4),
            _ => return Err(PostcodeError::Format),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PostcodeError::Format);
        }
        if !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(PostcodeError::Format);
        }
        if digits.starts_with('0') {
            return Err(PostcodeError::LeadingZero);
        }
        if matches!(letters.to_ascii_uppercase().as_str(), "SA" | "SD" | "SS") {
            return Err(PostcodeError::ReservedLetters);
        }
        let value = digits.parse().map_err(|_| PostcodeError::Format)?;
        Ok(Self(value))
    }

    /// The PC4 as a number.
    pub fn value(self) -> u16 {
        self.0
    }

    /// The PC4 as four characters, the way it is stored.
    pub fn as_string(self) -> String {
        self.0.to_string()
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for Postcode {
    type Err = PostcodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_pc4_and_full_postcodes_in_any_spacing_and_case() {
        for input in ["1012", "1012AB", "1012 ab", " 1012  Ab ", "9711"] {
            let pc = Postcode::parse(input).unwrap();
            assert!(pc.value() == 1012 || pc.value() == 9711, "{input}");
        }
        assert_eq!(Postcode::parse("3512 AB").unwrap().to_string(), "3512");
    }

    #[test]
    fn rejects_malformed_postcodes() {
        for input in [
            "",
            "abcd",
            "12345",
            "101",
            "1012A",
            "1012ABC",
            "10a2",
            "1012 1B",
            "１０１２",
        ] {
            assert_eq!(
                Postcode::parse(input),
                Err(PostcodeError::Format),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_leading_zero_and_reserved_letters() {
        assert_eq!(Postcode::parse("0000"), Err(PostcodeError::LeadingZero));
        assert_eq!(Postcode::parse("0123AB"), Err(PostcodeError::LeadingZero));
        for letters in ["SA", "sd", "SS"] {
            assert_eq!(
                Postcode::parse(&format!("1012{letters}")),
                Err(PostcodeError::ReservedLetters)
            );
        }
    }
}
