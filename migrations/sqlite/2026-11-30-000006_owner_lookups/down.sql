DROP INDEX matches_request;
CREATE INDEX matches_request ON matches (request_id, status);
DROP INDEX help_requests_requester;
CREATE INDEX help_requests_requester ON help_requests (requester_id, created_at);
