-- Notifications (docs/ARCHITECTURE.md §9). A notification is written in the same
-- transaction as the change it reports (the transactional outbox); each delivery of it on a
-- channel (e-mail, the daily digest, a municipality's webhook) is a row of its own that the
-- dispatcher claims with a conditional update, so it is sent once and retried on its own.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'nl';
ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_digest BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE municipality_settings ADD COLUMN case_alert_hours INTEGER NOT NULL DEFAULT 72;
ALTER TABLE municipality_settings ADD COLUMN details_in_notifications BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- The person it is for; NULL for the municipality itself (its webhooks).
    recipient_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    recipient_role TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    request_id TEXT,
    match_id TEXT,
    case_id TEXT,
    -- The template's values (codes, times, numbers); never a description or contact.
    data TEXT NOT NULL,
    -- Set for reminders made by the sweeper, so each is made once (unique where set).
    dedupe_key TEXT,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_feed ON notifications (recipient_id, read_at, id);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_municipality ON webhooks (municipality_code);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    -- The recipient's user id (email, digest) or the webhook's id: deliveries to one target
    -- go out in the order they were made.
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (notification_id, channel, target)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_target ON deliveries (channel, target, status, id);
