-- 0006_account_map: the people of each client company (contacts), the
-- informal influence links between them, the relationship plan (actions per
-- contact), the workspace's "not contacted for N days" setting, and the tie
-- of an assessment to the contact who gave it.

ALTER TABLE workspaces ADD COLUMN contact_stale_days INTEGER NOT NULL DEFAULT 90;

CREATE TABLE contacts (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  name TEXT NOT NULL,
  position TEXT,
  department TEXT,
  emails TEXT NOT NULL DEFAULT '[]',
  phones TEXT NOT NULL DEFAULT '[]',
  reports_to_id BIGINT, -- a contact of the same account; checked by the program (copy order)
  buying_role TEXT CHECK (buying_role IN ('decision_maker', 'economic_buyer', 'technical_buyer',
    'user_buyer', 'influencer', 'gatekeeper', 'coach')),
  attitude TEXT NOT NULL DEFAULT 'neutral'
    CHECK (attitude IN ('champion', 'supporter', 'neutral', 'skeptic', 'opponent')),
  influence TEXT NOT NULL DEFAULT 'medium' CHECK (influence IN ('high', 'medium', 'low')),
  relationship TEXT NOT NULL DEFAULT 'none'
    CHECK (relationship IN ('none', 'weak', 'working', 'strong', 'trusted_advisor')),
  owner_user_id BIGINT REFERENCES users(id),
  last_contact_on TEXT,
  left_on TEXT,
  notes TEXT,
  external_id TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE INDEX contacts_by_account ON contacts (workspace_id, account_id, name, id);
CREATE UNIQUE INDEX contacts_external_id ON contacts (workspace_id, external_id);
CREATE INDEX contacts_by_reports_to ON contacts (workspace_id, reports_to_id);

CREATE TABLE contact_links (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  from_contact_id BIGINT NOT NULL REFERENCES contacts(id),
  to_contact_id BIGINT NOT NULL REFERENCES contacts(id),
  sign TEXT NOT NULL CHECK (sign IN ('supports', 'opposes')),
  note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (from_contact_id <> to_contact_id)
);
CREATE UNIQUE INDEX contact_links_pair ON contact_links (workspace_id, from_contact_id, to_contact_id);
CREATE INDEX contact_links_by_account ON contact_links (workspace_id, account_id);

CREATE TABLE contact_actions (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  contact_id BIGINT NOT NULL REFERENCES contacts(id),
  what TEXT NOT NULL,
  due_on TEXT NOT NULL,
  owner_user_id BIGINT REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  done_on TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX contact_actions_by_account ON contact_actions (workspace_id, account_id, due_on);
CREATE INDEX contact_actions_open ON contact_actions (workspace_id, status, due_on);

ALTER TABLE assessments ADD COLUMN contact_id BIGINT REFERENCES contacts(id);
CREATE INDEX assessments_by_contact ON assessments (workspace_id, contact_id, assessed_on);
