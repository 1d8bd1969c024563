//! The small closed vocabularies of Hulpmarkt: urgency, roles and the lifecycle states of
//! requests, matches, offers and cases (docs/ARCHITECTURE.md §6), with their allowed transitions.
//!
//! Every enum is stored as TEXT: `as_str()` gives the code, `FromStr`/`parse` reads it back,
//! and serde uses the same snake_case codes on the wire.

use std::{fmt, str::FromStr};

use super::FieldError;

/// Declares a closed vocabulary: the enum with serde/utoipa derives, `ALL`, `as_str`, `parse`
/// (errors reported on `$field`), `Display` and `FromStr`, all from one list of codes.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident, field = $field:literal {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$(Self::$variant,)+];

            /// The wire and storage code.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// Parses a code exactly as `as_str` writes it.
            pub fn parse(input: &str) -> Result<Self, FieldError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == input).ok_or_else(|| {
                    let codes: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    FieldError::of($field, crate::domain::FieldErrorCode::UnknownValue)
                    .param("allowed", codes)
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        $crate::domain::stored::stored_as_text!(
            $name,
            write = |v| v.as_str(),
            read = |code| Self::parse(&code)
        );
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// How soon help is needed; orders the case-worker queue and shortens the escalation grace
    /// period. Ordered `Low < Normal < High`; defaults to `Normal`.
    #[derive(Default)]
    pub enum Urgency, field = "urgency" {
        /// Can wait.
        Low = "low",
        /// The default.
        #[default]
        Normal = "normal",
        /// Needed soon; escalates sooner.
        High = "high",
    }
}

vocabulary! {
    /// Which part of the service proposed a match.
    pub enum MatchOrigin, field = "created_by" {
        /// Incremental matching, when a request or an offer changed.
        Incremental = "incremental",
        /// The global batch.
        Batch = "batch",
        /// A case worker who assigned a volunteer to a case.
        CaseWorker = "case_worker",
    }
}

vocabulary! {
    /// Where a help request is in its lifecycle.
    pub enum HelpRequestStatus, field = "status" {
        /// Waiting for a volunteer.
        Open = "open",
        /// A volunteer has a proposal and has not answered yet.
        Proposed = "proposed",
        /// A volunteer accepted.
        Matched = "matched",
        /// The help was given.
        Completed = "completed",
        /// The resident withdrew the request.
        Cancelled = "cancelled",
        /// A municipal case exists; the case decides what follows.
        Escalated = "escalated",
        /// The case referred the resident to formal care.
        Referred = "referred",
        /// The case was closed without further help from Hulpmarkt.
        Closed = "closed",
    }
}

impl HelpRequestStatus {
    /// Whether the lifecycle allows going from `self` to `next` (staying put is not a
    /// transition). `proposed → open` is a declined or expired proposal; `matched → open` a
    /// cancelled match that goes back to the marketplace; from `escalated` the case outcome
    /// decides (see [`CaseOutcome::request_status`]). The resident may cancel anything not yet
    /// finished.
    pub fn can_transition_to(self, next: Self) -> bool {
        use HelpRequestStatus::*;
        matches!(
            (self, next),
            (Open, Proposed | Escalated | Cancelled)
                | (Proposed, Open | Matched | Escalated | Cancelled)
                | (Matched, Open | Completed | Cancelled)
                | (
                    Escalated,
                    Open | Proposed | Matched | Referred | Closed | Cancelled
                )
        )
    }

    /// Finished: no transition leaves this state (these requests are anonymised after the
    /// retention period).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Cancelled | Self::Referred | Self::Closed
        )
    }
}

vocabulary! {
    /// Where one proposal of one offer for one request is in its lifecycle.
    pub enum MatchStatus, field = "status" {
        /// Proposed to the volunteer, awaiting an answer.
        Proposed = "proposed",
        /// The volunteer accepted; both sides now see each other's contact details.
        Accepted = "accepted",
        /// The volunteer declined.
        Declined = "declined",
        /// No answer in time.
        Expired = "expired",
        /// The request was cancelled or given to someone else.
        Withdrawn = "withdrawn",
        /// The help was given.
        Completed = "completed",
        /// An accepted match was called off.
        Cancelled = "cancelled",
    }
}

impl MatchStatus {
    /// Whether the lifecycle allows going from `self` to `next` (docs/ARCHITECTURE.md §6).
    pub fn can_transition_to(self, next: Self) -> bool {
        use MatchStatus::*;
        matches!(
            (self, next),
            (Proposed, Accepted | Declined | Expired | Withdrawn)
                | (Accepted, Completed | Cancelled)
        )
    }

    /// Finished: no transition leaves this state.
    pub fn is_terminal(self) -> bool {
        !matches!(self, Self::Proposed | Self::Accepted)
    }

    /// The ends after which the pair is passed: that volunteer is never proposed that
    /// request again, whichever side looks (a request for offers, an offer for requests) and
    /// in both modes (incremental and the global batch). A proposal the system withdrew (the
    /// batch moved it, the offer was paused or withdrawn) is not a pass.
    pub const PASSES: [MatchStatus; 3] = [Self::Declined, Self::Expired, Self::Cancelled];

    /// The codes of [`Self::PASSES`], for queries.
    pub const PASS_CODES: [&'static str; 3] = ["declined", "expired", "cancelled"];

    /// Whether the match takes one unit of the offer's capacity (active proposals plus
    /// accepted matches, docs/ARCHITECTURE.md §5 rule 5).
    pub fn uses_capacity(self) -> bool {
        matches!(self, Self::Proposed | Self::Accepted)
    }

    /// Whether both sides may see each other's contact details: from acceptance on, and still
    /// after completion so they can arrange a next time.
    pub fn contact_visible(self) -> bool {
        matches!(self, Self::Accepted | Self::Completed)
    }
}

vocabulary! {
    /// Whether a volunteer offer takes part in matching.
    pub enum OfferStatus, field = "status" {
        /// Takes new proposals.
        Active = "active",
        /// Temporarily takes no new proposals; existing matches continue.
        Paused = "paused",
        /// Ended for good.
        Withdrawn = "withdrawn",
    }
}

impl OfferStatus {
    /// `active ⇄ paused`, and either may be withdrawn; withdrawn is final.
    pub fn can_transition_to(self, next: Self) -> bool {
        use OfferStatus::*;
        matches!(
            (self, next),
            (Active, Paused | Withdrawn) | (Paused, Active | Withdrawn)
        )
    }
}

vocabulary! {
    /// Where a municipal case ("zaak") is in its lifecycle.
    pub enum CaseStatus, field = "status" {
        /// In the queue, nobody has claimed it.
        Open = "open",
        /// Claimed by a case worker.
        InProgress = "in_progress",
        /// Decided, with a [`CaseOutcome`].
        Resolved = "resolved",
    }
}

impl CaseStatus {
    /// `open → in_progress → resolved`: a case is claimed before it is decided.
    pub fn can_transition_to(self, next: Self) -> bool {
        use CaseStatus::*;
        matches!((self, next), (Open, InProgress) | (InProgress, Resolved))
    }
}

vocabulary! {
    /// The decision that resolves a case.
    pub enum CaseOutcome, field = "outcome" {
        /// A specific offer gets the request as a proposal its volunteer accepts or declines.
        AssignedVolunteer = "assigned_volunteer",
        /// Referred to formal care (an iWmo/iJw category or a Participatiewet instrument).
        ReferredFormal = "referred_formal",
        /// Back to the marketplace, optionally with a wider distance.
        ReturnedToMarketplace = "returned_to_marketplace",
        /// Closed, with a reason.
        Closed = "closed",
    }
}

impl CaseOutcome {
    /// The status the escalated request moves to. A volunteer the case worker assigns is
    /// asked first (a proposal they accept or decline), so the request is `proposed`.
    pub fn request_status(self) -> HelpRequestStatus {
        match self {
            Self::AssignedVolunteer => HelpRequestStatus::Proposed,
            Self::ReferredFormal => HelpRequestStatus::Referred,
            Self::ReturnedToMarketplace => HelpRequestStatus::Open,
            Self::Closed => HelpRequestStatus::Closed,
        }
    }
}

vocabulary! {
    /// Why a request became a municipal case (docs/ARCHITECTURE.md §6).
    pub enum EscalationReason, field = "reason" {
        /// No candidate within the grace period.
        NoCandidates = "no_candidates",
        /// Every candidate declined or let the proposal expire.
        Declined = "declined",
        /// The proposal chain took longer than allowed.
        ProposalTimeout = "proposal_timeout",
        /// The resident asked for the municipality directly.
        ResidentRequest = "resident_request",
    }
}

vocabulary! {
    /// What an account may do. One person may hold several roles.
    pub enum Role, field = "roles" {
        /// Posts help requests.
        Resident = "resident",
        /// Offers help.
        Volunteer = "volunteer",
        /// Works the municipality's case queue; never self-registered.
        CaseWorker = "case_worker",
        /// Manages case workers and settings; never self-registered.
        Admin = "admin",
    }
}

impl Role {
    /// Whether a person may give themselves this role at registration: only resident and
    /// volunteer.
    pub fn self_assignable(self) -> bool {
        matches!(self, Self::Resident | Self::Volunteer)
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
