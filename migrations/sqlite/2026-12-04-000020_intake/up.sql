-- People a request is for who did not post it themselves: a resident without an account whose
-- request a case worker recorded (by phone, on paper, at a visit), or someone an informal carer
-- posts for. The name and phone are personal data: shown to case workers of the municipality,
-- to the carer who recorded them, and (the phone) to the volunteer after acceptance.
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    address_line TEXT,
    recorded_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    -- 'case_worker' (the municipality's record) or 'carer' (the carer's record).
    recorder_role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- The account that claimed the person's requests with a one-time code.
    claimed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    claimed_at TIMESTAMP,
    -- SHA-256 of the live one-time claim code (the code itself is never stored).
    claim_code_hash TEXT UNIQUE,
    claim_code_expires_at TIMESTAMP,
    erased_at TIMESTAMP
);
CREATE INDEX people_municipality ON people (municipality_code, created_at);
CREATE INDEX people_recorded_by ON people (recorded_by);

-- Who recorded a request for whom, with the person's consent as it was recorded.
CREATE TABLE representations (
    request_id TEXT PRIMARY KEY REFERENCES help_requests(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id),
    recorded_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    recorder_role TEXT NOT NULL,
    consent_via TEXT NOT NULL,
    consent_recorded_at TIMESTAMP NOT NULL,
    contact TEXT NOT NULL
);
CREATE INDEX representations_person ON representations (person_id);

-- How the request reached the service: online, recorded by the municipality, or by a carer.
ALTER TABLE help_requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'online';
