-- 0008_responses: the answers of studies (docs/research.md, "Responses",
-- "Survey links" and "Interviews"): survey invitations with their link
-- tokens, and responses — from a link, the anonymous link, an interview or
-- an import — each with its answers in one JSON object keyed by question id.

-- One invitation per contact and study (the live one; a new link revokes the
-- previous). The anonymous link of a study is an invitation without a
-- contact (anonymous = 1). Only the SHA-256 of the token is stored.
CREATE TABLE survey_invitations (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  study_id BIGINT NOT NULL REFERENCES studies(id),
  account_id BIGINT REFERENCES accounts(id),
  contact_id BIGINT REFERENCES contacts(id),
  anonymous INTEGER NOT NULL DEFAULT 0,
  token_hash TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru', 'en')),
  status TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'opened', 'submitted')),
  expires_at TEXT,
  sent_at TEXT NOT NULL,
  opened_at TEXT,
  submitted_at TEXT,
  revoked_at TEXT,
  created_by BIGINT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (anonymous = 1 OR contact_id IS NOT NULL)
);
CREATE UNIQUE INDEX survey_invitations_token ON survey_invitations (token_hash);
CREATE UNIQUE INDEX survey_invitations_live ON survey_invitations (workspace_id, study_id, contact_id)
  WHERE revoked_at IS NULL AND contact_id IS NOT NULL;
CREATE INDEX survey_invitations_by_study ON survey_invitations (workspace_id, study_id, id);

-- One row per response. answers is a JSON object keyed by question id:
-- numbers for ratings and recommend, a list of factor ids for factors, an
-- option code for choice, a string for text. A submitted response of a
-- client is an assessment of that client (assessment_id, a series id).
CREATE TABLE responses (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  study_id BIGINT NOT NULL REFERENCES studies(id),
  account_id BIGINT REFERENCES accounts(id),
  contact_id BIGINT REFERENCES contacts(id),
  invitation_id BIGINT REFERENCES survey_invitations(id),
  channel TEXT NOT NULL CHECK (channel IN ('link', 'anonymous', 'interview', 'import')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
  answers TEXT NOT NULL DEFAULT '{}',
  interviewer_user_id BIGINT REFERENCES users(id),
  notes TEXT,
  transcript TEXT,
  quotes TEXT NOT NULL DEFAULT '[]',
  lang TEXT,
  respondent_key TEXT,
  assessment_id BIGINT,
  submitted_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE INDEX responses_by_study ON responses (workspace_id, study_id, id);
CREATE INDEX responses_by_account ON responses (workspace_id, account_id, id);
CREATE UNIQUE INDEX responses_by_invitation ON responses (invitation_id)
  WHERE invitation_id IS NOT NULL AND channel = 'link';
CREATE UNIQUE INDEX responses_respondent ON responses (workspace_id, study_id, respondent_key)
  WHERE respondent_key IS NOT NULL;
