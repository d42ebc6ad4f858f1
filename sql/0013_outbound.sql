-- 0013_outbound: notifications that leave the system (docs/webhooks.md,
-- src/core/outbox.c): the webhook endpoints a workspace registered, the log
-- of deliveries to them, and the e-mail waiting for the SMTP server. Rows of
-- the two queues are written in the transaction of the change they announce
-- (so a notification exists exactly when the change commits) and sent later
-- by the delivery worker of some node (src/core/outbound_worker.c).

-- One row per endpoint. secret is the HMAC-SHA256 key of the signatures
-- (shown to the owner once, when the endpoint is created); events is the
-- set of subscribed event types as a bit mask (bit i: outbox_event_types[i]).
CREATE TABLE webhook_endpoints (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_by BIGINT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id, id);

-- One row per event and endpoint. payload is the event's JSON object (the
-- "data" of the body sent). A delivery is pending until delivered_at or
-- failed_at is set; while pending, next_attempt_at (RFC 3339 with
-- milliseconds) is when it is due, or, while a worker sends it, when that
-- worker's claim lapses. attempts counts the attempts begun.
CREATE TABLE webhook_deliveries (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_attempt_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  failed_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (workspace_id, endpoint_id, id);

-- One row per message; workspace_id is NULL for mail of the instance. The
-- same life as a delivery: pending until sent_at or failed_at.
CREATE TABLE mail_outbox (
  id @ID@,
  workspace_id BIGINT REFERENCES workspaces(id),
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_attempt_at TEXT,
  last_error TEXT,
  sent_at TEXT,
  failed_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
  WHERE sent_at IS NULL AND failed_at IS NULL;
