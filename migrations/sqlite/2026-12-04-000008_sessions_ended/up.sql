-- When a person's sessions were last ended (a password change): access tokens issued before
-- it are refused on every instance, refresh tokens were revoked with it.
ALTER TABLE users ADD COLUMN sessions_ended_at TIMESTAMP;
CREATE INDEX users_sessions_ended ON users (sessions_ended_at) WHERE sessions_ended_at IS NOT NULL;
