DROP INDEX help_requests_created;
DROP TRIGGER offers_revision_on_change;
DROP TRIGGER offers_revision_on_insert;
DROP INDEX offers_revision;
ALTER TABLE offers DROP COLUMN revision;
ALTER TABLE offers ADD COLUMN reach_tier INTEGER NOT NULL GENERATED ALWAYS AS (
    CASE WHEN radius_km <= 2 THEN 0 WHEN radius_km <= 5 THEN 1 WHEN radius_km <= 10 THEN 2
         WHEN radius_km <= 15 THEN 3 WHEN radius_km <= 25 THEN 4 WHEN radius_km <= 50 THEN 5
         ELSE 6 END) VIRTUAL;
-- radius_km, the load and id ride along so that the distance estimate, the free-slot test and
-- the category check run on the index entry, and only the nearest candidates cost a row read.
CREATE INDEX offers_reach ON offers (status, reach_tier, lat, lon, radius_km, active_load, capacity, id);
-- Remote-capable offers near a request, searched in growing boxes (remote_offers).
CREATE INDEX offers_remote ON offers (remote_ok, status, lat, lon);
