-- When the person showed that the address is theirs (a link sent to it was opened). Until
-- then the address is never shown to the other side of a match.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
-- Single-use tokens sent by e-mail (password reset, e-mail verification): only the SHA-256
-- of the token is kept, and one live token per account and purpose (a new one replaces the old).
CREATE TABLE account_tokens (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, purpose)
);
