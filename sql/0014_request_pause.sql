-- 0014_request_pause: the resolution clock of a request stops while it waits
-- for the client (docs/requests.md, "Service levels"). waiting_since is when
-- the request last became waiting (NULL when it is not waiting);
-- paused_minutes the working minutes it has waited in all, by which its
-- resolution deadline is later than the service level alone would make it.
ALTER TABLE requests ADD COLUMN waiting_since TEXT;
ALTER TABLE requests ADD COLUMN paused_minutes BIGINT NOT NULL DEFAULT 0;
-- Requests waiting now: from their last change, the best record there is.
UPDATE requests SET waiting_since = updated_at WHERE status = 'waiting';
