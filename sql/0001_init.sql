-- 0001_init: the instance's identity tables, workspaces, client companies,
-- competitors and suppliers, and the audit log.
-- @ID@ stands for the dialect's auto-incrementing integer primary key.

CREATE TABLE workspaces (
  id @ID@,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id @ID@,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT,
  is_admin INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE memberships (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('owner', 'analyst', 'manager', 'viewer')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
  id @ID@,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id @ID@,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  label TEXT,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

CREATE TABLE login_throttle (
  throttle_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start TEXT NOT NULL,
  locked_until TEXT
);

CREATE TABLE accounts (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  legal_name TEXT,
  inn TEXT,
  external_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('prospect', 'active', 'at_risk', 'churned')),
  churned_at TEXT,
  churn_reason TEXT,
  segment TEXT,
  owner_user_id BIGINT REFERENCES users(id),
  tags TEXT NOT NULL DEFAULT '[]',
  industry TEXT,
  region TEXT,
  city TEXT,
  website TEXT,
  employees TEXT,
  revenue DOUBLE PRECISION,
  revenue_currency TEXT NOT NULL DEFAULT 'RUB',
  description TEXT,
  search_text TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE UNIQUE INDEX accounts_external_id ON accounts (workspace_id, external_id);
CREATE INDEX accounts_by_name ON accounts (workspace_id, name, id);
CREATE INDEX accounts_by_updated ON accounts (workspace_id, updated_at, id);
CREATE INDEX accounts_by_created ON accounts (workspace_id, created_at, id);
CREATE INDEX accounts_by_revenue ON accounts (workspace_id, revenue, id);
CREATE INDEX accounts_by_owner ON accounts (workspace_id, owner_user_id);

CREATE TABLE account_tags (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (account_id, tag)
);
CREATE INDEX account_tags_by_tag ON account_tags (workspace_id, tag);

CREATE TABLE competitors (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  website TEXT,
  notes TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE INDEX competitors_by_name ON competitors (workspace_id, name);

CREATE TABLE account_suppliers (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  competitor_id BIGINT REFERENCES competitors(id),
  share_pct DOUBLE PRECISION NOT NULL CHECK (share_pct >= 0 AND share_pct <= 100),
  categories TEXT NOT NULL DEFAULT '[]',
  since TEXT,
  notes TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE INDEX account_suppliers_by_account ON account_suppliers (workspace_id, account_id);

CREATE TABLE audit_log (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  actor_user_id BIGINT REFERENCES users(id),
  entity_type TEXT NOT NULL,
  entity_id BIGINT NOT NULL,
  account_id BIGINT,
  action TEXT NOT NULL,
  changes TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX audit_by_account ON audit_log (workspace_id, account_id, id);
