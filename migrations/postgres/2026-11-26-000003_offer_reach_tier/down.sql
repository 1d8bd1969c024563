DROP INDEX offers_remote;
DROP INDEX offers_reach;
ALTER TABLE offers DROP COLUMN reach_tier;
