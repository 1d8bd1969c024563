-- The erased accounts of the last day, which every instance keeps in memory so that checking
-- an access token's account costs no query (auth::erased); few rows, read every 2 s.
CREATE INDEX users_erased ON users (erased_at) WHERE erased_at IS NOT NULL;
