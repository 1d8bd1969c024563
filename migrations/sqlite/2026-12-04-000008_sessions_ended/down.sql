DROP INDEX users_sessions_ended;
ALTER TABLE users DROP COLUMN sessions_ended_at;
