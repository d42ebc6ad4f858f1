-- 0009_portal: client access to the portal, the dialog window (docs/portal.md):
-- the people of client companies whom staff invited (portal users), their
-- one-time sign-in links and their sessions. Only SHA-256 hashes of link and
-- session tokens are stored.

-- One row per contact ever invited: inviting again re-activates the same
-- row. email is the contact's first e-mail address, case-folded, when
-- invited; among the live portal users of a workspace it names one person.
-- password_hash is an Argon2id string, NULL until the person sets one.
CREATE TABLE portal_users (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  contact_id BIGINT NOT NULL REFERENCES contacts(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  password_hash TEXT,
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru', 'en')),
  created_by BIGINT REFERENCES users(id),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_login_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX portal_users_contact ON portal_users (workspace_id, contact_id);
CREATE UNIQUE INDEX portal_users_live_email ON portal_users (workspace_id, email)
  WHERE revoked_at IS NULL;
CREATE INDEX portal_users_by_account ON portal_users (workspace_id, account_id, id);

-- One-time sign-in links: an invitation (days) or a login link (minutes).
-- A link works once: used_at is set by the statement that redeems it.
-- revoked_at ends an unused link (a new invitation, or the person revoked).
CREATE TABLE portal_links (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  portal_user_id BIGINT NOT NULL REFERENCES portal_users(id),
  token_hash TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'login')),
  expires_at TEXT NOT NULL,
  used_at TEXT,
  revoked_at TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX portal_links_token ON portal_links (token_hash);
CREATE INDEX portal_links_by_user ON portal_links (workspace_id, portal_user_id);

-- Sessions of portal users, apart from staff sessions: a portal session
-- sees only its company (account_id). Idle expiry by last_seen_at, absolute
-- by expires_at.
CREATE TABLE portal_sessions (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  portal_user_id BIGINT NOT NULL REFERENCES portal_users(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  token_hash TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE UNIQUE INDEX portal_sessions_token ON portal_sessions (token_hash);
CREATE INDEX portal_sessions_by_user ON portal_sessions (workspace_id, portal_user_id);
