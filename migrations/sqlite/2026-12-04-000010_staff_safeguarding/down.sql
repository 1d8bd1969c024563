ALTER TABLE municipality_settings DROP COLUMN daily_proposal_cap;
ALTER TABLE offers DROP COLUMN held;
ALTER TABLE users DROP COLUMN suspension_reason;
ALTER TABLE users DROP COLUMN suspended_at;
ALTER TABLE users DROP COLUMN deactivated_at;
