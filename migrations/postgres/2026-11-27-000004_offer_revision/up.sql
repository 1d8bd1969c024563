-- Incremental matching finds candidates in an in-memory index of the offers
-- (src/services/live_offers.rs) instead of searching this table per request, so the radius
-- tiers and their covering indexes (migration 000003) are gone: they only cost time on every
-- taken slot.
DROP INDEX offers_remote;
DROP INDEX offers_reach;
ALTER TABLE offers DROP COLUMN reach_tier;
-- What the index needs instead: which offers changed since it last looked. `revision` grows
-- with every insert and every update that dates the offer (`updated_at`: edits, pauses, freed
-- slots, a recorded VOG); a taken slot is not dated on purpose. Written only by the sequence
-- and this trigger. Concurrent transactions may commit their revisions out of order; the
-- index's background refresh reads back a margin for that.
CREATE SEQUENCE offer_revision;
ALTER TABLE offers ADD COLUMN revision BIGINT NOT NULL DEFAULT nextval('offer_revision');
CREATE INDEX offers_revision ON offers (revision);
CREATE FUNCTION offers_next_revision() RETURNS trigger AS $$
BEGIN
    NEW.revision := nextval('offer_revision');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER offers_revision_on_change BEFORE UPDATE OF updated_at ON offers
    FOR EACH ROW EXECUTE FUNCTION offers_next_revision();
-- The index's demand count reads the requests of the last two weeks, a page at a time.
CREATE INDEX help_requests_created ON help_requests (created_at, id);
