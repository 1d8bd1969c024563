ALTER TABLE offers DROP COLUMN active_load;
