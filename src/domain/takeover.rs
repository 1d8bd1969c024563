//! Why a case worker takes over a colleague's case. A code, never free text: it goes into the
//! audit log, which holds no personal data and outlives an erasure.

use std::{fmt, str::FromStr};

use super::{status::vocabulary, FieldError};

vocabulary! {
    /// Why a case worker takes over a case another case worker claimed.
    pub enum TakeoverReason, field = "reason" {
        /// The colleague is away today (ill, or otherwise not at work).
        Absent = "absent",
        /// The colleague is on leave for a longer time.
        OnLeave = "on_leave",
        /// The colleague left the team.
        LeftTheTeam = "left_the_team",
        /// The case cannot wait for the colleague to come back.
        Urgent = "urgent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takeover_reasons_read_back_what_they_write_and_name_the_field_otherwise() {
        for r in TakeoverReason::ALL {
            assert_eq!(TakeoverReason::parse(r.as_str()), Ok(*r));
            assert_eq!(r.as_str().parse::<TakeoverReason>(), Ok(*r));
        }
        assert_eq!(TakeoverReason::ALL.len(), 4);
        let err = TakeoverReason::parse("Ziek sinds maandag").expect_err("free text");
        assert_eq!(err.field, "reason");
        assert!(
            crate::i18n::field_message(crate::domain::Language::En, &err)
                .contains("absent, on_leave, left_the_team, urgent"),
            "{err}"
        );
    }
}
