ALTER TABLE municipality_settings DROP COLUMN participating;
