//! The vocabularies of notifications: what happened (kind), for whom (recipient role), on
//! which channel, and where a delivery stands.

use std::{fmt, str::FromStr};

use super::{status::vocabulary, FieldError};

vocabulary! {
    /// What a notification tells (one template per kind, `templates/notifications/`).
    pub enum NotificationKind, field = "kind" {
        /// A volunteer is asked to help.
        ProposalMade = "proposal_made",
        /// A volunteer's proposal lapses in about 12 hours.
        ProposalReminder = "proposal_reminder",
        /// The resident: a volunteer said yes.
        ProposalAccepted = "proposal_accepted",
        /// The resident: a volunteer said no; the service looks further.
        ProposalDeclined = "proposal_declined",
        /// The resident: a volunteer did not answer in time.
        ProposalExpired = "proposal_expired",
        /// The volunteer: their proposal lapsed.
        ProposalLapsed = "proposal_lapsed",
        /// The other side called off an accepted match.
        MatchCancelled = "match_cancelled",
        /// A match was marked done.
        MatchCompleted = "match_completed",
        /// The resident: the request has been open for a week.
        StillNeedHelp = "still_need_help",
        /// The resident: the municipality takes over.
        RequestEscalated = "request_escalated",
        /// Case workers: a new case.
        CaseOpened = "case_opened",
        /// Case workers: a case waits longer than the municipality allows.
        CaseWaiting = "case_waiting",
        /// The resident: the municipality decided.
        CaseResolved = "case_resolved",
        /// A volunteer's VOG is about to expire.
        VogExpiring = "vog_expiring",
        /// A case worker linked a volunteer to a request.
        MatchAssigned = "match_assigned",
        /// Someone tried to register the person's address again.
        AccountExists = "account_exists",
        /// Case workers: the volunteer of an accepted match that needs a VOG lost it.
        SafeguardingAlert = "safeguarding_alert",
        /// A case worker: a colleague handed them a case, or took over one of theirs.
        CaseHandedOver = "case_handed_over",
        /// The case worker who recorded a request for a resident without an account: a
        /// volunteer answered, lapsed, called off or completed (`domain::intake`).
        RecordedRequestUpdate = "recorded_request_update",
        /// A link to set a new password (e-mail only, `domain::account_token`).
        PasswordReset = "password_reset",
        /// A link that shows the address is the person's (e-mail only).
        VerifyEmail = "verify_email",
    }
}

vocabulary! {
    /// The role in which someone receives a notification.
    pub enum RecipientRole, field = "recipient_role" {
        /// A resident.
        Resident = "resident",
        /// A volunteer.
        Volunteer = "volunteer",
        /// A case worker.
        CaseWorker = "case_worker",
        /// The municipality itself (its webhooks).
        Municipality = "municipality",
    }
}

vocabulary! {
    /// A way a notification leaves the service (the in-app feed needs no delivery).
    pub enum Channel, field = "channel" {
        /// One e-mail per notification.
        Email = "email",
        /// One e-mail a day with the notifications since the last.
        Digest = "digest",
        /// A signed POST to a municipality's webhook.
        Webhook = "webhook",
    }
}

vocabulary! {
    /// Where a delivery is.
    pub enum DeliveryStatus, field = "status" {
        /// Waiting for its (next) attempt.
        Pending = "pending",
        /// Accepted by the mail server or the receiver.
        Delivered = "delivered",
        /// Given up: refused for good, or out of attempts. Admins see it.
        Failed = "failed",
    }
}
