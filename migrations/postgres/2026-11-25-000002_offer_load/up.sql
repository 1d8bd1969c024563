-- Active proposals plus accepted matches of an offer, kept in step by the matching workflows so
-- that taking a slot is one conditional UPDATE (load < capacity) that the database serialises.
ALTER TABLE offers ADD COLUMN active_load INTEGER NOT NULL DEFAULT 0;
