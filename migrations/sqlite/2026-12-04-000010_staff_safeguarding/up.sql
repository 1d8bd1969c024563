-- Staff who leave and volunteers under a safeguarding concern (docs/ARCHITECTURE.md §7).
-- A deactivated account cannot sign in; its sessions were ended with it (sessions_ended_at).
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMP;
-- A suspended volunteer's offers are not proposed; the reason is a code, never free text.
ALTER TABLE users ADD COLUMN suspended_at TIMESTAMP;
ALTER TABLE users ADD COLUMN suspension_reason TEXT;
-- An offer paused by its volunteer's suspension (not by the volunteer): lifting the
-- suspension makes exactly these active again.
ALTER TABLE offers ADD COLUMN held BOOLEAN NOT NULL DEFAULT 0;
-- A municipality's own cap on new proposals per volunteer per day (NULL: the service's
-- HULPMARKT_DAILY_PROPOSAL_CAP), for the volunteers whose offers are there.
ALTER TABLE municipality_settings ADD COLUMN daily_proposal_cap INTEGER;
