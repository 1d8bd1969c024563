-- Every new request reads its resident's earlier requests twice: the near-duplicate check
-- (same category, last 14 days, open or proposed) and the continuity of earlier helpers
-- (the completed matches of each of the resident's requests). Both now read indexes only:
-- the requester index holds category, date, status and id, and the request index of the
-- matches holds the volunteer. With (requester_id, created_at) the check read the row of
-- every request of the last 14 days, and the helpers every request's row for its id.
DROP INDEX help_requests_requester;
CREATE INDEX help_requests_requester ON help_requests (requester_id, category, created_at, status, id);
DROP INDEX matches_request;
CREATE INDEX matches_request ON matches (request_id, status, volunteer_id);
