-- Whether the municipality takes up requests nobody in the marketplace can serve (a case
-- worker reviews them). NULL: it does while it has an active case worker.
ALTER TABLE municipality_settings ADD COLUMN participating BOOLEAN;
