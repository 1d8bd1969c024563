//! The reasons a case worker gives for a safeguarding step: why a VOG record changes or is
//! revoked, and why a volunteer is suspended. Codes, never free text: they go into the audit
//! log, which holds no personal data and outlives an erasure.

use std::{fmt, str::FromStr};

use super::{status::vocabulary, FieldError};

vocabulary! {
    /// Why a VOG record is revoked.
    pub enum VogRevocationReason, field = "reason" {
        /// It was recorded for the wrong person or without a real certificate.
        RecordedInError = "recorded_in_error",
        /// Justis (the issuer) withdrew the certificate.
        WithdrawnByIssuer = "withdrawn_by_issuer",
        /// New facts raise a safeguarding concern.
        SafeguardingConcern = "safeguarding_concern",
    }
}

vocabulary! {
    /// Why a VOG date is recorded over an earlier one.
    #[derive(Default)]
    pub enum VogChange, field = "reason" {
        /// The volunteer showed a newer certificate.
        #[default]
        NewCertificate = "new_certificate",
        /// The earlier date was entered wrongly.
        Correction = "correction",
    }
}

vocabulary! {
    /// Why a volunteer is suspended.
    pub enum SuspensionReason, field = "reason" {
        /// A report or signal about the safety of the people helped.
        SafeguardingConcern = "safeguarding_concern",
        /// A complaint that is being looked into.
        ComplaintUnderReview = "complaint_under_review",
        /// The volunteer's VOG is being checked again.
        VogUnderReview = "vog_under_review",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_back_what_they_write_and_name_the_field_otherwise() {
        for r in SuspensionReason::ALL {
            assert_eq!(SuspensionReason::parse(r.as_str()), Ok(*r));
        }
        for r in VogRevocationReason::ALL {
            assert_eq!(r.as_str().parse::<VogRevocationReason>(), Ok(*r));
        }
        let err = VogChange::parse("typo").expect_err("not a code");
        assert_eq!(err.field, "reason");
        assert!(
            crate::i18n::field_message(crate::domain::Language::En, &err)
                .contains("new_certificate, correction"),
            "{err}"
        );
        assert_eq!(VogChange::default(), VogChange::NewCertificate);
    }
}
