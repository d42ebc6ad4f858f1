-- 0007_research: studies (waves of research: surveys, CSM interviews,
-- CustDev interviews, exit interviews of churned clients) and their
-- questionnaires of typed questions (docs/research.md, "Studies" and
-- "Questionnaires"). Responses come in a later migration.

CREATE TABLE studies (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL, -- the name case-folded: unique among the live studies
  kind TEXT NOT NULL
    CHECK (kind IN ('survey', 'csm_interview', 'custdev', 'exit_interview')),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  starts_on TEXT,
  ends_on TEXT,
  description TEXT,
  guide TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  archived_at TEXT,
  CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX studies_by_start ON studies (workspace_id, starts_on, id);
CREATE UNIQUE INDEX studies_live_name ON studies (workspace_id, name_key)
  WHERE archived_at IS NULL;

-- One row per question; options (choice questions only) are a JSON list of
-- {"code", "text": {"ru", "en"}}. Questions are retired (active = 0), never
-- deleted: responses keep their answers.
CREATE TABLE study_questions (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  study_id BIGINT NOT NULL REFERENCES studies(id),
  code TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('recommend', 'component', 'competitor_component',
    'satisfaction', 'intention', 'factors', 'choice', 'text')),
  text_ru TEXT NOT NULL,
  text_en TEXT NOT NULL,
  component_id BIGINT REFERENCES loyalty_components(id),
  competitor_id BIGINT REFERENCES competitors(id),
  options TEXT,
  required INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL,
  stage_id BIGINT REFERENCES journey_stages(id),
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX study_questions_code ON study_questions (workspace_id, study_id, code);
CREATE INDEX study_questions_by_study ON study_questions (workspace_id, study_id, position);
