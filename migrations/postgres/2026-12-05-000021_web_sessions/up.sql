-- Browser sessions of the case workers' workplace (/werkplek/). Only the SHA-256 of the
-- random session id is kept, so a copy of the database holds no usable session. A session
-- ends at logout (the row is deleted), after `last_seen_at` plus the idle time-out, at
-- `expires_at`, and when the account's sessions end (`users.sessions_ended_at` after
-- `issued_at`: a password change, a deactivation, a move to another municipality).
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issued_at BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
