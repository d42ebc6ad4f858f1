-- 0010_event_log: the events the core raises (src/core/events.c), kept for a
-- while so that a live stream (GET /api/v1/workspaces/{ws}/events, and the
-- portal's) that reconnects with Last-Event-ID catches up on what it missed.
--
-- One row per event, numbered in commit order within a workspace (writers
-- of one workspace take turns until they commit), so a reader that has seen
-- id N never sees an id below N appear later. account_id and topic_id are
-- what streams filter by (topic: e.g. the request a message belongs to);
-- visibility says who may see the event: 'staff' (members of the workspace)
-- or 'public' (also the client's people on the portal). payload is the JSON
-- object sent to streams, without its id. Rows older than the retention
-- period (events.h) are pruned, the newest row always kept so that ids
-- never restart.
CREATE TABLE event_log (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT,
  topic_id BIGINT,
  visibility TEXT NOT NULL CHECK (visibility IN ('staff', 'public')),
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX event_log_by_workspace ON event_log (workspace_id, id);
