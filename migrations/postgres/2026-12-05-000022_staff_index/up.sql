-- The staff of a municipality (the workplace reads them on every page, for names and the
-- colleagues a case can go to): found through the index without reading the residents'
-- and volunteers' rows of the municipality.
CREATE INDEX users_staff ON users (municipality_code, is_case_worker, is_admin);
