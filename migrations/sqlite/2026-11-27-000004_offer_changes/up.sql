-- Incremental matching finds candidates in an in-memory index of the offers
-- (src/services/live_offers.rs) instead of searching this table per request, so the radius
-- tiers and their covering indexes (migration 000003) are gone: they only cost time on every
-- taken slot. What the index needs is the offers changed since it last looked.
DROP INDEX offers_remote;
DROP INDEX offers_reach;
ALTER TABLE offers DROP COLUMN reach_tier;
CREATE INDEX offers_changed ON offers (updated_at);
