//! The dispatcher (docs/ARCHITECTURE.md §9): sends the deliveries the outbox wrote, after
//! their transaction committed. One pass claims due deliveries in a write transaction (a
//! conditional update per row: of several instances on one PostgreSQL, exactly one claims
//! each; on SQLite through the one writer), sends them outside any transaction, and settles
//! each in a second write transaction, conditional on its claim. A claim holds for
//! [`LEASE`]; a pass that died leaves its deliveries to be claimed again after that.
//!
//! A transient failure is retried with exponential backoff, a permanent one (or the last of
//! [`MAX_ATTEMPTS`]) ends as `failed`, which admins see. A recipient's deliveries go out in
//! the order they were made: a later one waits while an earlier one is retried.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::notify::render::{self, Reader};
use crate::{
    db::{
        self, deliveries::Delivery, municipality_settings, notifications::Notification,
        DbConnection, Pool,
    },
    domain::{ids::new_key, Channel, DeliveryStatus},
    error::AppError,
    notifications::{DeliveryError, EmailChannel, Rendered, WebhookChannel},
};

/// How long a pass holds what it claimed.
pub const LEASE: Duration = Duration::minutes(2);
/// Attempts before a delivery that keeps failing ends as `failed`.
pub const MAX_ATTEMPTS: i32 = 8;
/// Deliveries claimed per pass.
pub const PASS: i64 = 50;
/// Passes per run at most (a run ends earlier when nothing is due).
pub const PASSES_PER_RUN: usize = 20;

/// The wait before attempt `attempts + 1`: 30 s, doubling, at most six hours.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.clamp(1, 16) - 1).unwrap_or(0);
    (Duration::seconds(30) * 2i32.pow(doublings)).min(Duration::hours(6))
}

/// The channels and the link the dispatcher sends with.
pub struct Dispatcher {
    email: Option<EmailChannel>,
    webhook: WebhookChannel,
    app_url: Option<String>,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Deliveries accepted by a mail server or a receiver.
    pub delivered: usize,
    /// Deliveries that failed for now and wait for their next attempt.
    pub retrying: usize,
    /// Deliveries that ended as failed.
    pub failed: usize,
}

/// One claimed piece of work: the deliveries it settles (a digest settles several) and what
/// to send.
struct Job {
    deliveries: Vec<String>,
    attempts: i32,
    send: Send,
    /// An e-mail-only notification whose token is scrubbed once the e-mail went out.
    scrub: Option<String>,
}

enum Send {
    Email {
        id: String,
        address: String,
        name: String,
        message: Box<Rendered>,
        language: crate::domain::Language,
    },
    Webhook {
        id: String,
        url: String,
        secret: String,
        body: Vec<u8>,
    },
    /// Nothing can be sent (the person erased their account, the webhook was removed).
    Impossible(&'static str),
}

impl Dispatcher {
    /// A dispatcher from the settings; e-mail only when an SMTP URL is set.
    pub fn new(settings: &crate::config::Settings) -> anyhow::Result<Self> {
        let email = match &settings.smtp_url {
            Some(url) => Some(EmailChannel::new(url.expose(), &settings.smtp_from)?),
            None => None,
        };
        Ok(Self {
            email,
            webhook: WebhookChannel::new()?,
            app_url: settings.public_url.clone(),
        })
    }

    /// Sends what is due at `now`, pass after pass until nothing is (at most
    /// [`PASSES_PER_RUN`] passes).
    pub async fn run(&self, pool: &Pool, now: NaiveDateTime) -> Result<DispatchReport, AppError> {
        let mut report = DispatchReport::default();
        for _ in 0..PASSES_PER_RUN {
            let claim = new_key();
            let claimed = {
                let claim = claim.clone();
                db::transaction(pool, move |conn| claim_due(conn, &claim, now)).await?
            };
            if claimed.is_empty() {
                break;
            }
            let app_url = self.app_url.clone();
            let jobs =
                db::run(pool, move |conn| prepare(conn, claimed, app_url.as_deref())).await?;
            let outcomes = futures_util::future::join_all(jobs.iter().map(|j| self.send(j))).await;
            let settled: Vec<(Job, Result<(), DeliveryError>)> =
                jobs.into_iter().zip(outcomes).collect();
            for (job, outcome) in &settled {
                match outcome {
                    Ok(()) => report.delivered += job.deliveries.len(),
                    Err(e) if e.is_transient() && job.attempts < MAX_ATTEMPTS => {
                        report.retrying += job.deliveries.len();
                    }
                    Err(_) => report.failed += job.deliveries.len(),
                }
            }
            db::transaction(pool, move |conn| settle(conn, &claim, &settled, now)).await?;
        }
        Ok(report)
    }

    async fn send(&self, job: &Job) -> Result<(), DeliveryError> {
        match &job.send {
            Send::Email {
                id,
                address,
                name,
                message,
                language,
            } => match &self.email {
                Some(email) => email.send(id, address, name, message, *language).await,
                None => Err(DeliveryError::Permanent("e-mail is not configured".into())),
            },
            Send::Webhook {
                id,
                url,
                secret,
                body,
            } => {
                let timestamp = chrono::Utc::now().timestamp();
                self.webhook.send(url, secret, id, timestamp, body).await
            }
            Send::Impossible(why) => Err(DeliveryError::Permanent((*why).into())),
        }
    }
}

/// Claims the heads that are due, with a digest head the recipient's other due digest
/// deliveries. Returns each claimed head with its companions.
fn claim_due(
    conn: &mut DbConnection,
    claim: &str,
    now: NaiveDateTime,
) -> Result<Vec<(Delivery, Vec<Delivery>)>, AppError> {
    let until = now + LEASE;
    let mut claimed = Vec::new();
    for mut head in db::deliveries::due_heads(conn, now, PASS)? {
        if !db::deliveries::claim(conn, &head.id, claim, now, until)? {
            continue;
        }
        // The claim counted this attempt.
        head.attempts += 1;
        let mut more = Vec::new();
        if head.channel == Channel::Digest {
            for d in db::deliveries::due_digest(conn, &head.target, now)? {
                if d.id != head.id && db::deliveries::claim(conn, &d.id, claim, now, until)? {
                    more.push(d);
                }
            }
        }
        claimed.push((head, more));
    }
    Ok(claimed)
}

/// Reads what each claimed delivery needs and renders it.
fn prepare(
    conn: &mut DbConnection,
    claimed: Vec<(Delivery, Vec<Delivery>)>,
    app_url: Option<&str>,
) -> Result<Vec<Job>, AppError> {
    let ids: Vec<String> = claimed
        .iter()
        .flat_map(|(h, more)| std::iter::once(h).chain(more))
        .map(|d| d.notification_id.clone())
        .collect();
    let by_id: HashMap<String, Notification> = db::notifications::by_ids(conn, &ids)?
        .into_iter()
        .map(|n| (n.id.clone(), n))
        .collect();
    let mut jobs = Vec::with_capacity(claimed.len());
    for (head, more) in claimed {
        let notes: Vec<&Notification> = std::iter::once(&head)
            .chain(&more)
            .filter_map(|d| by_id.get(&d.notification_id))
            .collect();
        let deliveries: Vec<String> = std::iter::once(&head)
            .chain(&more)
            .map(|d| d.id.clone())
            .collect();
        let send = match head.channel {
            Channel::Email | Channel::Digest => email_job(conn, &head, &notes, app_url)?,
            Channel::Webhook => webhook_job(conn, &head, notes.first().copied())?,
        };
        let scrub = notes
            .first()
            .filter(|n| n.kind.email_only() && head.channel == Channel::Email)
            .map(|n| n.id.clone());
        jobs.push(Job {
            deliveries,
            attempts: head.attempts,
            send,
            scrub,
        });
    }
    Ok(jobs)
}

fn email_job(
    conn: &mut DbConnection,
    head: &Delivery,
    notes: &[&Notification],
    app_url: Option<&str>,
) -> Result<Send, AppError> {
    let Some(first) = notes.first() else {
        return Ok(Send::Impossible("the notification was erased"));
    };
    let Some(user) = db::users::find(conn, &crate::domain::UserId(head.target.clone()))? else {
        return Ok(Send::Impossible("the account was erased"));
    };
    let data: serde_json::Value = serde_json::from_str(&first.data).unwrap_or_default();
    if first.kind.email_only() && !data["token"].is_string() {
        return Ok(Send::Impossible("the link was sent already"));
    }
    let details =
        municipality_settings::effective(conn, &first.municipality_code)?.details_in_notifications;
    let reader = Reader {
        language: user.language,
        name: &user.display_name,
        title: details,
        app_url,
    };
    let message = if head.channel == Channel::Digest {
        let all: Vec<Notification> = notes.iter().map(|n| (*n).clone()).collect();
        render::digest(conn, &all, &reader)?
    } else {
        render::message(conn, first, &reader)?
    };
    Ok(Send::Email {
        id: head.id.clone(),
        address: user.email.clone(),
        name: user.display_name.clone(),
        message: Box::new(message),
        language: user.language,
    })
}

fn webhook_job(
    conn: &mut DbConnection,
    head: &Delivery,
    n: Option<&Notification>,
) -> Result<Send, AppError> {
    let Some(n) = n else {
        return Ok(Send::Impossible("the notification was erased"));
    };
    let Some(hook) = db::webhooks::find(conn, &head.target)? else {
        return Ok(Send::Impossible("the webhook was removed"));
    };
    let details =
        municipality_settings::effective(conn, &n.municipality_code)?.details_in_notifications;
    let title = match (&n.request_id, details) {
        (Some(r), true) => db::help_requests::title(conn, r)?,
        _ => None,
    };
    let body = json!({
        "type": n.kind,
        "timestamp": n.created_at.and_utc(),
        "data": {
            "notification_id": n.id,
            "event_id": n.event_id,
            "municipality_code": n.municipality_code,
            "recipient_role": n.recipient_role,
            "recipient_id": n.recipient_id,
            "request_id": n.request_id,
            "match_id": n.match_id,
            "case_id": n.case_id,
            "title": title,
        }
    });
    Ok(Send::Webhook {
        id: head.id.clone(),
        url: hook.url,
        secret: hook.secret,
        body: body.to_string().into_bytes(),
    })
}

/// Records each job's outcome on its deliveries (conditional on the claim).
fn settle(
    conn: &mut DbConnection,
    claim: &str,
    settled: &[(Job, Result<(), DeliveryError>)],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for (job, outcome) in settled {
        let (status, next, error) = match outcome {
            Ok(()) => (DeliveryStatus::Delivered, None, None),
            Err(e) if e.is_transient() && job.attempts < MAX_ATTEMPTS => (
                DeliveryStatus::Pending,
                Some(now + backoff(job.attempts)),
                Some(e.to_string()),
            ),
            Err(e) => (DeliveryStatus::Failed, None, Some(e.to_string())),
        };
        for id in &job.deliveries {
            let settled =
                db::deliveries::settle(conn, id, claim, status, next, error.as_deref(), now)?;
            if !settled {
                tracing::warn!(delivery = %id, "a delivery's claim lapsed before its outcome was recorded");
            }
        }
        // Sent or given up: the token need not stay readable in the outbox.
        if let (Some(n), false) = (&job.scrub, status == DeliveryStatus::Pending) {
            db::notifications::scrub(conn, n)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_and_stops_at_six_hours() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(20), Duration::hours(6));
        let total: Duration = (1..MAX_ATTEMPTS).map(backoff).sum();
        assert!(
            total < Duration::hours(2),
            "all retries within two hours, was {total}"
        );
    }
}
