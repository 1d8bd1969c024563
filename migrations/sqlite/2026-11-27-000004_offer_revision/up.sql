-- Incremental matching finds candidates in an in-memory index of the offers
-- (src/services/live_offers.rs) instead of searching this table per request, so the radius
-- tiers and their covering indexes (migration 000003) are gone: they only cost time on every
-- taken slot.
DROP INDEX offers_remote;
DROP INDEX offers_reach;
ALTER TABLE offers DROP COLUMN reach_tier;
-- What the index needs instead: which offers changed since it last looked. `revision` grows
-- by one with every insert and every update that dates the offer (`updated_at`: edits,
-- pauses, freed slots, a recorded VOG); a taken slot is not dated on purpose. Written only by
-- these triggers. SQLite has one writer at a time, so MAX + 1 is never handed out twice.
ALTER TABLE offers ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
UPDATE offers SET revision = rowid;
CREATE INDEX offers_revision ON offers (revision);
CREATE TRIGGER offers_revision_on_insert AFTER INSERT ON offers BEGIN
    UPDATE offers SET revision = (SELECT COALESCE(MAX(revision), 0) + 1 FROM offers)
    WHERE id = NEW.id;
END;
CREATE TRIGGER offers_revision_on_change AFTER UPDATE OF updated_at ON offers BEGIN
    UPDATE offers SET revision = (SELECT COALESCE(MAX(revision), 0) + 1 FROM offers)
    WHERE id = NEW.id;
END;
-- The index's demand count reads the requests of the last two weeks, a page at a time.
CREATE INDEX help_requests_created ON help_requests (created_at, id);
