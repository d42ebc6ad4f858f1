-- 0011_requests: the dialog window (docs/requests.md): requests of any kind
-- that a client company's people raise through the portal or that staff
-- record for them, with their thread of messages — public replies and
-- internal notes, which the client never sees.

-- One row per request. The client side is the company (account_id), the
-- person when known (contact_id) and the portal user who wrote it; the
-- classification (component, factor, journey stage) is what staff
-- confirmed, or NULL while unclassified. After resolution the client rates
-- the result (1..5 and a comment); the rating and the helpful marks of the
-- replies become an assessment of the company (source 'request',
-- signal_assessment_id: its series id) on the classified component. The
-- suggested_* columns: what the classifier proposed when it arrived.
CREATE TABLE requests (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  contact_id BIGINT REFERENCES contacts(id),
  portal_user_id BIGINT REFERENCES portal_users(id),
  channel TEXT NOT NULL CHECK (channel IN ('portal', 'staff')),
  kind TEXT NOT NULL CHECK (kind IN ('question', 'complaint', 'suggestion', 'praise',
                                     'order_problem', 'shipment_problem', 'other')),
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  subject TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('new', 'open', 'waiting', 'resolved', 'closed')),
  assignee_user_id BIGINT REFERENCES users(id),
  component_id BIGINT REFERENCES loyalty_components(id),
  factor_id BIGINT REFERENCES loyalty_factors(id),
  stage_id BIGINT REFERENCES journey_stages(id),
  first_response_at TEXT,
  resolved_at TEXT,
  closed_at TEXT,
  reopened INTEGER NOT NULL DEFAULT 0,
  messages INTEGER NOT NULL DEFAULT 0,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment TEXT,
  rated_at TEXT,
  signal_assessment_id BIGINT,
  first_response_due_at TEXT,
  resolution_due_at TEXT,
  escalated_at TEXT,
  reopen_until TEXT,
  suggested_component_id BIGINT,
  suggested_factor_id BIGINT,
  suggested_stage_id BIGINT,
  suggestion_source TEXT,
  suggestion_confidence DOUBLE PRECISION,
  last_message_at TEXT NOT NULL,
  created_by BIGINT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX requests_by_workspace ON requests (workspace_id, id);
CREATE INDEX requests_by_account ON requests (workspace_id, account_id, id);
CREATE INDEX requests_by_status ON requests (workspace_id, status, id);

-- The thread of a request, in id order. author is who wrote it: a member of
-- the workspace (user_id) or the client's person (portal_user_id, or the
-- contact a member recorded the request for). internal = 1: a note among
-- staff, never shown on the portal. helpful: the client's mark of a staff
-- reply (1 helpful, 0 not, NULL unmarked).
CREATE TABLE request_messages (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  request_id BIGINT NOT NULL REFERENCES requests(id),
  author TEXT NOT NULL CHECK (author IN ('staff', 'client')),
  user_id BIGINT REFERENCES users(id),
  portal_user_id BIGINT REFERENCES portal_users(id),
  internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
  body TEXT NOT NULL,
  helpful INTEGER CHECK (helpful IN (0, 1)),
  created_at TEXT NOT NULL,
  CHECK (internal = 0 OR author = 'staff')
);
CREATE INDEX request_messages_by_request ON request_messages (workspace_id, request_id, id);

-- The service settings of a workspace's dialog window (docs/requests.md,
-- "Service levels" and "Assignment"), one JSON document per workspace: the
-- working calendar, the days a client may reopen a request, the service
-- levels per kind and priority, and the assignment rules with their teams.
-- Absent: the defaults (Moscow office hours, 14 days, no levels, no rules).
CREATE TABLE request_settings (
  workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id),
  settings TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);

-- The round robin of each assignment rule: the index of the team member
-- the next request goes to. Cleared when the rules change.
CREATE TABLE request_rule_turns (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  rule_index INTEGER NOT NULL,
  next_member INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, rule_index)
);

-- The classifier of each workspace (docs/requests.md, "Classification"): a
-- naive Bayes model per target (component, factor, journey stage) trained on
-- the requests staff classified, as a base64 blob (src/classify/bayes.h).
CREATE TABLE request_models (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  target TEXT NOT NULL CHECK (target IN ('component', 'factor', 'stage')),
  model TEXT NOT NULL,
  documents INTEGER NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, target)
);
